"""Erasing a person really erases: after ``contact_erase`` no table of the database holds their name,
numbers, e-mail address, handle or birthday, wherever the apps had put them; what others still use
(a namesake's name, a shared switchboard number) stays; the erasure is logged without the data, and
is all or nothing. The export beside it holds everything about the person."""

from __future__ import annotations

import datetime as dt
import json
import re
from email.message import EmailMessage

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection

from keyaccount.accounts import erasure, services
from keyaccount.accounts.models import Contact
from keyaccount.contracts import services as contract_services
from keyaccount.core.errors import AccessDenied
from keyaccount.core.models import AuditAction, AuditEntry, Notification
from keyaccount.deals import services as deal_services
from keyaccount.feedback import services as feedback_services
from keyaccount.feedback import support, surveys
from keyaccount.feedback.models import FeedbackLink, Survey, UnmatchedMail
from keyaccount.timeline import importers
from keyaccount.timeline import services as timeline_services
from keyaccount.timeline.models import Interaction, Reminder
from tests.factories import AccountFactory, ContactFactory

PHONE, OLD_PHONE = "+79161234567", "+79260001122"
EMAIL = "e.sinichkina@client-example.ru"
# What must be nowhere after the erasure: name parts (today's and the maiden name, Cyrillic and
# Latin), the handle, the birthday, the e-mail address; the phones are checked by their digits.
ERASED_WORDS = ("синичкин", "евлампи", "аркадьевн", "воробьёв", "воробьев", "sinichkin", "evlampi", "lampa_s",
                "1983-07-19", "19.07.1983", EMAIL)
ERASED_DIGITS = ("9161234567", "9260001122")


def _mail(sender: str, subject: str, body: str, message_id: str) -> bytes:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"], message["Message-ID"] = (
        sender, "support@example.com", subject, message_id)
    message.set_content(body)
    return message.as_bytes()


def _asterisk_line(src: str, dst: str, context: str, clid: str, start: str, uniqueid: str) -> str:
    return (f'"","{src}","{dst}","{context}","{clid}","SIP/trunk-1","SIP/101-2","Dial","SIP/101,30",'
            f'"{start}","{start}","{start}",60,55,"ANSWERED","DOCUMENTATION","{uniqueid}",""\n')


