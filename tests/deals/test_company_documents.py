"""Proposals print our company's requisites and the VAT rate of their date: 20 % on 2025-12-31, 22 %
from 2026-01-01, unless a rate is chosen; dates print "3 декабря 2026 г." with one full stop."""

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from keyaccount.core import services as core_services
from keyaccount.core.choices import VatRate
from keyaccount.deals import documents, services
from keyaccount.deals.models import Proposal
from tests.core.test_company import GOOD
from tests.factories import ProductFactory

MOSCOW = ZoneInfo("Europe/Moscow")


@pytest.fixture
def pump(db):
    return ProductFactory(sku="PUMP-1", name="Насос ЦНС 60-198", list_price=Decimal("500000"))


@pytest.fixture
def company(people):
    return core_services.company_update(actor=people["admin"], data=GOOD)


def make(people, account, pump, **data):
    return services.proposal_create(user=people["anna"], account=account, data={
        "title": "Насосная станция", "language": "ru", "lines": [{"product": pump, "quantity": 1}], **data})


def docx_text(proposal) -> str:
    document = Document(io.BytesIO(documents.render_docx(proposal)))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return " ".join("\n".join([paragraph.text for paragraph in document.paragraphs] + cells).split())


def pdf_text(proposal) -> str:
    reader = PdfReader(io.BytesIO(documents.render_proposal_pdf(proposal)))
    return " ".join("".join(page.extract_text() for page in reader.pages).split())  # lines and nbsp: one space


@pytest.mark.parametrize("day,rate,vat", [
    (dt.date(2025, 12, 31), Decimal("20"), Decimal("83333.33")),
    (dt.date(2026, 1, 2), Decimal("22"), Decimal("90163.93")),
])
def test_the_vat_rate_follows_the_proposals_date(people, anna_account, pump, day, rate, vat):
    proposal = make(people, anna_account, pump, sent_on=day)
    assert (proposal.vat_by_date, proposal.vat_rate, proposal.vat_total) == (True, rate, vat)


@pytest.mark.parametrize("moment,rate", [
    (dt.datetime(2025, 12, 31, 23, 30, tzinfo=MOSCOW), Decimal("20")),
    (dt.datetime(2026, 1, 1, 0, 30, tzinfo=MOSCOW), Decimal("22")),  # still 2025 in UTC
])
def test_a_draft_takes_the_rate_of_the_day_it_is_made(people, anna_account, pump, moment, rate):
    with time_machine.travel(moment, tick=False):
        assert make(people, anna_account, pump).vat_rate == rate


def test_a_rate_chosen_is_kept_whatever_the_date(people, anna_account, pump):
    chosen = make(people, anna_account, pump, sent_on=dt.date(2026, 1, 2), vat_rate=Decimal("10"))
    without = make(people, anna_account, pump, sent_on=dt.date(2026, 1, 2), vat_rate=None)
    assert (chosen.vat_by_date, chosen.vat_rate) == (False, Decimal("10"))
    assert (without.vat_by_date, without.vat_rate, without.vat_total) == (False, None, Decimal("0"))


def test_moving_the_date_across_new_year_changes_a_rate_by_date(people, anna_account, pump):
    proposal = make(people, anna_account, pump, sent_on=dt.date(2025, 12, 31))
    proposal = services.proposal_update(user=people["anna"], proposal=proposal,
                                        data={"sent_on": dt.date(2026, 1, 12)}, version=proposal.version)
    assert proposal.vat_rate == Decimal("22")


def test_our_company_without_vat_makes_proposals_without_vat(people, anna_account, pump):
    core_services.company_update(actor=people["admin"], data={**GOOD, "vat_rate": VatRate.NONE})
    proposal = make(people, anna_account, pump, sent_on=dt.date(2026, 1, 2))
    assert proposal.vat_rate is None and proposal.total == Decimal("500000")


def test_made_before_this_change_a_proposal_keeps_its_rate(people, anna_account, pump):
    """The migration adds vat_by_date as false for the rows it finds: their rate was chosen."""
    proposal = make(people, anna_account, pump, sent_on=dt.date(2026, 1, 2), vat_rate=Decimal("20"))
    Proposal.objects.filter(pk=proposal.pk).update(vat_by_date=False)
    proposal.refresh_from_db()
    proposal = services.proposal_update(user=people["anna"], proposal=proposal, data={"terms": "Доставка"},
                                        version=proposal.version)
    assert proposal.vat_rate == Decimal("20")


