"""Contract and obligation forms: the parties first, our company's name and today's date filled in."""

import pytest
from django.utils import timezone

from keyaccount.contracts.forms import ContractForm, ObligationForm
from keyaccount.core import services as core_services
from tests.core.test_company import GOOD


def visible(form):
    return [field.name for field in form.visible_fields()]


@pytest.mark.django_db
def test_a_new_contract_names_our_company_and_the_client_and_is_signed_today(people, anna_account):
    core_services.company_update(actor=people["admin"], data=GOOD)
    form = ContractForm(user=people["anna"], account=anna_account)
    assert visible(form)[:4] == ["our_party", "counterparty", "number", "signed_on"]
    assert form.initial["our_party"] == GOOD["name"] and form.initial["counterparty"] == anna_account.name
    assert form.initial["signed_on"] == form.initial["starts_on"] == timezone.localdate()
    assert form.initial["owner"] == people["anna"].pk


@pytest.mark.django_db
def test_an_obligation_asks_whose_and_who_answers_then_what_and_when(people):
    form = ObligationForm(user=people["anna"])
    assert visible(form) == ["side", "responsible", "title", "kind", "due_on", "amount", "remind_days_before",
                             "orders", "status", "done_on", "evidence"]
    assert form.initial["responsible"] == people["anna"].pk
    assert 'max="' in form["done_on"].as_widget()
