"""The limits a request schema takes from the model it writes, so that the API refuses at the edge — and
its OpenAPI document says — what the model would refuse later: text lengths, integer ranges, the digits
of a decimal, the calendar span of dates. Text and lists no model limits get general bounds, so one
request cannot carry megabytes in a field.

JSON Schema cannot say everything pydantic checks (a decimal's digits, a date's year), so those limits
are also written in the schema's own terms: an integer range and a string pattern for decimals, a year
pattern for dates. A client (or a fuzzer) that follows the document is never refused for them.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from decimal import Decimal
from typing import Annotated

from annotated_types import MaxLen
from django.core.validators import EmailValidator, MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from pydantic import BaseModel, Field
from pydantic.fields import FieldInfo

TEXT_MAX_LENGTH = 20_000
LIST_MAX_ITEMS = 1_000
# The integer columns' ranges on PostgreSQL, the stricter of the two databases.
_INTEGER_RANGES = {
    "SmallIntegerField": (-32768, 32767), "PositiveSmallIntegerField": (0, 32767),
    "IntegerField": (-2147483648, 2147483647), "PositiveIntegerField": (0, 2147483647),
    "BigIntegerField": (-(2**63), 2**63 - 1), "PositiveBigIntegerField": (0, 2**63 - 1),
}
# A date (or the date of a date-time) from 1900 to 2199: ``calendar_bounds``' span, as a pattern.
DATE_PATTERN = r"^(19\d\d|2[01]\d\d)-"
# Addresses Django's validators take, in a form JSON Schema can say (they take more than this).
_LABEL = r"[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?"
URL_PATTERN = rf"^https?://{_LABEL}(\.{_LABEL})*\.[a-z]{{2,6}}(/[a-zA-Z0-9._~/?#=&%-]*)?$"
EMAIL_PATTERN = rf"^[a-z0-9_%+-]+(\.[a-z0-9_%+-]+)*@{_LABEL}(\.{_LABEL})*\.[a-z]{{2,6}}$"


def value_types(annotation) -> set:
    """The types a field's annotation admits besides None (``str | None`` → {str})."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return {kind for arg in typing.get_args(annotation) for kind in value_types(arg)} - {type(None)}
    if origin is Annotated:
        return value_types(typing.get_args(annotation)[0])
    return {origin or annotation}


def _has(field: FieldInfo, constraint) -> bool:
    return any(isinstance(item, constraint) for item in field.metadata)


def _value_range(model_field: models.Field, low, high):
    for validator in model_field.validators:
        if isinstance(validator, MinValueValidator):
            low = validator.limit_value if low is None else max(low, validator.limit_value)
        elif isinstance(validator, MaxValueValidator):
            high = validator.limit_value if high is None else min(high, validator.limit_value)
    return low, high


def _model_constraints(model_field: models.Field) -> list:
    """Pydantic constraints saying what a Django field accepts: its length, its digits, its range."""
    if isinstance(model_field, models.CharField | models.TextField) and model_field.max_length:
        return Field(max_length=model_field.max_length).metadata
    if isinstance(model_field, models.DecimalField):
        low, high = _value_range(model_field, None, None)
        return Field(max_digits=model_field.max_digits, decimal_places=model_field.decimal_places,
                     ge=low, le=high).metadata
    if model_field.get_internal_type() in _INTEGER_RANGES:
        low, high = _value_range(model_field, *_INTEGER_RANGES[model_field.get_internal_type()])
        return Field(ge=low, le=high).metadata
    return []


def _metadata_value(field: FieldInfo, name: str):
    for item in field.metadata:
        value = getattr(item, name, None)
        if value is not None:
            return value
    return None


def decimal_json(*, digits: int, places: int, low: Decimal | None, high: Decimal | None) -> dict:
    """A decimal as JSON Schema can say it: a whole number in range, or a string of at most ``digits``
    digits, ``places`` of them after the point (``"1234.50"``), with no sign when it cannot be negative.
    A range of 0 to a power of ten (a percentage) is written out in the pattern too."""
    whole = digits - places
    sign = "" if low is not None and low >= 0 else "-?"
    fraction = rf"(\.\d{{1,{places}}})?" if places else ""
    pattern = rf"^{sign}\d{{1,{whole}}}{fraction}$"
    if low is not None and 0 < low < 1:  # a quantity: more than nothing
        pattern = rf"^([1-9]\d{{0,{whole - 1}}}{fraction}|0\.\d{{0,{places - 1}}}[1-9])$"
    if low == 0 and high is not None and high == 10 ** (len(str(int(high))) - 1) and high > 1:
        width = len(str(int(high))) - 1
        zeros = rf"(\.0{{1,{places}}})?" if places else ""
        pattern = rf"^({int(high)}{zeros}|\d{{1,{width}}}{fraction})$"
    largest = 10**whole - 1
    return {"pattern": pattern, "multipleOf": 1,
            "minimum": int(low) if low is not None else -largest, "maximum": int(high) if high is not None else largest}


def _json_extra(field: FieldInfo, kinds: set, model_field: models.Field | None) -> dict | None:
    if kinds & {dt.date, dt.datetime}:
        return {"pattern": DATE_PATTERN}
    validators = model_field.validators if model_field is not None else []
    for validator, pattern in ((URLValidator, URL_PATTERN), (EmailValidator, EMAIL_PATTERN)):
        if any(isinstance(item, validator) for item in validators):
            # A field that may be left empty takes "" too.
            return {"pattern": f"^$|{pattern}" if model_field.blank else pattern}
    if Decimal in kinds:
        digits, places = _metadata_value(field, "max_digits"), _metadata_value(field, "decimal_places")
        if digits is not None and places is not None:
            return decimal_json(digits=digits, places=places, low=_metadata_value(field, "ge"),
                                high=_metadata_value(field, "le"))
    return None


def constrain(schema: type[BaseModel], django_model: type[models.Model] | None) -> bool:
    """Put the model's limits (and the general bounds on text and lists) on a schema's fields; True
    when a field changed and the schema must be rebuilt."""
    model_fields = {field.name: field for field in django_model._meta.concrete_fields} if django_model else {}
    changed = False
    for name, field in schema.model_fields.items():
        kinds = value_types(field.annotation)
        extra = []
        if name in model_fields:
            extra = [item for item in _model_constraints(model_fields[name]) if not _has(field, type(item))]
        if str in kinds and not _has(field, MaxLen) and not any(isinstance(item, MaxLen) for item in extra):
            extra = Field(max_length=TEXT_MAX_LENGTH).metadata
        elif list in kinds and not _has(field, MaxLen):
            extra = Field(max_length=LIST_MAX_ITEMS).metadata
        if extra:
            field.metadata.extend(extra)
            changed = True
        json_extra = _json_extra(field, kinds, model_fields.get(name))
        if json_extra and field.json_schema_extra != json_extra:
            field.json_schema_extra = json_extra
            changed = True
    return changed
