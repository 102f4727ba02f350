"""Complaints, suggestions, praise and questions from clients, each followed until the client is
told what was done: the loop's steps (first response, resolution, the client informed, closed),
its SLA timers, and the links through which clients write in without signing in."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from keyaccount.core.models import VersionedModel
from keyaccount.feedback.choices import (
    Channel,
    ClientReaction,
    FeedbackKind,
    FeedbackStatus,
    MessageKind,
    Severity,
    SuggestionOutcome,
    SurveyKind,
    SurveyTrigger,
    TicketPriority,
    TicketStatus,
)

MAX_TEXT = 10_000


class FeedbackCategory(models.Model):
    """Where the weak links are: delivery, quality, price, service, documents… (administrators and
    heads of sales keep the list)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("feedback category")
        verbose_name_plural = _("feedback categories")

    def __str__(self) -> str:
        return self.name


class SlaPolicy(models.Model):
    """How soon a record of a severity gets its first response and its resolution."""

    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, unique=True)
    response_hours = models.PositiveSmallIntegerField(_("first response within, hours"),
                                                      validators=[MinValueValidator(1), MaxValueValidator(2000)])
    resolution_hours = models.PositiveSmallIntegerField(_("resolution within, hours"),
                                                        validators=[MinValueValidator(1), MaxValueValidator(8000)])

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")

    def __str__(self) -> str:
        return self.get_severity_display()


