"""Caseload pages: thin views over `access` (who may see what), `selectors` (reads),
`forms` (the rule set's demands, beside the fields) and `services` (every write).

GETs never write: a due date computed under an older rule set is shown with a notice and
recomputed by the job that follows the rule change, not by looking at it.
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit import events as audit
from kontaktdichte import formats
from kontaktdichte.replica import replica_reads
from policies import vocabulary as voc

from . import access, activities, open_tasks, selectors, services
from .access import staff_required
from .filters import ListFilters
from .forms import (
    CloseCaseForm,
    ContactNoteForm,
    FactsForm,
    MeasureForm,
    SearchForm,
    SuspensionEndForm,
    SuspensionForm,
    VersionForm,
    add_service_errors,
    note_form,
)
from .models import Customer
from .presenters import contact_message, due_context, due_message
from .tables import (
    KeptRows,
    TeamOverdueTable,
    TeamTaskTable,
    WorklistTable,
    csv_response,
    paginate,
    xlsx_response,
)

log = logging.getLogger(__name__)


# A role's start page (URL name) where it is not the worklist: apps that build on this one
# add theirs when ready (`add_start_page`), as the employers app does for the employer service.
START_PAGES: dict[str, str] = {}


def add_start_page(role: str, url_name: str) -> None:
    START_PAGES[role] = url_name


def home(request):
    staff = access.staff_for(request.user)
    if staff is not None:
        return redirect(START_PAGES.get(staff.role, "worklist"))
    return render(request, "caseload/home.html")


# --- Lists -------------------------------------------------------------------------------------


# The worklist's name search. A name typed into a GET form would travel in the URL: into the
# browser's history, the access logs of proxies and of this server (personal data in URLs, which
# the house rules forbid). So the search form posts, and the view redirects (POST-redirect-GET):
# a customer number into the query string (`nummer`, the pseudonym every list shows anyway), a
# name into the session, the URL saying only `namenssuche=1`. Nothing logs the term.
NAME_SEARCH_KEY = "worklist_name_search"


def _search_redirect(request):
    form = SearchForm(request.POST)
    params = {key: request.POST[key] for key in ("liste", "bestand") if request.POST.get(key, "").isalnum()}
    request.session.pop(NAME_SEARCH_KEY, None)
    term = form.cleaned_data["suche"] if form.is_valid() else ""
    if term and selectors.looks_like_number(term):
        params["nummer"] = term
    elif term:
        request.session[NAME_SEARCH_KEY] = term
        params["namenssuche"] = "1"
    return redirect(f"{reverse('worklist')}?{urlencode(params)}" if params else reverse("worklist"))


def _search_terms(request) -> tuple[str, str]:
    """(customer number, name) the worklist is searched for; "" for none."""
    number = request.GET.get("nummer", "").strip()[: selectors.NAME_SEARCH_MAX]
    name = request.session.get(NAME_SEARCH_KEY, "") if request.GET.get("namenssuche") else ""
    return number, name


@require_http_methods(["GET", "POST"])
@staff_required
@replica_reads
def worklist(request):
    if request.method == "POST":
        return _search_redirect(request)
    staff, today = request.staff, timezone.localdate()
    scope = request.GET.get("bestand")
    if scope not in (selectors.MINE, selectors.TEAM):
        scope = selectors.TEAM if staff.is_team_lead else selectors.MINE
    section = selectors.SECTION_BY_KEY.get(
        request.GET.get("liste"), selectors.SECTION_BY_KEY[selectors.DEFAULT_SECTION]
    )
    version = staff.job_centre.policy_version

    number, name = _search_terms(request)

    def customers():  # built only for a search or a filter (ListFilters)
        queryset = selectors.caseload(staff, scope)
        if number:
            queryset = queryset.filter(number__startswith=number)
        if name:
            queryset = queryset.filter(selectors.name_q(name))
        return queryset

    filterset = ListFilters(
        request.GET,
        queryset=customers,
        staff=staff,
        today=today,
        with_caseworker=scope == selectors.TEAM,
        with_number=False,
    )
    if number or name or filterset.is_filtered:
        counts = selectors.section_counts(filterset.qs, today, version)
        rows = selectors.worklist_rows(filterset.qs, section, today)
    else:  # the whole caseload, as the worklist opens nearly every time: statements kept
        counts = selectors.caseload_section_counts(staff, scope, today, version)
        caseworker = staff.pk if scope == selectors.MINE else None
        rows = KeptRows(
            Customer,
            ("worklist", staff.job_centre_id, staff.team_id, caseworker, section.key, today),
            lambda: selectors.worklist_rows(selectors.caseload(staff, scope), section, today),
            count=counts[section.key],
        )
    with_tasks = section.key == "aufgaben"
    table = WorklistTable(
        rows,
        today=today,
        policy_version=version,
        exclude=(("caseworker",) if scope == selectors.MINE else ()) + (() if with_tasks else ("tasks",)),
    )
    table.empty_text = section.empty_text
    paginate(table, request, count=counts[section.key])
    keep = _keep(request, liste=section.key, bestand=scope)
    searched = {"nummer": number} if number else {"namenssuche": "1"} if name else {}
    if with_tasks:
        open_tasks.attach_tasks([row.record for row in table.page.object_list], staff.job_centre_id, today)
    return render(
        request,
        "caseload/worklist.html",
        {
            "staff": staff,
            "today": today,
            "scope": scope,
            "section": section,
            "sections": [(s, counts[s.key]) for s in selectors.SECTIONS],
            "counts": counts,
            "filterset": filterset,
            "table": table,
            "keep": keep + list(searched.items()),
            "search_form": SearchForm(initial={"suche": number or name}),
            "searching": bool(searched),
            "search_keep": [(key, value) for key, value in keep if key in ("liste", "bestand")],
        },
    )


@require_GET
@staff_required
@replica_reads
def team_overdue(request):
    """Every overdue customer of the team, and (`liste=aufgaben`) every customer with an overdue
    task. Caseworkers see it too (it is their team); the exports, which leave the system, are
    the team lead's."""
    staff, today = request.staff, timezone.localdate()
    if request.GET.get("liste") == "aufgaben":
        return _team_overdue_tasks(request, staff, today)
    version = staff.job_centre.policy_version
    filterset = ListFilters(
        request.GET, queryset=lambda: selectors.team_overdue(staff, today), staff=staff, today=today, with_status=False
    )

    export = request.GET.get("export")
    if export:
        if export not in ("csv", "xlsx"):
            raise Http404("Unbekanntes Exportformat.")
        if not staff.is_team_lead:
            return render(
                request,
                "caseload/forbidden.html",
                {"message": "Exporte der Überfälligkeitsliste sind der Teamleitung vorbehalten."},
                status=403,
            )
        rows = list(selectors.team_overdue_export(filterset.qs, today, version))
        filename = f"ueberfaellig-team-{staff.team_id}-{today:%Y-%m-%d}"
        # Ids only: who exported which team's list, never what it contained.
        log.info("team overdue list of team %s exported as %s by staff id %s", staff.team_id, export, staff.pk)
        audit.record(
            audit.Event.EXPORTED,
            user=request.user,
            job_centre_id=staff.job_centre_id,
            what=f"team_overdue.{export}",
            rows=len(rows),
        )
        return (csv_response if export == "csv" else xlsx_response)(rows, filename)

    if filterset.is_filtered:
        summary = selectors.team_overdue_summary(filterset.qs, today, version)
        summary["tasks"] = _filtered(filterset, selectors.team_overdue_tasks(staff, today)).count()
        rows = selectors.team_overdue_rows(filterset.qs)
    else:  # the whole list, as it opens nearly every time: statements kept
        summary = selectors.team_overdue_figures(staff, today, version)
        rows = KeptRows(
            Customer,
            ("team overdue", staff.job_centre_id, staff.team_id, today),
            lambda: selectors.team_overdue_rows(selectors.team_overdue(staff, today)),
            count=summary["total"],
        )
    table = TeamOverdueTable(rows, today=today, policy_version=version)
    paginate(table, request, count=summary["total"])
    return render(
        request,
        "caseload/team_overdue.html",
        {
            "staff": staff,
            "today": today,
            "summary": summary,
            "filterset": filterset,
            "table": table,
            "keep": _keep(request),
            "liste": "kontakte",
        },
    )


