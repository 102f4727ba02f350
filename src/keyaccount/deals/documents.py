"""Commercial proposals as documents: DOCX from a Word template the company can edit (docxtpl) and
PDF from the HTML layout (WeasyPrint). Both are filled from one context, so they say the same."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from pathlib import Path

import jinja2
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from keyaccount.core import sandbox
from keyaccount.core.documents import render_pdf
from keyaccount.core.money import amount_in_words, format_date_long, format_money, format_number
from keyaccount.core.queries import seller_requisites
from keyaccount.core.uploads import UnsafeArchive, check_zip
from keyaccount.deals.models import Proposal, ProposalTemplate

DEFAULT_TEMPLATES = Path(__file__).resolve().parent / "docx"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# The fields a proposal template may use (each a value or a group with the parts listed on the
# templates page); a template naming anything else is refused at upload with that name.
FIELDS = {
    "seller": ["name", "details", "inn", "kpp", "ogrn", "address", "bank", "bic", "account",
               "correspondent_account", "signatory", "signatory_position"],
    "buyer": ["name", "inn", "kpp", "address"],
    "contact": ["name", "position", "form_of_address"],
    "proposal": ["number", "revision", "date", "valid_until", "title", "terms", "status"],
    "lines": ["n", "name", "sku", "unit", "quantity", "price", "discount", "amount"],
    "manager": ["name", "email", "phone"],
    "subtotal": [], "net_total": [], "vat_total": [], "total": [], "vat_label": [], "vat_rate": [],
    "total_in_words": [], "currency": [],
}
# What each field is, for the templates page (a head of sales writes templates without the code).
FIELD_HELP = {
    "seller": gettext_lazy("Your company (the admin site's “Our company”): its name, INN, KPP, OGRN, address, "
                           "bank details, who signs and their position; details: all of them in lines."),
    "buyer": gettext_lazy("The client: name, INN, KPP and postal (or legal) address."),
    "contact": gettext_lazy("The person the proposal is addressed to, and how to address them."),
    "proposal": gettext_lazy("The proposal: number, revision, date, valid until, title, terms and status."),
    "lines": gettext_lazy("The line items, one per product; print them in a loop (see below)."),
    "manager": gettext_lazy("The manager who owns the proposal."),
    "subtotal": gettext_lazy("Sum of the lines."),
    "net_total": gettext_lazy("Total without VAT."),
    "vat_total": gettext_lazy("The VAT amount."),
    "total": gettext_lazy("Total due."),
    "vat_label": gettext_lazy("How VAT is worded: without VAT, VAT on top, or VAT included, with the rate."),
    "vat_rate": gettext_lazy("The VAT rate, in per cent."),
    "total_in_words": gettext_lazy("Total due in words."),
    "currency": gettext_lazy("The currency code, e.g. RUB."),
}
# The fields that are lists of such groups: the one a template may loop over.
LIST_FIELDS = ("lines",)
# Besides the body, headers, footers and footnotes, docxtpl renders these document properties
# (DocxTemplate.render_properties); a template is checked on all of them.
RENDERED_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
FOOTNOTES_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
# Templates whose text is larger than this are refused (a proposal template is a few pages).
MAX_TEMPLATE_BYTES = 10 * 1024 * 1024


def field_guide() -> list[dict]:
    """The fields for the templates page: each with its parts written as a template uses them."""
    return [{"name": name, "parts": [f"{'line' if name in LIST_FIELDS else name}.{part}" for part in parts],
             "help": FIELD_HELP[name]} for name, parts in FIELDS.items()]


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
        date_of = lambda day: format_date_long(day, language)  # noqa: E731
        lines = [{
            "n": index, "name": line.description or line.product.name, "sku": line.product.sku, "unit": line.unit,
            "quantity": format_number(line.quantity.normalize(), language), "price": money(line.unit_price),
            "discount": _percent(line.discount_percent, language) if line.discount_percent else "",
            "amount": money(line.amount),
        } for index, line in enumerate(proposal.lines.select_related("product"), start=1)]
        return {
            "seller": seller_requisites(language),
            "buyer": {"name": account.name, "inn": account.inn, "kpp": account.kpp,
                      "address": account.postal_address or account.legal_address},
            "contact": {"name": contact.full_name if contact else "", "position": contact.position if contact else "",
                        "form_of_address": contact.form_of_address if contact else ""},
            "proposal": {"number": proposal.full_number, "revision": proposal.revision,
                         "date": date_of(proposal.document_date),
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


def _template_texts(document) -> list[str]:
    """Every text docxtpl hands to Jinja when it renders (``DocxTemplate.render``): the body,
    headers, footers and footnotes after its tag clean-up, and some core properties as they are.
    A template is checked on all of them: a payload in the document's title renders too."""
    try:
        document.init_docx()
        texts = [document.patch_xml(document.get_xml())]
        for uri in (document.HEADER_URI, document.FOOTER_URI):
            texts += [document.patch_xml(document.get_part_xml(part)) for _key, part in
                      document.get_headers_footers(uri)]
        texts += [document.patch_xml(part.blob.decode("utf-8")) for part in document.docx.part.package.parts
                  if part.content_type == FOOTNOTES_TYPE]
        properties = document.docx.core_properties
        return texts + [getattr(properties, name) or "" for name in RENDERED_PROPERTIES]
    except Exception as error:  # python-docx and lxml raise plain exceptions for malformed XML inside the file
        raise ValidationError({"file": [_("This is not a Word document (.docx).")]}) from error


