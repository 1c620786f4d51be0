"""Benchmark (not a test): the production server under concurrent load.

    DATABASE_URL=postgres://user@host/scratchdb make bench-load BENCH_ARGS="--clients 50 --seconds 60"

On the (scratch!) database in DATABASE_URL, generated to --customers unless it holds that many
(as caseload_bench does): starts the production server the README's way (gunicorn with
--workers, DEBUG off, WhiteNoise, persistent connections) on a free port on 127.0.0.1, gives
--logins caseworkers of the largest job centre a password, signs each client in as one of them,
and drives a fixed mix for --seconds: the worklist (40 %), the team's overdue list (20 %), a
customer page of the team (30 %) and saving a contact note (10 %: the form, then the post). Then
two floors, for --floor-seconds each: the same number of clients against `/health/` (the
server's and this driver's own cost of a request, one database round trip, no session), and
the signed-in clients against the start page (session, user and staff profile read, then a
redirect: what every page costs before its own work), with its CPU per request. Last, each page
of the mix alone for --per-page-seconds, one request after the other, with the server's CPU per
request in user space and in the kernel.

Prints per page and in all: requests, requests per second, p50, p95, p99 and errors (a status
of 500 or more, a refused connection, or an answer the page never gives); and where the CPU
went, per request: the server's processes, PostgreSQL's and this driver's (Linux /proc), with the
rate those costs allow on this machine's cores. Traffic goes to
127.0.0.1 only; every loop is bounded by time and by --max-requests.

Targets (issue 15): >= 150 requests/s, p99 < 300 ms, no errors.
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kontaktdichte.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-0123456789-abcdefghijklmnop")

import django

django.setup()

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.db.models import Count

from benchmarks.scratch import require_scratch_database
from caseload.models import Customer, Staff

PASSWORD = "Lasttest-Passwort-2026"
MIX = [("worklist", 40), ("team list", 20), ("customer page", 30), ("save note", 10)]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def say(text=""):
    print(text, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ensure_caseload(customers: int) -> None:
    from benchmarks.caseload_bench import ensure_data

    ensure_data(customers, seed=1, workers=min(os.cpu_count() or 1, 8))


def logins(count: int) -> list[tuple[str, list[int]]]:
    """`count` caseworkers of the largest job centre with a password, each with the ids of their
    team's customers."""
    centre = Customer.objects.values("job_centre_id").annotate(n=Count("pk")).order_by("-n")[0]["job_centre_id"]
    staff = list(
        Staff.objects.filter(job_centre_id=centre, role=Staff.CASEWORKER, customers__isnull=False)
        .distinct()
        .select_related("user")
        .order_by("pk")[:count]
    )
    get_user_model().objects.filter(pk__in=[s.user_id for s in staff]).update(password=make_password(PASSWORD))
    teams = defaultdict(list)
    for pk, team_id in Customer.objects.filter(
        job_centre_id=centre, team_id__in={s.team_id for s in staff}
    ).values_list("pk", "team_id"):
        teams[team_id].append(pk)
    return [(s.user.username, teams[s.team_id]) for s in staff]