@pytest.fixture
def lampa(people, anna_account):
    """Евлампия Аркадьевна Синичкина (née Воробьёва) and the history the apps keep about her."""
    anna = people["anna"]
    anna.extension = "101"
    anna.save()
    contact = services.contact_create(user=anna, account=anna_account, data={
        "last_name": "Воробьёва", "first_name": "Евлампия", "patronymic": "Аркадьевна",
        "position": "Финансовый директор", "phones": [OLD_PHONE], "emails": [EMAIL.upper()],
        "messengers": "Telegram @lampa_s", "birthday": dt.date(1983, 7, 19),
        "form_of_address": "Евлампия Аркадьевна", "notes": "Любит теннис"})
    contact = services.contact_update(user=anna, contact=contact, version=contact.version, data={
        "last_name": "Синичкина", "phones": ["8 (916) 123-45-67"], "notes": "Любит теннис и оперу"})
    services.consent_record(user=anna, contact=contact, data={
        "purpose": "surveys", "given_on": dt.date(2026, 1, 10), "source": "подписано Синичкиной Е. А.",
        "text_version": "3"})
    services.account_update(user=anna, account=anna_account, version=anna_account.version, data={
        "notes": "ЛПР — финансовый директор Синичкина Евлампия, мобильный +7 916 123 45 67"})
    # The call log: one call from today's number (matched), one from the old one (the queue).
    master = (_asterisk_line("89161234567", "101", "from-trunk", '""Синичкина Евлампия"" <89161234567>',
                             "2026-03-02 10:15:00", "1740903300.1")
              + _asterisk_line("89260001122", "101", "from-trunk", '""Evlampia"" <89260001122>',
                               "2026-03-03 11:00:00", "1740990000.2"))
    importers.import_calls(user=anna, data=master.encode(), filename="Master.csv", fmt="asterisk")
    timeline_services.interaction_create(user=anna, account=anna_account, data={
        "kind": "meeting", "subject": "Встреча с Е. А. Синичкиной", "contacts": [contact.pk],
        "starts_at": dt.datetime(2026, 3, 5, 10, tzinfo=dt.UTC),
        "summary": "Евлампия Аркадьевна подтвердила бюджет; её мобильный 8 916 123-45-67",
        "agenda": "Синичкина: бюджет на 2027"})
    timeline_services.interaction_create(user=anna, account=anna_account, data={
        "kind": "note", "summary": "Синичкиной звонить на 8 (926) 000-11-22 после 18:00, "
                                   "Sinichkina Evlampiia просит писать на E.Sinichkina@client-example.ru"})
    feedback_services.feedback_create(user=anna, account=anna_account, data={
        "contact": contact, "subject": "Задержка поставки", "severity": "high",
        "text": "Евлампия Синичкина недовольна; ответ на e.sinichkina@client-example.ru"})
    support.receive_email(_mail(EMAIL, "Не работает выгрузка",
                                "Добрый день!\nС уважением, Евлампия Синичкина, +7 916 123 45 67", "<t1@client>"))
    support.receive_email(_mail("assistant@elsewhere.example", "Для Evlampiia Sinichkina",
                                "Прошу передать Синичкиной Е. А.", "<u1@elsewhere>"))
    survey = surveys.survey_send(user=anna, account=anna_account, contact=contact, kind="nps")
    surveys.survey_answer(survey=survey, score=2, comment="Это Евлампия. Звоните 89161234567")
    deal = deal_services.deal_create(user=anna, account=anna_account, data={
        "title": "Поставка 2027", "contact": contact, "description": "Решение за Синичкиной (тел. 9161234567)"})
    contract_services.contract_create(user=anna, account=anna_account, data={
        "number": "17/26", "subject": "Поставка; подписант — финансовый директор Синичкина Е. А.",
        "starts_on": dt.date(2026, 1, 1), "deal": deal})
    Notification.objects.create(user=anna, title="День рождения: Синичкина Евлампия Аркадьевна",
                                body="19.07.1983, Telegram @lampa_s")
    feedback_services.link_create(user=anna, account=anna_account, contact=contact)
    Reminder.objects.create(key="b-lampa", user=anna, contact=contact, event_at=dt.datetime(2026, 7, 19, tzinfo=dt.UTC),
                            remind_at=dt.datetime(2026, 7, 18, tzinfo=dt.UTC))
    contact.refresh_from_db()
    return contact


def _database_values() -> list[str]:
    """Every value of every column of every table, raw: Django's tables and ours, the many-to-many
    tables, the search index; JSON as the database stores it."""
    values = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor, include_views=False):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - our own table names
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        value = bytes(value).decode("utf-8", "ignore")
                    elif not isinstance(value, str):
                        value = json.dumps(value, ensure_ascii=False, default=str)
                    values.append(value)
    # Through the models too, so JSON is read decoded (SQLite keeps it with non-ASCII escaped).
    for model in apps.get_models(include_auto_created=True):
        for row in model._base_manager.values_list():
            values.extend(json.dumps(value, ensure_ascii=False, default=str) for value in row)
    return values


def _leaks(values: list[str]) -> list[str]:
    found = []
    for value in values:
        folded = value.casefold()
        digits = re.sub(r"[\s\-().]", "", value)
        if any(word in folded for word in ERASED_WORDS) or any(number in digits for number in ERASED_DIGITS):
            found.append(value)
    return found


@pytest.mark.django_db
def test_after_erasure_no_table_holds_the_persons_name_numbers_address_or_birthday(people, lampa):
    assert len(_leaks(_database_values())) > 30, "the history the test builds mentions her everywhere"
    services.contact_erase(user=people["anna"], contact=lampa)
    leaks = _leaks(_database_values())
    assert leaks == []


