"""How far erasing a person (152-FZ art. 21, GDPR art. 17) and exporting their data reach: every app.

No list of models is kept here, so the next entity cannot escape it. Every installed model is read
through ``django.apps`` (accounts imports none of the apps built on it), and each of its text and
JSON columns is searched for the person's values (``core.redaction``). Left out are only the columns
that cannot hold what someone typed: primary keys, unique keys (message ids, import keys),
vocabulary (columns with choices), and the tables of machine-made records and of our own staff.

Whose a row is decides how much is searched for in it. It is found by following the row's foreign
keys (up to three steps) to an Account or a Contact; the audit log keeps its account as a plain
``account_id`` and its record as ``content_type`` + ``object_id``, and those count too:

* rows of the person (their complaints, tickets and messages, surveys, the interactions they were
  at, their own audit entries): everything, down to the first name alone (``Reach.GIVEN_NAME``);
* rows of their account (its notes, deals, contracts, the timeline...): down to the surname alone;
* rows of the account's other people, and rows of no account at all (notifications, the queue of
  unmatched calls and mail, weekly reports, the admin's log): the full name, the birthday;
* rows of other accounts: only phone numbers, e-mail addresses and handles, which are the
  person's alone, while a name there is more likely a namesake's.

A phone number or e-mail address that someone else still has (a colleague at the same desk, the
company's switchboard) is not the person's alone and is left everywhere.

Apps add what erasing means for their own records beyond text (calls unlinked from the person,
their reminders dropped) with ``register`` from their ``AppConfig.ready``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Cast

from keyaccount.accounts.models import Account, Contact, ContactEmail, ContactPhone
from keyaccount.core import audit, redaction
from keyaccount.core.models import AuditEntry
from keyaccount.core.redaction import Reach

# Machine-made records: nothing a person typed or that names a client lives there.
_MACHINE_MODELS = {"contenttypes.contenttype", "auth.permission", "auth.group", "sessions.session"}
_MAX_DEPTH = 3
_E164 = re.compile(r"\+\d{7,15}")


@dataclass(frozen=True)
class Columns:
    """One model's searched columns and the ways from its rows to an account and a person."""

    model: type[models.Model]
    text: tuple[models.Field, ...]
    json: tuple[models.Field, ...]
    # Lookups to the pk of an Account ("pk" on Account itself) and of a Contact.
    account_paths: tuple[str, ...]
    contact_paths: tuple[str, ...]
    # Many-to-many fields to Contact (the people at an interaction).
    contact_m2m: tuple[str, ...]
    # The audit log's plain "account_id" and its content type + object id.
    account_id_column: bool
    generic: bool

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    @property
    def fields(self) -> tuple[models.Field, ...]:
        return self.text + self.json


def _ways(model: type[models.Model]) -> tuple[list[str], list[str]]:
    """Lookups from ``model`` to an Account and to a Contact, following foreign keys breadth-first;
    never through a user (whose records are theirs, not a client's) nor back to a model already on
    the way (a parent account is not the account)."""
    if model is Contact:
        # A person's row is theirs alone: their account's other people are not them.
        return [], ["pk"]
    account_paths, contact_paths = (["pk"] if model is Account else []), []
    user_model = get_user_model()
    frontier = [(model, "", frozenset({model}))]
    for _depth in range(_MAX_DEPTH):
        following = []
        for current, prefix, seen in frontier:
            for field in current._meta.concrete_fields:
                if not (field.many_to_one or field.one_to_one) or field.related_model is None:
                    continue
                target, path = field.related_model, prefix + field.name
                if target in seen or target in (user_model, ContentType):
                    continue
                if target is Account:
                    account_paths.append(path)
                elif target is Contact:
                    contact_paths.append(path)
                else:
                    following.append((target, path + "__", seen | {target}))
        frontier = following
    return account_paths, contact_paths


def _searched(field: models.Field) -> bool:
    return not (field.primary_key or field.unique or field.choices or field.is_relation)


