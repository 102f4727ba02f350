"""A record that others still refer to is not deleted, and the user is told what holds it — on the page
and in the API — instead of a server error (core.editing.delete_or_explain)."""

import pytest
from django.urls import reverse

from keyaccount.accounts.models import Account
from keyaccount.core.models import AuditAction, AuditEntry
from keyaccount.timeline import services as timeline_services
from tests.factories import AccountFactory


@pytest.fixture
def account_with_a_note(people):
    account = AccountFactory(owner=people["anna"], team=people["anna"].team)
    timeline_services.interaction_create(user=people["anna"], account=account,
                                         data={"kind": "note", "summary": "Asked for the price list"})
    return account


def deletions_of(account) -> int:
    return AuditEntry.objects.filter(action=AuditAction.DELETE, object_id=str(account.pk)).count()


@pytest.mark.django_db
def test_the_page_says_what_holds_the_account_and_keeps_it(client, people, account_with_a_note):
    client.force_login(people["admin"])
    response = client.post(reverse("accounts:account_delete", args=[account_with_a_note.pk]))
    assert response.status_code == 400
    assert "It cannot be deleted while other records refer to it (interactions: 1)" in response.text
    assert Account.objects.filter(pk=account_with_a_note.pk).exists()
    assert deletions_of(account_with_a_note) == 0


@pytest.mark.django_db
def test_the_api_answers_422_with_the_reason_and_keeps_the_account(api_as, account_with_a_note):
    response = api_as("admin")("delete", f"/api/v1/accounts/{account_with_a_note.pk}")
    assert response.status_code == 422
    assert "interactions: 1" in str(response.json())
    assert Account.objects.filter(pk=account_with_a_note.pk).exists()
    assert deletions_of(account_with_a_note) == 0


@pytest.mark.django_db
def test_an_account_nothing_refers_to_is_deleted(client, people):
    account = AccountFactory(owner=people["anna"], team=people["anna"].team)
    client.force_login(people["admin"])
    response = client.post(reverse("accounts:account_delete", args=[account.pk]))
    assert response.status_code == 302
    assert not Account.objects.filter(pk=account.pk).exists()
    assert deletions_of(account) == 1
