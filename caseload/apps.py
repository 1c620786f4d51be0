from django.apps import AppConfig


class CaseloadConfig(AppConfig):
    name = "caseload"
    verbose_name = "Fallbestand"

    def ready(self):
        from policies.signals import rules_changed

        from .tasks import recompute_job_centre

        def answer_rules_changed(sender, job_centre_id, **kwargs):
            # Never inside the admin's request: the recompute of a large job centre is a task.
            return recompute_job_centre.enqueue(job_centre_id)

        rules_changed.connect(answer_rules_changed, weak=False, dispatch_uid="caseload.recompute_after_rule_change")
