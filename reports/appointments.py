"""The seam to the appointments app: the two figures of the monthly report that come from it.

`appointments.selectors.consultation_share` gives, per member of staff, the attended consultation
minutes against the working minutes of the month and the rule set's target share;
`missed_appointments` the appointments the customer did not attend (excused or not). The report
reads nothing else of that app, so its figures are defined there, next to the data.
"""

from __future__ import annotations

from datetime import date

from appointments.selectors import ConsultationShare, consultation_share, missed_appointments

__all__ = ["ConsultationShare", "consultation_shares", "missed_appointments"]


def consultation_shares(job_centre_id: int, staff_ids: list[int], month_start: date) -> dict[int, ConsultationShare]:
    """{staff id: ConsultationShare(attended_minutes, working_minutes, share 0..1, target %)}."""
    return consultation_share(job_centre_id, staff_ids, month_start)
