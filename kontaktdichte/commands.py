"""What the management commands share: reading --today, the --workers option, a progress bar
and German numbers in their output."""

from __future__ import annotations

import os
import sys
from datetime import date

from django.core.management.base import CommandError
from django.utils.formats import number_format
from tqdm import tqdm


def as_date(value) -> date | None:
    """`--today` as given on the command line (a string) or by call_command (a date)."""
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"„{value}“ ist kein Datum im Format JJJJ-MM-TT.") from None


def progress_bar(total: int, desc: str):
    """A progress bar on standard error, silent when that is not a terminal."""
    return tqdm(
        total=total, desc=desc, unit=" Kunden", file=sys.stderr, disable=not sys.stderr.isatty(), dynamic_ncols=True
    )


def german_number(n: float, decimals: int = 0) -> str:
    """12.345,6: grouped thousands, decimal comma (Django's German number format)."""
    return number_format(n, decimals, force_grouping=True)


def add_workers_argument(parser):
    parser.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="Parallele Prozesse für die Berechnung (nur PostgreSQL; Standard: Anzahl der Prozessoren, höchstens 8).",
    )


def check_workers(workers: int | None) -> int:
    if workers is None:
        return min(os.cpu_count() or 1, 8)
    if workers < 1:
        raise CommandError("--workers muss mindestens 1 sein.")
    return workers