@pytest.mark.django_db
def test_what_stays_after_erasure_keeps_its_shape(people, anna_account, lampa):
    services.contact_erase(user=people["anna"], contact=lampa)
    calls = Interaction.objects.filter(kind="call").order_by("starts_at")
    assert calls.count() == 2, "the calls stay on the account's timeline and in the queue"
    matched, queued = calls
    assert matched.account == anna_account and not matched.contacts.exists()
    assert matched.their_number == queued.their_number == "[erased]"
    meeting = Interaction.objects.get(kind="meeting")
    assert meeting.contacts.get() == lampa, "a meeting still had someone there, now anonymous"
    assert meeting.subject == "Встреча с [erased]"
    assert meeting.summary == "[erased] подтвердила бюджет; её мобильный [erased]"
    assert meeting.version == 2, "an editor holding the old text gets a conflict rather than writing it back"
    anna_account.refresh_from_db()
    assert anna_account.notes == "ЛПР — [erased], мобильный [erased]"
    unmatched = UnmatchedMail.objects.get()
    assert unmatched.subject == "Для [erased]" and unmatched.body.strip() == "Прошу передать [erased]"
    assert not Reminder.objects.filter(contact=lampa).exists()
    assert FeedbackLink.objects.get(contact=lampa).revoked_at is not None
    entries = AuditEntry.objects.filter(object_id=lampa.pk, content_type__model="contact").order_by("at", "id")
    create, update = entries[0], entries[1]
    assert (create.action, create.changes["last_name"], create.changes["birthday"]) == \
        ("create", [None, "[erased]"], [None, "[erased]"])
    assert set(update.changes) >= {"last_name", "phones", "notes"}, "which fields changed, and when, is kept"


@pytest.mark.django_db
def test_the_erasure_is_logged_with_counts_and_without_the_data(people, lampa):
    services.contact_erase(user=people["anna"], contact=lampa)
    entry = AuditEntry.objects.get(action=AuditAction.ERASE, object_id=lampa.pk)
    assert entry.actor == people["anna"]
    assert _leaks([json.dumps(entry.changes, ensure_ascii=False), entry.object_repr]) == []
    assert entry.changes["last_name"] == ["(erased)", None]
    assert entry.changes["scrubbed:timeline.interaction.summary"][1] >= 3
    assert entry.changes["scrubbed:feedback.ticketmessage.body"] == [None, 1]
    assert entry.changes["unlinked:timeline.call"] == [None, 1]
    assert entry.changes["blanked:core.auditentry"][1] >= 3


@pytest.mark.django_db
def test_an_erasure_that_fails_half_way_changes_nothing(people, lampa, monkeypatch):
    def broken_hook(*, contact):
        raise RuntimeError("disk full")

    monkeypatch.setattr(erasure, "_hooks", [*erasure._hooks, broken_hook])
    before = _database_values()
    with pytest.raises(RuntimeError):
        services.contact_erase(user=people["anna"], contact=lampa)
    assert _database_values() == before


@pytest.mark.django_db
def test_a_namesake_at_another_account_and_a_shared_number_are_left_alone(people, anna_account, lampa):
    other = AccountFactory(name="OOO Namesakes", owner=people["boris"], phone="+74951112233")
    namesake = ContactFactory(account=other, last_name="Синичкина", first_name="Евлампия")
    Contact.objects.filter(pk=namesake.pk).update(notes="Евлампия Синичкина, не путать с тёзкой; "
                                                        "пишет с e.sinichkina@client-example.ru")
    colleague = services.contact_create(user=people["anna"], account=anna_account, data={
        "last_name": "Секретарь", "phones": ["+74951112233"], "notes": "Приёмная: +7 495 111-22-33"})
    services.contact_update(user=people["anna"], contact=lampa, version=lampa.version,
                            data={"phones": [PHONE, "+74951112233"]})
    services.contact_erase(user=people["anna"], contact=lampa)
    namesake.refresh_from_db()
    assert (namesake.last_name, namesake.first_name) == ("Синичкина", "Евлампия")
    assert namesake.notes == "Евлампия Синичкина, не путать с тёзкой; пишет с [erased]"
    colleague.refresh_from_db()
    assert colleague.notes == "Приёмная: +7 495 111-22-33"
    assert list(colleague.phones.values_list("number", flat=True)) == ["+74951112233"]


