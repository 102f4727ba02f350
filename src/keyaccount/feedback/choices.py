from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


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
    DONE = "done", pgettext_lazy("suggestion", "Done")


class ClientReaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    NEUTRAL = "neutral", _("Neutral")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


class SurveyKind(models.TextChoices):
    NPS = "nps", _("NPS: would you recommend us? (0–10)")
    CSAT = "csat", _("CSAT: how satisfied are you? (1–5)")


class SurveyTrigger(models.TextChoices):
    MANUAL = "manual", _("Sent by hand")
    DEAL_STAGE = "deal_stage", _("A deal reached fulfilment or feedback")
    SCHEDULE = "schedule", _("The key accounts' regular survey")


# The scores each kind of survey takes, and the highest that counts as an unhappy client (it opens
# a complaint): detractors in NPS (0-6), "dissatisfied" and below in CSAT (1-2).
SURVEY_SCALE = {SurveyKind.NPS: (0, 10), SurveyKind.CSAT: (1, 5)}
SURVEY_LOW = {SurveyKind.NPS: 6, SurveyKind.CSAT: 2}


class TicketStatus(models.TextChoices):
    NEW = "new", _("New")
    OPEN = "open", _("Open")
    WAITING = "waiting", _("Waiting for the user")
    SOLVED = "solved", _("Solved")
    CLOSED = "closed", _("Closed")


OPEN_TICKET_STATUSES = (TicketStatus.NEW, TicketStatus.OPEN, TicketStatus.WAITING)


class TicketPriority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


# A ticket's SLA is the feedback loop's for the matching severity.
PRIORITY_SEVERITY = {"low": "low", "normal": "normal", "high": "high", "urgent": "critical"}


class MessageKind(models.TextChoices):
    FROM_USER = "in", _("From the user")
    REPLY = "out", _("Our reply")
    NOTE = "note", _("Internal note")
