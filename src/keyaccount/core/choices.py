"""Vocabulary shared by every app, named once."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    KAM = "kam", _("Key-account manager")
    HEAD = "head", _("Head of sales")
    SUPPORT = "support", _("Support agent")
    ANALYST = "analyst", _("Analyst")
    ADMIN = "admin", _("Administrator")


# How long before an event a user may ask to be reminded, in minutes.
REMINDER_LEAD_CHOICES = [
    (0, _("at the time")),
    (5, _("5 minutes")),
    (15, _("15 minutes")),
    (30, _("30 minutes")),
    (60, _("1 hour")),
    (120, _("2 hours")),
    (1440, _("1 day")),
    (2880, _("2 days")),
]
