"""Writes to the timeline: log, change and remove interactions, assign queued calls, close
meetings with their agreements and next steps. Each is one audited transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from keyaccount.accounts.models import Account, Contact, ContactPhone
from keyaccount.accounts.services import contact_reindex
from keyaccount.core import access, audit
from keyaccount.core.access import Capability
from keyaccount.core.concurrency import save_versioned
from keyaccount.core.editing import assign_fields, delete_or_explain, require, validation_errors
from keyaccount.core.forms import MEETING_MINUTES
from keyaccount.core.models import User
from keyaccount.timeline import reminders
from keyaccount.timeline.choices import CallDirection, InteractionKind, MatchStatus, MeetingStatus
from keyaccount.timeline.models import Interaction, InteractionContact, Reminder

INTERACTION_FIELDS = (
    "kind", "owner", "starts_at", "ends_at", "subject", "summary",
    "direction", "our_number", "our_line", "their_number", "answered_at", "duration_seconds", "talk_seconds",
    "outcome", "recording_url", "email_from", "email_to",
    "place", "video_link", "travel_minutes", "agenda", "meeting_status", "actual_start_at", "agreements",
    "due_at", "assignee", "done_at",
)


def can_log(user) -> bool:
    """Whether ``user`` may add to the timelines of the accounts they see."""
    return access.can(user, Capability.LOG_INTERACTIONS)


def can_change(user, interaction: Interaction) -> bool:
    return access.can_change_entry(user, owner_id=interaction.owner_id, account=interaction.account)


def _contacts_of(account: Account | None, contacts: Iterable[Any]) -> list[Contact]:
    ids = sorted({getattr(contact, "pk", contact) for contact in contacts})
    if not ids:
        return []
    found = {c.pk: c for c in Contact.objects.filter(pk__in=ids, account=account)} if account else {}
    missing = [str(pk) for pk in ids if pk not in found]
    if missing:
        raise ValidationError({"contacts": [_("These people are not at this account: %(ids)s")
                                            % {"ids": ", ".join(missing)}]})
    return [found[pk] for pk in ids]


def _users(values: Iterable[Any], field: str) -> list[int]:
    ids = sorted({getattr(value, "pk", value) for value in values})
    found = set(User.objects.filter(pk__in=ids, is_active=True).values_list("pk", flat=True))
    unknown = [str(pk) for pk in ids if pk not in found]
    if unknown:
        raise ValidationError({field: [_("Unknown or inactive users: %(ids)s") % {"ids": ", ".join(unknown)}]})
    return ids


def _people_outside(interaction: Interaction, participants: list[int] | None) -> dict[str, list[str]]:
    """Our people at a meeting and the one a task is given to must see its account (they would get
    its reminders, its place in their calendar, its brief)."""
    if interaction.account_id is None:
        return {}
    errors = {}
    outside = [user for user in User.objects.filter(pk__in=participants or [])
               if not access.sees_account(user, interaction.account_id)]
    if outside:
        errors["participants"] = [_("%(names)s cannot see this account.") % {
            "names": ", ".join(str(user) for user in outside)}]
    if interaction.assignee_id and not access.may_work_for(interaction.assignee, interaction.account_id,
                                                            Capability.LOG_INTERACTIONS):
        errors["assignee"] = [_("%(name)s cannot see this account.") % {"name": interaction.assignee}]
    return errors


def _check_kind_rules(interaction: Interaction) -> None:
    errors: dict[str, list[str]] = {}
    if interaction.kind == InteractionKind.EVENT and interaction.pk is None:
        errors["kind"] = [_("Events are written by Keyaccount itself; log a note instead.")]
    if interaction.kind == InteractionKind.MEETING and not interaction.meeting_status:
        interaction.meeting_status = MeetingStatus.PLANNED
    if interaction.kind == InteractionKind.TASK and not interaction.subject.strip():
        errors["subject"] = [_("Say what is to be done.")]
    if interaction.kind == InteractionKind.EMAIL and not interaction.subject.strip():
        errors["subject"] = [_("An e-mail needs its subject.")]
    if interaction.talk_seconds and interaction.duration_seconds is not None \
            and interaction.talk_seconds > interaction.duration_seconds:
        errors["talk_seconds"] = [_("Talk time cannot exceed the duration of the call.")]
    if interaction.actual_start_at and interaction.kind != InteractionKind.MEETING:
        errors["actual_start_at"] = [_("Only meetings have an actual start.")]
    if errors:
        raise ValidationError(errors)


def _extras(interaction: Interaction) -> dict[str, Any]:
    return {
        "contacts": [str(pk) for pk in interaction.contact_links.values_list("contact_id", flat=True)],
        "participants": [str(pk) for pk in interaction.participants.values_list("pk", flat=True)],
    }


def _set_relations(interaction: Interaction, contacts: list[Contact] | None, participants: list[int] | None) -> None:
    if contacts is not None:
        InteractionContact.objects.filter(interaction=interaction).exclude(
            contact_id__in=[c.pk for c in contacts]).delete()
        have = set(interaction.contact_links.values_list("contact_id", flat=True))
        InteractionContact.objects.bulk_create(InteractionContact(interaction=interaction, contact=c)
                                               for c in contacts if c.pk not in have)
    if participants is not None:
        interaction.participants.set(participants)


def _clean(interaction: Interaction, data: Mapping[str, Any]):
    contacts = participants = None
    errors = validation_errors(interaction)
    try:
        _check_kind_rules(interaction)
    except ValidationError as error:
        errors.update(error.message_dict)
    if "contacts" in data:
        try:
            contacts = _contacts_of(interaction.account, data["contacts"] or [])
        except ValidationError as error:
            errors.update(error.message_dict)
    if "participants" in data:
        try:
            participants = _users(data["participants"] or [], "participants")
        except ValidationError as error:
            errors.update(error.message_dict)
    errors.update(_people_outside(interaction, participants))
    if errors:
        raise ValidationError(errors)
    return contacts, participants


@transaction.atomic
def interaction_create(*, user, account: Account, data: Mapping[str, Any]) -> Interaction:
    """Log a call, meeting, e-mail, note or task on ``account`` (which the caller fetched through
    ``accounts.queries``, so the user sees it)."""
    require(can_log(user))
    interaction = Interaction(account=account, owner=user)
    assign_fields(interaction, data, INTERACTION_FIELDS)
    if interaction.kind == InteractionKind.TASK and interaction.assignee_id is None:
        interaction.assignee_id = user.pk
    if interaction.kind == InteractionKind.MEETING and interaction.starts_at and not interaction.ends_at:
        # As the form does: a meeting given only its start lasts an hour (in the API, the import, anywhere).
        interaction.ends_at = interaction.starts_at + dt.timedelta(minutes=MEETING_MINUTES)
    contacts, participants = _clean(interaction, data)
    interaction.save()
    _set_relations(interaction, contacts, participants if participants is not None else [user.pk])
    reminders.schedule(interaction)
    audit.record_create(actor=user, instance=interaction, after=audit.snapshot(interaction, **_extras(interaction)),
                        account_id=account.pk)
    return interaction


def moment_of(day: dt.date | None) -> dt.datetime:
    """When something that happened on ``day`` goes on the timeline: now for today (or no day),
    midday of that day for one in the past."""
    now = timezone.now()
    if day is None or day >= timezone.localdate(now):
        return now
    return dt.datetime.combine(day, dt.time(12), tzinfo=timezone.get_current_timezone())


def event_record(*, user, account: Account, subject: str, summary: str = "",
                 at: dt.datetime | None = None, commercial: bool = False) -> Interaction:
    """A note another app writes on the account's timeline for something that happened there (a
    deal changed stage, a contract was signed). The caller already checked the user's right to the
    change it records, and audits the change itself. A ``commercial`` event (deals, proposals,
    contracts) is read only by those who see finances."""
    interaction = Interaction.objects.create(kind=InteractionKind.EVENT, account=account, owner=user,
                                             subject=subject[:300], summary=summary,
                                             starts_at=at or timezone.now(), is_commercial=commercial)
    return interaction


@transaction.atomic
def interaction_update(*, user, interaction: Interaction, data: Mapping[str, Any], version: int | None) -> Interaction:
    require(can_change(user, interaction))
    before = audit.snapshot(interaction, **_extras(interaction))
    old_start = interaction.starts_at
    assign_fields(interaction, {key: value for key, value in data.items() if key != "kind"}, INTERACTION_FIELDS)
    if ("ends_at" not in data and interaction.ends_at and old_start and interaction.starts_at
            and interaction.starts_at != old_start):
        # A meeting moved by its start alone keeps its length: the end moves with it.
        interaction.ends_at += interaction.starts_at - old_start
    contacts, participants = _clean(interaction, data)
    save_versioned(interaction, expected_version=version)
    _set_relations(interaction, contacts, participants)
    reminders.schedule(interaction)
    audit.record_update(actor=user, instance=interaction, before=before,
                        after=audit.snapshot(interaction, **_extras(interaction)), account_id=interaction.account_id)
    return interaction


@transaction.atomic
def interaction_delete(*, user, interaction: Interaction) -> None:
    require(can_change(user, interaction))
    audit.record_delete(actor=user, instance=interaction, before=audit.snapshot(interaction, **_extras(interaction)),
                        account_id=interaction.account_id)
    delete_or_explain(interaction)


@transaction.atomic
def call_log(*, user, contact: Contact, outcome: str, summary: str = "", direction: str = CallDirection.OUTBOUND,
             started_at: dt.datetime | None = None, duration_seconds: int | None = None) -> Interaction:
    """"Log this call" from a person's page: one click with the outcome and a summary."""
    number = contact.phones.values_list("number", flat=True).first() or ""
    return interaction_create(user=user, account=contact.account, data={
        "kind": InteractionKind.CALL, "direction": direction, "outcome": outcome, "summary": summary,
        "starts_at": started_at or timezone.now(), "their_number": number, "our_line": user.extension,
        "duration_seconds": duration_seconds, "contacts": [contact], "match_status": MatchStatus.MATCHED,
    })


