"""What the benchmarks share: capture the SQL a piece of code sends, run it again raw, time things.

Import after django.setup().
"""

import statistics
import time

from django.db import connection


class Recorder:
    """Keeps every statement sent, exactly as sent (SQL and parameters)."""

    def __init__(self):
        self.statements = []

    def __call__(self, execute, sql, params, many, context):
        self.statements.append((sql, params))
        return execute(sql, params, many, context)


class StatementTimer:
    """Adds up the time spent in the database's cursor (statements sent and answered)."""

    def __init__(self):
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started


def time_in_database(fn) -> float:
    """Seconds `fn()` spends waiting on its statements, measured at the cursor."""
    timer = StatementTimer()
    with connection.execute_wrapper(timer):
        fn()
    return timer.seconds


def captured(fn) -> list[tuple]:
    """The statements `fn()` sends, session and user lookups included."""
    recorder = Recorder()
    with connection.execute_wrapper(recorder):
        fn()
    return recorder.statements


def run_raw(statements) -> None:
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
            cursor.fetchall()


def median_time(fn, runs: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), times


def median_times_interleaved(fns: dict, runs: int) -> dict[str, tuple[float, list[float]]]:
    """`median_time` for several things measured side by side: each round runs every one of
    `fns` once, in turn, so a slower or faster spell of the machine falls on all of them alike
    instead of on whichever was being measured just then."""
    times = {name: [] for name in fns}
    for _ in range(runs):
        for name, fn in fns.items():
            started = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - started)
    return {name: (statistics.median(values), values) for name, values in times.items()}
