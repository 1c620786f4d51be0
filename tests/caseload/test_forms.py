"""The forms enforce the rule set's settings with the services' German messages."""

from datetime import date, timedelta

import pytest
from django import forms

from caseload import services
from caseload.forms import (
    ContactNoteForm,
    FactsForm,
    MeasureForm,
    SuspensionForm,
    add_service_errors,
)
from caseload.models import ContactNote, Customer
from policies.cloning import clone_rule_set
from policies.models import RuleSet

from .factories import make_customer, world  # noqa: F401

TODAY = date(2026, 3, 10)
CHECKLIST_ALL = dict.fromkeys(ContactNote.CHECKLIST, "on")


@pytest.fixture
def weimar_customer(world):
    return make_customer(world.weimar_team, caseworker=world.dave, today=TODAY)


@pytest.fixture
def coburg_customer(world):
    # Ü25, unemployed, market_close, registered 2026-01-10: 2MM, due 2026-03-10.
    return make_customer(world.team_a, caseworker=world.alice, today=TODAY, registered_on=date(2026, 1, 10))


def note_form(customer, data):
    return ContactNoteForm(data, customer=customer, rule_set=services.rule_set_for(customer, TODAY), today=TODAY)


def test_it_demands_a_follow_up_date_in_weimar(weimar_customer):
    form = note_form(
        weimar_customer, {"date": "2026-03-09", "channel": "in_person", "summary": "Gespräch", **CHECKLIST_ALL}
    )
    assert not form.is_valid()
    assert form.errors["follow_up_on"] == [
        "Nach dem Kontaktdichtekonzept braucht jeder Beratungsvermerk eine Wiedervorlage („kein BewA ohne WV“)."
    ]


def test_it_marks_the_follow_up_date_as_demanded_in_weimar_only(weimar_customer, coburg_customer):
    assert getattr(note_form(weimar_customer, None).fields["follow_up_on"], "demanded", False)
    assert not getattr(note_form(coburg_customer, None).fields["follow_up_on"], "demanded", False)


def test_it_demands_the_checklist_for_a_qualified_contact_in_weimar(weimar_customer):
    form = note_form(
        weimar_customer,
        {
            "date": "2026-03-09",
            "channel": "phone",
            "summary": "Gespräch",
            "follow_up_on": "2026-04-01",
            "strategy_reviewed": "on",
        },
    )
    assert not form.is_valid()
    [message] = form.non_field_errors()
    assert message.startswith("Für einen qualifizierten Kontakt fehlt noch: Integrationsprognose überprüft")
    assert "Strategie überprüft" not in message


def test_it_accepts_a_complete_weimar_note(weimar_customer):
    form = note_form(
        weimar_customer,
        {
            "date": "2026-03-09",
            "channel": "phone",
            "summary": "Gespräch",
            "follow_up_on": "2026-04-01",
            **CHECKLIST_ALL,
        },
    )
    assert form.is_valid(), form.errors
    assert form.service_kwargs()["checklist"] == dict.fromkeys(ContactNote.CHECKLIST, True)


def test_it_shows_the_checklist_only_where_the_rule_set_requires_it(weimar_customer, coburg_customer):
    assert len(note_form(weimar_customer, None).checklist_fields) == 4
    assert note_form(coburg_customer, None).checklist_fields == []


def test_a_backdated_note_shows_the_checklist_its_days_rule_set_demands(world):
    # Weimar's rule set is continued from 01.03.2026 without the checklist; a note dated 20.02.
    # still falls under the old one, which demands it: the form must offer the boxes it asks for.
    old = services.rule_set_for(make_customer(world.weimar_team, today=TODAY), TODAY)
    new = clone_rule_set(old, valid_from=date(2026, 3, 1))
    RuleSet.objects.filter(pk=new.pk).update(checklist_required=False)
    customer = make_customer(world.weimar_team, caseworker=world.dave, today=TODAY, registered_on=date(2026, 2, 1))
    data = {"date": "2026-02-20", "channel": "in_person", "summary": "Gespräch", "follow_up_on": "2026-03-20"}
    assert note_form(customer, None).checklist_fields == []  # today's rule set asks for none

    form = note_form(customer, data)

    assert not form.is_valid()
    assert form.non_field_errors()[0].startswith("Für einen qualifizierten Kontakt fehlt noch")
    assert len(form.checklist_fields) == 4
    assert note_form(customer, {**data, **CHECKLIST_ALL}).is_valid()


def test_a_summary_beyond_ten_thousand_characters_is_refused_in_german(coburg_customer):
    form = note_form(coburg_customer, {"date": "2026-03-09", "channel": "in_person", "summary": "x" * 10_001})
    assert not form.is_valid()
    assert "höchstens 10000 Zeichen" in form.errors["summary"][0]


def test_it_marks_which_channels_count_as_qualified(coburg_customer, weimar_customer):
    coburg = dict(note_form(coburg_customer, None).fields["channel"].choices)
    assert coburg["in_person"] == "persönlich – zählt als qualifizierter Kontakt"
    assert coburg["phone"] == "telefonisch"
    weimar = dict(note_form(weimar_customer, None).fields["channel"].choices)
    assert weimar["phone"] == "telefonisch – zählt als qualifizierter Kontakt"
    assert weimar["video"] == "Video"  # not in the seed's list (corrected 29.11.2026)


def test_it_refuses_a_note_for_a_future_day(coburg_customer):
    form = note_form(coburg_customer, {"date": "2026-03-11", "channel": "in_person", "summary": "x"})
    assert not form.is_valid()
    assert "künftigen Tag" in form.errors["date"][0]


