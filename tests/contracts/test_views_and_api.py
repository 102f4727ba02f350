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


def test_pages_and_pictures_that_run_scripts_are_refused_and_what_is_stored_always_downloads(
        client_for, people, contract, api_as):
    api = api_as("anna")
    url = f"/api/v1/contracts/{contract.pk}/attachments"
    for name in ("page.html", "logo.svg", "page.htm", "logo.SVG"):
        refused = api("post", url, data={"file": SimpleUploadedFile(name, b"<svg onload=alert(1)>")})
        assert refused.status_code == 422, name
    assert not ContractAttachment.objects.exists()
    # An SVG under an accepted name is stored, and still never rendered from our origin.
    stored = api("post", url, data={"file": SimpleUploadedFile("drawing.xml", b"<svg xmlns='http://www.w3.org/2000/"
                                                                              b"svg' onload='alert(1)'/>")})
    assert stored.status_code == 201
    download = client_for(people["anna"]).get(reverse("contracts:attachment_download", args=[stored.json()["id"]]))
    assert download["Content-Type"] == "application/octet-stream"
    assert download["Content-Disposition"] == 'attachment; filename="drawing.xml"'
    assert download["X-Content-Type-Options"] == "nosniff" and "sandbox" in download["Content-Security-Policy"]


def test_an_attachment_name_loses_its_path_and_control_characters(client_for, people, contract):
    attachment = services.attachment_add(user=people["anna"], contract=contract,
                                         upload=SimpleUploadedFile("../../etc/passwd\x00.pdf", b"%PDF-1.4"))
    assert attachment.name == "passwd.pdf" and "/etc/" not in attachment.file.name
    overridden = services.attachment_add(user=people["anna"], contract=contract,
                                         upload=SimpleUploadedFile("scan\u202egpj.pdf", b"%PDF-1.4"))
    assert overridden.name == "scangpj.pdf"
    download = client_for(people["anna"]).get(reverse("contracts:attachment_download", args=[attachment.pk]))
    assert download["Content-Disposition"] == 'attachment; filename="passwd.pdf"'


def test_a_file_over_the_upload_limit_is_refused_with_413_and_nothing_is_stored(client_for, people, contract,
                                                                                 api_as, settings):
    settings.KAM_UPLOAD_MAX_BYTES = 10_000
    big = SimpleUploadedFile("scan.pdf", b"%PDF-1.4" + b"x" * 20_000)
    page = client_for(people["anna"]).post(reverse("contracts:attachment_add", args=[contract.pk]), {"file": big})
    assert page.status_code == 413 and "larger than 9.8" in page.content.decode()
    big.seek(0)
    answer = api_as("anna")("post", f"/api/v1/contracts/{contract.pk}/attachments", data={"file": big})
    assert answer.status_code == 413 and "larger than 9.8" in answer.json()["detail"]
    assert not ContractAttachment.objects.exists()


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
