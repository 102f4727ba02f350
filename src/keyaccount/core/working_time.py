"""Working time: the calendar every SLA, reminder and "overdue" rule counts in.

An SLA of 8 working hours started on Friday at 17:00 ends on Monday at 16:00 (with 09:00–18:00 and no
lunch break), not on Saturday at 01:00; a deadline never falls at night, on a Sunday or on a holiday.

The functions here are pure: aware datetimes in, aware datetimes out (in the zone they came in), and a
``WorkingCalendar`` that says which days are working and which hours of them. ``company_calendar()``
builds the installation's calendar from its settings (``core.models.WorkingTimeSettings``, edited
by an administrator or a head); ``user_calendar(user)`` is the same calendar in the user's own time zone.

Where the days come from. The public holidays, the government's transfers of days off and the
Saturdays made working by them come from the ``holidays`` library (python-holidays): of what PyPI
offers it is the one kept up to date (a release a month, each Russian year's transfer decree cited
with its source; 2025–2027 checked against the production calendars), it works offline and knows some
150 countries, so a company elsewhere only changes the country. ``workalendar`` has had no release
since 2023 and no 2026 transfers; ``isdayoff`` asks a web service at run time; ``production-calendar``
and ``holidays-ru`` are abandoned. What ``holidays`` lacks are Russia's shortened pre-holiday days
(art. 95 of the Labour Code: one hour less): they are in ``SHORTENED_DAYS`` below, from the official
production calendars, and for years not in it the Labour Code's rule is applied (a working day
followed by a public holiday).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import threading
import time
import zoneinfo
from collections.abc import Iterable

import holidays
from django.db.models import signals

from keyaccount.core.models import WorkingDayException, WorkingTimeSettings

# How far the functions look for working time before they give up (a calendar with no working day).
MAX_DAYS = 3 * 366
# One hour less on a pre-holiday day (Labour Code, art. 95).
SHORTENING = dt.timedelta(hours=1)

# Russia's shortened pre-holiday days, from the official production calendars of each year (the ones
# the government's transfer decrees make, which python-holidays cites for the transfers). The Labour
# Code's rule ("the day immediately before a holiday") does not give them alone: a working Saturday
# that stands for a transferred day off before a holiday is shortened too (1 November 2025), a working
# day before a transferred day off is not (7 May 2025). Each year's norm (248 days and 1979 hours in
# 2024, 247 and 1972 in 2025 and 2026) checks the table in the tests. 2027 is written by the same
# practice (20 February stands for 22 February, the eve of the 23rd; 247 days, 1972 hours): check it
# against the published 2027 calendar, and add a year here when its calendar is published.
SHORTENED_DAYS: dict[str, dict[int, frozenset[dt.date]]] = {
    "RU": {
        2024: frozenset({dt.date(2024, 2, 22), dt.date(2024, 3, 7), dt.date(2024, 4, 27), dt.date(2024, 11, 2),
                         dt.date(2024, 12, 28)}),
        2025: frozenset({dt.date(2025, 3, 7), dt.date(2025, 4, 30), dt.date(2025, 6, 11), dt.date(2025, 11, 1)}),
        2026: frozenset({dt.date(2026, 4, 30), dt.date(2026, 5, 8), dt.date(2026, 6, 11), dt.date(2026, 11, 3)}),
        2027: frozenset({dt.date(2027, 2, 20), dt.date(2027, 4, 30), dt.date(2027, 6, 11), dt.date(2027, 11, 3)}),
    },
}
# Countries whose law shortens the day before a holiday (the rule applied for years not in the table).
SHORTENING_COUNTRIES = frozenset({"RU"})


@functools.lru_cache(maxsize=64)
def _public_holidays(country: str, year: int) -> holidays.HolidayBase:
    return holidays.country_holidays(country, years=year)


def supported_countries() -> list[str]:
    return sorted(holidays.list_supported_countries())


@dataclasses.dataclass(frozen=True)
class WorkingCalendar:
    """A company's working days and hours. ``days_off`` and ``working_days`` are its own exceptions to
    the country's calendar (a corporate day off, a Saturday it works); ``lunch`` is a break inside the
    day, or None."""

    zone: dt.tzinfo = dataclasses.field(default_factory=lambda: zoneinfo.ZoneInfo("Europe/Moscow"))
    country: str = "RU"
    day_start: dt.time = dt.time(9)
    day_end: dt.time = dt.time(18)
    lunch: tuple[dt.time, dt.time] | None = None
    days_off: frozenset[dt.date] = frozenset()
    working_days: frozenset[dt.date] = frozenset()
    shorten_pre_holiday: bool = True

    def __post_init__(self):
        if self.day_end <= self.day_start:
            raise ValueError("The working day must end after it starts.")
        if self.lunch is not None and not (self.day_start <= self.lunch[0] < self.lunch[1] <= self.day_end):
            raise ValueError("The lunch break must lie inside the working day.")

    def in_zone(self, zone: dt.tzinfo) -> WorkingCalendar:
        return dataclasses.replace(self, zone=zone)

    # Days.

    def is_holiday(self, day: dt.date) -> bool:
        """A public holiday or a day off the government moved (not a weekend as such)."""
        return day in _public_holidays(self.country, day.year)

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.working_days:
            return True
        if day in self.days_off:
            return False
        country = _public_holidays(self.country, day.year)
        if day in country:
            return False
        return day.weekday() not in country.weekend or day in country.weekend_workdays

    def is_shortened(self, day: dt.date) -> bool:
        """A pre-holiday day, one hour shorter (Russia's production calendar)."""
        if not self.shorten_pre_holiday or not self.is_working_day(day):
            return False
        table = SHORTENED_DAYS.get(self.country, {})
        if day.year in table:
            return day in table[day.year]
        if self.country not in SHORTENING_COUNTRIES:
            return False
        following = day + dt.timedelta(days=1)
        return following in _public_holidays(self.country, following.year)

    def periods(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        """The working periods of ``day`` as aware moments in the calendar's zone (none on a day off)."""
        if not self.is_working_day(day):
            return []
        end = dt.datetime.combine(day, self.day_end)
        if self.is_shortened(day):
            end -= SHORTENING
        spans = [(dt.datetime.combine(day, self.day_start), end)]
        if self.lunch is not None:
            lunch_start, lunch_end = (dt.datetime.combine(day, moment) for moment in self.lunch)
            spans = [(spans[0][0], min(lunch_start, end)), (lunch_end, end)]
        return [(start.replace(tzinfo=self.zone), stop.replace(tzinfo=self.zone)) for start, stop in spans
                if stop > start]

    def working_days_between(self, first: dt.date, last: dt.date) -> Iterable[dt.date]:
        day = first
        while day <= last:
            if self.is_working_day(day):
                yield day
            day += dt.timedelta(days=1)

    def hours_in_year(self, year: int) -> float:
        """The year's norm of working hours (1972 for Russia's 2026 at 09:00–18:00 with no lunch,
        i.e. the production calendar's 40-hour week when the day is 8 hours)."""
        seconds = sum((stop - start).total_seconds() for day in self.working_days_between(
            dt.date(year, 1, 1), dt.date(year, 12, 31)) for start, stop in self.periods(day))
        return seconds / 3600

    # Moments.

    def _local_day(self, moment: dt.datetime) -> dt.date:
        return moment.astimezone(self.zone).date()

    def _periods_from(self, moment: dt.datetime):
        """Working periods (in UTC) that end after ``moment``, in order; ValueError after MAX_DAYS."""
        day = self._local_day(moment) - dt.timedelta(days=1)
        for _ in range(MAX_DAYS):
            for start, stop in self.periods(day):
                start, stop = start.astimezone(dt.UTC), stop.astimezone(dt.UTC)
                if stop > moment:
                    yield max(start, moment), stop
            day += dt.timedelta(days=1)
        raise ValueError("The working calendar has no working time ahead.")

    def add_working_hours(self, start: dt.datetime, hours: float) -> dt.datetime:
        _aware(start)
        if hours < 0:
            raise ValueError("Working hours to add cannot be negative.")
        left = dt.timedelta(hours=hours)
        for begin, stop in self._periods_from(start.astimezone(dt.UTC)):
            if begin + left <= stop:
                return (begin + left).astimezone(start.tzinfo)
            left -= stop - begin
        raise AssertionError("unreachable")  # pragma: no cover (_periods_from raises first)

    def subtract_working_hours(self, end: dt.datetime, hours: float) -> dt.datetime:
        """The moment ``hours`` working hours before ``end``: a reminder two working hours before a
        deadline on Monday at 10:00 comes on Friday at 17:00, not on Monday at 08:00."""
        _aware(end)
        if hours < 0:
            raise ValueError("Working hours to subtract cannot be negative.")
        left, moment = dt.timedelta(hours=hours), end.astimezone(dt.UTC)
        day = self._local_day(moment) + dt.timedelta(days=1)
        for _ in range(MAX_DAYS):
            for start, stop in reversed(self.periods(day)):
                start, stop = start.astimezone(dt.UTC), min(stop.astimezone(dt.UTC), moment)
                if stop <= start:
                    continue
                if stop - left >= start:
                    return (stop - left).astimezone(end.tzinfo)
                left -= stop - start
            day -= dt.timedelta(days=1)
        raise ValueError("The working calendar has no working time behind.")

    def add_working_days(self, start: dt.datetime, days: int) -> dt.datetime:
        """The same time of day ``days`` working days later (or the next working moment after it):
        a task set on Friday for "in three days" is due on Wednesday."""
        _aware(start)
        local = start.astimezone(self.zone)
        day = local.date()
        for _ in range(days):
            day += dt.timedelta(days=1)
            while not self.is_working_day(day):
                day += dt.timedelta(days=1)
        moment = dt.datetime.combine(day, local.time(), tzinfo=self.zone)
        return self.next_working_moment(moment).astimezone(start.tzinfo)

    def working_hours_between(self, a: dt.datetime, b: dt.datetime) -> float:
        """Working hours from ``a`` to ``b`` (negative when ``b`` comes first)."""
        _aware(a)
        _aware(b)
        if b < a:
            return -self.working_hours_between(b, a)
        a, b = a.astimezone(dt.UTC), b.astimezone(dt.UTC)
        total = dt.timedelta()
        day, last = self._local_day(a) - dt.timedelta(days=1), self._local_day(b) + dt.timedelta(days=1)
        while day <= last:
            for start, stop in self.periods(day):
                start, stop = max(start.astimezone(dt.UTC), a), min(stop.astimezone(dt.UTC), b)
                if stop > start:
                    total += stop - start
            day += dt.timedelta(days=1)
        return total.total_seconds() / 3600

    def is_working_time(self, moment: dt.datetime) -> bool:
        _aware(moment)
        local = moment.astimezone(self.zone)
        return any(start <= local < stop for start, stop in self.periods(local.date()))

    def next_working_moment(self, moment: dt.datetime) -> dt.datetime:
        """``moment`` itself in working time, else the start of the next working period."""
        _aware(moment)
        begin, _stop = next(self._periods_from(moment.astimezone(dt.UTC)))
        return begin.astimezone(moment.tzinfo)

    def next_working_day(self, day: dt.date) -> dt.date:
        """``day`` itself if it is a working day, else the first working day after it (Civil Code,
        art. 193: a term ending on a day off ends on the next working day)."""
        for _ in range(MAX_DAYS):
            if self.is_working_day(day):
                return day
            day += dt.timedelta(days=1)
        raise ValueError("The working calendar has no working day ahead.")

    def last_overdue_day(self, today: dt.date) -> dt.date:
        """A thing due on this day or before is overdue ``today``: due on a day off, it is due on the
        next working day (Civil Code, art. 193), so on Monday what fell due on Saturday is not late yet."""
        return self.previous_working_day(today - dt.timedelta(days=1))

    def previous_working_day(self, day: dt.date) -> dt.date:
        """``day`` itself if it is a working day, else the last working day before it."""
        for _ in range(MAX_DAYS):
            if self.is_working_day(day):
                return day
            day -= dt.timedelta(days=1)
        raise ValueError("The working calendar has no working day behind.")


def _aware(moment: dt.datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("Working time is counted on aware datetimes only.")


# The module-level functions count in the company's calendar unless they are given one.

def add_working_hours(start: dt.datetime, hours: float, calendar: WorkingCalendar | None = None) -> dt.datetime:
    return (calendar or company_calendar()).add_working_hours(start, hours)


def add_working_days(start: dt.datetime, days: int, calendar: WorkingCalendar | None = None) -> dt.datetime:
    return (calendar or company_calendar()).add_working_days(start, days)


def working_hours_between(a: dt.datetime, b: dt.datetime, calendar: WorkingCalendar | None = None) -> float:
    return (calendar or company_calendar()).working_hours_between(a, b)


def is_working_time(moment: dt.datetime, calendar: WorkingCalendar | None = None) -> bool:
    return (calendar or company_calendar()).is_working_time(moment)


def next_working_moment(moment: dt.datetime, calendar: WorkingCalendar | None = None) -> dt.datetime:
    return (calendar or company_calendar()).next_working_moment(moment)


# The company's calendar is read once every few seconds per process (lists ask it for every row); a
# change saved in this process is seen at once, in another within CACHE_SECONDS.
CACHE_SECONDS = 10
_cache: dict[str, tuple[float, WorkingCalendar]] = {}
_cache_lock = threading.Lock()


def forget_company_calendar(**_kwargs) -> None:
    with _cache_lock:
        _cache.clear()


for _model in (WorkingTimeSettings, WorkingDayException):
    signals.post_save.connect(forget_company_calendar, sender=_model, dispatch_uid=f"working_time_{_model.__name__}")
    signals.post_delete.connect(forget_company_calendar, sender=_model,
                                dispatch_uid=f"working_time_del_{_model.__name__}")


def company_calendar() -> WorkingCalendar:
    """The installation's calendar, from its settings (the defaults until someone saves them) and its
    own days off and working days."""
    with _cache_lock:
        cached = _cache.get("company")
    if cached is not None and cached[0] > time.monotonic():
        return cached[1]
    calendar = _read_company_calendar()
    with _cache_lock:
        _cache["company"] = (time.monotonic() + CACHE_SECONDS, calendar)
    return calendar


def _read_company_calendar() -> WorkingCalendar:
    settings = WorkingTimeSettings.load()
    days_off, working_days = set(), set()
    for day, working in WorkingDayException.objects.values_list("day", "is_working"):
        (working_days if working else days_off).add(day)
    lunch = (settings.lunch_starts, settings.lunch_ends) if settings.lunch_starts and settings.lunch_ends else None
    return WorkingCalendar(zone=settings.zone, country=settings.country, day_start=settings.day_starts,
                           day_end=settings.day_ends, lunch=lunch, days_off=frozenset(days_off),
                           working_days=frozenset(working_days), shorten_pre_holiday=settings.shorten_pre_holiday)


def user_calendar(user) -> WorkingCalendar:
    """The company's calendar in the user's own time zone, where their profile names one."""
    calendar = company_calendar()
    return calendar.in_zone(user.zone) if getattr(user, "time_zone", "") else calendar
