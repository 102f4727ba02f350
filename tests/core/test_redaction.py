"""Finding a person's values in text: phones by their digits in any formatting, e-mails in any case,
the name in its usual forms, cases and transliterations; how much is looked for depends on the reach;
and the database's loose pattern picks every text the exact one changes, on SQLite as on PostgreSQL."""

import datetime as dt
import json
import re

import pytest
from django.db import connection

from keyaccount.core.redaction import Person, Reach, Redactor, handles_in, name_forms, phones_in

LAMPA = Person(last_names={"Синичкина"}, first_names={"Евлампия"}, patronymics={"Аркадьевна"},
               phones={"+79161234567"}, emails={"E.Sinichkina@Client-Example.ru"}, handles={"lampa_s"},
               birthdays={dt.date(1983, 7, 19)}, positions={"Финансовый директор"})


@pytest.fixture(scope="module")
def redactor():
    return Redactor(LAMPA)


@pytest.mark.parametrize("written", [
    "+79161234567", "+7 916 123-45-67", "8 (916) 123 45 67", "89161234567", "79161234567", "9161234567",
    "+7(916)123-45-67", "8-916-123-45-67", "8 916 123 4567"])
def test_a_phone_is_found_in_any_formatting(redactor, written):
    assert redactor.redact(f"звонить {written} вечером", Reach.IDENTIFIERS) == ("звонить [erased] вечером", 1)


@pytest.mark.parametrize("other", ["791612345678", "19161234567", "+7 916 123-45-68", "ИНН 7791612345671"])
def test_a_longer_or_different_number_is_not_the_phone(redactor, other):
    assert redactor.redact(other, Reach.GIVEN_NAME) == (other, 0)


def test_an_email_is_found_in_any_case_but_not_inside_another_address(redactor):
    assert redactor.redact("пишите E.SINICHKINA@client-example.RU.", Reach.IDENTIFIERS)[0] == "пишите [erased]."
    assert redactor.redact("xe.sinichkina@client-example.ru.com", Reach.IDENTIFIERS)[1] == 0


@pytest.mark.parametrize("written", [
    "Синичкина Евлампия", "Евлампия Синичкина", "Синичкина Евлампия Аркадьевна", "Евлампия Аркадьевна Синичкина",
    "Синичкина Е. А.", "Синичкина Е.А.", "Е. А. Синичкина", "Е.Синичкина", "Е. Синичкиной", "Евлампии Синичкиной",
    "Евлампия Аркадьевна", "Евлампией Аркадьевной", "Sinichkina Evlampiia", "Evlampiya Sinichkina", "E. Sinichkina",
    "СИНИЧКИНА ЕВЛАМПИЯ", "финансовый директор Синичкина Е. А.", "Синичкина Евлампия, финансовый директор"])
def test_the_full_name_is_found_in_its_usual_forms(redactor, written):
    assert redactor.redact(f"Встреча: {written}; итоги", Reach.FULL_NAME) == ("Встреча: [erased]; итоги", 1)


def test_the_surname_alone_only_within_the_persons_account_and_only_as_a_name(redactor):
    text = "Синичкиной нужен счёт"
    assert redactor.redact(text, Reach.FULL_NAME) == (text, 0)
    assert redactor.redact(text, Reach.SURNAME) == ("[erased] нужен счёт", 1)
    assert redactor.redact("синичкина трель", Reach.SURNAME)[1] == 0


def test_the_first_name_alone_only_in_the_persons_own_records(redactor):
    text = "Спасибо, Евлампия"
    assert redactor.redact(text, Reach.SURNAME) == (text, 0)
    assert redactor.redact(text, Reach.GIVEN_NAME) == ("Спасибо, [erased]", 1)


def test_the_birthday_handle_and_aliases(redactor):
    assert redactor.redact("ДР 19.07.1983 (1983-07-19), tg @lampa_s", Reach.FULL_NAME)[0] == \
        "ДР [erased] ([erased]), tg [erased]"
    assert Redactor(Person(aliases={"Лампа Аркадьевна"})).redact("Лампа Аркадьевна звонила", Reach.FULL_NAME)[0] \
        == "[erased] звонила"


def test_json_values_and_keys_are_walked(redactor):
    value = {"last_name": [None, "Синичкина"], "note: Синичкина Евлампия": ["+7 916 123-45-67", 5]}
    assert redactor.redact_value(value, Reach.SURNAME) == (
        {"last_name": [None, "[erased]"], "note: [erased]": ["[erased]", 5]}, 3)


def test_a_copy_of_the_persons_own_words_is_searched_as_their_record():
    echo = "Это Евлампия, жду звонка до пятницы"
    redactor = Redactor(LAMPA, echoes=[echo])
    assert redactor.redact(f"Ответ: {echo}", Reach.FULL_NAME)[0] == "Ответ: Это [erased], жду звонка до пятницы"
    assert redactor.redact(echo[:24], Reach.IDENTIFIERS)[0] == "Это [erased], жду звонка"
    assert redactor.redact("Это Евлампия из бухгалтерии", Reach.FULL_NAME)[1] == 0


def test_names_are_declined_and_transliterated():
    forms = name_forms("Синичкина", "lastname")
    assert {"Синичкиной", "Синичкину", "Sinichkina"} <= forms
    assert {"Льва", "Lev"} <= name_forms("Лев", "firstname")
    assert "Алена" in name_forms("Алёна", "firstname")


def test_contact_details_are_read_from_free_text():
    assert handles_in("Telegram @lampa_s, vk.com/lampa.s, почта a@b.ru") == {"lampa_s", "lampa.s"}
    assert phones_in("WhatsApp 8 916 123-45-67", "RU") == {"+79161234567"}


def test_nothing_known_finds_nothing():
    redactor = Redactor(Person())
    assert redactor.loose_pattern(Reach.GIVEN_NAME) is None
    assert redactor.redact("Синичкина", Reach.GIVEN_NAME) == ("Синичкина", 0)


@pytest.mark.django_db
@pytest.mark.parametrize("text", [
    "Синичкиной звонить", "Е. А. СИНИЧКИНА", "Sinichkina Evlampiia", "+7 916 123-45-67",
    "E.SINICHKINA@client-example.ru", "Спасибо, Евлампия", "ДР 19.07.1983"])
def test_the_database_pattern_picks_what_the_exact_one_changes(redactor, text):
    """Through the database itself: raw text, and JSON as each database stores it (SQLite escapes
    non-ASCII letters, PostgreSQL keeps them), in any letter case."""
    assert redactor.redact(text, Reach.GIVEN_NAME)[1] == 1
    pattern = redactor.loose_pattern(Reach.GIVEN_NAME)
    operator = "~" if connection.vendor == "postgresql" else "REGEXP"
    with connection.cursor() as cursor:
        for stored in (text, json.dumps([text]), json.dumps([text], ensure_ascii=False)):
            cursor.execute(f"SELECT %s {operator} %s", [stored, pattern])
            assert cursor.fetchone()[0], stored
        cursor.execute(f"SELECT %s {operator} %s", ["Иванова Мария, +7 495 000-00-00", pattern])
        assert not cursor.fetchone()[0]
    assert re.search(pattern, text)
