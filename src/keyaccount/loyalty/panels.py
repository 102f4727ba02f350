"""What loyalty shows on the account page and in the brief: the loyalty tier, referrals and VIP invitations."""

from __future__ import annotations

from keyaccount.accounts import panels as account_panels
from keyaccount.loyalty.queries import account_loyalty_panel


def register() -> None:
    account_panels.register(account_panels.AccountPanel(
        key="loyalty", template="loyalty/_account_panel.html", context=account_loyalty_panel, order=3))
