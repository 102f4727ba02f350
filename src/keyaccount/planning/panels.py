"""What planning shows on the account page and in the brief: the account plan and the relationship coverage."""

from __future__ import annotations

from keyaccount.accounts import panels as account_panels
from keyaccount.planning.queries import account_plan_brief, account_plan_panel


def register() -> None:
    account_panels.register(account_panels.AccountPanel(
        key="account_plan", template="planning/_account_panel.html", context=account_plan_panel, order=6))
    account_panels.register(account_panels.AccountPanel(
        key="coverage", template="planning/_brief_section.html", context=account_plan_brief, order=30,
        page=account_panels.BRIEF))
