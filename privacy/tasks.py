"""Background tasks of the data-protection app."""

from __future__ import annotations

from django.core.management import call_command
from django_tasks import task


@task()
def apply_retention() -> None:
    """Nightly: delete the closed cases whose retention period has passed (with their history)."""
    call_command("apply_retention", verbosity=0)
