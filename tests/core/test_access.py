"""The access matrix: for every role and entity, the UI and the API show exactly what the one access
rule allows. Anything a user may not see answers 404, in lists it is simply absent."""

import pytest
from django.urls import reverse

from keyaccount.core import services

# Who sees Anna's private account (owned by Anna, not shared, team "Key accounts").
SEES_ACCOUNT = {"anna": True, "boris": False, "head": True, "other_head": False, "support": True,
                "analyst": True, "admin": True}
# Orders follow the account, but support agents never see orders.
SEES_ORDER = {**SEES_ACCOUNT, "support": False}
ROLES = list(SEES_ACCOUNT)


@pytest.fixture
def api_for(client, people):
    def call(username, method, path, **kwargs):
        _token, secret = services.token_create(user=people[username])
        return getattr(client, method)(path, HTTP_AUTHORIZATION=f"Bearer {secret}", **kwargs)

    return call


@pytest.mark.parametrize("username", ROLES)
def test_account_detail_page_follows_the_rule(username, people, anna_account, client_for):
    response = client_for(people[username]).get(reverse("accounts:account_detail", args=[anna_account.pk]))
    assert response.status_code == (200 if SEES_ACCOUNT[username] else 404)
    if SEES_ACCOUNT[username]:
        assert "OOO Severstal Trade" in response.content.decode()


@pytest.mark.parametrize("username", ROLES)
def test_account_list_and_search_follow_the_rule(username, people, anna_account, client_for):
    client = client_for(people[username])
    listed = client.get(reverse("accounts:account_list")).content.decode()
    found = client.get(reverse("accounts:account_list"), {"q": "severstal"}).content.decode()
    assert ("OOO Severstal Trade" in listed) is SEES_ACCOUNT[username]
    assert ("OOO Severstal Trade" in found) is SEES_ACCOUNT[username]


@pytest.mark.parametrize("username", ROLES)
def test_account_export_follows_the_rule(username, people, anna_account, client_for):
    response = client_for(people[username]).get(reverse("accounts:account_export"), {"format": "csv"})
    content = b"".join(response.streaming_content).decode()
    assert ("OOO Severstal Trade" in content) is SEES_ACCOUNT[username]


@pytest.mark.parametrize("username", ROLES)
def test_contact_page_and_list_follow_the_rule(username, people, anna_contact, client_for):
    client = client_for(people[username])
    detail = client.get(reverse("accounts:contact_detail", args=[anna_contact.pk]))
    assert detail.status_code == (200 if SEES_ACCOUNT[username] else 404)
    listed = client.get(reverse("accounts:contact_list")).content.decode()
    assert ("Petrova" in listed) is SEES_ACCOUNT[username]


@pytest.mark.parametrize("username", ROLES)
def test_order_page_and_list_follow_the_rule(username, people, anna_order, client_for):
    client = client_for(people[username])
    detail = client.get(reverse("orders:order_detail", args=[anna_order.pk]))
    assert detail.status_code == (200 if SEES_ORDER[username] else 404)
    listed = client.get(reverse("orders:order_list")).content.decode()
    assert ("ORD-ANNA-1" in listed) is SEES_ORDER[username]


@pytest.mark.parametrize("username", ROLES)
def test_api_follows_the_rule_for_every_entity(username, people, anna_account, anna_contact, anna_order,
                                               api_for):
    expectations = [
        (f"/api/v1/accounts/{anna_account.pk}", "/api/v1/accounts/", SEES_ACCOUNT[username]),
        (f"/api/v1/contacts/{anna_contact.pk}", "/api/v1/contacts/", SEES_ACCOUNT[username]),
        (f"/api/v1/orders/{anna_order.pk}", "/api/v1/orders/", SEES_ORDER[username]),
    ]
    for detail_path, list_path, visible in expectations:
        detail = api_for(username, "get", detail_path)
        assert detail.status_code == (200 if visible else 404), detail_path
        ids = [item["id"] for item in api_for(username, "get", list_path).json()["items"]]
        assert (int(detail_path.rsplit("/", 1)[1]) in ids) is visible, list_path


