"""Proposals as documents: the Word file from the template carries the right totals and the amount
in words; the PDF renders; a bad template is refused with the reason, a bad field is named."""

import io
import json
import time
import zipfile
from decimal import Decimal
from xml.sax.saxutils import escape as xml_escape

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape
from docx import Document
from pypdf import PdfReader

from keyaccount.core import sandbox
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


def test_a_template_naming_an_unknown_part_of_a_field_is_refused_with_its_name(people):
    with pytest.raises(ValidationError) as error:
        services.template_upload(user=people["admin"], data={"name": "x", "language": "ru", "file": upload(
            template_with("Итого {{ total }} — {{ buyer.bank }}"))})
    assert "`buyer.bank`" in error.value.message_dict["file"][0]


def test_an_uploaded_default_template_is_used(people, proposal):
    services.template_upload(user=people["admin"], data={"name": "Ours", "language": "ru", "is_default": True,
                                                         "file": upload(template_with("Итого {{ total }}"))})
    assert document_text(documents.render_docx(proposal)).strip() == "Итого 1\xa0200\xa0000,00\xa0₽"


def test_a_stored_template_naming_a_part_a_proposal_lacks_is_named_at_rendering(people, proposal):
    stored_before_the_check(template_with("Итого {{ total }} — {{ buyer.bank }}"))
    with pytest.raises(ValidationError) as error:
        documents.render_docx(proposal)
    assert "`buyer.bank`" in " ".join(error.value.message_dict["template"])


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


# Templates are code from outside: each well-known way out of Jinja, through every door.

def stored_before_the_check(content: bytes) -> ProposalTemplate:
    """A template saved as uploads were saved before they were checked: straight into the table."""
    return ProposalTemplate.objects.create(name="Old", language="ru", is_default=True,
                                           file=ContentFile(content, name="old.docx"))


def template_in_title(text: str) -> bytes:
    document = Document()
    document.add_paragraph("{{ total }}")
    document.core_properties.title = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def template_in_header(text: str) -> bytes:
    document = Document()
    document.add_paragraph("{{ total }}")
    document.sections[0].header.paragraphs[0].text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def template_in_footnote(text: str) -> bytes:
    """A Word file whose footnote holds ``text`` (python-docx writes no footnotes, so by hand)."""
    footnotes = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="{WORD_NS}">'
                 f'<w:footnote w:id="1"><w:p><w:r><w:t>{xml_escape(text)}</w:t></w:r></w:p></w:footnote>'
                 '</w:footnotes>')
    source = zipfile.ZipFile(io.BytesIO(template_with("{{ total }}")))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", f'<Override PartName="/word/footnotes.xml" ContentType='
                                                 f'"{documents.FOOTNOTES_TYPE}"/></Types>'.encode())
            elif item.filename == "word/_rels/document.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdFootnotes" Type="http://schemas.'
                                    b'openxmlformats.org/officeDocument/2006/relationships/footnotes" '
                                    b'Target="footnotes.xml"/></Relationships>')
            target.writestr(item, data)
        target.writestr("word/footnotes.xml", footnotes)
    return out.getvalue()


WORD_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
PAYLOADS = [
    ("{{ self.__init__.__globals__ }}", "`self`, `__init__`, `__globals__`"),
    ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "`__class__`, `__mro__`, `__subclasses__`"),
    ("{{ cycler.__init__.__globals__.os.popen('id').read() }}", "`cycler`, `__init__`, `__globals__`"),
    ("{{ joiner.__init__.__globals__ }}", "`joiner`"),
    ("{{ namespace.__init__.__globals__ }}", "`namespace`"),
    ("{{ lipsum.__globals__ }}", "`lipsum`"),
    ("{{ config }}", "not available: `config`"),
    ("{{ request }}", "not available: `request`"),
    ("{{ proposal.__class__ }}", "may not use `__class__`"),
    ("{{ lines|attr('__class__') }}", "filters are not allowed: `attr`"),
    ("{{ '{0.__class__}'.format(seller) }}", "Calls are not allowed"),
    ("{{ '%s' % seller }}", "not allowed: `%`"),
    ("{% for c in ''.__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}", "`__base__`, `__subclasses__`"),
    ("{{ seller['__init__']['__globals__'] }}", "may not use `__init__`, `__globals__`"),
    ("{{ lines|attr('__cla' ~ 'ss__') }}", "filters are not allowed: `attr`"),
    ("{{ 'x' * 100000000 }}", "not allowed: `*`"),
    ("{% for i in range(10**9) %}{{ i }}{% endfor %}", "may not use `range`"),
    ("{% set secret = 1 %}{% include 'base.html' %}", "`{% set %}`, `{% include %}`"),
]
PAYLOAD_IDS = [payload for payload, _said in PAYLOADS]


def all_messages(error: ValidationError) -> str:
    return " ".join(message for messages in error.message_dict.values() for message in messages)


@pytest.mark.parametrize("payload,said", PAYLOADS, ids=PAYLOAD_IDS)
def test_a_template_reaching_for_python_is_refused_at_upload_with_what_it_used(people, payload, said):
    with pytest.raises(ValidationError) as error:
        services.template_upload(user=people["head"], data={"name": "Ours", "language": "ru",
                                                            "file": upload(template_with(payload))})
    assert said in " ".join(error.value.message_dict["file"])
    assert not ProposalTemplate.objects.exists()


