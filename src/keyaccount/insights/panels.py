"""What insights shows on the account page and in the brief: scores, health and churn signals."""

from __future__ import annotations

from keyaccount.accounts import panels as account_panels
from keyaccount.insights.queries import account_panel


def register() -> None:
    account_panels.register(account_panels.AccountPanel(
        key="insights", template="insights/_account_panel.html", context=account_panel, order=4))
