"""The benchmarks that write (customers generated, passwords set, due dates recomputed) run on
a database named in DATABASE_URL, never on the demo's `db.sqlite3` that `make run` serves, which
is what Django would open without it."""

import os
import sys

REFUSAL = (
    "Bitte die Datenbank zum Messen in DATABASE_URL angeben (eine eigene, z. B. "
    "postgres://user@127.0.0.1/messung): ohne sie schriebe die Messung in die Demo-Datenbank db.sqlite3."
)


def require_scratch_database() -> None:
    if not os.environ.get("DATABASE_URL"):
        sys.exit(REFUSAL)
