"""Django admin for teams, staff, acquisition sources and (for corrections) customers.

Customers are searched by their pseudonymous number only: an admin search is a GET request, and
a name in a URL ends up in server logs. The stored due date is read-only here and recomputed
after every save, in the admin's own transaction, as the services do for the caseload pages.
"""

from django import forms
from django.contrib import admin
from django.urls import path
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from policies import vocabulary as voc
from policies.admin_forms import code_list_field

from . import deletion, import_views, services
from .models import (
    AcquisitionEvent,
    AcquisitionSource,
    ContactNote,
    Customer,
    Measure,
    Staff,
    Suspension,
    Team,
)


@admin.register(Team)
class TeamAdmin(SimpleHistoryAdmin):
    list_display = ["name", "job_centre"]
    list_filter = ["job_centre"]
    list_select_related = ["job_centre"]
    search_fields = ["name"]


@admin.register(Staff)
class StaffAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "role", "team", "job_centre", "weekly_hours"]
    list_filter = ["job_centre", "role"]
    list_select_related = ["user", "team", "job_centre"]
    search_fields = ["user__username", "user__last_name", "team__name"]
    autocomplete_fields = ["user", "team"]


class AcquisitionEventInline(admin.TabularInline):
    """The source's events (Beratungstage): customers won at one are attributed to it."""

    model = AcquisitionEvent
    fields = ["date", "title"]
    extra = 1


@admin.register(AcquisitionSource)
class AcquisitionSourceAdmin(SimpleHistoryAdmin):
    list_display = ["name", "owner", "job_centre", "expected_per_month", "expected_per_event"]
    list_filter = ["job_centre"]
    list_select_related = ["job_centre"]
    fields = ["job_centre", "name", "owner", "expected_per_month", "expected_per_event"]
    inlines = [AcquisitionEventInline]

    def save_formset(self, request, form, formset, change):
        # An event belongs to its source's job centre (every query is scoped by it).
        for event in formset.save(commit=False):
            event.job_centre_id = form.instance.job_centre_id
            event.save()
        for event in formset.deleted_objects:
            event.delete()


class ReadOnlyInline(admin.TabularInline):
    """Measures, suspensions and notes are written on the caseload pages, where the rule set's
    checks apply; here they are shown for reference."""

    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return self.fields


class MeasureInline(ReadOnlyInline):
    model = Measure
    fields = ["title", "start", "end", "exited_on"]


class SuspensionInline(ReadOnlyInline):
    model = Suspension
    fields = ["reason", "start", "end", "documented_by", "documented_at"]


class ContactNoteInline(ReadOnlyInline):
    model = ContactNote
    fields = ["date", "channel", "walk_in", "rule_code", "caseworker", "follow_up_on"]
    ordering = ["-date"]


class CustomerAdminForm(forms.ModelForm):
    flags = code_list_field(Customer, "flags", voc.FLAGS, "Alle zutreffenden Merkmale.")

    class Meta:
        model = Customer
        fields = "__all__"

    def clean(self):
        data = super().clean()
        team = data.get("team")
        # On a change the job centre is read-only (CustomerAdmin.get_readonly_fields): the stored one.
        centre = data.get("job_centre") or (self.instance.job_centre if self.instance.pk else None)
        if team and centre and team.job_centre_id != centre.pk:
            self.add_error("team", "Das Team gehört zu einem anderen Jobcenter.")
        caseworker = data.get("caseworker")
        if caseworker and team and caseworker.team_id != team.pk:
            self.add_error("caseworker", "Die Fachkraft gehört zu einem anderen Team.")
        values = {f: data.get(f) for f in Customer.FACT_FIELDS}
        for field, message in services.changed_facts_errors(values, self.changed_data, timezone.localdate()).items():
            if field not in self.errors:
                self.add_error(field, message)
        return data


@admin.register(Customer)
class CustomerAdmin(SimpleHistoryAdmin):
    form = CustomerAdminForm
    list_display = ["number", "job_centre", "team", "caseworker", "due_code", "due_by"]
    list_filter = ["job_centre", "case_status"]
    list_select_related = ["job_centre", "team", "caseworker__user"]
    search_fields = ["=number"]
    search_help_text = "Suche nach der Kundennummer (keine Namen: Suchbegriffe stehen in der Adresszeile)."
    autocomplete_fields = ["team", "caseworker"]
    readonly_fields = list(Customer.DUE_FIELDS)
    inlines = [MeasureInline, SuspensionInline, ContactNoteInline]
    fieldsets = [
        ("Zuordnung", {"fields": ["job_centre", "team", "caseworker", "number"]}),
        (
            "Person",
            {"fields": [("first_name", "last_name"), "birth_date", "street", ("postcode", "city"), "phone", "email"]},
        ),
        (
            "Fakten für das Kontaktdichtekonzept",
            {
                "fields": [
                    "registered_on",
                    "employment",
                    ("profile", "profile_since"),
                    "care",
                    "flags",
                    "integrated_employment",
                    "unemployed_since",
                    "benefit_renewal_on",
                    "profiling_reviewed_on",
                    "cooperation_plan_on",
                ]
            },
        ),
        (
            "GCfaK",
            {
                "fields": [
                    "acquisition_source",
                    "acquisition_event",
                    "case_status",
                    "closing_outcome",
                    "closing_reason",
                ]
            },
        ),
        ("Gespeicherte Fälligkeit (berechnet)", {"classes": ["collapse"], "fields": list(Customer.DUE_FIELDS)}),
    ]

    def get_readonly_fields(self, request, obj=None):
        # A customer's notes, measures and suspensions belong to their job centre: moving the
        # customer alone would orphan them (every query is scoped by job centre).
        fields = super().get_readonly_fields(request, obj)
        return [*fields, "job_centre"] if obj is not None else fields

    # Writes go through the services, as on the caseworkers' pages: under the customer's lock,
    # with the due date recomputed in the same transaction, recorded in the audit trail.
    # (The inlines are read only; notes, measures and exceptions are written on those pages.)
    def save_model(self, request, obj, form, change):
        if not change:
            fields = {
                f.attname: getattr(obj, f.attname)
                for f in obj._meta.concrete_fields
                if not f.primary_key and f.editable and f.name not in Customer.DUE_FIELDS
            }
            created, _ = services.create_customer(by=request.user, **fields)
            obj.pk = created.pk
            return
        attnames = [Customer._meta.get_field(name).attname for name in form.changed_data]
        changes = {attname: getattr(obj, attname) for attname in attnames}
        services.update_customer(customer=Customer.objects.get(pk=obj.pk), changes=changes, by=request.user)
        obj.refresh_from_db()

    # Kunden importieren: the import from the specialist system, for any team of a job centre
    # (caseload.import_views; team leads have the same flow for their own team).
    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(import_views.admin_upload), name="caseload_customer_import"),
            path("import/<uuid:pk>/", wrap(import_views.admin_preview), name="caseload_customer_import_preview"),
            *super().get_urls(),
        ]

    # Deleting a customer deletes their history rows too (deletion.delete_customers).
    def delete_model(self, request, obj):
        deletion.delete_customers(job_centre_id=obj.job_centre_id, customer_ids=[obj.pk], by=request.user)

    def delete_queryset(self, request, queryset):
        by_centre = {}
        for pk, centre_id in queryset.values_list("pk", "job_centre_id"):
            by_centre.setdefault(centre_id, []).append(pk)
        for centre_id, ids in by_centre.items():
            deletion.delete_customers(job_centre_id=centre_id, customer_ids=ids, by=request.user)
