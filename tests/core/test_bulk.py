"""``core.bulk``: ids reserved for rows written with explicit keys, and records with their defaults."""

import pytest

from keyaccount.core import bulk
from keyaccount.core.models import Team

pytestmark = pytest.mark.django_db(transaction=False)


def test_reserved_ids_are_new_and_rows_made_after_them_take_others():
    existing = Team.objects.create(name="Before")
    ids = bulk.reserve_ids("core_team", 5)
    assert len(set(ids)) == 5 and min(ids) > existing.pk
    bulk.insert_rows("core_team", ["id", "name"], ((pk, f"Reserved {pk}") for pk in ids))
    bulk.reset_sequence("core_team")
    after = Team.objects.create(name="After")
    assert after.pk not in ids and Team.objects.count() == 7


def test_a_record_names_only_what_it_sets_and_the_rest_takes_its_default():
    bulk.insert_records(Team, ["name"], [("Scale team X",)])
    assert Team.objects.get(name="Scale team X")
    with pytest.raises(ValueError, match="no column nickname"):
        bulk.insert_records(Team, ["name", "nickname"], [("Y", "y")])


@pytest.mark.parametrize("name", ["O'Reilly \"Trade\"; DROP TABLE core_team; --", "Ёлка\nltd \\ 100%", "?", "%s"])
def test_values_the_same_in_every_row_arrive_as_given_whatever_they_hold(name):
    # On SQLite they are written into the statement as literals SQLite quoted; on PostgreSQL COPY takes them.
    ids = bulk.reserve_ids("core_team", 1)
    bulk.insert_rows("core_team", ["id"], [(ids[0],)], constants=[("name", name)])
    assert Team.objects.get(pk=ids[0]).name == name and Team.objects.count() == 1


def test_the_planner_is_told_how_many_rows_a_bulk_write_left():
    from django.db import connection

    ids = bulk.reserve_ids("core_team", 300)
    bulk.insert_rows("core_team", ["id", "name"], ((pk, f"Team {pk}") for pk in ids))
    bulk.refresh_statistics(["core_team"])
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = 'core_team' AND idx IS NULL OR "
                           "tbl = 'core_team' AND idx LIKE 'sqlite_autoindex%'")
            rows = int(cursor.fetchone()[0].split()[0])
        else:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'core_team'")
            rows = cursor.fetchone()[0]
    assert rows == 300
