"""The portfolio page reads its figures kept per access scope: counted the first time a scope is asked
for, marked stale when orders or accounts change and counted again in the worker, the same for everyone
who sees the same accounts and for nobody else, and a page that runs the same queries however many
orders there are."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from keyaccount.accounts import services as account_services
from keyaccount.accounts.choices import AccountStatus
from keyaccount.core import access
from keyaccount.core.choices import Role
from keyaccount.insights import queries, services, tasks
from keyaccount.insights.models import PortfolioSnapshot
from keyaccount.orders import services as order_services
from tests.factories import AccountFactory, OrderFactory, ProductFactory

TODAY = dt.date(2026, 11, 27)


@pytest.fixture
def company(people, anna_account, shared_account):
    """Anna's key account buying for a year, Boris's account shared with Anna, the other team's
    account, and a prospect of Anna's with no order."""
    anna_account.status = AccountStatus.KEY
    anna_account.save()
    for k in range(12):
        OrderFactory(account=anna_account, ordered_on=TODAY - dt.timedelta(days=30 * k + 5), total=Decimal("50000"))
    OrderFactory(account=shared_account, ordered_on=TODAY - dt.timedelta(days=40), total=Decimal("7000"))
    other = AccountFactory(name="Far Away Ltd", owner=people["other_head"])
    OrderFactory(account=other, ordered_on=TODAY - dt.timedelta(days=10), total=Decimal("900"))
    OrderFactory(account=other, ordered_on=TODAY - dt.timedelta(days=300), total=Decimal("900"))
    prospect = AccountFactory(name="Maybe Ltd", owner=people["anna"], status=AccountStatus.PROSPECT)
    services.refresh(today=TODAY)
    return {"key": anna_account, "shared": shared_account, "other": other, "prospect": prospect}


def figures_for(user):
    return services.portfolio_snapshot(user).figures


def test_the_kept_figures_are_those_of_the_accounts_the_user_sees(company, people):
    for name in ("anna", "boris", "head", "other_head", "analyst", "admin"):
        user = people[name]
        figures = figures_for(user)
        visible = queries.Account.objects.filter(access.account_q(user))
        assert sum(figures["by_status"].values()) == visible.count(), name
        scored = queries.latest_scores(user).count()
        assert figures["scored"] == scored == sum(cell["n"] for row in figures["matrix"].values()
                                                   for cell in row.values()), name
        buyers = visible.filter(orders__isnull=False).distinct().count()
        assert sum(row["new"] for row in figures["conversion"]) == buyers, name
    # Anna sees her key account, the shared one and her prospect; the other team's account is not hers.
    anna = figures_for(people["anna"])
    assert anna["scored"] == 2 and sum(anna["by_status"].values()) == 3
    assert figures_for(people["admin"])["scored"] == 3


def test_everyone_who_sees_every_account_shares_one_count_and_nobody_else_does(company, people):
    services.portfolio_snapshot(people["admin"])
    services.portfolio_snapshot(people["analyst"])
    services.portfolio_snapshot(people["anna"])
    assert sorted(PortfolioSnapshot.objects.values_list("scope", flat=True)) == [
        "all", access.scope_key(people["anna"])]
    assert services.portfolio_snapshot(people["support"]) is None  # support does not see finances


def test_a_user_moved_to_another_role_gets_a_new_count_and_the_old_one_goes(company, people):
    anna = people["anna"]
    old_scope = services.portfolio_snapshot(anna).scope
    anna.role = Role.ANALYST
    anna.save()
    assert services.portfolio_snapshot(anna).scope == "all"
    assert services.recount_portfolios(only_stale=False) == 1
    assert not PortfolioSnapshot.objects.filter(scope=old_scope).exists()


def test_a_new_order_marks_the_figures_stale_until_the_worker_counts_them_again(
        company, people, client_for, django_capture_on_commit_callbacks):
    admin = people["admin"]
    before = figures_for(admin)
    page = client_for(admin).get(reverse("insights:portfolio")).content.decode()
    assert "being recounted" not in page
    with django_capture_on_commit_callbacks() as callbacks:
        order_services.order_create(user=admin, data={
            "account": company["prospect"], "number": "N-1", "ordered_on": TODAY, "currency": "RUB",
            "lines": [{"product": ProductFactory(), "quantity": Decimal("1")}]})
    assert len(callbacks) == 1  # the recount is asked for once the order is committed
    assert PortfolioSnapshot.objects.get(scope="all").stale
    page = client_for(admin).get(reverse("insights:portfolio")).content.decode()
    assert "being recounted" in page
    tasks.recount_portfolios.call_local()
    after = PortfolioSnapshot.objects.get(scope="all")
    assert not after.stale
    # The prospect's first purchase: one more new buyer in this quarter.
    new_buyers = {row["quarter"]: row["new"] for row in before["conversion"]}
    assert {row["quarter"]: row["new"] for row in after.figures["conversion"]} == {
        **new_buyers, "2026 Q4": new_buyers.get("2026 Q4", 0) + 1}


def test_a_change_while_counting_leaves_the_figures_marked(company, people, monkeypatch):
    services.portfolio_snapshot(people["admin"])
    services.mark_portfolios_stale()
    real = queries.portfolio_figures

    def count_while_an_order_arrives(scope):
        figures = real(scope)
        services.mark_portfolios_stale()
        return figures

    monkeypatch.setattr(queries, "portfolio_figures", count_while_an_order_arrives)
    services.recount_portfolios()
    assert PortfolioSnapshot.objects.get(scope="all").stale
    assert services.portfolios_left_stale()


def test_an_account_moved_to_another_manager_marks_the_figures_and_leaves_the_lists_at_once(company, people,
                                                                                            client_for):
    anna, head = people["anna"], people["head"]
    assert company["key"].pk in [item["account"] for item in figures_for(anna)["at_risk"]]
    account = company["key"]
    account_services.account_update(user=head, account=account, data={"owner": people["boris"]},
                                    version=account.version)
    assert PortfolioSnapshot.objects.get(scope=access.scope_key(anna)).stale
    # Before the recount, the kept list still names the account; the page reads it through the rule.
    page = client_for(anna).get(reverse("insights:portfolio")).content.decode()
    assert account.name not in page
    services.recount_portfolios()
    assert company["key"].pk not in [item["account"] for item in figures_for(anna)["at_risk"]]


def test_an_edit_that_changes_nothing_counted_does_not_mark_the_figures(company, people):
    services.portfolio_snapshot(people["anna"])
    account = company["key"]
    account_services.account_update(user=people["anna"], account=account, data={"website": "https://example.ru"},
                                    version=account.version)
    assert not PortfolioSnapshot.objects.filter(stale=True).exists()


def test_the_page_runs_the_same_queries_however_many_orders_and_accounts(company, people, client_for):
    client = client_for(people["head"])
    url = reverse("insights:portfolio")
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for index in range(30):
        account = AccountFactory(name=f"More {index}", owner=people["boris"])
        for k in range(5):
            OrderFactory(account=account, ordered_on=TODAY - dt.timedelta(days=20 * k + index),
                         total=Decimal("1000"))
    services.refresh(today=TODAY)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small)
    assert not any("orders_order" in query["sql"] for query in large.captured_queries)
