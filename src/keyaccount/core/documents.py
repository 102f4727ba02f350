"""Printable documents: HTML templates rendered to PDF by WeasyPrint.

The renderer never fetches anything: documents are built only from what the template holds (fonts
come from the system), so a link or an image address that a user typed cannot make the server call
out, and rendering works on a machine without internet.
"""

from __future__ import annotations

from urllib.parse import quote

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.text import slugify


def html_to_pdf(html: str) -> bytes:
    # Imported here: WeasyPrint loads Pango on import, which only the processes that print need.
    import weasyprint

    # Only data: URLs; http, https and file addresses are refused (WeasyPrint logs and skips them).
    fetcher = weasyprint.URLFetcher(allowed_protocols=("data",), allow_redirects=False)
    return weasyprint.HTML(string=html, url_fetcher=fetcher, base_url=".").write_pdf()


def warm_up() -> None:
    """Print one tiny document: WeasyPrint's first document in a process loads Pango and the system's
    fonts (2–3 s measured on the demo), which a server does once, at start, rather than make the first
    person who asks for a brief wait for it."""
    html_to_pdf("<p>Keyaccount</p>")


def render_pdf(template: str, context: dict, *, request=None) -> bytes:
    return html_to_pdf(render_to_string(template, context, request=request))


def pdf_response(pdf: bytes, *, filename: str, inline: bool = True) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    # RFC 6266: an ASCII fallback and the UTF-8 name, since names are often in Cyrillic.
    stem, dot, suffix = filename.rpartition(".")
    ascii_name = f"{slugify(stem) or 'document'}{dot}{slugify(suffix)}" if dot else slugify(filename) or "document"
    response["Content-Disposition"] = f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    return response