def _filtered(filters: ListFilters, queryset):
    """`queryset` under the filters the person chose for the other tab."""
    if not filters.requested:
        return queryset
    filterset = filters.filterset
    return filterset.filter_queryset(queryset) if filterset.is_valid() else queryset


def _team_overdue_tasks(request, staff, today):
    version = staff.job_centre.policy_version
    filterset = ListFilters(
        request.GET,
        queryset=selectors.team_overdue_tasks(staff, today),
        staff=staff,
        today=today,
        with_status=False,
        overdue_tasks=True,
    )
    summary = {
        "tasks": filterset.qs.count(),
        "total": _filtered(filterset, selectors.team_overdue(staff, today)).count(),
    }
    table = TeamTaskTable(selectors.team_task_rows(filterset.qs), today=today, policy_version=version)
    paginate(table, request, count=summary["tasks"])
    open_tasks.attach_tasks([row.record for row in table.page.object_list], staff.job_centre_id, today, horizon=False)
    return render(
        request,
        "caseload/team_overdue.html",
        {
            "staff": staff,
            "today": today,
            "summary": summary,
            "filterset": filterset,
            "table": table,
            "keep": _keep(request, liste="aufgaben"),
            "liste": "aufgaben",
        },
    )


def _keep(request, **params):
    """What the filter form carries along as hidden fields: the tab, the scope, the sorting."""
    if request.GET.get("sort"):
        params["sort"] = request.GET["sort"]
    return list(params.items())