@pytest.mark.parametrize("username", ROLES)
def test_everyone_signed_in_sees_the_catalog_and_competitors(username, people, api_for):
    from tests.factories import CompetitorFactory, ProductFactory

    product, competitor = ProductFactory(), CompetitorFactory()
    assert api_for(username, "get", f"/api/v1/products/{product.pk}").status_code == 200
    assert api_for(username, "get", f"/api/v1/competitors/{competitor.pk}").status_code == 200


def test_a_shared_account_is_visible_to_the_colleague_and_editable(people, shared_account, api_for):
    response = api_for("anna", "patch", f"/api/v1/accounts/{shared_account.pk}",
                       data={"version": shared_account.version, "notes": "Met the CFO"},
                       content_type="application/json")
    assert response.status_code == 200
    assert response.json()["notes"] == "Met the CFO"


@pytest.mark.parametrize("username,status", [("analyst", 403), ("support", 403), ("boris", 404)])
def test_users_who_may_not_edit_an_account_are_refused(username, status, people, anna_account, api_for):
    response = api_for(username, "patch", f"/api/v1/accounts/{anna_account.pk}",
                       data={"version": anna_account.version, "notes": "x"}, content_type="application/json")
    assert response.status_code == status
    anna_account.refresh_from_db()
    assert anna_account.notes == ""


def test_support_sees_no_finances_or_orders_on_the_account_page(people, anna_account, anna_order, client_for):
    page = client_for(people["support"]).get(reverse("accounts:account_detail", args=[anna_account.pk]))
    html = page.content.decode()
    assert 'id="financials"' not in html
    assert "ORD-ANNA-1" not in html
    assert client_for(people["support"]).get(
        f"/api/v1/accounts/{anna_account.pk}/financials").status_code in (401, 404)


def test_anonymous_users_are_sent_to_sign_in_and_the_api_answers_401(anna_account, client):
    page = client.get(reverse("accounts:account_detail", args=[anna_account.pk]))
    assert page.status_code == 302 and "/login/" in page["Location"]
    assert client.get("/api/v1/accounts/").status_code == 401


@pytest.fixture
def anna_note(people, anna_account):
    from keyaccount.timeline.models import Interaction

    return Interaction.objects.create(kind="note", account=anna_account, owner=people["anna"], subject="Secret plans")


@pytest.mark.parametrize("username", ROLES)
def test_interactions_follow_their_account_in_pages_and_api(username, people, anna_note, client_for, api_for):
    client = client_for(people[username])
    assert client.get(f"/timeline/{anna_note.pk}/").status_code == (200 if SEES_ACCOUNT[username] else 404)
    assert client.get(f"/timeline/accounts/{anna_note.account_id}/").status_code == (
        200 if SEES_ACCOUNT[username] else 404)
    assert api_for(username, "get", f"/api/v1/interactions/{anna_note.pk}").status_code == (
        200 if SEES_ACCOUNT[username] else 404)
    ids = [item["id"] for item in api_for(username, "get", "/api/v1/interactions/").json()["items"]]
    assert (anna_note.pk in ids) is SEES_ACCOUNT[username]


@pytest.mark.parametrize("username,visible", [("anna", True), ("boris", False), ("head", True), ("admin", True),
                                              ("support", False)])
def test_a_call_that_matched_nobody_is_seen_by_its_people_and_the_dispatchers(username, visible, people, client_for):
    from keyaccount.timeline.models import Interaction

    call = Interaction.objects.create(kind="call", owner=people["anna"], their_number="+79990000000",
                                      match_status="unmatched")
    assert client_for(people[username]).get(f"/timeline/{call.pk}/").status_code == (200 if visible else 404)


# Deals, proposals, contracts, obligations and account plans are commercial: they follow the
# account, and roles that never see finances (support) see none of them.
SEES_COMMERCIAL = SEES_ORDER


@pytest.fixture
def anna_deal(people, anna_account):
    from keyaccount.deals import services as deal_services

    return deal_services.deal_create(user=people["anna"], account=anna_account, data={"title": "Anna's boiler"})


