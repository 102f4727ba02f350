"""Account and contact services: validation, audit, optimistic locking, personal data."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from keyaccount.accounts import services
from keyaccount.accounts.choices import AccountStatus
from keyaccount.accounts.models import Account, AccountStatusChange, Contact
from keyaccount.core.errors import ConflictError
from keyaccount.core.models import AuditAction, AuditEntry


def _entries_for(instance):
    return AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(instance), object_id=instance.pk)


def test_creating_an_account_records_who_and_every_field(people):
    account = services.account_create(user=people["anna"], data={"name": "OOO Vega", "inn": "7707083893"})
    entry = _entries_for(account).get()
    assert entry.actor == people["anna"] and entry.action == AuditAction.CREATE
    assert entry.changes["name"] == [None, "OOO Vega"]
    assert entry.changes["inn"] == [None, "7707083893"]
    assert account.owner == people["anna"] and account.team == people["anna"].team


def test_changing_an_account_records_the_field_level_diff(people, anna_account):
    services.account_update(user=people["anna"], account=anna_account, data={"notes": "Prefers e-mail"},
                            version=anna_account.version)
    entry = _entries_for(anna_account).get(action=AuditAction.UPDATE)
    assert entry.changes == {"notes": ["", "Prefers e-mail"]}


def test_a_save_based_on_a_stale_copy_is_refused(people, anna_account):
    stale_version = anna_account.version
    services.account_update(user=people["anna"], account=anna_account, data={"notes": "first"}, version=stale_version)
    colleague_copy = Account.objects.get(pk=anna_account.pk)
    with pytest.raises(ConflictError):
        services.account_update(user=people["head"], account=colleague_copy, data={"notes": "second"},
                                version=stale_version)
    assert Account.objects.get(pk=anna_account.pk).notes == "first"


@pytest.mark.parametrize("field,value", [("inn", "7707083894"), ("kpp", "12345"), ("ogrn", "1027700132194"),
                                         ("website", "not a url"), ("name", "")])
def test_bad_identifiers_are_refused_at_their_field_and_nothing_is_saved(people, field, value):
    data = {"name": "OOO Vega", field: value}
    with pytest.raises(ValidationError) as error:
        services.account_create(user=people["anna"], data=data)
    assert field in error.value.message_dict
    assert not Account.objects.exists()


def test_the_same_inn_twice_is_refused(people, anna_account):
    with pytest.raises(ValidationError) as error:
        services.account_create(user=people["boris"], data={"name": "Copy", "inn": anna_account.inn})
    assert "An account with this INN already exists." in str(error.value)
    assert Account.objects.count() == 1


def test_every_status_change_keeps_date_author_and_reason(people, anna_account):
    services.account_change_status(user=people["anna"], account=anna_account, status=AccountStatus.KEY,
                                   reason="Top 5 by revenue", version=anna_account.version)
    change = AccountStatusChange.objects.get(account=anna_account)
    assert (change.from_status, change.to_status, change.changed_by, change.reason) == (
        AccountStatus.PROSPECT, AccountStatus.KEY, people["anna"], "Top 5 by revenue")


def test_losing_an_account_requires_a_reason(people, anna_account):
    with pytest.raises(ValidationError) as error:
        services.account_change_status(user=people["anna"], account=anna_account, status=AccountStatus.LOST,
                                       reason=" ", version=anna_account.version)
    assert "status_reason" in error.value.message_dict


def test_a_manager_cannot_give_an_account_to_a_colleague_but_the_head_can(people, anna_account):
    with pytest.raises(ValidationError) as error:
        services.account_update(user=people["anna"], account=anna_account, data={"owner": people["boris"]},
                                version=anna_account.version)
    assert "owner" in error.value.message_dict
    services.account_update(user=people["head"], account=anna_account, data={"owner": people["boris"]},
                            version=anna_account.version)
    assert Account.objects.get(pk=anna_account.pk).owner == people["boris"]


def test_a_holding_cannot_be_its_own_parent(people, anna_account):
    daughter = services.account_create(user=people["anna"], data={"name": "Daughter", "parent": anna_account})
    with pytest.raises(ValidationError) as error:
        services.account_update(user=people["anna"], account=anna_account, data={"parent": daughter},
                                version=anna_account.version)
    assert "parent" in error.value.message_dict


def test_contact_phones_are_stored_as_e164_and_found_by_account_search(people, anna_account):
    contact = services.contact_create(user=people["anna"], account=anna_account, data={
        "last_name": "Орлова", "first_name": "Мария", "roles": ["user", "payer"],
        "phones": ["8 (916) 123-45-67"], "emails": ["M.Orlova@Example.com"],
    })
    assert [p.number for p in contact.phones.all()] == ["+79161234567"]
    assert [e.email for e in contact.emails.all()] == ["m.orlova@example.com"]
    from keyaccount.accounts.queries import account_list

    assert list(account_list(people["anna"], search="+7 916 123 45 67")) == [anna_account]
    assert list(account_list(people["anna"], search="орлова")) == [anna_account]


def test_the_people_search_index_follows_renames_and_erasure(people, anna_account):
    # The contact list and the top bar find people through an index of their own (FTS5 trigram on
    # SQLite, pg_trgm on PostgreSQL), kept in step with each write.
    from keyaccount.accounts.queries import contact_list

    anna = people["anna"]
    contact = services.contact_create(user=anna, account=anna_account, data={
        "last_name": "Орлова", "first_name": "Мария", "phones": ["8 (916) 123-45-67"]})
    assert list(contact_list(anna, search="ОРЛОВА")) == [contact]
    services.contact_update(user=anna, contact=contact, data={"last_name": "Соколова"}, version=contact.version)
    assert list(contact_list(anna, search="орлова")) == []
    assert list(contact_list(anna, search="соколова мария")) == [contact]
    assert list(contact_list(anna, search="9161234567")) == [contact]
    services.contact_erase(user=people["admin"], contact=contact)
    assert list(contact_list(anna, search="соколова")) == list(contact_list(anna, search="9161234567")) == []


def test_bad_phone_email_and_role_are_reported_by_row_and_nothing_is_saved(people, anna_account):
    with pytest.raises(ValidationError) as error:
        services.contact_create(user=people["anna"], account=anna_account, data={
            "last_name": "X", "phones": ["+7 916 123-45-67", "12"], "emails": ["nope"], "roles": ["boss"]})
    errors = error.value.message_dict
    assert errors["phones"] == ["Phone 2: “12” is not a valid phone number."] or "Phone 2" in errors["phones"][0]
    assert "E-mail 1" in errors["emails"][0]
    assert "boss" in errors["roles"][0]
    assert not Contact.objects.exists()


def test_erasing_a_person_removes_the_data_and_audits_without_the_values(people, anna_account):
    contact = services.contact_create(user=people["anna"], account=anna_account, data={
        "last_name": "Secretova", "first_name": "Anna", "phones": ["+79161234567"], "notes": "likes tennis"})
    services.contact_erase(user=people["anna"], contact=contact)
    contact.refresh_from_db()
    assert contact.first_name == "" and contact.notes == "" and contact.erased_at is not None
    assert not contact.phones.exists()
    entry = _entries_for(contact).get(action=AuditAction.ERASE)
    assert "Secretova" not in str(entry.changes) and "tennis" not in str(entry.changes)
    assert set(entry.changes) >= {"last_name", "first_name", "notes", "phones"}
    from keyaccount.accounts.queries import account_list

    assert not account_list(people["anna"], search="secretova").exists()


def test_personal_data_export_holds_everything_and_is_audited(people, anna_account):
    contact = services.contact_create(user=people["anna"], account=anna_account, data={
        "last_name": "Orlova", "phones": ["+79161234567"]})
    services.consent_record(user=people["anna"], contact=contact, data={
        "purpose": "marketing", "given_on": "2026-01-10", "source": "web form", "text_version": "3"})
    data = services.contact_personal_data(user=people["anna"], contact=contact)
    assert data["last_name"] == "Orlova" and data["phones"] == ["+79161234567"]
    assert data["consents"][0]["purpose"] == "marketing"
    assert _entries_for(contact).filter(action=AuditAction.EXPORT, actor=people["anna"]).exists()
