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
