"""Money is a Decimal plus an ISO 4217 code, formatted by the active locale (babel)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from babel.core import get_global
from babel.numbers import (
    format_currency,
    format_decimal,
    get_currency_name,
    get_territory_currencies,
    list_currencies,
)
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

MONEY_DIGITS = 18
MONEY_PLACES = 2


def _currencies_in_use() -> frozenset[str]:
    """ISO 4217 codes legal tender somewhere today (so the obsolete RUR is refused: it is RUB now)."""
    today = dt.date.today()
    codes = set()
    for territory in get_global("territory_currencies"):
        codes.update(get_territory_currencies(territory, today))
    return frozenset(codes & set(list_currencies()))


_CURRENCIES = _currencies_in_use()


def babel_locale(language: str | None = None) -> str:
    language = (language or get_language() or "ru").split("-")[0]
    return {"ru": "ru_RU", "en": "en_US"}.get(language, "en_US")


def validate_currency(value: str) -> None:
    if value not in _CURRENCIES:
        raise ValidationError(
            _("“%(value)s” is not a currency in use; give its ISO 4217 code, e.g. RUB, USD, EUR."),
            code="currency", params={"value": value},
        )


def format_money(amount: Decimal | None, currency: str, language: str | None = None) -> str:
    """``1 234 567,89 ₽`` in Russian, ``RUB 1,234,567.89`` in English."""
    if amount is None:
        return ""
    return format_currency(amount, currency, locale=babel_locale(language))


def format_number(value, language: str | None = None) -> str:
    if value is None:
        return ""
    return format_decimal(value, locale=babel_locale(language))


def currency_name(code: str, language: str | None = None) -> str:
    return get_currency_name(code, locale=babel_locale(language))


def to_decimal(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))
