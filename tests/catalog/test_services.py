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
