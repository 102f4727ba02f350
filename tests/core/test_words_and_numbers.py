"""Words and numbers in the user's language: money ("18 000,00 ₽", "RUB 18,000.00"), dates in words
("3 декабря 2026 г." with its one full stop), plurals, export headers, and the language switch that a
profile's language no longer overrides."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import ngettext
from openpyxl import load_workbook

from keyaccount.core.models import User
from keyaccount.core.money import format_date_long, format_money
from tests.factories import AccountFactory


@pytest.mark.parametrize("amount,currency,language,text", [
    ("18000", "RUB", "ru", "18\xa0000,00\xa0₽"),
    ("1456700000", "RUB", "ru", "1\xa0456\xa0700\xa0000,00\xa0₽"),
    ("18000", "RUB", "en", "RUB\xa018,000.00"),
    ("1456700000", "RUB", "en", "RUB\xa01,456,700,000.00"),
    ("-5", "RUB", "en", "-RUB\xa05.00"),
    ("18000", "USD", "en", "$18,000.00"),
    ("18000", "EUR", "ru", "18\xa0000,00\xa0€"),
    ("18000", "CNY", "en", "CN¥18,000.00"),
])
def test_money_is_written_as_each_language_writes_it(amount, currency, language, text):
    assert format_money(Decimal(amount), currency, language) == text


def test_the_money_tag_follows_the_active_language():
    with translation.override("en"):
        assert format_money(Decimal("18000"), "RUB") == "RUB\xa018,000.00"
    with translation.override("ru"):
        assert format_money(Decimal("18000"), "RUB") == "18\xa0000,00\xa0₽"


@pytest.mark.parametrize("language,text", [("ru", "3 декабря 2026\xa0г."), ("en", "December 3, 2026")])
def test_dates_in_words(language, text):
    assert format_date_long(dt.date(2026, 12, 3), language) == text


@pytest.mark.parametrize("count,ru,en", [
    (1, "1 клиент", "1 account"), (2, "2 клиента", "2 accounts"), (5, "5 клиентов", "5 accounts"),
    (11, "11 клиентов", "11 accounts"), (21, "21 клиент", "21 accounts"), (22, "22 клиента", "22 accounts"),
])
def test_plurals_in_both_languages(count, ru, en):
    for language, expected in (("ru", ru), ("en", en)):
        with translation.override(language):
            assert ngettext("%(counter)s account", "%(counter)s accounts", count) % {"counter": count} == expected


def csv_header(response) -> list[str]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return next(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_headers_are_in_the_users_language(client_for, people, fmt):
    AccountFactory(name="ООО Ромашка", owner=people["anna"])
    anna = people["anna"]
    for language, first, inn, owner in (("ru", "Полное наименование", "ИНН", "Менеджер по работе с клиентом"),
                                        ("en", "Legal name", "INN", "Key-account manager")):
        User.objects.filter(pk=anna.pk).update(language=language)
        response = client_for(anna).get(reverse("accounts:account_export"), {"format": fmt})
        if fmt == "csv":
            header = csv_header(response)
        else:
            header = list(next(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)))
        assert header[0] == first and header[2] == inn and header[7] == owner


def test_the_footer_switch_changes_the_language_of_a_user_whose_profile_has_one(client_for, people):
    anna = people["anna"]
    User.objects.filter(pk=anna.pk).update(language="ru")
    client = client_for(anna)
    assert 'lang="ru"' in client.get(reverse("core:profile")).content.decode()
    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/profile/"})
    assert switched.status_code == 302 and switched["Location"] == "/profile/"
    anna.refresh_from_db()
    assert anna.language == "en"
    assert 'lang="en"' in client.get(reverse("core:profile")).content.decode()
    client.post("/i18n/setlang/", {"language": "ru", "next": "/profile/"})
    assert 'lang="ru"' in client.get(reverse("core:profile")).content.decode()


def test_the_switch_refuses_a_language_we_do_not_have_and_leaves_the_profile(client_for, people):
    anna = people["anna"]
    User.objects.filter(pk=anna.pk).update(language="ru")
    client_for(anna).post("/i18n/setlang/", {"language": "de", "next": "/profile/"})
    anna.refresh_from_db()
    assert anna.language == "ru"


def test_a_visitor_who_is_not_signed_in_gets_the_cookie(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert response.cookies["django_language"].value == "en"
    assert 'lang="en"' in client.get("/login/").content.decode()


def test_an_amount_kept_as_text_in_a_weekly_report_is_written_as_money():
    assert format_money("1456700.00", "RUB", "en") == "RUB\xa01,456,700.00"
    assert format_money("", "RUB", "en") == ""
