"""Placement proposals are customer data: in the Art. 15 disclosure with their history."""

from employers import services
from privacy.disclosure import disclosure

from .factories import make_customer, make_employer, make_offer, world  # noqa: F401


def test_the_disclosure_names_the_proposals_with_offer_and_employer(world):
    customer = make_customer(world.team_a, caseworker=world.alice)
    proposal = services.propose(
        customer=customer, offer=make_offer(make_employer(world.coburg, "Spedition Muster")), by=world.alice.user
    )
    data = disclosure(customer).as_json()
    [row] = data["vermittlungsvorschlaege"]
    assert (row["Stellenangebot"], row["Arbeitgeber"], row["Ergebnis"]) == (
        "Kfz-Mechatroniker/in",
        "Spedition Muster",
        "offen",
    )
    assert row["vorgeschlagen von"] == "Alice Fachkraft"
    assert any(e["art"] == "Vermittlungsvorschlag" and e["datensatz"] == proposal.pk for e in data["aenderungsverlauf"])
