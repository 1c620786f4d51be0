"""Reads of the employer service, with their query counts: the AG-S tasks from Weimarer Land's
graduate management (the engine's flag on the stored decision), proposals in the history."""

from datetime import timedelta

from django.utils import timezone

from caseload import services as caseload_services
from caseload.selectors import customer_timeline
from employers import selectors, services

from .factories import make_customer, make_employer, make_offer, world  # noqa: F401

TODAY = timezone.localdate()


def _in_measure(world, ends_in_days, **facts):
    customer = make_customer(world.weimar_team, caseworker=world.dave, **facts)
    caseload_services.add_measure(
        customer=customer,
        title=f"Coaching {ends_in_days}",
        start=TODAY - timedelta(days=60),
        end=TODAY + timedelta(days=ends_in_days),
    )
    return customer


def test_tasks_are_the_customers_whose_measure_ends_within_the_lead_the_earliest_first(
    world, django_assert_num_queries
):
    late = _in_measure(world, 25)
    soon = _in_measure(world, 5)
    _in_measure(world, 90)  # more than a month ahead: no task yet
    with django_assert_num_queries(3):  # customers (with next measure end, proposals), measure titles, count
        tasks, total = selectors.employer_service_tasks(world.weimar.pk, TODAY)
    assert total == 2
    assert [(t.number, t.ends_on, t.measure) for t in tasks] == [
        (soon.number, TODAY + timedelta(days=5), "Coaching 5"),
        (late.number, TODAY + timedelta(days=25), "Coaching 25"),
    ]
    assert tasks[0].caseworker == "Dave Fachkraft"


def test_closed_cases_are_no_tasks(world):
    customer = _in_measure(world, 5)
    caseload_services.close_case(customer=customer, by=world.dave.user, on=TODAY)
    assert selectors.employer_service_tasks(world.weimar.pk, TODAY) == ([], 0)


def test_the_timeline_shows_the_proposal_and_its_outcome_on_their_days(world):
    customer = make_customer(world.team_a, caseworker=world.alice)
    offer = make_offer(make_employer(world.coburg), received_on=TODAY - timedelta(days=20))
    proposal = services.propose(customer=customer, offer=offer, by=world.alice.user, on=TODAY - timedelta(days=7))
    services.record_outcome(proposal=proposal, by=world.alice.user, outcome="rejected", on=TODAY - timedelta(days=2))
    entries = [(e.kind, e.date) for e in customer_timeline(customer)[0] if e.kind in ("proposal", "outcome")]
    assert entries == [("outcome", TODAY - timedelta(days=2)), ("proposal", TODAY - timedelta(days=7))]


def test_open_offers_count_the_proposals_waiting_in_one_query(world, django_assert_num_queries):
    employer = make_employer(world.coburg)
    offer = make_offer(employer)
    for _ in range(2):
        services.propose(customer=make_customer(world.team_a), offer=offer, by=world.alice.user)
    make_offer(employer, title="Zweite Stelle")
    with django_assert_num_queries(1):
        offers = selectors.open_offers(world.coburg.pk)
        shown = [(o.title, o.employer.name, o.pending) for o in offers]
    assert sorted(shown) == [("Kfz-Mechatroniker/in", employer.name, 2), ("Zweite Stelle", employer.name, 0)]


def test_the_newest_entries_of_a_history_are_those_of_the_whole_history(world, django_assert_max_num_queries):
    """Notes, measures, suspensions and proposals on interleaved days, some on the same day:
    the newest k entries are the whole history's first k, in the same number of queries."""
    customer = make_customer(world.team_a, caseworker=world.alice, registered_on=TODAY - timedelta(days=90))
    user = world.alice.user
    for days in (40, 33, 21, 21, 9, 2):
        caseload_services.record_contact(
            customer=customer, by=user, date=TODAY - timedelta(days=days), channel="phone", summary=f"vor {days}"
        )
    for days in (35, 21, 4):
        caseload_services.add_measure(
            customer=customer, title=f"Maßnahme {days}", start=TODAY - timedelta(days=days), end=TODAY
        )
    caseload_services.record_suspension(
        customer=customer, by=user, reason="Krank", start=TODAY - timedelta(days=21), end=TODAY - timedelta(days=15)
    )
    offer = make_offer(make_employer(world.coburg), received_on=TODAY - timedelta(days=60))
    early = services.propose(customer=customer, offer=offer, by=user, on=TODAY - timedelta(days=50))
    services.record_outcome(proposal=early, by=user, outcome="rejected", on=TODAY - timedelta(days=1))  # decided late
    whole, cut = customer_timeline(customer)
    assert not cut and len(whole) == 12
    assert whole[0].kind == "outcome"  # a proposal older than every note, decided yesterday
    for limit in range(1, len(whole) + 2):
        # the newest ids, then notes, their activities, measures and suspensions (those among
        # them), proposals (the rule sets are kept per process since the first call)
        with django_assert_max_num_queries(6):
            newest, older = customer_timeline(customer, limit)
        assert [(e.kind, e.item.pk) for e in newest] == [(e.kind, e.item.pk) for e in whole[:limit]]
        assert older == (limit < len(whole))
