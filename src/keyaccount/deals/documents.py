"""Commercial proposals as documents: DOCX from a Word template the company can edit (docxtpl) and
PDF from the HTML layout (WeasyPrint). Both are filled from one context, so they say the same."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import formats, translation
from django.utils.translation import gettext as _

from keyaccount.core.documents import render_pdf
from keyaccount.core.money import amount_in_words, format_money, format_number
from keyaccount.deals.models import Proposal, ProposalTemplate

DEFAULT_TEMPLATES = Path(__file__).resolve().parent / "docx"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# The fields a proposal template may use (each a value or a group with the parts listed on the
# templates page); a template naming anything else is refused at upload with that name.
FIELDS = {
    "seller": ["name", "details"],
    "buyer": ["name", "inn", "kpp", "address"],
    "contact": ["name", "position", "form_of_address"],
    "proposal": ["number", "revision", "date", "valid_until", "title", "terms", "status"],
    "lines": ["n", "name", "sku", "unit", "quantity", "price", "discount", "amount"],
    "manager": ["name", "email", "phone"],
    "subtotal": [], "net_total": [], "vat_total": [], "total": [], "vat_label": [], "vat_rate": [],
    "total_in_words": [], "currency": [],
}
# Templates whose text is larger than this are refused (a proposal template is a few pages).
MAX_TEMPLATE_BYTES = 10 * 1024 * 1024


def _percent(value: Decimal, language: str) -> str:
    return format_number(value.normalize() if value == value.to_integral() else value, language)


def vat_label(proposal: Proposal, language: str) -> str:
    with translation.override(language):
        if proposal.vat_rate is None:
            return _("Without VAT")
        rate = _percent(proposal.vat_rate, language)
        if proposal.prices_include_vat:
            return _("Including VAT %(rate)s %%") % {"rate": rate}
        return _("VAT %(rate)s %%") % {"rate": rate}


def context_for(proposal: Proposal) -> dict:
    """Everything a proposal document shows, formatted in the document's language (amounts by
    babel, the total in words by num2words)."""
    language = proposal.language
    money = lambda amount: format_money(amount, proposal.currency, language)  # noqa: E731
    account = proposal.account
    contact = proposal.contact
    owner = proposal.owner
    with translation.override(language):
        date_of = lambda day: formats.date_format(day, "DATE_FORMAT") if day else ""  # noqa: E731
        lines = [{
            "n": index, "name": line.description or line.product.name, "sku": line.product.sku, "unit": line.unit,
            "quantity": format_number(line.quantity.normalize(), language), "price": money(line.unit_price),
            "discount": _percent(line.discount_percent, language) if line.discount_percent else "",
            "amount": money(line.amount),
        } for index, line in enumerate(proposal.lines.select_related("product"), start=1)]
        return {
            "seller": {"name": settings.KAM_COMPANY_NAME, "details": settings.KAM_COMPANY_DETAILS},
            "buyer": {"name": account.name, "inn": account.inn, "kpp": account.kpp,
                      "address": account.postal_address or account.legal_address},
            "contact": {"name": contact.full_name if contact else "", "position": contact.position if contact else "",
                        "form_of_address": contact.form_of_address if contact else ""},
            "proposal": {"number": proposal.full_number, "revision": proposal.revision,
                         "date": date_of(proposal.sent_on or proposal.created_at.date()),
                         "valid_until": date_of(proposal.valid_until), "title": proposal.title,
                         "terms": proposal.terms, "status": proposal.get_status_display()},
            "lines": lines,
            "manager": {"name": str(owner), "email": owner.email, "phone": owner.extension},
            "subtotal": money(proposal.net_total + proposal.vat_total if proposal.prices_include_vat
                              else proposal.net_total),
            "net_total": money(proposal.net_total), "vat_total": money(proposal.vat_total) if proposal.vat_rate
            is not None else "—", "total": money(proposal.total), "vat_label": vat_label(proposal, language),
            "vat_rate": _percent(proposal.vat_rate, language) if proposal.vat_rate is not None else "",
            "total_in_words": amount_in_words(proposal.total, proposal.currency, language),
            "currency": proposal.currency,
        }


def _open_docx(source):
    """A DocxTemplate, or a ValidationError saying the file is not a Word document, or is too large,
    or unpacks to too much: its size is known and its ZIP directory checked (core.uploads.check_zip)
    before anything reads or unpacks it."""
    import contextlib

    from docxtpl import DocxTemplate

    from keyaccount.core.uploads import UnsafeArchive, check_zip

    try:
        with contextlib.ExitStack() as stack:
            handle = source if hasattr(source, "read") else stack.enter_context(Path(source).open("rb"))
            handle.seek(0, 2)
            if handle.tell() > MAX_TEMPLATE_BYTES:
                raise ValidationError({"file": [_("The template is larger than 10 MB.")]})
            # Word may embed a spreadsheet (a chart's data) under word/embeddings/; nothing opens it.
            check_zip(handle, max_unpacked=5 * MAX_TEMPLATE_BYTES, nested_under=("word/embeddings/",))
            data = handle.read()
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "word/document.xml" not in archive.namelist():
                raise zipfile.BadZipFile
        return DocxTemplate(io.BytesIO(data))
    except UnsafeArchive as error:
        raise ValidationError({"file": error.messages}) from error
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise ValidationError({"file": [_("This is not a Word document (.docx).")]}) from error


def _syntax_error(error) -> ValidationError:
    return ValidationError({"file": [_("The template has a mistake near %(text)s: %(message)s") % {
        "text": getattr(error, "source", "") and f"line {error.lineno}" or "?", "message": error.message}]})


def check_template(upload) -> None:
    """Refuse a template that is not a DOCX, whose tags do not parse, or that names a field a
    proposal does not have (the field is named)."""
    import jinja2

    document = _open_docx(upload)
    try:
        names = document.get_undeclared_template_variables(jinja2.Environment())  # noqa: S701 (only parsed)
    except jinja2.TemplateSyntaxError as error:
        raise _syntax_error(error) from error
    except Exception as error:  # docxtpl raises plain exceptions for malformed XML inside the file
        raise ValidationError({"file": [_("This is not a Word document (.docx).")]}) from error
    unknown = sorted(set(names) - set(FIELDS))
    if unknown:
        raise ValidationError({"file": [_("The template uses fields a proposal does not have: %(names)s.") % {
            "names": ", ".join(unknown)}]})


def template_for(proposal: Proposal):
    if proposal.template_id:
        return proposal.template.file.open("rb")
    chosen = ProposalTemplate.objects.filter(language=proposal.language, is_default=True).first()
    if chosen is not None:
        return chosen.file.open("rb")
    language = "ru" if proposal.language.startswith("ru") else "en"
    return DEFAULT_TEMPLATES / f"proposal_{language}.docx"


def render_docx(proposal: Proposal) -> bytes:
    """The proposal through its Word template; a field the template names and the proposal lacks is
    a ValidationError naming that field."""
    import jinja2

    try:
        source = template_for(proposal)
    except OSError as error:  # the uploaded file is gone from the storage
        raise ValidationError({"template": [_("The Word template's file is missing; upload it again or choose "
                                              "another template.")]}) from error
    try:
        document = _open_docx(source)
    finally:
        if hasattr(source, "close"):
            source.close()
    # docxtpl escapes for XML itself (autoescape=True below): a "<" or "&" in a client's name must
    # not break the document.
    environment = jinja2.Environment(undefined=jinja2.StrictUndefined)  # noqa: S701
    try:
        document.render(context_for(proposal), environment, autoescape=True)
    except jinja2.UndefinedError as error:
        raise ValidationError({"template": [_("The Word template names a field a proposal does not have: "
                                              "%(message)s.") % {"message": error.message}]}) from error
    except jinja2.TemplateSyntaxError as error:
        raise _syntax_error(error) from error
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def render_proposal_pdf(proposal: Proposal) -> bytes:
    with translation.override(proposal.language):
        return render_pdf("deals/proposal_pdf.html", {"proposal": proposal, **context_for(proposal)})


def file_name(proposal: Proposal, extension: str) -> str:
    with translation.override(proposal.language):
        return f"{_('Proposal')} {proposal.full_number.replace('/', '-')}.{extension}"
