"""The one audit mechanism: services call these in the same transaction as the write they record."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from keyaccount.core.models import AuditAction, AuditEntry

# Bookkeeping fields whose change is implied by every update and would only add noise.
_SKIPPED_FIELDS = {"version", "created_at", "updated_at", "search_text", "last_login"}
# Secrets (hashes of passwords and tokens) are never copied into the log; it says whether one is set.
_SECRET_FIELDS = {"password", "key_hash", "calendar_key_hash"}


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple | set):
        return sorted(str(item) for item in value)
    return str(value)


def snapshot(instance: models.Model, **extra: Any) -> dict[str, Any]:
    """The audited state of a record: its concrete fields (foreign keys as ids) plus ``extra``
    values a service adds for related rows it manages (tags, roles, phones...)."""
    state: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in _SKIPPED_FIELDS or field.primary_key:
            continue
        value = getattr(instance, field.attname)
        state[field.name] = ("(set)" if value else "") if field.name in _SECRET_FIELDS else _json_value(value)
    for name, value in extra.items():
        state[name] = _json_value(value)
    return state


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    keys = before.keys() | after.keys()
    return {key: [before.get(key), after.get(key)] for key in sorted(keys) if before.get(key) != after.get(key)}


def record(
    *, actor, action: str, instance: models.Model, before: dict | None = None, after: dict | None = None,
    account_id: int | None = None, changes: dict | None = None,
) -> AuditEntry | None:
    """Write one audit entry. An update that changed nothing writes nothing."""
    if changes is None:
        changes = diff(before or {}, after or {})
    if action == AuditAction.UPDATE and not changes:
        return None
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=True),
        object_id=instance.pk,
        object_repr=str(instance)[:300],
        changes=changes,
        account_id=account_id,
    )


def record_create(*, actor, instance, after: dict, account_id: int | None = None):
    return record(actor=actor, action=AuditAction.CREATE, instance=instance, before={}, after=after,
                  account_id=account_id)


def record_update(*, actor, instance, before: dict, after: dict, account_id: int | None = None):
    return record(actor=actor, action=AuditAction.UPDATE, instance=instance, before=before, after=after,
                  account_id=account_id)


def record_delete(*, actor, instance, before: dict, account_id: int | None = None):
    return record(actor=actor, action=AuditAction.DELETE, instance=instance, before=before, after={},
                  account_id=account_id)


def _blank(value: Any, marker: str) -> Any:
    if isinstance(value, dict):
        return {key: _blank(item, marker) for key, item in value.items()}
    if isinstance(value, list):
        return [_blank(item, marker) for item in value]
    return value if value is None or value == "" else marker


def erase_values(*, model: type[models.Model], object_id: int, object_repr: str, marker: str) -> int:
    """Blank every value the log holds for one record (personal-data erasure), returning how many
    entries changed. Each entry keeps its time, author and action and which fields changed; every
    value becomes ``marker`` (an empty one stays empty, so "was set" and "was cleared" still show)."""
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=True)
    entries = AuditEntry.objects.filter(content_type=content_type, object_id=object_id)
    for pk, changes in entries.values_list("pk", "changes"):
        AuditEntry.objects.filter(pk=pk).update(object_repr=object_repr[:300], changes=_blank(changes, marker))
    return entries.count()
