"""What would a rule change do? The preview's numbers worked by hand on a small Coburg caseload,
on 15.06.2026 (a Monday):

- A, team A: Ü25 unemployed market_close (2MM), registered 01.05.2026: due 01.07.2026
- B, team A: the same, registered 05.06.2026: due 05.08.2026
- C, team A: Ü25 unemployed market_far (3MM), registered 01.05.2026: due 01.08.2026
- D, team B: market_close, registered 01.03.2026: due 01.05.2026, overdue
- E, team B: U25 unemployed (1MM), registered 01.05.2026: due 01.06.2026, overdue
"""

from datetime import date, timedelta

import pytest

from caseload import duedates, whatif
from caseload.models import Customer
from policies import whatif as proposals
from policies.models import ContactRule, RuleSet

from .factories import job_centre, make_customer, make_team, world  # noqa: F401

TODAY = date(2026, 6, 15)
TWO_MM = "Ü25, arbeitslos, marktnah (2MM)"
THREE_MM = "Ü25, arbeitslos, nicht marktnah (3MM)"
U25 = "U25, arbeitslos (1MM)"


@pytest.fixture
def caseload(world):
    def customer(team, registered, **facts):
        return make_customer(team, today=TODAY, registered_on=registered, **facts)

    return {
        "A": customer(world.team_a, date(2026, 5, 1)),
        "B": customer(world.team_a, date(2026, 6, 5)),
        "C": customer(world.team_a, date(2026, 5, 1), profile="market_far"),
        "D": customer(world.team_b, date(2026, 3, 1)),
        "E": customer(world.team_b, date(2026, 5, 1), birth_date=date(2005, 1, 1)),
    }


def coburg_rules():
    rule_set = RuleSet.objects.get(job_centre__slug="coburg-land")
    return rule_set, list(rule_set.rules.all())


def tallies(impact):
    t = impact.total
    return (t.customers, t.earlier, t.later, t.unchanged, t.other, t.newly_overdue, t.no_longer_overdue)


def by_team(impact):
    return {team.team: (team.tally.earlier, team.tally.unchanged, team.tally.newly_overdue) for team in impact.teams}


def test_a_shorter_cycle_moves_due_dates_earlier_and_makes_one_overdue_at_once(caseload):
    rule_set, rules = coburg_rules()
    for rule in rules:
        if rule.code == "2MM":
            rule.deadline_amount = 1  # 2MM -> every month
    impact = whatif.preview(proposals.propose(rule_set, rules, today=TODAY), today=TODAY)
    # A: 01.07. -> 01.06. (overdue at once); B: 05.08. -> 05.07.; D: 01.05. -> 01.04. (overdue
    # already); C and E keep theirs.
    assert impact.on == TODAY
    assert tallies(impact) == (5, 3, 0, 2, 0, 1, 0)
    assert by_team(impact) == {"Team A": (2, 1, 1), "Team B": (1, 1, 0)}
    assert all(d.change == 0 for d in impact.rules)  # the same rules, only a shorter cycle
    assert {d.rule: d.before for d in impact.rules} == {TWO_MM: 3, THREE_MM: 1, U25: 1}


