"""The seam to the appointments app: the two figures of the monthly report that come from it.

`appointments.selectors` provides `consultation_share` (attended consultation minutes against
working minutes, per member of staff, with the rule set's target) and `missed_appointments`
(appointments the customer did not attend). Until that app is installed both return None and
the report shows "—" in their columns.
"""

from __future__ import annotations

from datetime import date

from django.apps import apps


def installed() -> bool:
    return apps.is_installed("appointments")


def consultation_shares(job_centre_id: int, staff_ids: list[int], month_start: date) -> dict | None:
    """{staff id: ConsultationShare(attended_minutes, working_minutes, share, target)} or None."""
    if not installed():
        return None
    from appointments.selectors import consultation_share

    return consultation_share(job_centre_id, staff_ids, month_start)


def missed_appointments(job_centre_id: int, staff_ids: list[int], month_start: date) -> dict[int, int] | None:
    """{staff id: appointments missed by the customer in the month} or None."""
    if not installed():
        return None
    from appointments.selectors import missed_appointments as missed

    return missed(job_centre_id, staff_ids, month_start)
