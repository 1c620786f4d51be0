"""German paths without personal data: customers appear by database id, never by name."""

from django.urls import path

from . import import_views, intake_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("faelle/", views.worklist, name="worklist"),
    path("team/ueberfaellig/", views.team_overdue, name="team_overdue"),
    path("kunden/neu/", intake_views.customer_add, name="customer_add"),
    path("kunden/import/", import_views.upload, name="customer_import"),
    path("kunden/import/<uuid:pk>/", import_views.preview, name="customer_import_preview"),
    path("kunden/<int:pk>/", views.customer_detail, name="customer"),
    path("kunden/<int:pk>/vermerk/", views.contact_note, name="contact_note"),
    path("kunden/<int:pk>/ausnahme/", views.suspension, name="suspension"),
    path("kunden/<int:pk>/ausnahme/<int:suspension_pk>/beenden/", views.suspension_end, name="suspension_end"),
    path("kunden/<int:pk>/massnahme/", views.measure, name="measure_add"),
    path("kunden/<int:pk>/massnahme/<int:measure_pk>/", views.measure, name="measure_edit"),
    path("kunden/<int:pk>/daten/", views.facts, name="facts"),
    path("kunden/<int:pk>/abschliessen/", views.close_case, name="close_case"),
    path("kunden/<int:pk>/aufgaben/<int:activity_pk>/erledigt/", views.activity_done, name="activity_done"),
    path("kunden/<int:pk>/massnahme/<int:measure_pk>/ags/", views.employer_service_done, name="employer_service_done"),
]