@pytest.mark.parametrize("payload,said", PAYLOADS, ids=PAYLOAD_IDS)
def test_the_upload_form_puts_the_refusal_next_to_the_file(client_for, people, payload, said):
    response = client_for(people["head"]).post(reverse("deals:template_list"), {
        "name": "Ours", "language": "ru", "file": upload(template_with(payload))})
    page = response.content.decode()
    assert response.status_code == 400
    assert escape(said) in page.split('id="id_file">', 1)[1].split("</ul>", 1)[0]
    assert not ProposalTemplate.objects.exists()


@pytest.mark.parametrize("payload,said", PAYLOADS, ids=PAYLOAD_IDS)
def test_a_template_stored_before_the_check_is_refused_when_rendered(client_for, api_as, people, proposal,
                                                                     payload, said):
    stored_before_the_check(template_with(payload))
    with pytest.raises(ValidationError) as error:
        documents.render_docx(proposal)
    assert said in all_messages(error.value) and "upload it again" in all_messages(error.value)
    page = client_for(people["anna"]).get(reverse("deals:proposal_docx", args=[proposal.pk]))
    assert page.status_code == 422 and escape(said) in page.content.decode()
    api = api_as("anna")("get", f"/api/v1/proposals/{proposal.pk}/document.docx")
    assert api.status_code == 422 and said in json.dumps(api.json(), ensure_ascii=False)
    for content in (page.content.decode(), api.content.decode(), all_messages(error.value)):
        assert settings.SECRET_KEY not in content and "uid=" not in content


@pytest.mark.parametrize("make", [template_in_title, template_in_header, template_in_footnote],
                         ids=["title", "header", "footnote"])
def test_a_payload_outside_the_body_is_found_too(people, proposal, make):
    """docxtpl renders headers, footers, footnotes and the document's title too."""
    payload = "{{ cycler.__init__.__globals__.os.popen('id').read() }}"
    with pytest.raises(ValidationError) as error:
        services.template_upload(user=people["head"], data={"name": "Ours", "language": "ru",
                                                            "file": upload(make(payload))})
    assert "`cycler`" in error.value.message_dict["file"][0]
    stored_before_the_check(make(payload))
    with pytest.raises(ValidationError):
        documents.render_docx(proposal)


def test_the_renderer_alone_stops_a_payload_the_check_let_through(people, proposal, monkeypatch):
    """The second fence: with the check switched off, the sandbox still refuses, with a message."""
    monkeypatch.setattr(documents, "_template_problems", lambda document: [])
    stored_before_the_check(template_with("{{ cycler.__init__.__globals__.os.popen('id').read() }}"))
    with pytest.raises(ValidationError) as error:
        documents.render_docx(proposal)
    assert "uid=" not in all_messages(error.value)
    ProposalTemplate.objects.all().delete()
    stored_before_the_check(template_with("{{ lines[0].name * 100000000 }}"))
    with pytest.raises(ValidationError) as error:
        documents.render_docx(proposal)
    assert "could not be filled" in all_messages(error.value)


def test_a_rendering_that_grows_past_the_limit_is_a_message_not_a_dead_worker(people, proposal, monkeypatch):
    monkeypatch.setattr(sandbox, "MAX_OUTPUT", 5_000)
    stored_before_the_check(template_with("{% for line in lines %}{{ proposal.terms }}{% endfor %}"))
    proposal.terms = "x" * 4_000
    proposal.save()
    with pytest.raises(ValidationError) as error:
        documents.render_docx(proposal)
    assert "could not be filled" in all_messages(error.value)


def test_text_typed_into_a_proposal_is_printed_not_run(people, proposal):
    proposal.title = "{{ config }}{{ cycler.__init__.__globals__ }} <w:t>&"
    proposal.save()
    services.template_upload(user=people["head"], data={"name": "Ours", "language": "ru", "is_default": True,
                                                        "file": upload(template_with("{{ proposal.title }}"))})
    content = documents.render_docx(proposal)
    assert document_text(content).strip() == "{{ config }}{{ cycler.__init__.__globals__ }} <w:t>&"
    assert settings.SECRET_KEY.encode() not in content


def test_a_template_using_what_a_proposal_template_needs_is_accepted_and_renders(people, proposal):
    services.template_upload(user=people["head"], data={"name": "Ours", "language": "ru", "is_default": True,
                                                        "file": upload(template_with(
        "{{ buyer.name|upper }}{% if buyer.inn %} ИНН {{ buyer.inn }}{% endif %}: {% for line in lines %}"
        "{{ loop.index }}) {{ line.name }} {{ line.amount }}; {% endfor %}{{ 'много' if lines|length > 1 "
        "else 'одна' }} — {{ total|default('—') }}"))})
    assert document_text(documents.render_docx(proposal)).strip() == (
        f"OOO SEVERSTAL TRADE ИНН {proposal.account.inn}: 1) Насос ЦНС 60-198 900\xa0000,00\xa0₽; "
        "2) Пусконаладка 300\xa0000,00\xa0₽; много — 1\xa0200\xa0000,00\xa0₽")


@pytest.mark.parametrize("path", sorted(documents.DEFAULT_TEMPLATES.glob("*.docx")), ids=lambda path: path.name)
def test_the_shipped_templates_pass_the_check(people, path):
    with path.open("rb") as source:
        documents.check_template(source)


def test_the_context_a_template_gets_is_plain_data(proposal):
    assert sandbox.plain(documents.context_for(proposal))
    proposal.contact = None
    proposal.vat_rate = None
    assert sandbox.plain(documents.context_for(proposal))


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
