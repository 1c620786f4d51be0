"""Aufgaben (issue 16 B): follow-up activities agreed in notes and followed up by later ones,
Coburg's profiling review, Weimarer Land's AG-S task, the Kooperationsplan's review; the
worklist's section, the team's list of overdue tasks, the customer page, the reminder mails."""

from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone

from caseload import activities, open_tasks, selectors, services
from caseload.models import ContactNote, Customer, FollowUpActivity, Measure
from policies import engine

from .factories import make_customer, world  # noqa: F401

TODAY = date(2026, 3, 10)
CHECKLIST = dict.fromkeys(ContactNote.CHECKLIST, True)


def stored(customer):
    return Customer.objects.get(pk=customer.pk)


def note(customer, by, day=TODAY, **kwargs):
    kwargs.setdefault("channel", "in_person")
    kwargs.setdefault("summary", "Gespräch")
    return services.record_contact(customer=customer, by=by, date=day, today=kwargs.pop("today", day), **kwargs)[0]


@pytest.fixture
def coburg_customer(world):
    return make_customer(world.team_a, caseworker=world.alice, today=TODAY, registered_on=date(2026, 1, 10))


@pytest.fixture
def weimar_customer(world):
    return make_customer(world.weimar_team, caseworker=world.dave, today=TODAY)


# --- Services -----------------------------------------------------------------------------------


def test_a_note_agrees_several_activities_each_with_a_day(world, coburg_customer):
    written = note(
        coburg_customer,
        world.alice.user,
        activities=[(date(2026, 3, 24), "Bewerbungsnachweise vorlegen"), (None, ""), (date(2026, 4, 1), "Kurs")],
    )
    rows = list(FollowUpActivity.objects.filter(note=written).values_list("due_on", "text", "status"))
    assert rows == [(date(2026, 3, 24), "Bewerbungsnachweise vorlegen", "open"), (date(2026, 4, 1), "Kurs", "open")]


def test_an_activity_needs_a_text_and_a_day_after_the_contact(world, coburg_customer):
    with pytest.raises(services.ServiceError) as raised:
        note(coburg_customer, world.alice.user, activities=[(TODAY, "Kurs"), (date(2026, 4, 1), " ")])
    assert raised.value.message_dict == {
        "activity_0_due": ["Das Datum muss nach dem Kontakt liegen."],
        "activity_1_text": ["Bitte beschreiben, was vereinbart wurde."],
    }
    assert not ContactNote.objects.exists()


def test_a_later_note_follows_one_up_and_carries_another_on(world, coburg_customer):
    first = note(
        coburg_customer,
        world.alice.user,
        day=date(2026, 3, 2),
        activities=[(date(2026, 3, 9), "Nachweise"), (date(2026, 3, 9), "Kurs anmelden")],
    )
    done, carried = FollowUpActivity.objects.filter(note=first).order_by("pk")
    second = note(
        coburg_customer,
        world.alice.user,
        follow_ups={done.pk: (activities.DONE, None), carried.pk: (activities.CARRY, date(2026, 4, 1))},
    )
    done.refresh_from_db()
    carried.refresh_from_db()
    assert (done.status, done.closed_in, done.closed_by) == ("done", second, world.alice.user)
    assert carried.status == "carried"
    new = FollowUpActivity.objects.get(note=second)
    assert (new.text, new.due_on, new.carried_from, new.status) == ("Kurs anmelden", date(2026, 4, 1), carried, "open")


