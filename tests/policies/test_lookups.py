"""policies.lookups: the rule codes a page shows, remembered per job centre and policy version."""

import pytest

from policies import lookups
from policies.models import ContactRule, JobCentre, RuleSet
from policies.signals import bump_policy_version


def _fresh(slug):
    return JobCentre.objects.get(slug=slug)


def test_the_codes_are_the_rules_codes_sorted_and_asked_for_once(rulesets, django_assert_num_queries):
    coburg = _fresh("coburg-land")
    expected = sorted(
        set(ContactRule.objects.filter(rule_set__job_centre=coburg).exclude(code="").values_list("code", flat=True))
    )
    assert expected  # Coburg's rules carry codes (2MM, 3MM, ...)
    assert lookups.rule_codes(coburg) == tuple(expected)
    reloaded = _fresh("coburg-land")
    with django_assert_num_queries(0):
        assert lookups.rule_codes(reloaded) == tuple(expected)


def test_weimarer_land_has_no_codes(rulesets):
    assert lookups.rule_codes(_fresh("weimarer-land")) == ()


def test_a_rule_saved_anywhere_shows_once_the_page_loads_the_new_version(rulesets):
    coburg = _fresh("coburg-land")
    before = lookups.rule_codes(coburg)
    rule_set = RuleSet.objects.filter(job_centre=coburg).order_by("-valid_from").first()
    # As another process would: no signal reaches this process's memory, only the new version.
    ContactRule.objects.bulk_create(
        [
            ContactRule(
                rule_set=rule_set, label="Neu", code="9ZZ", position=99, deadline_amount=1, deadline_unit="months"
            )
        ]
    )
    bump_policy_version(coburg.pk)
    assert lookups.rule_codes(coburg) == before  # the page still holding the old version
    assert lookups.rule_codes(_fresh("coburg-land")) == (*before, "9ZZ")


@pytest.mark.parametrize("change", ["save", "delete"])
def test_saving_or_deleting_a_rule_here_forgets_at_once(rulesets, change):
    coburg = _fresh("coburg-land")
    lookups.rule_codes(coburg)
    rule = ContactRule.objects.filter(rule_set__job_centre=coburg).exclude(code="").order_by("code").first()
    if change == "save":
        rule.code = "0AA"
        rule.save()
    else:
        rule.delete()
    assert lookups._codes == {}
