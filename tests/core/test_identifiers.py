import pytest
from django.core.exceptions import ValidationError

from keyaccount.core.identifiers import validate_inn, validate_kpp, validate_ogrn, validate_vat_number


@pytest.mark.parametrize("inn", ["7707083893", "500100732259", "7707 083 893"])
def test_valid_inns_pass(inn):
    validate_inn(inn)


@pytest.mark.parametrize("inn", ["7707083894", "12345", "77070838931", "abcdefghij"])
def test_invalid_inns_are_refused(inn):
    with pytest.raises(ValidationError):
        validate_inn(inn)


@pytest.mark.parametrize("ogrn", ["1027700132195", "304500116000180", "304500116000157"])
def test_valid_ogrns_and_ogrnips_pass(ogrn):
    # 304500116000180 has remainder 10 (control digit 0): python-stdnum 2.2 wrongly rejects it.
    validate_ogrn(ogrn)


@pytest.mark.parametrize("ogrn", ["1027700132194", "304500116000181", "0027700132195", "123"])
def test_invalid_ogrns_are_refused(ogrn):
    with pytest.raises(ValidationError):
        validate_ogrn(ogrn)


@pytest.mark.parametrize("kpp", ["773301001", "7733AB001", "7733ab001", "77330100", "7733010011", "77A301001"])
def test_kpp_format(kpp):
    valid = kpp in ("773301001", "7733AB001")
    if valid:
        validate_kpp(kpp)
    else:
        with pytest.raises(ValidationError):
            validate_kpp(kpp)


def test_foreign_vat_numbers_are_checked_by_country():
    validate_vat_number("DE136695976")
    with pytest.raises(ValidationError):
        validate_vat_number("DE136695977")
