"""``core.lookups``: ``field__any_of`` finds the rows whose field is one of many values, bound as one."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from keyaccount.core.lookups import index_lookups
from keyaccount.core.models import Team

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def teams():
    return [Team.objects.create(name=name) for name in ("Север", 'Quote "and" \\ slash', "Юг", "West")]


def test_the_rows_with_one_of_the_values_are_found_as_by_in(teams):
    names = ["Север", 'Quote "and" \\ slash', "nobody", *[f"absent {n}" for n in range(5000)]]
    found = set(Team.objects.filter(name__any_of=names).values_list("name", flat=True))
    assert found == set(Team.objects.filter(name__in=names).values_list("name", flat=True))
    assert found == {"Север", 'Quote "and" \\ slash'}


def test_thousands_of_values_are_one_query_with_one_parameter(teams):
    ids = [team.pk for team in teams] + list(range(10**6, 10**6 + 20_000))
    with CaptureQueriesContext(connection) as queries:
        assert Team.objects.filter(pk__any_of=ids).count() == len(teams)
    assert len(queries) == 1
    assert queries[0]["sql"].count(str(10**6 + 19_999)) == 1  # the list, once, not 20,000 placeholders


def test_no_value_finds_no_row_without_asking(teams):
    with CaptureQueriesContext(connection) as queries:
        assert list(Team.objects.filter(name__any_of=[])) == []
    assert len(queries) == 0


def test_it_combines_with_other_conditions_and_excludes(teams):
    assert set(Team.objects.filter(name__any_of=["Юг", "West"]).exclude(name="West")
               .values_list("name", flat=True)) == {"Юг"}
    assert set(Team.objects.exclude(name__any_of=["Юг", "West"]).values_list("name", flat=True)) >= {"Север"}


def test_index_lookups_leave_the_planner_as_it_was():
    with index_lookups():
        assert Team.objects.filter(name__any_of=["x"]).count() == 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW enable_seqscan")
            assert cursor.fetchone()[0] == "on"