@pytest.mark.parametrize("typed", ["2026-03-09", "09.03.2026"])
def test_it_reads_iso_and_german_dates(coburg_customer, typed):
    form = note_form(coburg_customer, {"date": typed, "channel": "in_person", "summary": "x"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["date"] == date(2026, 3, 9)


def test_it_defaults_the_note_date_to_today(coburg_customer):
    assert note_form(coburg_customer, None)["date"].value() == TODAY


def test_it_says_an_unreadable_date_once(weimar_customer):
    form = note_form(
        weimar_customer,
        {"date": "2026-03-09", "channel": "in_person", "summary": "x", "follow_up_on": "morgen", **CHECKLIST_ALL},
    )
    assert not form.is_valid()
    assert len(form.errors["follow_up_on"]) == 1


def test_it_caps_a_suspension_at_the_largest_extension_in_coburg(coburg_customer):
    limit = date(2026, 9, 10)  # due 2026-03-10 + 6 months
    assert services.extension_limit(coburg_customer, TODAY) == limit
    form = SuspensionForm(
        {"reason": "Gutachten ausstehend", "start": "2026-03-01", "end": "2026-10-01"},
        customer=coburg_customer,
        today=TODAY,
        limit=limit,
    )
    assert not form.is_valid()
    assert form.errors["end"] == [
        "Die Kontaktdichte darf höchstens um 6 Monate erweitert werden: "
        "die Ausnahme kann bis spätestens 10.09.2026 gelten."
    ]
    assert "10.09.2026" in form.fields["end"].help_text


def test_it_accepts_a_suspension_within_the_cap(coburg_customer):
    form = SuspensionForm(
        {"reason": "Gutachten ausstehend", "start": "2026-03-01", "end": "10.09.2026"},
        customer=coburg_customer,
        today=TODAY,
    )
    assert form.is_valid(), form.errors


def test_it_refuses_a_suspension_ending_before_it_starts(coburg_customer):
    form = SuspensionForm(
        {"reason": "x", "start": "2026-03-05", "end": "2026-03-01"}, customer=coburg_customer, today=TODAY
    )
    assert not form.is_valid()
    assert form.errors["end"] == ["Das Ende darf nicht vor dem Beginn liegen."]


def test_it_refuses_a_measure_ending_before_it_starts():
    form = MeasureForm({"title": "Coaching", "start": "2026-03-05", "end": "2026-03-01"})
    assert not form.is_valid()
    assert form.errors["end"] == ["Das geplante Ende darf nicht vor dem Beginn liegen."]


def test_it_refuses_an_exit_before_the_start():
    form = MeasureForm({"title": "Coaching", "start": "2026-03-05", "end": "2026-06-01", "exited_on": "2026-03-01"})
    assert not form.is_valid()
    assert form.errors["exited_on"] == ["Der Austritt darf nicht vor dem Beginn liegen."]


def test_facts_form_starts_from_the_customer_and_returns_every_fact(coburg_customer):
    form = FactsForm(None, customer=coburg_customer, today=TODAY)
    assert form["employment"].value() == "unemployed"
    data = {
        "birth_date": "1980-05-17",
        "registered_on": "10.01.2026",
        "employment": "jobseeking",
        "profile": "",
        "care": "placement",
        "flags": ["section_10", "refugee"],
    }
    form = FactsForm(data, customer=coburg_customer, today=TODAY)
    assert form.is_valid(), form.errors
    changes = form.changes()
    assert set(changes) == set(Customer.FACT_FORM_FIELDS)
    assert changes["flags"] == ["refugee", "section_10"]  # vocabulary order, whatever was ticked first
    assert changes["profile"] == "" and changes["unemployed_since"] is None


def test_facts_form_names_the_empty_choice_in_german(coburg_customer):
    form = FactsForm(None, customer=coburg_customer, today=TODAY)
    assert form.fields["profile"].choices[0] == ("", "– keine Angabe –")
    assert "---------" not in str(form)


def test_facts_form_does_not_touch_the_customer_while_validating(coburg_customer):
    form = FactsForm(
        {"birth_date": "1980-05-17", "registered_on": "2026-01-10", "employment": "jobseeking", "care": "placement"},
        customer=coburg_customer,
        today=TODAY,
    )
    assert form.is_valid()
    assert coburg_customer.employment == "unemployed"


def test_add_service_errors_puts_unknown_fields_on_top_and_keeps_a_fields_own_error():
    class Form(forms.Form):
        day = forms.DateField()

    form = Form({"day": "kein Datum"})
    assert not form.is_valid()
    add_service_errors(form, {"day": ["Zweite Meldung"], "elsewhere": "Oben", "__all__": ["Allgemein"]})
    assert form.errors["day"] == ["Bitte ein gültiges Datum eingeben."]
    assert form.non_field_errors() == ["Oben", "Allgemein"]


def test_it_gives_the_date_inputs_a_native_picker(coburg_customer):
    html = str(note_form(coburg_customer, None)["date"])
    assert 'type="date"' in html and 'value="2026-03-10"' in html


def test_the_summary_reminds_caseworkers_to_leave_personal_data_out(coburg_customer):
    help_text = note_form(coburg_customer, None).fields["summary"].help_text
    assert "keine persönlichen Daten" in help_text and "Kundennummer" in help_text


def test_a_note_of_the_forms_day_is_checked_against_the_rule_set_the_form_read(
    coburg_customer, django_assert_num_queries
):
    today_note = note_form(coburg_customer, {"date": TODAY.isoformat(), "channel": "in_person", "summary": "Gespräch"})
    with django_assert_num_queries(0):
        assert today_note.is_valid(), today_note.errors
    backdated = note_form(
        coburg_customer,
        {"date": (TODAY - timedelta(days=3)).isoformat(), "channel": "in_person", "summary": "Gespräch"},
    )
    with django_assert_num_queries(1):  # the rule set in force on the note's own day
        assert backdated.is_valid(), backdated.errors
