"""Working time: the calendar SLAs, reminders and "overdue" rules count in (core.working_time)."""

import datetime as dt
import zoneinfo

import pytest

from keyaccount.core import working_time
from keyaccount.core.models import WorkingDayException, WorkingTimeSettings
from keyaccount.core.working_time import WorkingCalendar

MOSCOW = zoneinfo.ZoneInfo("Europe/Moscow")
NOVOSIBIRSK = zoneinfo.ZoneInfo("Asia/Novosibirsk")
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
NINE_TO_SIX = WorkingCalendar(zone=MOSCOW)
WITH_LUNCH = WorkingCalendar(zone=MOSCOW, lunch=(dt.time(13), dt.time(14)))


def msk(*args):
    return dt.datetime(*args, tzinfo=MOSCOW)


def test_eight_working_hours_from_friday_17_end_on_monday_16():
    # 2026-11-20 is a Friday; the next Monday, 23 November, is an ordinary working day.
    assert NINE_TO_SIX.add_working_hours(msk(2026, 11, 20, 17), 8) == msk(2026, 11, 23, 16)


def test_a_deadline_that_fills_the_day_ends_at_its_end_not_the_next_morning():
    assert NINE_TO_SIX.add_working_hours(msk(2026, 11, 20, 17), 1) == msk(2026, 11, 20, 18)


def test_start_at_night_or_at_the_weekend_counts_from_the_next_working_morning():
    assert NINE_TO_SIX.add_working_hours(msk(2026, 11, 18, 23, 30), 2) == msk(2026, 11, 19, 11)
    assert NINE_TO_SIX.add_working_hours(msk(2026, 11, 19, 6), 2) == msk(2026, 11, 19, 11)
    assert NINE_TO_SIX.add_working_hours(msk(2026, 11, 21, 12), 2) == msk(2026, 11, 23, 11)


def test_hours_spanning_several_days_and_a_weekend():
    # 24 hours from Wednesday 10:00: Wed 8 h, Thu 9 h, Fri 7 h to 16:00 (9 h days, no lunch).
    assert NINE_TO_SIX.add_working_hours(msk(2026, 11, 18, 10), 24) == msk(2026, 11, 20, 16)
    # 120 hours (a normal complaint's resolution) is 13 and a third working days.
    end = NINE_TO_SIX.add_working_hours(msk(2026, 11, 18, 10), 120)
    assert end == msk(2026, 12, 7, 13)
    assert NINE_TO_SIX.working_hours_between(msk(2026, 11, 18, 10), end) == 120


def test_the_lunch_break_is_not_working_time():
    assert WITH_LUNCH.add_working_hours(msk(2026, 11, 18, 12), 2) == msk(2026, 11, 18, 15)
    assert not WITH_LUNCH.is_working_time(msk(2026, 11, 18, 13, 30))
    assert WITH_LUNCH.next_working_moment(msk(2026, 11, 18, 13, 30)) == msk(2026, 11, 18, 14)
    assert WITH_LUNCH.working_hours_between(msk(2026, 11, 18, 9), msk(2026, 11, 18, 18)) == 8


def test_new_year_holidays_2026_run_to_the_ninth_of_january():
    # 1–8 January are holidays; the 9th is the day off transferred from Saturday 3 January.
    for day in range(1, 12):
        assert not NINE_TO_SIX.is_working_day(dt.date(2026, 1, day)), day
    assert NINE_TO_SIX.is_working_day(dt.date(2026, 1, 12))
    assert NINE_TO_SIX.add_working_hours(msk(2025, 12, 30, 17), 3) == msk(2026, 1, 12, 11)
    # 31 December 2026 is a day off too (transferred from Sunday 4 January).
    assert not NINE_TO_SIX.is_working_day(dt.date(2026, 12, 31))


