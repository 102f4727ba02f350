from django import template

from keyaccount.insights import health

register = template.Library()


@register.filter
def health_note(part: dict, code: str) -> str:
    """``part|health_note:code``: the health part's figures in words, in the reader's language."""
    return health.describe(code, part.get("figures", {}))
