"""The authentication backend: Django's ModelBackend, with the signed-in user read by one plain
statement (`kontaktdichte.loads`). Every request of a signed-in user reads the user; signing in,
permissions and `user_can_authenticate` (a deactivated user's session ends) stay Django's."""

from __future__ import annotations

from functools import cache

from django.contrib.auth import backends, get_user_model
from django.db import router

from . import loads


@cache
def _user_sql() -> str:
    User = get_user_model()
    return (
        f"SELECT {loads.select((User, 'u'))} FROM {loads.table(User, 'u')} WHERE {loads.column('u', User, 'pk')} = %s"
    )


class ModelBackend(backends.ModelBackend):
    def get_user(self, user_id):
        User = get_user_model()
        found = loads.one(router.db_for_read(User), _user_sql(), [user_id], User)
        user = found[0] if found else None
        return user if user is not None and self.user_can_authenticate(user) else None
