"""For management commands: the job centres a `--job-centre` option names."""

from __future__ import annotations

from django.core.management.base import CommandError

from .models import JobCentre


def resolve_job_centres(slugs) -> list[JobCentre]:
    """The job centres named, in the order given; unknown slugs are a CommandError that lists
    the known ones."""
    found = {c.slug: c for c in JobCentre.objects.filter(slug__in=slugs)}
    unknown = [s for s in slugs if s not in found]
    if unknown:
        known = ", ".join(JobCentre.objects.order_by("slug").values_list("slug", flat=True)) or "keine"
        raise CommandError(f"Unbekanntes Jobcenter: {', '.join(unknown)}. Vorhanden: {known}.")
    return [found[s] for s in dict.fromkeys(slugs)]
