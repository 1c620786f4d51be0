"""Entry points of the bulk recompute's and the rule-change preview's worker processes (see
`duedates._in_processes`, `whatif._in_processes`).

A spawned worker unpickles these by module name before Django is set up, so this module
imports nothing of Django's at import time.
"""


def setup(databases: dict[str, str]) -> None:
    """Set Django up in the worker (DJANGO_SETTINGS_MODULE comes with the parent's environment),
    on the parent's databases (a test database's run-time name too)."""
    import django

    django.setup()
    from django.conf import settings
    from django.db import connections

    for alias, name in databases.items():
        settings.DATABASES[alias]["NAME"] = name
        connections[alias].settings_dict["NAME"] = name


def recompute_range(*task) -> int:
    from caseload.duedates import _recompute_range

    return _recompute_range(*task)


def preview_range(*task):
    from caseload.whatif import preview_range

    return preview_range(*task)
