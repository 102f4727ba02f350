"""Our company: one record of requisites an administrator keeps, every identifier and bank account
checked (the error at its field), the VAT rate a document gets by its date, and the logo's limits."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from PIL import Image

from keyaccount.core import queries, services
from keyaccount.core.choices import VatRate
from keyaccount.core.identifiers import account_check_digit, inn_check_digits, ogrn_check_digit
from keyaccount.core.models import AuditEntry, Company, general_vat_rate

SBERBANK_BIC = "044525225"
SBERBANK_CORR = "30101810400000000225"
GOOD = {
    "name": "ООО «Промтехснаб»", "inn": "7707083893", "kpp": "770701001", "ogrn": "1027700132195",
    "address": "Москва, ул. Вавилова, 19", "bank_name": "ПАО Сбербанк", "bic": SBERBANK_BIC,
    "settlement_account": account_check_digit("225", "40702810038000012345"),
    "correspondent_account": SBERBANK_CORR, "signatory": "Соколов А. В.", "signatory_position": "Генеральный директор",
}


def png(size=(40, 20)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "navy").save(buffer, "PNG")
    return buffer.getvalue()


def test_an_admin_saves_the_requisites_once_and_they_are_audited(people):
    company = services.company_update(actor=people["admin"], data=GOOD)
    again = services.company_update(actor=people["admin"], data={**GOOD, "signatory": "Иванов И. И."})
    assert again.pk == company.pk and Company.objects.count() == 1
    assert queries.our_company().signatory == "Иванов И. И."
    assert list(AuditEntry.objects.filter(object_id=company.pk, content_type__model="company")
                .values_list("action", flat=True)) == ["update", "create"]


def test_a_second_company_record_cannot_exist(people):
    services.company_update(actor=people["admin"], data=GOOD)
    with pytest.raises(IntegrityError):
        Company.objects.create(name="Second")


@pytest.mark.parametrize("role", ["anna", "head", "analyst", "support"])
def test_only_an_administrator_edits_the_requisites(people, role):
    with pytest.raises(PermissionDenied):
        services.company_update(actor=people[role], data=GOOD)
    assert not Company.objects.exists()


def test_digits_typed_with_spaces_are_kept_without_them(people):
    company = services.company_update(actor=people["admin"], data={
        **GOOD, "settlement_account": " ".join(GOOD["settlement_account"][i:i + 5] for i in range(0, 20, 5)),
        "inn": "7707 083 893"})
    assert company.settlement_account == GOOD["settlement_account"] and company.inn == "7707083893"


@pytest.mark.parametrize("field,value", [
    ("inn", "7707083894"),  # checksum
    ("inn", "77070838"),  # length
    ("kpp", "77070100"),
    ("ogrn", "1027700132194"),
    ("ogrn", "10277001321"),
    ("bic", "044525"),
    ("bic", "144525225"),  # not a Russian bank's
    ("settlement_account", "40702810038000012345"[:19]),
    ("settlement_account", "40702810000000012345"),  # fails the check against the BIC
    ("correspondent_account", "30101810400000000226"),  # another bank's last digits
    ("correspondent_account", "40702810400000000225"),  # not a correspondent account
])
def test_a_bad_requisite_is_refused_at_its_field(people, field, value):
    if field == "settlement_account" and value == "40702810000000012345":
        assert account_check_digit("225", value) != value  # really a bad one
    with pytest.raises(ValidationError) as error:
        services.company_update(actor=people["admin"], data={**GOOD, field: value})
    assert set(error.value.message_dict) == {field}
    assert not Company.objects.exists()


def test_accounts_without_a_bic_name_the_bic(people):
    with pytest.raises(ValidationError) as error:
        services.company_update(actor=people["admin"], data={**GOOD, "bic": ""})
    assert "bic" in error.value.message_dict


def test_valid_identifiers_made_by_the_demo_helpers_pass(people):
    company = services.company_update(actor=people["admin"], data={
        **GOOD, "inn": inn_check_digits("770412345"), "ogrn": ogrn_check_digit("102770012345")})
    assert len(company.inn) == 10 and len(company.ogrn) == 13


@pytest.mark.parametrize("day,rate", [
    (dt.date(2018, 12, 31), Decimal("18")), (dt.date(2019, 1, 1), Decimal("20")),
    (dt.date(2025, 12, 31), Decimal("20")), (dt.date(2026, 1, 1), Decimal("22")), (dt.date(2026, 1, 2), Decimal("22")),
])
def test_the_general_vat_rate_follows_the_date(day, rate):
    assert general_vat_rate(day) == rate
    assert Company().vat_rate_on(day) == rate  # the default setting is "by the document's date"


def test_a_company_without_vat_or_with_a_fixed_rate_says_so_on_any_date():
    assert Company(vat_rate=VatRate.NONE).vat_rate_on(dt.date(2026, 3, 1)) is None
    assert Company(vat_rate=VatRate.RATE_10).vat_rate_on(dt.date(2026, 3, 1)) == Decimal("10")


def test_a_logo_is_stored_and_reaches_documents_as_a_data_url(people):
    services.company_update(actor=people["admin"], data={
        **GOOD, "logo": SimpleUploadedFile("logo.png", png(), content_type="image/png")})
    assert queries.seller_requisites("ru")["logo"].startswith("data:image/png;base64,")


@pytest.mark.parametrize("content,name", [
    (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "logo.svg"),
    (b"\x89PNG but not really", "logo.png"),
    (png((4001, 10)), "wide.png"),
    (png() + b"\0" * (1024 * 1024), "big.png"),
])
def test_a_logo_that_is_not_a_small_png_or_jpeg_is_refused(people, content, name):
    with pytest.raises(ValidationError) as error:
        services.company_update(actor=people["admin"], data={**GOOD, "logo": SimpleUploadedFile(name, content)})
    assert set(error.value.message_dict) == {"logo"}


def test_requisites_print_in_the_documents_language(people):
    services.company_update(actor=people["admin"], data=GOOD)
    ru, en = queries.seller_requisites("ru"), queries.seller_requisites("en")
    assert ru["details"].splitlines() == [
        "ИНН 7707083893, КПП 770701001, ОГРН 1027700132195", "Москва, ул. Вавилова, 19",
        f"р/с {GOOD['settlement_account']} в ПАО Сбербанк, БИК 044525225, к/с 30101810400000000225"]
    assert en["details"].startswith("INN 7707083893, KPP 770701001, OGRN 1027700132195")
    assert f"acc. {GOOD['settlement_account']} at ПАО Сбербанк, BIC 044525225" in en["details"]


def test_before_anyone_fills_it_the_company_is_named_by_the_setting(db, settings):
    settings.KAM_COMPANY_NAME = "Acme"
    assert queries.seller_requisites("ru")["name"] == "Acme"


def test_the_admin_site_opens_the_one_record(people, client_for):
    admin = people["admin"]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client = client_for(admin)
    assert client.get("/admin/core/company/")["Location"].endswith("/admin/core/company/add/")
    company = services.company_update(actor=people["admin"], data=GOOD)
    assert client.get("/admin/core/company/")["Location"].endswith(f"/admin/core/company/{company.pk}/change/")
    page = client.get(f"/admin/core/company/{company.pk}/change/")
    assert page.status_code == 200 and "044525225" in page.content.decode()
    assert client.get("/admin/core/company/add/").status_code == 403


def test_the_admin_form_names_a_bad_account_and_saves_a_good_one(people, client_for):
    admin = people["admin"]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client = client_for(admin)
    form = {**GOOD, "vat_rate": VatRate.BY_DATE, "settlement_account": "40702810000000012345"}
    refused = client.post("/admin/core/company/add/", form)
    assert refused.status_code == 200 and not Company.objects.exists()
    assert "settlement_account" in refused.context["adminform"].form.errors
    saved = client.post("/admin/core/company/add/", {**form, "settlement_account": GOOD["settlement_account"]})
    assert saved.status_code == 302
    assert Company.objects.get().settlement_account == GOOD["settlement_account"]
    assert AuditEntry.objects.filter(content_type__model="company", action="create", actor=admin).exists()
