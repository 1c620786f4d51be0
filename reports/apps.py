from django.apps import AppConfig
from django.db import transaction


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Berichte"

    def ready(self):
        from caseload.signals import history_changed

        history_changed.connect(refresh_stored_figures, dispatch_uid="reports.refresh_stored_figures")


def refresh_stored_figures(sender, *, job_centre_id, customer_id, since, **kwargs):
    """A back-dated change: once it is committed, write the customer's stored month figures
    again from that month on (a background task)."""
    from .tasks import refresh_customer_figures

    transaction.on_commit(
        lambda: refresh_customer_figures.enqueue(
            job_centre_id=job_centre_id, customer_id=customer_id, since=since.isoformat()
        )
    )
