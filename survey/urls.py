"""The survey under /befragung/: the tablet's address carries a random key, nothing else."""

from django.urls import path

from . import views

app_name = "survey"

urlpatterns = [
    path("erfassen/", views.entry, name="entry"),
    path("auswertung/", views.results, name="results"),
    path("t/<str:token>/", views.kiosk, name="kiosk"),
    path("t/<str:token>/danke/", views.thanks, name="thanks"),
]
