"""Phone numbers: stored as E.164, shown in the national format of the default region."""

from __future__ import annotations

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def to_e164(raw: str, region: str | None = None) -> str:
    """Parse what a person typed (8 916 123-45-67, +7 (916) 1234567 ...) into E.164.

    Raises ``ValidationError`` naming the value when it is not a possible, valid number.
    """
    region = region or settings.KAM_DEFAULT_REGION
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as error:
        raise ValidationError(_("“%(value)s” is not a phone number.") % {"value": raw}, code="phone") from error
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(_("“%(value)s” is not a valid phone number.") % {"value": raw}, code="phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display(e164: str) -> str:
    """National format for numbers of the default region, international for the rest."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    region = phonenumbers.region_code_for_number(number)
    fmt = (phonenumbers.PhoneNumberFormat.NATIONAL if region == settings.KAM_DEFAULT_REGION
           else phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return phonenumbers.format_number(number, fmt)


def search_digits(e164: str) -> str:
    """Digits under which a number is found by search: full international and national digits."""
    number = phonenumbers.parse(e164, None)
    return f"{number.country_code}{number.national_number} {number.national_number}"


def normalise_search_term(term: str) -> str | None:
    """If a search term looks like a phone number, the digits stored for it; otherwise None."""
    digits = "".join(ch for ch in term if ch.isdigit())
    if len(digits) < 5 or any(ch.isalpha() for ch in term):
        return None
    try:
        number = phonenumbers.parse(term, settings.KAM_DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return digits
    if phonenumbers.is_possible_number(number):
        return str(number.national_number)
    return digits
