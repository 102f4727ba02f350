"""Reads of the insights, with the access rule applied: scores follow their account and are
commercial (only roles that see finances see them)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Max, Min, Q, QuerySet, Sum
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


def _promote_reason(abc: str, xyz: str, clv: float | None, growth: float | None) -> str:
    return _("class %(abc)s%(xyz)s, %(growth)s, lifetime value %(clv)s") % {
        "abc": abc, "xyz": xyz, "clv": f"{clv or 0:,.0f}", "growth": _("growing") if (growth or 0) > 0 else _("steady")}


def _demote_reasons(abc: str, p_alive: float | None) -> list[str]:
    reasons = []
    if abc == "C":
        reasons.append(_("class C: among the smallest buyers"))
    if p_alive is not None and p_alive < 0.3:
        reasons.append(_("%(p).0f %% chance still buying") % {"p": p_alive * 100})
    return reasons


def _suggested(scores: QuerySet[AccountScore], limit: int) -> tuple[QuerySet, QuerySet]:
    promote = scores.exclude(account__status=AccountStatus.KEY).filter(abc="A", xyz__in=["X", "Y"]).order_by("-clv")
    demote = scores.filter(account__status=AccountStatus.KEY).order_by("p_alive")
    return promote[:limit], demote[: limit * 4]


def suggestions(user, *, limit: int = 50) -> dict:
    """Accounts to treat as key (class A, steady X/Y, not shrinking, the highest CLV) and key accounts
    to reconsider (class C, or little chance they still buy), each with the reason."""
    promote, demote = _suggested(latest_scores(user).select_related("account__owner"), limit)
    return {"promote": [{"score": score, "reason": _promote_reason(score.abc, score.xyz, score.clv, score.growth_pct)}
                        for score in promote if score.growth_pct is None or score.growth_pct >= 0],
            "demote": [{"score": score, "reason": "; ".join(reasons)} for score in demote
                       if (reasons := _demote_reasons(score.abc, score.p_alive))][:limit]}


def portfolio_figures(scope: Q, *, limit: int = 50, at_risk: int = 15) -> dict:
    """Everything the portfolio page shows, over the accounts ``scope`` keeps (an ``access.account_q``),
    as plain JSON: counted in the worker and kept per scope (``PortfolioSnapshot``), since it reads every
    order. Words are not in it (each reader's language is applied when the page is drawn)."""
    accounts = Account.objects.filter(scope)
    by_status = dict(accounts.order_by().values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    day = latest_day()
    scores = AccountScore.objects.filter(computed_on=day) if day else AccountScore.objects.none()
    if scope:  # Q() keeps every account: no subquery to run
        scores = scores.filter(account__in=accounts)
    matrix: dict[str, dict[str, dict]] = defaultdict(dict)
    for row in scores.order_by().values("abc", "xyz").annotate(n=Count("id"), spend=Sum("total_spend")):
        matrix[row["abc"] or "–"][row["xyz"] or "–"] = {"n": row["n"], "spend": float(row["spend"] or 0)}
    spends = sorted((float(s) for s in scores.order_by().values_list("total_spend", flat=True)), reverse=True)
    total = sum(spends) or 1.0
    top = max(1, round(len(spends) * 0.2)) if spends else 0
    first = (Order.objects.filter(account__in=accounts).exclude(status__in=NOT_PURCHASES).order_by()
             .values("account_id").annotate(first=Min("ordered_on"), orders=Count("ordered_on", distinct=True)))
    cohorts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in first.iterator(chunk_size=5000):
        quarter = f"{row['first'].year} Q{(row['first'].month - 1) // 3 + 1}"
        cohorts[quarter][0] += 1
        cohorts[quarter][1] += row["orders"] > 1
    promote, demote = _suggested(scores, limit)
    return {
        "day": day.isoformat() if day else None, "by_status": by_status, "matrix": matrix, "scored": len(spends),
        "concentration": sum(spends[:top]) / total if spends else None,
        "conversion": [{"quarter": q, "new": n, "returned": r} for q, (n, r) in sorted(cohorts.items())][-8:],
        "promote": [{"account": s.account_id, "abc": s.abc, "xyz": s.xyz, "clv": s.clv, "growth": s.growth_pct}
                    for s in promote if s.growth_pct is None or s.growth_pct >= 0],
        "demote": [{"account": s.account_id, "abc": s.abc, "p_alive": s.p_alive} for s in demote
                   if _demote_reasons(s.abc, s.p_alive)][:limit],
        "at_risk": [{"account": s.account_id, "health": s.health, "parts": s.health_parts} for s in
                    scores.filter(health__isnull=False).order_by("health", "account_id")[:at_risk]],
        "market": _market_shares(accounts),
    }


def portfolio(user, snapshot) -> dict:
    """The portfolio page from a scope's kept figures: labels in the reader's language, the charts'
    bars, and the accounts of the lists read again through the access rule (one query)."""
    figures = snapshot.figures
    listed = {item["account"] for key in ("promote", "demote", "at_risk") for item in figures[key]}
    names = {account.pk: account for account in Account.objects.filter(access.account_q(user), pk__in=listed)}
    statuses = [(status, label, figures["by_status"].get(status, 0)) for status, label in AccountStatus.choices]
    most = max([count for _s, _l, count in statuses] or [1]) or 1
    conversion = [dict(row, rate=row["returned"] / row["new"] if row["new"] else 0) for row in figures["conversion"]]
    widest = max([row["new"] for row in conversion] or [1]) or 1
    for index, row in enumerate(conversion):
        # Bars of the chart, in SVG units: new buyers, and those who bought again.
        row.update(y=index * 22, new_width=f"{row['new'] * 400 / widest:.1f}",
                   returned_width=f"{row['returned'] * 400 / widest:.1f}")
    return {
        "by_status": statuses, "status_height": 22 * len(statuses),
        "status_bars": [{"label": label, "count": count, "y": index * 22, "width": f"{count * 400 / most:.1f}"}
                        for index, (_status, label, count) in enumerate(statuses)],
        "matrix": figures["matrix"], "concentration": figures["concentration"], "scored": figures["scored"],
        "conversion": conversion, "conversion_height": 22 * max(len(conversion), 1),
        "day": dt.date.fromisoformat(figures["day"]) if figures["day"] else None,
        "suggestions": {
            "promote": [{"account": names[item["account"]], "reason": _promote_reason(
                item["abc"], item["xyz"], item["clv"], item["growth"])} for item in figures["promote"]
                if item["account"] in names],
            "demote": [{"account": names[item["account"]], "reason": "; ".join(_demote_reasons(
                item["abc"], item["p_alive"]))} for item in figures["demote"] if item["account"] in names]},
        "at_risk": [dict(item, account=names[item["account"]]) for item in figures["at_risk"]
                    if item["account"] in names],
        "market": _market_page(figures["market"]),
        "computed_at": snapshot.computed_at, "stale": snapshot.stale,
    }


def _market_shares(accounts: QuerySet[Account], *, quarters: int = 6) -> dict:
    """How key accounts' purchases shift between product categories: each category's share of their
    revenue per quarter, and the biggest movers between the last two full quarters."""
    today = timezone.localdate()
    start_quarter = (today.year * 4 + (today.month - 1) // 3) - quarters
    since = dt.date(start_quarter // 4, (start_quarter % 4) * 3 + 1, 1)
    keys = accounts.filter(status=AccountStatus.KEY)
    rows = (OrderLine.objects.filter(order__account__in=keys, order__ordered_on__gte=since)
            .exclude(order__status__in=NOT_PURCHASES).order_by()
            .values("product__category", "order__ordered_on__year", "order__ordered_on__quarter")
            .annotate(amount=Sum("amount")))
    shares: dict[str, dict[str, Decimal]] = defaultdict(dict)
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        quarter = f"{row['order__ordered_on__year']} Q{row['order__ordered_on__quarter']}"
        category = row["product__category"] or ""
        shares[category][quarter] = shares[category].get(quarter, Decimal(0)) + row["amount"]
        totals[quarter] += row["amount"]
    quarter_list = sorted(totals)
    table = {category: {q: float(values.get(q, 0) / totals[q]) if totals[q] else 0.0 for q in quarter_list}
             for category, values in shares.items()}
    movers = []
    if len(quarter_list) >= 3:  # the current quarter is incomplete: compare the two before it
        before, last = quarter_list[-3], quarter_list[-2]
        movers = sorted(({"category": c, "before": v[before], "last": v[last], "change": v[last] - v[before]}
                         for c, v in table.items()), key=lambda m: (-abs(m["change"]), m["category"]))[:5]
    return {"quarters": quarter_list, "shares": sorted(table.items()), "movers": movers}


def _market_page(market: dict) -> dict:
    """The kept market figures with the products of no category named in the reader's language."""
    def named(category: str) -> str:
        return category or _("Uncategorised")

    return {"quarters": market["quarters"], "shares": sorted((named(c), row) for c, row in market["shares"]),
            "movers": [dict(mover, category=named(mover["category"])) for mover in market["movers"]]}
