"""Admin for offices (with opening hours checked against the job centre's standard), the
standards themselves, caseworkers' working hours, absences and, for corrections, appointments."""

import logging

from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from caseload.admin import StaffAdmin
from caseload.models import Staff

from . import services
from .models import (
    Absence,
    Appointment,
    Office,
    OpeningHours,
    OpeningHoursStandard,
    WorkingHours,
)
from .standards import Standard, check_opening_hours

log = logging.getLogger(__name__)


class OpeningHoursFormSet(forms.BaseInlineFormSet):
    """The week's opening hours must meet the job centre's standard, when it has one."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        office = self.instance
        standard = OpeningHoursStandard.objects.filter(job_centre_id=office.job_centre_id).first()
        if standard is None:
            return
        hours = [
            (f.cleaned_data["weekday"], f.cleaned_data["start"], f.cleaned_data["end"])
            for f in self.forms
            if f.cleaned_data
            and not f.cleaned_data.get("DELETE")
            and f.cleaned_data.get("start")
            and f.cleaned_data.get("end")
        ]
        errors = check_opening_hours(hours, Standard.of(standard), tandem=office.tandem_main_id is not None)
        if errors:
            raise forms.ValidationError(["Die Öffnungszeiten erfüllen den Standard des Jobcenters nicht:"] + errors)


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    formset = OpeningHoursFormSet
    extra = 0


@admin.register(Office)
class OfficeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "job_centre", "address", "tandem_main"]
    list_filter = ["job_centre"]
    list_select_related = ["job_centre", "tandem_main"]
    search_fields = ["name"]
    inlines = [OpeningHoursInline]


@admin.register(OpeningHoursStandard)
class OpeningHoursStandardAdmin(SimpleHistoryAdmin):
    list_display = ["job_centre", "min_weekly_hours", "every_weekday", "every_morning", "late_afternoons"]

    def save_model(self, request, obj, form, change):
        """A changed standard does not change the offices' hours: name the offices that now fall short."""
        super().save_model(request, obj, form, change)
        standard, hours = Standard.of(obj), {}
        for office_id, weekday, start, end in OpeningHours.objects.filter(
            office__job_centre_id=obj.job_centre_id
        ).values_list("office_id", "weekday", "start", "end"):
            hours.setdefault(office_id, []).append((weekday, start, end))
        short = [
            office.name
            for office in Office.objects.filter(job_centre_id=obj.job_centre_id).order_by("name")
            if check_opening_hours(hours.get(office.pk, []), standard, tandem=office.tandem_main_id is not None)
        ]
        if short:
            messages.warning(request, "Diese Regionalstellen erfüllen den Standard nicht: " + ", ".join(short) + ".")


class WorkingHoursInline(admin.TabularInline):
    model = WorkingHours
    extra = 0


# Working hours belong on the staff member's page: extend caseload's Staff admin with them
# (caseload is listed before appointments in INSTALLED_APPS, so its admin is registered first).
admin.site.unregister(Staff)


@admin.register(Staff)
class StaffWithWorkingHoursAdmin(StaffAdmin):
    inlines = [*StaffAdmin.inlines, WorkingHoursInline]


@admin.register(WorkingHours)
class WorkingHoursAdmin(SimpleHistoryAdmin):
    list_display = ["staff", "weekday", "start", "end"]
    list_filter = ["staff__job_centre", "weekday"]
    list_select_related = ["staff__user"]
    autocomplete_fields = ["staff"]
    search_fields = ["staff__user__username", "staff__user__last_name"]


@admin.register(Appointment)
class AppointmentAdmin(SimpleHistoryAdmin):
    """Read-mostly: bookings go through the caseworker's pages, where double booking is checked."""

    list_display = ["start", "customer", "caseworker", "kind", "status", "missed_sequence"]
    list_filter = ["job_centre", "status", "kind"]
    list_select_related = ["customer", "caseworker__user"]
    search_fields = ["customer__number"]
    date_hierarchy = "start"
    readonly_fields = [
        "job_centre",
        "customer",
        "caseworker",
        "start",
        "end",
        "blocked_until",
        "preparation_minutes",
        "kind",
        "rule_code",
        "status",
        "missed_sequence",
        "contact_note",
        "booked_by",
        "office",
        "mode",
        "subject",
        "important_reason",
        "outcome_reason",
    ]

    def has_add_permission(self, request):
        return False


class AbsenceAdminForm(forms.ModelForm):
    """The checks the team leads' page runs (`services.check_absence`), here too."""

    class Meta:
        model = Absence
        fields = ["staff", "kind", "start", "end"]

    def clean(self):
        data = super().clean()
        staff, kind, start, end = (data.get(f) for f in ("staff", "kind", "start", "end"))
        if staff and kind and start and end:
            errors = services.check_absence(
                staff, kind=kind, start=start, end=end, today=timezone.localdate(), exclude_pk=self.instance.pk
            )
            for field, message in errors.items():
                if field not in self.errors:
                    self.add_error(field if field in self.fields else None, message)
        return data


@admin.register(Absence)
class AbsenceAdmin(SimpleHistoryAdmin):
    form = AbsenceAdminForm
    list_display = ["staff", "kind", "start", "end", "job_centre"]
    list_filter = ["job_centre", "kind"]
    list_select_related = ["staff__user", "job_centre"]
    autocomplete_fields = ["staff"]
    search_fields = ["staff__user__username", "staff__user__last_name"]
    date_hierarchy = "start"

    def save_model(self, request, obj, form, change):
        # The absence belongs to the person's job centre, whoever records it.
        obj.job_centre_id = obj.staff.job_centre_id
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)
        log.info("absence %s of staff id %s saved in the admin by user id %s", obj.pk, obj.staff_id, request.user.pk)