def test_a_new_rule_gains_customers_that_other_rules_lose_per_team(caseload):
    rule_set, rules = coburg_rules()
    new = ContactRule(
        rule_set=rule_set,
        position=35,
        label="Ü25 arbeitslos, enge Betreuung",
        code="1MM",
        age_band="ue25",
        employment=["unemployed"],
        profiles=["market_close", "market_far"],
        deadline_amount=1,
        deadline_unit="months",
    )
    impact = whatif.preview(proposals.propose(rule_set, [*rules, new], today=TODAY), today=TODAY)
    # A, B, C, D move to the new rule (due a month after registration); A (01.06.) and C
    # (01.06., was 01.08.) are overdue at once; E stays with U25.
    assert tallies(impact) == (5, 4, 0, 1, 0, 2, 0)
    deltas = {d.rule: (d.before, d.after, d.change) for d in impact.rules}
    assert deltas == {
        "Ü25 arbeitslos, enge Betreuung (1MM)": (0, 4, 4),
        TWO_MM: (3, 0, -3),
        THREE_MM: (1, 0, -1),
        U25: (1, 1, 0),
    }
    team_a = next(t for t in impact.teams if t.team == "Team A")
    assert {(a, b): n for (a, b), n in team_a.tally.moves.items()} == {
        (TWO_MM, "Ü25 arbeitslos, enge Betreuung (1MM)"): 2,
        (THREE_MM, "Ü25 arbeitslos, enge Betreuung (1MM)"): 1,
    }
    assert impact.rules[0].rule == "Ü25 arbeitslos, enge Betreuung (1MM)"  # the largest change first


def test_the_current_side_reads_the_stored_decisions_and_agrees_with_a_fresh_evaluation(caseload):
    rule_set, rules = coburg_rules()
    rules[3].deadline_amount = 1
    proposal = proposals.propose(rule_set, rules, today=TODAY)
    stored = whatif.preview(proposal, today=TODAY)
    fresh = whatif.preview(proposal, today=TODAY, use_stored=False)
    assert (stored.stored_used, fresh.stored_used) == (5, 0)
    assert tallies(stored) == tallies(fresh)
    assert [(d.rule, d.before, d.after) for d in stored.rules] == [(d.rule, d.before, d.after) for d in fresh.rules]


def test_a_stale_stored_decision_is_recomputed_for_the_comparison(caseload):
    Customer.objects.filter(pk=caseload["A"].pk).update(due_by=date(2030, 1, 1), recheck_on=TODAY)
    rule_set, rules = coburg_rules()
    impact = whatif.preview(proposals.propose(rule_set, rules, today=TODAY), today=TODAY)
    assert impact.stored_used == 4
    assert tallies(impact) == (5, 0, 0, 5, 0, 0, 0)  # unchanged rules change nothing


def test_a_new_version_ahead_is_compared_on_its_first_day(caseload):
    rule_set, rules = coburg_rules()
    version = RuleSet(
        **{f.attname: getattr(rule_set, f.attname) for f in RuleSet._meta.concrete_fields if not f.primary_key}
    )
    version.valid_from = TODAY + timedelta(days=20)  # 05.07.2026
    copies = [
        ContactRule(
            **{f.attname: getattr(r, f.attname) for f in ContactRule._meta.concrete_fields if not f.primary_key}
        )
        for r in rules
    ]
    for copy in copies:
        copy.rule_set_id = None
        if copy.code == "2MM":
            copy.deadline_amount = 1
    proposal = proposals.propose(version, copies, today=TODAY)
    assert proposal.on == date(2026, 7, 5)
    assert "ab 05.07.2026" in proposal.note
    impact = whatif.preview(proposal, today=TODAY)
    # The current rules' stored decisions hold until 05.07. (no recheck day before). On 05.07.:
    # A is overdue either way (01.07. / 01.06.), B is due that very day (05.08. -> 05.07.), not
    # overdue; D overdue either way; C and E unchanged.
    assert impact.stored_used == 5
    assert tallies(impact) == (5, 3, 0, 2, 0, 0, 0)


def test_continuing_an_ended_rule_set_gives_its_customers_rules_again(world):
    mg = job_centre("moenchengladbach")
    team = make_team(mg, "Markt")
    make_customer(team, today=TODAY, registered_on=TODAY - timedelta(days=100), profile="market")
    ended = RuleSet.objects.get(job_centre=mg)
    impact = whatif.preview(proposals.continuation(ended, valid_from=date(2017, 1, 1), today=TODAY), today=TODAY)
    # No rule set in force: no due date; continued: the first-contact deadline (10 working
    # days after registration) has long passed.
    assert tallies(impact) == (1, 0, 0, 0, 1, 1, 0)
    assert {d.rule: (d.before, d.after) for d in impact.rules} == {
        "(kein Konzept in Kraft)": (1, 0),
        "Marktprofil, Aktivierungsprofil": (0, 1),
    }


