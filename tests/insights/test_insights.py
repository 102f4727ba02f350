"""Insights in the app: scores refreshed from the order history and kept by day, health with every
part visible, churn alerts with plain reasons to the owner, suggestions, the portfolio page."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from keyaccount.accounts.choices import AccountStatus
from keyaccount.core.models import Notification
from keyaccount.insights import health, services
from keyaccount.insights.models import AccountScore
from tests.factories import AccountFactory, OrderFactory

TODAY = dt.date(2026, 11, 27)


def history(account, days, amount="10000", **extra):
    for day in days:
        OrderFactory(account=account, ordered_on=day, total=Decimal(amount), **extra)


@pytest.fixture
def book(people, anna_account):
    """Anna's key account ordered every 21 days for a year, then stopped 94 days ago; others steady."""
    anna_account.status = AccountStatus.KEY
    anna_account.save()
    stopped = TODAY - dt.timedelta(days=94)
    history(anna_account, [stopped - dt.timedelta(days=21 * k) for k in range(18)], amount="90000")
    steady = AccountFactory(owner=people["anna"], name="Steady Ltd")
    history(steady, [TODAY - dt.timedelta(days=14 * k + 3) for k in range(40)], amount="20000")
    once = AccountFactory(owner=people["boris"], name="Once Ltd")
    history(once, [TODAY - dt.timedelta(days=200)], amount="500")
    return {"slipping": anna_account, "steady": steady, "once": once}


def test_refresh_scores_every_buying_account_and_keeps_the_day(book):
    assert services.refresh(today=TODAY)["scored"] == 3
    score = AccountScore.objects.get(account=book["slipping"], computed_on=TODAY)
    assert score.repeat_customer and score.purchase_days == 18 and score.days_since_last == 94
    assert round(score.usual_gap_days) == 21 and score.abc == "A" and len(score.rfm) == 3
    assert 0 <= score.p_alive <= 1 and score.health is not None  # three customers: the model says little
    once = AccountScore.objects.get(account=book["once"])
    assert not once.repeat_customer
    # Run again the same day: replaced, not doubled; another day: kept beside it.
    services.refresh(today=TODAY)
    services.refresh(today=TODAY + dt.timedelta(days=1))
    assert AccountScore.objects.filter(account=book["slipping"]).count() == 2


def test_a_slipping_key_account_alerts_its_owner_with_the_reasons_once_a_day(book, people):
    result = services.refresh(today=TODAY)
    assert result["alerts"] == 1
    alert = Notification.objects.get(user=people["anna"])
    assert "OOO Severstal Trade" in alert.title
    assert "no order for 94 days; usually orders every 21 days" in alert.body
    assert services.churn_alerts(today=TODAY, currency="RUB") == 0


def test_health_parts_add_up_to_the_score_and_each_says_why():
    facts = health.Facts(days_since_last=42, usual_gap_days=21, growth_pct=-50, p_alive=0.5, paid_on_time=3,
                         payments_due=4, contacts=2, decision_maker=True, payer=False, days_since_contact=30,
                         overdue_obligations=1)
    points, parts = health.score(facts, {"rhythm": 1, "trend": 1, "p_alive": 1, "payment": 1, "contacts": 1,
                                         "last_contact": 1, "obligations": 1})
    # rhythm 0.5, trend 0, p_alive 0.5, payment 0.75, contacts (1 + 0 + 2/3)/3, last contact 1, obligations 0.5.
    expected = (0.5 + 0 + 0.5 + 0.75 + (1 + 2 / 3) / 3 + 1 + 0.5) / 7 * 100
    assert points == round(expected)
    assert round(sum(part["contribution"] for part in parts.values())) == points
    assert health.describe("rhythm", parts["rhythm"]["figures"]) == "last order 42 days ago; usually every 21 days"
    assert health.describe("payment", parts["payment"]["figures"]) == "3 of 4 invoices paid on time in a year"
    with translation.override("ru"):  # "из" takes the genitive: singular after 1 (and 21, 51…), plural after the rest
        assert health.describe("payment", {"on_time": 50, "due": 51}) == "50 из 51 счёта оплачены в срок за год"
        assert health.describe("payment", {"on_time": 3, "due": 4}) == "3 из 4 счетов оплачены в срок за год"


