"""Admin for offices (with opening hours checked against the job centre's standard), the
standards themselves, caseworkers' working hours and, for corrections, appointments."""

from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Appointment, Office, OpeningHours, OpeningHoursStandard, WorkingHours
from .standards import Standard, check_opening_hours


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
        hours = [(f.cleaned_data["weekday"], f.cleaned_data["start"], f.cleaned_data["end"])
                 for f in self.forms
                 if f.cleaned_data and not f.cleaned_data.get("DELETE")
                 and f.cleaned_data.get("start") and f.cleaned_data.get("end")]
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
    readonly_fields = ["job_centre", "customer", "caseworker", "start", "end", "blocked_until",
                       "preparation_minutes", "kind", "rule_code", "status", "missed_sequence", "contact_note",
                       "booked_by", "office", "mode", "subject", "important_reason", "outcome_reason"]

    def has_add_permission(self, request):
        return False