class Feedback(VersionedModel):
    account = models.ForeignKey("accounts.Account", verbose_name=_("account"), on_delete=models.PROTECT,
                                related_name="feedback")
    contact = models.ForeignKey("accounts.Contact", verbose_name=_("from"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="feedback")
    kind = models.CharField(_("kind"), max_length=12, choices=FeedbackKind.choices, default=FeedbackKind.COMPLAINT)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.CALL)
    category = models.ForeignKey(FeedbackCategory, verbose_name=_("category"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="feedback")
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, default=Severity.NORMAL)
    subject = models.CharField(_("subject"), max_length=300)
    text = models.TextField(_("what the client said"), validators=[MaxLengthValidator(MAX_TEXT)])
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assignee"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="assigned_feedback")
    # What it is about (each optional, each the same account's).
    order = models.ForeignKey("orders.Order", verbose_name=_("order"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="feedback")
    product = models.ForeignKey("catalog.Product", verbose_name=_("product"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="feedback")
    deal = models.ForeignKey("deals.Deal", verbose_name=_("deal"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="feedback")
    contract = models.ForeignKey("contracts.Contract", verbose_name=_("contract"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="feedback")
    status = models.CharField(_("status"), max_length=12, choices=FeedbackStatus.choices, default=FeedbackStatus.NEW)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    # The SLA's deadlines, fixed when the record is received (or its severity changes).
    response_due = models.DateTimeField(_("first response due"), null=True, blank=True)
    resolution_due = models.DateTimeField(_("resolution due"), null=True, blank=True)
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    response_note = models.TextField(_("first response"), blank=True, validators=[MaxLengthValidator(MAX_TEXT)])
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolution = models.TextField(_("what was done"), blank=True, validators=[MaxLengthValidator(MAX_TEXT)])
    outcome = models.CharField(_("outcome"), max_length=10, choices=SuggestionOutcome.choices, blank=True)
    outcome_reason = models.TextField(_("why"), blank=True, validators=[MaxLengthValidator(MAX_TEXT)])
    # The step the loop is about: the client told what was done.
    informed_at = models.DateTimeField(_("client informed"), null=True, blank=True)
    informed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("informed by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    informed_via = models.CharField(_("informed how"), max_length=10, choices=Channel.choices, blank=True)
    client_reaction = models.CharField(_("client's reaction"), max_length=12, choices=ClientReaction.choices,
                                       blank=True)
    informed_note = models.TextField(_("what the client said to it"), blank=True,
                                     validators=[MaxLengthValidator(MAX_TEXT)])
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # The heads of sales were alerted of a breach of this kind ("response", "resolution").
    escalated = models.CharField(max_length=30, blank=True, editable=False)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        indexes = [
            models.Index(fields=["account", "-received_at"], name="feedback_account"),
            models.Index(fields=["status", "resolution_due"], name="feedback_open_due",
                         condition=Q(status__in=["new", "in_progress", "resolved"])),
            models.Index(fields=["-received_at"], name="feedback_received"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("feedback:feedback_detail", args=[self.pk])

    def response_breached(self, now: dt.datetime | None = None) -> bool:
        """Whether the first response came (or is still missing) after its deadline."""
        if self.response_due is None:
            return False
        return (self.first_response_at or now or timezone.now()) > self.response_due

    def resolution_breached(self, now: dt.datetime | None = None) -> bool:
        if self.resolution_due is None:
            return False
        return (self.resolved_at or now or timezone.now()) > self.resolution_due

    @property
    def is_open(self) -> bool:
        return self.status in (FeedbackStatus.NEW, FeedbackStatus.IN_PROGRESS, FeedbackStatus.RESOLVED)


class FeedbackLink(models.Model):
    """A link (or a QR code) through which an account's people, or one person, write in without
    signing in. Its token is a signature of its id, so it can be shown again at any time; revoking
    or expiring the link ends it."""

    account = models.ForeignKey("accounts.Account", on_delete=models.CASCADE, related_name="feedback_links")
    contact = models.ForeignKey("accounts.Contact", null=True, blank=True, on_delete=models.CASCADE,
                                related_name="feedback_links")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_on = models.DateField(_("valid until"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    submissions = models.PositiveIntegerField(_("submissions"), default=0)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return str(self.contact or self.account)

    def is_valid(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.revoked_at is None and (self.expires_on is None or self.expires_on >= today)


class Survey(models.Model):
    """One NPS or CSAT question sent to one person by e-mail, answered through its link."""

    account = models.ForeignKey("accounts.Account", verbose_name=_("account"), on_delete=models.CASCADE,
                                related_name="surveys")
    contact = models.ForeignKey("accounts.Contact", verbose_name=_("person"), on_delete=models.CASCADE,
                                related_name="surveys")
    deal = models.ForeignKey("deals.Deal", verbose_name=_("deal"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="surveys")
    kind = models.CharField(_("kind"), max_length=4, choices=SurveyKind.choices, default=SurveyKind.NPS)
    trigger = models.CharField(_("why it was sent"), max_length=10, choices=SurveyTrigger.choices,
                               default=SurveyTrigger.MANUAL)
    email = models.EmailField(_("sent to"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    expires_on = models.DateField(_("answer by"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True, validators=[MaxValueValidator(10)])
    comment = models.TextField(_("comment"), blank=True, validators=[MaxLengthValidator(MAX_TEXT)])
    # The complaint a low score opened.
    complaint = models.ForeignKey(Feedback, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        indexes = [
            models.Index(fields=["-sent_at", "-id"], name="survey_list_order"),
            models.Index(fields=["account", "-sent_at"], name="survey_account"),
            models.Index(fields=["contact", "-sent_at"], name="survey_contact"),
        ]
        constraints = [models.CheckConstraint(condition=Q(score__isnull=True) | Q(score__lte=10),
                                              name="survey_score_range")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.contact}"

    def is_open(self, today: dt.date | None = None) -> bool:
        return self.answered_at is None and self.expires_on >= (today or timezone.localdate())


class Ticket(VersionedModel):
    """A request from one of the product's users (a contact who uses it), worked by support agents;
    the account's manager sees it on the account's timeline."""

    account = models.ForeignKey("accounts.Account", verbose_name=_("account"), on_delete=models.PROTECT,
                                related_name="tickets")
    contact = models.ForeignKey("accounts.Contact", verbose_name=_("user"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="tickets")
    subject = models.CharField(_("subject"), max_length=300)
    status = models.CharField(_("status"), max_length=8, choices=TicketStatus.choices, default=TicketStatus.NEW)
    priority = models.CharField(_("priority"), max_length=8, choices=TicketPriority.choices,
                                default=TicketPriority.NORMAL)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assignee"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="tickets")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    email = models.EmailField(_("reply to"), blank=True)
    response_due = models.DateTimeField(_("first response due"), null=True, blank=True)
    resolution_due = models.DateTimeField(_("resolution due"), null=True, blank=True)
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    solved_at = models.DateTimeField(_("solved"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("support ticket")
        verbose_name_plural = _("support tickets")
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="ticket_list_order"),
            models.Index(fields=["status", "-created_at"], name="ticket_queue"),
            models.Index(fields=["account", "-created_at"], name="ticket_account"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.subject}"

    @property
    def reference(self) -> str:
        return f"T-{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("feedback:ticket_detail", args=[self.pk])

    def response_breached(self, now: dt.datetime | None = None) -> bool:
        return self.response_due is not None and (self.first_response_at or now or timezone.now()) > self.response_due

    def resolution_breached(self, now: dt.datetime | None = None) -> bool:
        return self.resolution_due is not None and (self.solved_at or now or timezone.now()) > self.resolution_due


class TicketMessage(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(_("kind"), max_length=4, choices=MessageKind.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    sender = models.CharField(_("from"), max_length=300, blank=True)
    body = models.TextField(_("text"), validators=[MaxLengthValidator(100_000)])
    created_at = models.DateTimeField(default=timezone.now)
    # The e-mail's Message-ID: a message fetched twice is stored once, and replies find their ticket.
    message_id = models.CharField(max_length=300, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.ticket.reference}: {self.get_kind_display()}"


class UnmatchedMail(models.Model):
    """A support e-mail from an address that is nobody's at any account: kept until an agent says
    whose it is (a ticket is then made of it)."""

    sender = models.CharField(_("from"), max_length=300)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body = models.TextField(_("text"))
    message_id = models.CharField(max_length=300, null=True, blank=True, unique=True)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    ticket = models.ForeignKey(Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.sender}: {self.subject}"
