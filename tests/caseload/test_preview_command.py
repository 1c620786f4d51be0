"""`manage.py preview_rule_change`: the admin's preview for large job centres, as a command."""

import json
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from policies import whatif
from policies.models import RuleSet

from .factories import job_centre, make_customer, make_team, world  # noqa: F401

TODAY = date(2026, 6, 15)


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("preview_rule_change", *args, "--today", TODAY.isoformat(), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_previews_a_file_from_the_admin_and_prints_the_rate(world, tmp_path):
    make_customer(world.team_a, today=TODAY, registered_on=date(2026, 5, 1))
    rule_set = RuleSet.objects.get(job_centre=world.coburg)
    rules = list(rule_set.rules.all())
    for rule in rules:
        if rule.code == "2MM":
            rule.deadline_amount = 1
    path = tmp_path / "konzept-vorschlag.json"
    path.write_text(whatif.dump(rule_set, rules), encoding="utf-8")
    out, _ = run("--rules", str(path))
    assert "Jobcenter Coburg Land, Stichtag 15.06.2026: 1 offene Fälle." in out
    assert "Sofort überfällig: 1; nicht mehr überfällig: 0." in out
    assert "Fälle/s); nichts gespeichert." in out
    assert RuleSet.objects.get(pk=rule_set.pk).rules.get(code="2MM").deadline_amount == 2


def test_it_previews_a_continuation_and_writes_the_report_as_json(world, tmp_path):
    mg = job_centre("moenchengladbach")
    make_customer(make_team(mg, "Markt"), today=TODAY, registered_on=TODAY - timedelta(days=100), profile="market")
    report = tmp_path / "bericht.json"
    out, _ = run(
        "--continue", str(RuleSet.objects.get(job_centre=mg).pk), "--valid-from", "2017-01-01", "--json", str(report)
    )
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["total"]["newly_overdue"] == 1 and data["total"]["other"] == 1
    assert {r["rule"]: r["change"] for r in data["rules"]} == {
        "(kein Konzept in Kraft)": -1,
        "Marktprofil, Aktivierungsprofil": 1,
    }
    assert "Bericht geschrieben" in out


def test_json_to_standard_output_keeps_the_text_on_standard_error(world):
    mg = job_centre("moenchengladbach")
    out, err = run(
        "--continue", str(RuleSet.objects.get(job_centre=mg).pk), "--valid-from", "2017-01-01", "--json", "-"
    )
    assert json.loads(out)["job_centre"] == "Jobcenter Mönchengladbach"
    assert "Stichtag" in err


def test_it_says_what_is_wrong_in_german(world, tmp_path):
    with pytest.raises(CommandError, match="nicht gefunden"):
        run("--rules", str(tmp_path / "fehlt.json"))
    bad = tmp_path / "kaputt.json"
    bad.write_text("[{", encoding="utf-8")
    with pytest.raises(CommandError, match="lässt sich nicht lesen"):
        run("--rules", str(bad))
    with pytest.raises(CommandError, match="--valid-from"):
        run("--continue", "1")
    with pytest.raises(CommandError, match="nach dem Beginn"):
        run("--continue", str(RuleSet.objects.get(job_centre=world.coburg).pk), "--valid-from", "2010-01-01")
