"""Appointment pages under /termine/: database ids only, never names; the feed's token is random."""

from django.urls import path

from . import group_views, views, working_time_views

app_name = "appointments"

urlpatterns = [
    path("", views.day, name="day"),
    path("woche/", views.week, name="week"),
    path("anteil/", working_time_views.share, name="share"),
    path("abwesenheiten/", working_time_views.absences, name="absences"),
    path("abwesenheiten/<int:pk>/", working_time_views.absence, name="absence"),
    path("abwesenheiten/<int:pk>/loeschen/", working_time_views.absence_delete, name="absence_delete"),
    path("kalender-abo/", views.feed_settings, name="feed_settings"),
    path("abo/<str:token>.ics", views.feed, name="feed"),
    path("kunden/<int:pk>/neu/", views.book, name="book"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/wahrgenommen/", views.attended, name="attended"),
    path("<int:pk>/nicht-erschienen/", views.missed, name="missed"),
    path("<int:pk>/entschuldigt/", views.excuse, name="excuse"),
    path("<int:pk>/absagen/", views.cancel, name="cancel"),
    path("<int:pk>/korrigieren/", views.correct, name="correct"),
    path("gruppen/", group_views.sessions, name="groups"),
    path("gruppen/neu/", group_views.create, name="group_create"),
    path("gruppen/<int:pk>/", group_views.session, name="group"),
    path("gruppen/<int:pk>/anmelden/", group_views.book, name="group_book"),
    path("gruppen/<int:pk>/anwesenheit/", group_views.attendance, name="group_attendance"),
    path("<int:pk>/vermerk/", views.note, name="note"),
    path("<int:pk>/einladung/", views.invitation, name="invitation"),
]
