"""The session engine (SESSION_ENGINE): Django's database sessions, read with one plain statement.

Every request of a signed-in user reads its session. Django's database backend reads it through
the ORM, whose building and compiling cost twice the read itself (`kontaktdichte.loads`). This
store reads the same row, unexpired, by its key with SQL written once; saving, expiry and
deleting stay Django's.
"""

from __future__ import annotations

from functools import cache

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone

from .loads import quote


@cache
def _session_sql(table: str) -> str:
    key, data, expires = quote("session_key"), quote("session_data"), quote("expire_date")
    return f"SELECT {data} FROM {quote(table)} WHERE {key} = %s AND {expires} > %s"


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        model = self.model
        connection = connections[router.db_for_read(model)]
        with connection.cursor() as cursor:
            now = connection.ops.adapt_datetimefield_value(timezone.now())
            cursor.execute(_session_sql(model._meta.db_table), [self.session_key, now])
            row = cursor.fetchone()
        if row is None:  # no such session, or expired: as Django's, a new key is made on saving
            self._session_key = None
            return None
        return model(session_key=self.session_key, session_data=row[0])
