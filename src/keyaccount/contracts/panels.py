"""What contracts shows on the account page and in the brief: contracts and obligations."""

from __future__ import annotations

from keyaccount.accounts import panels as account_panels
from keyaccount.contracts.queries import account_contracts_brief, account_contracts_panel


def register() -> None:
    account_panels.register(account_panels.AccountPanel(
        key="contracts", template="contracts/_account_panel.html", context=account_contracts_panel, order=8))
    account_panels.register(account_panels.AccountPanel(
        key="contracts", template="contracts/_brief_section.html", context=account_contracts_brief, order=16,
        page=account_panels.BRIEF))