def test_weimar_asks_to_follow_up_earlier_agreements_only_when_there_are_some(world, weimar_customer):
    by = world.dave.user
    checklist = {**CHECKLIST, "activities_followed_up": False}
    first = note(
        weimar_customer, by, day=date(2026, 3, 2), follow_up_on=date(2026, 4, 1), checklist=checklist,
        activities=[(date(2026, 3, 9), "Nachweise")],
    )  # fmt: skip
    activity = FollowUpActivity.objects.get(note=first)
    with pytest.raises(services.ServiceError) as raised:
        note(weimar_customer, by, follow_up_on=date(2026, 4, 1), checklist=checklist)
    assert "Vereinbarungen aus vorangegangenen Kontakten nachgehalten" in raised.value.message_dict["__all__"][0]
    with pytest.raises(services.ServiceError) as raised:
        note(weimar_customer, by, follow_up_on=date(2026, 4, 1), checklist=CHECKLIST)
    assert raised.value.message_dict[f"followup_{activity.pk}"] == [
        "Fällig seit 09.03.2026: bitte als nachgehalten markieren oder fortführen."
    ]
    note(
        weimar_customer, by, follow_up_on=date(2026, 4, 1), checklist=CHECKLIST,
        follow_ups={activity.pk: (activities.DONE, None)},
    )  # fmt: skip
    assert FollowUpActivity.objects.get(pk=activity.pk).status == "done"


def test_a_quick_note_takes_over_the_follow_up_date_in_force(world, weimar_customer):
    by = world.dave.user
    note(weimar_customer, by, day=date(2026, 3, 2), follow_up_on=date(2026, 3, 20), checklist=CHECKLIST)
    phone = note(weimar_customer, by, channel="phone", keep_follow_up=True, checklist=CHECKLIST)
    assert phone.follow_up_on == date(2026, 3, 20)
    assert stored(weimar_customer).due_by == date(2026, 3, 20)


def test_taking_over_needs_a_follow_up_date_in_force_and_no_new_one(world, coburg_customer):
    with pytest.raises(services.ServiceError) as raised:
        note(coburg_customer, world.alice.user, channel="phone", keep_follow_up=True)
    assert raised.value.message_dict["keep_follow_up"] == [
        "Es gibt keine laufende Wiedervorlage, die übernommen werden könnte."
    ]


def test_coburgs_profiling_review_is_flagged_and_cleared_by_a_note_that_documents_it(world):
    since = {"registered_on": date(2025, 6, 1), "profile_since": date(2025, 8, 1)}
    customer = make_customer(world.team_a, caseworker=world.alice, today=TODAY, **since)
    flagged = stored(customer)
    assert engine.PROFILING_REVIEW in flagged.due_flags
    assert flagged.due_tasks_since == date(2026, 2, 1)
    assert Customer.objects.filter(
        open_tasks.kind_q(open_tasks.PROFILING, TODAY, overdue=True), pk=customer.pk
    ).exists()
    written = note(customer, world.alice.user, profiling_reviewed=True)
    customer = stored(customer)
    assert written.profiling_reviewed and customer.profiling_reviewed_on == TODAY
    assert engine.PROFILING_REVIEW not in customer.due_flags and customer.due_tasks_since is None
    assert customer.recheck_on == date(2026, 9, 10)  # the next review, six months on


def test_weimars_ags_task_comes_one_month_before_the_end_and_is_marked_done(world, weimar_customer):
    measure, _ = services.add_measure(
        customer=weimar_customer, title="Bewerbungstraining", start=date(2026, 1, 5), end=date(2026, 3, 31),
        today=TODAY,
    )  # fmt: skip
    customer = stored(weimar_customer)
    assert engine.EMPLOYER_SERVICE_TASK in customer.due_flags and customer.due_tasks_since == date(2026, 2, 28)
    measure.customer = customer
    activities.complete_employer_service(measure=measure, by=world.dave.user, today=TODAY, expected_version=1)
    customer = stored(weimar_customer)
    assert engine.EMPLOYER_SERVICE_TASK not in customer.due_flags
    assert Measure.objects.get(pk=measure.pk).employer_service_on == TODAY
    with pytest.raises(services.ServiceError):
        activities.complete_employer_service(measure=measure, by=world.dave.user, today=TODAY)


