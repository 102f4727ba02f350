"""The access rule at every edge: one test per role × record × channel, generated from the matrix in
``access_matrix.py`` (which must name every model). What the matrix does not cover (shares, calls
that matched nobody, anonymous visitors) is in ``test_access.py``."""

import pytest
from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from tests.core import access_channels as channels
from tests.core import access_matrix as matrix
from tests.factories import TeamFactory, people_by_role


@pytest.fixture(scope="module")
def matrix_media(tmp_path_factory):
    return tmp_path_factory.mktemp("matrix-media")


@pytest.fixture
def media_root(matrix_media):
    """The contract's attachment is stored once for the module; every test reads it from there."""
    return matrix_media


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, matrix_media):
    """Anna's account with one record of every row, built once for the module inside a transaction
    that is rolled back at its end; each test runs in a savepoint of it, so writes do not last."""
    storages = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(matrix_media)}}}
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with override_settings(STORAGES=storages,
                                   PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
                people = people_by_role(TeamFactory(name="Key accounts"), TeamFactory(name="Regions"))
                built = matrix.build_world(people, matrix.ROWS)
                clients = {role: Client() for role in channels.ROLES}
                for role, client in clients.items():
                    client.force_login(people[role])
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield built, clients
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture(scope="module")
def probe(world):
    built, clients = world
    return channels.Probe(built, clients, Client())


def _cell(role, row, channel):
    cell = matrix.cell_id(role, row, channel)
    gap = matrix.KNOWN_GAPS.get(cell)
    marks = [pytest.mark.xfail(reason=gap, strict=True, raises=AssertionError)] if gap else []
    return pytest.param(role, row, channel, id=cell, marks=marks)


@pytest.mark.parametrize(("role", "row", "channel"), [_cell(*cell) for cell in matrix.cells()])
def test_access(role, row, channel, probe, db):
    channel.check(probe, row, role)


def test_every_model_has_its_rows_or_a_reason_to_have_none():
    models = {model for model in apps.get_models() if model.__module__.startswith("keyaccount.")}
    covered = {row.model for row in matrix.ROWS}
    exempt = {entry.model for entry in matrix.EXEMPT}
    missing = sorted(model._meta.label for model in models - covered - exempt)
    assert not missing, ("Every model needs rows in tests/core/access_matrix.py (ROWS: how to build one on Anna's "
                         "account and its channels) or an Exempt with the reason it has none. Missing: "
                         + ", ".join(missing))
    assert not covered & exempt, "A model with rows is not exempt as well"
    assert all(entry.reason.strip() for entry in matrix.EXEMPT)


def test_the_matrix_declares_each_cell_once_and_only_audiences_that_may_see():
    assert len({row.name for row in matrix.ROWS}) == len(matrix.ROWS)
    for row in matrix.ROWS:
        names = [channel.name for channel in row.channels]
        assert len(set(names)) == len(names), f"{row.name}: a channel name twice"
        assert row.channels, f"{row.name}: no channel"
        assert row.marker or row.amount is not None, f"{row.name}: nothing to look for"
        for channel in row.channels:
            assert channel.audience_of(row) <= row.sees, f"{row.name} / {channel.name}: reaches those who may not see"
        assert row.writers <= row.sees, f"{row.name}: writers who may not see it"
    cells = {matrix.cell_id(*cell) for cell in matrix.cells()}
    assert set(matrix.KNOWN_GAPS) <= cells, f"gaps of no cell: {set(matrix.KNOWN_GAPS) - cells}"


# Pages of Anna's account that support reads: no amount of hers, no currency.
SUPPORT_PAGES = {
    "account_page": matrix.ACCOUNT_PAGE,
    "account_timeline": matrix.ACCOUNT_TIMELINE,
    "account_history": matrix.ACCOUNT_HISTORY,
    "brief": matrix.BRIEF,
    "meeting_brief": lambda w: reverse("timeline:meeting_brief", args=[w.record("Interaction").pk]),
}
SUPPORT_API = {
    "account": lambda w: f"/api/v1/accounts/{w.account.pk}",
    "brief": matrix.BRIEF_API,
    "meeting_brief": lambda w: f"/api/v1/interactions/{w.record('Interaction').pk}/brief",
    "interactions": lambda w: f"/api/v1/interactions/?account_id={w.account.pk}",
    "loyalty": lambda w: f"/api/v1/loyalty/accounts/{w.account.pk}",
    "referrals": lambda w: "/api/v1/loyalty/referrals",
    "products": lambda w: "/api/v1/products/",
}
SUPPORT_API_GAPS: dict[str, str] = {}
AMOUNTS = sorted({row.amount for row in matrix.ROWS if row.amount is not None})


def _assert_no_money(text, where):
    for amount in AMOUNTS:
        assert not channels.amount_pattern(amount).search(text), f"support reads the amount {amount} on {where}"
    assert "₽" not in text and "RUB" not in text, f"support reads a currency on {where}"


@pytest.mark.parametrize("page", SUPPORT_PAGES)
def test_support_reads_no_money_on_the_accounts_pages(page, probe, db):
    answer = probe.page("support", SUPPORT_PAGES[page](probe.world))
    assert answer.status == 200
    _assert_no_money(answer.text, page)


@pytest.mark.parametrize("endpoint", [
    pytest.param(name, marks=[pytest.mark.xfail(reason=SUPPORT_API_GAPS[name], strict=True, raises=AssertionError)]
                 if name in SUPPORT_API_GAPS else []) for name in SUPPORT_API])
def test_support_reads_no_money_through_the_api(endpoint, probe, db):
    answer = probe.api("support", "get", SUPPORT_API[endpoint](probe.world))
    assert answer.status == 200
    _assert_no_money(answer.text, endpoint)

