from django.db import models
from django.utils.translation import gettext_lazy as _


class FeedbackKind(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint")
    SUGGESTION = "suggestion", _("Suggestion")
    PRAISE = "praise", _("Praise")
    QUESTION = "question", _("Question")


class Channel(models.TextChoices):
    CALL = "call", _("Call")
    MEETING = "meeting", _("Meeting")
    EMAIL = "email", _("E-mail")
    WEB_FORM = "web_form", _("Web form")
    SURVEY = "survey", _("Survey")
    LETTER = "letter", _("Letter")
    OTHER = "other", _("Other")


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class FeedbackStatus(models.TextChoices):
    NEW = "new", _("New")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved, client not yet told")
    INFORMED = "informed", _("Client informed")
    CLOSED = "closed", _("Closed")


# Statuses in which the record still waits for us.
OPEN_STATUSES = (FeedbackStatus.NEW, FeedbackStatus.IN_PROGRESS, FeedbackStatus.RESOLVED)


class SuggestionOutcome(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted into the backlog")
    DECLINED = "declined", _("Declined")
    DONE = "done", _("Done")


class ClientReaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    NEUTRAL = "neutral", _("Neutral")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")
