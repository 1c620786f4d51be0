"""One customer's timeline after a documented exception has ended, read by every page that
speaks of it: the stored due date, the customer page, the worklist, the team's overdue list,
the reminder mail and the monthly report's replay must all say the same (DOMAIN step 6,
corrected 29.11.2026: the extension stands after the exception ends).

Coburg Land, Ü25 unemployed market_close (2MM): seen in person 70 days ago, so the cycle fell
due about ten days ago; an exception ran from 30 days ago to 4 days ago. The customer is
overdue since the exception's end, 4 days, not since the cycle's date.
"""

import re
from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caseload import services
from caseload.duedates import FACT_ROW, customer_facts, policy_for, refresh_due_date
from caseload.models import ContactNote, Customer, Suspension
from policies import engine
from reports.figures import _history, monthly_report
from reports.reminders import build
from reports.replay import replay

from ..caseload.factories import make_customer, world  # noqa: F401
from .test_figures import fresh


def words(response):
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def replayed(customer, today):
    """The monthly report's view of the customer: the replay's morning state of today."""
    team = fresh(customer.team)
    policy = policy_for(team.job_centre_id, team.job_centre.policy_version)
    measures, suspensions, notes = _history(team, today)
    row = Customer.objects.values(*FACT_ROW).get(pk=customer.pk)
    facts = customer_facts(row, measures.get(customer.pk, ()), suspensions.get(customer.pk, ()))
    return replay(policy, facts, notes.get(customer.pk, ()), today - timedelta(days=400), today)


@pytest.fixture
def ended_exception(world):
    today = timezone.localdate()
    customer = make_customer(world.team_a, caseworker=world.alice, registered_on=today - timedelta(days=200))
    services.record_contact(
        customer=customer, by=world.alice.user, date=today - timedelta(days=70), channel="in_person", summary="Gespräch"
    )
    services.record_suspension(
        customer=customer,
        by=world.alice.user,
        reason="Einstellungszusage",
        start=today - timedelta(days=30),
        end=today - timedelta(days=4),
    )
    return Customer.objects.get(pk=customer.pk), today


def test_every_page_counts_overdue_from_the_exceptions_end(client, world, ended_exception):
    customer, today = ended_exception
    extended = today - timedelta(days=4)
    cycle = today - timedelta(days=70) + relativedelta(months=2)
    assert cycle < extended  # the exception did extend the cycle

    # The stored due date, as the lists read it.
    assert customer.due_by == extended
    assert engine.Status.on(customer.status_until_due, customer.due_by, today) == "overdue"

    client.force_login(world.alice.user)
    page = words(client.get(reverse("customer", args=[customer.pk])))
    assert f"fällig bis {extended:%d.%m.%Y}" in page
    assert "seit 4 Tagen" in page

    worklist = words(client.get(reverse("worklist")))
    assert customer.number in worklist and f"{extended:%d.%m.%Y}" in worklist

    client.force_login(world.bob.user)
    team_list = client.get(reverse("team_overdue")).content.decode()
    row = re.search(rf"<tr[^>]*>(?:(?!</tr>).)*>{customer.number}<(?:(?!</tr>).)*</tr>", team_list, re.S).group(0)
    assert f"{extended:%d.%m.%Y}" in row
    assert re.search(r'<td class="late num">4</td>', row)

    for member in (world.alice, world.bob):
        member.user.email = f"{member.user.username}@jobcenter.example"
        member.user.save()
    mails = {m.to[0]: m.body for m in build(today).messages}
    for address in ("alice@jobcenter.example", "bob@jobcenter.example"):
        line = next(line for line in mails[address].splitlines() if customer.number in line)
        assert f"fällig seit {extended:%d.%m.%Y} (4 Tage)" in line

    result = replayed(customer, today)
    assert result.final.due_by == extended
    assert result.final.status_on(today) == "overdue"
    open_now = [o for o in result.obligations if o.open_on(today - timedelta(days=1))]
    assert [o.due for o in open_now] == [extended]

    report = monthly_report(fresh(world.team_a), today.replace(day=1), today)
    alice_row = next(r for r in report.rows if r.staff_id == world.alice.pk)
    assert alice_row.counts.overdue_end == 1


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    seen_ago=st.integers(20, 300),
    start_ago=st.integers(1, 200),
    length=st.integers(0, 120),
    follow_up_in=st.one_of(st.none(), st.integers(1, 90)),
    phone_ago=st.one_of(st.none(), st.integers(1, 19)),
)
def test_stored_due_date_page_and_replay_agree_after_an_exception_ends(
    client, world, seen_ago, start_ago, length, follow_up_in, phone_ago
):
    """For any ended (or running) exception: the stored due date, the customer page's
    "seit N Tagen" and the replay's morning state of today are the same."""
    today = timezone.localdate()
    customer = make_customer(world.team_a, caseworker=world.alice, registered_on=today - timedelta(days=400))
    seen = today - timedelta(days=seen_ago)
    follow_up = seen + timedelta(days=follow_up_in) if follow_up_in else None
    ContactNote.objects.create(
        job_centre_id=customer.job_centre_id,
        customer=customer,
        date=seen,
        channel="in_person",
        caseworker=world.alice.user,
        summary="Gespräch",
        follow_up_on=follow_up,
    )
    if phone_ago is not None and phone_ago < seen_ago:
        ContactNote.objects.create(
            job_centre_id=customer.job_centre_id,
            customer=customer,
            date=today - timedelta(days=phone_ago),
            channel="phone",
            caseworker=world.alice.user,
            summary="Telefonat",
        )
    start = today - timedelta(days=start_ago)
    Suspension.objects.create(
        job_centre_id=customer.job_centre_id,
        customer=customer,
        reason="Gutachten",
        start=start,
        end=start + timedelta(days=length),
        documented_by=world.alice.user,
    )
    decision = refresh_due_date(customer, today)
    stored = Customer.objects.get(pk=customer.pk)

    assert stored.due_by == decision.due_by == replayed(stored, today).final.due_by
    client.force_login(world.alice.user)
    page = words(client.get(reverse("customer", args=[customer.pk])))
    days = (today - stored.due_by).days
    if days > 0:
        assert f"seit {days} Tag{'en' if days > 1 else ''}" in page
    else:
        assert "seit" not in page.split("fällig bis", 1)[1][:40]
