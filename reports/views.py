"""Report pages under /berichte/: thin views over `access` (who reads which team), `figures`,
`capacity` and `gcfak` (the numbers) and `exports` (the files)."""

from __future__ import annotations

import logging

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from audit import events as audit
from kontaktdichte.replica import replica_reads

from . import capacity, exports, figures, gcfak, svg
from .access import readable_teams, report_reader, team_for
from .forms import MonthForm, team_id

log = logging.getLogger(__name__)


def _team_and_form(request, today):
    teams = readable_teams(request)
    team = team_for(request, teams, team_id(request.GET))
    form = MonthForm(request.GET or None, today=today)
    return teams, team, form


@require_GET
@report_reader
@replica_reads
def monthly(request):
    today = timezone.localdate()
    teams, team, form = _team_and_form(request, today)
    if form.is_bound and not form.is_valid():
        return render(
            request,
            "reports/monthly.html",
            {"teams": teams, "team": team, "form": form, "today": today, "month": None},
            status=400,
        )
    month = (form.cleaned_data.get("monat") if form.is_bound else None) or form.default_month()
    report = figures.monthly_report(team, month, today)

    export = request.GET.get("export")
    if export:
        if export not in ("csv", "xlsx"):
            raise Http404("Unbekanntes Exportformat.")
        log.info(
            "monthly report of team %s for %s exported as %s by user id %s",
            team.pk,
            f"{month:%Y-%m}",
            export,
            request.user.pk,
        )
        filename = exports.report_filename(report)
        audit.record(
            audit.Event.EXPORTED,
            user=request.user,
            job_centre_id=team.job_centre_id,
            what=f"monthly_report.{export}",
            rows=len(report.rows),
        )
        if export == "csv":
            return exports.csv_response(exports.report_sheet(report), filename)
        return exports.xlsx_response(exports.report_sheets(report), filename)

    staff_rows = report.staff_rows
    return render(
        request,
        "reports/monthly.html",
        {
            "teams": teams,
            "team": team,
            "form": form,
            "today": today,
            "report": report,
            "columns": figures.COLUMNS,
            "month": report.month,
            "team_figures": {c.key: figures.display(c, report.team_row.value(c.key)) for c in figures.COLUMNS},
            "table": [(row, row.cells()) for row in report.rows],
            "bars": svg.bar_chart(
                [(row.name, row.counts.on_time_rate) for row in staff_rows],
                title="Quote rechtzeitig gehaltener Kontakte je Fachkraft",
                css_class="bars-on-time",
            ),
            "share_bars": svg.bar_chart(
                [(row.name, row.share) for row in staff_rows],
                title="Beratungsanteil an der Arbeitszeit je Fachkraft",
                target=report.team_row.value("share_target"),
                css_class="bars-share",
            ),
            "trend_chart": svg.line_chart(
                [(f"{p.month:%m/%y}", p.counts.on_time_rate) for p in report.trend],
                title="Quote rechtzeitig, letzte 12 Monate",
            ),
        },
    )


@require_GET
@report_reader
@replica_reads
def capacity_view(request):
    today = timezone.localdate()
    teams = readable_teams(request)
    team = team_for(request, teams, team_id(request.GET))
    forecast = capacity.forecast(team, today)
    return render(
        request, "reports/capacity.html", {"teams": teams, "team": team, "today": today, "forecast": forecast}
    )


@require_GET
@report_reader
@replica_reads
def gcfak_view(request):
    today = timezone.localdate()
    centres = gcfak.readable_centres(request)
    centre = gcfak.centre_for(request, centres)
    quarter = gcfak.parse_quarter(request.GET.get("quartal"), today)
    export = request.GET.get("export")
    if export:
        if not request.is_report_admin:
            return render(
                request,
                "reports/forbidden.html",
                {"message": "Den Quartalsexport liefert die Fachadministration."},
                status=403,
            )
        if export not in gcfak.EXPORTS:
            raise Http404("Unbekanntes Exportformat.")
        log.info(
            "GCfaK export %s of job centre %s for %s by user id %s", export, centre.pk, quarter.label, request.user.pk
        )
        response = gcfak.export_response(centre, quarter, export)
        audit.record(audit.Event.EXPORTED, user=request.user, job_centre_id=centre.pk, what=f"gcfak.{export}")
        return response
    analysis = gcfak.inflow(centre, today)
    return render(
        request,
        "reports/gcfak.html",
        {
            "centres": centres,
            "centre": centre,
            "today": today,
            "quarter": quarter,
            "quarters": gcfak.recent_quarters(today),
            "analysis": analysis,
            "chart": svg.paired_bars(
                [(s.name, s.expected, s.average) for s in analysis.sources],
                title="Akquise: erwarteter und tatsächlicher Zugang je Monat",
            )
            if analysis
            else None,
            "next_delivery": gcfak.next_delivery(today),
        },
    )
