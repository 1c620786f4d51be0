"""Project-wide views: signing out."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import render


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
