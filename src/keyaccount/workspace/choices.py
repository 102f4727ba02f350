from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemKind(models.TextChoices):
    """What an item of My day is; the kind and the record's id name it (in a snooze, in its URL)."""

    MEETING = "meeting", _("Meeting")
    TASK = "task", _("Task")
    CALL = "call", _("Call to return")
    OBLIGATION = "obligation", _("Obligation")
    COMPLAINT = "complaint", _("Complaint")
    TICKET = "ticket", _("Support ticket")
    ACCOUNT = "account", _("Key account")
    PROPOSAL = "proposal", _("Proposal")


class SnoozeFor(models.TextChoices):
    TOMORROW = "tomorrow", _("Until tomorrow")
    WEEK = "week", _("Until next week")
