"""Proposals as documents: the Word file from the template carries the right totals and the amount
in words; the PDF renders; a bad template is refused with the reason, a bad field is named."""

import io
import time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document
from pypdf import PdfReader

from keyaccount.core.money import amount_in_words
from keyaccount.deals import documents, services
from keyaccount.deals.models import ProposalTemplate
from tests import bombs
from tests.factories import ProductFactory


@pytest.fixture
def proposal(people, anna_account):
    pump = ProductFactory(sku="PUMP-1", name="Насос ЦНС 60-198", list_price=Decimal("500000"))
    work = ProductFactory(sku="SVC-1", name="Пусконаладка", list_price=Decimal("100000"), unit="работа")
    return services.proposal_create(user=people["anna"], account=anna_account, data={
        "title": "Насосная станция <под ключ> & сервис", "language": "ru", "vat_rate": Decimal("20"),
        "lines": [{"product": pump, "quantity": 2, "discount_percent": Decimal("10")},
                  {"product": work, "quantity": 3}]})


def document_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([paragraph.text for paragraph in document.paragraphs] + cells)


@pytest.mark.parametrize("amount,currency,language,words", [
    ("1200000", "RUB", "ru", "Один миллион двести тысяч рублей 00 копеек"),
    ("21.01", "RUB", "ru", "Двадцать один рубль 01 копейка"),
    ("3.5", "RUB", "ru", "Три рубля 50 копеек"),
    ("1234.56", "USD", "en", "One thousand two hundred and thirty-four US dollars 56 cents"),
])
def test_amounts_in_words(amount, currency, language, words):
    assert amount_in_words(Decimal(amount), currency, language) == words


def test_the_word_document_has_the_lines_the_totals_and_the_total_in_words(proposal):
    text = document_text(documents.render_docx(proposal))
    assert f"КОММЕРЧЕСКОЕ ПРЕДЛОЖЕНИЕ № {proposal.number}" in text
    assert "Насосная станция <под ключ> & сервис" in text  # escaped for XML, shown as typed
    assert "Насос ЦНС 60-198" in text and "Пусконаладка" in text
    assert "1\xa0200\xa0000,00\xa0₽" in text  # the total, formatted by babel for Russian
    assert "В т.ч. НДС 20 %" in text or "в т.ч. НДС 20 %" in text.lower()
    assert "200\xa0000,00\xa0₽" in text  # the VAT
    assert "Один миллион двести тысяч рублей 00 копеек" in text


def test_the_pdf_renders_with_the_total_in_words(proposal):
    reader = PdfReader(io.BytesIO(documents.render_proposal_pdf(proposal)))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Один миллион двести тысяч рублей 00 копеек" in text
    assert "Насос ЦНС 60-198" in text


def upload(content: bytes, name="ours.docx"):
    return SimpleUploadedFile(name, content, content_type=documents.DOCX_TYPE)


def template_with(text: str) -> bytes:
    document = Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_file_that_is_not_a_word_document_is_refused(people):
    with pytest.raises(ValidationError) as error:
        services.template_upload(user=people["admin"], data={"name": "x", "language": "ru",
                                                             "file": upload(b"%PDF-1.4 not a docx")})
    assert "not a Word document" in error.value.message_dict["file"][0]
    assert not ProposalTemplate.objects.exists()


def test_a_template_naming_an_unknown_field_is_refused_with_its_name(people):
    with pytest.raises(ValidationError) as error:
        services.template_upload(user=people["admin"], data={"name": "x", "language": "ru", "file": upload(
            template_with("{{ proposal.number }} {{ discount_table }}"))})
    assert "discount_table" in error.value.message_dict["file"][0]


def test_an_uploaded_default_template_is_used_and_a_bad_part_is_named_at_rendering(people, proposal):
    services.template_upload(user=people["admin"], data={"name": "Ours", "language": "ru", "is_default": True,
                                                         "file": upload(template_with(
                                                             "Итого {{ total }} — {{ buyer.bank }}"))})
    with pytest.raises(ValidationError) as error:
        documents.render_docx(proposal)
    assert "bank" in error.value.message_dict["template"][0]
    ProposalTemplate.objects.all().delete()
    services.template_upload(user=people["admin"], data={"name": "Ours", "language": "ru", "is_default": True,
                                                         "file": upload(template_with("Итого {{ total }}"))})
    assert document_text(documents.render_docx(proposal)).strip() == "Итого 1\xa0200\xa0000,00\xa0₽"


def test_only_administrators_and_heads_upload_templates(people):
    from keyaccount.core.errors import AccessDenied

    with pytest.raises(AccessDenied):
        services.template_upload(user=people["anna"], data={"name": "x", "language": "ru",
                                                            "file": upload(template_with("{{ total }}"))})


def test_a_template_whose_file_is_gone_is_a_clear_message_not_an_error_page(people, proposal, client_for):
    template = services.template_upload(user=people["admin"], data={
        "name": "Ours", "language": "ru", "is_default": True, "file": upload(template_with("{{ total }}"))})
    template.file.storage.delete(template.file.name)
    response = client_for(people["anna"]).get(f"/deals/proposals/{proposal.pk}/document.docx")
    assert response.status_code == 422 and "missing" in response.content.decode()


def test_a_word_zip_bomb_is_refused_at_upload_in_well_under_a_second(people):
    bomb = bombs.with_bomb(template_with("{{ total }}"), "word/media/image1.png", megabytes=1024)
    started = time.perf_counter()
    with pytest.raises(ValidationError) as error:
        services.template_upload(user=people["admin"], data={"name": "x", "language": "ru", "file": upload(bomb)})
    assert time.perf_counter() - started < 1
    assert "zip bomb" in error.value.message_dict["file"][0]
    assert not ProposalTemplate.objects.exists()


def test_a_word_file_whose_parts_lie_about_their_size_is_refused(people):
    lying = bombs.with_lying_member(template_with("{{ total }}"), "word/styles.xml", megabytes=512, declared=2000)
    with pytest.raises(ValidationError) as error:
        services.template_upload(user=people["admin"], data={"name": "x", "language": "ru", "file": upload(lying)})
    assert "another size than it declares" in error.value.message_dict["file"][0]


def test_a_template_with_an_embedded_spreadsheet_is_still_a_template(people):
    embedded = bombs.replace_member(template_with("{{ total }}"), "word/embeddings/Chart1.xlsx", data=b"\x03\x00",
                                    crc=0, size=0)
    assert services.template_upload(user=people["admin"], data={"name": "x", "language": "ru",
                                                                "file": upload(embedded)}).pk


def test_a_template_over_the_upload_limit_is_refused_with_413(people, client_for, settings):
    settings.KAM_UPLOAD_MAX_BYTES = 10_000
    response = client_for(people["admin"]).post("/deals/templates/", {
        "name": "Big", "language": "ru", "file": upload(template_with("{{ total }} " + "x" * 30_000))})
    assert response.status_code == 413 and "larger than 9.8" in response.content.decode()
    assert not ProposalTemplate.objects.exists()
