"""Two small middlewares for social data (§ 35 SGB I): no page is kept in a cache, and idle
sessions end.

- `no_store`: every response of the application (pages, exports, the calendar feed) carries
  `Cache-Control: no-store`, so neither a shared proxy nor the browser's disk keeps personal
  data. Static files are served before Django (WhiteNoise, or the web server) and keep theirs.
- `sliding_session`: a session ends `SESSION_COOKIE_AGE` seconds after the last request. Django
  moves that end only when it saves the session; saving it on every request
  (SESSION_SAVE_EVERY_REQUEST) would cost a database write per page, so the session is marked
  for saving at most once a minute (the end may come up to a minute early). Signing in counts
  as the first touch (`touch_on_login`, connected in `kontaktdichte.apps`): the login saves the
  session anyway.
"""

from __future__ import annotations

import time

from django.utils.cache import add_never_cache_headers

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
