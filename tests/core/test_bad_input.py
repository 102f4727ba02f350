"""No input of any kind gives a 500: absurd ids, NUL characters, huge pages, wrong types, on every
list and detail, through the UI and the API, on both databases."""

import pytest

from keyaccount.core import services

HUGE = "9" * 30
# Each page and the status it answers: a record no one can have is 404; a bad filter is dropped
# and the list answers 200 without it.
UI_URLS = [
    (f"/accounts/?owner={HUGE}", 200),
    (f"/accounts/{HUGE}/", 404),
    (f"/orders/?account={HUGE}", 200),
    (f"/accounts/?page={HUGE}", 200),
    (f"/accounts/contacts/{HUGE}/", 404),
    (f"/accounts/{{account}}/history/?actor={HUGE}", 200),
    ("/accounts/?q=%00", 200),
    ("/accounts/?q=a%00b", 200),
    ("/accounts/contacts/?q=%00", 200),
    ("/catalog/?q=%00", 200),
    ("/accounts/competitors/?q=%00", 200),
    ("/orders/?q=%00", 200),
    ("/orders/?date_from=31.02.2026", 200),
    ("/accounts/?sort=-evil", 200),
    (f"/orders/{HUGE}/", 404),
    (f"/catalog/{HUGE}/", 404),
    (f"/deals/?owner={HUGE}", 200),
    ("/deals/?q=%00", 200),
    (f"/deals/list/?stage={HUGE}&close_from=31.02.2026&sort=-evil", 200),
    (f"/deals/{HUGE}/", 404),
    (f"/deals/{HUGE}/move/", 404),
    (f"/deals/proposals/{HUGE}/", 404),
    ("/deals/proposals/?q=%00&status=x", 200),
    (f"/deals/proposals/{HUGE}/document.docx", 404),
    ("/deals/templates/default/xx.docx", 404),
    (f"/contracts/{HUGE}/", 404),
    (f"/contracts/list/?account={HUGE}&ends_before=x", 200),
    ("/contracts/obligations/?due=never&side=x", 200),
    (f"/contracts/files/{HUGE}/", 404),
    (f"/planning/?year={HUGE}&period_kind=x", 200),
    (f"/planning/account-plans/{HUGE}/", 404),
    (f"/planning/account-plans/?year=-1&account={HUGE}", 200),
    (f"/planning/reports/{HUGE}/", 404),
    ("/planning/reports/?week_from=x", 200),
    (f"/planning/account-plans/accounts/{HUGE}/new/", 404),
    (f"/deals/accounts/{HUGE}/new/", 404),
]
# The API answers a value its schema refuses with 422, a record no one can have with 404.
API_URLS = [
    (f"/api/v1/accounts/?owner={HUGE}", 422),
    (f"/api/v1/orders/?account_id={HUGE}", 422),
    (f"/api/v1/contacts/?account_id={HUGE}", 422),
    (f"/api/v1/accounts/?limit={HUGE}", 422),
    (f"/api/v1/accounts/?offset={HUGE}", 422),
    ("/api/v1/accounts/?q=%00", 422),
    ("/api/v1/products/?q=%00", 422),
    ("/api/v1/competitors/?q=%00", 422),
    (f"/api/v1/accounts/{HUGE}", 404),
    ("/api/v1/orders/?status=x", 422),
    (f"/api/v1/deals/?stage_id={HUGE}", 422),
    ("/api/v1/deals/?q=%00&state=x", 422),
    (f"/api/v1/deals/{HUGE}", 404),
    (f"/api/v1/proposals/{HUGE}/document.pdf", 404),
    (f"/api/v1/contracts/?account_id={HUGE}", 422),
    ("/api/v1/obligations/?due=x", 422),
    (f"/api/v1/plans/?year={HUGE}", 422),
    (f"/api/v1/plans/{HUGE}/progress", 404),
    (f"/api/v1/account-plans/{HUGE}/picture", 404),
    (f"/api/v1/weekly-reports/{HUGE}", 404),
    ("/api/v1/deals/board?kind=x", 422),
]


@pytest.mark.parametrize(("url", "status"), UI_URLS)
def test_pages_answer_absurd_input_without_a_server_error(url, status, people, anna_account, client_for):
    client = client_for(people["anna"])
    client.raise_request_exception = False
    assert client.get(url.format(account=anna_account.pk)).status_code == status


