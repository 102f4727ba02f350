"""The access rule where the matrix (``test_access_matrix.py``) does not reach: an account shared
with a colleague, calls that matched nobody, visitors who did not sign in, and a colleague whose
share was withdrawn."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from keyaccount.core import services
from tests.factories import share


def test_a_shared_account_is_visible_to_the_colleague_and_editable(people, shared_account, api_as):
    response = api_as("anna")("patch", f"/api/v1/accounts/{shared_account.pk}",
                              {"version": shared_account.version, "notes": "Met the CFO"})
    assert response.status_code == 200
    assert response.json()["notes"] == "Met the CFO"


def test_anonymous_users_are_sent_to_sign_in_and_the_api_answers_401(anna_account, client):
    page = client.get(reverse("accounts:account_detail", args=[anna_account.pk]))
    assert page.status_code == 302 and "/login/" in page["Location"]
    assert client.get("/api/v1/accounts/").status_code == 401


@pytest.mark.parametrize(("username", "visible"), [("anna", True), ("boris", False), ("head", True), ("admin", True),
                                                   ("support", False)])
def test_a_call_that_matched_nobody_is_seen_by_its_people_and_the_dispatchers(username, visible, people, client_for):
    from keyaccount.timeline.models import Interaction

    call = Interaction.objects.create(kind="call", owner=people["anna"], their_number="+79990000000",
                                      match_status="unmatched")
    assert client_for(people[username]).get(f"/timeline/{call.pk}/").status_code == (200 if visible else 404)


@pytest.mark.parametrize("kind", ["task", "obligation"])
def test_a_colleague_whose_share_was_withdrawn_finds_nothing_of_the_account_in_their_calendar(
        kind, people, anna_account, client):
    """Boris was given a task, or made responsible for an obligation, while Anna shared the account
    with him; once the share is withdrawn his calendar feed carries nothing of it."""
    from keyaccount.contracts import services as contract_services
    from keyaccount.timeline import services as timeline_services

    anna, boris = people["anna"], people["boris"]
    colleague = share(anna_account, boris)
    if kind == "task":
        timeline_services.interaction_create(user=anna, account=anna_account, data={
            "kind": "task", "subject": "Send the Petrel price list", "assignee": boris,
            "due_at": timezone.now() + dt.timedelta(days=3)})
    else:
        contract = contract_services.contract_create(user=anna, account=anna_account, data={
            "number": "K-1", "subject": "Supply", "starts_on": timezone.localdate()})
        contract_services.obligation_create(user=anna, contract=contract, data={
            "kind": "delivery", "title": "Deliver the Petrel pumps", "responsible": boris,
            "due_on": timezone.localdate() + dt.timedelta(days=3)})
    colleague.delete()
    feed = client.get(reverse("timeline:calendar_feed", args=[services.calendar_key_rotate(user=boris)]))
    assert feed.status_code == 200
    assert "Petrel" not in feed.content.decode(), f"Boris's calendar still carries the {kind} of Anna's account"