@transaction.atomic
def call_assign(*, user, call: Interaction, contact: Contact, add_number: bool = False) -> Interaction:
    """Say whose a queued call is; optionally keep its number on the person's card so the next call
    from it matches by itself."""
    require(access.can(user, Capability.DISPATCH_CALLS) or can_change(user, call))
    require(access.can_edit_contacts_of(user, contact.account) or not add_number)
    before = audit.snapshot(call, **_extras(call))
    call.account = contact.account
    call.match_status = MatchStatus.MATCHED
    save_versioned(call, expected_version=None)
    InteractionContact.objects.get_or_create(interaction=call, contact=contact)
    if add_number and call.their_number.startswith("+") and \
            not ContactPhone.objects.filter(contact=contact, number=call.their_number).exists():
        ContactPhone.objects.create(contact=contact, number=call.their_number)
        contact_reindex(contact)
        audit.record_update(actor=user, instance=contact, before={}, after={"phones": f"+ {call.their_number}"},
                            account_id=contact.account_id)
    audit.record_update(actor=user, instance=call, before=before, after=audit.snapshot(call, **_extras(call)),
                        account_id=call.account_id)
    return call


@transaction.atomic
def meeting_close(*, user, meeting: Interaction, actual_start_at: dt.datetime, summary: str = "",
                  agreements: str = "", next_steps: Iterable[Mapping[str, Any]] = (),
                  version: int | None = None) -> Interaction:
    """Record how a meeting went: when it really started (lateness is kept), the outcome, the
    agreements, and next steps, each of which becomes a task on the same account."""
    if meeting.kind != InteractionKind.MEETING:
        raise ValidationError(_("Only a meeting can be closed this way."))
    steps = list(next_steps)
    errors = [_("Next step %(n)s: say what is to be done.") % {"n": n}
              for n, step in enumerate(steps, start=1) if not str(step.get("subject", "")).strip()]
    if errors:
        raise ValidationError({"next_steps": errors})
    interaction_update(user=user, interaction=meeting, version=version, data={
        "actual_start_at": actual_start_at, "summary": summary, "agreements": agreements,
        "meeting_status": MeetingStatus.HELD,
    })
    for step in steps:
        task = interaction_create(user=user, account=meeting.account, data={
            "kind": InteractionKind.TASK, "subject": step["subject"], "due_at": step.get("due_at"),
            "assignee": step.get("assignee") or user, "contacts": list(meeting.contact_links.values_list(
                "contact_id", flat=True)),
        })
        Interaction.objects.filter(pk=task.pk).update(follows=meeting)
        audit.record_update(actor=user, instance=task, before={"follows": None}, after={"follows": meeting.pk},
                            account_id=task.account_id)
    return meeting


@transaction.atomic
def task_complete(*, user, task: Interaction) -> Interaction:
    if task.kind != InteractionKind.TASK:
        raise ValidationError(_("Only a task can be marked done."))
    return interaction_update(user=user, interaction=task, data={"done_at": timezone.now()}, version=None)



def contact_erased(*, contact: Contact) -> dict[str, int]:
    """What erasing a person means for the timeline beyond its text (``accounts.erasure``): their
    calls stay on the account's timeline but no longer point to them, and nothing about them (a
    birthday) is still to be reminded of. Runs inside the erasure's transaction."""
    calls = InteractionContact.objects.filter(contact=contact, interaction__kind=InteractionKind.CALL)
    unlinked, _by_model = calls.delete()
    dropped, _by_model = Reminder.objects.filter(contact=contact).delete()
    return {"unlinked:timeline.call": unlinked, "deleted:timeline.reminder": dropped}