def _template_problems(document) -> list[str]:
    """What the template does beyond printing a proposal's fields (core.sandbox.check)."""
    try:
        return sandbox.check(sandbox.parse(_template_texts(document)), fields=FIELDS, lists=LIST_FIELDS)
    except jinja2.TemplateSyntaxError as error:
        raise _syntax_error(error) from error


def check_template(upload) -> None:
    """Refuse a template that is not a DOCX, whose tags do not parse, that names a field a proposal
    does not have, or that does anything but print fields (each name is said)."""
    problems = _template_problems(_open_docx(upload))
    if problems:
        raise ValidationError({"file": problems})


def template_for(proposal: Proposal):
    if proposal.template_id:
        return proposal.template.file.open("rb")
    chosen = ProposalTemplate.objects.filter(language=proposal.language, is_default=True).first()
    if chosen is not None:
        return chosen.file.open("rb")
    language = "ru" if proposal.language.startswith("ru") else "en"
    return DEFAULT_TEMPLATES / f"proposal_{language}.docx"


def _docx_context(proposal: Proposal) -> dict:
    context = context_for(proposal)
    context["seller"].pop("logo")  # a data: URL is for the PDF; a Word template prints text
    return context


def render_docx(proposal: Proposal) -> bytes:
    """The proposal through its Word template, in the sandbox with plain data; a template the
    upload check would refuse today (one stored before it existed) is refused here with the same
    reasons, and a field the proposal lacks is a ValidationError naming that field."""
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
    problems = _template_problems(document)
    if problems:
        raise ValidationError({"template": [_("The Word template does things a proposal template may not; "
                                              "correct it and upload it again.")] + problems})
    context = sandbox.plain(_docx_context(proposal))
    try:
        document.render(context, sandbox.environment(), autoescape=True)
    except jinja2.UndefinedError as error:
        raise ValidationError({"template": [_("The Word template names a field a proposal does not have: "
                                              "%(message)s.") % {"message": error.message}]}) from error
    except jinja2.TemplateSyntaxError as error:
        raise _syntax_error(error) from error
    except (jinja2.TemplateError, TypeError, ValueError) as error:  # the sandbox refused, or a filter met a number
        raise ValidationError({"template": [_("The Word template could not be filled: %(message)s.") % {
            "message": getattr(error, "message", None) or str(error)}]}) from error
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def render_proposal_pdf(proposal: Proposal) -> bytes:
    with translation.override(proposal.language):
        context = context_for(proposal)
        logo = context["seller"].pop("logo")
        return render_pdf("deals/proposal_pdf.html", {"proposal": proposal, **context, "logo": logo})


def file_name(proposal: Proposal, extension: str) -> str:
    with translation.override(proposal.language):
        return f"{_('Proposal')} {proposal.full_number.replace('/', '-')}.{extension}"
