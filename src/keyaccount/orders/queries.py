"""Reads of orders, with the access rule applied: orders follow their account, and roles without
the right to see orders (support agents) see none."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

from django.db.models import Count, Max, Min, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from keyaccount.accounts import panels
from keyaccount.core import access
from keyaccount.core.access import Capability
from keyaccount.core.editing import get_or_404
from keyaccount.orders.models import Order, OrderLine, OrderStatus

NOT_PURCHASES = [OrderStatus.DRAFT, OrderStatus.CANCELLED]
# Suggested offers look at the account's main products and, for each, at its latest buyers.
MAIN_PRODUCTS = 8
RECENT_BUYERS = 400
# A drop in purchases over the last twelve months this large is a question for the next meeting.
NOTABLE_DROP = Decimal("0.2")


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


def _counted_lines():
    return OrderLine.objects.exclude(order__status__in=NOT_PURCHASES)


def suggested_offers(account, *, today: dt.date, limit: int = 5, neighbours: int = 30) -> dict:
    """Products that clients like this one buy and this one does not.

    Clients "like this one" are the ``neighbours`` accounts that most often appear among the recent
    buyers of this account's main products (or, for an account that has bought nothing yet, recent
    buyers in the same industry); the offers are the products most of them bought in the last two
    years and this account never did. Each step reads a bounded slice through an index (the latest
    ``RECENT_BUYERS`` lines of a product, the orders of thirty accounts), so the brief costs the same
    on ten million order lines as on a thousand.
    """
    since = today - dt.timedelta(days=730)
    lines = _counted_lines().filter(order__ordered_on__gte=since)
    own = list(lines.filter(order__account=account).values("product_id").annotate(amount=Sum("amount"))
               .order_by("-amount").values_list("product_id", flat=True)[:MAIN_PRODUCTS])
    overlap: Counter[int] = Counter()
    for product_id in own:
        recent = (OrderLine.objects.filter(product_id=product_id).order_by("-order_id")
                  .values_list("order__account_id", flat=True)[:RECENT_BUYERS])
        overlap.update(set(recent) - {account.pk})
    if own:
        similar = [account_id for account_id, _count in overlap.most_common(neighbours)]
        bought = set(OrderLine.objects.filter(order__account=account).values_list("product_id", flat=True)
                     .distinct())
    elif account.industry:
        similar = list(Order.objects.filter(account__industry=account.industry).exclude(account=account)
                       .exclude(status__in=NOT_PURCHASES).order_by("-ordered_on")
                       .values_list("account_id", flat=True)[: neighbours * 10])
        similar = list(dict.fromkeys(similar))[:neighbours]
        bought = set()
    else:
        similar, bought = [], set()
    if not similar:
        return {"offers": [], "neighbours": 0}
    offers = list(lines.filter(order__account__in=similar, product__is_active=True).exclude(product_id__in=bought)
                  .values("product_id", "product__name", "product__sku")
                  .annotate(buyers=Count("order__account", distinct=True)).filter(buyers__gte=2)
                  .order_by("-buyers", "product__name")[:limit])
    return {"offers": offers, "neighbours": len(similar)}


def account_purchase_brief(*, account, user) -> dict | None:
    """The brief's purchases: the last twelve months against the twelve before, the years, the
    main products, suggested offers, and the questions a drop in purchases raises."""
    if not access.can(user, Capability.VIEW_ORDERS):
        return None
    today = timezone.localdate()
    year_ago = today - dt.timedelta(days=365)
    purchases = Order.objects.filter(account=account).exclude(status__in=NOT_PURCHASES)
    by_currency = list(purchases.filter(ordered_on__gt=today - dt.timedelta(days=730)).values("currency").annotate(
        last=Sum("total", filter=Q(ordered_on__gt=year_ago)),
        previous=Sum("total", filter=Q(ordered_on__lte=year_ago)),
        last_orders=Count("id", filter=Q(ordered_on__gt=year_ago)),
        previous_orders=Count("id", filter=Q(ordered_on__lte=year_ago)),
    ).order_by("-last", "-previous"))
    years = list(purchases.filter(ordered_on__year__gte=today.year - 3).annotate(year=ExtractYear("ordered_on"))
                 .values("year", "currency").annotate(amount=Sum("total"), orders=Count("id")).order_by("-year"))
    last_order = purchases.aggregate(last=Max("ordered_on"))["last"]
    currency = by_currency[0]["currency"] if by_currency else (years[0]["currency"] if years else None)
    top_products = []
    if currency:
        top_products = list(_counted_lines().filter(order__account=account, order__currency=currency,
                                                    order__ordered_on__gt=year_ago)
                            .values("product_id", "product__name", "product__unit")
                            .annotate(amount=Sum("amount"), quantity=Sum("quantity")).order_by("-amount")[:5])
    trend = by_currency[0] if by_currency else None
    change = None
    questions = []
    if trend and trend["previous"]:
        change = float(((trend["last"] or Decimal("0")) - trend["previous"]) / trend["previous"])
        if change <= -NOTABLE_DROP:
            questions.append(_("Purchases fell by %(percent)s%% over the last twelve months: why?")
                             % {"percent": round(-change * 100)})
    if last_order and last_order <= year_ago:
        since = formats.date_format(last_order, "SHORT_DATE_FORMAT")
        questions.append(_("No orders since %(date)s: what changed?") % {"date": since})
    offers = suggested_offers(account, today=today)
    items = [panels.BriefItem(kind="purchases_year", title=str(row["year"]), detail=_("%(count)s orders") % {
        "count": row["orders"]}, amount=row["amount"], currency=row["currency"]) for row in years]
    if trend:
        items.insert(0, panels.BriefItem(
            kind="purchases_last_12_months", title=_("Last 12 months"),
            detail=_("%(count)s orders; the 12 before: %(previous)s") % {
                "count": trend["last_orders"], "previous": trend["previous"] or 0},
            amount=trend["last"] or Decimal("0"), currency=trend["currency"]))
    if last_order:
        items.append(panels.BriefItem(kind="last_order", title=_("The last order"), on=last_order))
    items += [panels.BriefItem(kind="product", title=row["product__name"], record_id=row["product_id"],
                               detail=f"{row['quantity'].normalize():f} {row['product__unit']}".strip(),
                               amount=row["amount"], currency=currency or "") for row in top_products]
    items += [panels.BriefItem(kind="offer", title=row["product__name"], record_id=row["product_id"],
                               detail=_("bought by %(buyers)s of %(neighbours)s similar clients") % {
                                   "buyers": row["buyers"], "neighbours": offers["neighbours"]})
              for row in offers["offers"]]
    return {
        "title": _("Purchases"),
        "items": items,
        "purchase_trend": trend,
        "purchase_change": change,
        "purchase_years": years,
        "last_order_on": last_order,
        "top_products": top_products,
        "currency": currency,
        **offers,
        "questions": questions,
    }
