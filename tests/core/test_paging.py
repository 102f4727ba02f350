"""Keyset paging (``core.paging``) and the API's pages: a cursor walks a list to its end and finds
exactly what offset pages find, in the same order, on SQLite and PostgreSQL alike; a cursor that is not
the list's own is a 422; a page after a cursor costs the queries of the first."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from keyaccount.accounts.models import Account, Contact
from keyaccount.api.urls import api
from keyaccount.core import paging
from keyaccount.core import services as core_services
from keyaccount.core.api import MAX_OFFSET
from tests.core import access_matrix as matrix
from tests.factories import AccountFactory, ContactFactory

pytestmark = pytest.mark.django_db


def walk(call, path, limit, **params):
    """Every item of the list at ``path``, page after page by cursor; and the answers."""
    answers = [call("get", path, {"limit": limit, **params})]
    while answers[-1].json()["next"]:
        assert len(answers) < 500, "the cursor does not move on"
        answers.append(call("get", path, {"limit": limit, "cursor": answers[-1].json()["next"], **params}))
    assert all(answer.status_code == 200 for answer in answers), [a.content for a in answers if a.status_code != 200]
    return [item for answer in answers for item in answer.json()["items"]], answers


@pytest.fixture
def api_get(client, people):
    _token, secret = core_services.token_create(user=people["head"])

    def call(method, path, params=None):
        return getattr(client, method)(path, params or {}, HTTP_AUTHORIZATION=f"Bearer {secret}")

    return call


def test_a_cursor_walks_the_accounts_to_the_end_as_offset_pages_do_ties_included(api_get, people):
    # Names repeat, so the order is settled by the id after them.
    for n in range(23):
        AccountFactory(name=f"OOO Partner {n % 4}", owner=people["anna"])
    everything = api_get("get", "/api/v1/accounts/", {"limit": 500}).json()
    walked, answers = walk(api_get, "/api/v1/accounts/", 5)
    assert [item["id"] for item in walked] == [item["id"] for item in everything["items"]]
    assert len(walked) == everything["count"] == 23 and len(answers) == 5
    assert answers[0].json()["count"] == 23
    assert all(answer.json()["count"] is None for answer in answers[1:])
    assert answers[-1].json()["next"] is None


def test_a_cursor_keeps_its_place_when_rows_are_added_before_it(api_get, people):
    for n in range(6):
        AccountFactory(name=f"OOO M{n}", owner=people["anna"])
    first = api_get("get", "/api/v1/accounts/", {"limit": 3}).json()
    AccountFactory(name="OOO A first of all", owner=people["anna"])  # sorts before every one above
    second = api_get("get", "/api/v1/accounts/", {"limit": 3, "cursor": first["next"]}).json()
    assert [item["name"] for item in second["items"]] == ["OOO M3", "OOO M4", "OOO M5"]


@pytest.mark.parametrize("order", [("birthday", "id"), ("-birthday", "id"), ("-birthday", "-last_name")])
def test_nulls_sort_as_the_smallest_value_and_the_walk_finds_every_row(anna_account, order):
    days = [None, dt.date(1980, 5, 1), None, dt.date(1975, 1, 2), dt.date(1980, 5, 1), None, dt.date(1990, 1, 1)]
    for n, day in enumerate(days):
        ContactFactory(account=anna_account, last_name=f"Ivanov{n}", birthday=day)
    rows = Contact.objects.filter(account=anna_account).order_by(*order)
    keys = paging.keys_of(rows)
    assert keys[-1].path == "pk" and keys[0].nullable
    everything = list(paging.ordered(rows, keys))
    birthdays = [contact.birthday for contact in everything]
    nulls = [day is None for day in birthdays]
    # The same on both databases: NULLs first going up, last going down.
    assert nulls == ([True] * 3 + [False] * 4 if order[0] == "birthday" else [False] * 4 + [True] * 3)
    walked, page = [], list(paging.ordered(rows, keys)[:2])
    while page:
        walked += page
        page = list(paging.after(paging.ordered(rows, keys), keys, paging.values_of(page[-1], keys))[:2])
    assert [contact.pk for contact in walked] == [contact.pk for contact in everything]


def test_a_list_sorted_by_a_relation_is_refused_and_by_its_key_is_paged(anna_account):
    """Django sorts by a relation's own order (the owner's name), not by the key a cursor would hold."""
    with pytest.raises(TypeError, match="owner_id"):
        paging.keys_of(Account.objects.order_by("owner"))
    keys = paging.keys_of(Account.objects.order_by("owner_id"))
    assert [key.path for key in keys] == ["owner_id", "pk"]


def test_a_cursor_not_of_this_list_is_refused_naming_the_cursor(api_get, people):
    for n in range(3):
        AccountFactory(name=f"OOO Q{n}", owner=people["anna"])
    cursor = api_get("get", "/api/v1/accounts/", {"limit": 1}).json()["next"]
    tampered = cursor[:-3] + ("AAA" if not cursor.endswith("AAA") else "BBB")
    for path, params in [("/api/v1/accounts/", {"cursor": "not-a-cursor"}),
                         ("/api/v1/accounts/", {"cursor": tampered}),
                         ("/api/v1/contacts/", {"cursor": cursor}),
                         ("/api/v1/accounts/", {"cursor": "x" * (paging.MAX_CURSOR_LENGTH + 1)})]:
        answer = api_get("get", path, params)
        assert answer.status_code == 422, (path, params)
        assert "cursor" in answer.json()["errors"]
    both = api_get("get", "/api/v1/accounts/", {"cursor": cursor, "offset": 1})
    assert both.status_code == 422 and "offset" in both.json()["errors"]
    far = api_get("get", "/api/v1/accounts/", {"offset": MAX_OFFSET + 1})
    assert far.status_code == 422 and "offset" in far.json()["errors"]


def test_a_page_after_a_cursor_costs_no_more_queries_than_the_first(api_get, people):
    for n in range(30):
        AccountFactory(name=f"OOO Z{n:02}", owner=people["anna"])
    api_get("get", "/api/v1/accounts/", {"limit": 5})  # the token's first use writes its last-used time
    with CaptureQueriesContext(connection) as first_page:
        first = api_get("get", "/api/v1/accounts/", {"limit": 5}).json()
    with CaptureQueriesContext(connection) as next_page:
        api_get("get", "/api/v1/accounts/", {"limit": 5, "cursor": first["next"]})
    # No count on a page after a cursor.
    assert len(next_page) == len(first_page) - 1


def test_notification_entries_page_by_cursor(api_get, people):
    head = people["head"]
    for n in range(7):
        core_services.notify(user=head, kind="other", title=f"Notice {n}", key=f"notice-{n}")
    everything = api_get("get", "/api/v1/notifications/entries", {"limit": 500}).json()["items"]
    walked, _answers = walk(api_get, "/api/v1/notifications/entries", 2)
    assert [entry["group"] for entry in walked] == [entry["group"] for entry in everything]
    assert len(walked) == len(everything) >= 2


def _paginated_lists():
    for prefix, router in api._routers:
        for path, operations in router.path_operations.items():
            for operation in operations.operations:
                if "GET" in operation.methods and getattr(operation.view_func, "_ninja_is_paginated", False):
                    yield f"/api/v1{prefix}{path}".replace("//", "/")


def test_every_list_of_the_api_pages_by_cursor_as_by_offset(client, people, monkeypatch):
    """Every paginated list, on the access matrix's world (a record of every kind on Anna's account),
    walked one item a page as the admin: the same items as one page of all. Where a list has one row
    there is no next page to ask for, so its rows (caught on their way to the paginator) are walked
    here: each row's cursor leads to the rows after it."""
    world = matrix.build_world(people, matrix.ROWS)
    secret = world.api_secrets["admin"]
    lists_rows = []
    keys_of = paging.keys_of

    def catching(rows):
        lists_rows.append(rows)
        return keys_of(rows)

    monkeypatch.setattr(paging, "keys_of", catching)

    def call(method, path, params=None):
        return client.get(path, params or {}, HTTP_AUTHORIZATION=f"Bearer {secret}")

    lists = sorted(set(_paginated_lists()))
    assert len(lists) >= 18 and "/api/v1/accounts/" in lists
    for path in lists:
        assert "{" not in path, f"{path}: a paginated list with a path parameter needs its own test"
        everything = call("get", path, {"limit": 500})
        assert everything.status_code == 200, (path, everything.content)
        walked, _answers = walk(call, path, 1)
        assert walked == everything.json()["items"], path
    walked_here = 0
    for rows in lists_rows:
        keys = keys_of(rows)
        ordered = list(paging.ordered(rows, keys))
        walked_here += bool(ordered)
        for position, row in enumerate(ordered):
            cursor = paging.encode(keys, paging.values_of(row, keys), "/a/list/")
            following = paging.after(paging.ordered(rows, keys), keys, paging.decode(cursor, keys, "/a/list/"))
            assert list(following) == ordered[position + 1:], rows.model
    assert walked_here >= 15