# --- One customer ------------------------------------------------------------------------------


@require_GET
@staff_required
def customer_detail(request, pk):
    customer = access.get_customer_for_user(request.user, pk, staff=request.staff)
    today = timezone.localdate()
    audit.record(audit.Event.CUSTOMER_VIEWED, user=request.user, customer=customer, what="customer_page")
    whole, newest = request.GET.get("verlauf") == "alle", selectors.TIMELINE_NEWEST
    timeline, cut = selectors.customer_timeline(customer, None if whole else newest)
    return render(
        request,
        "caseload/customer.html",
        {
            **due_context(customer, today),
            "timeline": timeline,
            "timeline_cut": cut,  # older entries left out: the link to them
            "timeline_long": whole and len(timeline) > newest,  # all shown: the link back
            "facts": _facts(customer),
            "tasks": open_tasks.customer_tasks(customer, today),
        },
    )


def _facts(customer):
    """The facts the rules read, as label/value pairs (labels from the model)."""
    meta = customer._meta
    rows = [
        (meta.get_field(f).verbose_name, value)
        for f, value in (
            ("birth_date", customer.birth_date),
            ("registered_on", customer.registered_on),
            ("employment", customer.get_employment_display()),
            ("unemployed_since", customer.unemployed_since),
            ("profile", customer.get_profile_display()),
            ("profile_since", customer.profile_since),
            ("care", customer.get_care_display()),
            ("flags", ", ".join(voc.label(f) for f in customer.flags)),
            ("integrated_employment", customer.get_integrated_employment_display()),
            ("benefit_renewal_on", customer.benefit_renewal_on),
            ("profiling_reviewed_on", customer.profiling_reviewed_on),
            ("cooperation_plan_on", customer.cooperation_plan_on),
        )
    ]
    return rows


def _form_page(request, template, form, customer, today, **extra):
    status = 400 if form.is_bound and form.errors else 200
    return render(request, template, {**due_context(customer, today), "form": form, **extra}, status=status)


@require_http_methods(["GET", "POST"])
@staff_required
def contact_note(request, pk):
    customer = access.get_customer_for_user(request.user, pk, staff=request.staff)
    today = timezone.localdate()
    rule_set = services.rule_set_for(customer, today)
    form = note_form(ContactNoteForm, request, customer=customer, rule_set=rule_set, today=today)
    if form.is_bound and form.is_valid():
        previous_due = customer.due_by
        try:
            note, decision = services.record_contact(
                customer=customer, by=request.user, today=today, **form.service_kwargs()
            )
        except services.ServiceError as error:
            add_service_errors(form, error.message_dict)
        else:
            messages.success(request, contact_message(note, decision, previous_due, today))
            return redirect("customer", pk=customer.pk)
    return _form_page(request, "caseload/contact_note_form.html", form, customer, today, rule_set=rule_set)


@require_http_methods(["GET", "POST"])
@staff_required
def suspension(request, pk):
    customer = access.get_customer_for_user(request.user, pk, staff=request.staff)
    today = timezone.localdate()
    form = SuspensionForm(
        request.POST if request.method == "POST" else None,
        customer=customer,
        today=today,
        limit=services.extension_limit(customer, today),
    )
    if form.is_bound and form.is_valid():
        try:
            _suspension, decision = services.record_suspension(
                customer=customer, by=request.user, today=today, **form.service_kwargs()
            )
        except services.ServiceError as error:
            add_service_errors(form, error.message_dict)
        else:
            messages.success(request, f"Ausnahme dokumentiert. {due_message(decision, today)}")
            return redirect("customer", pk=customer.pk)
    return _form_page(request, "caseload/suspension_form.html", form, customer, today)


@require_http_methods(["GET", "POST"])
@staff_required
def suspension_end(request, pk, suspension_pk):
    customer = access.get_customer_for_user(request.user, pk, staff=request.staff)
    today = timezone.localdate()
    instance = access.get_suspension_for_customer(customer, suspension_pk)
    form = SuspensionEndForm(request.POST if request.method == "POST" else None, suspension=instance, today=today)
    if form.is_bound and form.is_valid():
        try:
            decision = services.end_suspension(
                suspension=instance,
                on=form.cleaned_data["end"],
                today=today,
                expected_version=form.cleaned_data["version"],
                by=request.user,
            )
        except services.ServiceError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"Ausnahme endet am {formats.day(form.cleaned_data['end'])}. {due_message(decision, today)}"
            )
            return redirect("customer", pk=customer.pk)
    return _form_page(request, "caseload/suspension_end_form.html", form, customer, today, suspension=instance)


