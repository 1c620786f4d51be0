from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("protokoll/", views.events, name="events"),
    path("auskunft/", views.data_access, name="data_access"),
]
