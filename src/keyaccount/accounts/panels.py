"""Sections other apps add to the account page (orders now; deals, contracts, timeline later).

``accounts`` may not import the apps built on it, so they register a panel here from their
``AppConfig.ready`` and the account page renders whatever is registered, in order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class AccountPanel:
    key: str
    template: str
    # Returns the panel's template context, or None when this user must not see the panel.
    context: Callable[..., dict | None]
    order: int = 100


_registry: dict[str, AccountPanel] = {}


def register(panel: AccountPanel) -> None:
    _registry[panel.key] = panel


def render_context(*, account, user) -> list[dict]:
    rendered = []
    for panel in sorted(_registry.values(), key=lambda p: (p.order, p.key)):
        context = panel.context(account=account, user=user)
        if context is not None:
            rendered.append({"key": panel.key, "template": panel.template, **context})
    return rendered
