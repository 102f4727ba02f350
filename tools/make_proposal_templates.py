"""Build the default Word templates for commercial proposals (src/keyaccount/deals/docx/).

Run after changing the layout: ``.venv/bin/python tools/make_proposal_templates.py``. The output is
committed; a company edits a copy in Word (the Jinja tags in braces are the fields, listed on the
templates page) and uploads it.
"""

from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

OUT = Path(__file__).resolve().parents[1] / "src" / "keyaccount" / "deals" / "docx"

TEXT = {
    "ru": {
        "title": "КОММЕРЧЕСКОЕ ПРЕДЛОЖЕНИЕ № {{ proposal.number }} от {{ proposal.date }}",
        "to": "Кому: {{ buyer.name }}{% if buyer.inn %}, ИНН {{ buyer.inn }}{% endif %}",
        "attention": "{% if contact.name %}Вниманию: {{ contact.name }}{% if contact.position %}, "
                     "{{ contact.position }}{% endif %}{% endif %}",
        "head": ["№", "Наименование", "Ед.", "Кол-во", "Цена", "Скидка, %", "Сумма"],
        "subtotal": "Итого:", "vat": "{{ vat_label }}:", "total": "Всего к оплате:",
        "words": "Всего на сумму {{ total }}: {{ total_in_words }}.",
        # The date ends with its own "г.", which ends the sentence too.
        "valid": "{% if proposal.valid_until %}Предложение действительно до {{ proposal.valid_until }}"
                 "{% endif %}",
        "ids": "{% if seller.inn %}ИНН {{ seller.inn }}{% endif %}{% if seller.kpp %}, КПП {{ seller.kpp }}{% endif %}"
               "{% if seller.ogrn %}, ОГРН {{ seller.ogrn }}{% endif %}",
        "bank": "{% if seller.account %}р/с {{ seller.account }}{% if seller.bank %} в {{ seller.bank }}{% endif %}, "
                "БИК {{ seller.bic }}, к/с {{ seller.correspondent_account }}{% endif %}",
        "sign": "С уважением, {{ manager.name }}{% if manager.email %}, {{ manager.email }}{% endif %}"
                "{% if manager.phone %}, {{ manager.phone }}{% endif %}",
    },
    "en": {
        "title": "COMMERCIAL PROPOSAL No. {{ proposal.number }} of {{ proposal.date }}",
        "to": "To: {{ buyer.name }}{% if buyer.inn %}, INN {{ buyer.inn }}{% endif %}",
        "attention": "{% if contact.name %}Attention: {{ contact.name }}{% if contact.position %}, "
                     "{{ contact.position }}{% endif %}{% endif %}",
        "head": ["No.", "Item", "Unit", "Qty", "Price", "Discount, %", "Amount"],
        "subtotal": "Subtotal:", "vat": "{{ vat_label }}:", "total": "Total due:",
        "words": "Total {{ total }}: {{ total_in_words }}.",
        "valid": "{% if proposal.valid_until %}This proposal is valid until {{ proposal.valid_until }}.{% endif %}",
        "ids": "{% if seller.inn %}INN {{ seller.inn }}{% endif %}{% if seller.kpp %}, KPP {{ seller.kpp }}{% endif %}"
               "{% if seller.ogrn %}, OGRN {{ seller.ogrn }}{% endif %}",
        "bank": "{% if seller.account %}Acc. {{ seller.account }}{% if seller.bank %} at {{ seller.bank }}{% endif %}, "
                "BIC {{ seller.bic }}, corr. acc. {{ seller.correspondent_account }}{% endif %}",
        "sign": "Kind regards, {{ manager.name }}{% if manager.email %}, {{ manager.email }}{% endif %}"
                "{% if manager.phone %}, {{ manager.phone }}{% endif %}",
    },
}
LINE = ["{{ line.n }}", "{{ line.name }}", "{{ line.unit }}", "{{ line.quantity }}", "{{ line.price }}",
        "{{ line.discount }}", "{{ line.amount }}"]


def build(language: str) -> Document:
    text = TEXT[language]
    document = Document()
    for section in document.sections:
        section.left_margin = section.right_margin = Cm(2)
    style = document.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(10)
    seller = document.add_paragraph()
    seller.add_run("{{ seller.name }}").bold = True
    document.add_paragraph(text["ids"])
    document.add_paragraph("{{ seller.address }}")
    document.add_paragraph(text["bank"])
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(text["title"])
    run.bold = True
    run.font.size = Pt(13)
    document.add_paragraph(text["to"])
    document.add_paragraph(text["attention"])
    subject = document.add_paragraph()
    subject.add_run("{{ proposal.title }}").bold = True
    table = document.add_table(rows=4, cols=len(LINE))
    table.style = "Table Grid"
    for cell, label in zip(table.rows[0].cells, text["head"], strict=True):
        cell.text = label
        cell.paragraphs[0].runs[0].bold = True
    table.rows[1].cells[0].text = "{%tr for line in lines %}"
    for cell, field in zip(table.rows[2].cells, LINE, strict=True):
        cell.text = field
    table.rows[3].cells[0].text = "{%tr endfor %}"
    for label, value in ((text["subtotal"], "{{ subtotal }}"), (text["vat"], "{{ vat_total }}"),
                         (text["total"], "{{ total }}")):
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        paragraph.add_run(f"{label} ")
        paragraph.add_run(value).bold = True
    document.add_paragraph(text["words"])
    document.add_paragraph(text["valid"])
    document.add_paragraph("{{ proposal.terms }}")
    document.add_paragraph("{% if seller.signatory %}{{ seller.signatory_position }} ____________________ "
                           "{{ seller.signatory }}{% endif %}")
    document.add_paragraph(text["sign"])
    return document


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    for language in TEXT:
        build(language).save(OUT / f"proposal_{language}.docx")
        print(OUT / f"proposal_{language}.docx")
