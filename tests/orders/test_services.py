"""Orders: totals from lines, bad lines reported by line number, nothing half-saved."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from keyaccount.orders import services
from keyaccount.orders.models import Order, OrderLine
from tests.factories import ProductFactory


def test_an_order_total_is_the_sum_of_discounted_lines(people, anna_account):
    pump, seal = ProductFactory(list_price=Decimal("1000.00")), ProductFactory(list_price=Decimal("33.33"))
    order = services.order_create(user=people["anna"], data={
        "number": "A-1", "account": anna_account, "ordered_on": "2026-05-01", "currency": "RUB",
        "lines": [{"product": pump, "quantity": Decimal("3"), "discount_percent": Decimal("10")},
                  {"product": seal, "quantity": Decimal("3")}],
    })
    assert order.total == Decimal("2700.00") + Decimal("99.99")
    assert [line.amount for line in order.lines.order_by("id")] == [Decimal("2700.00"), Decimal("99.99")]


@pytest.mark.parametrize("line,message", [
    ({"quantity": Decimal("-1")}, "Line 1, quantity"),
    ({"quantity": Decimal("1"), "discount_percent": Decimal("150")}, "Line 1, discount"),
])
def test_bad_lines_are_named_and_nothing_is_saved(people, anna_account, line, message):
    product = ProductFactory()
    with pytest.raises(ValidationError) as error:
        services.order_create(user=people["anna"], data={
            "number": "A-2", "account": anna_account, "ordered_on": "2026-05-01", "currency": "RUB",
            "lines": [{"product": product, **line}]})
    assert message in " ".join(error.value.message_dict["lines"])
    assert not Order.objects.exists() and not OrderLine.objects.exists()


def test_an_unknown_currency_is_refused(people, anna_account):
    with pytest.raises(ValidationError) as error:
        services.order_create(user=people["anna"], data={
            "number": "A-3", "account": anna_account, "ordered_on": "2026-05-01", "currency": "XYZ"})
    assert "currency" in error.value.message_dict


def test_orders_on_someone_elses_account_are_refused(people, anna_account):
    with pytest.raises(ValidationError) as error:
        services.order_create(user=people["boris"], data={
            "number": "A-4", "account": anna_account, "ordered_on": "2026-05-01", "currency": "RUB"})
    assert "account" in error.value.message_dict


def test_the_api_reports_bad_lines_as_422(client_for, people, anna_account):
    product = ProductFactory()
    client = client_for(people["anna"])
    order = {"number": "A-5", "account_id": anna_account.pk, "ordered_on": "2026-05-01", "currency": "RUB"}
    negative = client.post("/api/v1/orders/", data={**order, "lines": [
        {"product_id": product.pk, "quantity": "-2"}]}, content_type="application/json")
    assert negative.status_code == 422 and "lines.0.quantity" in negative.json()["errors"]
    unknown = client.post("/api/v1/orders/", data={**order, "lines": [
        {"product_id": product.pk, "quantity": "1"}, {"product_id": 999999, "quantity": "1"}]},
        content_type="application/json")
    assert unknown.status_code == 422
    assert any("Line 2" in message for message in unknown.json()["errors"]["lines"])
    assert not Order.objects.exists()