def test_may_holidays_2026():
    # 1 May (Friday) and 11 May (for Victory Day, a Saturday) are off; 8 May is a shortened Friday.
    assert not NINE_TO_SIX.is_working_day(dt.date(2026, 5, 1))
    assert not NINE_TO_SIX.is_working_day(dt.date(2026, 5, 11))
    assert NINE_TO_SIX.is_working_day(dt.date(2026, 5, 4))
    assert NINE_TO_SIX.periods(dt.date(2026, 5, 8)) == [(msk(2026, 5, 8, 9), msk(2026, 5, 8, 17))]
    assert NINE_TO_SIX.add_working_hours(msk(2026, 5, 8, 16), 2) == msk(2026, 5, 12, 10)


def test_a_transferred_working_saturday_is_working_time():
    # 1 November 2025 was worked for the day off on Monday 3 November; it was also a shortened day.
    assert NINE_TO_SIX.is_working_day(dt.date(2025, 11, 1))
    assert not NINE_TO_SIX.is_working_day(dt.date(2025, 11, 3))
    assert not NINE_TO_SIX.is_working_day(dt.date(2025, 11, 8))
    assert NINE_TO_SIX.add_working_hours(msk(2025, 10, 31, 17), 2) == msk(2025, 11, 1, 10)
    assert NINE_TO_SIX.is_working_day(dt.date(2027, 2, 20))


def test_a_shortened_pre_holiday_day_ends_an_hour_early():
    # 30 April 2026, before the May holidays: 09:00–17:00.
    assert NINE_TO_SIX.is_shortened(dt.date(2026, 4, 30))
    assert not NINE_TO_SIX.is_working_time(msk(2026, 4, 30, 17, 30))
    assert NINE_TO_SIX.add_working_hours(msk(2026, 4, 30, 16), 2) == msk(2026, 5, 4, 10)
    assert NINE_TO_SIX.working_hours_between(msk(2026, 4, 30, 0), msk(2026, 5, 1, 0)) == 8  # 9 hours less one
    # Not before a transferred day off (7 May 2025 came before the 8th, transferred from 23 February).
    assert not NINE_TO_SIX.is_shortened(dt.date(2025, 5, 7))
    # A company may work the full day.
    full = WorkingCalendar(zone=MOSCOW, shorten_pre_holiday=False)
    assert full.periods(dt.date(2026, 4, 30)) == [(msk(2026, 4, 30, 9), msk(2026, 4, 30, 18))]


@pytest.mark.parametrize(("year", "days", "hours"), [(2024, 248, 1979), (2025, 247, 1972), (2026, 247, 1972)])
def test_the_year_adds_up_to_the_production_calendar(year, days, hours):
    eight_hours = WorkingCalendar(zone=MOSCOW, lunch=(dt.time(13), dt.time(14)))
    working = list(eight_hours.working_days_between(dt.date(year, 1, 1), dt.date(year, 12, 31)))
    assert len(working) == days
    assert eight_hours.hours_in_year(year) == hours


def test_the_shortened_days_table_holds_working_days_only():
    for years in working_time.SHORTENED_DAYS.values():
        for year, days in years.items():
            assert all(day.year == year and NINE_TO_SIX.is_working_day(day) for day in days)


def test_years_beyond_the_table_follow_the_labour_code_rule():
    # 2023: the day before 23 February and before 8 March.
    assert NINE_TO_SIX.is_shortened(dt.date(2023, 2, 22))
    assert NINE_TO_SIX.is_shortened(dt.date(2023, 3, 7))
    assert not NINE_TO_SIX.is_shortened(dt.date(2023, 3, 6))


