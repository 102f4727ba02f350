"""Each user's private calendar feed (iCalendar, RFC 5545): meetings, planned calls, task deadlines
and the birthdays of the people at their accounts.

UIDs are stable and SEQUENCE follows the record's version, so calendar apps update an event rather
than add a copy. Every timed event carries a DISPLAY alarm that leaves time for the journey. Some
apps ignore alarms in subscribed feeds, so Keyaccount's own reminders are the guarantee.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from keyaccount.accounts.models import Contact
from keyaccount.core import access
from keyaccount.timeline.choices import InteractionKind, MeetingStatus
from keyaccount.timeline.models import Interaction
from keyaccount.timeline.queries import interactions_visible_to

# icalendar is imported where a feed is built: the apps that add their deadlines import this
# module when they load, and icalendar takes about 0.1 s of CPU to import, a cost every command
# would pay at start-up otherwise (start-up cost, not a cycle: tests/test_cli_startup.py).
if TYPE_CHECKING:
    from icalendar import Alarm, Event

# Alarms ring this long before a meeting, plus the travel time the meeting needs.
ALARM_LEAD = dt.timedelta(minutes=15)
PAST = dt.timedelta(days=30)
FUTURE = dt.timedelta(days=180)


# Other apps' deadlines (obligations, notice dates, tender submissions): each registered function
# returns the events a user's feed carries, given the user, the moment and the base URL.
_sources: list[Callable[..., Iterable[Event]]] = []


def register_source(events_for: Callable[..., Iterable[Event]]) -> None:
    if events_for not in _sources:
        _sources.append(events_for)


def all_day_event(*, uid: str, sequence: int, stamp: dt.datetime, day: dt.date, summary: str, url: str,
                  description: str = "", alarm_days: int = 1) -> Event:
    """An all-day deadline with an alarm the morning ``alarm_days`` before it."""
    from icalendar import Event

    event = Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", stamp)
    event.add("summary", summary)
    event.add("dtstart", day)
    event.add("dtend", day + dt.timedelta(days=1))
    event.add("transp", "TRANSPARENT")
    event.add("url", url)
    event.add("description", "\n\n".join(text for text in (description, url) if text))
    event.add_component(_alarm(summary, dt.timedelta(days=alarm_days) - dt.timedelta(hours=9)))
    return event


def _uid(kind: str, pk: int) -> str:
    return f"{kind}-{pk}@keyaccount"


def _alarm(description: str, before: dt.timedelta) -> Alarm:
    from icalendar import Alarm

    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", description)
    alarm.add("trigger", -before)
    return alarm


def _event_for(interaction: Interaction, base_url: str) -> Event:
    from icalendar import Event

    event = Event()
    event.add("uid", _uid("interaction", interaction.pk))
    event.add("sequence", interaction.version)
    event.add("dtstamp", interaction.updated_at)
    event.add("last-modified", interaction.updated_at)
    account = f" — {interaction.account}" if interaction.account_id else ""
    if interaction.kind == InteractionKind.TASK:
        moment = interaction.due_at
        event.add("summary", f"✔ {interaction.subject}{account}")
        event.add("dtstart", moment)
        event.add("dtend", moment + dt.timedelta(minutes=15))
        event.add_component(_alarm(interaction.subject, ALARM_LEAD))
    else:
        start = interaction.starts_at
        end = interaction.ends_at or start + dt.timedelta(minutes=30 if interaction.kind == InteractionKind.CALL
                                                          else 60)
        event.add("summary", f"{interaction.subject or interaction.get_kind_display()}{account}")
        event.add("dtstart", start)
        event.add("dtend", end)
        if interaction.place:
            event.add("location", interaction.place)
        travel = dt.timedelta(minutes=interaction.travel_minutes or 0)
        event.add_component(_alarm(interaction.subject or interaction.get_kind_display(), ALARM_LEAD + travel))
        if interaction.meeting_status == MeetingStatus.CANCELLED:
            event.add("status", "CANCELLED")
    details = [text for text in (interaction.agenda, interaction.summary, interaction.video_link) if text]
    details.append(f"{base_url}{interaction.get_absolute_url()}")
    if interaction.kind != InteractionKind.TASK and interaction.account_id:
        details.append(f"{_('Brief')}: {base_url}{reverse('timeline:meeting_brief', args=[interaction.pk])}")
    event.add("description", "\n\n".join(details))
    event.add("url", f"{base_url}{interaction.get_absolute_url()}")
    return event


def _birthday_for(contact: Contact, base_url: str) -> Event:
    from icalendar import Event

    event = Event()
    event.add("uid", _uid("birthday", contact.pk))
    event.add("sequence", contact.version)
    event.add("dtstamp", contact.updated_at)
    event.add("summary", f"🎂 {contact.full_name} — {contact.account}")
    # All-day event on the birthday, repeating every year (29 February falls back to 28 February).
    day = contact.birthday.replace(year=2000)
    event.add("dtstart", day)
    event.add("dtend", day + dt.timedelta(days=1))
    event.add("rrule", {"freq": "yearly"})
    event.add("transp", "TRANSPARENT")
    event.add("url", f"{base_url}{contact.get_absolute_url()}")
    event.add_component(_alarm(f"{contact.full_name}: birthday", dt.timedelta(hours=-9)))
    return event


def calendar_for(user, *, base_url: str = "") -> bytes:
    from icalendar import Calendar

    now = timezone.now()
    calendar = Calendar()
    calendar.add("prodid", "-//Keyaccount//Key-account workspace//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"Keyaccount — {user}")
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    calendar.add("x-published-ttl", "PT15M")
    # One's own meetings, calls and tasks, on accounts one still sees (a meeting one was asked to, on a
    # colleague's private account, or on an account since given to someone else, stays out).
    visible = interactions_visible_to(user)
    mine = Q(owner=user) | Q(participants=user)
    timed = (visible.filter(mine, kind__in=[InteractionKind.MEETING, InteractionKind.CALL],
                            starts_at__gte=now - PAST, starts_at__lte=now + FUTURE)
             .exclude(kind=InteractionKind.CALL, starts_at__lt=now)  # calls in the feed are planned ones
             .select_related("account").distinct())
    tasks = visible.filter(kind=InteractionKind.TASK, assignee=user, done_at__isnull=True,
                           due_at__isnull=False, due_at__lte=now + FUTURE).select_related("account")
    for interaction in [*timed, *tasks]:
        calendar.add_component(_event_for(interaction, base_url))
    people = Contact.objects.filter(access.account_q(user, prefix="account__"), birthday__isnull=False,
                                    erased_at__isnull=True).select_related("account")
    if access.sees_all_accounts(user):
        # Administrators, analysts and support see every account; their calendar keeps the
        # birthdays of the accounts they own only.
        people = people.filter(account__owner=user)
    for contact in people:
        calendar.add_component(_birthday_for(contact, base_url))
    for events_for in _sources:
        for event in events_for(user=user, now=now, base_url=base_url):
            calendar.add_component(event)
    return calendar.to_ical()
