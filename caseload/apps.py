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

        from policies.whatif import impact_requested

        from .whatif import customers_to_preview, preview

        def answer_impact_requested(sender, proposal, limit=None, **kwargs):
            """The rule-set admin's "Auswirkungen prüfen"; None above `limit` open cases."""
            if limit is not None and customers_to_preview(proposal.job_centre_id) > limit:
                return None
            return preview(proposal)

        impact_requested.connect(answer_impact_requested, weak=False, dispatch_uid="caseload.preview_rule_change")
