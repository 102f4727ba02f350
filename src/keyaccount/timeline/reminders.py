"""Reminders that reach the manager: e-mail and the bell in the app, at the lead times each user
chose, before meetings (plus the travel time), planned calls and task deadlines, and on the
birthdays of the people at their accounts.

How "never zero, never twice" holds:

* Every reminder owed is a row (``Reminder``), written in the same transaction as the meeting or
  task it belongs to, and by the worker's periodic sweep for records that arrived in bulk. A row
  stays until it is sent, whether or not a worker runs, so after downtime each overdue reminder is
  still there and goes out once when a worker starts.
* A delivery run claims its rows with a token of its own (an UPDATE that only touches rows still
  waiting), so two workers, or a worker and a restarted one, never send the same row.
* In-app notifications carry the reminder's key (unique), so a retried delivery adds none twice.
* The one window left is a crash after the mail server accepted a message and before the row was
  marked sent: a claim older than ``STUCK_AFTER`` is released and sent again. A duplicate is then
  possible, a loss is not.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import groupby

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from keyaccount.accounts.models import Account, Contact
from keyaccount.core import access
from keyaccount.core import services as core_services
from keyaccount.core.choices import NotificationKind
from keyaccount.core.models import MAX_REMINDER_MINUTES, User
from keyaccount.timeline.choices import InteractionKind, MeetingStatus, ReminderState
from keyaccount.timeline.models import Interaction, Reminder
from keyaccount.timeline.queries import interactions_visible_to

log = logging.getLogger(__name__)

# A claim this old belongs to a worker that died mid-delivery: its rows are sent again.
STUCK_AFTER = dt.timedelta(minutes=10)
MAX_ATTEMPTS = 8
BATCH = 500
# Birthday greetings are due at this hour of the user's morning.
BIRTHDAY_HOUR = 9
# The sweep runs every ten minutes; a reminder of a bulk-loaded event that fell due since the last
# sweep is still written (and sent at once).
SWEEP_LOOKBACK = dt.timedelta(minutes=15)
# A reminder delivered this long after its time says so.
LATE_AFTER = dt.timedelta(minutes=5)


@dataclass(frozen=True)
class Owed:
    key: str
    user_id: int
    event_at: dt.datetime
    remind_at: dt.datetime
    lead_minutes: int


# Scheduling

def event_time(interaction: Interaction) -> dt.datetime | None:
    return interaction.due_at if interaction.kind == InteractionKind.TASK else interaction.starts_at


def is_remindable(interaction: Interaction) -> bool:
    """Whether the entry is still an event to be reminded of; this never depends on the clock, so
    a reminder that fell due during downtime is not withdrawn because its moment has passed."""
    if interaction.pk is None or interaction.account_id is None:
        return False
    if interaction.kind == InteractionKind.MEETING:
        return interaction.meeting_status == MeetingStatus.PLANNED
    if interaction.kind == InteractionKind.CALL:
        # A planned call: entered by a person (imported calls have a key) and not made yet.
        return not interaction.outcome and interaction.external_key is None
    if interaction.kind == InteractionKind.TASK:
        return interaction.done_at is None and interaction.due_at is not None
    return False


def recipients(interaction: Interaction) -> set[int]:
    if interaction.kind == InteractionKind.TASK:
        return {interaction.assignee_id or interaction.owner_id} - {None}
    people = {interaction.owner_id} - {None}
    if interaction.kind == InteractionKind.MEETING:
        people |= {user.pk for user in interaction.participants.all()}
    return people


def _owed(interaction: Interaction, users: dict[int, User]) -> list[Owed]:
    """Every reminder the entry calls for, whatever the time now."""
    if not is_remindable(interaction):
        return []
    event_at = event_time(interaction)
    travel = (interaction.travel_minutes or 0) if interaction.kind == InteractionKind.MEETING else 0
    owed = []
    for user_id in sorted(recipients(interaction)):
        user = users.get(user_id)
        if user is None or not user.is_active:
            continue
        for lead in user.reminder_leads:
            before = lead + travel
            owed.append(Owed(key=f"i{interaction.pk}@{int(event_at.timestamp())}:u{user_id}:m{before}",
                             user_id=user_id, event_at=event_at, lead_minutes=lead,
                             remind_at=event_at - dt.timedelta(minutes=before)))
    return owed


def _to_write(owed: list[Owed], now: dt.datetime, lookback: dt.timedelta) -> list[Owed]:
    """Reminders still ahead (or fallen due within ``lookback``). For a user whose every lead time
    has already passed while the event is still to come (a meeting entered ten minutes before it
    starts), one reminder now."""
    ahead = [item for item in owed if item.remind_at > now - lookback]
    for user_id, items in groupby(sorted(owed, key=lambda item: (item.user_id, item.lead_minutes)),
                                  key=lambda item: item.user_id):
        items = list(items)
        if items[0].event_at > now and not any(item.remind_at > now - lookback for item in items):
            soonest = items[0]
            ahead.append(Owed(key=soonest.key, user_id=user_id, event_at=soonest.event_at, remind_at=now,
                              lead_minutes=soonest.lead_minutes))
    return ahead


def _users_for(interactions: Iterable[Interaction]) -> dict[int, User]:
    ids = set()
    for interaction in interactions:
        ids |= recipients(interaction)
    return {user.pk: user for user in User.objects.filter(pk__in=ids)}


def _write(interactions: list[Interaction], now: dt.datetime, lookback: dt.timedelta = dt.timedelta(0)) -> int:
    users = _users_for(interactions)
    keep: dict[int, list[str]] = {}
    rows = []
    for interaction in interactions:
        owed = _owed(interaction, users)
        keep[interaction.pk] = [item.key for item in owed]
        rows += [Reminder(key=item.key, user_id=item.user_id, interaction=interaction, event_at=item.event_at,
                          remind_at=item.remind_at, lead_minutes=item.lead_minutes)
                 for item in _to_write(owed, now, lookback)]
    with transaction.atomic():
        # Waiting reminders the entry no longer calls for (moved, closed, done, people changed) go;
        # those already sent stay as the record of what the user was told.
        for interaction_id, keys in keep.items():
            Reminder.objects.filter(interaction_id=interaction_id, state=ReminderState.PENDING).exclude(
                key__in=keys).delete()
        Reminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    return len(rows)


def schedule(interaction: Interaction, *, now: dt.datetime | None = None) -> None:
    """Write (or withdraw) the reminders of one entry; services call it whenever they save one."""
    if interaction.pk is None:
        return
    _write([interaction], now or timezone.now())


def _upcoming(now: dt.datetime, until: dt.datetime | None):
    window = Q(kind__in=[InteractionKind.MEETING, InteractionKind.CALL], starts_at__gt=now) | Q(
        kind=InteractionKind.TASK, due_at__gt=now)
    if until is not None:
        window &= Q(kind__in=[InteractionKind.MEETING, InteractionKind.CALL], starts_at__lte=until) | Q(
            kind=InteractionKind.TASK, due_at__lte=until)
    return (Interaction.objects.filter(window, account__isnull=False)
            .filter(Q(kind=InteractionKind.MEETING, meeting_status=MeetingStatus.PLANNED)
                    | Q(kind=InteractionKind.CALL, outcome="", external_key__isnull=True)
                    | Q(kind=InteractionKind.TASK, done_at__isnull=True))
            .prefetch_related("participants"))


def schedule_upcoming(*, now: dt.datetime | None = None) -> int:
    """The worker's sweep: reminders for every event within the longest lead time, for entries
    that arrived without the services (bulk loads, the demo). Writing what exists adds nothing."""
    now = now or timezone.now()
    until = now + dt.timedelta(minutes=MAX_REMINDER_MINUTES + 24 * 60)
    written = 0
    batch: list[Interaction] = []
    for interaction in _upcoming(now, until).order_by("id").iterator(chunk_size=500):
        batch.append(interaction)
        if len(batch) == 500:
            written += _write(batch, now, SWEEP_LOOKBACK)
            batch = []
    return written + (_write(batch, now, SWEEP_LOOKBACK) if batch else 0)


def reschedule_user(user: User, *, now: dt.datetime | None = None) -> None:
    """After the user changed their lead times: their waiting reminders are written anew."""
    now = now or timezone.now()
    with transaction.atomic():
        Reminder.objects.filter(user=user, state=ReminderState.PENDING, interaction__isnull=False,
                                event_at__gt=now).delete()
        mine = Q(owner=user) | Q(participants=user) | Q(assignee=user)
        interactions = list(_upcoming(now, None).filter(mine).distinct())
        for start in range(0, len(interactions), 500):
            _write(interactions[start:start + 500], now)


# Deadlines of other apps

@dataclass(frozen=True)
class Deadline:
    """One reminder another app owes a user about one of its records: ``key`` names the moment
    (a due date, a notice date) and the lead, so saving the record again adds nothing twice."""

    key: str
    user_id: int
    event_at: dt.datetime
    remind_at: dt.datetime
    lead_minutes: int = 0


@dataclass(frozen=True)
class ReminderSource:
    # Called at delivery, in the user's language and time zone: the message, or None when the
    # record no longer calls for it (the obligation was fulfilled, the contract ended).
    describe: Callable[[Reminder, dt.datetime], Message | None]
    # The periodic sweep: write the reminders of records that changed without a service.
    sweep: Callable[[dt.datetime], int] | None = None
    # What a user must be able to do to be told of these records besides seeing their account: deals'
    # and contracts' deadlines are commercial (``VIEW_FINANCES``), a complaint's deadline is not.
    needs: access.Capability | None = None
    # Which kind of notification its reminders are: each user chooses how a kind reaches them.
    kind: str = NotificationKind.OTHER


_sources: dict[str, ReminderSource] = {}


def register_source(name: str, source: ReminderSource) -> None:
    _sources[name] = source


def at_morning(day: dt.date, user: User) -> dt.datetime:
    """A date-only deadline as a moment: ``BIRTHDAY_HOUR`` in the morning of the user's own day."""
    return dt.datetime.combine(day, dt.time(BIRTHDAY_HOUR), tzinfo=user.zone)


