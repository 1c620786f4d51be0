"""What changed in a record since a given version: for the message of a refused stale save.

Records edited in forms carry a `version` that every edit through a service raises; their
history (django-simple-history) keeps each version. A form that was read at version N and is
saved after someone else saved N+1 is refused (`caseload.services.check_version`), and this
module says in German who saved when and which fields changed between N and now, read from the
history: the user's own input stays in the form, so they can compare and save again.
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone

from . import formats

SKIPPED = {
    "id",
    "version",
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user",
    "history_relation",
    "created_at",
    "documented_at",
}


def _shown(field, value) -> str:
    if value is None or value == "" or value == []:
        return "–"
    if field.choices:
        labels = dict(field.flatchoices)
        if isinstance(value, list):
            return ", ".join(str(labels.get(v, v)) for v in value)
        return str(labels.get(value, value))
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, datetime):
        return f"{formats.moment(timezone.localtime(value))}"
    if isinstance(value, date):
        return f"{formats.day(value)}"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def changed_since(instance, version: int) -> str:
    """A German message: who saved the record when, and what changed since `version`. Two
    queries (the version read, the latest version)."""
    history = instance.history.select_related("history_user")
    read = history.filter(version=version).order_by("-history_id").first()
    latest = history.order_by("-history_id").first()
    who = "Jemand"
    when = ""
    if latest is not None:
        user = latest.history_user
        if user is not None:
            who = user.get_full_name() or user.get_username()
        when = f" am {timezone.localtime(latest.history_date):%d.%m.%Y um %H:%M} Uhr"
    changes = []
    if read is not None:
        for field in instance._meta.concrete_fields:
            if field.name in SKIPPED or not hasattr(read, field.attname):
                continue
            before, now = getattr(read, field.attname), getattr(instance, field.attname)
            if before != now:
                changes.append(f"{field.verbose_name}: {_shown(field, before)} → {_shown(field, now)}")
    what = ("Geändert wurde: " + "; ".join(changes) + ".") if changes else ""
    return (
        f"{who} hat diese Angaben{when} gespeichert, nachdem Sie das Formular geöffnet hatten. {what} "
        "Ihre Eingaben stehen unten noch im Formular: bitte prüfen und erneut speichern."
    ).replace("  ", " ")
