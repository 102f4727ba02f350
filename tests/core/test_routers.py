"""The read replica (KAM_DATABASE_REPLICA_URL) and its router: a page marked read-only reads from the
replica; every write, every unmarked page, every POST, every read inside a transaction or after a write,
and the session, sign-in and cache tables go to the primary.

The replica here is a second alias on the tests' own database (a TEST mirror of ``default``, as
settings.as_replica makes it) whose connections are read-only, so a write sent there would fail; which
alias ran a query is seen by capturing each connection's queries. Rows must be committed for the second
connection to see them, hence transactional tests.
"""

from __future__ import annotations

import datetime as dt
import runpy

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connections, router, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import keyaccount.settings
from keyaccount.accounts.models import Account
from keyaccount.core.routers import PRIMARY, REPLICA, read_only_view, reads_from_replica
from keyaccount.settings import as_replica
from keyaccount.timeline.models import Interaction
from tests.factories import AccountFactory

ROUTERS = ["keyaccount.core.routers.ReplicaRouter"]
BOTH = [PRIMARY, REPLICA]


@pytest.fixture(scope="module", autouse=True)
def replica_alias(django_db_setup):
    """The ``replica`` alias for this module's tests only, made as settings make it from the primary's
    (test) database. Module-scoped so it exists before pytest-django checks the tests' databases."""
    primary = connections[PRIMARY].settings_dict
    connections.settings[REPLICA] = as_replica({**primary}, primary=primary)
    yield
    connections[REPLICA].close()
    del connections[REPLICA]
    del connections.settings[REPLICA]


@pytest.fixture
def routed(settings):
    settings.DATABASE_ROUTERS = ROUTERS


class Queries:
    """The SQL each alias ran inside the block."""

    def __enter__(self):
        self.captured = {alias: CaptureQueriesContext(connections[alias]) for alias in BOTH}
        for context in self.captured.values():
            context.__enter__()
        return self

    def __exit__(self, *exc):
        for context in self.captured.values():
            context.__exit__(*exc)

    def on(self, alias, table=""):
        return [query["sql"] for query in self.captured[alias].captured_queries if table in query["sql"]]


@pytest.fixture
def quiet_account(people):
    quiet = AccountFactory(name="Quiet Ltd", owner=people["anna"], status="repeat")
    Interaction.objects.create(kind="note", account=quiet, owner=people["anna"],
                               starts_at=timezone.now() - dt.timedelta(days=40))
    return quiet


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_a_marked_report_reads_from_the_replica_and_its_post_and_unmarked_pages_from_the_primary(
        routed, people, quiet_account, client_for):
    client = client_for(people["head"])
    report = reverse("timeline:activity")
    with Queries() as queries:
        page = client.get(report)
    assert page.status_code == 200 and "Quiet Ltd" in page.content.decode()
    assert queries.on(REPLICA, "timeline_interaction") and not queries.on(PRIMARY, "timeline_interaction")
    # The session and the signed-in user are read before the page, from the primary.
    assert queries.on(PRIMARY, "django_session") and not queries.on(REPLICA, "django_session")

    with Queries() as queries:
        posted = client.post(report)
    assert posted.status_code == 200 and "Quiet Ltd" in posted.content.decode()
    assert queries.on(REPLICA) == [] and queries.on(PRIMARY, "timeline_interaction")

    with Queries() as queries:
        account_page = client.get(quiet_account.get_absolute_url())
    assert account_page.status_code == 200 and "Quiet Ltd" in account_page.content.decode()
    assert queries.on(REPLICA) == [] and queries.on(PRIMARY, "accounts_account")


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_writes_go_to_the_primary_and_what_follows_a_write_or_sits_in_a_transaction_reads_there_too(
        routed, people, quiet_account):
    with reads_from_replica():
        with Queries() as queries:
            assert Account.objects.get(pk=quiet_account.pk).name == "Quiet Ltd"
            assert Session.objects.count() == 0
            cache.set("kam:probe", 1)
            assert cache.get("kam:probe") == 1
        assert queries.on(REPLICA, "accounts_account") and not queries.on(PRIMARY, "accounts_account")
        # Sessions and the cache (rate limits) must be seen as just written: always the primary.
        assert queries.on(PRIMARY, "django_session") and queries.on(PRIMARY, "kam_cache")
        assert not queries.on(REPLICA, "django_session") and not queries.on(REPLICA, "kam_cache")

        with Queries() as queries, transaction.atomic():
            Account.objects.filter(pk=quiet_account.pk).exists()
        assert queries.on(REPLICA) == [] and queries.on(PRIMARY, "accounts_account")

        with Queries() as queries:
            AccountFactory(name="Fresh Ltd", owner=people["anna"])
            # Read right after the write: a lagging replica would not have it yet.
            assert Account.objects.filter(name="Fresh Ltd").exists()
        assert queries.on(REPLICA) == []
        assert [sql for sql in queries.on(PRIMARY, "accounts_account") if sql.startswith("INSERT")]

    # The replica's connections take no writes: one routed there by mistake fails rather than vanishes.
    with pytest.raises(DatabaseError), transaction.atomic(using=REPLICA):
        Account.objects.using(REPLICA).filter(pk=quiet_account.pk).update(name="Lost")