@pytest.mark.parametrize("render", [docx_text, pdf_text])
def test_the_documents_show_our_requisites_and_the_2026_vat(people, anna_account, pump, company, render):
    proposal = make(people, anna_account, pump, sent_on=dt.date(2026, 12, 3), valid_until=dt.date(2026, 12, 31))
    text = render(proposal)
    for part in ("ООО «Промтехснаб»", "ИНН 7707083893", "КПП 770701001", "ОГРН 1027700132195",
                 "Москва, ул. Вавилова, 19", "ПАО Сбербанк", "БИК 044525225", GOOD["settlement_account"],
                 "к/с 30101810400000000225", "Генеральный директор", "Соколов А. В.", "В т.ч. НДС 22 %"):
        assert part in text, part
    assert "Keyaccount" not in text
    assert "от 3 декабря 2026 г." in text
    assert "действительно до 31 декабря 2026 г." in text and "г.." not in text


@pytest.mark.parametrize("render", [docx_text, pdf_text])
def test_a_proposal_dated_2025_prints_20_per_cent(people, anna_account, pump, company, render):
    text = render(make(people, anna_account, pump, sent_on=dt.date(2025, 12, 31)))
    assert "В т.ч. НДС 20 %" in text and "от 31 декабря 2025 г." in text


def test_the_english_document_writes_money_with_a_space_after_the_code(people, anna_account, pump, company):
    proposal = make(people, anna_account, pump, language="en", sent_on=dt.date(2026, 12, 3),
                    valid_until=dt.date(2026, 12, 31))
    text = docx_text(proposal)
    assert "RUB 500,000.00" in text and "Including VAT 22 %" in text
    assert "INN 7707083893, KPP 770701001" in text and "BIC 044525225" in text
    assert "valid until December 31, 2026." in text and "of December 3, 2026" in text


def test_the_pdf_carries_the_logo(people, anna_account, pump, company):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.core.test_company import png

    core_services.company_update(actor=people["admin"], data={
        "logo": SimpleUploadedFile("logo.png", png(), content_type="image/png")})
    reader = PdfReader(io.BytesIO(documents.render_proposal_pdf(make(people, anna_account, pump))))
    assert any(page.images for page in reader.pages)


def test_the_form_offers_the_rates_and_by_date_first(people, anna_account, pump, client_for):
    client = client_for(people["anna"])
    url = reverse("deals:proposal_create", args=[anna_account.pk])
    page = client.get(url).content.decode()
    assert 'value="by_date" selected' in page
    form = {"title": "Станция", "language": "ru", "currency": "RUB", "prices_include_vat": "on", "status": "sent",
            "sent_on": "2026-01-02", "lines": "PUMP-1; 1"}
    client.post(url, {**form, "vat_rate": "by_date"})
    client.post(url, {**form, "title": "Без НДС", "vat_rate": "none"})
    client.post(url, {**form, "title": "Десять", "vat_rate": "10"})
    rates = dict(Proposal.objects.values_list("title", "vat_rate"))
    assert rates == {"Станция": Decimal("22"), "Без НДС": None, "Десять": Decimal("10")}


def test_the_api_without_a_rate_takes_the_rate_of_the_date(people, anna_account, pump, api_as):
    call = api_as("anna")
    answer = call("post", "/api/v1/proposals/", {"account_id": anna_account.pk, "title": "API",
                                                 "sent_on": "2026-01-02", "lines": [{"product_id": pump.pk,
                                                                                     "quantity": 1}]})
    assert answer.status_code == 201, answer.content
    assert answer.json()["vat_rate"] in ("22.00", "22", 22) and answer.json()["vat_by_date"] is True


def test_the_edit_form_shows_the_rate_as_chosen(people, anna_account, pump, client_for):
    by_date = make(people, anna_account, pump, sent_on=dt.date(2026, 1, 2))
    old_rate = make(people, anna_account, pump, sent_on=dt.date(2026, 1, 2), vat_rate=Decimal("18"))
    client = client_for(people["anna"])
    assert 'value="by_date" selected' in client.get(reverse("deals:proposal_edit", args=[by_date.pk])).content.decode()
    page = client.get(reverse("deals:proposal_edit", args=[old_rate.pk])).content.decode()
    assert 'value="18" selected' in page  # a rate no longer offered stays as it was