def test_moscow_time_has_no_daylight_saving_and_another_zone_counts_its_own_hours():
    # Moscow stays at UTC+3 all year: a July and a January working day start at 06:00 UTC.
    assert NINE_TO_SIX.next_working_moment(msk(2026, 7, 1, 3)).astimezone(dt.UTC) == dt.datetime(
        2026, 7, 1, 6, tzinfo=dt.UTC)
    assert NINE_TO_SIX.next_working_moment(msk(2026, 1, 13, 3)).utcoffset() == dt.timedelta(hours=3)
    # Novosibirsk's day starts four hours before Moscow's; the answer comes back in the zone asked in.
    novosibirsk = NINE_TO_SIX.in_zone(NOVOSIBIRSK)
    start = msk(2026, 11, 20, 12)  # 16:00 in Novosibirsk
    end = novosibirsk.add_working_hours(start, 8)
    assert end.tzinfo is MOSCOW
    assert end == dt.datetime(2026, 11, 23, 15, tzinfo=NOVOSIBIRSK)
    # Berlin keeps summer time: 8 hours across the night of 25 October 2026 are still 8 working hours.
    berlin = WorkingCalendar(zone=BERLIN, country="DE")
    friday = dt.datetime(2026, 10, 23, 14, tzinfo=BERLIN)
    assert berlin.add_working_hours(friday, 8) == dt.datetime(2026, 10, 26, 13, tzinfo=BERLIN)
    assert berlin.working_hours_between(friday, dt.datetime(2026, 10, 26, 13, tzinfo=BERLIN)) == 8
    # Germany's calendar, not Russia's: 3 October (German Unity Day) 2025 is off, 4 November is not.
    assert not berlin.is_working_day(dt.date(2025, 10, 3))
    assert berlin.is_working_day(dt.date(2025, 11, 4))


def test_is_working_time_and_next_working_moment():
    assert NINE_TO_SIX.is_working_time(msk(2026, 11, 18, 9))
    assert not NINE_TO_SIX.is_working_time(msk(2026, 11, 18, 18))
    assert not NINE_TO_SIX.is_working_time(msk(2026, 11, 22, 12))
    assert NINE_TO_SIX.next_working_moment(msk(2026, 11, 18, 10, 15)) == msk(2026, 11, 18, 10, 15)
    assert NINE_TO_SIX.next_working_moment(msk(2026, 11, 20, 18)) == msk(2026, 11, 23, 9)


def test_working_hours_between_is_signed_and_skips_nights():
    assert NINE_TO_SIX.working_hours_between(msk(2026, 11, 20, 17), msk(2026, 11, 23, 16)) == 8
    assert NINE_TO_SIX.working_hours_between(msk(2026, 11, 23, 16), msk(2026, 11, 20, 17)) == -8
    assert NINE_TO_SIX.working_hours_between(msk(2026, 11, 21, 0), msk(2026, 11, 22, 23)) == 0


def test_working_hours_before_a_deadline():
    assert NINE_TO_SIX.subtract_working_hours(msk(2026, 11, 23, 10), 2) == msk(2026, 11, 20, 17)
    assert NINE_TO_SIX.subtract_working_hours(msk(2026, 11, 23, 16), 8) == msk(2026, 11, 20, 17)
    assert NINE_TO_SIX.subtract_working_hours(msk(2026, 11, 22, 3), 1) == msk(2026, 11, 20, 17)
    assert WITH_LUNCH.subtract_working_hours(msk(2026, 11, 18, 15), 2) == msk(2026, 11, 18, 12)
    start = msk(2026, 4, 29, 15)
    assert NINE_TO_SIX.subtract_working_hours(NINE_TO_SIX.add_working_hours(start, 30), 30) == start


def test_working_days_and_the_civil_codes_next_working_day():
    # "In three working days" from Friday 2026-11-20 11:00: Wednesday 25th, 11:00.
    assert NINE_TO_SIX.add_working_days(msk(2026, 11, 20, 11), 3) == msk(2026, 11, 25, 11)
    # From the evening: the next working morning after it.
    assert NINE_TO_SIX.add_working_days(msk(2026, 11, 20, 20), 1) == msk(2026, 11, 24, 9)
    assert NINE_TO_SIX.next_working_day(dt.date(2026, 11, 21)) == dt.date(2026, 11, 23)
    assert NINE_TO_SIX.previous_working_day(dt.date(2026, 11, 22)) == dt.date(2026, 11, 20)
    assert NINE_TO_SIX.next_working_day(dt.date(2026, 1, 1)) == dt.date(2026, 1, 12)