@require_http_methods(["GET", "POST"])
@staff_required
def measure(request, pk, measure_pk=None):
    customer = access.get_customer_for_user(request.user, pk, staff=request.staff)
    today = timezone.localdate()
    instance = access.get_measure_for_customer(customer, measure_pk) if measure_pk is not None else None
    form = MeasureForm(
        request.POST if request.method == "POST" else None,
        initial=MeasureForm.initial_for(instance) if instance else None,
    )
    if form.is_bound and form.is_valid():
        try:
            if instance is None:
                _measure, decision = services.add_measure(
                    customer=customer, today=today, by=request.user, **form.service_kwargs()
                )
            else:
                decision = services.update_measure(
                    measure=instance,
                    today=today,
                    by=request.user,
                    expected_version=form.cleaned_data["version"],
                    **form.service_kwargs(),
                )
        except services.ServiceError as error:
            add_service_errors(form, error)
        else:
            done = "Maßnahme gespeichert." if instance is None else "Maßnahme geändert."
            messages.success(request, f"{done} {due_message(decision, today)}")
            return redirect("customer", pk=customer.pk)
    return _form_page(request, "caseload/measure_form.html", form, customer, today, measure=instance)


@require_http_methods(["GET", "POST"])
@staff_required
def facts(request, pk):
    customer = access.get_customer_for_user(request.user, pk, staff=request.staff)
    today = timezone.localdate()
    form = FactsForm(request.POST if request.method == "POST" else None, customer=customer, today=today)
    if form.is_bound and form.is_valid():
        try:
            decision = services.update_customer(
                customer=customer,
                changes=form.changes(),
                today=today,
                expected_version=form.cleaned_data["version"],
                by=request.user,
            )
        except services.ServiceError as error:
            add_service_errors(form, error)
        else:
            if decision is None:
                messages.success(request, "Daten gespeichert. Die Fälligkeit ändert sich dadurch nicht.")
            else:
                messages.success(request, f"Daten gespeichert. {due_message(decision, today)}")
            return redirect("customer", pk=customer.pk)
    return _form_page(request, "caseload/facts_form.html", form, customer, today)


@require_http_methods(["GET", "POST"])
@staff_required
def close_case(request, pk):
    customer = access.get_customer_for_user(request.user, pk, staff=request.staff)
    today = timezone.localdate()
    if customer.closed_on is not None:
        messages.info(request, f"Der Fall ist seit {formats.day(customer.closed_on)} abgeschlossen.")
        return redirect("customer", pk=customer.pk)
    initial = {"closed_on": today, "version": customer.version}
    if request.GET.get("ergebnis") in dict(Customer.OUTCOMES):  # offered by a hire (placement proposal)
        initial["closing_outcome"] = request.GET["ergebnis"]
    form = CloseCaseForm(
        request.POST if request.method == "POST" else None, customer=customer, today=today, initial=initial
    )
    if form.is_bound and form.is_valid():
        try:
            services.close_case(customer=customer, by=request.user, today=today, **form.service_kwargs())
        except services.ServiceError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Fall abgeschlossen. Er erscheint nicht mehr in den Arbeitslisten.")
            return redirect("customer", pk=customer.pk)
    return _form_page(request, "caseload/close_case_form.html", form, customer, today)


# --- Tasks -------------------------------------------------------------------------------------


def _task_done(request, customer, action, success):
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Nichts gespeichert: die Seite war nicht vollständig. Bitte neu laden.")
        return redirect("customer", pk=customer.pk)
    try:
        action(form.cleaned_data["version"])
    except services.ServiceError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(request, success)
    return redirect("customer", pk=customer.pk)


@require_POST
@staff_required
def activity_done(request, pk, activity_pk):
    """A follow-up activity followed up without a note (the customer sent the proof, ...)."""
    customer = access.get_customer_for_user(request.user, pk, staff=request.staff)
    activity = access.get_activity_for_customer(customer, activity_pk)
    return _task_done(
        request,
        customer,
        lambda version: activities.complete_activity(activity=activity, by=request.user, expected_version=version),
        "Vereinbarung als nachgehalten markiert.",
    )


@require_POST
@staff_required
def employer_service_done(request, pk, measure_pk):
    """Weimarer Land: the employer service (AG-S) is involved for a measure ending soon."""
    customer = access.get_customer_for_user(request.user, pk, staff=request.staff)
    measure = access.get_measure_for_customer(customer, measure_pk)
    return _task_done(
        request,
        customer,
        lambda version: activities.complete_employer_service(
            measure=measure, by=request.user, expected_version=version
        ),
        f"AG-S für „{measure.title}“ als eingebunden erfasst.",
    )