def test_weights_come_from_the_settings(settings):
    settings.KAM_HEALTH_WEIGHTS = "rhythm=2,trend=0,bogus=5,payment=x"
    assert health.weights() == {"rhythm": 2.0, "trend": 0.0}


def test_the_portfolio_page_and_the_account_panel(book, people, client_for):
    services.refresh(today=TODAY)
    client = client_for(people["head"])
    page = client.get(reverse("insights:portfolio")).content.decode()
    assert "ABC × XYZ" in page and "Severstal" in page
    account_page = client.get(book["slipping"].get_absolute_url()).content.decode()
    assert "Health and outlook" in account_page and "usually every 21 days" in account_page
    assert client_for(people["support"]).get(reverse("insights:portfolio")).status_code == 404


def test_scores_through_the_api_follow_the_access_rule(book, api_as):
    services.refresh(today=TODAY)
    url = f"/api/v1/insights/accounts/{book['slipping'].pk}"
    body = api_as("anna")("get", url).json()
    assert body[0]["days_since_last"] == 94 and body[0]["health_parts"]["rhythm"]["weight"] == 3
    assert api_as("boris")("get", url).status_code == 404
    assert api_as("support")("get", url).json() == []


def test_kam_insights_refresh(book, capsys):
    call_command("insights", "refresh")
    assert "accounts scored" in capsys.readouterr().out


def test_kam_insights_refresh_says_in_one_line_that_the_database_is_not_ready(monkeypatch):
    from django.core.management import CommandError
    from django.db import OperationalError

    def unmigrated(**kwargs):
        raise OperationalError("no such table: insights_accountscore")

    monkeypatch.setattr(services, "refresh", unmigrated)
    with pytest.raises(CommandError, match="no such table: insights_accountscore"):
        call_command("insights", "refresh")


def test_heads_recompute_the_scores_from_the_page(book, people, client_for):
    from huey.contrib.djhuey import HUEY

    HUEY.flush()
    response = client_for(people["head"]).post(reverse("insights:refresh"))
    assert response.status_code == 302 and HUEY.pending_count() == 1
    # The worker runs it (tests/timeline/test_worker.py runs a real worker); here: it is the refresh.
    assert HUEY.dequeue().name.endswith("refresh_now")
    assert client_for(people["anna"]).post(reverse("insights:refresh")).status_code == 403


def test_each_account_is_scored_in_the_currency_it_buys_in(book, people):
    euro = AccountFactory(owner=people["anna"], name="Euro GmbH")
    history(euro, [TODAY - dt.timedelta(days=30 * k + 5) for k in range(6)], amount="700", currency="EUR")
    assert services.refresh(today=TODAY)["scored"] == 4
    assert AccountScore.objects.get(account=euro).currency == "EUR"
    assert AccountScore.objects.get(account=book["steady"]).currency == "RUB"


def test_open_and_late_complaints_weigh_on_health(book, people):
    from keyaccount.feedback import services as feedback_services
    from keyaccount.feedback.models import Feedback

    account = book["slipping"]
    feedback_services.feedback_create(user=people["admin"], account=account, data={
        "subject": "Late", "text": "…"})
    Feedback.objects.update(response_due=timezone.now() - dt.timedelta(hours=1))
    facts = services._facts([account.pk], timezone.localdate())[account.pk]
    assert (facts["open_complaints"], facts["breached_complaints"]) == (1, 1)
    value, figures = health.parts(health.Facts(days_since_last=1, usual_gap_days=None, growth_pct=None,
                                               p_alive=None, **facts))["complaints"]
    assert value == 1 / 3
    assert health.describe("complaints", figures) == "1 open complaints, 1 of them past their deadline"
