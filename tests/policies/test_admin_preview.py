"""„Auswirkungen prüfen" in the rule-set admin: the posted form is validated as for saving,
nothing is saved, the page returns with the same data and the impact; "Sichern" then saves it."""

import json
from datetime import date

import pytest
from django.contrib.admin.models import LogEntry
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from caseload.models import Customer
from policies import whatif
from policies.models import ContactRule, JobCentre, RuleSet

from ..caseload.factories import make_customer, world  # noqa: F401
from .test_admin import change_url, form_data, rule_prefix


@pytest.fixture
def admin_client(client, world):
    client.force_login(world.admin)
    return client


@pytest.fixture
def coburg_set(world):
    today = timezone.localdate()
    # Overdue under a one-month cycle, not under two: registered six weeks ago.
    make_customer(world.team_a, registered_on=today - timezone.timedelta(days=45))
    make_customer(world.team_b, registered_on=today - timezone.timedelta(days=5))
    return RuleSet.objects.get(job_centre=world.coburg)


def _shorter_two_mm(admin_client, rule_set):
    data = form_data(admin_client.get(change_url(rule_set)))
    data[f"{rule_prefix(rule_set, 'Ü25, arbeitslos, marktnah')}-deadline_amount"] = "1"
    return data


def test_the_change_page_offers_the_button(admin_client, coburg_set):
    assert 'name="_preview" value="Auswirkungen prüfen"' in admin_client.get(change_url(coburg_set)).content.decode()


def test_previewing_shows_the_impact_and_saves_nothing(admin_client, world, coburg_set):
    data = _shorter_two_mm(admin_client, coburg_set)
    version = JobCentre.objects.get(pk=world.coburg.pk).policy_version
    logs, history = LogEntry.objects.count(), ContactRule.history.count()
    response = admin_client.post(change_url(coburg_set), {**data, "_preview": "Auswirkungen prüfen"})
    assert response.status_code == 200
    impact = response.context["rule_preview"]["impact"]
    assert (impact.total.customers, impact.total.earlier, impact.total.newly_overdue) == (2, 2, 1)
    page = response.content.decode()
    assert "Nichts ist gespeichert" in page and "Team A" in page and "Team B" in page
    # The form comes back with what was posted, ready to be saved as it is.
    assert response.context["inline_admin_formsets"][0].formset.is_bound
    assert f'name="{rule_prefix(coburg_set, "Ü25, arbeitslos, marktnah")}-deadline_amount" value="1"' in page
    assert ContactRule.objects.get(rule_set=coburg_set, code="2MM").deadline_amount == 2
    assert JobCentre.objects.get(pk=world.coburg.pk).policy_version == version
    assert (LogEntry.objects.count(), ContactRule.history.count()) == (logs, history)


def test_saving_after_the_preview_saves_what_was_previewed(admin_client, coburg_set):
    data = _shorter_two_mm(admin_client, coburg_set)
    admin_client.post(change_url(coburg_set), {**data, "_preview": "Auswirkungen prüfen"})
    response = admin_client.post(change_url(coburg_set), {**data, "_save": "Sichern"})
    assert response.status_code == 302
    assert ContactRule.objects.get(rule_set=coburg_set, code="2MM").deadline_amount == 1


def test_invalid_input_is_refused_as_when_saving(admin_client, coburg_set):
    data = _shorter_two_mm(admin_client, coburg_set)
    data["valid_until"] = "2000-01-01"
    response = admin_client.post(change_url(coburg_set), {**data, "_preview": "Auswirkungen prüfen"})
    assert response.status_code == 200
    assert "rule_preview" not in response.context
    assert "„gültig bis“ darf nicht vor „gültig ab“ liegen." in response.content.decode()


@override_settings(RULE_PREVIEW_LIMIT=1)
def test_a_large_job_centre_is_sent_to_the_command_with_the_proposal_as_a_file(admin_client, coburg_set):
    data = _shorter_two_mm(admin_client, coburg_set)
    response = admin_client.post(change_url(coburg_set), {**data, "_preview": "Auswirkungen prüfen"})
    page = response.content.decode()
    assert "preview_rule_change --rules konzept-vorschlag.json" in page
    assert 'name="_preview_file"' in page
    download = admin_client.post(change_url(coburg_set), {**data, "_preview_file": "Als Datei herunterladen"})
    assert download["Content-Disposition"] == 'attachment; filename="konzept-vorschlag.json"'
    row, rules = whatif.load(download.content.decode())
    assert row.pk == coburg_set.pk
    assert [r.deadline_amount for r in rules if r.code == "2MM"] == [1]
    assert json.loads(download.content)[0]["model"] == "policies.ruleset"


def test_a_new_version_is_previewed_before_it_is_continued(admin_client, world, coburg_set):
    url = reverse("admin:policies_ruleset_clone", args=[coburg_set.pk])
    count = RuleSet.objects.count()
    response = admin_client.post(
        url, {"valid_from": "2027-01-01", "title": "Coburg 2027", "reference": "", "_preview": "Auswirkungen prüfen"}
    )
    assert response.status_code == 200
    impact = response.context["rule_preview"]["impact"]
    assert impact.on == max(date(2027, 1, 1), timezone.localdate())
    assert impact.total.customers == 2
    assert RuleSet.objects.count() == count
    assert "Neue Version anlegen" in response.content.decode()
    assert Customer.objects.filter(policy_version=JobCentre.objects.get(pk=world.coburg.pk).policy_version).count() == 2
