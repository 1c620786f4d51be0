from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "appointments"
    verbose_name = "Termine"

    def ready(self):
        from caseload.selectors import add_section

        from .selectors import WITHOUT_APPOINTMENT

        # The worklist's "Ohne Termin": customers due without a booked appointment.
        add_section(WITHOUT_APPOINTMENT, after="bald")
