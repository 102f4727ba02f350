"""REST API for orders and their lines."""


import datetime as dt
from decimal import Decimal

from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from keyaccount.core.api import DbId, InputSchema, Pagination, Version, patch_data
from keyaccount.orders import queries, services
from keyaccount.orders.models import Order, OrderLine, OrderStatus

router = Router(tags=["orders"])


class OrderLineOut(Schema):
    id: int
    product_id: int
    quantity: Decimal
    unit_price: Decimal
    discount_percent: Decimal
    amount: Decimal


class OrderLineIn(InputSchema):
    django_model = OrderLine
    product_id: DbId
    quantity: Decimal
    unit_price: Decimal | None = Field(None, description="Empty: the product's list price")
    discount_percent: Decimal = Decimal("0")


class OrderOut(Schema):
    id: int
    version: int
    number: str
    account_id: int
    ordered_on: dt.date
    currency: str
    total: Decimal
    status: OrderStatus
    payment_due_on: dt.date | None
    paid_on: dt.date | None
    notes: str
    lines: list[OrderLineOut]

    @staticmethod
    def resolve_lines(obj: Order):
        return list(obj.lines.all())


class OrderIn(InputSchema):
    django_model = Order
    number: str = Field(max_length=64)
    account_id: DbId
    ordered_on: dt.date
    currency: str = Field("RUB", max_length=3)
    status: OrderStatus = OrderStatus.CONFIRMED
    payment_due_on: dt.date | None = None
    paid_on: dt.date | None = None
    notes: str = ""
    lines: list[OrderLineIn] = []


class OrderPatch(InputSchema):
    django_model = Order
    version: Version
    number: str | None = Field(None, max_length=64)
    ordered_on: dt.date | None = None
    currency: str | None = Field(None, max_length=3)
    status: OrderStatus | None = None
    payment_due_on: dt.date | None = None
    paid_on: dt.date | None = None
    notes: str | None = None
    lines: list[OrderLineIn] | None = None


class OrderFilters(InputSchema):
    q: str = Field("", max_length=100)
    account_id: DbId | None = None
    status: OrderStatus | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


@router.get("/", response=list[OrderOut])
@paginate(Pagination)
def list_orders(request, filters: Query[OrderFilters]):
    return queries.order_list(request.user, search=filters.q, account_id=filters.account_id,
                              status=filters.status or "", date_from=filters.date_from,
                              date_to=filters.date_to).prefetch_related("lines")


@router.get("/{int:order_id}", response=OrderOut)
def get_order(request, order_id: int):
    return queries.order_get_for_user(order_id=order_id, user=request.user)


@router.post("/", response={201: OrderOut})
def create_order(request, payload: OrderIn):
    return Status(201, services.order_create(user=request.user, data=payload.model_dump()))


@router.patch("/{int:order_id}", response=OrderOut)
def update_order(request, order_id: int, payload: OrderPatch):
    order = queries.order_get_for_user(order_id=order_id, user=request.user)
    data = patch_data(payload, Order)
    return services.order_update(user=request.user, order=order, data=data, version=payload.version)


@router.delete("/{int:order_id}", response={204: None})
def delete_order(request, order_id: int):
    order = queries.order_get_for_user(order_id=order_id, user=request.user)
    services.order_delete(user=request.user, order=order)
    return Status(204, None)
