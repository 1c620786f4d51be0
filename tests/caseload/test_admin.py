"""The caseload admin: corrections recompute the due date; no names in search URLs."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from caseload.admin import CustomerAdmin
from caseload.models import Customer

from ..policies.test_admin import form_data
from .factories import make_customer, world  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def test_changing_a_customers_facts_in_the_admin_recomputes_the_due_date(client, world):
    today = timezone.localdate()
    customer = make_customer(world.team_a, caseworker=world.alice, registered_on=today - timedelta(days=10))
    assert customer.due_code == "2MM"
    client.force_login(world.admin)
    url = reverse("admin:caseload_customer_change", args=[customer.pk])
    data = form_data(client.get(url))
    data["profile"] = "market_far"  # Coburg: Ü25, arbeitslos, nicht marktnah -> 3MM

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    stored = Customer.objects.get(pk=customer.pk)
    assert (stored.profile, stored.due_code) == ("market_far", "3MM")
    assert stored.history.first().profile == "market_far"


def test_the_admin_writes_through_the_services_with_version_and_audit(client, world):
    from audit.models import Event

    customer = make_customer(world.team_a, caseworker=world.alice)
    client.force_login(world.admin)
    url = reverse("admin:caseload_customer_change", args=[customer.pk])
    data = form_data(client.get(url))
    data["caseworker"] = str(world.bob.pk)
    data["phone"] = "09561 42"

    assert client.post(url, data).status_code == 302

    stored = Customer.objects.get(pk=customer.pk)
    assert (stored.caseworker_id, stored.phone, stored.version) == (world.bob.pk, "09561 42", 2)
    assert stored.history.first().history_user_id == world.admin.pk
    assert Event.objects.filter(action=Event.CUSTOMER_CHANGED, customer_id=customer.pk, user_id=world.admin.pk).exists()


def test_a_customer_added_in_the_admin_gets_its_due_date(client, world):
    client.force_login(world.admin)
    url = reverse("admin:caseload_customer_add")
    data = form_data(client.get(url))
    today = timezone.localdate()
    data.update(
        {
            "job_centre": str(world.coburg.pk),
            "team": str(world.team_a.pk),
            "number": "777001",
            "first_name": "Neu",
            "last_name": "Kundin",
            "birth_date": "1985-04-03",
            "registered_on": (today - timedelta(days=5)).isoformat(),
            "employment": "unemployed",
            "profile": "market_close",
            "care": "placement",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    created = Customer.objects.get(number="777001")
    assert (created.due_code, created.status_until_due) == ("2MM", "ok")


def test_a_team_of_another_job_centre_is_refused_and_nothing_is_saved(client, world):
    customer = make_customer(world.team_a, caseworker=world.alice)
    client.force_login(world.admin)
    url = reverse("admin:caseload_customer_change", args=[customer.pk])
    data = form_data(client.get(url))
    data["team"] = str(world.weimar_team.pk)

    response = client.post(url, data)

    assert response.status_code == 200
    assert "Das Team gehört zu einem anderen Jobcenter." in response.text
    assert Customer.objects.get(pk=customer.pk).team_id == world.team_a.pk


def test_customers_are_searched_by_number_only():
    assert CustomerAdmin.search_fields == ["=number"]


def test_every_caseload_admin_page_renders(client, world):
    customer = make_customer(world.team_a, caseworker=world.alice)
    client.force_login(world.admin)
    for name in ("team", "staff", "acquisitionsource", "customer"):
        assert client.get(reverse(f"admin:caseload_{name}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:caseload_{name}_add")).status_code == 200
    assert client.get(reverse("admin:caseload_customer_change", args=[customer.pk])).status_code == 200
    assert (
        client.get(reverse("admin:caseload_customer_changelist"), {"q": customer.number}).context["cl"].result_count
        == 1
    )
