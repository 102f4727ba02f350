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


class VatRate(models.TextChoices):
    """The VAT rates a document may carry. ``BY_DATE`` is the statutory general rate on the
    document's date: 20 % until 31 December 2025, 22 % from 1 January 2026 (Federal Law 425-FZ)."""

    BY_DATE = "by_date", _("General rate on the document's date (22 from 2026, 20 before)")
    RATE_22 = "22", _("22 %")
    RATE_20 = "20", _("20 %")
    RATE_10 = "10", _("10 %")
    RATE_0 = "0", _("0 %")
    NONE = "none", _("Without VAT")
