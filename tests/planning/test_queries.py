"""Plan against actuals on a known data set, exactly: a manager's month, a team's quarter, a
category; the forecast from the weighted pipeline; an account plan's revenue against its target;
whitespace; every relationship-coverage gap."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from keyaccount.accounts.models import ContactRole
from keyaccount.deals import services as deal_services
from keyaccount.planning import queries, services
from keyaccount.planning.models import AccountPlan, SalesPlan
from keyaccount.timeline import services as timeline_services
from tests.factories import AccountFactory, ContactFactory, OrderFactory, OrderLineFactory, ProductFactory

TODAY = dt.date(2026, 3, 20)
D = Decimal

# Relationship gaps are counted in days since the last contact and checked once a week: the clock stops.
pytestmark = pytest.mark.usefixtures("frozen_now")


@pytest.fixture
def book(people):
    """Anna owns Alpha and Beta, Boris owns Gamma; all in the team "Key accounts"."""
    anna, boris = people["anna"], people["boris"]
    alpha = AccountFactory(name="Alpha", owner=anna, industry="energy")
    beta = AccountFactory(name="Beta", owner=anna)
    gamma = AccountFactory(name="Gamma", owner=boris)
    pumps = ProductFactory(category="Pumps")
    service = ProductFactory(category="Service")
    first = OrderFactory(account=alpha, ordered_on=dt.date(2026, 3, 5), total=D("100000"))
    OrderLineFactory(order=first, product=pumps, amount=D("60000"))
    OrderLineFactory(order=first, product=service, amount=D("40000"))
    second = OrderFactory(account=alpha, ordered_on=dt.date(2026, 3, 20), total=D("50000"))
    OrderLineFactory(order=second, product=pumps, amount=D("50000"))
    OrderFactory(account=alpha, ordered_on=dt.date(2026, 3, 18), total=D("999999"), status="cancelled")
    OrderFactory(account=alpha, ordered_on=dt.date(2026, 3, 10), total=D("5000"), currency="USD")
    OrderFactory(account=alpha, ordered_on=dt.date(2026, 4, 2), total=D("30000"))
    OrderFactory(account=beta, ordered_on=dt.date(2026, 3, 15), total=D("20000"))
    OrderFactory(account=beta, ordered_on=dt.date(2025, 3, 10), total=D("80000"))
    OrderFactory(account=gamma, ordered_on=dt.date(2026, 3, 12), total=D("40000"))
    return {"alpha": alpha, "beta": beta, "gamma": gamma}


def plan(**fields):
    return SalesPlan.objects.create(currency="RUB", **fields)


def test_a_managers_month_against_the_order_history_and_last_year(people, book):
    march = plan(user=people["anna"], period_kind="month", period_start=dt.date(2026, 3, 1), amount=D("200000"))
    result = queries.progress(march, today=TODAY)
    # 100 000 + 50 000 (Alpha) + 20 000 (Beta); cancelled, USD and April orders do not count.
    assert result.actual == D("170000.00") and result.percent == D("85.0")
    assert result.last_year == D("80000.00") and result.growth == D("112.5")
    # 14 of March's 21 working days gone by the 20th (the 9th is the holiday for the 8th, a Sunday).
    assert result.expected_to_date == D("133333.33") and result.on_track
    assert [month["cumulative"] for month in result.months] == [D("170000")]


def test_a_teams_quarter_counts_every_member(people, book):
    quarter = plan(team=people["anna"].team, period_kind="quarter", period_start=dt.date(2026, 1, 1),
                   amount=D("300000"))
    result = queries.progress(quarter, today=dt.date(2026, 6, 30))
    assert result.actual == D("210000.00") and result.percent == D("70.0")
    assert [month["cumulative"] for month in result.months] == [D("0"), D("0"), D("210000")]
    assert [month["plan_cumulative"] for month in result.months] == [D("100000.00"), D("200000.00"), D("300000.00")]


def test_a_category_plan_counts_the_lines_of_that_category(people, book):
    pumps = plan(user=people["anna"], period_kind="month", period_start=dt.date(2026, 3, 1), amount=D("100000"),
                 category="Pumps")
    assert queries.progress(pumps, today=TODAY).actual == D("110000.00")


def test_the_forecast_adds_the_weighted_pipeline_of_the_rest_of_the_period(people, book):
    anna = people["anna"]
    for title, amount, close in [("In time", "100000", dt.date(2026, 3, 28)), ("Next month", "500000",
                                                                                 dt.date(2026, 4, 5)),
                                 ("Late", "300000", dt.date(2026, 3, 10))]:
        deal_services.deal_create(user=anna, account=book["alpha"], data={
            "title": title, "amount": D(amount), "expected_close_on": close, "probability": 40})
    march = plan(user=anna, period_kind="month", period_start=dt.date(2026, 3, 1), amount=D("200000"))
    result = queries.progress(march, today=TODAY)
    assert result.pipeline == D("40000.00")
    assert result.forecast == D("210000.00") and result.forecast_percent == D("105.0")


def test_many_plans_at_once_give_each_plans_own_figures_in_two_queries_per_period(people, book,
                                                                                  django_assert_max_num_queries):
    anna, boris = people["anna"], people["boris"]
    deal_services.deal_create(user=boris, account=book["gamma"], data={
        "title": "Pumps for Gamma", "amount": D("100000"), "expected_close_on": dt.date(2026, 3, 28),
        "probability": 50})
    march = {"period_kind": "month", "period_start": dt.date(2026, 3, 1)}
    plans = [plan(user=anna, amount=D("200000"), **march), plan(user=boris, amount=D("50000"), **march),
             plan(team=anna.team, amount=D("300000"), **march),
             plan(team=people["other_head"].team, amount=D("10000"), **march),
             plan(team=anna.team, period_kind="quarter", period_start=dt.date(2026, 1, 1), amount=D("600000"))]
    one_by_one = [queries.progress(each, today=TODAY) for each in plans]
    # A month's plans share their queries; the quarter has its own two.
    with django_assert_max_num_queries(4):
        together = queries.progress_of(plans, today=TODAY)
    figures = [(row.actual, row.last_year, row.pipeline, row.expected_to_date, row.months) for row in together]
    assert figures == [(row.actual, row.last_year, row.pipeline, row.expected_to_date, row.months)
                       for row in one_by_one]
    assert [row.actual for row in together] == [D("170000.00"), D("40000.00"), D("210000.00"), D("0.00"),
                                               D("210000.00")]
    assert [row.pipeline for row in together] == [D("0.00"), D("50000.00"), D("50000.00"), D("0.00"),
                                                 D("50000.00")]


def test_an_account_plan_against_the_accounts_purchases(people, book):
    account_plan = services.account_plan_create(user=people["anna"], account=book["beta"], data={
        "year": 2026, "target_revenue": D("50000")})
    revenue = queries.account_revenue(account_plan, today=dt.date(2026, 12, 31))
    assert (revenue["actual"], revenue["previous"], revenue["percent"], revenue["growth"]) == (
        D("20000"), D("80000"), D("40.0"), D("-75.0"))
    assert not revenue["on_track"]


def test_a_second_plan_for_the_same_year_is_refused(people, book):
    from django.core.exceptions import ValidationError

    services.account_plan_create(user=people["anna"], account=book["beta"], data={"year": 2026})
    with pytest.raises(ValidationError) as error:
        services.account_plan_create(user=people["anna"], account=book["beta"], data={"year": 2026})
    assert "year" in error.value.message_dict
    assert AccountPlan.objects.count() == 1


def test_whitespace_is_what_similar_accounts_buy_and_this_one_does_not(people, book):
    valves = ProductFactory(category="Valves")
    for number in range(3):
        peer = AccountFactory(owner=people["boris"], industry="energy", name=f"Peer {number}")
        order = OrderFactory(account=peer, ordered_on=timezone.localdate() - dt.timedelta(days=30 + number))
        OrderLineFactory(order=order, product=valves, amount=D("1000"))
        OrderLineFactory(order=order, product=ProductFactory(category="Pumps"), amount=D("1000"))
    other_industry = AccountFactory(owner=people["boris"], industry="retail")
    OrderLineFactory(order=OrderFactory(account=other_industry, ordered_on=timezone.localdate()),
                     product=ProductFactory(category="Furniture"))
    OrderLineFactory(order=OrderFactory(account=book["alpha"], ordered_on=timezone.localdate()),
                     product=ProductFactory(category="Pumps"))
    gaps = queries.whitespace(book["alpha"])
    assert [(gap["category"], gap["buyers"], gap["peers"]) for gap in gaps] == [("Valves", 3, 3)]


def _person(account, name, *roles):
    contact = ContactFactory(account=account, last_name=name)
    for role in roles:
        ContactRole.objects.create(contact=contact, role=role)
    return contact


def _spoke(user, contact, days_ago):
    timeline_services.interaction_create(user=user, account=contact.account, data={
        "kind": "call", "outcome": "answered", "contacts": [contact],
        "starts_at": timezone.now() - dt.timedelta(days=days_ago)})


def codes(account):
    return sorted(gap.code for gap in queries.coverage(account)["gaps"])


def test_each_relationship_gap_is_raised_and_cleared(people, anna_account, settings):
    settings.KAM_COVERAGE_STALE_DAYS = 90
    anna = people["anna"]
    assert codes(anna_account) == ["no_decision_maker", "no_payer"]
    director = _person(anna_account, "Orlov", "decision_maker", "payer")
    _spoke(anna, director, 10)
    assert codes(anna_account) == ["single_person"]
    champion = _person(anna_account, "Sokolova", "champion")
    picture = queries.coverage(anna_account)
    assert [gap.code for gap in picture["gaps"]] == ["stale_contact"]
    assert picture["gaps"][0].contact == champion and "never been contacted" in picture["gaps"][0].message
    _spoke(anna, champion, 5)
    assert codes(anna_account) == []
    _spoke(anna, director, 0)  # the last call counts, not the first
    from keyaccount.timeline.models import Interaction

    Interaction.objects.filter(contacts=director).update(starts_at=timezone.now() - dt.timedelta(days=120))
    gaps = queries.coverage(anna_account)["gaps"]
    assert [gap.code for gap in gaps] == ["stale_contact"] and "120 days ago" in gaps[0].message
    decides = [row for row in queries.coverage(anna_account)["rows"] if row["role"] == "decision_maker"][0]
    assert [person["contact"] for person in decides["people"]] == [director]


def test_a_planned_meeting_is_not_yet_contact(people, anna_account):
    champion = _person(anna_account, "Sokolova", "champion")
    timeline_services.interaction_create(user=people["anna"], account=anna_account, data={
        "kind": "meeting", "subject": "Intro", "contacts": [champion],
        "starts_at": timezone.now() + dt.timedelta(days=3)})
    person = queries.coverage(anna_account)["people"][0]
    assert person["last"] is None and person["stale"]


def test_the_weekly_check_tells_the_manager_of_relationship_gaps_once_a_week(people, anna_account):
    from keyaccount.core.models import Notification

    services.account_plan_create(user=people["anna"], account=anna_account, data={"year": timezone.localdate().year})
    assert services.coverage_alerts() == 1
    assert services.coverage_alerts() == 0  # the same week: nothing twice
    notification = Notification.objects.get(user=people["anna"])
    assert "No decision maker is known" in notification.body and notification.url.startswith("/planning/")
    director = _person(anna_account, "Orlov", "decision_maker", "payer")
    _spoke(people["anna"], director, 1)
    _person(anna_account, "Sokolova", "champion")
    next_week = timezone.localdate() + dt.timedelta(days=7)
    assert services.coverage_alerts(today=next_week) == 1  # the champion nobody has called yet


def test_the_plan_review_date_is_reminded_and_in_the_calendar(people, anna_account):
    from keyaccount.timeline import calendar, reminders
    from keyaccount.timeline.models import Reminder

    review = timezone.localdate() + dt.timedelta(days=10)
    plan = services.account_plan_create(user=people["anna"], account=anna_account, data={
        "year": review.year, "next_review_on": review})
    assert sorted(r.lead_minutes for r in Reminder.objects.filter(source="account_plan_review")) == [0, 3 * 1440]
    moment = dt.datetime.combine(review, dt.time(9, 1), tzinfo=people["anna"].zone)
    assert reminders.deliver_due(now=moment).sent == 2
    assert f"account-plan-review-{plan.pk}@keyaccount" in calendar.calendar_for(people["anna"]).decode()
