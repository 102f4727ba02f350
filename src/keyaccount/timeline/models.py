"""Interactions of every kind on one timeline per account and per person: calls, meetings,
e-mails, notes and tasks.

One table for all kinds (the fields of the other kinds stay empty) so that a timeline is one indexed
range scan, newest first, however many kinds it mixes.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, URLValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from keyaccount.core.models import VersionedModel
from keyaccount.timeline.choices import (
    CallDirection,
    CallOutcome,
    InteractionKind,
    MatchStatus,
    MeetingStatus,
    ReminderState,
)


class CallImport(models.Model):
    """One import of a call log: who brought which file, and what became of its rows."""

    file_name = models.CharField(_("file"), max_length=200)
    file_format = models.CharField(_("format"), max_length=20)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("imported by"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    imported_at = models.DateTimeField(_("imported"), default=timezone.now)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    created = models.PositiveIntegerField(_("new calls"), default=0)
    duplicates = models.PositiveIntegerField(_("already imported"), default=0)
    matched = models.PositiveIntegerField(_("matched"), default=0)
    unmatched = models.PositiveIntegerField(_("waiting in the queue"), default=0)
    skipped = models.PositiveIntegerField(_("skipped as bad"), default=0)

    class Meta:
        ordering = ["-imported_at", "-id"]
        verbose_name = _("call import")
        verbose_name_plural = _("call imports")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.imported_at:%Y-%m-%d %H:%M})"


class Interaction(VersionedModel):
    kind = models.CharField(_("kind"), max_length=10, choices=InteractionKind.choices)
    # Empty only for calls that matched nobody yet: they wait in the queue for a person to assign them.
    # Indexes: each one costs every import of millions of calls a write per row, so foreign keys
    # that a composite or partial index below already leads with get no index of their own.
    account = models.ForeignKey("accounts.Account", verbose_name=_("account"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="interactions", db_index=False)
    contacts = models.ManyToManyField("accounts.Contact", verbose_name=_("people"), blank=True,
                                      through="InteractionContact", related_name="interactions")
    participants = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("our participants"),
                                          blank=True, related_name="interactions")
    # No database-level constraint (Django still sets it to NULL when a user is deleted): on
    # PostgreSQL its per-row check was a third of the time of importing a million calls.
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("responsible"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="owned_interactions", db_index=False,
                              db_constraint=False)
    starts_at = models.DateTimeField(_("when"), default=timezone.now)
    ends_at = models.DateTimeField(_("until"), null=True, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    # An event another app recorded about money (a deal, a proposal, a contract): only those who see
    # finances read it (core.access; support agents do not). A default in the database too, so that rows
    # written in bulk without it are not commercial.
    is_commercial = models.BooleanField(default=False, db_default=False, editable=False)

    # Calls
    direction = models.CharField(_("direction"), max_length=10, choices=CallDirection.choices, blank=True)
    our_number = models.CharField(_("our number"), max_length=40, blank=True)
    our_line = models.CharField(_("line or extension"), max_length=40, blank=True)
    their_number = models.CharField(_("their number"), max_length=40, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    duration_seconds = models.PositiveIntegerField(_("duration, s"), null=True, blank=True,
                                                   validators=[MaxValueValidator(7 * 24 * 3600)])
    talk_seconds = models.PositiveIntegerField(_("talk time, s"), null=True, blank=True,
                                               validators=[MaxValueValidator(7 * 24 * 3600)])
    outcome = models.CharField(_("outcome"), max_length=10, choices=CallOutcome.choices, blank=True)
    recording_url = models.CharField(_("recording"), max_length=500, blank=True,
                                     validators=[URLValidator(schemes=["http", "https"])])
    match_status = models.CharField(_("matching"), max_length=10, choices=MatchStatus.choices, blank=True)

    # E-mails
    email_from = models.CharField(_("from"), max_length=300, blank=True)
    email_to = models.CharField(_("to"), max_length=1000, blank=True)

    # Meetings
    place = models.CharField(_("place"), max_length=300, blank=True)
    video_link = models.CharField(_("video link"), max_length=500, blank=True,
                                  validators=[URLValidator(schemes=["http", "https"])])
    travel_minutes = models.PositiveIntegerField(_("travel time, min"), null=True, blank=True,
                                                 validators=[MaxValueValidator(24 * 60)])
    agenda = models.TextField(_("agenda"), blank=True)
    meeting_status = models.CharField(_("meeting status"), max_length=10, choices=MeetingStatus.choices, blank=True)
    actual_start_at = models.DateTimeField(_("actually started"), null=True, blank=True)
    agreements = models.TextField(_("agreements"), blank=True)

    # Tasks
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assignee"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="assigned_tasks", db_index=False)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    # The meeting whose next steps created this task.
    follows = models.ForeignKey("self", verbose_name=_("follows"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="next_steps", db_index=False)

    # A stable key per imported record (Asterisk uniqueid, or a hash of the row), so that importing
    # the same or an overlapping file again adds nothing twice.
    external_key = models.CharField(max_length=120, null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        indexes = [
            # The list's own order, for keyset pages (core.paging): without it a page of the API's list
            # sorted every interaction the user sees. It costs an import a write per row, measured in
            # docs/benchmarks.md.
            models.Index(fields=["-starts_at", "-id"], name="interaction_list_order"),
            models.Index(fields=["account", "-starts_at", "-id"], name="interaction_account_time"),
            # A manager's meetings and calls in a period (punctuality and activity reports).
            models.Index(fields=["owner", "kind", "starts_at"], name="interaction_owner_kind_time"),
            models.Index(fields=["match_status", "-starts_at"], name="interaction_queue",
                         condition=Q(account__isnull=True)),
            models.Index(fields=["assignee", "due_at"], name="interaction_open_tasks",
                         condition=Q(kind="task", done_at__isnull=True)),
            models.Index(fields=["follows"], name="interaction_follows", condition=Q(follows__isnull=False)),
            # Missed calls waiting to be returned (My day, the activity report): a few in a thousand calls,
            # so the index is small and an import writes it rarely; without it each My day read every
            # interaction of the last two weeks.
            models.Index(fields=["starts_at"], name="interaction_missed_calls",
                         condition=Q(kind="call", direction="in", outcome="missed")),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__isnull=True) | Q(ends_at__gte=models.F("starts_at")),
                                   name="interaction_ends_after_start",
                                   violation_error_message=_("The end cannot come before the start.")),
        ]

    def __str__(self) -> str:
        return self.subject or f"{self.get_kind_display()} {self.starts_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("timeline:interaction_detail", args=[self.pk])

    @property
    def lateness_minutes(self) -> int | None:
        """How late a meeting started, in whole minutes (0 when on time), or None if not recorded."""
        if self.kind != InteractionKind.MEETING or self.actual_start_at is None:
            return None
        return max(0, int((self.actual_start_at - self.starts_at).total_seconds() // 60))


class InteractionContact(models.Model):
    interaction = models.ForeignKey(Interaction, on_delete=models.CASCADE, related_name="contact_links")
    # The unique constraint below leads with the contact and serves as its index.
    contact = models.ForeignKey("accounts.Contact", on_delete=models.CASCADE, related_name="interaction_links",
                                db_index=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["contact", "interaction"], name="interaction_contact_unique")]

    def __str__(self) -> str:
        return f"{self.interaction_id} ↔ {self.contact_id}"



class Reminder(models.Model):
    """One reminder owed to one user: an outbox row the worker delivers by e-mail and in the app.

    Rows are written when the event is (services, and the worker's periodic sweep for records
    that arrived in bulk), so a reminder whose time passed while no worker ran is still here and
    is sent once when one starts. ``key`` names the event, its time, the user and the lead time:
    writing the same reminder again adds nothing, and moving a meeting makes a new one.
    """

    key = models.CharField(max_length=200, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders",
                             db_index=False)
    interaction = models.ForeignKey(Interaction, null=True, blank=True, on_delete=models.CASCADE,
                                    related_name="reminders", db_index=False)
    contact = models.ForeignKey("accounts.Contact", null=True, blank=True, on_delete=models.CASCADE,
                                related_name="+", db_index=False)
    # Deadlines of other apps (an obligation, a contract's notice date, a tender's submission):
    # the app that registered ``source`` (``reminders.register_source``) describes the row, and
    # the account decides who may still be told.
    source = models.CharField(max_length=30, blank=True)
    object_id = models.BigIntegerField(null=True, blank=True)
    account = models.ForeignKey("accounts.Account", null=True, blank=True, on_delete=models.CASCADE,
                                related_name="+", db_index=False)
    event_at = models.DateTimeField(_("event"))
    remind_at = models.DateTimeField(_("remind at"))
    lead_minutes = models.PositiveIntegerField(_("minutes before"), default=0)
    state = models.CharField(_("state"), max_length=10, choices=ReminderState.choices, default=ReminderState.PENDING)
    # The delivery run that claimed the row; two workers never send the same reminder.
    claim = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    retry_after = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    emailed = models.BooleanField(_("by e-mail"), default=False)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["remind_at", "id"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        indexes = [
            models.Index(fields=["remind_at"], name="reminder_due",
                         condition=Q(state__in=[ReminderState.PENDING, ReminderState.SENDING])),
            models.Index(fields=["interaction", "state"], name="reminder_interaction",
                         condition=Q(interaction__isnull=False)),
            models.Index(fields=["user", "-remind_at"], name="reminder_user_time"),
            models.Index(fields=["source", "object_id", "state"], name="reminder_source",
                         condition=~Q(source="")),
        ]

    def __str__(self) -> str:
        return self.key
