"""My day reads a fixed number of queries, whatever the number of accounts, orders and items (each
section one or two queries with a limit, scores read as the nightly job left them)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.workspace.conftest import build_day

URL = "/my-day/"
# Session and user, the calendar's settings, each section's reads (calls two, accounts three), the
# month's plan and its four figures, the bell's context.
MAX_QUERIES = 30


def queries_of(client, **params) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL, params).status_code == 200
    return len(captured)


def test_my_day_costs_the_same_with_more_accounts_and_items(client_for, days, people):
    anna = client_for(people["anna"])
    queries_of(anna)  # the calendar's settings are read once per process and cached
    few = queries_of(anna)
    for number in range(4):
        build_day(people["anna"], f"More{number}", with_plan=False)
    many = queries_of(anna)
    assert many == few, (few, many)
    assert many <= MAX_QUERIES


def test_the_heads_team_day_costs_the_same_with_more_managers(client_for, days, people):
    head = client_for(people["head"])
    queries_of(head)
    few = queries_of(head)
    build_day(people["boris"], "Extra", with_plan=False)
    assert queries_of(head) == few <= MAX_QUERIES
    assert queries_of(head, manager=people["boris"].pk) <= MAX_QUERIES
