from django.apps import AppConfig
from django.db import transaction
from django.db.models.signals import post_save


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Berichte"

    def ready(self):
        from caseload.models import Customer
        from caseload.signals import history_changed

        history_changed.connect(refresh_stored_figures, dispatch_uid="reports.refresh_stored_figures")
        post_save.connect(follow_assignment, sender=Customer, dispatch_uid="reports.follow_assignment")


def refresh_stored_figures(sender, *, job_centre_id, customer_id, since, **kwargs):
    """A back-dated change: once it is committed, write the customer's stored month figures
    again from that month on (a background task)."""
    from .tasks import refresh_customer_figures

    transaction.on_commit(
        lambda: refresh_customer_figures.enqueue(
            job_centre_id=job_centre_id, customer_id=customer_id, since=since.isoformat()
        )
    )


ASSIGNMENT_FIELDS = {"team", "team_id", "caseworker", "caseworker_id"}


def follow_assignment(sender, instance, created, update_fields=None, **kwargs):
    """A customer saved (every write goes through `save`: the services, the import, the admin)
    takes their stored month figures along to their team and caseworker: two UPDATEs (the month
    figures, the walk-ins), of no rows unless the customer moved; none for a save that names its
    fields and neither of those."""
    if created or (update_fields is not None and not ASSIGNMENT_FIELDS & set(update_fields)):
        return
    from .models import CustomerMonth, WalkInMonth

    scope = {"job_centre_id": instance.job_centre_id, "customer_id": instance.pk}
    # exclude() reads caseworker_id=None as IS NULL.
    CustomerMonth.objects.filter(**scope).exclude(
        team_id=instance.team_id, caseworker_id=instance.caseworker_id
    ).update(team_id=instance.team_id, caseworker_id=instance.caseworker_id)
    WalkInMonth.objects.filter(**scope).exclude(team_id=instance.team_id).update(team_id=instance.team_id)
