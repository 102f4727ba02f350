"""Sections other apps add to the account and person pages (orders and the timeline now; deals,
contracts, complaints later).

``accounts`` may not import the apps built on it, so they register a panel here from their
``AppConfig.ready`` and the page renders whatever is registered, in order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

ACCOUNT_PAGE = "account"
CONTACT_PAGE = "contact"
# Sections of the one-page meeting brief; their context may carry ``questions``, a list of what the
# dossier cannot answer yet, which the brief gathers at its end, and carries ``title`` and ``items``
# (``BriefItem``s): the section in plain data, as the API and other readers than the page receive it.
BRIEF = "brief"


@dataclass(frozen=True)
class BriefItem:
    """One line of a brief section in plain data: what it is about (``kind`` and ``record_id``), what
    it says, and its date and amount when it has them."""

    kind: str
    title: str
    detail: str = ""
    record_id: int | None = None
    on: dt.date | None = None
    amount: Decimal | None = None
    currency: str = ""


@dataclass(frozen=True)
class AccountPanel:
    key: str
    template: str
    # Called with the page's record (``account=`` or ``contact=``) and ``user=``; returns the
    # panel's template context, or None when this user must not see the panel.
    context: Callable[..., dict | None]
    order: int = 100
    page: str = ACCOUNT_PAGE


_registry: dict[tuple[str, str], AccountPanel] = {}


def register(panel: AccountPanel) -> None:
    _registry[(panel.page, panel.key)] = panel


def render_context(*, user, page: str = ACCOUNT_PAGE, **record) -> list[dict]:
    rendered = []
    for panel in sorted((p for p in _registry.values() if p.page == page), key=lambda p: (p.order, p.key)):
        context = panel.context(user=user, **record)
        if context is not None:
            rendered.append({"key": panel.key, "template": panel.template, **context})
    return rendered
