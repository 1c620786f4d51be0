"""Background work on stored due dates (Django's tasks framework, the django-tasks backport):
run by `manage.py db_worker` in production, at once in tests and in `make run`
(TASKS_BACKEND=immediate)."""

from __future__ import annotations

from django_tasks import task

from . import recompute


@task()
def recompute_job_centre(job_centre_id: int) -> int:
    """After a rule change: the job centre's due dates computed under older rules, chunk by
    chunk. Until it has run, pages mark them ("Regeln wurden geändert")."""
    return recompute.recompute(job_centre_ids=[job_centre_id], due_only=True)


@task()
def recheck_due_dates() -> int:
    """Nightly: every due date whose recheck day has come, computed under older rules, or never."""
    return recompute.recompute(due_only=True)
