"""Entry points of worker processes (see `recompute.in_processes`): the bulk recompute's, the
demo generator's and the rule-change preview's (`caseload.whatif`).

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
    from caseload.recompute import _recompute_range

    return _recompute_range(*task)


def write_chunk(chunk):
    """One chunk of generated demo customers (`caseload.demo.Chunk`); returns its counts."""
    from caseload.demo import write_chunk

    return write_chunk(chunk)


def preview_range(*task):
    from caseload.whatif import preview_range

    return preview_range(*task)
