"""Reads of orders, with the access rule applied: orders follow their account, and roles without
the right to see orders (support agents) see none."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Max, Min, QuerySet, Sum

from keyaccount.core import access
from keyaccount.core.access import Capability
from keyaccount.core.editing import get_or_404
from keyaccount.orders.models import Order, OrderLine


def orders_visible_to(user) -> QuerySet[Order]:
    if not access.can(user, Capability.VIEW_ORDERS):
        return Order.objects.none()
    return Order.objects.filter(access.account_q(user, prefix="account__"))


def order_get_for_user(*, order_id, user) -> Order:
    return get_or_404(orders_visible_to(user).select_related("account"), order_id)


def order_list(user, *, search: str = "", account_id=None, status: str = "", date_from=None, date_to=None,
               order_by: str = "-ordered_on") -> QuerySet[Order]:
    queryset = orders_visible_to(user).select_related("account")
    if search:
        queryset = queryset.filter(number__icontains=search)
    if account_id:
        queryset = queryset.filter(account_id=account_id)
    if status:
        queryset = queryset.filter(status=status)
    if date_from:
        queryset = queryset.filter(ordered_on__gte=date_from)
    if date_to:
        queryset = queryset.filter(ordered_on__lte=date_to)
    return queryset.order_by(order_by, "-id")


def order_lines(order: Order) -> list[OrderLine]:
    return list(order.lines.select_related("product"))


def account_order_summary(*, account, user) -> dict | None:
    """The account page's order panel: totals per currency and the latest orders, or None for roles
    that do not see orders. Two indexed queries whatever the size of the history."""
    if not access.can(user, Capability.VIEW_ORDERS):
        return None
    orders = Order.objects.filter(account=account)
    totals = list(orders.counted().values("currency").annotate(
        amount=Sum("total"), count=Count("id"), first=Min("ordered_on"), last=Max("ordered_on"),
    ).order_by("-amount"))
    return {
        "order_totals": [{**row, "amount": row["amount"] or Decimal("0")} for row in totals],
        "recent_orders": list(orders.order_by("-ordered_on", "-id")[:15]),
        "order_count": sum(row["count"] for row in totals),
    }