def test_the_router_never_migrates_the_replica():
    from keyaccount.core.routers import ReplicaRouter

    assert ReplicaRouter().allow_migrate(REPLICA, "accounts") is False
    assert ReplicaRouter().allow_migrate(PRIMARY, "accounts") is None


def test_a_view_marked_read_only_renders_a_lazy_response_inside_and_says_it_is_marked(rf, settings):
    from django.template.response import TemplateResponse

    settings.DATABASE_ROUTERS = ROUTERS
    seen = []

    class Probe(TemplateResponse):
        def render(self):
            seen.append(router.db_for_read(Account))
            return super().render()

    @read_only_view
    def page(request):
        return Probe(request, "core/413.html", {"message": ""})

    page(rf.get("/"))
    page(rf.post("/")).render()  # a POST is left to Django to render, as any unmarked page
    assert seen == [REPLICA, PRIMARY] and page.reads_from_replica is True
    assert router.db_for_read(Account) == PRIMARY  # outside the page


def _settings_with(monkeypatch, **env) -> dict:
    """The settings module run afresh with ``env`` (Django's own settings are not touched)."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(keyaccount.settings.__file__)


def test_a_replica_url_adds_the_replica_alias_read_only_and_the_router(monkeypatch, tmp_path):
    configured = _settings_with(monkeypatch, KAM_DATABASE_URL="postgresql://kam@primary:5432/keyaccount",
                                KAM_DATABASE_REPLICA_URL="postgresql://kam@replica:5432/keyaccount")
    replica = configured["DATABASES"]["replica"]
    assert replica["HOST"] == "replica" and replica["TEST"] == {"MIRROR": "default"}
    assert "default_transaction_read_only=on" in replica["OPTIONS"]["options"]
    assert configured["DATABASE_ROUTERS"] == ROUTERS
    without = _settings_with(monkeypatch, KAM_DATABASE_REPLICA_URL="")
    assert "replica" not in without["DATABASES"] and "DATABASE_ROUTERS" not in without


def test_a_replica_of_another_kind_of_database_is_refused():
    with pytest.raises(ImproperlyConfigured, match="same kind of database"):
        as_replica({"ENGINE": "django.db.backends.sqlite3", "NAME": "copy.sqlite3"},
                   primary={"ENGINE": "django.db.backends.postgresql", "NAME": "keyaccount"})


def test_a_storage_url_switches_the_default_storage_and_none_keeps_the_data_folder(monkeypatch):
    configured = _settings_with(monkeypatch, KAM_STORAGE_URL="s3://kam-files/media")
    assert configured["STORAGES"]["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
    local = _settings_with(monkeypatch, KAM_STORAGE_URL="")
    assert local["STORAGES"]["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    with pytest.raises(ImproperlyConfigured, match="KAM_STORAGE_URL"):
        _settings_with(monkeypatch, KAM_STORAGE_URL="s3://")