@pytest.mark.parametrize("username", ROLES)
def test_deals_follow_their_account_in_pages_and_api(username, people, anna_deal, client_for, api_for):
    client = client_for(people[username])
    assert client.get(anna_deal.get_absolute_url()).status_code == (200 if SEES_COMMERCIAL[username] else 404)
    listed = client.get(reverse("deals:deal_list"))
    assert ("Anna&#x27;s boiler" in listed.content.decode()) is SEES_COMMERCIAL[username]
    assert api_for(username, "get", f"/api/v1/deals/{anna_deal.pk}").status_code == (
        200 if SEES_COMMERCIAL[username] else 404)
    ids = [item["id"] for item in api_for(username, "get", "/api/v1/deals/").json()["items"]]
    assert (anna_deal.pk in ids) is SEES_COMMERCIAL[username]


@pytest.mark.parametrize("username", ROLES)
def test_proposals_contracts_obligations_and_account_plans_follow_their_account(username, people, anna_account,
                                                                                api_for):
    import datetime as dt

    from keyaccount.contracts import services as contract_services
    from keyaccount.deals import services as deal_services
    from keyaccount.planning import services as planning_services
    from tests.factories import ProductFactory

    anna = people["anna"]
    proposal = deal_services.proposal_create(user=anna, account=anna_account, data={
        "title": "Offer", "lines": [{"product": ProductFactory(), "quantity": 1}]})
    contract = contract_services.contract_create(user=anna, account=anna_account, data={
        "number": "A-1", "subject": "Supply", "starts_on": dt.date(2026, 1, 1)})
    obligation = contract_services.obligation_create(user=anna, contract=contract, data={
        "kind": "payment", "title": "Advance", "due_on": dt.date(2026, 2, 1)})
    plan = planning_services.account_plan_create(user=anna, account=anna_account, data={"year": 2026})
    visible = SEES_COMMERCIAL[username]
    for detail_path, list_path in [(f"/api/v1/proposals/{proposal.pk}", "/api/v1/proposals/"),
                                   (f"/api/v1/contracts/{contract.pk}", "/api/v1/contracts/"),
                                   (f"/api/v1/obligations/{obligation.pk}", "/api/v1/obligations/"),
                                   (f"/api/v1/account-plans/{plan.pk}", "/api/v1/account-plans/")]:
        assert api_for(username, "get", detail_path).status_code == (200 if visible else 404), detail_path
        ids = [item["id"] for item in api_for(username, "get", list_path).json()["items"]]
        assert (int(detail_path.rsplit("/", 1)[1]) in ids) is visible, list_path


@pytest.mark.parametrize("username", ROLES)
def test_feedback_tickets_and_surveys_follow_the_rule(username, people, anna_account, anna_contact, client_for,
                                                      api_for):
    """What clients say follows their account, support agents included (they see people, and what
    the people said, never finances)."""
    from keyaccount.accounts.models import ContactConsent, ContactEmail
    from keyaccount.feedback import services as feedback_services
    from keyaccount.feedback import support, surveys

    record = feedback_services.feedback_create(user=people["anna"], account=anna_account, data={
        "subject": "Late pallets", "text": "…"})
    ticket = support.ticket_create(user=people["anna"], account=anna_account, contact=anna_contact, data={
        "subject": "Login fails", "body": "…"})
    ContactEmail.objects.create(contact=anna_contact, email="p@example.com")
    ContactConsent.objects.create(contact=anna_contact, purpose="surveys", given_on="2026-01-01", source="form",
                                  text_version="1")
    survey = surveys.survey_send(user=people["anna"], account=anna_account, contact=anna_contact)
    client = client_for(people[username])
    expected = 200 if SEES_ACCOUNT[username] else 404
    assert client.get(record.get_absolute_url()).status_code == expected
    assert client.get(ticket.get_absolute_url()).status_code == expected
    assert ("Late pallets" in client.get(reverse("feedback:feedback_list")).content.decode()) is SEES_ACCOUNT[username]
    assert ("Login fails" in client.get(reverse("feedback:ticket_list")).content.decode()) is SEES_ACCOUNT[username]
    assert api_for(username, "get", f"/api/v1/feedback/{record.pk}").status_code == expected
    assert api_for(username, "get", f"/api/v1/tickets/{ticket.pk}").status_code == expected
    assert api_for(username, "get", f"/api/v1/surveys/{survey.pk}").status_code == expected
    assert api_for(username, "get", f"/api/v1/loyalty/accounts/{anna_account.pk}").status_code == expected
