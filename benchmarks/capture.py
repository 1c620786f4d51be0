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
