"""Reads of the timeline, with the access rule applied.

Interactions follow their account. A call that matched nobody yet has no account: it is seen by
the people who took part in it or are responsible for it, and by the head of sales and the
administrator, who dispatch the queue.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils.dateparse import parse_datetime

from keyaccount.core import access
from keyaccount.core.editing import get_or_404
from keyaccount.core.models import MAX_ID
from keyaccount.timeline.choices import CallDirection, InteractionKind
from keyaccount.timeline.models import Interaction, InteractionContact

PAGE_SIZE = 30


def interactions_visible_to(user) -> QuerySet[Interaction]:
    if not access.is_member(user):
        return Interaction.objects.none()
    with_account = Q(account__isnull=False) & access.account_q(user, prefix="account__")
    if not access.can(user, access.Capability.VIEW_FINANCES):
        with_account &= Q(is_commercial=False)
    if access.can(user, access.Capability.DISPATCH_CALLS):
        unassigned = Q(account__isnull=True)
    else:
        mine = Interaction.participants.through.objects.filter(user_id=user.pk).values("interaction_id")
        unassigned = Q(account__isnull=True) & (Q(owner_id=user.pk) | Q(pk__in=mine))
    return Interaction.objects.filter(with_account | unassigned)


def _with_details(queryset: QuerySet[Interaction]) -> QuerySet[Interaction]:
    return queryset.select_related("account", "owner", "assignee").prefetch_related(
        Prefetch("contact_links", queryset=InteractionContact.objects.select_related("contact")),
        "participants",
    )


def interaction_get_for_user(*, interaction_id, user) -> Interaction:
    return get_or_404(_with_details(interactions_visible_to(user)), interaction_id)


@dataclass(frozen=True)
class TimelinePage:
    entries: list[Interaction]
    next_cursor: str | None


def encode_cursor(entry: Interaction) -> str:
    return f"{entry.starts_at.isoformat()}_{entry.pk}"


def decode_cursor(cursor: str | None) -> tuple[dt.datetime, int] | None:
    """``None`` for a missing or malformed cursor (the first page, rather than an error)."""
    if not cursor or "_" not in cursor:
        return None
    moment, _, pk = cursor.rpartition("_")
    try:
        when = parse_datetime(moment)
        number = int(pk)
    except ValueError:
        return None
    if when is None or not 0 < number <= MAX_ID:
        return None
    return when, number


def timeline(user, *, account=None, contact=None, kinds=(), person=None, date_from=None, date_to=None,
             cursor: str | None = None, page_size: int = PAGE_SIZE) -> TimelinePage:
    """One page of a timeline, newest first, continued by keyset (``cursor``) so that loading more
    as the user scrolls costs the same on the hundredth page as on the first."""
    entries = interactions_visible_to(user)
    if account is not None:
        entries = entries.filter(account=account)
    if contact is not None:
        entries = entries.filter(pk__in=InteractionContact.objects.filter(contact=contact).values("interaction_id"))
    if person is not None:
        entries = entries.filter(pk__in=InteractionContact.objects.filter(contact_id=person).values("interaction_id"))
    if kinds:
        entries = entries.filter(kind__in=list(kinds))
    if date_from:
        entries = entries.filter(starts_at__date__gte=date_from)
    if date_to:
        entries = entries.filter(starts_at__date__lte=date_to)
    position = decode_cursor(cursor)
    if position:
        when, pk = position
        entries = entries.filter(Q(starts_at__lt=when) | Q(starts_at=when, pk__lt=pk))
    rows = list(_with_details(entries.order_by("-starts_at", "-id"))[: page_size + 1])
    next_cursor = encode_cursor(rows[page_size - 1]) if len(rows) > page_size else None
    return TimelinePage(entries=rows[:page_size], next_cursor=next_cursor)


def call_queue(user) -> QuerySet[Interaction]:
    """Calls that wait for a person to say whose they are."""
    return (interactions_visible_to(user).filter(kind=InteractionKind.CALL, account__isnull=True)
            .select_related("owner").prefetch_related("participants").order_by("-starts_at", "-id"))


def open_tasks(user) -> QuerySet[Interaction]:
    return (interactions_visible_to(user).filter(kind=InteractionKind.TASK, done_at__isnull=True, assignee=user)
            .select_related("account").order_by("due_at", "id"))


def participant_interactions(user_ids) -> QuerySet:
    """The ids of the interactions these users take part in (a subquery, for "my meetings")."""
    return Interaction.participants.through.objects.filter(user_id__in=list(user_ids)).values("interaction_id")


def outbound_calls_since(since: dt.datetime, *, numbers, contact_ids) -> list[tuple[str, dt.datetime, int | None]]:
    """Outbound calls after ``since`` to any of these numbers or people, as (their number, when, the
    person's id): whether a missed call was returned. Read without the access rule on purpose: a
    call back by a colleague returns the call too, and only the fact is used, nothing is shown."""
    if not numbers and not contact_ids:
        return []
    # Two lookups rather than one with OR: the OR of a column and a joined table made PostgreSQL read
    # every link between calls and people (170,000 at 100k accounts) for each My day.
    calls = Interaction.objects.filter(kind=InteractionKind.CALL, direction=CallDirection.OUTBOUND, starts_at__gt=since)
    found = [(number, moment, None) for number, moment in
             calls.filter(their_number__in=list(numbers)).values_list("their_number", "starts_at")[:2000]]
    if contact_ids:
        found += InteractionContact.objects.filter(
            contact_id__in=list(contact_ids), interaction__kind=InteractionKind.CALL,
            interaction__direction=CallDirection.OUTBOUND, interaction__starts_at__gt=since) \
            .order_by("-interaction__starts_at") \
            .values_list("interaction__their_number", "interaction__starts_at", "contact_id")[:2000]
    return found
