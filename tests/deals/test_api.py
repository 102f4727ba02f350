"""The deals and proposals API: CRUD, stage moves with field errors, documents, the access rule."""

from decimal import Decimal

import pytest

from keyaccount.deals.models import Deal, Proposal, Stage
from tests.factories import CompetitorFactory, ProductFactory


@pytest.fixture
def api(api_as):
    return api_as("anna")


def test_create_move_update_and_delete_a_deal(api, anna_account):
    created = api("post", "/api/v1/deals/", {"account_id": anna_account.pk, "title": "Boiler house",
                                             "amount": "2500000.00", "expected_close_on": "2026-12-20"})
    assert created.status_code == 201, created.content
    deal = created.json()
    assert deal["probability"] == 10 and deal["stage_id"] == Stage.objects.get(code="first_contact").pk
    lost = Stage.objects.get(code="lost").pk
    refused = api("post", f"/api/v1/deals/{deal['id']}/move", {"stage_id": lost})
    assert refused.status_code == 422 and "loss_reason" in refused.json()["errors"]
    rival = CompetitorFactory()
    moved = api("post", f"/api/v1/deals/{deal['id']}/move", {
        "stage_id": lost, "loss_reason": "competitor", "lost_to_id": rival.pk, "competitor_offer": "-12 %"})
    assert moved.status_code == 200 and moved.json()["lost_to_id"] == rival.pk
    stale = api("patch", f"/api/v1/deals/{deal['id']}", {"version": deal["version"], "title": "x"})
    assert stale.status_code == 409
    listed = api("get", f"/api/v1/deals/?account_id={anna_account.pk}&state=lost").json()
    assert [item["id"] for item in listed["items"]] == [deal["id"]]
    board = api("get", "/api/v1/deals/board").json()
    assert [column["count"] for column in board if column["stage"]["code"] == "lost"] == [1]
    assert api("delete", f"/api/v1/deals/{deal['id']}").status_code == 204
    assert not Deal.objects.exists()


def test_a_move_to_a_stage_that_does_not_exist_is_a_bad_stage_id(api, anna_account):
    deal = api("post", "/api/v1/deals/", {"account_id": anna_account.pk, "title": "Boiler house"}).json()
    refused = api("post", f"/api/v1/deals/{deal['id']}/move", {"stage_id": Stage.objects.order_by("pk").last().pk + 1})
    assert refused.status_code == 422 and list(refused.json()["errors"]) == ["stage_id"]
    assert Deal.objects.get().stage.code == "first_contact"


def test_bad_deals_answer_422_with_their_fields(api, anna_account):
    response = api("post", "/api/v1/deals/", {"account_id": anna_account.pk, "title": "", "amount": "-1",
                                              "probability": 140, "kind": "raffle"})
    assert response.status_code == 422
    assert {"title", "amount", "probability", "kind"} <= set(response.json()["errors"])


def test_proposals_through_the_api_with_documents(api, anna_account):
    pump = ProductFactory(list_price=Decimal("1000"))
    created = api("post", "/api/v1/proposals/", {
        "account_id": anna_account.pk, "title": "Spare parts", "without_vat": True, "language": "en",
        "lines": [{"product_id": pump.pk, "quantity": "3", "discount_percent": "5"}]})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["vat_rate"] is None and body["total"] == "2850.00"
    docx = api("get", f"/api/v1/proposals/{body['id']}/document.docx")
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    pdf = api("get", f"/api/v1/proposals/{body['id']}/document.pdf")
    assert pdf.status_code == 200 and pdf.content[:4] == b"%PDF"
    revised = api("post", f"/api/v1/proposals/{body['id']}/revise")
    assert revised.status_code == 201 and revised.json()["revision"] == 2


@pytest.mark.parametrize("lines,field", [
    ([], "lines"),
    ([{"product_id": 1, "quantity": "1", "discount_percent": "101"}], "lines.0.discount_percent"),
    ([{"product_id": 1, "quantity": "0"}], "lines.0.quantity"),
])
def test_bad_proposals_answer_422_and_save_nothing(api, anna_account, lines, field):
    response = api("post", "/api/v1/proposals/", {"account_id": anna_account.pk, "title": "x", "lines": lines})
    assert response.status_code == 422 and field in response.json()["errors"]
    assert not Proposal.objects.exists()


@pytest.mark.parametrize("username,status", [("boris", 422), ("support", 403), ("analyst", 403), ("head", 201)])
def test_the_access_rule_holds_for_deals(api_as, anna_account, username, status):
    response = api_as(username)("post", "/api/v1/deals/", {"account_id": anna_account.pk, "title": "x"})
    assert response.status_code == status
