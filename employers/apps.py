from django.apps import AppConfig


class EmployersConfig(AppConfig):
    name = "employers"
    verbose_name = "Arbeitgeberservice"

    def ready(self):
        from caseload.models import Staff
        from caseload.selectors import add_timeline_source
        from caseload.views import add_start_page

        from .selectors import proposal_timeline

        # The employer service starts on its own page; placement proposals and their outcomes
        # appear in the customer's history. Caseload does not import this app.
        add_start_page(Staff.EMPLOYER_SERVICE, "employers:start")
        add_timeline_source(proposal_timeline)
