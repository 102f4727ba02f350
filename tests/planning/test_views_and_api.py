"""Planning in pages and the API: plan against actuals with the chart and XLSX, who sets plans,
account plans with initiatives and the one-page PDF."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from keyaccount.planning import services
from keyaccount.planning.models import SalesPlan
from tests.clock import FROZEN_NOW
from tests.factories import OrderFactory

# March's plan is compared with March's orders: the year runs past March (FROZEN_NOW), whatever day it is.
pytestmark = pytest.mark.usefixtures("frozen_now")
YEAR = FROZEN_NOW.year


@pytest.fixture
def march_plan(people, anna_account):
    OrderFactory(account=anna_account, ordered_on=dt.date(YEAR, 3, 5), total=Decimal("150000"))
    return services.plan_create(user=people["head"], data={
        "user": people["anna"], "period_kind": "month", "period_start": dt.date(YEAR, 3, 1),
        "amount": Decimal("200000"), "currency": "RUB"})


def test_the_plan_page_shows_plan_actual_and_the_chart_and_exports(client_for, people, march_plan):
    client = client_for(people["head"])
    page = client.get(reverse("planning:plan_progress"), {"year": YEAR}).content.decode()
    assert "<svg" in page and "75.0" in page
    xlsx = client.get(reverse("planning:plan_progress"), {"year": YEAR, "format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert rows[1][4:7] == (200000, 150000, 75)


def test_who_sets_plans(people, march_plan):
    from keyaccount.core.errors import AccessDenied

    with pytest.raises(AccessDenied):
        services.plan_create(user=people["anna"], data={"user": people["anna"], "period_kind": "year",
                                                        "period_start": dt.date(YEAR, 1, 1), "amount": 1})
    with pytest.raises(AccessDenied):  # another team's head
        services.plan_update(user=people["other_head"], plan=march_plan, data={"amount": 1}, version=None)


@pytest.mark.parametrize("data,field", [
    ({"period_kind": "quarter", "period_start": dt.date(YEAR, 2, 1)}, "period_start"),
    ({"period_kind": "month", "period_start": dt.date(YEAR, 3, 1)}, "period_start"),  # the same plan again
    ({"period_kind": "month", "period_start": dt.date(YEAR, 4, 1), "amount": Decimal("-5")}, "amount"),
])
def test_bad_plans_are_refused_at_their_field(people, march_plan, data, field):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.plan_create(user=people["head"], data={"user": people["anna"], "amount": Decimal("1"),
                                                        "currency": "RUB", **data})
    assert field in error.value.message_dict
    assert SalesPlan.objects.count() == 1


def test_plans_through_the_api_and_the_access_rule(api_as, people, march_plan):
    progress = api_as("anna")("get", f"/api/v1/plans/{march_plan.pk}/progress").json()
    assert progress["actual"] == "150000.00" and progress["percent"] == "75.0"
    assert api_as("boris")("get", f"/api/v1/plans/{march_plan.pk}").status_code == 404
    assert api_as("other_head")("get", f"/api/v1/plans/{march_plan.pk}").status_code == 404
    assert api_as("support")("get", "/api/v1/plans/").json()["count"] == 0
    created = api_as("head")("post", "/api/v1/plans/", {"team_id": people["anna"].team_id, "period_kind": "year",
                                                         "period_start": f"{YEAR}-01-01", "amount": "1000000"})
    assert created.status_code == 201
    refused = api_as("anna")("post", "/api/v1/plans/", {"user_id": people["anna"].pk, "period_kind": "year",
                                                         "period_start": f"{YEAR}-01-01", "amount": "1"})
    assert refused.status_code == 403


def test_an_account_plan_from_the_account_page_with_initiatives_and_a_printable_page(client_for, people,
                                                                                    anna_account):
    client = client_for(people["anna"])
    assert "Open the plan for" in client.get(anna_account.get_absolute_url()).content.decode()
    created = client.post(reverse("planning:account_plan_create", args=[anna_account.pk]), {
        "year": YEAR, "target_revenue": "1000000", "currency": "RUB", "client_goals": "Cut downtime by 20 %"})
    assert created.status_code == 302
    plan_url = created["Location"]
    refused = client.post(plan_url + "initiatives/", {"title": "", "status": "planned"})
    assert refused.status_code == 400
    client.post(plan_url + "initiatives/", {"title": "Pilot the new pump line", "status": "planned",
                                            "due_on": f"{YEAR}-06-30"})
    page = client.get(plan_url).content.decode()
    assert "Pilot the new pump line" in page and "No decision maker is known" in page
    pdf = client.get(plan_url + "print/")
    assert pdf.status_code == 200 and pdf.content[:4] == b"%PDF"


def test_account_plans_through_the_api(api_as, anna_account):
    api = api_as("anna")
    created = api("post", "/api/v1/account-plans/", {"account_id": anna_account.pk, "year": YEAR,
                                                     "target_revenue": "500000"})
    assert created.status_code == 201
    plan_id = created.json()["id"]
    assert api("post", f"/api/v1/account-plans/{plan_id}/initiatives", {"title": "Meet the CFO"}).status_code == 201
    picture = api("get", f"/api/v1/account-plans/{plan_id}/picture").json()
    assert {gap["code"] for gap in picture["gaps"]} == {"no_decision_maker", "no_payer"}
    assert api_as("boris")("get", f"/api/v1/account-plans/{plan_id}").status_code == 404
    duplicate = api("post", "/api/v1/account-plans/", {"account_id": anna_account.pk, "year": YEAR})
    assert duplicate.status_code == 422 and "year" in duplicate.json()["errors"]
