"""German paths; teams, job centres and months travel as ids and dates, never as names."""

from django.urls import path

from . import views

urlpatterns = [
    path("berichte/", views.monthly, name="report_monthly"),
    path("berichte/kapazitaet/", views.capacity_view, name="report_capacity"),
    path("berichte/gcfak/", views.gcfak_view, name="report_gcfak"),
]
