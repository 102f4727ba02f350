"""Writes to accounts, contacts and competitors.

Each function is one transaction: it checks the actor's right to act, validates (model
``full_clean`` plus the rules that span models), writes, and records the audit entry. Views, the
API, importers and the demo generator all come through here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from keyaccount.accounts import erasure
from keyaccount.accounts.choices import AccountStatus, ContactRoleKind
from keyaccount.accounts.models import (
    Account,
    AccountCompetitor,
    AccountFinancials,
    AccountShare,
    AccountStatusChange,
    Competitor,
    Contact,
    ContactConsent,
    ContactEmail,
    ContactPhone,
    ContactRole,
    Tag,
)
from keyaccount.accounts.queries import accounts_visible_to
from keyaccount.core import access, audit, phones, search
from keyaccount.core.access import Capability
from keyaccount.core.concurrency import save_versioned
from keyaccount.core.editing import assign_fields, delete_or_explain, require, validation_errors
from keyaccount.core.identifiers import compact
from keyaccount.core.models import AuditAction, User
from keyaccount.core.signals import account_moved, portfolio_changed

ACCOUNT_FIELDS = (
    "name", "short_name", "inn", "kpp", "ogrn", "vat_number", "country", "industry", "size", "website", "phone",
    "legal_address", "postal_address", "description", "history", "founded_year", "needs", "plans", "notes",
    "owner", "team", "parent",
)
CONTACT_FIELDS = (
    "last_name", "first_name", "patronymic", "position", "department", "messengers", "preferred_language",
    "preferred_channel", "form_of_address", "birthday", "notes", "reports_to", "relationship_strength",
)
FINANCIALS_FIELDS = ("year", "currency", "revenue", "profit", "employees", "extra")
COMPETITOR_FIELDS = ("name", "website", "strengths", "weaknesses", "notes")


def _full_clean(instance, exclude: Iterable[str] = ()) -> None:
    errors = validation_errors(instance, exclude=exclude, validate_unique=True)
    if errors:
        raise ValidationError(errors)


# --- accounts -----------------------------------------------------------------------------------


def _normalise_identifiers(account: Account) -> None:
    for name in ("inn", "kpp", "ogrn", "vat_number"):
        setattr(account, name, compact(getattr(account, name)).upper())
    account.country = (account.country or "").upper()
    if account.phone:
        try:
            account.phone = phones.to_e164(account.phone)
        except ValidationError as error:
            raise ValidationError({"phone": error.messages}) from error


def _check_parent(account: Account, user) -> None:
    if account.parent_id is None:
        return

    if not accounts_visible_to(user).filter(pk=account.parent_id).exists():
        raise ValidationError({"parent": [_("Choose a parent company from your accounts.")]})
    seen, cursor = {account.pk}, account.parent_id
    while cursor is not None:
        if cursor in seen:
            raise ValidationError({"parent": [_("A company cannot be its own parent, directly or through "
                                                "its subsidiaries.")]})
        seen.add(cursor)
        cursor = Account.objects.filter(pk=cursor).values_list("parent_id", flat=True).first()


def _check_owner(account: Account, user, *, creating: bool, previous_owner_id: int | None) -> None:
    if account.owner_id is None:
        account.owner_id = user.pk
    owner_changes = creating or account.owner_id != previous_owner_id
    if owner_changes and account.owner_id != user.pk and not access.can(user, Capability.REASSIGN_ACCOUNTS):
        raise ValidationError({"owner": [_("Only the head of sales or an administrator assigns accounts to "
                                           "another manager.")]})
    owner = User.objects.filter(pk=account.owner_id, is_active=True).first()
    if owner is None:
        raise ValidationError({"owner": [_("Choose an active user as the key-account manager.")]})
    if account.team_id is None:
        account.team_id = owner.team_id


def _tags_from(names: Iterable[str]) -> list[Tag]:
    cleaned = sorted({name.strip()[:60] for name in names if name and name.strip()})
    existing = {tag.name: tag for tag in Tag.objects.filter(name__in=cleaned)}
    return [existing.get(name) or Tag.objects.create(name=name) for name in cleaned]


def _user_ids(values: Iterable[Any]) -> list[int]:
    ids = sorted({getattr(value, "pk", value) for value in values})
    found = set(User.objects.filter(pk__in=ids, is_active=True).values_list("pk", flat=True))
    unknown = [str(pk) for pk in ids if pk not in found]
    if unknown:
        raise ValidationError({"shared_with": [_("Unknown or inactive users: %(ids)s") % {"ids": ", ".join(unknown)}]})
    return ids


def _account_extras(account: Account) -> dict[str, Any]:
    return {
        "tags": [tag.name for tag in account.tags.all()],
        "shared_with": [str(pk) for pk in account.shares.values_list("user_id", flat=True)],
    }


def _apply_relations(account: Account, data: Mapping[str, Any], *, creating: bool) -> None:
    if "tags" in data:
        account.tags.set(_tags_from(data["tags"]))
    if "shared_with" in data:
        wanted = set(_user_ids(data["shared_with"])) - {account.owner_id}
        AccountShare.objects.filter(account=account).exclude(user_id__in=wanted).delete()
        have = set(account.shares.values_list("user_id", flat=True))
        AccountShare.objects.bulk_create(AccountShare(account=account, user_id=pk) for pk in wanted - have)


def _record_status(account: Account, *, user, from_status: str, reason: str) -> None:
    AccountStatusChange.objects.create(account=account, from_status=from_status, to_status=account.status,
                                       changed_at=account.status_changed_at, changed_by=user if user.pk else None,
                                       reason=reason or "")


@transaction.atomic
def account_create(*, user, data: Mapping[str, Any]) -> Account:
    require(access.can(user, Capability.EDIT_ACCOUNTS))
    account = Account()
    assign_fields(account, data, ACCOUNT_FIELDS)
    account.status = data.get("status") or AccountStatus.PROSPECT
    _normalise_identifiers(account)
    _check_owner(account, user, creating=True, previous_owner_id=None)
    _full_clean(account)
    _check_parent(account, user)
    account.search_text = account_search_text(account, contacts=[])
    account.status_changed_at = timezone.now()
    account.save()
    _record_status(account, user=user, from_status="", reason=data.get("status_reason", ""))
    _apply_relations(account, data, creating=True)
    audit.record_create(actor=user, instance=account, after=audit.snapshot(account, **_account_extras(account)),
                        account_id=account.pk)
    portfolio_changed.send(sender=Account, account_ids=[account.pk])
    return account


@transaction.atomic
def account_update(*, user, account: Account, data: Mapping[str, Any], version: int | None) -> Account:
    require(access.can_edit_account(user, account))
    before = audit.snapshot(account, **_account_extras(account))
    previous_owner_id, previous_status, previous_team_id = account.owner_id, account.status, account.team_id
    assign_fields(account, data, ACCOUNT_FIELDS)
    if data.get("status"):
        account.status = data["status"]
    _normalise_identifiers(account)
    _check_owner(account, user, creating=False, previous_owner_id=previous_owner_id)
    _full_clean(account)
    _check_parent(account, user)
    if account.status != previous_status:
        account.status_changed_at = timezone.now()
        _record_status(account, user=user, from_status=previous_status, reason=data.get("status_reason", ""))
    account.search_text = account_search_text(account)
    save_versioned(account, expected_version=version)
    _apply_relations(account, data, creating=False)
    after = audit.snapshot(account, **_account_extras(account))
    audit.record_update(actor=user, instance=account, before=before, after=after, account_id=account.pk)
    if (account.owner_id, account.team_id) != (previous_owner_id, previous_team_id):
        account_moved.send(sender=Account, account_id=account.pk, previous_owner_id=previous_owner_id,
                           previous_team_id=previous_team_id)
    # Who sees it, or the status it is counted under, changed: the portfolios' figures follow.
    if (account.owner_id, account.team_id, account.status, after.get("shared_with")) != (
            previous_owner_id, previous_team_id, previous_status, before.get("shared_with")):
        portfolio_changed.send(sender=Account, account_ids=[account.pk])
    return account


@transaction.atomic
def account_change_status(*, user, account: Account, status: str, reason: str, version: int | None) -> Account:
    """Move an account along its lifecycle (prospect → one-time buyer → ... → lost) with a reason."""
    if status not in AccountStatus.values:
        raise ValidationError({"status": [_("Unknown status “%(value)s”.") % {"value": status}]})
    if status == AccountStatus.LOST and not (reason or "").strip():
        raise ValidationError({"status_reason": [_("Say why the account was lost.")]})
    return account_update(user=user, account=account, data={"status": status, "status_reason": reason},
                          version=version)


@transaction.atomic
def account_delete(*, user, account: Account) -> None:
    require(access.can_edit_account(user, account) and access.can(user, Capability.REASSIGN_ACCOUNTS))
    if account.orders.exists():
        raise ValidationError(_("This account has orders; mark it as lost instead of deleting it."))
    before = audit.snapshot(account, **_account_extras(account))
    audit.record_delete(actor=user, instance=account, before=before, account_id=account.pk)
    account_id = account.pk
    delete_or_explain(account)
    portfolio_changed.send(sender=Account, account_ids=[account_id])


def contact_search_text(contact: Contact) -> str:
    """What finds a person: their name, phones (international and national digits) and e-mails."""
    if contact.erased_at:
        return ""
    return search.fold(contact.full_name, *(phones.search_digits(phone.number) for phone in contact.phones.all()),
                       *(email.email for email in contact.emails.all()))


def account_search_text(account: Account, contacts: Iterable[Contact] | None = None) -> str:
    """What account search matches on: names, identifiers, and what finds each of its people."""
    if contacts is None:
        contacts = account.contacts.filter(erased_at__isnull=True).prefetch_related("phones", "emails")
    return search.fold(account.name, account.short_name, account.inn, account.ogrn, account.kpp,
                       account.vat_number, phones.search_digits(account.phone) if account.phone else "",
                       *(contact_search_text(contact) for contact in contacts))


def account_reindex(account: Account) -> None:
    Account.objects.filter(pk=account.pk).update(search_text=account_search_text(account))


def contact_reindex(contact: Contact) -> None:
    """Refresh the search text of a person and of their account (after phones or names change)."""
    contact.search_text = contact_search_text(contact)
    Contact.objects.filter(pk=contact.pk).update(search_text=contact.search_text)
    account_reindex(contact.account)


# --- financial indicators -----------------------------------------------------------------------


@transaction.atomic
def financials_save(*, user, account: Account, data: Mapping[str, Any], financials: AccountFinancials | None = None,
                    version: int | None = None) -> AccountFinancials:
    require(access.can_edit_account(user, account) and access.can(user, Capability.VIEW_FINANCES))
    creating = financials is None
    financials = financials or AccountFinancials(account=account)
    before = {} if creating else audit.snapshot(financials)
    assign_fields(financials, data, FINANCIALS_FIELDS)
    _full_clean(financials)
    if creating:
        financials.save()
        audit.record_create(actor=user, instance=financials, after=audit.snapshot(financials), account_id=account.pk)
    else:
        save_versioned(financials, expected_version=version)
        audit.record_update(actor=user, instance=financials, before=before, after=audit.snapshot(financials),
                            account_id=account.pk)
    return financials


@transaction.atomic
def financials_delete(*, user, financials: AccountFinancials) -> None:
    require(access.can_edit_account(user, financials.account) and access.can(user, Capability.VIEW_FINANCES))
    audit.record_delete(actor=user, instance=financials, before=audit.snapshot(financials),
                        account_id=financials.account_id)
    delete_or_explain(financials)


# --- contacts -----------------------------------------------------------------------------------


def clean_phones(values: Iterable[Any]) -> list[tuple[str, str]]:
    """``[(e164, kind)]`` from strings or ``{"number", "kind"}`` items; errors name the row."""
    cleaned, errors = [], []
    for row, value in enumerate(values, start=1):
        raw, kind = (value.get("number", ""), value.get("kind") or "work") if isinstance(value, Mapping) \
            else (str(value), "work")
        if not raw.strip():
            continue
        try:
            cleaned.append((phones.to_e164(raw.strip()), kind))
        except ValidationError as error:
            errors.append(_("Phone %(row)s: %(message)s") % {"row": row, "message": error.messages[0]})
    if errors:
        raise ValidationError({"phones": errors})
    return list(dict.fromkeys(cleaned))


def clean_emails(values: Iterable[str]) -> list[str]:
    cleaned, errors = [], []
    for row, value in enumerate(values, start=1):
        value = str(value).strip()
        if not value:
            continue
        try:
            validate_email(value)
        except ValidationError:
            errors.append(_("E-mail %(row)s: “%(value)s” is not an e-mail address.") % {"row": row, "value": value})
        cleaned.append(value.lower())
    if errors:
        raise ValidationError({"emails": errors})
    return list(dict.fromkeys(cleaned))


def _clean_roles(values: Iterable[str]) -> list[str]:
    roles = sorted(set(values))
    unknown = [role for role in roles if role not in ContactRoleKind.values]
    if unknown:
        raise ValidationError({"roles": [_("Unknown roles: %(roles)s") % {"roles": ", ".join(unknown)}]})
    return roles


def _contact_extras(contact: Contact) -> dict[str, Any]:
    return {
        "roles": [role.role for role in contact.roles.all()],
        "phones": [phone.number for phone in contact.phones.all()],
        "emails": [email.email for email in contact.emails.all()],
    }


def _check_reports_to(contact: Contact) -> None:
    if contact.reports_to_id is None:
        return
    boss = Contact.objects.filter(pk=contact.reports_to_id).values_list("account_id", flat=True).first()
    if boss != contact.account_id:
        raise ValidationError({"reports_to": [_("Choose a person of the same account.")]})
    seen, cursor = {contact.pk}, contact.reports_to_id
    while cursor is not None:
        if cursor in seen:
            raise ValidationError({"reports_to": [_("This would make a circle in the org chart.")]})
        seen.add(cursor)
        cursor = Contact.objects.filter(pk=cursor).values_list("reports_to_id", flat=True).first()


def _apply_contact_relations(contact: Contact, *, roles, phone_rows, emails) -> None:
    if roles is not None:
        ContactRole.objects.filter(contact=contact).exclude(role__in=roles).delete()
        have = set(contact.roles.values_list("role", flat=True))
        ContactRole.objects.bulk_create(ContactRole(contact=contact, role=role) for role in roles if role not in have)
    if phone_rows is not None:
        contact.phones.all().delete()
        ContactPhone.objects.bulk_create(ContactPhone(contact=contact, number=n, kind=k) for n, k in phone_rows)
    if emails is not None:
        contact.emails.all().delete()
        ContactEmail.objects.bulk_create(ContactEmail(contact=contact, email=email) for email in emails)


def _clean_contact_lists(data: Mapping[str, Any]):
    errors: dict[str, list[str]] = {}
    cleaned = {}
    for key, cleaner in (("roles", _clean_roles), ("phones", clean_phones), ("emails", clean_emails)):
        if key in data and data[key] is not None:
            try:
                cleaned[key] = cleaner(data[key])
            except ValidationError as error:
                errors.update(error.message_dict)
        else:
            cleaned[key] = None
    return cleaned, errors


@transaction.atomic
def contact_create(*, user, account: Account, data: Mapping[str, Any]) -> Contact:
    require(access.can_edit_contacts_of(user, account))
    contact = Contact(account=account)
    assign_fields(contact, data, CONTACT_FIELDS)
    lists, errors = _clean_contact_lists(data)
    try:
        _full_clean(contact)
    except ValidationError as error:
        errors = {**error.message_dict, **errors}
    if errors:
        raise ValidationError(errors)
    _check_reports_to(contact)
    contact.save()
    _apply_contact_relations(contact, roles=lists["roles"], phone_rows=lists["phones"], emails=lists["emails"])
    contact_reindex(contact)
    audit.record_create(actor=user, instance=contact, after=audit.snapshot(contact, **_contact_extras(contact)),
                        account_id=account.pk)
    return contact


@transaction.atomic
def contact_update(*, user, contact: Contact, data: Mapping[str, Any], version: int | None) -> Contact:
    require(access.can_edit_contacts_of(user, contact.account))
    if contact.erased_at:
        raise ValidationError(_("This person's data was erased on request; the record cannot be edited."))
    before = audit.snapshot(contact, **_contact_extras(contact))
    assign_fields(contact, data, CONTACT_FIELDS)
    lists, errors = _clean_contact_lists(data)
    try:
        _full_clean(contact)
    except ValidationError as error:
        errors = {**error.message_dict, **errors}
    if errors:
        raise ValidationError(errors)
    _check_reports_to(contact)
    save_versioned(contact, expected_version=version)
    _apply_contact_relations(contact, roles=lists["roles"], phone_rows=lists["phones"], emails=lists["emails"])
    contact_reindex(contact)
    audit.record_update(actor=user, instance=contact, before=before,
                        after=audit.snapshot(contact, **_contact_extras(contact)), account_id=contact.account_id)
    return contact


@transaction.atomic
def contact_delete(*, user, contact: Contact) -> None:
    require(access.can_edit_contacts_of(user, contact.account))
    account = contact.account
    audit.record_delete(actor=user, instance=contact, before=audit.snapshot(contact, **_contact_extras(contact)),
                        account_id=account.pk)
    delete_or_explain(contact)
    account_reindex(account)


def contact_personal_data(*, user, contact: Contact) -> dict[str, Any]:
    """Everything we hold about a person, for a data-subject access request (152-FZ art. 14, GDPR art. 15):
    the card, consents, every record that points to them (``records``: interactions, complaints,
    tickets and their messages, surveys, audit entries...) and every record that names them
    (``mentions``). Records outside the person's account are listed for administrators; others get
    their number (``mentions_elsewhere``), since they may not read those accounts.

    The export itself is audited (who exported whose data, when), without the data.
    """
    require(access.can_handle_personal_data_of(user, contact.account))
    with transaction.atomic():
        audit.record(actor=user, action=AuditAction.EXPORT, instance=contact, changes={},
                     account_id=contact.account_id)
    mentions, elsewhere = erasure.mentions(contact, everywhere=access.can(user, Capability.SEARCH_ALL_PERSONAL_DATA))
    return {
        "account": contact.account.name,
        **{name: audit.snapshot(contact).get(name) for name in CONTACT_FIELDS},
        **_contact_extras(contact),
        "erased_at": contact.erased_at.isoformat() if contact.erased_at else None,
        "consents": [
            {"purpose": consent.purpose, "given_on": consent.given_on.isoformat(), "source": consent.source,
             "text_version": consent.text_version,
             "withdrawn_on": consent.withdrawn_on.isoformat() if consent.withdrawn_on else None}
            for consent in contact.consents.all()
        ],
        "records": erasure.linked_records(contact),
        "mentions": mentions,
        "mentions_elsewhere": elsewhere,
        "exported_at": timezone.now().isoformat(),
    }


@transaction.atomic
def contact_erase(*, user, contact: Contact) -> Contact:
    """Anonymise a person on request (152-FZ art. 21, GDPR art. 17), all or nothing.

    The record stays so that history keeps its shape, but every personal value goes: from the card,
    from the values of its audit entries (which keep who changed which field and when), and from
    every record of every app that holds the person's name, numbers, addresses or birthday
    (``accounts.erasure``). The audit entry of the erasure names the fields and counts the records
    of each kind that changed, and carries none of the values.
    """
    require(access.can_handle_personal_data_of(user, contact.account))
    if contact.erased_at:
        raise ValidationError(_("This person's data was already erased on %(date)s.")
                              % {"date": contact.erased_at.date().isoformat()})
    person = erasure.person_of(contact)
    erased_fields = [name for name in CONTACT_FIELDS if name not in ("reports_to", "relationship_strength")
                     and getattr(contact, name)]
    for name in ("first_name", "patronymic", "position", "department", "messengers", "form_of_address", "notes"):
        setattr(contact, name, "")
    contact.last_name = _("(erased)")
    contact.birthday = None
    contact.preferred_language = contact.preferred_channel = ""
    contact.erased_at = timezone.now()
    extras = _contact_extras(contact)
    contact.phones.all().delete()
    contact.emails.all().delete()
    save_versioned(contact, expected_version=None)
    counts = erasure.erase(contact=contact, person=person, marker=_("[erased]"))
    contact_reindex(contact)
    changes = {name: ["(erased)", None] for name in erased_fields}
    changes.update({name: ["(erased)", None] for name in ("phones", "emails") if extras[name]})
    changes.update({kind: [None, count] for kind, count in sorted(counts.items())})
    audit.record(actor=user, action=AuditAction.ERASE, instance=contact, changes=changes,
                 account_id=contact.account_id)
    return contact


@transaction.atomic
def consent_record(*, user, contact: Contact, data: Mapping[str, Any]) -> ContactConsent:
    require(access.can_edit_contacts_of(user, contact.account))
    consent = ContactConsent(contact=contact)
    assign_fields(consent, data, ("purpose", "given_on", "source", "text_version"))
    _full_clean(consent)
    consent.save()
    audit.record_update(actor=user, instance=contact, before={},
                        after={f"consent:{consent.purpose}": f"{consent.given_on} {consent.source} "
                                                             f"v{consent.text_version}"},
                        account_id=contact.account_id)
    return consent


@transaction.atomic
def consent_withdraw(*, user, consent: ContactConsent, withdrawn_on: dt.date | None = None) -> ContactConsent:
    require(access.can_edit_contacts_of(user, consent.contact.account))
    consent.withdrawn_on = withdrawn_on or timezone.localdate()
    consent.save(update_fields=["withdrawn_on"])
    audit.record_update(actor=user, instance=consent.contact, before={},
                        after={f"consent:{consent.purpose}": f"withdrawn {consent.withdrawn_on}"},
                        account_id=consent.contact.account_id)
    return consent


# --- competitors --------------------------------------------------------------------------------


@transaction.atomic
def competitor_create(*, user, data: Mapping[str, Any]) -> Competitor:
    require(access.can(user, Capability.EDIT_COMPETITORS))
    competitor = Competitor()
    assign_fields(competitor, data, COMPETITOR_FIELDS)
    competitor.search_text = search.fold(competitor.name)
    _full_clean(competitor)
    competitor.save()
    audit.record_create(actor=user, instance=competitor, after=audit.snapshot(competitor))
    return competitor


@transaction.atomic
def competitor_update(*, user, competitor: Competitor, data: Mapping[str, Any], version: int | None) -> Competitor:
    require(access.can(user, Capability.EDIT_COMPETITORS))
    before = audit.snapshot(competitor)
    assign_fields(competitor, data, COMPETITOR_FIELDS)
    competitor.search_text = search.fold(competitor.name)
    _full_clean(competitor)
    save_versioned(competitor, expected_version=version)
    audit.record_update(actor=user, instance=competitor, before=before, after=audit.snapshot(competitor))
    return competitor


@transaction.atomic
def competitor_delete(*, user, competitor: Competitor) -> None:
    require(access.can(user, Capability.EDIT_COMPETITORS) and access.can(user, Capability.REASSIGN_ACCOUNTS))
    audit.record_delete(actor=user, instance=competitor, before=audit.snapshot(competitor))
    delete_or_explain(competitor)


@transaction.atomic
def account_competitor_link(*, user, account: Account, competitor: Competitor, offering: str = "",
                            since: dt.date | None = None) -> AccountCompetitor:
    """Record (or update) that ``competitor`` works with ``account`` and what it offers there."""
    require(access.can_edit_account(user, account))
    link, created = AccountCompetitor.objects.get_or_create(account=account, competitor=competitor)
    before = {} if created else {"competitor": competitor.name, "offering": link.offering,
                                 "since": link.since.isoformat() if link.since else None}
    link.offering, link.since = offering or "", since
    link.full_clean()
    link.save()
    audit.record_update(actor=user, instance=account, account_id=account.pk,
                        before={f"competitor:{competitor.name}": before.get("offering") if before else None},
                        after={f"competitor:{competitor.name}": link.offering or "+"})
    return link


@transaction.atomic
def account_competitor_unlink(*, user, link: AccountCompetitor) -> None:
    require(access.can_edit_account(user, link.account))
    audit.record_update(actor=user, instance=link.account, account_id=link.account_id,
                        before={f"competitor:{link.competitor.name}": link.offering or "+"},
                        after={f"competitor:{link.competitor.name}": None})
    delete_or_explain(link)
