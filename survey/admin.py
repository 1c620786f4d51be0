"""Admin for the survey: questionnaires with their questions, and the offices' tablet addresses.
Responses are not in the admin: single answers are never shown, only the evaluation's groups."""

from django.contrib import admin, messages
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from .models import Kiosk, Question, Survey, new_kiosk_token


class QuestionInline(admin.TabularInline):
    model = Question
    fields = ["position", "text", "low_label", "high_label"]
    extra = 1


@admin.register(Survey)
class SurveyAdmin(SimpleHistoryAdmin):
    list_display = ["title", "job_centre", "active", "question_count", "response_count"]
    list_filter = ["job_centre", "active"]
    inlines = [QuestionInline]
    fields = ["job_centre", "title", "intro", "free_text_question", "active"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(questions_n=Count("questions", distinct=True), responses_n=Count("responses", distinct=True))
        )

    @admin.display(description="Fragen")
    def question_count(self, obj):
        return obj.questions_n

    @admin.display(description="Antwortbögen")
    def response_count(self, obj):
        return obj.responses_n


@admin.register(Kiosk)
class KioskAdmin(admin.ModelAdmin):
    list_display = ["office", "active", "address"]
    list_select_related = ["office"]
    readonly_fields = ["address"]
    fields = ["office", "active", "address"]
    actions = ["renew"]

    @admin.display(description="Adresse für das Tablet")
    def address(self, obj):
        if not obj.pk:
            return "Wird beim Speichern erzeugt."
        return format_html("<code>{}</code>", reverse("survey:kiosk", args=[obj.token]))

    @admin.action(description="Neue Adresse erzeugen (die alte gilt dann nicht mehr)")
    def renew(self, request, queryset):
        for kiosk in queryset:
            kiosk.token = new_kiosk_token()
            kiosk.save(update_fields=["token"])
        messages.success(request, f"{queryset.count()} neue Adresse(n) erzeugt; bitte auf den Tablets öffnen.")
