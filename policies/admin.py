"""Django admin for job centres and their rule sets (Fachadministration)."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Max
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.text import Truncator, capfirst
from simple_history.admin import SimpleHistoryAdmin

from kontaktdichte import formats

from . import admin_preview, whatif
from . import vocabulary as voc
from .admin_forms import CloneForm, ContactRuleForm, RuleSetForm
from .cloning import CloneError, clone_rule_set
from .models import ClosingDay, ContactRule, JobCentre, RuleSet
from .signals import bump_policy_version, rules_changed


class ClosingDayInline(admin.TabularInline):
    model = ClosingDay
    extra = 1


def after_rules_change(model_admin, request, job_centre_id):
    """Once the change is committed, bring the job centre's stored due dates up to date.

    The version bump that marks them as stale already happened with the change itself
    (policies.signals); this asks the caseload app to recompute and tells the admin the outcome.
    """

    def refresh():
        # The caseload app answers with a background task (its result, finished at once where
        # tasks run immediately, as in tests and `make run`).
        for _, result in rules_changed.send(sender=JobCentre, job_centre_id=job_centre_id):
            if result is None:
                continue
            if result.is_finished and result.return_value is not None:
                count = result.return_value
                model_admin.message_user(
                    request, f"Fälligkeiten neu berechnet: {count} Kunde{'' if count == 1 else 'n'}.", messages.INFO
                )
            else:
                model_admin.message_user(
                    request,
                    "Die Fälligkeiten dieses Jobcenters werden im Hintergrund neu berechnet; bis dahin sind "
                    "sie in den Listen als nach älterem Regelstand berechnet markiert.",
                    messages.WARNING,
                )

    transaction.on_commit(refresh)


@admin.register(JobCentre)
class JobCentreAdmin(SimpleHistoryAdmin):
    list_display = ["slug", "name", "federal_state"]
    list_filter = ["federal_state"]
    search_fields = ["slug", "name"]
    readonly_fields = ["policy_version"]
    inlines = [ClosingDayInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "federal_state" in form.changed_data:  # other public holidays
            bump_policy_version(obj.pk)

    def save_related(self, request, form, formsets, change):
        before = JobCentre.objects.values_list("policy_version", flat=True).get(pk=form.instance.pk)
        super().save_related(request, form, formsets, change)
        changed = JobCentre.objects.values_list("policy_version", flat=True).get(pk=form.instance.pk) != before
        if change and (changed or "federal_state" in form.changed_data):
            after_rules_change(self, request, form.instance.pk)


class ContactRuleInline(admin.StackedInline):
    model = ContactRule
    form = ContactRuleForm
    ordering = ["position", "id"]
    # One blank rule is always there, so rules can be added without JavaScript.
    extra = 1
    fieldsets = [
        (None, {"fields": [("position", "label", "code")]}),
        (
            "Bedingungen (alle müssen zutreffen)",
            {
                "fields": [
                    "age_band",
                    "employment",
                    "profiles",
                    "care",
                    "flags",
                    "in_measure",
                    "integrated_employment",
                    ("unemployed_months_min", "unemployed_months_below"),
                ]
            },
        ),
        (
            "Zyklus",
            {
                "fields": [
                    "individual",
                    ("window_amount", "window_unit"),
                    ("deadline_amount", "deadline_unit"),
                    "cap_at_benefit_renewal",
                    "first_contact_exempt",
                ]
            },
        ),
    ]


@admin.register(RuleSet)
class RuleSetAdmin(SimpleHistoryAdmin):
    form = RuleSetForm
    inlines = [ContactRuleInline]
    list_display = ["title", "job_centre", "valid_from", "valid_until"]
    list_filter = ["job_centre"]
    list_select_related = ["job_centre"]
    search_fields = ["title", "reference"]
    actions = ["clone_as_new_version"]
    fieldsets = [
        (
            "Grunddaten",
            {
                "fields": [
                    "job_centre",
                    "title",
                    "reference",
                    ("valid_from", "valid_until"),
                ]
            },
        ),
        (
            "Einstellungen",
            {
                "fields": [
                    "qualifying_channels",
                    ("first_contact_target_days", "first_contact_max_days"),
                    ("first_appointment_minutes", "follow_up_minutes", "preparation_minutes"),
                    "limited_german_max_minutes",
                    "consultation_share_target",
                    "follow_up_required",
                    "checklist_required",
                    ("max_extension_amount", "max_extension_unit"),
                    "profiling_review_months",
                    "graduate_management",
                    ("graduate_days_before_end", "graduate_follow_up_working_days", "employer_service_lead_months"),
                ]
            },
        ),
        (
            "Terminierung",
            {
                "fields": [
                    "bookable_channels",
                    "office_hours_only",
                    "invitation_lead_working_days",
                    "letters_name_opening_hours",
                    "immediate_placement_excluded",
                    "employer_contacts_count",
                ]
            },
        ),
        ("Quelltext", {"fields": ["source_text"], "classes": ["collapse"]}),
    ]

    def after_rule_set_change(self, request, rule_set):
        after_rules_change(self, request, rule_set.job_centre_id)

    # --- "Auswirkungen prüfen": validated as for saving, nothing saved (admin_preview) ---

    def save_model(self, request, obj, form, change):
        if not admin_preview.requested(request):
            super().save_model(request, obj, form, change)

    def construct_change_message(self, request, form, formsets, add=False):
        if admin_preview.requested(request):
            return []
        return super().construct_change_message(request, form, formsets, add)

    def log_addition(self, request, obj, message):
        if not admin_preview.requested(request):
            return super().log_addition(request, obj, message)
        return None

    def log_change(self, request, obj, message):
        if not admin_preview.requested(request):
            return super().log_change(request, obj, message)
        return None

    def response_add(self, request, obj, post_url_continue=None):
        if admin_preview.requested(request):
            form, formsets = request._rule_preview
            return admin_preview.render_preview(self, request, obj, form, formsets, change=False)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if admin_preview.requested(request):
            form, formsets = request._rule_preview
            return admin_preview.render_preview(self, request, obj, form, formsets, change=True)
        return super().response_change(request, obj)

    # --- saving -------------------------------------------------------------------------

    def save_formset(self, request, form, formset, change):
        if formset.model is not ContactRule:
            return super().save_formset(request, form, formset, change)
        # Explicit attribution, so the rules' history names the user even without the
        # middleware (which covers saves, but is easy to lose in a refactoring).
        rules = formset.save(commit=False)
        for rule in formset.deleted_objects:
            rule._history_user = request.user
            rule.delete()
        next_position = self._next_position(form.instance, rules)
        for rule in rules:
            if rule.position is None:
                rule.position = next_position
                next_position += 10
            rule._history_user = request.user
            rule.save()
        formset.save_m2m()

    @staticmethod
    def _next_position(rule_set, rules):
        unchanged = rule_set.rules.exclude(pk__in=[rule.pk for rule in rules if rule.pk])
        stored = unchanged.aggregate(top=Max("position"))["top"] or 0
        given = max((rule.position for rule in rules if rule.position is not None), default=0)
        return (max(stored, given) // 10 + 1) * 10

    def save_related(self, request, form, formsets, change):
        if admin_preview.requested(request):
            request._rule_preview = (form, formsets)  # for response_add / response_change
            return
        super().save_related(request, form, formsets, change)
        self.after_rule_set_change(request, form.instance)

    def delete_model(self, request, obj):
        obj._history_user = request.user
        super().delete_model(request, obj)
        self.after_rule_set_change(request, obj)

    def delete_queryset(self, request, queryset):
        rule_sets = list(queryset)
        super().delete_queryset(request, queryset)
        for rule_set in rule_sets:
            self.after_rule_set_change(request, rule_set)

    # --- cloning ------------------------------------------------------------------------

    def get_urls(self):
        clone = path(
            "<path:object_id>/fortschreiben/",
            self.admin_site.admin_view(self.clone_view),
            name="policies_ruleset_clone",
        )
        return [clone, *super().get_urls()]

    @admin.action(description="Als neue Version fortschreiben", permissions=["add", "change"])
    def clone_as_new_version(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(
                request,
                "Bitte genau ein Konzept auswählen: es lässt sich immer nur eines fortschreiben.",
                messages.WARNING,
            )
            return None
        return redirect("admin:policies_ruleset_clone", queryset.get().pk)

    def clone_view(self, request, object_id):
        rule_set = self.get_object(request, unquote(object_id))
        if rule_set is None:
            raise Http404("Kontaktdichtekonzept nicht gefunden.")
        if not (self.has_add_permission(request) and self.has_change_permission(request, rule_set)):
            raise PermissionDenied
        form = CloneForm(request.POST or None, initial={"title": rule_set.title, "reference": rule_set.reference})
        preview = {}
        if request.method == "POST" and form.is_valid() and admin_preview.PREVIEW in request.POST:
            try:
                proposal = whatif.continuation(
                    rule_set,
                    valid_from=form.cleaned_data["valid_from"],
                    title=form.cleaned_data["title"],
                    today=timezone.localdate(),
                )
            except whatif.WhatIfError as error:
                form.add_error(None, error)
            else:
                preview = {"rule_preview": admin_preview.impact(proposal)}
        elif request.method == "POST" and form.is_valid():
            try:
                new = clone_rule_set(rule_set, by=request.user, **form.cleaned_data)
            except CloneError as error:
                form.add_error(None, error)
            else:
                ended_before = rule_set.valid_until
                rule_set.refresh_from_db()
                self.log_addition(request, new, f"Fortgeschrieben aus „{rule_set}“.")
                if rule_set.valid_until != ended_before:
                    self.log_change(request, rule_set, f"Beendet durch Fortschreibung „{new}“.")
                self.after_rule_set_change(request, new)
                self.message_user(
                    request,
                    f"Neue Version „{new}“ angelegt. Das bisherige Konzept gilt {rule_set.validity_label}.",
                    messages.SUCCESS,
                )
                return redirect("admin:policies_ruleset_change", new.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Als neue Version fortschreiben: {rule_set}",
            "opts": self.opts,
            "original": rule_set,
            "rule_count": rule_set.rules.count(),
            "form": form,
            "adminform": helpers.AdminForm(form, [(None, {"fields": list(form.fields)})], prepopulated_fields={}),
            "media": self.media + form.media,
            **preview,
        }
        return TemplateResponse(request, "admin/policies/ruleset/clone.html", context)

    # --- history ------------------------------------------------------------------------

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Reverting only the rule set's own fields would leave its rules (and the hook) behind.
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        object_id = unquote(object_id)
        rule_set = self.get_object(request, object_id)
        if rule_set is None:
            # A deleted rule set keeps its history; show it from the last record.
            records = RuleSet.history.filter(id=object_id if object_id.isdigit() else None)
            record = records.order_by("-history_date").first()
            if record is None:
                raise Http404("Kontaktdichtekonzept nicht gefunden.")
            rule_set = record.instance
        if not self.has_view_history_or_change_history_permission(request, rule_set):
            raise PermissionDenied
        page = Paginator(rule_set_history(rule_set.pk), self.history_list_per_page).get_page(request.GET.get("p"))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Änderungsverlauf: {rule_set}",
            "opts": self.opts,
            "original": rule_set,
            "page_obj": page,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/policies/ruleset/history.html", context)


# --- the combined history of a rule set and its rules ---------------------------------------

ACTIONS = {"+": "angelegt", "~": "geändert", "-": "gelöscht"}
# Empty conditions mean "any", so the history says so instead of showing a dash.
CONDITION_FIELDS = {
    "age_band",
    "employment",
    "profiles",
    "care",
    "flags",
    "in_measure",
    "integrated_employment",
    "unemployed_months_min",
    "unemployed_months_below",
}
FIELD_LABELS = {
    "window_unit": "Einheit zu „frühestens nach“",
    "deadline_unit": "Einheit zu „spätestens nach“",
}


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: datetime
    user: object
    subject: str
    action: str
    reason: str
    changes: list[Change] = field(default_factory=list)
    note: str = ""


def rule_set_history(rule_set_id) -> list[HistoryEntry]:
    """Every recorded change of the rule set and of its rules (deleted ones too), newest first."""
    set_records = RuleSet.history.filter(id=rule_set_id)
    rule_records = ContactRule.history.filter(rule_set_id=rule_set_id)
    entries = [
        *_entries(set_records, lambda record: "Konzept", list_values=False),
        *_entries(rule_records, lambda record: f"Regel „{record.label}“", list_values=True),
    ]
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries


def _entries(records, subject, list_values):
    """One entry per historical record; `list_values` spells out created and deleted rows."""
    model = records.model.instance_type
    previous = {}
    for record in records.select_related("history_user").order_by("history_date", "history_id"):
        before = previous.get(record.id)
        previous[record.id] = record
        changes, note = [], ""
        if record.history_type in "+-":
            if list_values:
                changes = _values(model, record, deleted=record.history_type == "-")
        elif before is not None:
            delta = record.diff_against(before, foreign_keys_are_objs=True)
            changes = [_change(model, c.field, c.old, c.new) for c in delta.changes]
            if not changes:
                continue  # a save without changes, e.g. the rule set when only rules were edited
        else:
            # Rows loaded from fixtures or bulk writes have no "created" record to diff against.
            note = "Früherer Stand nicht aufgezeichnet (vor Beginn der Aufzeichnung angelegt)."
        yield HistoryEntry(
            when=record.history_date,
            user=record.history_user,
            subject=subject(record),
            action=ACTIONS.get(record.history_type, record.history_type),
            reason=record.history_change_reason or "",
            changes=changes,
            note=note,
        )


def _values(model, record, deleted):
    changes = []
    for model_field in model._meta.concrete_fields:
        if model_field.primary_key or model_field.is_relation or not model_field.editable:
            continue
        value = getattr(record, model_field.attname)
        if value in (None, "", []) or value is False:
            continue
        change = _change(model, model_field.name, None, value)
        if deleted:
            change.old, change.new = change.new, change.old
        changes.append(change)
    return changes


def _change(model, name, old, new):
    model_field = model._meta.get_field(name)
    label = FIELD_LABELS.get(name) or capfirst(model_field.verbose_name)
    return Change(label, _display(model_field, old), _display(model_field, new))


def _display(model_field, value):
    if value is None or value == "" or value == []:
        return "egal" if model_field.name in CONDITION_FIELDS else "—"
    if isinstance(value, list):
        return ", ".join(voc.label(code) for code in value)
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, date):
        return f"{formats.day(value)}"
    return Truncator(str(value)).chars(160)
