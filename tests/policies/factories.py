"""Small builders for policy rows; each test states only what matters to it."""

from datetime import date

from policies.models import ContactRule, JobCentre, RuleSet


def make_job_centre(slug="coburg", **fields):
    fields = {"name": f"Jobcenter {slug.title()}", "federal_state": "BY", **fields}
    return JobCentre.objects.create(slug=slug, **fields)


def make_rule_set(job_centre=None, **fields):
    fields = {
        "title": "Kontaktdichtekonzept",
        "valid_from": date(2017, 1, 1),
        "qualifying_channels": ["in_person"],
        **fields,
    }
    return RuleSet.objects.create(job_centre=job_centre or make_job_centre(), **fields)


def make_rule(rule_set, label="Regel", **fields):
    fields = {
        "position": (rule_set.rules.count() + 1) * 10,
        "deadline_amount": 1,
        "deadline_unit": "months",
        **fields,
    }
    return ContactRule.objects.create(rule_set=rule_set, label=label, **fields)
