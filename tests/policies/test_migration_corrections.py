"""The data migration policies 0004 brings existing databases the corrections of 29.11.2026.

An existing database holds the rule sets as the old fixture had them: Mönchengladbach's U25 rule
before case management, both bound by the first-contact deadline; Weimarer Land counting video;
Coburg Land without scheduling settings. The migration changes only what is still as the old
fixture had it, writes a history row with the reason for every change, and marks the job
centres' stored due dates as computed under older rules.
"""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from policies.models import ContactRule, JobCentre, RuleSet

pytestmark = pytest.mark.slow  # migrates the test database back and forth

BEFORE = [("policies", "0003_rule_settings")]
AFTER = [("policies", "0004_seed_corrections")]
MG_U25 = "Vermittlung U25 (monatlich)"
MG_FM = "Fallmanagement (größtmögliche Individualisierung)"
OLD_WEIMAR_CHANNELS = ["in_person", "phone", "email", "video", "group"]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)


@pytest.fixture
def old_fixture(transactional_db):
    """The database as the old fixture left it, just before the data migration. The fixture is
    today's (it names fields that later migrations add), so it is loaded first and the schema
    then taken back; whatever happens, the schema goes forward again at the end."""
    call_command("loaddata", "rulesets", verbosity=0)
    try:
        yield from _old_fixture()
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def _old_fixture():
    migrate(BEFORE)
    ContactRule.objects.filter(rule_set__job_centre__slug="moenchengladbach", label=MG_U25).update(
        position=10, first_contact_exempt=False
    )
    ContactRule.objects.filter(rule_set__job_centre__slug="moenchengladbach", label=MG_FM).update(
        position=20, first_contact_exempt=False
    )
    RuleSet.objects.filter(job_centre__slug="weimarer-land").update(qualifying_channels=OLD_WEIMAR_CHANNELS)
    RuleSet.objects.filter(job_centre__slug="coburg-land").update(
        bookable_channels=["in_person", "phone", "video", "group"],
        office_hours_only=False,
        letters_name_opening_hours=False,
        immediate_placement_excluded=False,
    )
    yield


def after(model_name: str):
    """The model as it stands after the data migration (today's models know later columns)."""
    return MigrationExecutor(connection).loader.project_state(AFTER).apps.get_model("policies", model_name)


def rule_set(slug):
    return after("RuleSet").objects.get(job_centre__slug=slug)


def corrected(rule_set, reason):
    return after("HistoricalRuleSet").objects.filter(id=rule_set.pk, history_change_reason=reason)


def versions():
    return dict(JobCentre.objects.values_list("slug", "policy_version"))


def mg_rule(label):
    return ContactRule.objects.get(rule_set__job_centre__slug="moenchengladbach", label=label)


def test_it_puts_case_management_before_u25_and_exempts_both(old_fixture):
    before = versions()
    migrate(AFTER)

    fm, u25 = mg_rule(MG_FM), mg_rule(MG_U25)
    assert (fm.position, u25.position) == (10, 20)
    assert fm.first_contact_exempt and u25.first_contact_exempt
    assert (
        not ContactRule.objects.filter(rule_set__job_centre__slug="moenchengladbach", first_contact_exempt=True)
        .exclude(pk__in=[fm.pk, u25.pk])
        .exists()
    )
    reasons = set(fm.history.values_list("history_change_reason", flat=True))
    assert "Korrektur 29.11.2026: Fallmanagement vor U25, ohne Erstkontakt-Frist" in reasons
    assert versions()["moenchengladbach"] == before["moenchengladbach"] + 1


def test_it_takes_video_out_of_weimarer_lands_qualified_channels(old_fixture):
    before = versions()
    migrate(AFTER)

    weimar = rule_set("weimarer-land")
    assert weimar.qualifying_channels == ["in_person", "phone", "email", "group"]
    assert corrected(weimar, "Korrektur 29.11.2026: Video zählt nicht als qualifizierter Kontakt").exists()
    assert versions()["weimarer-land"] == before["weimarer-land"] + 1


def test_it_gives_coburg_land_its_scheduling_settings(old_fixture):
    migrate(AFTER)

    coburg = rule_set("coburg-land")
    assert coburg.bookable_channels == ["in_person", "group"]
    assert (coburg.office_hours_only, coburg.letters_name_opening_hours, coburg.immediate_placement_excluded) == (
        True,
        True,
        True,
    )


def test_it_leaves_an_admins_own_edits_alone(old_fixture):
    ContactRule.objects.filter(pk=mg_rule(MG_U25).pk).update(position=5)
    RuleSet.objects.filter(job_centre__slug="weimarer-land").update(qualifying_channels=["in_person", "video"])
    before = versions()

    migrate(AFTER)

    assert (mg_rule(MG_U25).position, mg_rule(MG_FM).position) == (5, 20)
    weimar = rule_set("weimarer-land")
    assert weimar.qualifying_channels == ["in_person", "video"]
    assert (
        not after("HistoricalRuleSet")
        .objects.filter(id=weimar.pk, history_change_reason__startswith="Korrektur")
        .exists()
    )
    assert versions()["weimarer-land"] == before["weimarer-land"]


def test_a_renamed_rule_is_not_taken_for_the_fixtures(old_fixture):
    ContactRule.objects.filter(pk=mg_rule(MG_U25).pk).update(label="U25 (eigene Regel)")

    migrate(AFTER)

    assert mg_rule(MG_FM).position == 20
    assert not mg_rule(MG_FM).first_contact_exempt
