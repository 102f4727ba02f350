"""Deal and proposal forms: who before what, the account's main contact, our company as the seller."""

import datetime as dt

import pytest
from django.utils import timezone

from keyaccount.accounts.choices import ContactRoleKind
from keyaccount.core import services as core_services
from keyaccount.deals.forms import DealForm, ProposalForm
from keyaccount.deals.models import Deal
from tests.core.test_company import GOOD
from tests.factories import ContactFactory, give_roles


def visible(form):
    return [field.name for field in form.visible_fields()]


@pytest.mark.django_db
def test_a_deal_asks_who_then_what_then_how_much_and_when(people, anna_account):
    form = DealForm(user=people["anna"], account=anna_account)
    assert visible(form)[:7] == ["contact", "title", "kind", "amount", "currency", "expected_close_on", "probability"]
    assert visible(form)[-7:] == ["tender_number", "tender_platform", "tender_procedure", "submission_deadline",
                                  "our_bid", "winner", "winning_price"]
    assert form.initial["owner"] == people["anna"].pk


@pytest.mark.django_db
def test_a_proposal_asks_to_whom_on_which_deal_and_what(people, anna_account):
    form = ProposalForm(user=people["anna"], account=anna_account)
    assert visible(form) == ["contact", "deal", "title", "valid_until", "lines", "currency", "vat_rate",
                             "prices_include_vat", "terms", "language", "template", "status", "sent_on"]
    assert form.initial["valid_until"] == timezone.localdate() + dt.timedelta(days=30)


@pytest.mark.django_db
def test_the_main_contact_is_chosen_and_the_deal_s_own_person_wins(people, anna_account):
    ContactFactory(account=anna_account, last_name="Avdeeva")
    decider = ContactFactory(account=anna_account, last_name="Zotov")
    give_roles(decider, ContactRoleKind.DECISION_MAKER)
    assert DealForm(user=people["anna"], account=anna_account).initial["contact"] == decider.pk
    assert ProposalForm(user=people["anna"], account=anna_account).initial["contact"] == decider.pk
    buyer = ContactFactory(account=anna_account, last_name="Buyer")
    deal = Deal.objects.create(account=anna_account, owner=people["anna"], title="Spare parts 2027", contact=buyer,
                               stage=_first_stage())
    form = ProposalForm(user=people["anna"], account=anna_account, initial={"deal": str(deal.pk)})
    assert form.initial["contact"] == buyer.pk and form.initial["title"] == "Spare parts 2027"


def _first_stage():
    from keyaccount.deals import services
    from keyaccount.deals.models import Stage

    services.default_stages_ensure()
    return Stage.objects.order_by("position").first()


@pytest.mark.django_db
def test_our_company_s_requisites_are_on_the_proposal_form(people, anna_account):
    core_services.company_update(actor=people["admin"], data={**GOOD, "vat_rate": "22"})
    form = ProposalForm(user=people["anna"], account=anna_account)
    assert form.initial["vat_rate"] == "22"
    assert "ООО «Промтехснаб»" in str(form.fields["title"].help_text) and GOOD["inn"] in str(
        form.fields["title"].help_text)
