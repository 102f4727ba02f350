"""Keyset paging: a page of a list starts after the last row of the one before, found by the values of
the list's sort keys, so page 2,000 costs what page 1 does (an offset makes the database count its way
past every row before it).

A list's order must be total: a model's list ends in its primary key (added when missing); a grouped
list (``values(...).annotate(...)``) must end in a key unique per row itself. NULLs sort as the smallest
value whatever the database (SQLite puts them first, PostgreSQL last, unless told), so a list reads the
same on both.

The position travels as an opaque cursor: the last row's sort values, signed with the installation's
secret (a cursor cannot be forged to start anywhere, or carried to another list) and compressed. What a
cursor may reveal is only the sort values of a row the user was shown."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.core.exceptions import FieldDoesNotExist
from django.db import connections
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import OrderBy

_SALT = "keyaccount.core.paging"
# A cursor longer than this is not one of ours (the longest sort values we hold are a few names).
MAX_CURSOR_LENGTH = 2_000


# No row: what follows the last value of a key in its direction.
_NEVER = Q(pk__in=[])


class CursorError(ValueError):
    """The cursor is not one this list gave out (edited, from another list or installation, too old)."""


@dataclass(frozen=True)
class Key:
    """One sort key: a field path (``account__name``), its direction, and whether it can be NULL."""

    path: str
    descending: bool
    nullable: bool

    def order(self, nulls_smallest_already: bool = False):
        if not self.nullable or nulls_smallest_already:
            return F(self.path).desc() if self.descending else F(self.path).asc()
        # NULL is the smallest value: first going up, last going down.
        return (F(self.path).desc(nulls_last=True) if self.descending
                else F(self.path).asc(nulls_first=True))

    def after(self, value) -> Q:
        """Rows strictly after ``value`` on this key."""
        if value is None:
            return _NEVER if self.descending else Q(**{f"{self.path}__isnull": False})
        beyond = Q(**{f"{self.path}__{'lt' if self.descending else 'gt'}": value})
        return beyond | Q(**{f"{self.path}__isnull": True}) if self.nullable and self.descending else beyond

    def at_or_after(self, value) -> Q | None:
        """A condition an index can start its scan at, or None where there is none to give."""
        if value is None or (self.nullable and self.descending):
            return None
        return Q(**{f"{self.path}__{'lte' if self.descending else 'gte'}": value})

    def equal(self, value) -> Q:
        return Q(**{f"{self.path}__isnull": True}) if value is None else Q(**{self.path: value})


def keys_of(queryset: QuerySet) -> list[Key]:
    """The sort keys of ``queryset`` (its order_by, else its model's ordering), with the primary key
    added to a model's list when the order does not end in it."""
    ordering = list(queryset.query.order_by or queryset.model._meta.ordering)
    keys = []
    for item in ordering:
        if isinstance(item, str):
            descending, path = item.startswith("-"), item.lstrip("-")
        elif isinstance(item, OrderBy) and isinstance(item.expression, F):
            descending, path = item.descending, item.expression.name
        else:
            raise TypeError(f"keyset paging needs field names to sort by, not {item!r}")
        if path == "?":
            raise TypeError("keyset paging cannot follow a random order")
        keys.append(Key("pk" if path == "id" and queryset.model._meta.pk.name == "id" else path,
                        descending, _nullable(queryset, path)))
    grouped = queryset.query.values_select and queryset.query.group_by is not None
    if not grouped and (not keys or keys[-1].path not in ("pk", queryset.model._meta.pk.name)):
        keys.append(Key("pk", keys[-1].descending if keys else False, False))
    return keys


def _nullable(queryset: QuerySet, path: str) -> bool:
    """Whether ``path`` can come out NULL: a nullable field, a relation on the way that may be missing,
    or an annotation (an aggregate of no rows). A path ending in a relation is refused: Django sorts by
    the related model's own order there, not by the key the cursor would hold (sort by ``owner_id``)."""
    if path in queryset.query.annotations:
        return True
    model, nullable, field = queryset.model, False, None
    for part in path.split("__"):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return True
        nullable = nullable or bool(field.null) or (field.is_relation and (field.many_to_many or field.one_to_many))
        if field.is_relation and field.related_model is not None:
            model = field.related_model
    if field is not None and field.is_relation and path.rsplit("__", 1)[-1] == field.name:
        raise TypeError(f"keyset paging sorts by values, not by the relation {path!r} (sort by {path}_id)")
    return nullable


def ordered(queryset: QuerySet, keys: list[Key]) -> QuerySet:
    """``queryset`` in the keys' total order, NULLs smallest on every database. (SQLite's own order:
    there the plain ORDER BY is left as it is, so that it can still use an index, which SQLite cannot
    be told to keep its NULLs elsewhere in.)"""
    sqlite = connections[queryset.db].vendor == "sqlite"
    return queryset.order_by(*(key.order(nulls_smallest_already=sqlite) for key in keys))


def after(queryset: QuerySet, keys: list[Key], values: list) -> QuerySet:
    """The rows of ``queryset`` (ordered by ``keys``) after the row whose sort values are ``values``."""
    # Built from the last key back: after on key i, or equal on it and after on the rest.
    condition = keys[-1].after(values[-1])
    for key, value in zip(reversed(keys[:-1]), reversed(values[:-1]), strict=True):
        condition = key.after(value) | (key.equal(value) & condition)
    start = keys[0].at_or_after(values[0])
    return queryset.filter(start & condition if start is not None else condition)


def values_of(row, keys: list[Key]) -> list:
    """The sort values of one row of the list: a model instance or a dict (a grouped list)."""
    values = []
    for key in keys:
        if isinstance(row, dict):
            values.append(row[key.path])
            continue
        value = row
        for part in key.path.split("__"):
            value = getattr(value, part, None) if value is not None else None
        values.append(value)
    return values


# --- the cursor --------------------------------------------------------------------------------


def _pack(value) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime):
        return {"t": value.isoformat()}
    if isinstance(value, dt.date):
        return {"d": value.isoformat()}
    if isinstance(value, decimal.Decimal):
        return {"n": str(value)}
    if isinstance(value, uuid.UUID):
        return {"u": str(value)}
    raise TypeError(f"a sort value of type {type(value).__name__} cannot go in a cursor")


def _unpack(value) -> Any:
    if not isinstance(value, dict):
        return value
    (tag, text), = value.items()
    return {"t": dt.datetime.fromisoformat, "d": dt.date.fromisoformat, "n": decimal.Decimal,
            "u": uuid.UUID}[tag](text)


def _list_of(keys: list[Key], where: str) -> str:
    return where + "|" + ",".join(("-" if key.descending else "") + key.path for key in keys)


def encode(keys: list[Key], values: list, where: str) -> str:
    """The cursor of the row with ``values``, for the list at ``where`` (its path) sorted by ``keys``."""
    return signing.dumps([_pack(value) for value in values], salt=f"{_SALT}:{_list_of(keys, where)}",
                         compress=True)


def decode(cursor: str, keys: list[Key], where: str) -> list:
    """The sort values a cursor of this list holds; CursorError for anything else."""
    if len(cursor) > MAX_CURSOR_LENGTH:
        raise CursorError("too long")
    try:
        values = signing.loads(cursor, salt=f"{_SALT}:{_list_of(keys, where)}")
        if not isinstance(values, list) or len(values) != len(keys):
            raise CursorError("not of this list")
        return [_unpack(value) for value in values]
    except (signing.BadSignature, ValueError, KeyError, TypeError) as error:
        raise CursorError(str(error)) from error
