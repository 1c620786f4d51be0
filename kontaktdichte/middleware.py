"""Small middlewares: for social data (§ 35 SGB I) no page is kept in a cache and idle sessions
end; and no request carries a NUL character to a query.

- `no_store`: every response of the application (pages, exports, the calendar feed) carries
  `Cache-Control: no-store`, so neither a shared proxy nor the browser's disk keeps personal
  data. Static files are served before Django (WhiteNoise, or the web server) and keep theirs.
- `sliding_session`: a session ends `SESSION_COOKIE_AGE` seconds after the last request. Django
  moves that end only when it saves the session; saving it on every request
  (SESSION_SAVE_EVERY_REQUEST) would cost a database write per page, so the session is marked
  for saving at most once a minute (the end may come up to a minute early). Signing in counts
  as the first touch (`touch_on_login`, connected in `kontaktdichte.apps`): the login saves the
  session anyway.
- `reject_nul`: a NUL character (U+0000) in a query string or a form-encoded body is answered
  with the German 400 page. No field takes one (Django's form fields reject it too), and
  PostgreSQL refuses it in any text parameter, so a search term read straight from the query
  string would otherwise end in a server error. Multipart bodies are left to the view: reading
  them here would parse an upload before the import view installs its in-memory handler
  (`kontaktdichte.uploads`); their fields go through forms.
"""

from __future__ import annotations

import time

from django.utils.cache import add_never_cache_headers

from .plausible import Explained

TOUCHED = "_touched"
TOUCH_EVERY_SECONDS = 60


def no_store(get_response):
    def middleware(request):
        response = get_response(request)
        add_never_cache_headers(response)
        return response

    return middleware


def sliding_session(get_response):
    def middleware(request):
        response = get_response(request)
        session = getattr(request, "session", None)
        if session is not None and not session.is_empty() and session.session_key is not None:
            now = int(time.time())
            if now - session.get(TOUCHED, 0) >= TOUCH_EVERY_SECONDS:
                session[TOUCHED] = now
        return response

    return middleware


def touch_on_login(sender, request, user, **kwargs):
    if getattr(request, "session", None) is not None:
        request.session[TOUCHED] = int(time.time())


class NulCharacter(Explained):
    hint = "Bitte gehen Sie zurück und geben Sie den Text erneut ein, ohne Steuerzeichen."


def _has_nul(query_dict) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in query_dict.lists())


def reject_nul(get_response):
    def middleware(request):
        form_encoded = request.content_type == "application/x-www-form-urlencoded"
        if _has_nul(request.GET) or (request.method == "POST" and form_encoded and _has_nul(request.POST)):
            raise NulCharacter(
                "Die Anfrage enthält ein unsichtbares Steuerzeichen (Nullzeichen), das kein Feld annimmt."
            )
        return get_response(request)

    return middleware
