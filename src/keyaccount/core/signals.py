"""Signals core sends for the apps built on it (core imports no domain app)."""

from django.dispatch import Signal

# A user changed when they want to be reminded (lead times, e-mail); sent with ``user=``.
reminder_preferences_changed = Signal()