def test_an_added_rule_set_that_overlaps_a_later_one_is_refused(world):
    rule_set, rules = coburg_rules()
    earlier = RuleSet(job_centre=rule_set.job_centre, title="Älter", valid_from=date(2016, 1, 1))
    with pytest.raises(proposals.WhatIfError) as error:
        proposals.propose(earlier, [], today=TODAY)
    assert "überschneidet sich" in error.value.messages[0]


def test_closed_cases_are_left_out_and_nothing_is_written(caseload, world):
    from caseload import services

    services.close_case(customer=caseload["E"], by=world.alice.user, on=TODAY, today=TODAY)
    before = list(Customer.objects.order_by("pk").values_list("due_by", "due_computed_on", "policy_version"))
    rule_set, rules = coburg_rules()
    rules[3].deadline_amount = 1
    impact = whatif.preview(proposals.propose(rule_set, rules, today=TODAY), today=TODAY)
    assert impact.total.customers == 4
    assert list(Customer.objects.order_by("pk").values_list("due_by", "due_computed_on", "policy_version")) == before
    assert ContactRule.objects.get(pk=rules[3].pk).deadline_amount == 2


def test_the_preview_reads_in_chunks_with_a_fixed_number_of_queries(caseload, django_assert_num_queries):
    rule_set, rules = coburg_rules()
    proposal = proposals.propose(rule_set, rules, today=TODAY)
    duedates._policy_cache.clear()
    # the job centre, its policy (4: centres, closing days, rule sets, rules), the teams, the
    # ids; per chunk of two: customers, measures, suspensions, notes (3 chunks)
    with django_assert_num_queries(7 + 3 * 4):
        whatif.preview(proposal, today=TODAY, chunk_size=2)


def test_the_report_as_json_holds_counts_only(caseload):
    rule_set, rules = coburg_rules()
    rules[3].deadline_amount = 1
    data = whatif.preview(proposals.propose(rule_set, rules, today=TODAY), today=TODAY).as_json()
    assert data["total"]["newly_overdue"] == 1 and data["on"] == "2026-06-15"
    text = str(data)
    for customer in caseload.values():
        assert customer.number not in text and customer.last_name not in text


def test_a_proposal_survives_the_file_for_the_command(caseload):
    rule_set, rules = coburg_rules()
    rules[3].deadline_amount = 1
    row, loaded = proposals.load(proposals.dump(rule_set, rules))
    assert row.pk == rule_set.pk and [r.deadline_amount for r in loaded if r.code == "2MM"] == [1]
    impact = whatif.preview(proposals.propose(row, loaded, today=TODAY), today=TODAY)
    assert tallies(impact) == (5, 3, 0, 2, 0, 1, 0)


def test_chunks_add_up_to_the_same_report(caseload):
    rule_set, rules = coburg_rules()
    rules[3].deadline_amount = 1
    proposal = proposals.propose(rule_set, rules, today=TODAY)
    one = whatif.preview(proposal, today=TODAY, chunk_size=1)
    all_at_once = whatif.preview(proposal, today=TODAY, chunk_size=100, workers=2)  # SQLite: in-process
    assert tallies(one) == tallies(all_at_once) == (5, 3, 0, 2, 0, 1, 0)
    assert [(t.team, tallies_of(t.tally), t.rules) for t in one.teams] == [
        (t.team, tallies_of(t.tally), t.rules) for t in all_at_once.teams
    ]


def tallies_of(t):
    return (t.customers, t.earlier, t.later, t.unchanged, t.other, t.newly_overdue, t.no_longer_overdue, dict(t.moves))
