"""The interactions API: CRUD with field errors, the queue, imports with errors by line."""

import pytest

from keyaccount.core import services as core_services
from keyaccount.timeline.models import Interaction
from tests.timeline.test_importers import MASTER_CSV


@pytest.fixture
def api(client, people):
    _token, secret = core_services.token_create(user=people["anna"])

    def call(method, path, json=None, **kwargs):
        if json is not None:
            kwargs.update(data=json, content_type="application/json")
        return getattr(client, method)(path, HTTP_AUTHORIZATION=f"Bearer {secret}", **kwargs)

    return call


def test_create_filter_update_delete_an_interaction(api, anna_account, anna_contact):
    created = api("post", "/api/v1/interactions/", {
        "kind": "meeting", "account_id": anna_account.pk, "subject": "Review", "starts_at": "2026-03-10T12:00:00Z",
        "ends_at": "2026-03-10T13:00:00Z", "contacts": [anna_contact.pk], "travel_minutes": 30})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["contacts"] == [anna_contact.pk] and body["meeting_status"] == "planned"
    listed = api("get", f"/api/v1/interactions/?account_id={anna_account.pk}&kind=meeting").json()
    assert [item["id"] for item in listed["items"]] == [body["id"]]
    assert api("get", "/api/v1/interactions/?kind=call").json()["count"] == 0
    closed = api("patch", f"/api/v1/interactions/{body['id']}", {
        "version": body["version"], "actual_start_at": "2026-03-10T12:07:00Z", "meeting_status": "held"})
    assert closed.status_code == 200 and closed.json()["lateness_minutes"] == 7
    assert api("patch", f"/api/v1/interactions/{body['id']}", {"version": body["version"]}).status_code == 409
    assert api("delete", f"/api/v1/interactions/{body['id']}").status_code == 204


def test_a_meeting_given_only_its_start_lasts_an_hour_through_the_api_too(api, anna_account):
    created = api("post", "/api/v1/interactions/", {
        "kind": "meeting", "account_id": anna_account.pk, "subject": "Review", "starts_at": "2026-03-10T12:00:00Z"})
    assert created.status_code == 201, created.content
    assert created.json()["ends_at"].startswith("2026-03-10T13:00:00")


def test_bad_interactions_answer_422_with_fields(api, anna_account):
    response = api("post", "/api/v1/interactions/", {
        "kind": "party", "account_id": anna_account.pk, "travel_minutes": -1, "starts_at": "yesterday"})
    assert response.status_code == 422
    assert {"kind", "travel_minutes", "starts_at"} <= set(response.json()["errors"])
    response = api("post", "/api/v1/interactions/", {"kind": "task", "account_id": anna_account.pk, "subject": ""})
    assert response.status_code == 422 and "subject" in response.json()["errors"]
    assert not Interaction.objects.exists()


def test_importing_a_call_log_through_the_api(api, people):
    from django.core.files.uploadedfile import SimpleUploadedFile

    report = api("post", "/api/v1/interactions/calls/import", data={
        "file": SimpleUploadedFile("Master.csv", MASTER_CSV.encode()), "file_format": "asterisk"})
    assert report.status_code == 200, report.content
    assert report.json()["created"] == 3
    queue = api("get", "/api/v1/interactions/queue").json()
    assert queue["count"] == 3
    bad = api("post", "/api/v1/interactions/calls/import", data={
        "file": SimpleUploadedFile("Master.csv", b'"","1"\n'), "file_format": "asterisk"})
    assert bad.status_code == 422 and "Line 1: 2 columns" in str(bad.json()["errors"])