@pytest.mark.django_db
def test_erasing_twice_is_refused_with_a_message(people, lampa):
    services.contact_erase(user=people["anna"], contact=lampa)
    with pytest.raises(ValidationError, match="already erased"):
        services.contact_erase(user=people["anna"], contact=lampa)


@pytest.mark.django_db
@pytest.mark.parametrize(("username", "allowed"), [
    ("anna", True), ("boris", False), ("head", True), ("admin", True),
    ("support", False), ("analyst", False)])
def test_who_may_erase_and_export_is_the_one_rule_of_core_access(people, anna_contact, username, allowed):
    user = people[username]
    if allowed:
        services.contact_personal_data(user=user, contact=anna_contact)
        services.contact_erase(user=user, contact=anna_contact)
        return
    with pytest.raises(AccessDenied):
        services.contact_personal_data(user=user, contact=anna_contact)
    with pytest.raises(AccessDenied):
        services.contact_erase(user=user, contact=anna_contact)
    anna_contact.refresh_from_db()
    assert anna_contact.erased_at is None


# --- the export ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_export_holds_the_persons_records_and_the_records_that_name_them(people, anna_account, lampa):
    data = services.contact_personal_data(user=people["anna"], contact=lampa)
    assert data["last_name"] == "Синичкина" and data["phones"] == [PHONE] and data["emails"] == [EMAIL]
    assert data["consents"][0]["purpose"] == "surveys"
    records = data["records"]
    assert {"timeline.interaction", "feedback.feedback", "feedback.ticket", "feedback.ticketmessage",
            "feedback.survey", "accounts.contactconsent", "core.auditentry", "deals.deal",
            "contracts.contract"} <= set(records), "the contract of the deal she is the contact of, too"
    assert records["feedback.survey"][0]["comment"] == "Это Евлампия. Звоните 89161234567"
    assert any(row["summary"].startswith("Евлампия Аркадьевна") for row in records["timeline.interaction"])
    assert len(records["core.auditentry"]) >= 3
    mentioned = {(row["record"], row["field"]) for row in data["mentions"]}
    assert ("accounts.account", "notes") in mentioned
    assert ("timeline.interaction", "summary") in mentioned, "the note that names her without linking her"
    assert data["mentions_elsewhere"] >= 2, "the queued call and the unmatched mail: counted, not shown"
    json.dumps(data)


@pytest.mark.django_db
def test_an_administrators_export_shows_mentions_outside_the_account(people, lampa):
    data = services.contact_personal_data(user=people["admin"], contact=lampa)
    assert data["mentions_elsewhere"] == 0
    assert ("feedback.unmatchedmail", "body") in {(row["record"], row["field"]) for row in data["mentions"]}


@pytest.mark.django_db
def test_the_export_is_audited_without_the_data(people, lampa):
    services.contact_personal_data(user=people["anna"], contact=lampa)
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT, object_id=lampa.pk)
    assert entry.actor == people["anna"] and entry.changes == {}


# --- the edges -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_contact_page_offers_the_download_and_erasure_only_to_those_who_may(people, client_for, lampa):
    page = client_for(people["anna"]).get(lampa.get_absolute_url()).content.decode()
    assert f"/accounts/contacts/{lampa.pk}/personal-data/" in page and f"/accounts/contacts/{lampa.pk}/erase/" in page
    page = client_for(people["support"]).get(lampa.get_absolute_url()).content.decode()
    assert f"/accounts/contacts/{lampa.pk}/personal-data/" not in page and "/erase/" not in page


