"""Writes of My day: an item done through the owning app's own service (its access check, its
validation, its audit), or snoozed: hidden from its user until a later moment."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from keyaccount.contracts import queries as contract_queries
from keyaccount.contracts import services as contract_services
from keyaccount.contracts.choices import ObligationStatus
from keyaccount.core import working_time
from keyaccount.deals import queries as deal_queries
from keyaccount.feedback import queries as feedback_queries
from keyaccount.feedback import services as feedback_services
from keyaccount.feedback.choices import Channel
from keyaccount.insights import queries as insight_queries
from keyaccount.timeline import queries as timeline_queries
from keyaccount.timeline import services as timeline_services
from keyaccount.timeline.choices import CallDirection, CallOutcome, InteractionKind, MatchStatus
from keyaccount.workspace import queries
from keyaccount.workspace.choices import ItemKind, SnoozeFor
from keyaccount.workspace.models import Snooze

# The ways a client can be told of an outcome from My day (the feedback loop refuses a web form
# or a survey as the way the client was told).
INFORM_CHANNELS = (Channel.CALL, Channel.MEETING, Channel.EMAIL, Channel.LETTER, Channel.OTHER)


def _interaction(user, object_id, kind: str):
    interaction = timeline_queries.interaction_get_for_user(interaction_id=object_id, user=user)
    if interaction.kind != kind:
        raise Http404
    return interaction


def item_get(*, user, kind: str, object_id) -> Any:
    """The record behind an item, through its app's query (404 when the user may not see it)."""
    if kind in (ItemKind.MEETING, ItemKind.TASK, ItemKind.CALL):
        return _interaction(user, object_id, {ItemKind.MEETING: InteractionKind.MEETING,
                                              ItemKind.TASK: InteractionKind.TASK,
                                              ItemKind.CALL: InteractionKind.CALL}[kind])
    if kind == ItemKind.OBLIGATION:
        return contract_queries.obligation_get_for_user(obligation_id=object_id, user=user)
    if kind == ItemKind.COMPLAINT:
        return feedback_queries.feedback_get_for_user(feedback_id=object_id, user=user)
    if kind == ItemKind.TICKET:
        return feedback_queries.ticket_get_for_user(ticket_id=object_id, user=user)
    if kind == ItemKind.PROPOSAL:
        return deal_queries.proposal_get_for_user(proposal_id=object_id, user=user)
    if kind == ItemKind.ACCOUNT:
        score = insight_queries.scores_visible_to(user).filter(account_id=object_id).select_related("account").first()
        if score is None:
            raise Http404
        return score.account
    raise Http404


def _call_back(*, user, call) -> None:
    """A missed call returned: an outbound call logged to the person (or the number) it came from."""
    contact = next((link.contact for link in call.contact_links.all()), None)
    if contact is not None:
        timeline_services.call_log(user=user, contact=contact, outcome=CallOutcome.ANSWERED,
                                   direction=CallDirection.OUTBOUND)
        return
    timeline_services.interaction_create(user=user, account=call.account, data={
        "kind": InteractionKind.CALL, "direction": CallDirection.OUTBOUND, "outcome": CallOutcome.ANSWERED,
        "their_number": call.their_number, "our_line": user.extension, "starts_at": timezone.now(),
        "match_status": MatchStatus.MATCHED})


def _already_done(kind: str, record) -> bool:
    return ((kind == ItemKind.TASK and record.done_at is not None)
            or (kind == ItemKind.OBLIGATION and record.status != ObligationStatus.OPEN)
            or (kind == ItemKind.COMPLAINT and record.informed_at is not None))


@transaction.atomic
def item_done(*, user, kind: str, object_id, data: Mapping[str, Any] | None = None) -> None:
    """Mark an item of My day done with its app's service: a task completed, a missed call returned
    (logged), an obligation fulfilled, a complaint's client informed (``data["via"]``: how)."""
    data = data or {}
    record = item_get(user=user, kind=kind, object_id=object_id)
    if _already_done(kind, record):
        # A stale list (another tab, a colleague): the item is what the click wanted it to be.
        return
    if kind == ItemKind.TASK:
        timeline_services.task_complete(user=user, task=record)
    elif kind == ItemKind.CALL:
        if not timeline_services.can_log(user):
            raise ValidationError(_("You cannot log calls."))
        _call_back(user=user, call=record)
    elif kind == ItemKind.OBLIGATION:
        contract_services.obligation_fulfil(user=user, obligation=record)
    elif kind == ItemKind.COMPLAINT:
        via = data.get("via") or Channel.CALL
        if via not in INFORM_CHANNELS:
            raise ValidationError({"via": [_("Say how the client was told: a call, a meeting, an e-mail, "
                                             "a letter.")]})
        feedback_services.feedback_inform(user=user, feedback=record, via=via, note=str(data.get("note") or ""))
    else:
        raise ValidationError(_("This item cannot be marked done here: open it and act there."))


def snooze_until(user, how: str, *, now: dt.datetime | None = None) -> dt.datetime:
    """The start of the next working day (``tomorrow``), or of the first working day of next week
    (``week``), in the user's working calendar."""
    now = now or timezone.now()
    calendar = working_time.user_calendar(user)
    local = now.astimezone(calendar.zone)
    if how == SnoozeFor.WEEK:
        day = local.date() + dt.timedelta(days=7 - local.weekday())
    elif how == SnoozeFor.TOMORROW:
        day = local.date() + dt.timedelta(days=1)
    else:
        raise ValidationError({"until": [_("Choose how long to put it off: until tomorrow or until next week.")]})
    start = dt.datetime.combine(day, dt.time.min, tzinfo=calendar.zone)
    return calendar.next_working_moment(start)


@transaction.atomic
def item_snooze(*, user, kind: str, object_id, how: str = SnoozeFor.TOMORROW,
                now: dt.datetime | None = None) -> Snooze:
    """Hide an item from the user's My day until ``snooze_until``; only the items the user sees can be
    snoozed, and the snooze is theirs alone (a head's snooze hides nothing from the manager)."""
    if kind not in queries.SNOOZABLE:
        raise ValidationError(_("This item cannot be put off."))
    record = item_get(user=user, kind=kind, object_id=object_id)
    until = snooze_until(user, how, now=now)
    snooze, _created = Snooze.objects.update_or_create(user=user, kind=kind, object_id=record.pk,
                                                       defaults={"until": until})
    return snooze

