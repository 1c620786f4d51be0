"""Benchmark (not a test): how many machine instructions each page costs the server's Python.

    DATABASE_URL=postgres://user@host/scratchdb make bench-instructions BENCH_ARGS="--against 2fd981d"

Time on a shared virtual machine drifts by a third from one minute to the next (on 2026-12-01
the same code served 90 and 102 req/s under load, and a signed-in request took 2.2 ms in one
run and 3.8 ms in another); the number of instructions a request executes does not (two runs
agree to 0.01 %). So a change that saves 5 % of a page shows here, and nowhere else on such a
machine. For each page the bench runs Django's test client in a child process under valgrind
(cachegrind without cache simulation, Python's hash seed fixed): once with --warmup requests,
once with --requests more, and prints the difference per request. The pages: the signed-in
start page (the floor under every page), the worklist, the team list (its team lead), a customer
page (a different customer of the team each time; each view writes its audit entry) and the
contact-note form. PostgreSQL's work is not counted (another process); `make bench-load` shows
it, and time.

With --against REV the same pages are measured on a checkout of REV (a git worktree in a
temporary directory), with the change in percent.

Needs valgrind (Debian: apt-get install valgrind) and a scratch database in DATABASE_URL that
holds a caseload (`make bench-load` or `make bench-caseload` generate one).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.scratch import require_scratch_database

PAGES = {
    "start": "/",
    "worklist": "/faelle/",
    "team list": "/team/ueberfaellig/",
    "customer page": "/kunden/{customer}/",
    "note form": "/kunden/{customer}/vermerk/",
}
I_REFS = re.compile(r"I\s+refs:\s+([\d,]+)")


def say(text=""):
    print(text, flush=True)


def instructions(valgrind_output: str) -> int:
    """The instruction count cachegrind reports ("I refs: 3,403,751,567")."""
    match = I_REFS.search(valgrind_output)
    if match is None:
        raise RuntimeError(f"valgrind hat keine Befehlszahl ausgegeben:\n{valgrind_output[-2000:]}")
    return int(match.group(1).replace(",", ""))


def child(tree: str, page: str, requests: int, warmup: int, who: str, customers: str) -> None:
    """Inside valgrind: the test client asks for `page` warmup + requests times."""
    sys.path.insert(0, tree)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kontaktdichte.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(pk=int(who)))
    ids = customers.split(",")
    for i in range(warmup + requests):
        client.get(PAGES[page].format(customer=ids[i % len(ids)]))


def staff_and_customers() -> tuple[int, int, list[int]]:
    """The largest team's first caseworker and team lead (user ids) and 20 of the caseworker's
    customers."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kontaktdichte.settings")
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count

    from caseload.models import Customer, Staff

    team = Customer.objects.values("team_id").annotate(n=Count("pk")).order_by("-n").first()
    if team is None:
        sys.exit("Die Datenbank hat keine Kunden: bitte erst `make bench-load` oder `make bench-caseload`.")
    caseworker = Staff.objects.filter(team_id=team["team_id"], role=Staff.CASEWORKER, customers__isnull=False)
    caseworker = caseworker.order_by("pk").first()
    lead = Staff.objects.filter(team_id=team["team_id"], role=Staff.TEAM_LEAD).order_by("pk").first()
    customers = list(Customer.objects.filter(caseworker=caseworker).order_by("pk").values_list("pk", flat=True)[:20])
    connection.close()
    return caseworker.user_id, (lead or caseworker).user_id, customers


def count(tree: Path, page: str, requests: int, warmup: int, who: int, customers: list[int]) -> int:
    env = {
        **os.environ,
        "PYTHONHASHSEED": "0",
        "DEBUG": "false",
        "SECURE_COOKIES": "false",
        "ALLOWED_HOSTS": "testserver",
    }
    command = [
        "valgrind",
        "--tool=cachegrind",
        "--cache-sim=no",
        "--cachegrind-out-file=/dev/null",
        sys.executable,
        __file__,
        "--child",
        str(tree),
        page,
        str(requests),
        str(warmup),
        str(who),
        ",".join(map(str, customers)),
    ]
    run = subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True, check=False)
    if run.returncode != 0:
        raise RuntimeError(f"{page} in {tree}: Exit {run.returncode}\n{run.stderr[-3000:]}")
    return instructions(run.stderr)


def per_request(tree: Path, args, who_for, customers) -> dict[str, float]:
    """Instructions per request of each page in `tree`: (warmup + requests) minus warmup alone."""
    jobs = [(page, n) for page in args.pages for n in (0, args.requests)]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        counts = dict(
            zip(
                jobs,
                pool.map(lambda job: count(tree, job[0], job[1], args.warmup, who_for[job[0]], customers), jobs),
                strict=True,
            )
        )
    return {page: (counts[page, args.requests] - counts[page, 0]) / args.requests for page in args.pages}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--pages", nargs="+", choices=list(PAGES), default=list(PAGES))
    parser.add_argument("--against", metavar="REV", help="also measure this git revision, side by side")
    args = parser.parse_args(argv)
    require_scratch_database()
    if shutil.which("valgrind") is None:
        sys.exit("valgrind fehlt (Debian: apt-get install valgrind).")

    caseworker, lead, customers = staff_and_customers()
    who_for = {page: lead if page == "team list" else caseworker for page in PAGES}
    say(f"Python {platform.python_version()} ({sys.base_prefix}); {args.requests} Anfragen je Seite nach {args.warmup}")
    ours = per_request(ROOT, args, who_for, customers)
    theirs = None
    if args.against:
        with tempfile.TemporaryDirectory() as scratch:
            tree = Path(scratch) / "tree"
            subprocess.run(["git", "worktree", "add", "--detach", str(tree), args.against], cwd=ROOT, check=True)
            try:
                theirs = per_request(tree, args, who_for, customers)
            finally:
                subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=False)
    say("Millionen Befehle je Anfrage (der Python-Prozess mit Testclient; PostgreSQL nicht mitgezählt):")
    say(f"  {'Seite':<15}{'hier':>9}" + (f"{args.against[:12]:>14}{'Änderung':>10}" if theirs else ""))
    for page in args.pages:
        line = f"  {page:<15}{ours[page] / 1e6:>9.2f}"
        if theirs:
            line += f"{theirs[page] / 1e6:>14.2f}{(ours[page] - theirs[page]) / theirs[page] * 100:>+9.1f}%"
        say(line)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(*sys.argv[2:4], int(sys.argv[4]), int(sys.argv[5]), *sys.argv[6:8])
    else:
        main()