@pytest.mark.parametrize(("url", "status"), API_URLS)
def test_the_api_answers_absurd_input_with_4xx(url, status, people, anna_account, client):
    _token, secret = services.token_create(user=people["anna"])
    client.raise_request_exception = False
    response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == status, response.content
    if status == 422:
        assert response.json()["errors"], response.content


@pytest.mark.parametrize("payload", [
    {"name": "A\x00B"},
    {"name": "Vega", "tags": ["ok", "bad\x00"]},
    {"name": "Vega", "owner_id": int(HUGE)},
    {"name": "Vega", "shared_with": [int(HUGE)]},
    {"name": "Vega", "founded_year": 10**30},
    {"name": "x" * 5000},
])
def test_account_bodies_that_cannot_be_stored_answer_422(payload, people, client):
    _token, secret = services.token_create(user=people["anna"])
    client.raise_request_exception = False
    response = client.post("/api/v1/accounts/", data=payload, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 422, response.content


def test_financial_indicators_with_nul_or_huge_numbers_answer_422(people, anna_account, client):
    _token, secret = services.token_create(user=people["anna"])
    client.raise_request_exception = False
    for payload in ({"year": 2025, "extra": {"note": "a\x00"}}, {"year": 2025, "revenue": "1e30"},
                    {"year": 10**12}):
        response = client.post(f"/api/v1/accounts/{anna_account.pk}/financials", data=payload,
                               content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {secret}")
        assert response.status_code == 422, (payload, response.content)


def test_a_related_id_that_names_nothing_is_a_422_on_its_field(people, anna_account, api_as):
    """A contract with an unknown deal and a complaint with an unknown contact answered 500."""
    api = api_as("anna")
    contract = api("post", "/api/v1/contracts/", {"account_id": anna_account.pk, "number": "K-1", "subject": "Supply",
                                                  "starts_on": "2026-01-01", "deal_id": 999999})
    assert contract.status_code == 422 and "deal" in contract.json()["errors"]
    feedback = api("post", "/api/v1/feedback/", {"account_id": anna_account.pk, "subject": "Late",
                                                 "text": "Twice", "contact_id": 999999})
    assert feedback.status_code == 422 and "contact" in feedback.json()["errors"]
    plan = api("post", "/api/v1/account-plans/", {"account_id": anna_account.pk, "year": 2026})
    initiative = api("post", f"/api/v1/account-plans/{plan.json()['id']}/initiatives",
                     {"title": "Second plant", "owner_id": 999999})
    assert initiative.status_code == 422 and "owner" in initiative.json()["errors"]


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1899-12-31", "2200-01-01"])
def test_dates_at_the_ends_of_the_calendar_are_refused_with_the_span(day, people, anna_account, api_as, client_for):
    """They overflowed date arithmetic (reminders, renewals) into a 500."""
    response = api_as("anna")("post", "/api/v1/contracts/", {
        "account_id": anna_account.pk, "number": "K-2", "subject": "Supply", "starts_on": "2026-01-01",
        "ends_on": day, "auto_renewal": True})
    assert response.status_code == 422 and "ends_on" in response.json()["errors"]
    page = client_for(people["anna"]).post(f"/contracts/accounts/{anna_account.pk}/new/", {
        "number": "K-3", "subject": "Supply", "starts_on": day, "owner": people["anna"].pk, "notice_days": 30,
        "remind_days_before": 14, "currency": "RUB", "status": "active"})
    assert page.status_code == 200 and "Give a date between 1900-01-01 and 2199-12-31" in page.content.decode()


def test_a_date_time_without_a_zone_is_read_in_the_users_zone(people, anna_account, api_as):
    """It answered 500 on the interactions endpoint."""
    people["anna"].time_zone = "Asia/Yekaterinburg"
    people["anna"].save()
    response = api_as("anna")("post", "/api/v1/interactions/", {
        "kind": "meeting", "account_id": anna_account.pk, "subject": "Visit", "starts_at": "2026-12-10T12:00:00"})
    assert response.status_code == 201, response.content
    assert response.json()["starts_at"].startswith("2026-12-10T07:00:00")  # 12:00 in Yekaterinburg is 07:00 UTC


def test_an_api_path_that_does_not_exist_answers_json(people, api_as):
    response = api_as("anna")("get", "/api/v1/account-plans/1/initiatives/x")
    assert response.status_code == 404 and response.json() == {"detail": "Not found."}
