"""Writes to client feedback: recording it (by a colleague or through a public link), each step of
the loop (first response, resolution, the client informed, closed) and the links; each one audited
transaction that also rewrites the record's SLA reminders and notes the step on the account's
timeline.

The rule the loop exists for: a record is closed only after the client was told the outcome (how,
when, by whom, and what they said to it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from keyaccount.accounts.models import Account, Contact
from keyaccount.core import access, audit, working_time
from keyaccount.core import services as core_services
from keyaccount.core.access import Capability
from keyaccount.core.choices import NotificationKind
from keyaccount.core.concurrency import save_versioned
from keyaccount.core.editing import assign_fields, require, validation_errors
from keyaccount.core.models import User
from keyaccount.feedback import reminders
from keyaccount.feedback.choices import Channel, FeedbackKind, FeedbackStatus, Severity, SuggestionOutcome
from keyaccount.feedback.models import Feedback, FeedbackLink, SlaPolicy, Survey
from keyaccount.loyalty import queries as loyalty_queries
from keyaccount.timeline.services import event_record

FEEDBACK_FIELDS = ("contact", "kind", "channel", "category", "severity", "subject", "text", "assignee", "order",
                   "product", "deal", "contract", "received_at")
# What a complaint may be about that is commercial: set and read only by those who see finances.
COMMERCIAL_LINKS = ("order", "deal", "contract")


def fields_for(user) -> tuple[str, ...]:
    """The fields of a record ``user`` may set (support agents leave the commercial links alone)."""
    if access.can(user, Capability.VIEW_FINANCES):
        return FEEDBACK_FIELDS
    return tuple(name for name in FEEDBACK_FIELDS if name not in COMMERCIAL_LINKS)
# Working hours (core.working_time: the company's days and hours) to the first response and to the
# resolution when no policy row says otherwise.
DEFAULT_SLA = {Severity.CRITICAL: (2, 24), Severity.HIGH: (8, 72), Severity.NORMAL: (24, 120),
               Severity.LOW: (48, 240)}
LINK_SALT = "keyaccount.feedback.link"


def can_handle(user) -> bool:
    """Whether ``user`` records and works feedback (on accounts they see): managers, heads,
    administrators and support agents; analysts only read."""
    return access.can(user, Capability.LOG_INTERACTIONS)


def sla_hours(severity: str) -> tuple[int, int]:
    policy = SlaPolicy.objects.filter(severity=severity).first()
    if policy is not None:
        return policy.response_hours, policy.resolution_hours
    return DEFAULT_SLA.get(severity, DEFAULT_SLA[Severity.NORMAL])


def _set_deadlines(feedback: Feedback) -> None:
    """The severity's SLA, or the account's loyalty tier's priority support where that is sooner, in
    working hours: a complaint received on Friday evening is due in the week, never at night or on a
    Sunday."""
    response, resolution = sla_hours(feedback.severity)
    tier_response, tier_resolution = loyalty_queries.support_hours(feedback.account)
    response = min(response, tier_response or response)
    resolution = min(resolution, tier_resolution or resolution)
    calendar = working_time.company_calendar()
    feedback.response_due = calendar.add_working_hours(feedback.received_at, response)
    feedback.resolution_due = calendar.add_working_hours(feedback.received_at, resolution)


def _check(feedback: Feedback) -> None:
    errors = validation_errors(feedback)
    account_id = feedback.account_id
    for name in ("contact", "order", "deal", "contract"):
        related = getattr(feedback, name)
        if related is not None and related.account_id != account_id:
            errors[name] = [_("This belongs to another account.")]
    if feedback.assignee_id and not (feedback.assignee.is_active and access.may_work_for(
            feedback.assignee, account_id, Capability.LOG_INTERACTIONS)):
        errors["assignee"] = [_("%(user)s does not work this account's feedback.") % {"user": feedback.assignee}]
    if feedback.received_at and feedback.received_at > timezone.now() + dt.timedelta(minutes=5):
        errors["received_at"] = [_("Feedback cannot be received in the future.")]
    if errors:
        raise ValidationError(errors)


def _notify(user: User | None, feedback: Feedback, title: str, key: str) -> None:
    core_services.notify(user=user, kind=NotificationKind.FEEDBACK, title=title, body=feedback.text[:500],
                         url=feedback.get_absolute_url(), key=key)


def _timeline(user, feedback: Feedback, subject: str, summary: str = "") -> None:
    event_record(user=user, account=feedback.account, subject=subject, summary=summary)


@transaction.atomic
def feedback_create(*, user, account: Account, data: Mapping[str, Any]) -> Feedback:
    require(can_handle(user))
    feedback = Feedback(account=account, assignee=account.owner)
    assign_fields(feedback, data, fields_for(user))
    return feedback_receive(feedback, actor=user)


def feedback_receive(feedback: Feedback, *, actor=None) -> Feedback:
    """Store a new record however it came (a colleague, the public form, a survey's low score):
    its SLA deadlines, reminders, audit entry and timeline note; its assignee is told unless they
    recorded it themselves. ``actor`` is None for what clients sent."""
    _set_deadlines(feedback)
    _check(feedback)
    feedback.save()
    reminders.schedule(feedback)
    account = feedback.account
    audit.record_create(actor=actor, instance=feedback, after=audit.snapshot(feedback), account_id=account.pk)
    values = {"kind": feedback.get_kind_display(), "account": account, "subject": feedback.subject,
              "channel": feedback.get_channel_display().lower()}
    _timeline(actor or account.owner, feedback, _("%(kind)s received (%(channel)s): %(subject)s") % values)
    if feedback.assignee_id and feedback.assignee_id != getattr(actor, "pk", None):
        _notify(feedback.assignee, feedback, _("%(kind)s from %(account)s: %(subject)s") % values,
                key=f"feedback-{feedback.pk}-assigned-{feedback.assignee_id}")
    return feedback


@transaction.atomic
def feedback_update(*, user, feedback: Feedback, data: Mapping[str, Any], version: int | None) -> Feedback:
    require(can_handle(user))
    before = audit.snapshot(feedback)
    old_severity, old_received, old_assignee = feedback.severity, feedback.received_at, feedback.assignee_id
    assign_fields(feedback, data, fields_for(user))
    if (feedback.severity, feedback.received_at) != (old_severity, old_received):
        _set_deadlines(feedback)
    _check(feedback)
    save_versioned(feedback, expected_version=version)
    reminders.schedule(feedback)
    audit.record_update(actor=user, instance=feedback, before=before, after=audit.snapshot(feedback),
                        account_id=feedback.account_id)
    if feedback.assignee_id and feedback.assignee_id not in (old_assignee, user.pk):
        _notify(feedback.assignee, feedback, _("Assigned to you: %(feedback)s, %(account)s") % {
            "feedback": feedback, "account": feedback.account}, key=f"feedback-{feedback.pk}-assigned-"
                                                                    f"{feedback.assignee_id}-v{feedback.version}")
    return feedback


def _step(user, feedback: Feedback, version: int | None, change) -> Feedback:
    """One step of the loop: ``change`` sets the fields (raising ValidationError when the step does
    not fit), then the record is saved at its version, audited and its reminders rewritten."""
    require(can_handle(user))
    before = audit.snapshot(feedback)
    change()
    errors = validation_errors(feedback)
    if errors:
        raise ValidationError(errors)
    save_versioned(feedback, expected_version=version)
    reminders.schedule(feedback)
    audit.record_update(actor=user, instance=feedback, before=before, after=audit.snapshot(feedback),
                        account_id=feedback.account_id)
    return feedback


@transaction.atomic
def feedback_respond(*, user, feedback: Feedback, note: str = "", version: int | None = None,
                     at: dt.datetime | None = None) -> Feedback:
    """The first response: the client heard back that we are on it."""
    def change():
        if not feedback.is_open:
            raise ValidationError(_("This feedback is already closed."))
        if feedback.first_response_at is None:
            feedback.first_response_at = at or timezone.now()
        feedback.response_note = note or feedback.response_note
        if feedback.status == FeedbackStatus.NEW:
            feedback.status = FeedbackStatus.IN_PROGRESS
    return _step(user, feedback, version, change)


@transaction.atomic
def feedback_resolve(*, user, feedback: Feedback, resolution: str, outcome: str = "", outcome_reason: str = "",
                     version: int | None = None, at: dt.datetime | None = None) -> Feedback:
    """What was done. A suggestion also gets its outcome: accepted into the backlog, declined (with
    the reason the client will hear) or done."""
    def change():
        if feedback.status in (FeedbackStatus.INFORMED, FeedbackStatus.CLOSED):
            raise ValidationError(_("The client has already been told the outcome."))
        errors = {}
        if not (resolution or "").strip():
            errors["resolution"] = [_("Say what was done.")]
        if feedback.kind == FeedbackKind.SUGGESTION:
            if outcome not in SuggestionOutcome.values:
                errors["outcome"] = [_("Say whether the suggestion was accepted, declined or done.")]
            elif outcome == SuggestionOutcome.DECLINED and not (outcome_reason or "").strip():
                errors["outcome_reason"] = [_("Say why it was declined: the client will hear it.")]
        elif outcome:
            errors["outcome"] = [_("Only suggestions have an outcome.")]
        if errors:
            raise ValidationError(errors)
        moment = at or timezone.now()
        feedback.first_response_at = feedback.first_response_at or moment
        feedback.resolved_at = moment
        feedback.resolution = resolution.strip()
        feedback.outcome = outcome
        feedback.outcome_reason = (outcome_reason or "").strip()
        feedback.status = FeedbackStatus.RESOLVED
    return _step(user, feedback, version, change)


@transaction.atomic
def feedback_inform(*, user, feedback: Feedback, via: str, reaction: str = "", note: str = "",
                    at: dt.datetime | None = None, version: int | None = None) -> Feedback:
    """The client was told what was done: how, when, by whom, and what they said to it."""
    def change():
        errors = {}
        if feedback.resolved_at is None:
            errors["__all__"] = [_("Resolve it first: the client is told what was done.")]
        if via not in Channel.values or via in (Channel.WEB_FORM, Channel.SURVEY):
            errors["informed_via"] = [_("Say how the client was told: a call, a meeting, an e-mail, a letter.")]
        moment = at or timezone.now()
        if feedback.resolved_at and moment < feedback.resolved_at - dt.timedelta(minutes=1):
            errors["informed_at"] = [_("The client cannot be told before it was resolved.")]
        if moment > timezone.now() + dt.timedelta(minutes=5):
            errors["informed_at"] = [_("This moment is in the future.")]
        if errors:
            raise ValidationError(errors)
        feedback.informed_at = moment
        feedback.informed_by = user
        feedback.informed_via = via
        feedback.client_reaction = reaction
        feedback.informed_note = (note or "").strip()
        feedback.status = FeedbackStatus.INFORMED
    step = _step(user, feedback, version, change)
    _timeline(user, feedback, _("Client informed of the outcome: %(subject)s") % {"subject": feedback.subject},
              summary=feedback.resolution[:2000])
    return step


@transaction.atomic
def feedback_close(*, user, feedback: Feedback, version: int | None = None) -> Feedback:
    def change():
        if feedback.status == FeedbackStatus.CLOSED:
            raise ValidationError(_("This feedback is already closed."))
        if feedback.informed_at is None:
            raise ValidationError(_("The client has not been told the outcome yet: record how and when they were "
                                    "informed before closing."))
        feedback.closed_at = timezone.now()
        feedback.status = FeedbackStatus.CLOSED
    return _step(user, feedback, version, change)


@transaction.atomic
def feedback_reopen(*, user, feedback: Feedback, version: int | None = None) -> Feedback:
    """Back to work (the client came back with the same trouble): the loop starts over from the
    response, the earlier steps stay in the history."""
    def change():
        feedback.resolved_at = feedback.informed_at = feedback.closed_at = None
        feedback.informed_by = None
        feedback.informed_via = feedback.client_reaction = ""
        feedback.status = FeedbackStatus.IN_PROGRESS
    return _step(user, feedback, version, change)


# Public links

def link_token(link: FeedbackLink) -> str:
    return signing.dumps(link.pk, salt=LINK_SALT, compress=False)


def link_for_token(token: str) -> FeedbackLink | None:
    """The valid link a token names; None for a forged, revoked or expired one."""
    try:
        pk = signing.loads(token, salt=LINK_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(pk, int):
        return None
    link = FeedbackLink.objects.filter(pk=pk).select_related("account", "contact").first()
    return link if link is not None and link.is_valid() else None


@transaction.atomic
def link_create(*, user, account: Account, contact: Contact | None = None,
                expires_on: dt.date | None = None) -> FeedbackLink:
    require(can_handle(user))
    if contact is not None and contact.account_id != account.pk:
        raise ValidationError({"contact": [_("This person belongs to another account.")]})
    if expires_on is not None and expires_on < timezone.localdate():
        raise ValidationError({"expires_on": [_("The date has passed.")]})
    link = FeedbackLink.objects.create(account=account, contact=contact, created_by=user, expires_on=expires_on)
    audit.record_create(actor=user, instance=link, after=audit.snapshot(link), account_id=account.pk)
    return link


@transaction.atomic
def link_revoke(*, user, link: FeedbackLink) -> FeedbackLink:
    require(can_handle(user))
    if link.revoked_at is None:
        before = audit.snapshot(link)
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
        audit.record_update(actor=user, instance=link, before=before, after=audit.snapshot(link),
                            account_id=link.account_id)
    return link


@transaction.atomic
def public_submit(*, link: FeedbackLink, data: Mapping[str, Any]) -> Feedback:
    """What a client wrote through a link: it lands on the account (with the link's person, or the
    person of the account whose e-mail they gave), assigned to the account's manager, who is told."""
    account = link.account
    contact = link.contact
    email = (data.get("email") or "").strip().lower()
    if contact is None and email:
        contact = account.contacts.filter(emails__email__iexact=email, erased_at__isnull=True).first()
    name = (data.get("name") or "").strip()
    text = data["text"].strip()
    if name or email:
        text = f"{text}\n\n— {', '.join(part for part in (name, email) if part)}"
    feedback = Feedback(account=account, contact=contact, kind=data.get("kind") or FeedbackKind.COMPLAINT,
                        channel=Channel.WEB_FORM, severity=Severity.NORMAL, subject=data["subject"].strip(),
                        text=text, assignee=account.owner)
    feedback_receive(feedback)
    FeedbackLink.objects.filter(pk=link.pk).update(submissions=F("submissions") + 1)
    return feedback


def contact_erased(*, contact: Contact) -> dict[str, int]:
    """What erasing a person means for feedback beyond its text (``accounts.erasure``): nobody
    writes in their name any more through their personal link, nor answers a survey sent to them.
    Runs inside the erasure's transaction."""
    now = timezone.now()
    revoked = FeedbackLink.objects.filter(contact=contact, revoked_at__isnull=True).update(revoked_at=now)
    closed = Survey.objects.filter(contact=contact, answered_at__isnull=True,
                                   expires_on__gte=timezone.localdate()).update(
        expires_on=timezone.localdate() - dt.timedelta(days=1))
    return {"revoked:feedback.feedbacklink": revoked, "closed:feedback.survey": closed}
