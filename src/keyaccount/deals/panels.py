"""What deals shows on the account page and in the brief: deals and proposals."""

from __future__ import annotations

from keyaccount.accounts import panels as account_panels
from keyaccount.deals.queries import account_deals_brief, account_deals_panel


def register() -> None:
    account_panels.register(account_panels.AccountPanel(
        key="deals", template="deals/_account_panel.html", context=account_deals_panel, order=7))
    account_panels.register(account_panels.AccountPanel(
        key="deals", template="deals/_brief_section.html", context=account_deals_brief, order=15,
        page=account_panels.BRIEF))