def schedule_deadlines(*, source: str, object_id: int, account_id: int, deadlines: Iterable[Deadline],
                       now: dt.datetime | None = None) -> int:
    """Make the waiting reminders of one record exactly ``deadlines``: new ones are written (those
    whose time passed more than the sweep's look-back ago are not), ones no longer called for go;
    sent ones stay as the record of what was said."""
    now = now or timezone.now()
    deadlines = list(deadlines)
    with transaction.atomic():
        Reminder.objects.filter(source=source, object_id=object_id, state=ReminderState.PENDING).exclude(
            key__in=[d.key for d in deadlines]).delete()
        rows = [Reminder(key=d.key, user_id=d.user_id, source=source, object_id=object_id, account_id=account_id,
                         event_at=d.event_at, remind_at=d.remind_at, lead_minutes=d.lead_minutes)
                for d in deadlines if d.remind_at > now - SWEEP_LOOKBACK]
        Reminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    return len(rows)


def withdraw_deadlines(*, source: str, object_id: int) -> None:
    Reminder.objects.filter(source=source, object_id=object_id, state=ReminderState.PENDING).delete()


def sweep_sources(*, now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    return sum(source.sweep(now) for source in _sources.values() if source.sweep is not None)


def _birthday_on(day: dt.date) -> Q:
    matches = Q(birthday__month=day.month, birthday__day=day.day)
    is_leap = day.year % 4 == 0 and (day.year % 100 != 0 or day.year % 400 == 0)
    if day.month == 3 and day.day == 1 and not is_leap:
        matches |= Q(birthday__month=2, birthday__day=29)
    return matches


def schedule_birthdays(*, now: dt.datetime | None = None) -> int:
    """Birthday reminders for today and tomorrow, to the manager of each person's account, at
    ``BIRTHDAY_HOUR`` in the manager's own time zone."""
    now = now or timezone.now()
    rows = []
    for offset in (0, 1):
        day = timezone.localdate(now) + dt.timedelta(days=offset)
        people = (Contact.objects.filter(_birthday_on(day), birthday__isnull=False, erased_at__isnull=True,
                                         account__owner__is_active=True)
                  .select_related("account__owner"))
        for contact in people:
            owner = contact.account.owner
            zone = owner.zone
            moment = dt.datetime.combine(day, dt.time(BIRTHDAY_HOUR), tzinfo=zone)
            rows.append(Reminder(key=f"b{contact.pk}@{day.isoformat()}:u{owner.pk}", user=owner, contact=contact,
                                 event_at=moment, remind_at=moment))
    Reminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    return len(rows)


# Delivery

@dataclass(frozen=True)
class Message:
    """One reminder as the user reads it, in their language and time zone."""

    reminder: Reminder
    title: str
    details: list[str]
    path: str
    brief_path: str
    late_since: dt.datetime | None


def late_since(reminder: Reminder, now: dt.datetime) -> dt.datetime | None:
    """When a reminder delivered late was due (it says so), else None."""
    return reminder.remind_at if now - reminder.remind_at > LATE_AFTER else None


def _describe(reminder: Reminder, now: dt.datetime) -> Message | None:
    if reminder.source:
        source = _sources.get(reminder.source)
        return source.describe(reminder, now) if source is not None else None
    when = formats.date_format(timezone.localtime(reminder.event_at), "DATETIME_FORMAT")
    late = reminder.remind_at if now - reminder.remind_at > LATE_AFTER else None
    if reminder.contact_id is not None:
        contact = reminder.contact
        return Message(reminder=reminder, title=_("Birthday: %(name)s, %(account)s") % {
            "name": contact.full_name, "account": contact.account}, details=[
            _("Address as: %(form)s") % {"form": contact.form_of_address}] if contact.form_of_address else [],
            path=contact.get_absolute_url(), brief_path="", late_since=late)
    interaction = reminder.interaction
    subject = interaction.subject or interaction.get_kind_display()
    details = []
    brief_path = ""
    if interaction.kind == InteractionKind.MEETING:
        title = _("Meeting at %(when)s: %(subject)s, %(account)s") % {
            "when": when, "subject": subject, "account": interaction.account}
        if interaction.place:
            details.append(_("Place: %(place)s") % {"place": interaction.place})
        if interaction.video_link:
            details.append(_("Video: %(link)s") % {"link": interaction.video_link})
        if interaction.travel_minutes:
            leave = timezone.localtime(interaction.starts_at - dt.timedelta(minutes=interaction.travel_minutes))
            details.append(_("Leave by %(time)s (%(minutes)s min on the way)") % {
                "time": formats.time_format(leave, "TIME_FORMAT"), "minutes": interaction.travel_minutes})
        brief_path = reverse("timeline:meeting_brief", args=[interaction.pk])
    elif interaction.kind == InteractionKind.CALL:
        title = _("Call at %(when)s: %(subject)s, %(account)s") % {
            "when": when, "subject": subject, "account": interaction.account}
        brief_path = reverse("timeline:meeting_brief", args=[interaction.pk])
    else:
        title = _("Task due %(when)s: %(subject)s, %(account)s") % {
            "when": when, "subject": subject, "account": interaction.account}
    if interaction.agenda:
        details.append(_("Agenda: %(agenda)s") % {"agenda": interaction.agenda[:300]})
    return Message(reminder=reminder, title=title, details=details, path=interaction.get_absolute_url(),
                   brief_path=brief_path, late_since=late)


def kind_of(reminder: Reminder) -> str:
    """The kind of notification a reminder is: its source's, a birthday, or an entry's reminder."""
    if reminder.source:
        source = _sources.get(reminder.source)
        return source.kind if source is not None else NotificationKind.OTHER
    return NotificationKind.BIRTHDAY if reminder.contact_id else NotificationKind.REMINDER


def _still_visible(user: User, reminders: list[Reminder]) -> list[Reminder]:
    """Only what the user may still see: a share withdrawn since the reminder was written ends it."""
    interaction_ids = {r.interaction_id for r in reminders if r.interaction_id}
    contact_ids = {r.contact_id for r in reminders if r.contact_id}
    seen_interactions = set(interactions_visible_to(user).filter(pk__in=interaction_ids).values_list("pk", flat=True))
    seen_contacts = set(Contact.objects.filter(access.account_q(user, prefix="account__"), pk__in=contact_ids,
                                               erased_at__isnull=True).values_list("pk", flat=True))
    account_ids = {r.account_id for r in reminders if r.source}
    seen_accounts = set(Account.objects.filter(access.account_q(user), pk__in=account_ids).values_list(
        "pk", flat=True)) if account_ids else set()

    def may_know(source_name: str) -> bool:
        source = _sources.get(source_name)
        return source is not None and (source.needs is None or access.can(user, source.needs))

    return [r for r in reminders if r.interaction_id in seen_interactions or r.contact_id in seen_contacts
            or (r.source and r.account_id in seen_accounts and may_know(r.source))]


def _send_mail(user: User, messages: list[Message]) -> None:
    base = settings.KAM_BASE_URL
    if len(messages) == 1:
        subject = messages[0].title
    else:
        subject = _("%(count)s reminders: %(first)s and more") % {"count": len(messages), "first": messages[0].title}
    context = {"user": user, "messages": messages, "base_url": base}
    mail = EmailMultiAlternatives(subject=f"Keyaccount: {subject}"[:250],
                                  body=render_to_string("timeline/email/reminders.txt", context),
                                  to=[user.email])
    mail.attach_alternative(render_to_string("timeline/email/reminders.html", context), "text/html")
    mail.send(fail_silently=False)


def _deliver_to(user: User, claimed: list[Reminder], token: str, now: dt.datetime) -> tuple[int, int]:
    visible = _still_visible(user, claimed) if user.is_active else []
    gone = [r.pk for r in claimed if r not in visible]
    if gone:
        Reminder.objects.filter(pk__in=gone, claim=token).delete()
    if not visible:
        return 0, 0
    language = user.language or settings.LANGUAGE_CODE
    with translation.override(language), timezone.override(user.zone):
        described = [(reminder, _describe(reminder, now)) for reminder in visible]
        moot = [reminder.pk for reminder, message in described if message is None]
        if moot:
            Reminder.objects.filter(pk__in=moot, claim=token).delete()
        visible = [reminder for reminder, message in described if message is not None]
        messages = [message for _reminder, message in described if message is not None]
        if not messages:
            return 0, 0
        for message in messages:
            core_services.notify(user=user, kind=kind_of(message.reminder), title=message.title,
                                 body="\n".join(message.details), url=message.path,
                                 key=f"reminder:{message.reminder.key}", when=now, mail=False)
        # By e-mail: the kinds the user gets by e-mail, while reminders by e-mail are on at all.
        mailed = [message for message in messages if user.email_reminders
                  and core_services.notification_mails(user, kind_of(message.reminder))]
        emailed = bool(mailed)
        if emailed:
            try:
                _send_mail(user, mailed)
            except (smtplib.SMTPException, OSError) as error:
                log.warning("Reminders to %s not sent, will retry: %s", user.email, error)
                for reminder in visible:
                    failed = reminder.attempts >= MAX_ATTEMPTS
                    Reminder.objects.filter(pk=reminder.pk, claim=token).update(
                        state=ReminderState.FAILED if failed else ReminderState.PENDING, claim="",
                        retry_after=now + dt.timedelta(minutes=2 ** min(reminder.attempts, 6)),
                        last_error=str(error)[:1000])
                return 0, len(visible)
    Reminder.objects.filter(pk__in=[r.pk for r in visible], claim=token).update(
        state=ReminderState.SENT, sent_at=timezone.now(), emailed=emailed, claim="", last_error="")
    return len(visible), 0


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    released: int = 0


def deliver_due(*, now: dt.datetime | None = None) -> DeliveryReport:
    """Send every reminder whose time has come, grouped into one e-mail per user per run."""
    now = now or timezone.now()
    report = DeliveryReport()
    report.released = Reminder.objects.filter(state=ReminderState.SENDING, claimed_at__lt=now - STUCK_AFTER).update(
        state=ReminderState.PENDING, claim="")
    while True:
        token = uuid.uuid4().hex
        due = (Reminder.objects.filter(state=ReminderState.PENDING, remind_at__lte=now)
               .filter(Q(retry_after__isnull=True) | Q(retry_after__lte=now)).order_by("remind_at", "id"))
        ids = list(due.values_list("pk", flat=True)[:BATCH])
        if not ids:
            break
        Reminder.objects.filter(pk__in=ids, state=ReminderState.PENDING).update(
            state=ReminderState.SENDING, claim=token, claimed_at=now, attempts=F("attempts") + 1)
        claimed = list(Reminder.objects.filter(claim=token).select_related(
            "user", "interaction__account", "contact__account").order_by("user_id", "remind_at", "id"))
        for _user_id, items in groupby(claimed, key=lambda reminder: reminder.user_id):
            items = list(items)
            sent, failed = _deliver_to(items[0].user, items, token, now)
            report.sent += sent
            report.failed += failed
        if len(ids) < BATCH:
            break
    return report
