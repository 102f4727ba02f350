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


class NotificationKind(models.TextChoices):
    """What a notification is about: each user chooses, per kind, how it reaches them."""

    REMINDER = "reminder", _("Meetings, calls and tasks")
    COMPLAINT_DEADLINE = "complaint_deadline", _("Complaint deadlines")
    TICKET_DEADLINE = "ticket_deadline", _("Support ticket deadlines")
    FEEDBACK = "feedback", _("New complaints and feedback for me")
    DEAL_DEADLINE = "deal_deadline", _("Tender deadlines")
    CONTRACT_DEADLINE = "contract_deadline", _("Contract obligations and notice dates")
    PLAN_DEADLINE = "plan_deadline", _("Account plan reviews")
    BIRTHDAY = "birthday", _("Birthdays of clients' people")
    LOYALTY = "loyalty", _("Loyalty tier changes")
    CHURN = "churn", _("Key accounts that may be leaving")
    COVERAGE = "coverage", _("Relationship gaps")
    OTHER = "other", _("Other")


class NotificationChannel(models.TextChoices):
    """How a kind of notification reaches a user."""

    APP = "app", _("In the app")
    APP_EMAIL = "app_email", _("In the app and by e-mail")
    EMAIL = "email", _("By e-mail only")
    DIGEST = "digest", _("In the app and in the morning digest")
    OFF = "off", _("Off")


# What a user gets until they choose: what needs acting on soon also comes by e-mail (as reminders
# always did); what is news rather than a to-do stays in the app, grouped.
NOTIFICATION_DEFAULTS = {
    NotificationKind.REMINDER: NotificationChannel.APP_EMAIL,
    NotificationKind.COMPLAINT_DEADLINE: NotificationChannel.APP_EMAIL,
    NotificationKind.TICKET_DEADLINE: NotificationChannel.APP_EMAIL,
    NotificationKind.FEEDBACK: NotificationChannel.APP_EMAIL,
    NotificationKind.DEAL_DEADLINE: NotificationChannel.APP_EMAIL,
    NotificationKind.CONTRACT_DEADLINE: NotificationChannel.APP_EMAIL,
    NotificationKind.PLAN_DEADLINE: NotificationChannel.APP_EMAIL,
    NotificationKind.BIRTHDAY: NotificationChannel.APP_EMAIL,
    NotificationKind.LOYALTY: NotificationChannel.APP,
    NotificationKind.CHURN: NotificationChannel.APP,
    NotificationKind.COVERAGE: NotificationChannel.APP,
    NotificationKind.OTHER: NotificationChannel.APP,
}

# Kinds whose notifications close in time are shown as one entry ("7 accounts changed loyalty
# tier"): news about many accounts at once. Deadlines and reminders stay one entry each.
GROUPED_KINDS = frozenset({NotificationKind.LOYALTY, NotificationKind.CHURN, NotificationKind.COVERAGE,
                           NotificationKind.BIRTHDAY})


class VatRate(models.TextChoices):
    """The VAT rates a document may carry. ``BY_DATE`` is the statutory general rate on the
    document's date: 20 % until 31 December 2025, 22 % from 1 January 2026 (Federal Law 425-FZ)."""

    BY_DATE = "by_date", _("General rate on the document's date (22 from 2026, 20 before)")
    RATE_22 = "22", _("22 %")
    RATE_20 = "20", _("20 %")
    RATE_10 = "10", _("10 %")
    RATE_0 = "0", _("0 %")
    NONE = "none", _("Without VAT")