@functools.lru_cache(maxsize=1)
def searched_columns() -> tuple[Columns, ...]:
    """Every model whose rows may hold text about a person, with the columns to search."""
    user_model = get_user_model()
    found = []
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed or model is user_model or meta.label_lower in _MACHINE_MODELS:
            continue
        fields = [field for field in meta.concrete_fields if _searched(field)]
        json_fields = tuple(field for field in fields if isinstance(field, models.JSONField))
        text = tuple(field for field in fields if isinstance(field, models.CharField | models.TextField))
        if not text and not json_fields:
            continue
        names = {field.name: field for field in meta.concrete_fields}
        account_paths, contact_paths = _ways(model)
        account_id = names.get("account_id")
        generic = names.get("content_type")
        found.append(Columns(
            model=model, text=text, json=json_fields, account_paths=tuple(account_paths),
            contact_paths=tuple(contact_paths),
            contact_m2m=tuple(field.name for field in meta.many_to_many if field.related_model is Contact),
            account_id_column=account_id is not None and not account_id.is_relation,
            generic=generic is not None and generic.is_relation and generic.related_model is ContentType
            and "object_id" in names,
        ))
    return tuple(found)


# --- whose a row is ------------------------------------------------------------------------------


def _any(conditions: list[Q]) -> Q | None:
    if not conditions:
        return None
    result = conditions[0]
    for condition in conditions[1:]:
        result |= condition
    return result


@dataclass(frozen=True)
class _Scopes:
    person: Q | None
    account: Q | None
    colleagues: Q | None
    owned: Q | None


def _scopes(columns: Columns, contact: Contact) -> _Scopes:
    account_id = contact.account_id
    person = [Q(**{path: contact.pk}) for path in columns.contact_paths]
    for name in columns.contact_m2m:
        field = columns.model._meta.get_field(name)
        links = field.remote_field.through.objects.filter(**{f"{field.m2m_reverse_field_name()}_id": contact.pk})
        person.append(Q(pk__in=links.values(f"{field.m2m_field_name()}_id")))
    account = [Q(**{path: account_id}) for path in columns.account_paths]
    colleagues = [Q(account_id=account_id) if path == "pk" else Q(**{f"{path}__account_id": account_id})
                  for path in columns.contact_paths]
    owned = [Q(**{f"{path}__isnull": False}) for path in columns.account_paths + columns.contact_paths]
    if columns.account_id_column:
        account.append(Q(account_id=account_id))
        owned.append(Q(account_id__isnull=False))
    if columns.generic:
        person.append(Q(content_type=ContentType.objects.get_for_model(Contact), object_id=contact.pk))
        account.append(Q(content_type=ContentType.objects.get_for_model(Account), object_id=account_id))
    return _Scopes(person=_any(person), account=_any(account), colleagues=_any(colleagues), owned=_any(owned))


# Where a finding was: the person's own records, their account's, or anywhere else.
PERSON, ACCOUNT, ELSEWHERE = "person", "account", "elsewhere"


def _passes(columns: Columns, contact: Contact) -> Iterator[tuple[Reach, str, models.QuerySet]]:
    """The model's rows split by whose they are, each with how much is searched for in it."""
    rows = columns.model._base_manager.all()
    scopes = _scopes(columns, contact)
    closer: list[Q] = []

    def beyond(queryset: models.QuerySet) -> models.QuerySet:
        return queryset.exclude(_any(closer)) if closer else queryset

    if scopes.person is not None:
        yield Reach.GIVEN_NAME, PERSON, rows.filter(scopes.person)
        closer.append(scopes.person)
    if scopes.account is not None:
        yield Reach.SURNAME, ACCOUNT, beyond(rows.filter(scopes.account))
        closer.append(scopes.account)
    if scopes.colleagues is not None:
        yield Reach.FULL_NAME, ACCOUNT, beyond(rows.filter(scopes.colleagues))
        closer.append(scopes.colleagues)
    if scopes.owned is None:
        yield Reach.FULL_NAME, ELSEWHERE, beyond(rows)
        return
    # Rows of no account at all (notifications, the call queue...) get the full name searched;
    # other accounts' rows only what is the person's alone.
    yield Reach.FULL_NAME, ELSEWHERE, beyond(rows.exclude(scopes.owned))
    yield Reach.IDENTIFIERS, ELSEWHERE, beyond(rows.filter(scopes.owned))


# --- finding and erasing -------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    columns: Columns
    where: str
    pk: Any
    field: models.Field
    before: Any
    after: Any