class Session:
    """One browser: cookies, a connection per request (gunicorn's sync workers close it)."""

    def __init__(self, port: int):
        self.port, self.cookies = port, {}

    def request(self, method, path, body=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        conn.request(method, path, body=urllib.parse.urlencode(body) if body else None, headers=headers)
        response = conn.getresponse()
        content = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        conn.close()
        return response.status, content.decode("utf-8", "replace")

    def sign_in(self, username):
        status, page = self.request("GET", "/anmelden/")
        token = CSRF.search(page).group(1)
        status, _ = self.request(
            "POST", "/anmelden/", {"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD}
        )
        if status != 302:
            raise RuntimeError(f"login of {username} failed with {status}")


def one_request(session, kind, customers, rng) -> tuple[float, bool]:
    """One request of the mix's `kind` (saving a note: the form, then the post, which alone is
    timed): its time and whether the answer was one the page gives."""
    started = time.perf_counter()
    ok = False
    try:
        if kind == "worklist":
            status, _ = session.request("GET", "/faelle/")
            ok = status == 200
        elif kind == "team list":
            status, _ = session.request("GET", "/team/ueberfaellig/")
            ok = status == 200
        elif kind == "customer page":
            status, _ = session.request("GET", f"/kunden/{rng.choice(customers)}/")
            ok = status == 200
        else:
            pk = rng.choice(customers)
            status, page = session.request("GET", f"/kunden/{pk}/vermerk/")
            token = CSRF.search(page)
            started = time.perf_counter()  # the post is what is measured
            status, _ = session.request(
                "POST",
                f"/kunden/{pk}/vermerk/",
                {
                    "csrfmiddlewaretoken": token.group(1) if token else "",
                    "date": time.strftime("%Y-%m-%d"),
                    "channel": "phone",
                    "summary": "Telefonat zur Terminabstimmung (Lasttest).",
                    "follow_up_on": time.strftime("%Y-%m-%d", time.localtime(time.time() + 14 * 86400)),
                    "prognosis_reviewed": "on",
                    "strategy_reviewed": "on",
                    "agreement_reviewed": "on",
                    "job_search_done": "on",
                },
            )
            ok = status in (302, 400)  # 400: the rule set asks for more than this note gives
    except (OSError, http.client.HTTPException):
        ok = False
    return time.perf_counter() - started, ok


def client_loop(session, customers, deadline, results, lock, budget, rng):
    kinds, weights = zip(*MIX)
    while time.monotonic() < deadline:
        with lock:
            if budget[0] <= 0:
                return
            budget[0] -= 1
        kind = rng.choices(kinds, weights)[0]
        elapsed, ok = one_request(session, kind, customers, rng)
        with lock:
            results[kind].append((elapsed, ok))


def health_loop(port, deadline, results, lock):
    while time.monotonic() < deadline:
        started = time.perf_counter()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", "/health/")
            ok = conn.getresponse().status == 200
            conn.close()
        except (OSError, http.client.HTTPException):
            ok = False
        with lock:
            results["health"].append((time.perf_counter() - started, ok))


def signed_in_loop(session, deadline, results, lock):
    """The start page, signed in: session, user and staff profile read, then a redirect to the
    worklist, not followed. What every page costs before it does anything of its own."""
    while time.monotonic() < deadline:
        started = time.perf_counter()
        try:
            status, _ = session.request("GET", "/")
            ok = status == 302
        except (OSError, http.client.HTTPException):
            ok = False
        with lock:
            results["signed-in start"].append((time.perf_counter() - started, ok))


def run_threads(threads) -> float:
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.monotonic() - started


def cpu_times(server_group: int) -> dict[str, dict[int, float]]:
    """CPU seconds so far, as (user, system), of the server's processes (its process group) and
    of PostgreSQL's (every process named postgres: a scratch machine is assumed), by pid, from
    /proc (Linux; empty elsewhere). Each process's figure includes its ended children's (a
    gunicorn worker restarted after max_requests counts in its master's), so the sum over all
    pids of a later reading minus that of an earlier one is what was used in between."""
    ticks = os.sysconf("SC_CLK_TCK")
    found = {"gunicorn": {}, "postgres": {}}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            text = (entry / "stat").read_text()
        except OSError:
            continue
        name = text[text.index("(") + 1 : text.rindex(")")]
        fields = text[text.rindex(")") + 2 :].split()  # from the 3rd field, the state, on
        utime, stime, cutime, cstime = (int(f) / ticks for f in fields[11:15])
        group, seconds = int(fields[2]), (utime + cutime, stime + cstime)
        if group == server_group:
            found["gunicorn"][int(entry.name)] = seconds
        elif name == "postgres":
            found["postgres"][int(entry.name)] = seconds
    return found


def used_between(before, after) -> dict[str, tuple[float, float]]:
    """CPU seconds (user, system) each kind of process used between two `cpu_times` readings."""
    return {
        kind: tuple(
            sum(times[i] for times in after[kind].values()) - sum(times[i] for times in before[kind].values())
            for i in (0, 1)
        )
        for kind in after
    }


def cpu_report(before, after, driver_seconds, requests, wall):
    """Where the CPU of the measured phase went, per request, and the request rate that CPU
    allows on this machine's cores."""
    split = used_between(before, after)
    used = {kind: user + system for kind, (user, system) in split.items()}
    used["Lasttreiber"] = driver_seconds
    if not requests or not used["gunicorn"]:
        return
    per_request = {kind: seconds / requests * 1000 for kind, seconds in used.items()}
    total = sum(per_request.values())
    cores = os.cpu_count() or 1
    say(
        "CPU je Anfrage: "
        + ", ".join(f"{kind} {ms:.1f} ms" for kind, ms in per_request.items())
        + f"; zusammen {total:.1f} ms, Auslastung {sum(used.values()) / wall / cores:.0%} von {cores} Prozessoren"
    )
    # System time is the kernel's share: sockets, and memory mapped and unmapped (see
    # kontaktdichte/datastack.py for a case where that was a third of a page's CPU).
    say("  davon im Kern (System): " + ", ".join(f"{kind} {split[kind][1] / requests * 1000:.1f} ms" for kind in split))
    say(f"  Obergrenze bei diesem Aufwand: {cores * 1000 / total:.0f} Anfragen/s")


def per_page(session, customers, seconds, server_pid):
    """Each page of the mix alone, one request after the other: the server's CPU per request of
    each (in user space and in the kernel) and PostgreSQL's, without the other pages' load."""
    say(f"Jede Seite einzeln, eine Anfrage nach der anderen ({seconds} s je Seite), CPU je Anfrage:")
    say(f"  {'Seite':<15}{'Anfragen':>9}{'p50 ms':>9}{'gunicorn':>10}{'im Kern':>9}{'postgres':>10}")
    rng = random.Random(0)
    for kind, _weight in MIX:
        times, before = [], cpu_times(server_pid)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            times.append(one_request(session, kind, customers, rng)[0])
        used = used_between(before, cpu_times(server_pid))
        requests = len(times) * (2 if kind == "save note" else 1)  # the form and the post
        gunicorn_user, gunicorn_system = (value / requests * 1000 for value in used["gunicorn"])
        postgres = sum(used["postgres"]) / requests * 1000
        say(
            f"  {kind:<15}{len(times):>9}{percentile(times, 50) * 1000:>9.1f}{gunicorn_user + gunicorn_system:>8.1f}ms"
            f"{gunicorn_system:>7.1f}ms{postgres:>8.1f}ms"
        )


def libpython() -> str:
    """Whether this interpreter (the server's too) loads libpython as a shared library, read from
    /proc (Linux; nothing said elsewhere): the config variable says "shared" for Debian's, whose
    executable has it linked in."""
    try:
        with open("/proc/self/maps") as maps:
            shared = "libpython" in maps.read()
    except OSError:
        return ""
    return ", libpython als geteilte Bibliothek" if shared else ", libpython eingebunden"


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def report(results, seconds, title):
    say(title)
    say(f"  {'Seite':<15}{'Anfragen':>9}{'je s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'Fehler':>8}")
    everything = []
    for kind, rows in results.items():
        times = [t * 1000 for t, _ in rows]
        errors = sum(1 for _, ok in rows if not ok)
        everything += rows
        say(
            f"  {kind:<15}{len(rows):>9}{len(rows) / seconds:>8.1f}{percentile(times, 50):>9.0f}"
            f"{percentile(times, 95):>9.0f}{percentile(times, 99):>9.0f}{errors:>8}"
        )
    times = [t * 1000 for t, _ in everything]
    errors = sum(1 for _, ok in everything if not ok)
    say(
        f"  {'zusammen':<15}{len(everything):>9}{len(everything) / seconds:>8.1f}{percentile(times, 50):>9.0f}"
        f"{percentile(times, 95):>9.0f}{percentile(times, 99):>9.0f}{errors:>8}"
    )
    return len(everything) / seconds, percentile(times, 99), errors


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=200_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--logins", type=int, default=50)
    parser.add_argument("--max-requests", type=int, default=100_000)
    parser.add_argument("--floor-seconds", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--per-page-seconds", type=int, default=5, help="0: no page-by-page phase")
    parser.add_argument("--server-log", help="keep gunicorn's log (access lines with server time) in this file")
    args = parser.parse_args()
    require_scratch_database()
    if connection.vendor != "postgresql":
        say("Hinweis: gemessen wird sinnvoll nur auf PostgreSQL (DATABASE_URL=postgres://...).")
    ensure_caseload(args.customers)
    users = logins(args.logins)
    connection.close()
    port = free_port()
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECURE_COOKIES": "false",
        "TASKS_BACKEND": "database",
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(args.workers),
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOGIN_FAILURE_LIMIT": "1000",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", "kontaktdichte/gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=open(args.server_log, "w") if args.server_log else subprocess.DEVNULL,  # noqa: SIM115
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        for _ in range(120):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/health/")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.5)
        say(f"Server: gunicorn, {args.workers} Worker, DEBUG aus, 127.0.0.1:{port}; {os.cpu_count()} Prozessoren")
        # The interpreter matters (README, "Python for production"): a shared libpython without
        # profile-guided optimisation costs the pages more CPU (Debian's optimised build needed 8-13 % less).
        say(f"Python {platform.python_version()} ({sys.base_prefix}{libpython()})")
        # Sign every client in first (a password hash costs a CPU-second) and warm the workers
        # for --warmup seconds, unmeasured: the figures are for a server at work, not at start.
        sessions = [Session(port) for _ in range(args.clients)]
        for i, session in enumerate(sessions):
            session.sign_in(users[i % len(users)][0])
        say(
            f"Last: {args.clients} gleichzeitige Clients, {len(users)} Fachkräfte angemeldet; "
            f"{args.warmup} s Aufwärmen, dann {args.seconds} s gemessen"
        )
        lock = threading.Lock()
        for seconds in (args.warmup, args.seconds):
            results, budget = defaultdict(list), [args.max_requests]
            deadline = time.monotonic() + seconds
            threads = [
                threading.Thread(
                    target=client_loop,
                    args=(session, users[i % len(users)][1], deadline, results, lock, budget, random.Random(i)),
                )
                for i, session in enumerate(sessions)
            ]
            cpu_before, driver_before = cpu_times(server.pid), time.process_time()
            wall = run_threads(threads)
        rate, p99, errors = report(results, wall, "Seitenmix:")
        # A saved note is two requests (the form, then the post), counted once above.
        requests = sum(len(rows) for rows in results.values()) + len(results["save note"])
        cpu_report(cpu_before, cpu_times(server.pid), time.process_time() - driver_before, requests, wall)
        floor = defaultdict(list)
        deadline = time.monotonic() + args.floor_seconds
        wall = run_threads(
            [threading.Thread(target=health_loop, args=(port, deadline, floor, lock)) for _ in range(args.clients)]
        )
        report(floor, wall, "Boden (/health/: eine Datenbankabfrage, keine Sitzung):")
        signed_in = defaultdict(list)
        deadline = time.monotonic() + args.floor_seconds
        cpu_before, driver_before = cpu_times(server.pid), time.process_time()
        wall = run_threads(
            [threading.Thread(target=signed_in_loop, args=(s, deadline, signed_in, lock)) for s in sessions]
        )
        report(signed_in, wall, "Boden angemeldet (Startseite: Sitzung, Benutzer, Profil; Weiterleitung):")
        cpu_report(
            cpu_before,
            cpu_times(server.pid),
            time.process_time() - driver_before,
            len(signed_in["signed-in start"]),
            wall,
        )
        if args.per_page_seconds:
            per_page(sessions[0], users[0][1], args.per_page_seconds, server.pid)
        met = rate >= 150 and p99 < 300 and errors == 0
        say(f"Ziel ≥ 150/s, p99 < 300 ms, 0 Fehler: {'erreicht' if met else 'VERFEHLT'}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