def test_the_plan_is_set_by_a_note_and_due_for_review_after_six_months(world, coburg_customer):
    note(coburg_customer, world.alice.user, day=date(2026, 3, 2), plan_updated=True)
    customer = stored(coburg_customer)
    assert customer.cooperation_plan_on == date(2026, 3, 2)
    plan = Customer.objects.filter(pk=customer.pk)
    assert not plan.filter(open_tasks.kind_q(open_tasks.PLAN, date(2026, 8, 10))).exists()
    assert plan.filter(open_tasks.kind_q(open_tasks.PLAN, date(2026, 8, 20))).exists()  # due 02.09., within 14 days
    assert not plan.filter(open_tasks.kind_q(open_tasks.PLAN, date(2026, 9, 2), overdue=True)).exists()
    assert plan.filter(open_tasks.kind_q(open_tasks.PLAN, date(2026, 9, 3), overdue=True)).exists()


def test_an_activity_is_marked_done_once(world, coburg_customer):
    note(coburg_customer, world.alice.user, activities=[(date(2026, 3, 20), "Nachweise")])
    activity = FollowUpActivity.objects.get()
    activity.customer = coburg_customer
    activities.complete_activity(activity=activity, by=world.bob.user, expected_version=1)
    activity.refresh_from_db()
    assert (activity.status, activity.closed_by) == ("done", world.bob.user)
    with pytest.raises(services.ServiceError) as raised:
        activities.complete_activity(activity=activity, by=world.alice.user)
    assert raised.value.message_dict["__all__"] == ["Die Vereinbarung ist bereits nachgehalten."]


# --- Lists ---------------------------------------------------------------------------------------


@pytest.fixture
def with_tasks(world):
    """Four customers of alice: an overdue activity, a plan due for review, a flagged profiling
    review, and one without tasks."""
    today = timezone.localdate()
    by = world.alice.user
    late = make_customer(world.team_a, caseworker=world.alice)
    note(late, by, day=today - timedelta(days=10), today=today, activities=[(today - timedelta(days=1), "Nachweise")])
    plan = make_customer(world.team_a, caseworker=world.alice)
    services.update_customer(customer=plan, changes={"cooperation_plan_on": today - relativedelta(months=7)})
    review = make_customer(
        world.team_a, caseworker=world.alice, registered_on=today - relativedelta(months=9),
        profile_since=today - relativedelta(months=8),
    )  # fmt: skip
    plain = make_customer(world.team_a, caseworker=world.alice)
    return {"late": late, "plan": plan, "review": review, "plain": plain}


def test_the_tasks_section_holds_customers_with_tasks_due(world, with_tasks):
    today = timezone.localdate()
    rows = selectors.worklist_rows(
        selectors.caseload(world.alice, selectors.MINE), selectors.SECTION_BY_KEY["aufgaben"], today
    )
    assert {r["number"] for r in rows} == {with_tasks[k].number for k in ("late", "plan", "review")}


WORKLIST = reverse("worklist")


@pytest.mark.parametrize("extra", [0, 3])
def test_the_tasks_section_runs_a_fixed_number_of_queries(client, world, with_tasks, extra, django_assert_num_queries):
    today = timezone.localdate()
    for _ in range(extra):
        customer = make_customer(world.team_a, caseworker=world.alice)
        note(customer, world.alice.user, day=today, activities=[(today + timedelta(days=3), "Kurs")])
    client.force_login(world.alice.user)
    # the worklist's six (session, user, staff, rule codes, counts, rows) and 7 the page's
    # open activities
    with django_assert_num_queries(7):
        response = client.get(WORKLIST + "?liste=aufgaben")
    page = response.content.decode()
    assert "Vereinbarung nachhalten: Nachweise" in page and "Kooperationsplan überprüfen" in page
    assert "Profilingprüfung" in page


def test_the_task_filter_narrows_to_one_kind(client, world, with_tasks):
    client.force_login(world.alice.user)
    page = client.get(WORKLIST + "?liste=alle&aufgabe=profiling").content.decode()
    assert with_tasks["review"].number in page and with_tasks["late"].number not in page


