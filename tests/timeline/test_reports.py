"""Punctuality and activity on a known data set, computed exactly."""

import datetime as dt

import pytest

from keyaccount.timeline import reports
from keyaccount.timeline.models import Interaction
from tests.factories import AccountFactory

MSK = dt.timezone(dt.timedelta(hours=3))
NOW = dt.datetime(2026, 3, 31, 12, 0, tzinfo=MSK)


def _at(day, hour=10, minute=0):
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=MSK)


@pytest.fixture
def march(people, anna_account):
    anna = people["anna"]
    anna_account.status = "key"
    anna_account.save()
    for planned, actual in ((_at(2), _at(2)), (_at(3), _at(3, 10, 12)), (_at(4), _at(4, 10, 30))):
        Interaction.objects.create(kind="meeting", account=anna_account, owner=anna, starts_at=planned,
                                   actual_start_at=actual, meeting_status="held")
    Interaction.objects.create(kind="meeting", account=anna_account, owner=anna, starts_at=_at(5),
                               meeting_status="planned")
    for day in (9, 10):
        Interaction.objects.create(kind="call", account=anna_account, owner=anna, direction="out", outcome="answered",
                                   their_number="+79160000001", starts_at=_at(day))
    # Missed on Friday 13 March and returned on Monday 16 March morning: within a working day.
    Interaction.objects.create(kind="call", owner=anna, direction="in", outcome="missed", their_number="+79160000002",
                               starts_at=_at(13, 17))
    Interaction.objects.create(kind="call", owner=anna, direction="out", outcome="answered",
                               their_number="+79160000002", starts_at=_at(16, 9))
    # Missed on Tuesday 17 March and never returned.
    Interaction.objects.create(kind="call", owner=anna, direction="in", outcome="missed", their_number="+79160000003",
                               starts_at=_at(17, 11))
    quiet = AccountFactory(name="Quiet Ltd", owner=anna, status="repeat")
    Interaction.objects.create(kind="note", account=quiet, owner=anna, starts_at=_at(1))  # 30 days before NOW
    return quiet


def test_a_managers_month_is_counted_exactly(people, march, anna_account):
    (row,) = reports.activity(people["anna"], date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 3, 31), now=NOW)
    assert (row.meetings_held, row.meetings_late, row.average_lateness_minutes) == (3, 2, 21.0)
    assert row.late_share == pytest.approx(2 / 3)
    assert (row.calls_made, row.missed_calls, row.missed_not_returned) == (3, 2, 1)
    # The key account was contacted on 10 March (21 days ago, over 14); Quiet Ltd on 1 March (over 30).
    assert row.silent_accounts == [anna_account, march]


def test_the_head_sees_the_team_and_a_manager_only_herself(people, march):
    team = {row.manager.username for row in reports.activity(people["head"], date_from=dt.date(2026, 3, 1),
                                                            date_to=dt.date(2026, 3, 31), now=NOW)}
    assert team == {"anna", "boris", "head"}
    assert [row.manager for row in reports.activity(people["anna"], date_from=dt.date(2026, 3, 1),
                                                    date_to=dt.date(2026, 3, 31))] == [people["anna"]]
    assert reports.activity(people["support"], date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 3, 31)) == []


def test_the_page_and_the_api_show_the_same_numbers(people, march, client_for):
    client = client_for(people["head"])
    page = client.get("/timeline/activity/?date_from=2026-03-01&date_to=2026-03-31")
    assert page.status_code == 200 and "Quiet Ltd" in page.content.decode()
    api = client.get("/api/v1/interactions/activity?date_from=2026-03-01&date_to=2026-03-31").json()
    anna = next(row for row in api if row["manager_id"] == people["anna"].pk)
    assert (anna["meetings_held"], anna["meetings_late"], anna["calls_made"]) == (3, 2, 3)
    assert client.get("/api/v1/interactions/activity?date_from=2026-03-31&date_to=2026-03-01").status_code == 422
    assert client.get("/timeline/activity/?date_from=2026-03-31&date_to=2026-03-01").status_code == 200


def test_a_large_team_is_read_in_a_fixed_number_of_queries_and_names_the_first_silent_accounts(
        people, march, client_for, django_assert_max_num_queries):
    for n in range(12):
        AccountFactory(name=f"Silent {n:02d}", owner=people["boris"], status="prospect")
    with django_assert_max_num_queries(12):  # the same for 3 managers or 300
        rows = reports.activity(people["head"], date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 3, 31), now=NOW)
    boris = next(row for row in rows if row.manager == people["boris"])
    assert boris.silent_count == 12 and [account.name for account in boris.silent_accounts] == [
        f"Silent {n:02d}" for n in range(reports.SILENT_SHOWN)]
    page = client_for(people["head"]).get("/timeline/activity/?date_from=2026-03-01&date_to=2026-03-31")
    assert "Silent 07</a> and 4 more" in page.content.decode()
