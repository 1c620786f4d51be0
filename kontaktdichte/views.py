"""Project-wide views: signing out, and the page of a locked-out login."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import render

from .plausible import Explained


class LogoutView(auth_views.LogoutView):
    """Signing out is a POST (the header's button). A GET, from a bookmark or a typed address,
    gets a page with that button instead of Django's empty 405; the login page then says that
    the person was signed out."""

    http_method_names = ["get", "post", "options"]

    def get(self, request, *args, **kwargs):
        return render(request, "registration/logout.html")

    def post(self, request, *args, **kwargs):
        was_signed_in = request.user.is_authenticated
        response = super().post(request, *args, **kwargs)
        if was_signed_in:
            messages.info(request, "Sie wurden abgemeldet.")
        return response


def locked_out(request, credentials, *args, **kwargs):
    """django-axes' lockout response (AXES_LOCKOUT_CALLABLE): a German page, status 429. It
    names neither the user nor whether the name exists."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)


def bad_request(request, exception, template_name="400.html"):
    """The German 400 page; for a request we can explain (a date out of reach, a character no
    field takes) it says what and why (our own message, never an internal one)."""
    explained = isinstance(exception, Explained)
    context = {"message": str(exception), "hint": exception.hint} if explained else {}
    return render(request, template_name, context, status=400)