def _candidates(queryset: models.QuerySet, columns: Columns, pattern: str) -> models.QuerySet:
    """Rows where any searched column matches the database pattern; JSON read as its text."""
    matches, aliases = [], {}
    for field in columns.text:
        # Empty first: SQLite then skips the regular expression (a Python call) for empty columns.
        matches.append(Q(**{f"{field.name}__gt": ""}) & Q(**{f"{field.name}__regex": pattern}))
    for field in columns.json:
        alias = f"erasure_{field.name}_text"
        aliases[alias] = Cast(field.name, models.TextField())
        matches.append(Q(**{f"{alias}__regex": pattern}))
    return (queryset.alias(**aliases).filter(_any(matches))
            .values_list("pk", *(field.attname for field in columns.fields)).order_by("pk"))


def _echoes(contact: Contact, redactor: redaction.Redactor) -> set[str]:
    """The person's own texts that name them only as their own records can (see ``Redactor``)."""
    echoes = set()
    for columns in searched_columns():
        for reach, where, rows in _passes(columns, contact):
            pattern = redactor.loose_pattern(reach)
            if where != PERSON or pattern is None:
                continue
            for _pk, *values in _candidates(rows, columns, pattern).iterator(chunk_size=500):
                for text in _strings(values):
                    if redactor.redact(text, Reach.GIVEN_NAME) != redactor.redact(text, Reach.FULL_NAME):
                        echoes.add(text)
    return echoes


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)


def redactor_for(contact: Contact, person: redaction.Person, *, marker: str = redaction.MARKER
                 ) -> redaction.Redactor:
    """The person's redactor, which also knows the copies the apps made of their own words."""
    echoes = _echoes(contact, redaction.Redactor(person, marker=marker))
    return redaction.Redactor(person, marker=marker, echoes=echoes)


def findings(contact: Contact, redactor: redaction.Redactor) -> Iterator[Finding]:
    """Every column value in the database that holds the person's values, with what it becomes."""
    for columns in searched_columns():
        for reach, where, rows in _passes(columns, contact):
            pattern = redactor.loose_pattern(reach)
            if pattern is None:
                continue
            for pk, *values in _candidates(rows, columns, pattern).iterator(chunk_size=500):
                for field, value in zip(columns.fields, values, strict=True):
                    if value is None:
                        continue
                    after, count = (redactor.redact_value(value, reach) if field in columns.json
                                    else redactor.redact(value, reach))
                    if count:
                        yield Finding(columns=columns, where=where, pk=pk, field=field, before=value, after=after)


def _fit(field: models.Field, value: Any, marker: str) -> Any:
    """A scrubbed value the column still accepts: cut to its length; a value the column's own
    checks would refuse (an e-mail or a link with the marker inside) becomes empty if it may."""
    if not isinstance(value, str):
        return value
    if field.max_length:
        value = value[:field.max_length]
    try:
        field.run_validators(value)
    except ValidationError:
        return "" if field.blank else marker[:field.max_length or None]
    return value


_Hook = Callable[..., Mapping[str, int]]
_hooks: list[_Hook] = []


def register(hook: _Hook) -> None:
    """Add what erasing a person means for an app's records beyond their text. ``hook(contact=...)``
    runs in the erasure's transaction after the text is scrubbed and returns counts by kind of
    record (``{"unlinked:timeline.call": 3}``), which the erasure's audit entry lists."""
    if hook not in _hooks:
        _hooks.append(hook)


def erase(*, contact: Contact, person: redaction.Person, marker: str) -> Counter:
    """Scrub the person's values from every record, blank the values of their own audit entries and
    run the apps' hooks; returns how many records of each kind (``scrubbed:app.model.field``)
    changed. The caller holds the transaction and records the erasure."""
    counts: Counter = Counter()
    blanked = audit.erase_values(model=Contact, object_id=contact.pk, object_repr=str(contact), marker=marker)
    if blanked:
        counts["blanked:core.auditentry"] = blanked
    redactor = redactor_for(contact, person, marker=marker)
    changed: dict[tuple[Columns, Any], dict[str, Any]] = {}
    for finding in findings(contact, redactor):
        changed.setdefault((finding.columns, finding.pk), {})[finding.field.attname] = \
            _fit(finding.field, finding.after, marker)
        counts[f"scrubbed:{finding.columns.label}.{finding.field.name}"] += 1
    for (columns, pk), values in changed.items():
        if any(field.name == "version" for field in columns.model._meta.concrete_fields):
            # An editor still holding the old text gets a conflict instead of writing it back.
            values["version"] = F("version") + 1
        columns.model._base_manager.filter(pk=pk).update(**values)
    for hook in _hooks:
        counts.update({key: count for key, count in hook(contact=contact).items() if count})
    return counts


