from datetime import date

import pytest
from django.contrib.auth import get_user_model

from policies.cloning import CloneError, clone_rule_set
from policies.models import ContactRule, RuleSet

from .factories import make_job_centre, make_rule, make_rule_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def weimar():
    rule_set = make_rule_set(
        make_job_centre("weimar", federal_state="TH"),
        title="Weimar 2017",
        reference="W-1",
        valid_from=date(2017, 8, 15),
        source_text="Wortlaut der Weisung",
        qualifying_channels=["in_person", "phone", "email"],
        first_contact_max_days=15,
        follow_up_required=True,
        checklist_required=True,
        graduate_management=True,
    )
    make_rule(
        rule_set,
        "Flucht",
        position=10,
        flags=["refugee"],
        employment=["unemployed"],
        deadline_amount=2,
        deadline_unit="weeks",
    )
    make_rule(
        rule_set,
        "IH selbständig",
        position=20,
        profiles=["integrated_needy"],
        integrated_employment=["self_employed"],
        deadline_amount=3,
    )
    make_rule(
        rule_set, "Z", position=5, profiles=["not_required"], individual=True, deadline_amount=None, deadline_unit=""
    )
    return rule_set


def rule_rows(rule_set):
    return list(
        rule_set.rules.order_by("position", "id").values(
            "position",
            "label",
            "code",
            "flags",
            "employment",
            "profiles",
            "integrated_employment",
            "individual",
            "deadline_amount",
            "deadline_unit",
        )
    )


def test_it_copies_settings_source_text_and_rules_in_order(weimar):
    new = clone_rule_set(weimar, valid_from=date(2026, 1, 1))

    assert new.pk != weimar.pk
    assert (new.title, new.reference, new.source_text) == ("Weimar 2017", "W-1", "Wortlaut der Weisung")
    assert new.qualifying_channels == ["in_person", "phone", "email"]
    assert (new.first_contact_max_days, new.follow_up_required, new.checklist_required, new.graduate_management) == (
        15,
        True,
        True,
        True,
    )
    assert rule_rows(new) == rule_rows(weimar)
    assert weimar.rules.count() == 3


def test_it_ends_an_open_ended_rule_set_the_day_before(weimar):
    new = clone_rule_set(weimar, valid_from=date(2026, 1, 1), title="Weimar 2026", reference="W-2")

    weimar.refresh_from_db()
    assert weimar.valid_until == date(2025, 12, 31)
    assert (new.title, new.reference, new.valid_from, new.valid_until) == ("Weimar 2026", "W-2", date(2026, 1, 1), None)


def test_the_new_version_takes_over_a_later_end_date():
    old = make_rule_set(valid_from=date(2020, 1, 1), valid_until=date(2027, 12, 31))

    new = clone_rule_set(old, valid_from=date(2026, 4, 1))

    old.refresh_from_db()
    assert old.valid_until == date(2026, 3, 31)
    assert new.valid_until == date(2027, 12, 31)


def test_a_rule_set_that_ended_before_the_new_start_stays_untouched():
    old = make_rule_set(valid_from=date(2012, 3, 1), valid_until=date(2016, 12, 31))

    new = clone_rule_set(old, valid_from=date(2026, 1, 1))

    old.refresh_from_db()
    assert old.valid_until == date(2016, 12, 31)
    assert (new.valid_from, new.valid_until) == (date(2026, 1, 1), None)


@pytest.mark.parametrize("start", [date(2017, 8, 15), date(2017, 1, 1)])
def test_the_new_start_must_be_after_the_old_start(weimar, start):
    with pytest.raises(CloneError, match="nach dem Beginn des bisherigen Konzepts"):
        clone_rule_set(weimar, valid_from=start)
    assert RuleSet.objects.count() == 1


def test_it_refuses_an_overlap_with_another_rule_set():
    centre = make_job_centre("mg", federal_state="NW")
    old = make_rule_set(centre, valid_from=date(2012, 3, 1), valid_until=date(2016, 12, 31))
    make_rule_set(centre, title="Nachfolger", valid_from=date(2017, 1, 1))

    with pytest.raises(CloneError, match="überschneidet sich mit „Nachfolger“"):
        clone_rule_set(old, valid_from=date(2026, 1, 1))
    assert RuleSet.objects.count() == 2


def test_a_refused_clone_leaves_the_old_rule_set_as_it_was(weimar):
    # Data from before the admin's checks: no channel counts, which the new copy may not keep.
    RuleSet.objects.filter(pk=weimar.pk).update(qualifying_channels=[])

    with pytest.raises(CloneError, match="Mindestens eine Kontaktart"):
        clone_rule_set(weimar, valid_from=date(2026, 1, 1))

    weimar.refresh_from_db()
    assert weimar.valid_until is None
    assert RuleSet.objects.count() == 1
    assert ContactRule.objects.count() == 3


def test_history_names_the_user_and_the_reason(weimar):
    user = get_user_model().objects.create_user("fachadmin")

    new = clone_rule_set(weimar, valid_from=date(2026, 1, 1), by=user)

    assert {r.history_user for r in new.history.all()} == {user}
    assert {r.history_user for r in ContactRule.history.filter(rule_set_id=new.pk)} == {user}
    ended = weimar.history.latest("history_date")
    assert ended.history_user == user
    assert ended.history_change_reason == "Beendet durch Fortschreibung ab 01.01.2026"
    assert new.history.get().history_change_reason == (
        f"Fortgeschrieben aus dem Konzept ab 15.08.2017 (Nr. {weimar.pk})"
    )
