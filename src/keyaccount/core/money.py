"""Money is a Decimal plus an ISO 4217 code, formatted by the active locale (babel); dates in words too."""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel.core import get_global
from babel.dates import format_date as babel_format_date
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


# A currency written as its letters right before the digits ("RUB1,456.00", as babel writes CLDR's
# English pattern without its currency-spacing rule) gets the non-breaking space CLDR asks for.
_CODE_BEFORE_DIGIT = re.compile(r"^(-?)([A-Za-z]{2,})(?=\d)")


def format_money(amount: Decimal | None, currency: str, language: str | None = None) -> str:
    """``1 234 567,89 ₽`` in Russian, ``RUB 1,234,567.89`` in English (the space a non-breaking one,
    as between the digit groups of the Russian form)."""
    if amount is None or amount == "":
        return ""
    text = format_currency(to_decimal(amount), currency, locale=babel_locale(language))
    return _CODE_BEFORE_DIGIT.sub("\\1\\2\u00a0", text)


def format_date_long(day: dt.date | None, language: str | None = None) -> str:
    """A date as documents write it: ``3 декабря 2026 г.`` (the year and its "г." kept on one line),
    ``December 3, 2026``. A sentence that ends with the Russian date needs no full stop of its own."""
    if day is None:
        return ""
    # CLDR puts a narrow no-break space before "г."; a plain no-break space is in every document font.
    text = babel_format_date(day, "long", locale=babel_locale(language))
    return text.replace("\u202fг.", "\u00a0г.").replace(" г.", "\u00a0г.")


def format_number(value, language: str | None = None) -> str:
    if value is None:
        return ""
    return format_decimal(value, locale=babel_locale(language))


def currency_name(code: str, language: str | None = None) -> str:
    return get_currency_name(code, locale=babel_locale(language))


def parse_decimal(value, default: Decimal | None = None) -> Decimal | None:
    """A number typed or sent as text, or ``default`` when empty; None when it is not a finite number
    (the caller reports which field of which line)."""
    if value is None or value == "":
        return default
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def to_decimal(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


# Currency names for amounts in words: (one, few, many) of the unit and of its hundredth part;
# Russian nouns take the form the number asks for (1 рубль, 2 рубля, 5 рублей).
_WORD_FORMS = {
    "ru": {
        "RUB": (("рубль", "рубля", "рублей"), ("копейка", "копейки", "копеек")),
        "USD": (("доллар США", "доллара США", "долларов США"), ("цент", "цента", "центов")),
        "EUR": (("евро", "евро", "евро"), ("цент", "цента", "центов")),
        "CNY": (("юань", "юаня", "юаней"), ("фэнь", "фэня", "фэней")),
    },
    "en": {
        "RUB": (("rouble", "roubles", "roubles"), ("kopeck", "kopecks", "kopecks")),
        "USD": (("US dollar", "US dollars", "US dollars"), ("cent", "cents", "cents")),
        "EUR": (("euro", "euros", "euros"), ("cent", "cents", "cents")),
        "CNY": (("yuan", "yuan", "yuan"), ("fen", "fen", "fen")),
    },
}


def _plural_form(number: int, language: str) -> int:
    if language == "ru":
        if number % 10 == 1 and number % 100 != 11:
            return 0
        if 2 <= number % 10 <= 4 and not 12 <= number % 100 <= 14:
            return 1
        return 2
    return 0 if number == 1 else 1


def amount_in_words(amount: Decimal, currency: str, language: str = "ru") -> str:
    """The sum as documents write it: "Один миллион двести тысяч рублей 00 копеек" (the whole
    units in words, the hundredths in digits, as Russian invoices and contracts do)."""
    from num2words import num2words

    language = "ru" if language.startswith("ru") else "en"
    cents_total = int((abs(Decimal(amount)) * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    whole, cents = divmod(cents_total, 100)
    words = num2words(whole, lang=language).replace(",", "").replace("-", " " if language == "ru" else "-")
    forms = _WORD_FORMS[language].get(currency)
    if forms is None:
        text = f"{words} {currency} {cents:02d}"
    else:
        units, parts = forms
        text = f"{words} {units[_plural_form(whole, language)]} {cents:02d} {parts[_plural_form(cents, language)]}"
    if Decimal(amount) < 0:
        text = ("минус " if language == "ru" else "minus ") + text
    return text[:1].upper() + text[1:]
