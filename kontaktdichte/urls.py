from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from .health import health
from .views import LogoutView

urlpatterns = [
    path("health/", health, name="health"),
    path("admin/", admin.site.urls),
    path("anmelden/", auth_views.LoginView.as_view(), name="login"),
    path("abmelden/", LogoutView.as_view(), name="logout"),
    path("termine/", include("appointments.urls")),
    path("arbeitgeber/", include("employers.urls")),
    path("befragung/", include("survey.urls")),
    path("datenschutz/", include("privacy.urls")),
    path("", include("reports.urls")),
    path("", include("caseload.urls")),
]

handler400 = "kontaktdichte.views.bad_request"
