"""Per-process memory of what pages read on every request but changes only with the rules.

Keyed by the job centre's `policy_version`, which every change to its rule sets, rules and
closing days raises in the same transaction (policies.signals): a page that has just loaded the
job centre (with its version) never gets an answer from before a committed change, in this
process or any other. Every save or delete of a job centre, rule set or rule also empties the
memory of the process it happens in, so rows loaded raw (fixtures, where the version does not
move) or ids reused after a rolled-back test transaction cannot bring back an old answer there.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from .models import ContactRule, JobCentre, RuleSet

_MAX_ENTRIES = 512
_codes: dict[tuple[int, int], tuple[str, ...]] = {}


def rule_codes(job_centre: JobCentre) -> tuple[str, ...]:
    """The codes the job centre's rules use (any rule set), sorted; empty for Weimarer Land."""
    key = (job_centre.pk, job_centre.policy_version)
    codes = _codes.get(key)
    if codes is None:
        codes = tuple(
            ContactRule.objects.filter(rule_set__job_centre_id=job_centre.pk)
            .exclude(code="")
            .order_by("code")
            .values_list("code", flat=True)
            .distinct()
        )
        if len(_codes) >= _MAX_ENTRIES:
            _codes.clear()
        _codes[key] = codes
    return codes


def forget(**kwargs) -> None:
    _codes.clear()


for _model in (JobCentre, RuleSet, ContactRule):
    post_save.connect(forget, sender=_model, dispatch_uid=f"lookups-save-{_model.__name__}")
    post_delete.connect(forget, sender=_model, dispatch_uid=f"lookups-delete-{_model.__name__}")
