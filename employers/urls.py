"""The employer service's pages under /arbeitgeber/: database ids only, never names."""

from django.urls import path

from . import appointment_views, placement_views, views

app_name = "employers"

urlpatterns = [
    path("", views.start, name="start"),
    path("verzeichnis/", views.directory, name="directory"),
    path("neu/", views.employer_form, name="employer_add"),
    path("<int:pk>/", views.employer_detail, name="employer"),
    path("<int:pk>/bearbeiten/", views.employer_form, name="employer_edit"),
    path("<int:pk>/ansprechpartner/neu/", views.contact_form, name="contact_add"),
    path("<int:pk>/ansprechpartner/<int:contact_pk>/", views.contact_form, name="contact_edit"),
    path("<int:pk>/vermerk/", views.note_form, name="note"),
    path("<int:pk>/termin/", appointment_views.book, name="book"),
    path("<int:employer_pk>/stellen/neu/", placement_views.offer_form, name="offer_add"),
    path("termine/<int:pk>/", appointment_views.appointment, name="appointment"),
    path("termine/<int:pk>/wahrgenommen/", appointment_views.attended, name="appointment_attended"),
    path("termine/<int:pk>/absagen/", appointment_views.cancel, name="appointment_cancel"),
    path("termine/<int:pk>/vermerk/", appointment_views.appointment_note, name="appointment_note"),
    path("stellen/", placement_views.offers, name="offers"),
    path("stellen/<int:pk>/", placement_views.offer_detail, name="offer"),
    path("stellen/<int:pk>/bearbeiten/", placement_views.offer_form, name="offer_edit"),
    path("kunden/<int:customer_pk>/vorschlag/", placement_views.propose, name="propose"),
    path("vorschlaege/<int:pk>/", placement_views.proposal, name="proposal"),
]
