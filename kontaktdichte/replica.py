"""Reads of lists and reports from a PostgreSQL read replica (DATABASE_REPLICA_URL).

Views that only read and may show data a moment old (the worklist, the team's overdue list,
the reports) are marked `@replica_reads`; while such a view runs, the router sends its reads to
the "replica" database. Everything else reads and writes the primary: sessions and logins (read
by middleware before the view), the customer page and forms (a caseworker must see what was
just saved), every write, every migration. Without DATABASE_REPLICA_URL there is no "replica"
alias and everything stays on the primary.
"""

from __future__ import annotations

import contextvars
from functools import wraps

from django.conf import settings

REPLICA = "replica"
_reading_from_replica = contextvars.ContextVar("reading_from_replica", default=False)


def replica_reads(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        token = _reading_from_replica.set(True)
        try:
            return view(request, *args, **kwargs)
        finally:
            _reading_from_replica.reset(token)

    return wrapper


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _reading_from_replica.get() and REPLICA in settings.DATABASES:
            return REPLICA
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, two copies of it

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