# --- who the person is ---------------------------------------------------------------------------


def _flat(value: Any) -> Iterator[Any]:
    if isinstance(value, list | tuple):
        for item in value:
            yield from _flat(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _flat(item)
    elif value is not None and value != "":
        yield value


def _add_contact_details(person: redaction.Person, text: str) -> None:
    region = settings.KAM_DEFAULT_REGION
    person.handles |= redaction.handles_in(text)
    person.emails |= redaction.emails_in(text)
    person.phones |= redaction.phones_in(text, region)


def person_of(contact: Contact) -> redaction.Person:
    """Every value that identifies the person: what the card holds now and what its history says it
    held before (a maiden name, an old number), less numbers and addresses someone else still has."""
    person = redaction.Person()
    if contact.erased_at:
        # Nothing is known any more; the card's "(erased)" and the history's markers are no name.
        return person
    states: list[Mapping[str, Any]] = [{
        "last_name": contact.last_name, "first_name": contact.first_name, "patronymic": contact.patronymic,
        "position": contact.position, "messengers": contact.messengers, "form_of_address": contact.form_of_address,
        "birthday": contact.birthday.isoformat() if contact.birthday else None,
        "phones": list(contact.phones.values_list("number", flat=True)),
        "emails": list(contact.emails.values_list("email", flat=True)),
    }]
    history = AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(Contact), object_id=contact.pk)
    for changes in history.values_list("changes", flat=True):
        if isinstance(changes, dict):
            states.append({key: list(_flat(value)) for key, value in changes.items()})
    named = {"last_name": person.last_names, "first_name": person.first_names, "patronymic": person.patronymics,
             "position": person.positions, "form_of_address": person.aliases}
    for state in states:
        for key, value in state.items():
            for item in _flat(value):
                text = str(item)
                if key in named:
                    named[key].add(text)
                elif key == "birthday":
                    with contextlib.suppress(ValueError):
                        person.birthdays.add(dt.date.fromisoformat(text[:10]))
                elif key == "phones":
                    person.phones |= set(_E164.findall(text))
                elif key in ("emails", "messengers"):
                    _add_contact_details(person, text)
    others = ContactPhone.objects.filter(number__in=person.phones, contact__erased_at__isnull=True) \
        .exclude(contact=contact).values_list("number", flat=True)
    person.phones -= set(others) | set(Account.objects.filter(phone__in=person.phones).values_list("phone", flat=True))
    emails = {email.lower() for email in person.emails}
    shared = ContactEmail.objects.filter(email__in=emails, contact__erased_at__isnull=True).exclude(contact=contact)
    person.emails = emails - set(shared.values_list("email", flat=True))
    return person


# --- what is held about the person ---------------------------------------------------------------


def linked_records(contact: Contact) -> dict[str, list[dict[str, Any]]]:
    """Every record that points to the person (their complaints, tickets, surveys, interactions,
    consents, audit entries...), as the audit log would record it, by kind."""
    records: dict[str, list[dict[str, Any]]] = {}
    for columns in searched_columns():
        if columns.model is Contact:
            continue
        scope = _scopes(columns, contact).person
        if scope is None:
            continue
        rows = [{"id": row.pk, **audit.snapshot(row)}
                for row in columns.model._base_manager.filter(scope).order_by("pk")]
        if rows:
            records[columns.label] = rows
    return records


def mentions(contact: Contact, *, everywhere: bool) -> tuple[list[dict[str, Any]], int]:
    """Records that name the person without pointing to them: those of their account, and (with
    ``everywhere``) all others too; otherwise how many others there are."""
    redactor = redactor_for(contact, person_of(contact))
    found, elsewhere = [], set()
    for finding in findings(contact, redactor):
        if finding.where == PERSON:
            continue
        if finding.where == ELSEWHERE and not everywhere:
            elsewhere.add((finding.columns.label, finding.pk))
            continue
        text = finding.before if isinstance(finding.before, str) else json.dumps(finding.before, ensure_ascii=False)
        found.append({"record": finding.columns.label, "id": finding.pk, "field": finding.field.name, "text": text})
    return found, len(elsewhere)
