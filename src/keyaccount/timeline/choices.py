from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class InteractionKind(models.TextChoices):
    CALL = "call", _("Call")
    MEETING = "meeting", _("Meeting")
    EMAIL = "email", _("E-mail")
    NOTE = "note", _("Note")
    TASK = "task", _("Task")
    # Written by Keyaccount itself when something happens at the account (a deal changes stage, a
    # contract is signed, an obligation is fulfilled); not contact with the client.
    EVENT = "event", _("Event")


# The kinds people log by hand (an event is only ever written by Keyaccount).
LOGGED_KINDS = (InteractionKind.CALL, InteractionKind.MEETING, InteractionKind.EMAIL, InteractionKind.NOTE,
                InteractionKind.TASK)


class CallDirection(models.TextChoices):
    INBOUND = "in", _("Inbound")
    OUTBOUND = "out", _("Outbound")
    INTERNAL = "internal", _("Internal")


class CallOutcome(models.TextChoices):
    ANSWERED = "answered", _("Answered")
    MISSED = "missed", _("Missed")
    BUSY = "busy", _("Busy")
    FAILED = "failed", _("Failed")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", pgettext_lazy("meeting", "Cancelled")  # встреча: отменена


class MatchStatus(models.TextChoices):
    """How an imported call found its people: the queue holds the unmatched and the ambiguous."""

    MATCHED = "matched", _("Matched")
    UNMATCHED = "unmatched", _("Nobody with this number")
    AMBIGUOUS = "ambiguous", _("Several accounts have this number")


class ReminderState(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
