"""The span of dates Keyaccount accepts: 1900 to 2199.

Python's dates run from year 1 to 9999, and a reminder "14 days before 0001-01-03" or a renewal "12 months
after 9999-12-01" overflows them. No client relationship starts before 1900 or is planned past 2199, so a
date outside that span is a typing mistake: it is refused at every edge (forms, API, imports) through the
models' own validation, with a message saying the span, instead of failing deep inside a computation.
"""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

EARLIEST_DAY = dt.date(1900, 1, 1)
LATEST_DAY = dt.date(2199, 12, 31)


def in_span(value: dt.date | dt.datetime) -> bool:
    day = value.date() if isinstance(value, dt.datetime) else value
    return EARLIEST_DAY <= day <= LATEST_DAY


def validate_in_span(value) -> None:
    if value is not None and not in_span(value):
        raise ValidationError(_("Give a date between %(first)s and %(last)s."), code="date_out_of_span",
                              params={"first": EARLIEST_DAY.isoformat(), "last": LATEST_DAY.isoformat()})


def bound_every_date_field(app_prefix: str = "keyaccount.") -> None:
    """Give every date and date-time field of Keyaccount's own models the span validator, so that each
    model's ``full_clean`` (which every service calls before it writes) refuses a date outside it. Run
    once, when the apps are ready; adding validators changes no column."""
    for model in apps.get_models():
        if not model.__module__.startswith(app_prefix):
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.DateField) and validate_in_span not in field.validators:
                field.validators.append(validate_in_span)
