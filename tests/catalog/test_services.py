from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from keyaccount.catalog import services
from keyaccount.catalog.models import Product
from keyaccount.core.errors import AccessDenied


def test_the_head_of_sales_keeps_the_catalog(people):
    product = services.product_create(user=people["head"], data={
        "sku": "P-1", "name": "Pump", "list_price": Decimal("10.50"), "currency": "rub"})
    assert product.currency == "RUB"


def test_managers_do_not_edit_the_catalog(people):
    with pytest.raises(AccessDenied):
        services.product_create(user=people["anna"], data={"sku": "P-1", "name": "Pump", "list_price": 1})


@pytest.mark.parametrize("field,value", [("currency", "RUR"), ("list_price", Decimal("-1")), ("sku", "")])
def test_bad_product_fields_are_refused(people, field, value):
    data = {"sku": "P-1", "name": "Pump", "list_price": Decimal("1"), "currency": "RUB", field: value}
    with pytest.raises(ValidationError) as error:
        services.product_create(user=people["head"], data=data)
    assert field in error.value.message_dict
    assert not Product.objects.exists()


def test_support_sees_the_catalogue_without_its_prices(people, client_for, api_as):
    from django.urls import reverse

    from tests.factories import ProductFactory

    product = ProductFactory(name="Boiler KV-7", list_price=Decimal("7345678.00"))
    for page in (reverse("catalog:product_list"), product.get_absolute_url(),
                 reverse("catalog:product_list") + "?sort=-price"):
        html = client_for(people["support"]).get(page).content.decode()
        assert "Boiler KV-7" in html and "7 345 678" not in html and "7,345,678" not in html
    assert api_as("support")("get", f"/api/v1/products/{product.pk}").json()["list_price"] is None
    listed = api_as("support")("get", "/api/v1/products/").json()["items"]
    assert [item["list_price"] for item in listed] == [None]
    assert Decimal(api_as("anna")("get", f"/api/v1/products/{product.pk}").json()["list_price"]) == product.list_price
    assert "7,345,678" in client_for(people["anna"]).get(product.get_absolute_url()).content.decode()
