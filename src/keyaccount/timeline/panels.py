"""What the timeline shows on other apps' pages: the account page's and a person's timeline panels.

Kept apart from ``queries`` because a panel also offers the forms to write (services decide who may),
and ``services`` reads through ``queries``: the panels sit above both.
"""

from __future__ import annotations

from keyaccount.accounts import panels as account_panels
from keyaccount.timeline.forms import LogCallForm
from keyaccount.timeline.queries import timeline
from keyaccount.timeline.services import can_log


def account_timeline_panel(*, account, user) -> dict:
    """The account page's timeline: the latest entries; the rest loads as the user scrolls."""
    page = timeline(user, account=account, page_size=15)
    return {"entries": page.entries, "next_cursor": page.next_cursor}


def contact_timeline_panel(*, contact, user) -> dict:
    """A person's page: "log this call" in one click, and the latest entries with them."""
    page = timeline(user, contact=contact, page_size=10)
    return {"entries": page.entries, "log_call_form": LogCallForm() if can_log(user) and not contact.erased_at
            else None}


def register() -> None:
    account_panels.register(account_panels.AccountPanel(
        key="timeline", template="timeline/_account_panel.html", context=account_timeline_panel, order=5))
    account_panels.register(account_panels.AccountPanel(
        key="timeline", template="timeline/_contact_panel.html", context=contact_timeline_panel, order=5,
        page=account_panels.CONTACT_PAGE))
