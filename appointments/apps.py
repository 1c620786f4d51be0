from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "appointments"
    verbose_name = "Termine"

    def ready(self):
        from caseload.selectors import add_row_annotation, add_section

        from .selectors import WITHOUT_APPOINTMENT, next_appointment_start

        # The worklist's "Ohne Termin": customers due without a booked appointment.
        add_section(WITHOUT_APPOINTMENT, after="bald")
        # Every worklist row: when the next planned appointment is (booked or forgotten).
        add_row_annotation("next_appointment", next_appointment_start)
