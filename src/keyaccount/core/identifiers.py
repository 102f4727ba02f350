"""Legal identifiers: Russian INN, KPP, OGRN/OGRNIP and other countries' VAT numbers.

INN and 13-digit OGRN are checked by python-stdnum. Two checks are our own because the library
gets them wrong or lacks them:

* OGRNIP (15 digits): the control digit is ``int(first 14 digits) mod 13 mod 10``. python-stdnum 2.2
  omits the final ``mod 10`` and so rejects valid numbers whose remainder is 10-12
  (e.g. 304500116000180).
* KPP has no module in python-stdnum: 4 digits (tax office code), 2 digits or capital Latin letters
  (reason code), 3 digits (serial number).
* Bank details (BIC, settlement and correspondent account) have none either; their check is the
  Bank of Russia's (its 1997 rules on account numbering): the account's 20 digits behind three
  digits taken from the BIC, weighted 7, 1, 3 repeating, the last digits of the products summing
  to a multiple of 10. A settlement account at a bank takes the BIC's last three digits; an account
  at a cash settlement centre of the Bank of Russia (BIC ending 000-002) and every correspondent
  account take "0" and the BIC's fifth and sixth digits.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import vatin
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.ru import inn as stdnum_inn
from stdnum.ru import ogrn as stdnum_ogrn

_KPP_RE = re.compile(r"^\d{4}[\dA-Z]{2}\d{3}$")


def compact(value: str) -> str:
    return re.sub(r"[\s\-.]", "", value or "")


def validate_inn(value: str) -> None:
    number = compact(value)
    if not number.isdigit() or len(number) not in (10, 12):
        raise ValidationError(_("An INN has 10 digits (company) or 12 digits (individual)."), code="inn_format")
    if not stdnum_inn.is_valid(number):
        raise ValidationError(_("This INN fails its checksum: check the digits."), code="inn_checksum")


def validate_kpp(value: str) -> None:
    if not _KPP_RE.match(compact(value)):
        raise ValidationError(
            _("A KPP is 9 characters: 4 digits, 2 digits or capital letters, 3 digits."), code="kpp_format"
        )


def ogrnip_is_valid(number: str) -> bool:
    return len(number) == 15 and number.isdigit() and number[0] in "34" and \
        int(number[:14]) % 13 % 10 == int(number[14])


def validate_ogrn(value: str) -> None:
    number = compact(value)
    if not number.isdigit() or len(number) not in (13, 15):
        raise ValidationError(_("An OGRN has 13 digits (OGRNIP: 15 digits)."), code="ogrn_format")
    valid = ogrnip_is_valid(number) if len(number) == 15 else stdnum_ogrn.is_valid(number)
    if not valid:
        raise ValidationError(_("This OGRN fails its checksum: check the digits."), code="ogrn_checksum")


def validate_bic(value: str) -> None:
    number = compact(value)
    if not (number.isdigit() and len(number) == 9 and number.startswith("04")):
        raise ValidationError(_("A BIC of a Russian bank has 9 digits and starts with 04."), code="bic_format")


def _account_key_ok(key: str, account: str) -> bool:
    digits = key + account
    weights = (7, 1, 3) * 8
    return sum(int(digit) * weight % 10 for digit, weight in zip(digits, weights, strict=False)) % 10 == 0


def _is_cash_centre(bic: str) -> bool:
    return bic[-3:] in ("000", "001", "002")


def settlement_account_problem(account: str, bic: str):
    """Why a 20-digit settlement account does not belong to the bank of ``bic`` (a message), or None."""
    account, bic = compact(account), compact(bic)
    if not (account.isdigit() and len(account) == 20):
        return _("A bank account number has 20 digits.")
    if not (bic.isdigit() and len(bic) == 9):
        return _("Give the bank's BIC first: the account is checked against it.")
    key = "0" + bic[4:6] if _is_cash_centre(bic) else bic[-3:]
    if not _account_key_ok(key, account):
        return _("This account does not match the bank's BIC (its check digit fails): check both.")
    return None


def correspondent_account_problem(account: str, bic: str):
    """Why a correspondent account is not the one of the bank of ``bic`` (a message), or None."""
    account, bic = compact(account), compact(bic)
    if not (account.isdigit() and len(account) == 20):
        return _("A bank account number has 20 digits.")
    if not account.startswith("301"):
        return _("A bank's correspondent account starts with 301 (30101…).")
    if not (bic.isdigit() and len(bic) == 9):
        return _("Give the bank's BIC first: the account is checked against it.")
    if account[-3:] != bic[-3:] or not _account_key_ok("0" + bic[4:6], account):
        return _("This correspondent account does not match the bank's BIC: check both.")
    return None


def account_check_digit(key: str, account_without_check: str) -> str:
    """The 20-digit account with its check digit (the 9th) set, for the key (used by the demo)."""
    for digit in "0123456789":
        candidate = account_without_check[:8] + digit + account_without_check[9:]
        if _account_key_ok(key, candidate):
            return candidate
    raise ValueError("no check digit fits")  # pragma: no cover - one digit always does (weight 3 at position 9)


def validate_vat_number(value: str) -> None:
    """Foreign VAT numbers with a country prefix (DE136695976), where python-stdnum knows the country."""
    try:
        vatin.validate(compact(value))
    except StdnumError as error:
        raise ValidationError(
            _("Not a valid VAT number with its country prefix (e.g. DE136695976)."), code="vat_invalid"
        ) from error


def inn_check_digits(prefix: str) -> str:
    """Complete a 9- or 10-digit prefix into a valid INN (used by the demo generator)."""
    if len(prefix) == 9:
        return prefix + stdnum_inn.calc_company_check_digit(prefix)
    return prefix + stdnum_inn.calc_personal_check_digits(prefix)


def ogrn_check_digit(prefix: str) -> str:
    """Complete a 12-digit prefix into a valid OGRN (used by the demo generator)."""
    return prefix + stdnum_ogrn.calc_check_digit(prefix + "0")
