"""The support desk for the product's users: tickets with replies, internal notes, statuses and an
SLA; e-mail in (a mailbox fetched over IMAP, or Keyaccount's own SMTP intake behind a forwarding
address, or a provider posting the raw message) and out (each reply is mailed to the user with
the ticket's reference in the subject, so their answer finds the ticket again). Each ticket is on
its account's timeline, so the key-account manager sees what the users live through; support
agents see people and tickets, never finances.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email
import email.feedparser
import email.message
import email.policy
import imaplib
import logging
import re
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from keyaccount.accounts.models import Account, Contact
from keyaccount.core import access, audit, working_time
from keyaccount.core.access import Capability
from keyaccount.core.concurrency import save_versioned
from keyaccount.core.editing import require
from keyaccount.feedback import reminders, services
from keyaccount.feedback.choices import (
    OPEN_TICKET_STATUSES,
    PRIORITY_SEVERITY,
    Channel,
    MessageKind,
    TicketPriority,
    TicketStatus,
)
from keyaccount.feedback.models import Ticket, TicketMessage, UnmatchedMail
from keyaccount.loyalty import queries as loyalty_queries
from keyaccount.timeline.services import event_record

logger = logging.getLogger(__name__)
REFERENCE = re.compile(r"\[T-(\d{1,12})\]")
MAX_BODY = 100_000
# Python's e-mail parser takes about half a millisecond per MIME part and recurses into nested
# ones, and its header parser's memory grows with the square of a header's encoded words (a 200 KB
# subject takes gigabytes): a message is read only within these bounds, and within
# KAM_SUPPORT_MAX_MESSAGE_BYTES, checked before it is parsed at all.
MAX_MESSAGE_PARTS = 100
MAX_HEADER_BYTES = 16 * 1024


def can_work(user) -> bool:
    return services.can_handle(user)


def _deadlines(ticket: Ticket) -> None:
    response, resolution = services.sla_hours(PRIORITY_SEVERITY[ticket.priority])
    # The account's loyalty tier's priority support, where it is sooner.
    tier_response, tier_resolution = loyalty_queries.support_hours(ticket.account)
    response, resolution = min(response, tier_response or response), min(resolution, tier_resolution or resolution)
    # Counted in working hours (core.working_time): a ticket opened at night starts the next morning.
    start, calendar = ticket.created_at, working_time.company_calendar()
    ticket.response_due = calendar.add_working_hours(start, response)
    ticket.resolution_due = calendar.add_working_hours(start, resolution)


def _check(ticket: Ticket) -> None:
    errors = {}
    if not (ticket.subject or "").strip():
        errors["subject"] = [_("Give the ticket a subject.")]
    if ticket.contact_id and ticket.contact.account_id != ticket.account_id:
        errors["contact"] = [_("This person belongs to another account.")]
    if ticket.priority not in TicketPriority.values:
        errors["priority"] = [_("Unknown priority.")]
    if errors:
        raise ValidationError(errors)


def _add(ticket: Ticket, kind: str, body: str, *, author=None, sender: str = "", message_id: str | None = None,
         at: dt.datetime | None = None) -> TicketMessage:
    body = (body or "").replace("\x00", "").strip()
    if not body:
        raise ValidationError({"body": [_("Write something.")]})
    if len(body) > MAX_BODY:
        raise ValidationError({"body": [_("The text is too long.")]})
    return TicketMessage.objects.create(ticket=ticket, kind=kind, body=body, author=author, sender=sender[:300],
                                        message_id=message_id, created_at=at or timezone.now())


@transaction.atomic
def ticket_create(*, user, account: Account, data: Mapping[str, Any], contact: Contact | None = None,
                  message_id: str | None = None, sender: str = "", at: dt.datetime | None = None) -> Ticket:
    """A ticket with its first message (what the user wrote), both made ``at`` (now unless told: an
    e-mail assigned later was written when it came). ``user`` is None for one that came by e-mail,
    otherwise the agent who recorded it, not its author."""
    if user is not None:
        require(can_work(user))
    ticket = Ticket(account=account, contact=contact, subject=(data.get("subject") or "").strip()[:300],
                    priority=data.get("priority") or TicketPriority.NORMAL,
                    channel=data.get("channel") or (Channel.EMAIL if user is None else Channel.CALL),
                    email=data.get("email") or (contact.emails.values_list("email", flat=True).first() or ""
                                                if contact else ""),
                    created_at=at or timezone.now())
    _check(ticket)
    _deadlines(ticket)
    ticket.save()
    _add(ticket, MessageKind.FROM_USER, data.get("body") or "", author=user, sender=sender or str(contact or ""),
         message_id=message_id, at=ticket.created_at)
    audit.record_create(actor=user, instance=ticket, after=audit.snapshot(ticket), account_id=account.pk)
    reminders.schedule_ticket(ticket)
    event_record(user=user or account.owner, account=account, subject=_("Support ticket %(ref)s from %(who)s: "
                                                                         "%(subject)s") % {
        "ref": ticket.reference, "who": contact or sender, "subject": ticket.subject})
    return ticket


def _mail_reply(ticket: Ticket, message: TicketMessage) -> None:
    if not ticket.email:
        return
    subject = f"[{ticket.reference}] {ticket.subject}"[:250]
    headers = {}
    previous = ticket.messages.filter(message_id__isnull=False).exclude(pk=message.pk).last()
    if previous is not None:
        headers = {"In-Reply-To": previous.message_id, "References": previous.message_id}
    mail = EmailMessage(subject=subject, body=message.body, to=[ticket.email], headers=headers,
                        from_email=settings.KAM_SUPPORT_EMAIL or settings.DEFAULT_FROM_EMAIL)
    mail.send(fail_silently=False)


@transaction.atomic
def ticket_reply(*, user, ticket: Ticket, body: str, status: str = TicketStatus.WAITING,
                 version: int | None = None) -> TicketMessage:
    """Our answer, mailed to the user (after the reply is stored); the ticket waits for the user
    (or is solved, if the reply says so)."""
    require(can_work(user))
    if status not in (TicketStatus.WAITING, TicketStatus.SOLVED, TicketStatus.OPEN):
        raise ValidationError({"status": [_("A reply leaves the ticket open, waiting or solved.")]})
    before = audit.snapshot(ticket)
    message = _add(ticket, MessageKind.REPLY, body, author=user, sender=str(user))
    ticket.first_response_at = ticket.first_response_at or message.created_at
    _set_status(ticket, status)
    ticket.assignee = ticket.assignee or user
    save_versioned(ticket, expected_version=version)
    audit.record_update(actor=user, instance=ticket, before=before, after=audit.snapshot(ticket),
                        account_id=ticket.account_id)
    reminders.schedule_ticket(ticket)
    transaction.on_commit(lambda: _mail_reply(ticket, message))
    return message


@transaction.atomic
def ticket_note(*, user, ticket: Ticket, body: str) -> TicketMessage:
    """A note for colleagues only: never mailed."""
    require(can_work(user))
    return _add(ticket, MessageKind.NOTE, body, author=user, sender=str(user))


def _set_status(ticket: Ticket, status: str) -> None:
    if status == TicketStatus.SOLVED and ticket.solved_at is None:
        ticket.solved_at = timezone.now()
        event_record(user=ticket.assignee or ticket.account.owner, account=ticket.account,
                     subject=_("Support ticket %(ref)s solved: %(subject)s") % {"ref": ticket.reference,
                                                                               "subject": ticket.subject})
    elif status in OPEN_TICKET_STATUSES:
        ticket.solved_at = None
    ticket.status = status


@transaction.atomic
def ticket_update(*, user, ticket: Ticket, data: Mapping[str, Any], version: int | None) -> Ticket:
    """Status, priority and assignee."""
    require(can_work(user))
    before = audit.snapshot(ticket)
    if "status" in data:
        if data["status"] not in TicketStatus.values:
            raise ValidationError({"status": [_("Unknown status.")]})
        _set_status(ticket, data["status"])
    if "priority" in data and data["priority"] != ticket.priority:
        ticket.priority = data["priority"]
        _check(ticket)
        _deadlines(ticket)
    if "assignee" in data:
        ticket.assignee = data["assignee"]
        if ticket.assignee is not None and not access.may_work_for(ticket.assignee, ticket.account_id,
                                                                    Capability.LOG_INTERACTIONS):
            raise ValidationError({"assignee": [_("%(user)s does not work this account's tickets.") % {
                "user": ticket.assignee}]})
    save_versioned(ticket, expected_version=version)
    audit.record_update(actor=user, instance=ticket, before=before, after=audit.snapshot(ticket),
                        account_id=ticket.account_id)
    reminders.schedule_ticket(ticket)
    return ticket


# E-mail in


class MessageRefused(Exception):
    """A message the desk does not read: larger than KAM_SUPPORT_MAX_MESSAGE_BYTES, or with more
    parts or a longer header than any person's mail has. ``smtp_reply`` is what the intake answers."""

    def __init__(self, reason: str, *, too_large: bool = False):
        super().__init__(reason)
        self.too_large = too_large
        self.smtp_reply = ("552 5.3.4 Message too big for system" if too_large
                           else "554 5.6.0 Message refused: too many parts or too long a header")


