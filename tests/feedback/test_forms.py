"""Complaint and ticket forms: who first, the account's main contact (a ticket's: a user of the product)."""

import pytest

from keyaccount.accounts.choices import ContactRoleKind
from keyaccount.feedback.forms import FeedbackForm, TicketForm
from tests.factories import ContactFactory, give_roles


def visible(form):
    return [field.name for field in form.visible_fields()]


@pytest.mark.django_db
def test_a_complaint_asks_who_and_how_then_what_then_what_it_is_about(people, anna_account):
    decider = ContactFactory(account=anna_account)
    give_roles(decider, ContactRoleKind.DECISION_MAKER)
    form = FeedbackForm(user=people["anna"], account=anna_account)
    assert visible(form) == ["contact", "kind", "channel", "received_at", "subject", "text", "severity", "category",
                             "assignee", "order", "product", "deal", "contract"]
    assert form.initial["contact"] == decider.pk and form.initial["assignee"] == anna_account.owner_id
    assert form.initial["received_at"] is not None


@pytest.mark.django_db
def test_a_ticket_comes_from_a_person_who_uses_the_product(people, anna_account):
    decider = ContactFactory(account=anna_account)
    give_roles(decider, ContactRoleKind.DECISION_MAKER)
    form = TicketForm(account=anna_account)
    assert visible(form) == ["contact", "subject", "body", "priority", "channel"]
    assert form.initial["contact"] == decider.pk
    user = ContactFactory(account=anna_account)
    give_roles(user, ContactRoleKind.USER)
    assert TicketForm(account=anna_account).initial["contact"] == user.pk
