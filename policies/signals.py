"""Every change to what the engine reads of a job centre raises its `policy_version`.

Stored due dates carry the version they were computed under, so a page can say when a due date
was computed under rules that have since changed, and `recompute_due --due-only` finds them.
The receivers below catch every save and delete of a rule set, a rule or a closing day, from the
admin, the shell or a data migration alike (a job centre's federal state is changed only in the
admin, which bumps the version itself); fixtures loaded raw (`loaddata`) are new data, not a
change, and are left alone.

`rules_changed` is sent by the admin once a change is committed; the caseload app answers it by
bringing the job centre's stored due dates up to date.
"""

from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from .models import ClosingDay, ContactRule, JobCentre, RuleSet

# kwargs: job_centre_id. Receivers return what they did (for the admin's message) or None.
rules_changed = Signal()


def bump_policy_version(job_centre_id: int) -> None:
    """Mark every stored due date of the job centre as computed under an older rule set."""
    JobCentre.objects.filter(pk=job_centre_id).update(policy_version=F("policy_version") + 1)


def _job_centre_id(instance) -> int | None:
    if isinstance(instance, ContactRule):
        return (
            RuleSet.objects.filter(pk=instance.rule_set_id).values_list("job_centre_id", flat=True).first()
            if instance.rule_set_id
            else None
        )
    return instance.job_centre_id


@receiver(post_save, sender=RuleSet)
@receiver(post_save, sender=ContactRule)
@receiver(post_save, sender=ClosingDay)
@receiver(post_delete, sender=RuleSet)
@receiver(post_delete, sender=ContactRule)
@receiver(post_delete, sender=ClosingDay)
def rules_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    job_centre_id = _job_centre_id(instance)
    if job_centre_id:
        bump_policy_version(job_centre_id)
