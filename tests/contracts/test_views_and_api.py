"""Contract control in pages and the API: the due-and-overdue list, the account's contracts, files,
one-click fulfilment, CRUD with field errors and the access rule."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from keyaccount.contracts import services
from keyaccount.contracts.models import Contract, ContractAttachment


@pytest.fixture
def contract(people, anna_account):
    return services.contract_create(user=people["anna"], account=anna_account, data={
        "number": "7-K", "subject": "Service", "starts_on": dt.date(2026, 1, 1)})


@pytest.fixture
def overdue(people, contract):
    return services.obligation_create(user=people["anna"], contract=contract, data={
        "kind": "report", "title": "Monthly report", "due_on": timezone.localdate() - dt.timedelta(days=2)})


def test_the_control_page_lists_overdue_and_fulfilling_takes_one_click(client_for, people, overdue):
    client = client_for(people["head"])
    page = client.get(reverse("contracts:control")).content.decode()
    assert "Monthly report" in page
    response = client.post(reverse("contracts:obligation_fulfil", args=[overdue.pk]), {
        "version": overdue.version, "evidence": "Sent on the 3rd", "next": reverse("contracts:control")})
    assert response.status_code == 302 and response["Location"] == reverse("contracts:control")
    overdue.refresh_from_db()
    assert overdue.status == "done" and overdue.evidence == "Sent on the 3rd"
    assert client_for(people["support"]).get(reverse("contracts:control")).status_code == 404


def test_the_account_page_shows_its_contract_control(client_for, people, overdue, anna_account):
    page = client_for(people["anna"]).get(anna_account.get_absolute_url()).content.decode()
    assert "7-K" in page and "1 overdue" in page


def test_files_attach_and_download_and_programs_are_refused(client_for, people, contract):
    client = client_for(people["anna"])
    url = reverse("contracts:attachment_add", args=[contract.pk])
    client.post(url, {"file": SimpleUploadedFile("run.exe", b"MZ...")})
    assert not ContractAttachment.objects.exists()
    client.post(url, {"file": SimpleUploadedFile("Договор 7-K.pdf", b"%PDF-1.4 scan")})
    attachment = ContractAttachment.objects.get()
    download = client.get(reverse("contracts:attachment_download", args=[attachment.pk]))
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == b"%PDF-1.4 scan"
    assert client_for(people["boris"]).get(reverse("contracts:attachment_download",
                                                   args=[attachment.pk])).status_code == 404


def test_contracts_and_obligations_through_the_api(api_as, anna_account):
    api = api_as("anna")
    created = api("post", "/api/v1/contracts/", {"account_id": anna_account.pk, "number": "9", "subject": "Supply",
                                                 "starts_on": "2026-02-01", "ends_on": "2027-01-31",
                                                 "auto_renewal": True, "renewal_months": 12})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["notice_deadline"] == "2027-01-01"
    refused = api("post", "/api/v1/obligations/", {"contract_id": body["id"], "kind": "delivery", "title": "Early",
                                                   "due_on": "2026-01-15"})
    assert refused.status_code == 422 and "due_on" in refused.json()["errors"]
    obligation = api("post", "/api/v1/obligations/", {"contract_id": body["id"], "kind": "payment",
                                                      "title": "Advance", "due_on": "2026-02-10", "side": "client"})
    assert obligation.status_code == 201
    listed = api("get", "/api/v1/obligations/?due=overdue").json()
    assert [item["title"] for item in listed["items"]] == ["Advance"]
    done = api("patch", f"/api/v1/obligations/{obligation.json()['id']}", {
        "version": obligation.json()["version"], "status": "done", "evidence": "Payment order 311"})
    assert done.status_code == 200 and done.json()["done_on"] is not None
    assert api("get", "/api/v1/obligations/?due=overdue").json()["count"] == 0
    duplicate = api("post", "/api/v1/contracts/", {"account_id": anna_account.pk, "number": "9", "subject": "x",
                                                   "starts_on": "2026-02-01"})
    assert duplicate.status_code == 422 and "number" in duplicate.json()["errors"]
    backwards = api("post", "/api/v1/contracts/", {"account_id": anna_account.pk, "number": "10", "subject": "x",
                                                   "starts_on": "2026-02-01", "ends_on": "2026-01-01"})
    assert backwards.status_code == 422
    assert Contract.objects.count() == 1


@pytest.mark.parametrize("username,status", [("anna", 200), ("boris", 404), ("support", 404), ("analyst", 200),
                                             ("other_head", 404), ("head", 200)])
def test_the_access_rule_holds_for_contracts(api_as, contract, username, status):
    assert api_as(username)("get", f"/api/v1/contracts/{contract.pk}").status_code == status
