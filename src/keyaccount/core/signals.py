"""Signals core sends for the apps built on it (core imports no domain app)."""

from django.dispatch import Signal

# A user changed when they want to be reminded (lead times, e-mail); sent with ``user=``.
reminder_preferences_changed = Signal()

# What a portfolio's figures are made of changed: orders were written, or accounts were added,
# moved to another manager or team, shared, or changed status. Sent with ``account_ids=`` (None: many).
portfolio_changed = Signal()

# An account changed hands: its manager or its team is not what it was. Sent in the write's transaction
# with ``account_id=``, ``previous_owner_id=``, ``previous_team_id=``.
account_moved = Signal()

# A product moved to another category. Sent in the write's transaction with ``product_id=``,
# ``previous=`` and ``current=`` (the categories' names; "" for none).
product_recategorised = Signal()