def test_company_exceptions_override_the_country():
    calendar = WorkingCalendar(zone=MOSCOW, days_off=frozenset({dt.date(2026, 11, 23)}),
                               working_days=frozenset({dt.date(2026, 11, 21)}))
    assert calendar.add_working_hours(msk(2026, 11, 20, 17), 8) == msk(2026, 11, 21, 16)
    assert not calendar.is_working_day(dt.date(2026, 11, 23))


def test_naive_datetimes_and_impossible_calendars_are_refused():
    with pytest.raises(ValueError, match="aware"):
        NINE_TO_SIX.add_working_hours(dt.datetime(2026, 11, 20, 17), 8)
    with pytest.raises(ValueError, match="negative"):
        NINE_TO_SIX.add_working_hours(msk(2026, 11, 20, 17), -1)
    with pytest.raises(ValueError):
        WorkingCalendar(day_start=dt.time(18), day_end=dt.time(9))
    with pytest.raises(ValueError):
        WorkingCalendar(lunch=(dt.time(19), dt.time(20)))


@pytest.mark.django_db
def test_the_company_calendar_comes_from_its_settings(settings):
    settings.TIME_ZONE = "Europe/Moscow"
    default = working_time.company_calendar()
    assert (default.country, default.day_start, default.day_end, default.lunch) == ("RU", dt.time(9), dt.time(18),
                                                                                    None)
    assert working_time.add_working_hours(msk(2026, 11, 20, 17), 8) == msk(2026, 11, 23, 16)
    WorkingTimeSettings.objects.create(pk=1, time_zone="Asia/Novosibirsk", day_starts=dt.time(8),
                                       day_ends=dt.time(17), lunch_starts=dt.time(12), lunch_ends=dt.time(13))
    WorkingDayException.objects.create(day=dt.date(2026, 11, 23), note="Corporate day off")
    calendar = working_time.company_calendar()
    assert calendar.zone == NOVOSIBIRSK and calendar.lunch == (dt.time(12), dt.time(13))
    # Friday 17:00 Moscow is 21:00 in Novosibirsk; Monday is the company's day off: Tuesday 08:00–17:00 there.
    assert working_time.add_working_hours(msk(2026, 11, 20, 17), 8) == dt.datetime(2026, 11, 24, 17,
                                                                                   tzinfo=NOVOSIBIRSK)


@pytest.mark.django_db
def test_a_users_own_time_zone(people):
    anna = people["anna"]
    anna.time_zone = "Asia/Novosibirsk"
    assert working_time.user_calendar(anna).zone == NOVOSIBIRSK
    anna.time_zone = ""
    assert working_time.user_calendar(anna).zone == working_time.company_calendar().zone


@pytest.mark.django_db
def test_settings_refuse_a_day_that_ends_before_it_starts_and_a_lunch_outside_it():
    from django.core.exceptions import ValidationError

    row = WorkingTimeSettings(day_starts=dt.time(18), day_ends=dt.time(9))
    with pytest.raises(ValidationError) as error:
        row.full_clean()
    assert "day_ends" in error.value.message_dict
    row = WorkingTimeSettings(lunch_starts=dt.time(19), lunch_ends=dt.time(20), country="XX", time_zone="Mars/Base")
    with pytest.raises(ValidationError) as error:
        row.full_clean()
    assert {"lunch_ends", "country", "time_zone"} <= set(error.value.message_dict)
    row = WorkingTimeSettings(lunch_starts=dt.time(13))
    with pytest.raises(ValidationError) as error:
        row.full_clean()
    assert "lunch_ends" in error.value.message_dict
