"""What feedback shows on the account page and in the brief: complaints, suggestions and support tickets."""

from __future__ import annotations

from keyaccount.accounts import panels as account_panels
from keyaccount.feedback.queries import account_feedback_brief, account_feedback_panel, account_tickets_panel


def register() -> None:
    account_panels.register(account_panels.AccountPanel(
        key="feedback", template="feedback/_account_panel.html", context=account_feedback_panel, order=9))
    account_panels.register(account_panels.AccountPanel(
        key="feedback", template="feedback/_brief_section.html", context=account_feedback_brief, order=17,
        page=account_panels.BRIEF))
    account_panels.register(account_panels.AccountPanel(
        key="tickets", template="feedback/_tickets_panel.html", context=account_tickets_panel, order=10))
