from django.apps import AppConfig


class CaseloadConfig(AppConfig):
    name = "caseload"
    verbose_name = "Fallbestand"

    def ready(self):
        from policies.signals import rules_changed

        from .duedates import refresh_after_rule_change

        def answer_rules_changed(sender, job_centre_id, **kwargs):
            return refresh_after_rule_change(job_centre_id)

        rules_changed.connect(answer_rules_changed, weak=False, dispatch_uid="caseload.refresh_after_rule_change")

        from policies.whatif import impact_requested

        from .whatif import customers_to_preview, preview

        def answer_impact_requested(sender, proposal, limit=None, **kwargs):
            """The rule-set admin's "Auswirkungen prüfen"; None above `limit` open cases."""
            if limit is not None and customers_to_preview(proposal.job_centre_id) > limit:
                return None
            return preview(proposal)

        impact_requested.connect(answer_impact_requested, weak=False, dispatch_uid="caseload.preview_rule_change")
