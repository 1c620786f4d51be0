import pytest
from django.core.management import call_command


@pytest.fixture
def rulesets(db):
    """The seeds' job centres and rule sets, as `fixtures/rulesets.json` states them."""
    call_command("loaddata", "rulesets", verbosity=0)


@pytest.fixture
def policies(rulesets):
    """The engine's view of the fixture: {slug: engine.JobCentre}."""
    from policies.loading import load_policy_by_slug

    return load_policy_by_slug()
