"""Stored reasons leave the rule set's title and the rule's label and amounts to their rows."""

import json
from datetime import date
from types import SimpleNamespace

import pytest
from django.core.serializers.json import DjangoJSONEncoder

from caseload.duedates import refresh_due_date
from caseload.models import Customer
from policies import reasons
from policies import vocabulary as voc
from policies.loading import render_stored_reasons
from policies.models import ContactRule, RuleSet
from tests.caseload.factories import overdue_customer, world  # noqa: F401


@pytest.mark.django_db
def test_every_rule_of_the_fixture_reads_back_from_its_rows_as_stored_whole(policies):
    """What `to_stored` leaves out, `render_stored_reasons` reads from the rule set's and the
    rule's rows: the same text as the reasons stored whole (`reasons.plain`)."""
    customer = SimpleNamespace(
        employment="unemployed",
        profile="market",
        care="placement",
        integrated_employment=voc.INTEGRATED_EMPLOYMENT_CODES[0],
        flags=frozenset(),
    )
    facts = SimpleNamespace(u25=False, in_measure=False)
    by_key = {
        rule.key: (rule_set, position, rule)
        for centre in policies.values()
        for rule_set in centre.rule_sets
        for position, rule in enumerate(rule_set.rules, 1)
    }
    rows = list(ContactRule.objects.select_related("rule_set"))
    assert any(r.individual for r in rows) and any(r.window_amount for r in rows)
    for row in rows:
        rule_set, position, rule = by_key[row.pk]
        codes = [rule_set.head_reason, ("rule", position, rule, customer, facts)]
        stored = json.loads(json.dumps(reasons.to_stored(codes), cls=DjangoJSONEncoder))
        assert stored[0] == ["concept"] and len(stored[1]) == 3
        whole = [reasons.plain(code) for code in codes]
        assert render_stored_reasons(stored, row.rule_set, row) == reasons.render_all(whole)


def test_reasons_stored_whole_before_render_as_they_are():
    whole = [
        ["concept", "Konzept A", "2020-01-01"],
        ["rule", 2, "Marktprofil", [["profile", "market"]], [3, "months"], [6, "months"]],
        ["last_contact", "2026-10-04", "in_person"],
    ]
    assert reasons.render_stored(whole, None, None) == (
        "Konzept: Konzept A (gültig ab 01.01.2020)",
        reasons.render(whole[1]),
        "Letzter qualifizierter Kontakt am 04.10.2026 (persönlich).",
    )
    assert "Marktprofil" in reasons.render(whole[1])


def test_a_reason_whose_rule_or_rule_set_is_gone_says_so():
    stored = [["concept"], ["rule", 3, [["profile", "market"]]]]
    assert reasons.render_stored(stored, None, None) == (
        "Konzept: inzwischen gelöscht.",
        "Regel 3: inzwischen gelöscht.",
    )


@pytest.mark.django_db
def test_a_stored_decision_reads_its_rule_and_rule_set_as_they_are_now(world):
    """The customer page's reasons name the concept and rule from their rows: edited since (the
    page marks the due date stale until it is recomputed), they read as edited."""
    customer = overdue_customer(world.team_a, world.alice)
    refresh_due_date(customer)
    customer = Customer.objects.select_related("due_rule", "due_rule_set").get(pk=customer.pk)
    assert [r[0] for r in customer.due_reasons[:2]] == ["concept", "rule"] and len(customer.due_reasons[0]) == 1
    texts = customer.reason_texts
    assert texts[0].startswith(f"Konzept: {customer.due_rule_set.title} (gültig ab ")
    assert customer.due_rule.label in texts[1]
    ContactRule.objects.filter(pk=customer.due_rule_id).update(label="Neue Bezeichnung")
    RuleSet.objects.filter(pk=customer.due_rule_set_id).update(valid_from=date(2019, 2, 1))
    customer = Customer.objects.select_related("due_rule", "due_rule_set").get(pk=customer.pk)
    assert "Neue Bezeichnung" in customer.reason_texts[1] and "01.02.2019" in customer.reason_texts[0]
