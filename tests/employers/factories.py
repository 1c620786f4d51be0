"""Builders for the employer-service tests; personas come from tests/caseload/factories.py
(alice, bob, charlie in Coburg Land; dave in Weimarer Land), plus erin: the employer service
(AG-S) of Coburg Land, in a team of her own."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from caseload.models import Staff
from employers import services

from ..appointments.factories import at, make_office, next_weekday  # noqa: F401
from ..caseload.factories import make_customer, make_staff, make_team, world  # noqa: F401


@pytest.fixture
def erin(world) -> Staff:
    return make_staff("erin", make_team(world.coburg, "Arbeitgeberservice"), Staff.EMPLOYER_SERVICE)


def make_employer(centre, name="Autohaus Beispiel GmbH", by=None, **fields):
    return services.create_employer(job_centre_id=centre.pk, by=by, name=name, **fields)


def make_offer(employer, by=None, title="Kfz-Mechatroniker/in", **fields):
    fields.setdefault("received_on", timezone.localdate() - timedelta(days=10))
    return services.save_offer(employer=employer, by=by, title=title, **fields)


def DAY():  # a Tuesday at least a week ahead
    return next_weekday(1, timezone.localdate() + timedelta(days=7))