class _BoundedPolicy(email.policy.EmailPolicy):
    """The standard policy, refusing a header longer than MAX_HEADER_BYTES as the parser meets it."""

    def header_source_parse(self, sourcelines):
        if sum(len(line) for line in sourcelines) > MAX_HEADER_BYTES:
            raise MessageRefused(f"a header longer than {MAX_HEADER_BYTES} bytes")
        return super().header_source_parse(sourcelines)


_POLICY = _BoundedPolicy()


def parse_message(raw: bytes) -> email.message.EmailMessage:
    """The message, parsed only if it is within KAM_SUPPORT_MAX_MESSAGE_BYTES (measured first),
    MAX_MESSAGE_PARTS parts and MAX_HEADER_BYTES a header; else ``MessageRefused``, raised as soon
    as the parser passes a bound."""
    limit = settings.KAM_SUPPORT_MAX_MESSAGE_BYTES
    if len(raw) > limit:
        raise MessageRefused(f"{len(raw)} bytes, over KAM_SUPPORT_MAX_MESSAGE_BYTES ({limit})", too_large=True)
    parts = 0

    def new_part(policy):
        nonlocal parts
        parts += 1
        if parts > MAX_MESSAGE_PARTS:
            raise MessageRefused(f"more than {MAX_MESSAGE_PARTS} MIME parts")
        return email.message.EmailMessage(policy=policy)

    parser = email.feedparser.BytesFeedParser(_factory=new_part, policy=_POLICY)
    parts = 0  # the parser tried the factory once as it was made
    parser.feed(raw)
    return parser.close()

