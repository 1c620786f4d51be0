"""The pages of the data-protection role: the audit trail (permission "Protokoll einsehen"),
filterable and exportable, exporting it being itself an event; and one customer's complete data
under Art. 15 GDPR (permission "Auskunft nach Art. 15 DSGVO erteilen") as a printable page and
a JSON download, each disclosure recorded in the trail."""

from __future__ import annotations

import json

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from audit.events import record
from audit.models import Event
from caseload.models import Customer
from kontaktdichte.spreadsheets import XlsxSheet, csv_response, xlsx_response

from .disclosure import disclosure
from .forms import CustomerLookup, EventFilter

PER_PAGE = 100
EXPORT_AT_MOST = 100_000
HEADER = [
    "Zeitpunkt",
    "Vorgang",
    "Benutzer-ID",
    "Benutzer",
    "Jobcenter-ID",
    "Kunden-ID",
    "Kundennummer",
    "Datensatz",
    "Was",
    "Zeilen",
]


def _rows(events: list[Event]) -> list[list]:
    """Events with the user's login name and the customer's number beside their ids, read for
    the events shown (two queries), as the trail stores ids only."""
    users = dict(
        get_user_model().objects.filter(pk__in={e.user_id for e in events if e.user_id}).values_list("pk", "username")
    )
    numbers = dict(
        Customer.objects.filter(pk__in={e.customer_id for e in events if e.customer_id}).values_list("pk", "number")
    )
    return [
        [
            timezone.localtime(e.at).replace(tzinfo=None),
            e.get_action_display(),
            e.user_id,
            users.get(e.user_id, ""),
            e.job_centre_id,
            e.customer_id,
            numbers.get(e.customer_id, ""),
            f"{e.object_type} {e.object_id}" if e.object_type else "",
            e.what,
            e.rows,
        ]
        for e in events
    ]


@require_GET
@permission_required("audit.view_event", raise_exception=True)
def events(request):
    form = EventFilter(request.GET or None)
    queryset = Event.objects.all()
    if form.is_bound:
        if not form.is_valid():
            return render(request, "privacy/events.html", {"form": form, "page": None}, status=400)
        queryset = form.filter(queryset)

    export = request.GET.get("export")
    if export:
        if export not in ("csv", "xlsx"):
            raise Http404("Unbekanntes Exportformat.")
        rows = _rows(list(queryset[:EXPORT_AT_MOST]))
        record(Event.EXPORTED, user=request.user, what=f"audit.{export}", rows=len(rows))
        filename = f"protokoll-{timezone.localdate():%Y-%m-%d}"
        if export == "csv":
            return csv_response(HEADER, [[f"{r[0]:%d.%m.%Y %H:%M:%S}", *r[1:]] for r in rows], filename)
        return xlsx_response(
            [
                XlsxSheet(
                    "Protokoll",
                    HEADER,
                    rows,
                    number_format=lambda index, value: "DD.MM.YYYY HH:MM:SS" if index == 0 else None,
                )
            ],
            filename,
        )

    page = Paginator(queryset, PER_PAGE).get_page(request.GET.get("seite"))
    return render(
        request,
        "privacy/events.html",
        {
            "form": form,
            "page": page,
            "rows": _rows(list(page.object_list)),
            "header": HEADER,
            "query": request.GET.urlencode(),
        },
    )


@require_GET
@permission_required("audit.export_customer_data", raise_exception=True)
def data_access(request):
    form = CustomerLookup(request.GET or None)
    if not form.is_bound or not form.is_valid():
        return render(
            request, "privacy/disclosure.html", {"form": form, "data": None}, status=400 if form.is_bound else 200
        )
    customer = form.cleaned_data["customer"]
    data = disclosure(customer)
    as_json = request.GET.get("format") == "json"
    record(Event.DATA_ACCESS, user=request.user, customer=customer, what="art15.json" if as_json else "art15_page")
    if as_json:
        response = HttpResponse(
            json.dumps(data.as_json(), cls=DjangoJSONEncoder, ensure_ascii=False, indent=1),
            content_type="application/json; charset=utf-8",
        )
        # The customer's id, not their number, in the name of a file that may travel.
        response["Content-Disposition"] = (
            f'attachment; filename="auskunft-kunde-{customer.pk}-{timezone.localdate():%Y-%m-%d}.json"'
        )
        return response
    return render(request, "privacy/disclosure.html", {"form": form, "data": data, "query": request.GET.urlencode()})
