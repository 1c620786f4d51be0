"""„Auswirkungen prüfen" in the rule-set admin: before a changed rule set, a new one or a new
version ("Fortschreiben") is saved, the admin posts the form with the button of that name; the
form and its rules are validated as for saving, nothing is saved, the page comes back with the
same posted data and the impact on the job centre's customers (`caseload.whatif`, asked through
`whatif.impact_requested`), and "Sichern" then saves exactly what was previewed. No JavaScript.

Django's admin is followed through its documented hooks: `save_model`, `save_related`,
`construct_change_message`, `log_addition`/`log_change` do nothing while previewing, and
`response_add`/`response_change` render the change form again (`render_change_form`) instead
of redirecting. Above `RULE_PREVIEW_LIMIT` open cases the page names the command instead and
offers the proposal as a file for it.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.admin import helpers
from django.http import HttpResponse
from django.utils import timezone

from . import whatif
from .models import ContactRule, RuleSet

PREVIEW, PREVIEW_FILE = "_preview", "_preview_file"


def requested(request) -> bool:
    return request.method == "POST" and (PREVIEW in request.POST or PREVIEW_FILE in request.POST)


def proposal_rows(form, formsets) -> tuple[RuleSet, list[ContactRule]]:
    """The rule set and its rules as posted (validated, not saved): changed and new rules, not
    those marked for deletion, not the blank extra form."""
    rules = []
    for formset in formsets:
        if formset.model is not ContactRule:
            continue
        for rule_form in formset.forms:
            data = getattr(rule_form, "cleaned_data", None)
            if not data or data.get("DELETE"):
                continue
            if rule_form.instance.pk is None and not rule_form.has_changed():
                continue
            rules.append(rule_form.instance)
    return form.instance, rules


def impact(proposal: whatif.Proposal) -> dict:
    """The preview's context: the impact, or (more open cases than the limit) the command."""
    results = [
        result
        for _, result in whatif.impact_requested.send(
            sender=RuleSet, proposal=proposal, limit=settings.RULE_PREVIEW_LIMIT
        )
    ]
    found = results[0] if results else None
    return {"proposal": proposal, "impact": found, "too_many": found is None, "limit": settings.RULE_PREVIEW_LIMIT}


def preview_context(row: RuleSet, rules: list[ContactRule]) -> dict:
    try:
        proposal = whatif.propose(row, rules, today=timezone.localdate())
    except whatif.WhatIfError as error:
        return {"rule_preview": {"errors": error.messages}}
    return {"rule_preview": impact(proposal)}


def proposal_file(row: RuleSet, rules: list[ContactRule]) -> HttpResponse:
    response = HttpResponse(whatif.dump(row, rules), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="konzept-vorschlag.json"'
    return response


def render_preview(model_admin, request, obj, form, formsets, change: bool):
    """The change form again, bound to the posted data, with the preview above it."""
    row, rules = proposal_rows(form, formsets)
    if PREVIEW_FILE in request.POST:
        return proposal_file(row, rules)
    original = obj if change else None
    fieldsets = model_admin.get_fieldsets(request, original)
    admin_form = helpers.AdminForm(
        form,
        list(fieldsets),
        model_admin.get_prepopulated_fields(request, original),
        model_admin.get_readonly_fields(request, original),
        model_admin=model_admin,
    )
    inlines = [inline for _formset, inline in model_admin.get_formsets_with_inlines(request, original)]
    inline_formsets = model_admin.get_inline_formsets(request, formsets, inlines, original)
    media = model_admin.media + admin_form.media
    for inline_formset in inline_formsets:
        media += inline_formset.media
    opts = model_admin.opts
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"Auswirkungen prüfen: {opts.verbose_name}",
        "subtitle": str(original) if original else None,
        "adminform": admin_form,
        "object_id": original.pk if original else None,
        "original": original,
        "is_popup": False,
        "to_field": None,
        "media": media,
        "inline_admin_formsets": inline_formsets,
        "errors": helpers.AdminErrorList(form, formsets),
        "preserved_filters": model_admin.get_preserved_filters(request),
        **preview_context(row, rules),
    }
    return model_admin.render_change_form(request, context, add=not change, change=change, obj=original)
