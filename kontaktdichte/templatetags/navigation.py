"""`{% main_nav %}`: the main navigation (_nav.html), rendered once per process for each shape.

The navigation is the same for everyone with the same role and links on the same page: what it
shows depends only on the page (its URL name and app), the staff profile's role, the links
remembered at sign-in (`kontaktdichte.navigation`) and whether the user may use the admin. It
took 0.19 ms a page to render (a dozen `{% url %}`s and conditions); kept per shape, it costs a
dict look-up.
"""

from __future__ import annotations

from django import template
from django.urls import get_script_prefix
from django.utils.safestring import SafeString, mark_safe

from kontaktdichte.kept import KeptAnswers

register = template.Library()

TEMPLATE = "_nav.html"
_kept = KeptAnswers(limit=1024)


def shape(context) -> tuple:
    """Everything _nav.html reads."""
    request, user = context["request"], context["user"]
    match, staff = request.resolver_match, getattr(request, "staff", None)
    return (
        get_script_prefix(),
        match.url_name if match else None,
        match.app_name if match else None,
        None if staff is None else (staff.is_team_lead, staff.is_employer_service),
        tuple(sorted(context.get("nav", {}).items())),
        user.is_staff,
    )


@register.simple_tag(takes_context=True)
def main_nav(context) -> SafeString:
    return _kept.answer(
        shape(context), lambda: mark_safe(context.template.engine.get_template(TEMPLATE).render(context))
    )
