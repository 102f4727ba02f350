"""The accounts API: CRUD, field errors as 422, stale versions as 409, bearer tokens."""

import pytest

from keyaccount.accounts.models import Account, Contact
from keyaccount.core import services as core_services


@pytest.fixture
def api(client, people):
    _token, secret = core_services.token_create(user=people["anna"])

    def call(method, path, json=None):
        kwargs = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
        if json is not None:
            kwargs.update(data=json, content_type="application/json")
        return getattr(client, method)(path, **kwargs)

    return call


def test_create_read_update_delete_an_account(api, people):
    created = api("post", "/api/v1/accounts/", {"name": "OOO Vega", "inn": "7707083893", "tags": ["tender"]})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["owner_id"] == people["anna"].pk and body["tags"] == ["tender"] and body["version"] == 1
    updated = api("patch", f"/api/v1/accounts/{body['id']}", {"version": 1, "status": "key",
                                                              "status_reason": "Top client"})
    assert updated.status_code == 200 and updated.json()["status"] == "key" and updated.json()["version"] == 2
    assert api("get", f"/api/v1/accounts/{body['id']}").json()["status"] == "key"
    # Only the head of sales or an administrator deletes accounts.
    assert api("delete", f"/api/v1/accounts/{body['id']}").status_code == 403
    assert Account.objects.filter(pk=body["id"]).exists()


def test_invalid_fields_answer_422_with_the_field_named_and_nothing_saved(api):
    response = api("post", "/api/v1/accounts/", {"name": "X", "inn": "7707083894", "kpp": "1", "website": "ftp://x"})
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert {"inn", "kpp", "website"} <= set(errors)
    assert not Account.objects.exists()


def test_wrong_types_answer_422_not_500(api):
    response = api("post", "/api/v1/accounts/", {"name": ["not", "a", "string"], "founded_year": "soon"})
    assert response.status_code == 422
    assert {"name", "founded_year"} <= set(response.json()["errors"])


def test_a_stale_version_answers_409(api, anna_account):
    assert api("patch", f"/api/v1/accounts/{anna_account.pk}", {"version": 1, "notes": "a"}).status_code == 200
    response = api("patch", f"/api/v1/accounts/{anna_account.pk}", {"version": 1, "notes": "b"})
    assert response.status_code == 409
    assert "changed this record" in response.json()["detail"]
    anna_account.refresh_from_db()
    assert anna_account.notes == "a"


def test_duplicate_inn_answers_422(api, anna_account):
    response = api("post", "/api/v1/accounts/", {"name": "Copy", "inn": anna_account.inn})
    assert response.status_code == 422
    assert "INN already exists" in str(response.json()["errors"])


def test_contacts_with_roles_and_phones(api, anna_account):
    response = api("post", "/api/v1/contacts/", {
        "account_id": anna_account.pk, "last_name": "Orlova", "roles": ["payer", "decision_maker"],
        "phones": ["8 916 123-45-67", {"number": "+7 495 123-45-67", "kind": "work"}]})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["roles"] == ["decision_maker", "payer"]
    assert [p["number"] for p in body["phones"]] == ["+79161234567", "+74951234567"]
    bad = api("post", "/api/v1/contacts/", {"account_id": anna_account.pk, "last_name": "X", "phones": ["call me"],
                                            "emails": ["@"]})
    assert bad.status_code == 422 and {"phones", "emails"} <= set(bad.json()["errors"])
    assert Contact.objects.count() == 1


def test_a_contact_cannot_be_added_to_an_invisible_account(api, people):
    from tests.factories import AccountFactory

    hidden = AccountFactory(owner=people["boris"])
    response = api("post", "/api/v1/contacts/", {"account_id": hidden.pk, "last_name": "X"})
    # The body names an account the user may not see: a bad value of that field, not a missing page.
    assert response.status_code == 422 and "account_id" in response.json()["errors"]


def test_malformed_json_answers_4xx(client, people):
    _token, secret = core_services.token_create(user=people["anna"])
    response = client.post("/api/v1/accounts/", data="{not json", content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert 400 <= response.status_code < 500


def test_a_deactivated_users_token_stops_working_at_once(client, people):
    _token, secret = core_services.token_create(user=people["anna"])
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    assert client.get("/api/v1/accounts/", **auth).status_code == 200
    core_services.user_deactivate(actor=people["admin"], user=people["anna"])
    assert client.get("/api/v1/accounts/", **auth).status_code == 401


def test_unknown_or_revoked_tokens_answer_401(client, people):
    token, secret = core_services.token_create(user=people["anna"])
    core_services.token_revoke(user=people["anna"], token=token)
    assert client.get("/api/v1/accounts/", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401
    assert client.get("/api/v1/accounts/", HTTP_AUTHORIZATION="Bearer kam_nonsense").status_code == 401


def test_only_the_token_hash_is_stored(people):
    token, secret = core_services.token_create(user=people["anna"])
    assert secret not in (token.key_hash, token.prefix + token.key_hash)
    assert token.key_hash == core_services.hash_token(secret)


def test_the_openapi_document_lists_every_entity(client):
    document = client.get("/api/v1/openapi.json").json()
    for path in ("/api/v1/accounts/", "/api/v1/contacts/", "/api/v1/products/", "/api/v1/orders/",
                 "/api/v1/competitors/", "/api/v1/interactions/", "/api/v1/deals/", "/api/v1/proposals/",
                 "/api/v1/contracts/", "/api/v1/obligations/", "/api/v1/plans/", "/api/v1/account-plans/",
                 "/api/v1/weekly-reports/"):
        assert path in document["paths"]
