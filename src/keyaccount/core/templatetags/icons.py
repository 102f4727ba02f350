"""``{% icon "phone" %}``: an icon from the vendored Lucide sprite, instead of an emoji that some fonts draw
as an empty box.

The sprite (static/keyaccount/vendor/icons-lucide-<version>.svg, built by tools/make_icon_sprite.py) is one
file the browser caches; each icon is ``<svg><use href="sprite#name"></use></svg>``, which the
Content-Security-Policy allows (same origin, no inline style). An icon is decoration for the eyes: it is
hidden from screen readers, and a ``label`` (``{% icon "star" _("VIP club") %}``) is read to them instead,
as visually hidden text.
"""

from __future__ import annotations

import functools
import re

from django import template
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.utils.html import format_html

register = template.Library()

SPRITE = "keyaccount/vendor/icons-lucide-1.62.0.svg"


@functools.cache
def sprite_icons() -> frozenset[str]:
    """The names of the icons in the sprite."""
    path = finders.find(SPRITE)
    with open(path, encoding="utf-8") as sprite:
        return frozenset(re.findall(r'<symbol id="([^"]+)"', sprite.read()))


def render_icon(name: str, label: str = "", css_class: str = "") -> str:
    if name not in sprite_icons():
        raise template.TemplateSyntaxError(f"No icon {name!r} in {SPRITE}: add it in tools/make_icon_sprite.py.")
    classes = f"icon icon-{name} {css_class}".strip()
    svg = format_html('<svg class="{}" aria-hidden="true" focusable="false"><use href="{}#{}"></use></svg>',
                      classes, static(SPRITE), name)
    if label:
        return format_html('{}<span class="visually-hidden">{}</span>', svg, label)
    return svg


@register.simple_tag
def icon(name, label="", css_class=""):
    """An icon; with ``label``, the words a screen reader says for it."""
    return render_icon(str(name), str(label) if label else "", css_class)
