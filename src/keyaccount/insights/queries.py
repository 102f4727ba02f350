"""Reads of the insights, with the access rule applied: scores follow their account and are
commercial (only roles that see finances see them)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Max, Min, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from keyaccount.accounts.choices import AccountStatus
from keyaccount.accounts.models import Account
from keyaccount.core import access
from keyaccount.core.access import Capability
from keyaccount.insights.models import AccountScore
from keyaccount.orders.models import Order, OrderLine
from keyaccount.orders.queries import NOT_PURCHASES


def sees_insights(user) -> bool:
    return access.can(user, Capability.VIEW_FINANCES)


def scores_visible_to(user) -> QuerySet[AccountScore]:
    if not sees_insights(user):
        return AccountScore.objects.none()
    return AccountScore.objects.filter(access.account_q(user, prefix="account__"))


def latest_day() -> dt.date | None:
    return AccountScore.objects.aggregate(day=Max("computed_on"))["day"]


def latest_scores(user) -> QuerySet[AccountScore]:
    day = latest_day()
    return scores_visible_to(user).filter(computed_on=day) if day else AccountScore.objects.none()


def previous_scores(account_ids, *, before: dt.date, user) -> dict[int, AccountScore]:
    """Each account's score on the last day scored before ``before`` (the day before the latest,
    whatever gap the nightly job left): one aggregate and one read, whatever the history's length."""
    day = AccountScore.objects.filter(computed_on__lt=before).aggregate(day=Max("computed_on"))["day"]
    if day is None or not account_ids:
        return {}
    return {score.account_id: score for score in scores_visible_to(user).filter(
        computed_on=day, account_id__in=list(account_ids))}


def account_history(*, account, user, limit: int = 12) -> list[AccountScore]:
    return list(scores_visible_to(user).filter(account=account).order_by("-computed_on")[:limit])


def account_panel(*, account, user) -> dict | None:
    if not sees_insights(user):
        return None
    history = account_history(account=account, user=user)
    if not history:
        return None
    latest = history[0]
    parts = sorted(latest.health_parts.items(), key=lambda item: -item[1]["weight"])
    return {"score": latest, "parts": parts, "history": list(reversed(history))}


def suggestions(user, *, limit: int = 50) -> dict:
    """Accounts to treat as key (class A, steady X/Y, not shrinking, the highest CLV) and key accounts
    to reconsider (class C, or little chance they still buy), each with the reason."""
    scores = latest_scores(user).select_related("account__owner")
    promote = []
    for score in scores.exclude(account__status=AccountStatus.KEY).filter(abc="A", xyz__in=["X", "Y"]).order_by(
            "-clv")[:limit]:
        if score.growth_pct is None or score.growth_pct >= 0:
            promote.append({"score": score, "reason": _("class %(abc)s%(xyz)s, %(growth)s, lifetime value %(clv)s")
                            % {"abc": score.abc, "xyz": score.xyz, "clv": f"{score.clv or 0:,.0f}",
                               "growth": _("growing") if (score.growth_pct or 0) > 0 else _("steady")}})
    demote = []
    for score in scores.filter(account__status=AccountStatus.KEY).order_by("p_alive")[: limit * 4]:
        reasons = []
        if score.abc == "C":
            reasons.append(_("class C: among the smallest buyers"))
        if score.p_alive is not None and score.p_alive < 0.3:
            reasons.append(_("%(p).0f %% chance still buying") % {"p": score.p_alive * 100})
        if reasons:
            demote.append({"score": score, "reason": "; ".join(reasons)})
    return {"promote": promote, "demote": demote[:limit]}


