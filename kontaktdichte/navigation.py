"""What the navigation offers beyond one's own work: decided once, at sign-in, and kept in
the session. Reading a user's permissions costs two queries (their own and their groups'); on
every page that would be two queries for a few links. Pages and exports check the permission
itself on every request: a permission taken away closes the page at once, and its link goes at
the next sign-in."""

from __future__ import annotations

SESSION_KEY = "_nav"
LINKS = {
    "all_reports": "caseload.view_all_reports",
    "audit": "audit.view_event",
    "data_access": "audit.export_customer_data",
    "survey_results": "survey.view_results",
    "survey_entry": "survey.add_response",
}


def flags_for(user) -> dict[str, bool]:
    return {name: user.has_perm(permission) for name, permission in LINKS.items()}


def remember_on_login(sender, request, user, **kwargs):
    if getattr(request, "session", None) is not None:
        request.session[SESSION_KEY] = flags_for(user)


def navigation(request):
    """Context processor: `nav.audit`, `nav.all_reports`, `nav.data_access`, `nav.survey_results`,
    `nav.survey_entry`."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {}}
    session = getattr(request, "session", None)
    flags = session.get(SESSION_KEY) if session is not None else None
    if flags is None:  # a session from before this was kept: read, not stored
        flags = flags_for(user)
    return {"nav": flags}
