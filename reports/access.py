"""Who may read which report.

Reports are for team leads and admins, not for caseworkers: a team lead reads their own team in
their own job centre (another team's report is a 404, as elsewhere); a user with the explicit
permission "Berichte aller Teams und Jobcenter lesen" (`caseload.view_all_reports`, granted in
the admin; superusers have every permission) reads every team. `is_staff` alone grants nothing.
Caseworkers, and users who are neither, get a 403 page that says why. Anonymous users never get
here (LoginRequiredMiddleware).
"""

from __future__ import annotations

from functools import wraps

from django.http import Http404
from django.shortcuts import render

from caseload.access import staff_for
from caseload.models import Team

ALL_REPORTS = "caseload.view_all_reports"


def is_admin(user) -> bool:
    return user.is_active and user.has_perm(ALL_REPORTS)


def report_reader(view):
    """Run `view` with `request.staff` (None for admins without a profile) and
    `request.is_report_admin` set; everyone else gets the 403 page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        staff = staff_for(request.user)
        admin = is_admin(request.user)
        if not admin and (staff is None or not staff.is_team_lead):
            return render(request, "reports/forbidden.html", {"staff": staff}, status=403)
        request.staff, request.is_report_admin = staff, admin
        return view(request, *args, **kwargs)

    return wrapper


def readable_teams(request) -> list[Team]:
    """The teams whose reports the user may read, with their job centres: every team for an
    admin; for a team lead their own team, loaded with their profile (no query of its own)."""
    if request.is_report_admin:
        return list(Team.objects.select_related("job_centre").order_by("job_centre__name", "name"))
    staff = request.staff
    team = staff.team
    if team.job_centre_id != staff.job_centre_id:
        return []
    team.job_centre = staff.job_centre
    return [team]


def team_for(request, teams: list[Team], team_id: int | None) -> Team:
    """The chosen team (404 when it is not among the readable ones), or the default: the team
    lead's own team, the first team for an admin."""
    if team_id is None:
        if request.staff is not None:
            own = [t for t in teams if t.pk == request.staff.team_id]
            if own:
                return own[0]
        if teams:
            return teams[0]
        raise Http404("Keine Teams angelegt.")
    for team in teams:
        if team.pk == team_id:
            return team
    raise Http404("Kein Bericht für dieses Team.")
