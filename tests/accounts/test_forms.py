"""Account and person forms in the order a manager thinks of them."""

import pytest
from django.utils import translation

from keyaccount.accounts.forms import AccountForm, ContactForm


def visible(form):
    return [field.name for field in form.visible_fields()]


@pytest.mark.django_db
def test_an_account_asks_its_name_and_identifiers_first_and_the_rare_fields_last(people):
    form = AccountForm(user=people["anna"])
    assert visible(form)[:7] == ["name", "short_name", "inn", "kpp", "ogrn", "status", "status_reason"]
    assert visible(form)[-3:] == ["country", "vat_number", "notes"]
    assert form.initial["owner"] == people["anna"].pk
    assert 'type="tel"' in form["phone"].as_widget()


@pytest.mark.django_db
def test_a_person_s_name_is_in_the_language_s_order(anna_account):
    with translation.override("ru"):
        assert visible(ContactForm(account=anna_account))[:3] == ["last_name", "first_name", "patronymic"]
    with translation.override("en"):
        form = ContactForm(account=anna_account)
    assert visible(form)[:8] == ["first_name", "last_name", "patronymic", "position", "department", "roles",
                                 "phones", "emails"]
    assert visible(form)[-3:] == ["birthday", "messengers", "notes"]
    assert 'max="' in form["birthday"].as_widget()