@pytest.mark.django_db
def test_the_download_is_json_of_everything(people, client_for, lampa):
    response = client_for(people["anna"]).get(f"/accounts/contacts/{lampa.pk}/personal-data/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="personal-data-{lampa.pk}.json"'
    assert json.loads(response.content)["records"]["feedback.ticket"][0]["subject"] == "Не работает выгрузка"


@pytest.mark.django_db
def test_erasing_from_the_page_asks_first_then_erases(people, client_for, lampa):
    client = client_for(people["anna"])
    url = f"/accounts/contacts/{lampa.pk}/erase/"
    assert "[erased]" in client.get(url).content.decode()
    response = client.post(url, follow=True)
    assert response.status_code == 200 and "personal data was erased" in response.content.decode()
    lampa.refresh_from_db()
    assert lampa.erased_at is not None
    again = client.post(url, follow=True)
    assert "already erased" in again.content.decode()


@pytest.mark.django_db
def test_support_cannot_open_the_erasure_page(people, client_for, lampa):
    client = client_for(people["support"])
    assert client.get(f"/accounts/contacts/{lampa.pk}/erase/").status_code == 403
    assert client.post(f"/accounts/contacts/{lampa.pk}/erase/").status_code == 403
    assert client.get(f"/accounts/contacts/{lampa.pk}/personal-data/").status_code == 403


@pytest.mark.django_db
def test_the_api_exports_and_erases_with_the_same_rule(people, api_as, lampa):
    export = api_as("anna")("get", f"/api/v1/contacts/{lampa.pk}/personal-data")
    assert export.status_code == 200 and "feedback.survey" in export.json()["records"]
    assert api_as("support")("post", f"/api/v1/contacts/{lampa.pk}/erase").status_code == 403
    erased = api_as("anna")("post", f"/api/v1/contacts/{lampa.pk}/erase")
    assert erased.status_code == 200 and erased.json()["erased_at"] is not None
    assert erased.json()["phones"] == [] and erased.json()["first_name"] == ""
    again = api_as("anna")("post", f"/api/v1/contacts/{lampa.pk}/erase")
    assert again.status_code == 422 and "already erased" in again.json()["errors"]["__all__"][0]
    assert api_as("boris")("post", f"/api/v1/contacts/{lampa.pk}/erase").status_code == 404


@pytest.mark.django_db
def test_every_model_with_text_is_searched_unless_it_is_machine_made():
    searched = {columns.label for columns in erasure.searched_columns()}
    assert {"core.auditentry", "core.notification", "timeline.interaction", "feedback.ticketmessage",
            "feedback.unmatchedmail", "feedback.survey", "deals.proposal", "contracts.contract",
            "planning.weeklyreport", "loyalty.vipevent", "admin.logentry"} <= searched
    assert not searched & {"core.user", "sessions.session", "contenttypes.contenttype"}


@pytest.mark.django_db
def test_a_survey_still_open_is_closed_by_the_erasure(people, anna_account, lampa):
    survey = surveys.survey_send(user=people["anna"], account=anna_account, contact=lampa, kind="csat")
    services.contact_erase(user=people["anna"], contact=lampa)
    survey.refresh_from_db()
    assert not survey.is_open()
    assert Survey.objects.get(pk=survey.pk).email == "[erased]", "the column must hold an address; no longer hers"


@pytest.mark.django_db
def test_after_erasure_the_export_finds_nothing_of_the_person(people, lampa):
    services.contact_erase(user=people["anna"], contact=lampa)
    data = services.contact_personal_data(user=people["admin"], contact=lampa)
    assert data["mentions"] == [] and data["phones"] == [] and data["first_name"] == ""
    assert _leaks([json.dumps(data, ensure_ascii=False)]) == []