@pytest.mark.parametrize("extra", [0, 3])
def test_the_teams_overdue_tasks_run_a_fixed_number_of_queries(
    client, world, with_tasks, extra, django_assert_num_queries
):
    today = timezone.localdate()
    for _ in range(extra):
        customer = make_customer(world.team_a, caseworker=world.bob)
        note(customer, world.bob.user, day=today - timedelta(days=5), today=today,
             activities=[(today - timedelta(days=2), "Kurs")])  # fmt: skip
    client.force_login(world.bob.user)
    # 1 session, 2 user, 3 staff, 4 rule codes, 5 the list's count, 6 overdue contacts' count for
    # the other tab, 7 the team's staff for the filter, 8 rows, 9 the page's open activities
    with django_assert_num_queries(9):
        response = client.get(reverse("team_overdue") + "?liste=aufgaben")
    page = response.content.decode()
    assert with_tasks["late"].number in page and with_tasks["plain"].number not in page
    assert with_tasks["late"].last_name not in page  # numbers, no names


def test_the_reminder_mail_counts_overdue_tasks_without_names(world, with_tasks):
    from reports import reminders

    world.alice.user.email = "alice@example.org"
    world.alice.user.save()
    result = reminders.build(timezone.localdate())
    (mail,) = [m for m in result.messages if m.to == ["alice@example.org"]]
    assert "Überfällige Aufgaben bei 3 Kunden:" in mail.body
    assert "Vereinbarung nachhalten: 1" in mail.body and "Profilingprüfung: 1" in mail.body
    assert with_tasks["late"].last_name not in mail.body


# --- Pages ---------------------------------------------------------------------------------------


def test_the_note_form_adds_a_row_without_saving_and_then_saves_each_activity(client, world):
    customer = make_customer(world.team_a, caseworker=world.alice)
    client.force_login(world.alice.user)
    url = reverse("contact_note", args=[customer.pk])
    day = timezone.localdate()
    data = {"date": day.isoformat(), "channel": "in_person", "summary": "Gespräch", "activity_rows": "3"}
    data |= {"activity_0_text": "Nachweise", "activity_0_due": (day + timedelta(days=7)).isoformat()}
    response = client.post(url, {**data, "weitere_zeile": "1"})
    assert response.status_code == 200 and not ContactNote.objects.exists()
    page = response.content.decode()
    assert 'name="activity_3_text"' in page and 'value="Nachweise"' in page
    data |= {"activity_rows": "4", "activity_3_text": "Kurs", "activity_3_due": (day + timedelta(days=14)).isoformat()}
    assert client.post(url, data).status_code == 302
    assert list(FollowUpActivity.objects.order_by("due_on").values_list("text", flat=True)) == ["Nachweise", "Kurs"]


def test_the_customer_page_lists_tasks_and_marks_an_activity_done(client, world, with_tasks):
    client.force_login(world.alice.user)
    customer = with_tasks["late"]
    page = client.get(reverse("customer", args=[customer.pk])).content.decode()
    assert "Aufgaben" in page and "Nachweise" in page and "1 überfällig" in page
    activity = FollowUpActivity.objects.get(customer=customer)
    response = client.post(reverse("activity_done", args=[customer.pk, activity.pk]), {"version": 1})
    assert response.status_code == 302
    assert FollowUpActivity.objects.get(pk=activity.pk).status == "done"


def test_another_teams_activity_is_a_404(client, world, with_tasks):
    client.force_login(world.charlie.user)
    customer = with_tasks["late"]
    activity = FollowUpActivity.objects.get(customer=customer)
    response = client.post(reverse("activity_done", args=[customer.pk, activity.pk]), {"version": 1})
    assert response.status_code == 404
    assert FollowUpActivity.objects.get(pk=activity.pk).status == "open"
