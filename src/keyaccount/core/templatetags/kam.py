"""Template helpers: money and numbers in the active locale, phones in national format, sort links."""

from __future__ import annotations

from django import template
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from keyaccount.core import money, phones
from keyaccount.core.templatetags.icons import render_icon

register = template.Library()


@register.simple_tag
def money_fmt(amount, currency):
    return money.format_money(amount, currency)


@register.filter
def number(value):
    return money.format_number(value)


@register.filter
def phone(e164):
    return phones.display(e164)


@register.simple_tag(takes_context=True)
def sort_link(context, key):
    """The query string that sorts by ``key``, flipping the direction when it already sorts by it."""
    current = context.get("sort", "")
    new = f"-{key}" if current == key else key
    base = context.get("querystring_without_sort", "")
    return "?" + "&".join(part for part in (base, urlencode({"sort": new})) if part)


@register.simple_tag(takes_context=True)
def sort_mark(context, key):
    """The arrow beside the column the list is sorted by (with its direction for a screen reader)."""
    current = context.get("sort", "")
    if current == key:
        return render_icon("chevron-up", _("sorted ascending"), "sort-mark")
    if current == f"-{key}":
        return render_icon("chevron-down", _("sorted descending"), "sort-mark")
    return ""


@register.simple_tag(takes_context=True)
def page_link(context, number_):
    base = context.get("querystring", "")
    return "?" + "&".join(part for part in (base, urlencode({"page": number_})) if part)


@register.filter
def duration_short(seconds):
    """3:25 for a call of 205 seconds, 1:02:03 past an hour; empty for no value."""
    if seconds is None or seconds == "":
        return ""
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@register.filter
def change(fraction):
    """A relative change as a signed whole percentage: +12 %, −35 %; empty for no value."""
    if fraction is None or fraction == "":
        return ""
    percent = round(float(fraction) * 100)
    return f"{'+' if percent > 0 else '−' if percent < 0 else '±'}{abs(percent)} %"


@register.filter
def get_item(mapping, key):
    """``mapping[key]`` in a template (None when absent)."""
    return mapping.get(key) if hasattr(mapping, "get") else None
