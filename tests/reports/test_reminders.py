"""`send_reminders`: who gets which mail, with numbers only."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from ..caseload.factories import make_customer, world  # noqa: F401

TODAY = date(2026, 3, 16)


def customer_due(team, caseworker, due_by):
    """Coburg 2MM from registration: registered two months before `due_by`."""
    from dateutil.relativedelta import relativedelta

    return make_customer(team, caseworker=caseworker, registered_on=due_by - relativedelta(months=2), today=TODAY)


@pytest.fixture
def emails(world):
    for member in (world.alice, world.bob, world.charlie):
        member.user.email = f"{member.user.username}@jobcenter.example"
        member.user.save()
    return world


def run(**options):
    out = StringIO()
    call_command("send_reminders", today=TODAY.isoformat(), stdout=out, **options)
    return out.getvalue()


def test_caseworkers_get_their_overdue_and_soon_due_customers_by_number(emails, mailoutbox):
    w = emails
    late = customer_due(w.team_a, w.alice, date(2026, 3, 2))  # 14 days overdue
    later = customer_due(w.team_a, w.alice, date(2026, 3, 13))  # 3 days overdue
    soon = customer_due(w.team_a, w.alice, date(2026, 3, 20))
    customer_due(w.team_a, w.alice, date(2026, 4, 30))  # not soon: not listed
    out = run()
    mail = next(m for m in mailoutbox if m.to == ["alice@jobcenter.example"])
    assert mail.subject == "Kontaktdichte: 2 überfällig, 1 bald fällig"
    assert f"  {late.number}  fällig seit 02.03.2026 (14 Tage)" in mail.body
    assert f"  {later.number}  fällig seit 13.03.2026 (3 Tage)" in mail.body
    assert f"  {soon.number}  fällig bis 20.03.2026" in mail.body
    assert mail.body.index(late.number) < mail.body.index(later.number)
    for customer in (late, later, soon):
        assert customer.last_name not in mail.body and customer.first_name not in mail.body
    assert "Versandt: 2 Erinnerungen (1 an Fachkräfte, 1 an Teamleitungen)" in out


def test_team_leads_get_the_teams_overdue_count_and_the_longest_overdue(emails, mailoutbox):
    w = emails
    dates = [TODAY - timedelta(days=d) for d in (1, 30, 5, 12, 2, 40, 3, 4, 6, 7, 8, 9)]
    made = [customer_due(w.team_a, w.alice, d) for d in dates]
    unassigned = customer_due(w.team_a, None, TODAY - timedelta(days=50))
    customer_due(w.team_b, w.charlie, TODAY - timedelta(days=60))  # another team
    run()
    mail = next(m for m in mailoutbox if m.to == ["bob@jobcenter.example"])
    assert mail.subject == "Kontaktdichte: 13 überfällig im Team A"
    assert "im Team A sind 13 Kunden überfällig" in mail.body
    listed = [line for line in mail.body.splitlines() if "fällig seit" in line]
    assert len(listed) == 10
    assert listed[0].startswith(f"  {unassigned.number}  fällig seit") and listed[0].endswith("ohne Fachkraft")
    assert made[5].number in listed[1] and listed[1].endswith("Alice Fachkraft")  # 40 days
    assert made[0].number not in mail.body  # one day overdue: not among the ten longest
    assert all(c.last_name not in mail.body for c in made)


def test_nobody_with_nothing_due_gets_a_mail_and_no_address_no_mail(emails, mailoutbox, world):
    customer_due(world.weimar_team, world.dave, date(2026, 3, 1))  # dave has no e-mail address
    out = run()
    assert mailoutbox == []
    assert "Versandt: 0 Erinnerungen" in out and "1 ohne E-Mail-Adresse" in out


def test_dry_run_sends_nothing(emails, mailoutbox):
    customer_due(emails.team_a, emails.alice, date(2026, 3, 2))
    out = run(dry_run=True)
    assert mailoutbox == [] and "Würde versenden: 2 Erinnerungen" in out


def test_it_reads_with_three_queries_whatever_the_number_of_customers(emails, django_assert_num_queries):
    from reports import reminders

    for d in range(1, 8):
        customer_due(emails.team_a, emails.alice, TODAY - timedelta(days=d))
    with django_assert_num_queries(3):  # staff with users and teams; customers; overdue tasks per kind
        result = reminders.build(TODAY)
    assert len(result.messages) == 2


def test_inactive_users_get_no_mail(emails, mailoutbox):
    customer_due(emails.team_a, emails.alice, date(2026, 3, 2))
    emails.alice.user.is_active = False
    emails.alice.user.save()
    run()
    assert [m.to for m in mailoutbox] == [["bob@jobcenter.example"]]
