"""A documented exception that ends early (or was entered too long) is ended on the customer
page; contacts are due again from the day after."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from caseload import services
from caseload.models import Customer, Suspension
from policies import engine

from .factories import make_customer, world  # noqa: F401

TODAY = date(2026, 3, 10)


@pytest.fixture
def suspended(world):
    # Coburg 2MM from registration 10.01.2026: due 10.03.; an exception until 20.04.
    customer = make_customer(world.team_a, caseworker=world.alice, today=TODAY, registered_on=date(2026, 1, 10))
    suspension, decision = services.record_suspension(
        customer=customer,
        by=world.alice.user,
        reason="Gutachten",
        start=date(2026, 3, 1),
        end=date(2026, 4, 20),
        today=TODAY,
    )
    assert (decision.status, decision.due_by) == (engine.SUSPENDED, date(2026, 4, 20))
    return customer, suspension


def test_ending_an_exception_early_brings_the_due_date_back(suspended):
    customer, suspension = suspended
    decision = services.end_suspension(suspension=suspension, on=date(2026, 3, 5), today=TODAY)
    row = Customer.objects.get(pk=customer.pk)
    assert Suspension.objects.get(pk=suspension.pk).end == date(2026, 3, 5)
    assert (decision.status, row.status_until_due, row.due_by) == (engine.OK, engine.OK, date(2026, 3, 10))


@pytest.mark.parametrize(
    "on, message",
    [
        (date(2026, 2, 28), "Die Ausnahme kann nicht vor ihrem Beginn am 01.03.2026 enden."),
        (date(2026, 5, 1), "Hier endet eine Ausnahme nur vorzeitig, also spätestens am 20.04.2026"),
    ],
)
def test_an_end_before_the_start_or_after_the_documented_end_is_refused(suspended, on, message):
    customer, suspension = suspended
    with pytest.raises(services.ServiceError) as raised:
        services.end_suspension(suspension=suspension, on=on, today=TODAY)
    assert raised.value.message_dict["end"][0].startswith(message)
    assert Suspension.objects.get(pk=suspension.pk).end == date(2026, 4, 20)
    assert Customer.objects.get(pk=customer.pk).status_until_due == engine.SUSPENDED


def test_the_customer_page_offers_it_and_the_form_ends_it(client, world):
    today = timezone.localdate()
    customer = make_customer(world.team_a, caseworker=world.alice, registered_on=today - timedelta(days=30))
    suspension, _ = services.record_suspension(
        customer=customer,
        by=world.alice.user,
        reason="Gutachten",
        start=today - timedelta(days=3),
        end=today + timedelta(days=20),
    )
    client.force_login(world.alice.user)
    url = reverse("suspension_end", args=[customer.pk, suspension.pk])
    assert url in client.get(reverse("customer", args=[customer.pk])).text

    bad = client.post(url, {"end": (today + timedelta(days=30)).strftime("%d.%m.%Y")})
    assert bad.status_code == 400 and "nur vorzeitig" in bad.text
    yesterday = today - timedelta(days=1)
    response = client.post(url, {"end": yesterday.strftime("%d.%m.%Y")}, follow=True)

    assert response.redirect_chain == [(reverse("customer", args=[customer.pk]), 302)]
    assert f"Ausnahme endet am {yesterday:%d.%m.%Y}." in response.text
    assert Suspension.objects.get(pk=suspension.pk).end == yesterday
    assert Customer.objects.get(pk=customer.pk).status_until_due == engine.OK


def test_another_teams_exception_is_a_404(client, world):
    customer = make_customer(world.team_b, caseworker=world.charlie, registered_on=TODAY - timedelta(days=30))
    suspension, _ = services.record_suspension(
        customer=customer,
        by=world.charlie.user,
        reason="Gutachten",
        start=TODAY,
        end=TODAY + timedelta(days=10),
        today=TODAY,
    )
    mine = make_customer(world.team_a, caseworker=world.alice)
    client.force_login(world.alice.user)
    assert client.get(reverse("suspension_end", args=[customer.pk, suspension.pk])).status_code == 404
    # nor through a customer of one's own team
    assert (
        client.post(reverse("suspension_end", args=[mine.pk, suspension.pk]), {"end": TODAY.isoformat()}).status_code
        == 404
    )
    assert Suspension.objects.get(pk=suspension.pk).end == TODAY + timedelta(days=10)