def _text_of(message: email.message.EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        text = part.get_content()
    except (LookupError, UnicodeDecodeError):
        text = part.get_payload(decode=True).decode("utf-8", errors="replace")
    if part.get_content_type() == "text/html":
        text = re.sub(r"<[^>]+>", " ", text)
    return text.strip()


def _address(message) -> str:
    _name, address = email.utils.parseaddr(str(message.get("From", "")))
    return address.strip().lower()


def receive_email(raw: bytes) -> Ticket | UnmatchedMail | None:
    """One e-mail into the desk: a reply to a ticket (by its reference in the subject, or by the
    message it answers) joins that ticket and reopens it; a new e-mail from a known person opens a
    ticket on their account; from an unknown address it waits among the unmatched. A message seen
    before (same Message-ID) is not stored again. Returns what it went to (None: a repeat).
    Raises ``MessageRefused`` (and logs why) for a message over the bounds of ``parse_message``."""
    try:
        message = parse_message(raw)
    except MessageRefused as error:
        logger.warning("support intake: a message was refused unread: %s", error)
        raise
    try:
        message_id = str(message.get("Message-ID", "")).strip()[:300] or None
    except (ValueError, TypeError, IndexError):  # a header the parser cannot read is no identity
        message_id = None
    if message_id and (TicketMessage.objects.filter(message_id=message_id).exists()
                       or UnmatchedMail.objects.filter(message_id=message_id).exists()):
        return None
    try:
        subject = str(message.get("Subject", "")).replace("\x00", "").strip()[:300] or _("(no subject)")
        sender = _address(message)[:254]
    except (ValueError, TypeError, IndexError):
        subject, sender = _("(no subject)"), ""
    # PostgreSQL stores no NUL in text, and no person types one.
    body = _text_of(message).replace("\x00", "")[:MAX_BODY] or _("(empty message)")
    ticket = None
    found = REFERENCE.search(subject)
    if found:
        ticket = Ticket.objects.filter(pk=int(found.group(1))).first()
    if ticket is None:
        answered = [value.strip() for name in ("In-Reply-To", "References")
                    for value in str(message.get(name, "")).split() if value.strip()]
        if answered:
            reply_to = TicketMessage.objects.filter(message_id__in=answered).select_related("ticket").first()
            ticket = reply_to.ticket if reply_to else None
    try:
        with transaction.atomic():
            if ticket is not None:
                _add(ticket, MessageKind.FROM_USER, body, sender=sender, message_id=message_id)
                if ticket.status in (TicketStatus.WAITING, TicketStatus.SOLVED, TicketStatus.CLOSED):
                    before = audit.snapshot(ticket)
                    ticket.status, ticket.solved_at = TicketStatus.OPEN, None
                    Ticket.objects.filter(pk=ticket.pk).update(status=ticket.status, solved_at=None)
                    audit.record_update(actor=None, instance=ticket, before=before, after=audit.snapshot(ticket),
                                        account_id=ticket.account_id)
                    reminders.schedule_ticket(ticket)
                return ticket
            contact = (Contact.objects.filter(emails__email__iexact=sender, erased_at__isnull=True)
                       .select_related("account__owner").first()) if sender else None
            if contact is None:
                mail = UnmatchedMail.objects.create(sender=sender or str(message.get("From", ""))[:300],
                                                    subject=subject, body=body, message_id=message_id)
                audit.record_create(actor=None, instance=mail, after=audit.snapshot(mail))
                return mail
            return ticket_create(user=None, account=contact.account, contact=contact, message_id=message_id,
                                 sender=sender, data={"subject": subject, "body": body, "email": sender,
                                                      "channel": Channel.EMAIL})
    except IntegrityError:  # the same message arriving twice at once
        return None


@transaction.atomic
def unmatched_assign(*, user, mail: UnmatchedMail, contact: Contact) -> Ticket:
    """An agent says whose the unmatched e-mail is: it becomes that person's ticket."""
    require(can_work(user) and access.can(user, Capability.READ_UNMATCHED_MAIL))
    if mail.ticket_id:
        raise ValidationError(_("This e-mail is already a ticket."))
    if contact.erased_at is not None or not access.sees_account(user, contact.account_id):
        raise ValidationError({"contact": [_("No such person, or one you may not see.")]})
    ticket = ticket_create(user=user, account=contact.account, contact=contact, data={
        "subject": mail.subject, "body": mail.body, "email": mail.sender, "channel": Channel.EMAIL},
        sender=mail.sender, at=mail.received_at)
    mail.ticket = ticket
    mail.save(update_fields=["ticket"])
    return ticket


_SIZE = re.compile(rb"RFC822\.SIZE (\d+)")


def _declared_size(connection, number) -> int | None:
    status, data = connection.fetch(number, "(RFC822.SIZE)")
    if status != "OK":
        return None
    for item in data or ():
        found = _SIZE.search(item[0] if isinstance(item, tuple) else item or b"")
        if found:
            return int(found.group(1))
    return None


def fetch_imap(*, host: str, port: int, user: str, password: str, use_ssl: bool = True, folder: str = "INBOX",
               limit: int = 200) -> dict:
    """Unread messages of a mailbox into the desk, each marked read once stored (a failure leaves it
    unread for the next run). A message over KAM_SUPPORT_MAX_MESSAGE_BYTES by the size the server
    declares is not downloaded, and no more than that is downloaded of any; one refused is marked
    read, logged and counted, so it is not fetched again every two minutes."""
    connection = (imaplib.IMAP4_SSL if use_ssl else imaplib.IMAP4)(host, port, timeout=30)
    counts = {"fetched": 0, "tickets": 0, "unmatched": 0, "repeats": 0, "refused": 0}
    largest = settings.KAM_SUPPORT_MAX_MESSAGE_BYTES
    try:
        connection.login(user, password)
        connection.select(folder)
        status, found = connection.search(None, "UNSEEN")
        numbers = found[0].split()[:limit] if status == "OK" and found and found[0] else []
        for number in numbers:
            size = _declared_size(connection, number)
            if size is not None and size > largest:
                logger.warning("support intake: message %s in the mailbox is %s bytes, over "
                               "KAM_SUPPORT_MAX_MESSAGE_BYTES (%s); marked read, not fetched",
                               number.decode(), size, largest)
                counts["refused"] += 1
                connection.store(number, "+FLAGS", "\\Seen")
                continue
            # One byte past the limit is enough to know a message is too large, whatever its size said.
            status, parts = connection.fetch(number, f"(BODY.PEEK[]<0.{largest + 1}>)")
            raw = next((part[1] for part in parts if isinstance(part, tuple)), None) if status == "OK" else None
            if raw is None:
                continue
            try:
                result = receive_email(raw)
            except MessageRefused:
                counts["refused"] += 1
                connection.store(number, "+FLAGS", "\\Seen")
                continue
            counts["fetched"] += 1
            key = "repeats" if result is None else "unmatched" if isinstance(result, UnmatchedMail) else "tickets"
            counts[key] += 1
            connection.store(number, "+FLAGS", "\\Seen")
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            connection.logout()
    return counts


def fetch_configured() -> dict | None:
    """The mailbox of KAM_SUPPORT_IMAP_* settings, if one is set."""
    if not settings.KAM_SUPPORT_IMAP_HOST:
        return None
    return fetch_imap(host=settings.KAM_SUPPORT_IMAP_HOST, port=settings.KAM_SUPPORT_IMAP_PORT,
                      user=settings.KAM_SUPPORT_IMAP_USER, password=settings.KAM_SUPPORT_IMAP_PASSWORD,
                      use_ssl=settings.KAM_SUPPORT_IMAP_SSL, folder=settings.KAM_SUPPORT_IMAP_FOLDER)


class SmtpIntake:
    """aiosmtpd handler: each message delivered to Keyaccount's own SMTP intake (a forwarding
    address points here) goes into the desk; the sender's server hears 250 once it is stored."""

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        from asgiref.sync import sync_to_async

        try:
            await sync_to_async(receive_email, thread_sensitive=True)(envelope.original_content or envelope.content)
        except MessageRefused as error:  # a permanent answer: the sending server does not try again
            return error.smtp_reply
        # Any fault of ours, of whatever type: aiosmtpd would answer an exception with "500", a permanent
        # error, and the sending server would drop the message; 451 makes it keep it and try again.
        except Exception:
            logger.exception("support intake: a message could not be stored")
            return "451 Requested action aborted: local error in processing"
        return "250 OK"


def intake_controller(*, hostname: str, port: int):
    """The SMTP intake on ``hostname:port``. Its server announces KAM_SUPPORT_MAX_MESSAGE_BYTES as
    the SIZE it takes, and of a longer message keeps nothing past the limit before it answers 552."""
    from aiosmtpd.controller import Controller

    return Controller(SmtpIntake(), hostname=hostname, port=port,
                      data_size_limit=settings.KAM_SUPPORT_MAX_MESSAGE_BYTES)
