import re
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.forms import CheckboxInput, MultipleChoiceField
from django.urls import reverse

from policies.admin import RuleSetAdmin
from policies.models import ContactRule, RuleSet

from .factories import make_job_centre, make_rule, make_rule_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    return get_user_model().objects.create_superuser("fachadmin", "fa@example.org", "x")


@pytest.fixture
def admin(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def coburg():
    rule_set = make_rule_set(title="Coburg 2017", reference="II-50")
    make_rule(rule_set, "bFM", care=["case_management"], code="1MM")
    make_rule(rule_set, "U25 arbeitslos", age_band="u25", employment=["unemployed"], code="1MM")
    make_rule(rule_set, "Maßnahme", in_measure=True, deadline_amount=3, code="3MM")
    return rule_set


def change_url(rule_set):
    return reverse("admin:policies_ruleset_change", args=[rule_set.pk])


def form_data(response):
    """The POST body an unchanged submit of the admin page would send."""
    data = {}

    def add(form):
        for bound in form:
            value = bound.value()
            if isinstance(bound.field.widget, CheckboxInput):
                if value:
                    data[bound.html_name] = "on"
            elif isinstance(bound.field, MultipleChoiceField):
                data[bound.html_name] = [str(v) for v in value or []]
            else:
                data[bound.html_name] = "" if value is None else str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        add(inline.formset.management_form)
        for form in inline.formset.forms:
            add(form)
    return data


def checked(html, name):
    """The values of the checked checkboxes called `name` in a rendered page."""
    inputs = re.findall(rf'<input type="checkbox" name="{name}"[^>]*>', html)
    return [re.search(r'value="([^"]*)"', tag).group(1) for tag in inputs if " checked" in tag]


def rule_prefix(rule_set, label):
    """The inline form prefix of the rule with `label` (forms follow the position order)."""
    labels = list(rule_set.rules.order_by("position", "id").values_list("label", flat=True))
    return f"rules-{labels.index(label)}"


def test_changelists_and_change_pages_render(admin, coburg):
    assert admin.get(reverse("admin:policies_jobcentre_changelist")).status_code == 200
    centre_url = reverse("admin:policies_jobcentre_change", args=[coburg.job_centre.pk])
    assert admin.get(centre_url).status_code == 200
    changelist = admin.get(reverse("admin:policies_ruleset_changelist"))
    assert changelist.status_code == 200
    assert "Coburg 2017" in changelist.content.decode()
    page = admin.get(change_url(coburg))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Als neue Version fortschreiben" in html
    assert "Änderungsverlauf" in html
    assert "keine auswahl = egal" in html.lower()


def test_the_rule_inline_uses_the_prefix_rules(admin):
    page = admin.get(reverse("admin:policies_ruleset_add"))
    assert page.status_code == 200
    assert [inline.formset.prefix for inline in page.context["inline_admin_formsets"]] == ["rules"]


def test_every_editable_rule_set_field_is_in_a_fieldset():
    listed = set()
    for _, options in RuleSetAdmin.fieldsets:
        for entry in options["fields"]:
            listed.update(entry if isinstance(entry, tuple) else [entry])
    editable = {f.name for f in RuleSet._meta.concrete_fields if f.editable and not f.primary_key}
    assert listed == editable


def test_code_lists_round_trip_through_checkboxes(admin):
    centre = make_job_centre()
    response = admin.post(
        reverse("admin:policies_ruleset_add"),
        {
            "job_centre": centre.pk,
            "title": "Neu",
            "reference": "",
            "valid_from": "01.01.2020",
            "valid_until": "",
            "source_text": "",
            "qualifying_channels": ["in_person", "video"],
            "preparation_minutes": "0",
            "graduate_days_before_end": "90",
            "graduate_follow_up_working_days": "15",
            "employer_service_lead_months": "1",
            "bookable_channels": ["in_person", "group"],
            "invitation_lead_working_days": "3",
            "rules-TOTAL_FORMS": "1",
            "rules-INITIAL_FORMS": "0",
            "rules-MIN_NUM_FORMS": "0",
            "rules-MAX_NUM_FORMS": "1000",
            "rules-0-position": "10",
            "rules-0-label": "Geflüchtete",
            "rules-0-code": "",
            "rules-0-employment": ["unemployed", "jobseeking"],
            "rules-0-flags": ["refugee", "limited_german"],
            "rules-0-profiles": ["market_close"],
            "rules-0-care": [],
            "rules-0-in_measure": "unknown",
            "rules-0-deadline_amount": "2",
            "rules-0-deadline_unit": "weeks",
        },
    )
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    rule_set = RuleSet.objects.get(title="Neu")
    assert rule_set.qualifying_channels == ["in_person", "video"]
    rule = rule_set.rules.get()
    assert (rule.employment, rule.flags, rule.profiles, rule.care) == (
        ["unemployed", "jobseeking"],
        ["refugee", "limited_german"],
        ["market_close"],
        [],
    )
    assert rule.in_measure is None

    page = admin.get(change_url(rule_set))
    html = page.content.decode()
    assert checked(html, "rules-0-flags") == ["refugee", "limited_german"]
    assert checked(html, "qualifying_channels") == ["in_person", "video"]
    data = form_data(page)
    assert data["qualifying_channels"] == ["in_person", "video"]
    assert data["rules-0-flags"] == ["refugee", "limited_german"]
    data["rules-0-flags"] = ["refugee"]
    assert admin.post(change_url(rule_set), data).status_code == 302
    rule.refresh_from_db()
    assert rule.flags == ["refugee"]
    assert rule.employment == ["unemployed", "jobseeking"]


def test_an_unchanged_submit_records_no_rule_changes(admin, coburg):
    before = ContactRule.history.count()
    assert admin.post(change_url(coburg), form_data(admin.get(change_url(coburg)))).status_code == 302
    assert ContactRule.history.count() == before


def test_it_refuses_overlapping_rule_sets_and_saves_nothing(admin, coburg):
    older = make_rule_set(coburg.job_centre, title="Alt", valid_from=date(2012, 3, 1), valid_until=date(2016, 12, 31))
    data = form_data(admin.get(change_url(older)))
    data["valid_until"] = "2017-06-30"
    data["title"] = "Alt, verlängert"

    response = admin.post(change_url(older), data)

    assert response.status_code == 200
    assert "überschneidet sich mit „Coburg 2017“" in response.content.decode()
    older.refresh_from_db()
    assert (older.title, older.valid_until) == ("Alt", date(2016, 12, 31))


def test_it_refuses_a_window_longer_than_the_deadline_and_saves_nothing(admin, coburg):
    data = form_data(admin.get(change_url(coburg)))
    prefix = rule_prefix(coburg, "Maßnahme")
    data.update({f"{prefix}-window_amount": "4", f"{prefix}-window_unit": "months"})
    data["title"] = "Coburg geändert"

    response = admin.post(change_url(coburg), data)

    assert response.status_code == 200
    assert "Das Fenster darf nicht länger sein als die Frist" in response.content.decode()
    coburg.refresh_from_db()
    assert coburg.title == "Coburg 2017"
    assert coburg.rules.get(label="Maßnahme").window_amount is None


def test_rules_are_reordered_by_position_and_new_ones_go_to_the_end(admin, coburg):
    data = form_data(admin.get(change_url(coburg)))
    data[f"{rule_prefix(coburg, 'Maßnahme')}-position"] = "5"
    new = f"rules-{int(data['rules-TOTAL_FORMS']) - 1}"  # the blank extra form
    data.update({f"{new}-label": "Neu ohne Position", f"{new}-deadline_amount": "6", f"{new}-deadline_unit": "months"})

    assert admin.post(change_url(coburg), data).status_code == 302

    assert list(coburg.rules.order_by("position").values_list("label", "position")) == [
        ("Maßnahme", 5),
        ("bFM", 10),
        ("U25 arbeitslos", 20),
        ("Neu ohne Position", 30),
    ]


def test_history_shows_who_changed_what_for_rule_set_and_rules(admin, superuser, coburg):
    data = form_data(admin.get(change_url(coburg)))
    data[f"{rule_prefix(coburg, 'U25 arbeitslos')}-label"] = "U25 jeder Status"
    data[f"{rule_prefix(coburg, 'U25 arbeitslos')}-employment"] = []
    data[f"{rule_prefix(coburg, 'bFM')}-DELETE"] = "on"
    data["reference"] = "II-51"
    assert admin.post(change_url(coburg), data).status_code == 302

    renamed = ContactRule.history.filter(label="U25 jeder Status").get()
    assert renamed.history_user == superuser
    assert ContactRule.history.get(history_type="-").history_user == superuser

    page = admin.get(reverse("admin:policies_ruleset_history", args=[coburg.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "fachadmin" in html
    assert "U25 arbeitslos → U25 jeder Status" in html
    assert "arbeitslos → egal" in html
    assert "Regel „bFM“" in html and "gelöscht" in html
    assert "II-50 → II-51" in html


def test_reverting_from_the_history_form_is_refused(admin, coburg):
    version = coburg.history.first()
    url = reverse("admin:policies_ruleset_simple_history", args=[coburg.pk, version.history_id])
    assert admin.get(url).status_code == 200
    assert admin.post(url, {"title": "zurück"}).status_code == 403


def test_the_hook_runs_after_save_and_after_cloning(admin, coburg, monkeypatch):
    seen = []
    monkeypatch.setattr(RuleSetAdmin, "after_rule_set_change", lambda self, request, rule_set: seen.append(rule_set.pk))
    admin.post(change_url(coburg), form_data(admin.get(change_url(coburg))))
    clone_url = reverse("admin:policies_ruleset_clone", args=[coburg.pk])
    admin.post(clone_url, {"valid_from": "2026-01-01", "title": "Coburg 2026", "reference": ""})
    assert seen == [coburg.pk, RuleSet.objects.get(title="Coburg 2026").pk]


# --- cloning through the admin ---------------------------------------------------------------


def run_clone_action(admin, *rule_sets):
    return admin.post(
        reverse("admin:policies_ruleset_changelist"),
        {"action": "clone_as_new_version", "_selected_action": [r.pk for r in rule_sets]},
    )


def test_clone_action_shows_the_intermediate_form(admin, coburg):
    response = run_clone_action(admin, coburg)
    clone_url = reverse("admin:policies_ruleset_clone", args=[coburg.pk])
    assert response.status_code == 302 and response.url == clone_url

    page = admin.get(clone_url)
    assert page.status_code == 200
    assert page.context["form"]["title"].value() == "Coburg 2017"
    assert "3 Regeln" in page.content.decode()


def test_clone_action_needs_exactly_one_rule_set(admin, coburg):
    other = make_rule_set(make_job_centre("weimar"), title="Weimar")
    response = run_clone_action(admin, coburg, other)
    assert response.status_code == 302
    assert response.url == reverse("admin:policies_ruleset_changelist")
    assert "genau ein Konzept" in str(next(iter(get_messages(response.wsgi_request))))
    assert RuleSet.objects.count() == 2


def test_cloning_copies_the_rules_in_order_and_ends_the_old_one(admin, superuser, coburg):
    response = admin.post(
        reverse("admin:policies_ruleset_clone", args=[coburg.pk]),
        {"valid_from": "01.07.2026", "title": "Coburg 2026", "reference": "II-60"},
    )

    new = RuleSet.objects.get(title="Coburg 2026")
    assert response.status_code == 302 and response.url == change_url(new)
    assert str(next(iter(get_messages(response.wsgi_request)))) == (
        "Neue Version „Coburg 2026 (01.07.2026 – unbefristet)“ angelegt. "
        "Das bisherige Konzept gilt 01.01.2017 – 30.06.2026."
    )
    coburg.refresh_from_db()
    assert coburg.valid_until == date(2026, 6, 30)
    assert (new.valid_from, new.valid_until, new.reference) == (date(2026, 7, 1), None, "II-60")
    assert list(new.rules.values_list("position", "label", "code")) == list(
        coburg.rules.values_list("position", "label", "code")
    )
    assert new.history.get().history_user == superuser


def test_cloning_refuses_an_overlap_with_a_message_and_saves_nothing(admin):
    centre = make_job_centre("mg")
    old = make_rule_set(centre, title="MG 2012", valid_from=date(2012, 3, 1), valid_until=date(2016, 12, 31))
    make_rule_set(centre, title="MG 2017", valid_from=date(2017, 1, 1))

    response = admin.post(
        reverse("admin:policies_ruleset_clone", args=[old.pk]),
        {"valid_from": "2026-01-01", "title": "MG 2026", "reference": ""},
    )

    assert response.status_code == 200
    assert "überschneidet sich mit „MG 2017“" in response.content.decode()
    assert RuleSet.objects.count() == 2


def test_cloning_a_rule_set_that_ended_long_ago_leaves_it_untouched(admin):
    old = make_rule_set(title="MG 2012", valid_from=date(2012, 3, 1), valid_until=date(2016, 12, 31))
    make_rule(old, "U25")

    response = admin.post(
        reverse("admin:policies_ruleset_clone", args=[old.pk]),
        {"valid_from": "2026-01-01", "title": "MG 2026", "reference": ""},
    )

    assert response.status_code == 302
    old.refresh_from_db()
    assert old.valid_until == date(2016, 12, 31)
    new = RuleSet.objects.get(title="MG 2026")
    assert (new.valid_from, new.valid_until) == (date(2026, 1, 1), None)
    assert list(new.rules.values_list("label", flat=True)) == ["U25"]


def test_the_seed_rule_sets_pass_an_unchanged_submit(admin, rulesets):
    for rule_set in RuleSet.objects.all():
        response = admin.post(change_url(rule_set), form_data(admin.get(change_url(rule_set))))
        assert response.status_code == 302, (rule_set.title, response.context["errors"])


def test_history_marks_rows_loaded_without_a_baseline(admin, rulesets):
    rule_set = RuleSet.objects.get(job_centre__slug="coburg-land")
    data = form_data(admin.get(change_url(rule_set)))
    data["rules-0-code"] = "1M"
    assert admin.post(change_url(rule_set), data).status_code == 302

    html = admin.get(reverse("admin:policies_ruleset_history", args=[rule_set.pk])).content.decode()
    assert "Früherer Stand nicht aufgezeichnet" in html


def test_the_history_of_a_deleted_rule_set_stays_readable(admin, coburg):
    url = reverse("admin:policies_ruleset_delete", args=[coburg.pk])
    assert admin.post(url, {"post": "yes"}).status_code == 302
    assert not RuleSet.objects.exists()

    page = admin.get(reverse("admin:policies_ruleset_history", args=[coburg.pk]))
    assert page.status_code == 200
    assert "Regel „bFM“" in page.content.decode()
    assert admin.get(reverse("admin:policies_ruleset_history", args=["x"])).status_code == 404
