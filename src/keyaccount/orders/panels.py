"""What orders shows on the account page and in the brief: orders and purchases."""

from __future__ import annotations

from keyaccount.accounts import panels as account_panels
from keyaccount.orders.queries import account_order_summary, account_purchase_brief


def register() -> None:
    account_panels.register(account_panels.AccountPanel(
        key="orders", template="orders/_account_panel.html", context=account_order_summary, order=10))
    account_panels.register(account_panels.AccountPanel(
        key="purchases", template="orders/_brief_section.html", context=account_purchase_brief, order=10,
        page=account_panels.BRIEF))
