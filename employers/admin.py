"""Admin for the employer service: the directory (for corrections: staff work on the pages),
where the service can be reached, and the reachability standard, whose check refuses hours
that break it (as the opening-hours standard does for offices)."""

from django import forms
from django.contrib import admin, messages
from simple_history.admin import SimpleHistoryAdmin

from .models import ContactPerson, Employer, JobOffer, ReachabilityStandard, ServiceDesk, ServiceHours
from .reachability import check_service_hours


class ContactPersonInline(admin.TabularInline):
    model = ContactPerson
    fields = ["name", "role", "phone", "email", "preferred_channel", "active"]
    extra = 0


@admin.register(Employer)
class EmployerAdmin(SimpleHistoryAdmin):
    list_display = ["name", "job_centre", "sector", "city", "account_manager"]
    list_filter = ["job_centre"]
    list_select_related = ["job_centre", "account_manager__user"]
    search_fields = ["name", "city"]
    readonly_fields = ["version"]
    inlines = [ContactPersonInline]

    def save_formset(self, request, form, formset, change):
        for contact in formset.save(commit=False):
            contact.job_centre_id = form.instance.job_centre_id
            contact.save()
        for contact in formset.deleted_objects:
            contact.delete()


@admin.register(JobOffer)
class JobOfferAdmin(SimpleHistoryAdmin):
    list_display = ["title", "employer", "status", "received_on", "positions"]
    list_filter = ["job_centre", "status"]
    list_select_related = ["employer"]
    search_fields = ["title", "employer__name"]
    readonly_fields = ["version"]
    raw_id_fields = ["employer", "contact_person"]

    def save_model(self, request, obj, form, change):
        obj.job_centre_id = obj.employer.job_centre_id
        super().save_model(request, obj, form, change)


class ServiceHoursFormSet(forms.BaseInlineFormSet):
    """The desk's week must meet the job centre's reachability standard, when it has one."""

    def clean(self):
        super().clean()
        if any(self.errors) or not self.instance.job_centre_id:
            return
        standard = ReachabilityStandard.objects.filter(job_centre_id=self.instance.job_centre_id).first()
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
        errors = check_service_hours(hours, standard.reachable_from, standard.reachable_until)
        if errors:
            raise forms.ValidationError(["Die Erreichbarkeit erfüllt den Standard des Jobcenters nicht:", *errors])


class ServiceHoursInline(admin.TabularInline):
    model = ServiceHours
    formset = ServiceHoursFormSet
    extra = 0


@admin.register(ServiceDesk)
class ServiceDeskAdmin(SimpleHistoryAdmin):
    list_display = ["name", "job_centre", "office", "phone"]
    list_filter = ["job_centre"]
    list_select_related = ["job_centre", "office"]
    inlines = [ServiceHoursInline]


@admin.register(ReachabilityStandard)
class ReachabilityStandardAdmin(SimpleHistoryAdmin):
    list_display = ["job_centre", "reachable_from", "reachable_until"]

    def save_model(self, request, obj, form, change):
        """A changed standard does not change the desks' hours: name the desks that now fall short."""
        super().save_model(request, obj, form, change)
        hours = {}
        for desk_id, weekday, start, end in ServiceHours.objects.filter(
            desk__job_centre_id=obj.job_centre_id
        ).values_list("desk_id", "weekday", "start", "end"):
            hours.setdefault(desk_id, []).append((weekday, start, end))
        short = [
            desk.name
            for desk in ServiceDesk.objects.filter(job_centre_id=obj.job_centre_id).order_by("name")
            if check_service_hours(hours.get(desk.pk, []), obj.reachable_from, obj.reachable_until)
        ]
        if short:
            messages.warning(request, "Diese Erreichbarkeiten erfüllen den Standard nicht: " + ", ".join(short) + ".")
