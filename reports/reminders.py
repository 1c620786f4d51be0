"""Reminder mails: each caseworker gets their overdue and soon-due customers, each team lead the
team's overdue count and its longest-overdue cases. Customer numbers only, never a name
(§ 35 SGB I): a mail leaves the system and may be read on any device.

Read from the stored due dates, as the worklist reads them (`caseload.status.overdue_q`,
`due_soon_q`), and overdue tasks as the team list reads them (`caseload.open_tasks`, counted per
kind): three queries for every job centre together (staff, customers, task counts), whatever
their size.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.core.mail import EmailMessage
from django.urls import reverse

from caseload import open_tasks
from caseload.models import Customer, Staff
from caseload.status import DUE_SOON, due_soon_q, overdue_q
from kontaktdichte import formats

LONGEST = 10  # cases listed for a team lead
LISTED = 50  # customers listed per section for a caseworker; the rest is counted


@dataclass
class Case:
    number: str
    due_by: date
    caseworker_id: int | None


@dataclass
class Reminders:
    messages: list[EmailMessage] = field(default_factory=list)
    caseworkers: int = 0
    team_leads: int = 0
    without_email: int = 0


def _line(case: Case, today: date) -> str:
    if case.due_by < today:
        days = (today - case.due_by).days
        return f"  {case.number}  fällig seit {formats.day(case.due_by)} ({days} {'Tag' if days == 1 else 'Tage'})"
    return f"  {case.number}  fällig bis {formats.day(case.due_by)}"


def _section(title: str, cases: list[Case], today: date) -> list[str]:
    lines = [f"{title} ({len(cases)}):"]
    lines += [_line(c, today) for c in cases[:LISTED]]
    if len(cases) > LISTED:
        lines.append(f"  … und {len(cases) - LISTED} weitere (siehe Arbeitsliste)")
    return lines + [""]


def _no_tasks() -> dict[str, int]:
    return dict.fromkeys(("total", *open_tasks.KINDS), 0)


def _task_lines(counts: dict[str, int]) -> list[str]:
    """Overdue tasks as numbers per kind (how many customers have one), never a name."""
    if not counts["total"]:
        return []
    lines = [f"Überfällige Aufgaben bei {counts['total']} Kunden:"]
    lines += [f"  {label}: {counts[kind]}" for kind, label in open_tasks.KINDS.items() if counts[kind]]
    return lines + [""]


def _footer(url: str, path: str) -> list[str]:
    lines = [f"Zur Liste: {url.rstrip('/')}{path}"] if url else []
    return lines + ["", "Diese Nachricht nennt keine Namen, nur Kundennummern.", "-- Kontaktdichte"]


def build(today: date, *, job_centre_ids=None, url: str = "") -> Reminders:
    staff_qs = Staff.objects.filter(user__is_active=True).select_related("user", "team")
    customers = Customer.objects.filter(overdue_q(today) | due_soon_q(today), closed_on__isnull=True)
    if job_centre_ids is not None:
        staff_qs = staff_qs.filter(job_centre_id__in=job_centre_ids)
        customers = customers.filter(job_centre_id__in=job_centre_ids)
    staff = list(staff_qs)

    overdue_by_worker, soon_by_worker, overdue_by_team = defaultdict(list), defaultdict(list), defaultdict(list)
    for number, due_by, caseworker_id, team_id in customers.order_by("due_by", "number").values_list(
        "number", "due_by", "caseworker_id", "team_id"
    ):
        case = Case(number, due_by, caseworker_id)
        if due_by < today:
            overdue_by_team[team_id].append(case)
            if caseworker_id:
                overdue_by_worker[caseworker_id].append(case)
        elif caseworker_id:
            soon_by_worker[caseworker_id].append(case)

    open_cases = Customer.objects.filter(closed_on__isnull=True)
    if job_centre_ids is not None:
        open_cases = open_cases.filter(job_centre_id__in=job_centre_ids)
    tasks_by_worker, tasks_by_team = defaultdict(_no_tasks), defaultdict(_no_tasks)
    for row in open_tasks.overdue_counts(open_cases, today):
        for counts, key in ((tasks_by_team, row["team_id"]), (tasks_by_worker, row["caseworker_id"])):
            if key is not None:
                for kind in ("total", *open_tasks.KINDS):
                    counts[key][kind] += row[kind]

    names = {s.pk: str(s) for s in staff}
    result = Reminders()
    for member in staff:
        if member.is_team_lead:
            cases = overdue_by_team.get(member.team_id, [])
            team_tasks = tasks_by_team.get(member.team_id, _no_tasks())
            if not cases and not team_tasks["total"]:
                continue
            subject = f"Kontaktdichte: {len(cases)} überfällig im {member.team.name}"
            body = [f"Stand {formats.day(today)}: im {member.team.name} sind {len(cases)} Kunden überfällig.", ""]
            if cases:
                body.append(f"Am längsten überfällig ({min(len(cases), LONGEST)}):")
            for case in cases[:LONGEST]:
                worker = names.get(case.caseworker_id, "ohne Fachkraft")
                body.append(f"{_line(case, today)}, {worker}")
            body += [""] + _task_lines(team_tasks) + _footer(url, reverse("team_overdue"))
            kind = "team_leads"
        else:
            overdue, soon = overdue_by_worker.get(member.pk, []), soon_by_worker.get(member.pk, [])
            own_tasks = tasks_by_worker.get(member.pk, _no_tasks())
            if not overdue and not soon and not own_tasks["total"]:
                continue
            subject = f"Kontaktdichte: {len(overdue)} überfällig, {len(soon)} bald fällig"
            if own_tasks["total"]:
                subject += f", Aufgaben bei {own_tasks['total']} Kunden überfällig"
            body = [f"Stand {formats.day(today)} in Ihrem Bestand:", ""]
            body += _section("Überfällig", overdue, today)
            body += _section(f"In den nächsten {DUE_SOON.days} Tagen fällig", soon, today)
            body += _task_lines(own_tasks)
            body += _footer(url, reverse("worklist"))
            kind = "caseworkers"
        if not member.user.email:
            result.without_email += 1
            continue
        result.messages.append(EmailMessage(subject, "\n".join(body), to=[member.user.email]))
        setattr(result, kind, getattr(result, kind) + 1)
    return result