def portfolio(user) -> dict:
    """The portfolio at a glance: accounts by status, the ABC×XYZ matrix, revenue concentration,
    first-time buyers and their conversion to a second purchase by quarter."""
    accounts = Account.objects.filter(access.account_q(user))
    by_status = dict(accounts.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    scores = latest_scores(user)
    matrix: dict[tuple[str, str], dict] = {}
    for row in scores.values("abc", "xyz").annotate(n=Count("id"), spend=Sum("total_spend")):
        matrix[(row["abc"] or "–", row["xyz"] or "–")] = row
    spends = sorted((float(s) for s in scores.values_list("total_spend", flat=True)), reverse=True)
    total = sum(spends) or 1.0
    top = max(1, round(len(spends) * 0.2)) if spends else 0
    concentration = sum(spends[:top]) / total if spends else None
    first = (Order.objects.filter(account__in=accounts).exclude(status__in=NOT_PURCHASES).values("account_id")
             .annotate(first=Min("ordered_on"), orders=Count("ordered_on", distinct=True)))
    cohorts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in first:
        quarter = f"{row['first'].year} Q{(row['first'].month - 1) // 3 + 1}"
        cohorts[quarter][0] += 1
        cohorts[quarter][1] += row["orders"] > 1
    conversion = [{"quarter": q, "new": n, "returned": r, "rate": r / n if n else 0}
                  for q, (n, r) in sorted(cohorts.items())][-8:]
    widest = max([row["new"] for row in conversion] or [1]) or 1
    for index, row in enumerate(conversion):
        # Bars of the chart, in SVG units: new buyers, and those who bought again.
        row.update(y=index * 22, new_width=f"{row['new'] * 400 / widest:.1f}",
                   returned_width=f"{row['returned'] * 400 / widest:.1f}")
    statuses = [(status, label, by_status.get(status, 0)) for status, label in AccountStatus.choices]
    most = max([count for _s, _l, count in statuses] or [1]) or 1
    status_bars = [{"label": label, "count": count, "y": index * 22, "width": f"{count * 400 / most:.1f}"}
                   for index, (_status, label, count) in enumerate(statuses)]
    return {"by_status": statuses, "status_bars": status_bars, "status_height": 22 * len(statuses),
            "conversion_height": 22 * max(len(conversion), 1),
            "matrix": matrix, "concentration": concentration, "scored": len(spends), "conversion": conversion,
            "day": latest_day()}


def market_indicator(user, *, quarters: int = 6) -> dict:
    """How key accounts' purchases shift between product categories: each category's share of their
    revenue per quarter, and the biggest movers between the last two full quarters."""
    today = timezone.localdate()
    start_quarter = (today.year * 4 + (today.month - 1) // 3) - quarters
    since = dt.date(start_quarter // 4, (start_quarter % 4) * 3 + 1, 1)
    keys = Account.objects.filter(access.account_q(user), status=AccountStatus.KEY)
    rows = (OrderLine.objects.filter(order__account__in=keys, order__ordered_on__gte=since)
            .exclude(order__status__in=NOT_PURCHASES)
            .values("product__category", "order__ordered_on__year", "order__ordered_on__quarter")
            .annotate(amount=Sum("amount")))
    shares: dict[str, dict[str, Decimal]] = defaultdict(dict)
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        quarter = f"{row['order__ordered_on__year']} Q{row['order__ordered_on__quarter']}"
        category = row["product__category"] or _("Uncategorised")
        shares[category][quarter] = shares[category].get(quarter, Decimal(0)) + row["amount"]
        totals[quarter] += row["amount"]
    quarter_list = sorted(totals)
    table = {category: {q: float(values.get(q, 0) / totals[q]) if totals[q] else 0.0 for q in quarter_list}
             for category, values in shares.items()}
    movers = []
    if len(quarter_list) >= 3:  # the current quarter is incomplete: compare the two before it
        before, last = quarter_list[-3], quarter_list[-2]
        movers = sorted(({"category": c, "before": v[before], "last": v[last], "change": v[last] - v[before]}
                         for c, v in table.items()), key=lambda m: -abs(m["change"]))[:5]
    return {"quarters": quarter_list, "shares": sorted(table.items()), "movers": movers}
