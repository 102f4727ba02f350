"""Refreshing the scores: the order history read into one frame, the analytics run on it, one score
row per account and day (the history the trend is read from), health, and churn alerts to the owners."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

import polars as pl
from django.db import transaction
from django.db.models import Case, Count, F, Max, Q, Value, When
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from keyaccount.accounts.choices import AccountStatus, ContactRoleKind
from keyaccount.accounts.models import Contact
from keyaccount.analytics import pipeline
from keyaccount.analytics.errors import InputError
from keyaccount.contracts.models import Obligation
from keyaccount.core import access
from keyaccount.core import services as core_services
from keyaccount.core.choices import NotificationKind
from keyaccount.feedback.choices import OPEN_STATUSES, FeedbackKind
from keyaccount.feedback.models import Feedback
from keyaccount.insights import health, queries
from keyaccount.insights.models import AccountScore, PortfolioSnapshot
from keyaccount.orders.models import Order
from keyaccount.timeline.choices import InteractionKind, MeetingStatus
from keyaccount.timeline.models import Interaction

# A fall in the chance of still buying this large since the last score is an alert.
P_ALIVE_DROP = 0.2
# Silence this many times the account's own usual gap between orders is an alert.
OVERDUE_FACTOR = 2.0
# Revenue down this much (last six months against the six before) is an alert.
TREND_ALERT_PCT = -30.0


def _orders_frame(currency: str, today: dt.date) -> pl.DataFrame:
    rows = (Order.objects.counted()
            .filter(currency=currency, ordered_on__lte=today).values_list("account_id", "ordered_on", "total"))
    frame = pl.DataFrame(list(rows.iterator(chunk_size=20_000)), schema={"account": pl.Int64, "date": pl.Date,
                                                                         "amount": pl.Float64}, orient="row")
    return frame.with_columns(pl.col("account").cast(pl.Utf8).alias("customer"))


def _facts(account_ids: list[int], today: dt.date) -> dict[int, dict]:
    """What the health score needs beyond the orders, a few grouped queries for all accounts."""
    facts: dict[int, dict] = defaultdict(dict)
    year_ago = today - dt.timedelta(days=365)
    payments = (Order.objects.filter(account_id__in=account_ids, payment_due_on__isnull=False,
                                     payment_due_on__gte=year_ago, payment_due_on__lte=today)
                .values("account_id").annotate(due=Count("id"), on_time=Count("id", filter=Q(
                    paid_on__isnull=False, paid_on__lte=F("payment_due_on")))))
    for row in payments:
        facts[row["account_id"]].update(payments_due=row["due"], paid_on_time=row["on_time"])
    people = (Contact.objects.filter(account_id__in=account_ids, erased_at__isnull=True).values("account_id")
              .annotate(n=Count("id", distinct=True),
                        dm=Count("id", filter=Q(roles__role=ContactRoleKind.DECISION_MAKER), distinct=True),
                        payer=Count("id", filter=Q(roles__role=ContactRoleKind.PAYER), distinct=True)))
    for row in people:
        facts[row["account_id"]].update(contacts=row["n"], decision_maker=row["dm"] > 0, payer=row["payer"] > 0)
    now = timezone.now()
    contact = (Interaction.objects.filter(account_id__in=account_ids, starts_at__lte=now)
               .exclude(kind__in=[InteractionKind.TASK, InteractionKind.EVENT])
               .exclude(meeting_status__in=[MeetingStatus.PLANNED, MeetingStatus.CANCELLED])
               .values("account_id").annotate(last=Max("starts_at")))
    for row in contact:
        facts[row["account_id"]]["days_since_contact"] = (today - timezone.localtime(row["last"]).date()).days
    overdue = (Obligation.objects.filter(contract__account_id__in=account_ids, status="open", due_on__lt=today)
               .values("contract__account_id").annotate(n=Count("id")))
    for row in overdue:
        facts[row["contract__account_id"]]["overdue_obligations"] = row["n"]
    late = Q(first_response_at__isnull=True, response_due__lt=now) | Q(resolved_at__isnull=True,
                                                                       resolution_due__lt=now)
    complaints = (Feedback.objects.filter(account_id__in=account_ids, kind=FeedbackKind.COMPLAINT,
                                          status__in=OPEN_STATUSES)
                  .values("account_id").annotate(n=Count("id"), late=Count("id", filter=late)))
    for row in complaints:
        facts[row["account_id"]].update(open_complaints=row["n"], breached_complaints=row["late"])
    return facts


def refresh(*, today: dt.date | None = None) -> dict:
    """Score every account with purchases as of ``today``, each in the currency it buys in most (one
    model per currency: amounts in different currencies do not mix); run again the same day, it
    replaces that day's scores."""
    today = today or timezone.localdate()
    currencies = list(Order.objects.counted()
                      .filter(ordered_on__lte=today).values("currency").annotate(n=Count("id"))
                      .order_by("-n").values_list("currency", flat=True))
    scored: set[int] = set()
    alerts = 0
    with transaction.atomic():
        AccountScore.objects.filter(computed_on=today).delete()
        for currency in currencies:
            rows = _score_currency(currency, today, skip=scored)
            AccountScore.objects.bulk_create(rows, batch_size=2000)
            scored |= {row.account_id for row in rows}
            alerts += churn_alerts(today=today, currency=currency)
    recount_portfolios(only_stale=False)
    return {"scored": len(scored), "alerts": alerts}


def _score_currency(currency: str, today: dt.date, *, skip: set[int]) -> list[AccountScore]:
    orders = _orders_frame(currency, today)
    if skip:
        orders = orders.filter(~pl.col("account").is_in(list(skip)))
    if orders.height == 0:
        return []
    try:
        analysis = pipeline.analyze(orders=orders.select("customer", "date", "amount"), until=today, period="week")
    except InputError:
        return []
    table = analysis.customers
    account_ids = [int(c) for c in table["customer"].to_list()]
    extra = _facts(account_ids, today)
    weighting = health.weights()
    rows = []
    for record in table.to_dicts():
        account_id = int(record["customer"])
        gap = record["recency"] * 7 / record["frequency"] if record["frequency"] else None
        facts = health.Facts(days_since_last=int(record["days_since_last"]), usual_gap_days=gap,
                             growth_pct=record.get("growth_pct"), p_alive=record.get("p_alive"),
                             **extra.get(account_id, {}))
        points, details = health.score(facts, weighting)
        rows.append(AccountScore(
            account_id=account_id, computed_on=today, currency=currency, repeat_customer=record["frequency"] > 0,
            purchase_days=record["purchase_days"], days_since_last=record["days_since_last"], usual_gap_days=gap,
            total_spend=Decimal(str(round(record["total_spend"], 2))), p_alive=record.get("p_alive"),
            expected_purchases=record.get("expected_purchases"), expected_spend=_finite(record.get("expected_spend")),
            clv=_finite(record.get("clv")), rfm=record.get("rfm") or "", abc=record.get("abc") or "",
            xyz=record.get("xyz") or "", growth_pct=record.get("growth_pct"), health=points, health_parts=details))
    return rows


def _finite(value):
    return value if isinstance(value, float) and value == value and abs(value) != float("inf") else None


def churn_reasons(score: AccountScore, previous: AccountScore | None) -> list[str]:
    """Why a key account looks to be slipping away, in plain words (empty when it does not)."""
    reasons = []
    if score.usual_gap_days and score.days_since_last > OVERDUE_FACTOR * score.usual_gap_days:
        reasons.append(_("no order for %(days)s days; usually orders every %(gap)s days") % {
            "days": score.days_since_last, "gap": round(score.usual_gap_days)})
    if previous is not None and score.p_alive is not None and previous.p_alive is not None \
            and previous.p_alive - score.p_alive >= P_ALIVE_DROP:
        reasons.append(_("chance still buying fell from %(before).0f %% to %(now).0f %%") % {
            "before": previous.p_alive * 100, "now": score.p_alive * 100})
    if score.growth_pct is not None and score.growth_pct <= TREND_ALERT_PCT:
        reasons.append(_("revenue %(growth).0f %% in the last six months against the six before") % {
            "growth": score.growth_pct})
    return reasons


def churn_alerts(*, today: dt.date, currency: str) -> int:
    """Key accounts (status "key" or class A) that look to be leaving: a notification to the owner,
    once per account and day, with the reasons."""
    scores = (AccountScore.objects.filter(computed_on=today, currency=currency)
              .filter(Q(account__status=AccountStatus.KEY) | Q(abc="A"))
              .select_related("account__owner"))
    previous = {}
    for row in (AccountScore.objects.filter(computed_on__lt=today, currency=currency,
                                            account_id__in=[s.account_id for s in scores])
                .order_by("account_id", "-computed_on")):
        previous.setdefault(row.account_id, row)
    sent = 0
    for score in scores:
        owner = score.account.owner
        if not owner.is_active:
            continue
        with translation.override(owner.language or None):
            reasons = churn_reasons(score, previous.get(score.account_id))
            if not reasons:
                continue
            notification = core_services.notify(
                user=owner, kind=NotificationKind.CHURN, title=_("%(account)s may be leaving") % {
                    "account": score.account}, body="\n".join(reasons), url=score.account.get_absolute_url(),
                key=f"churn:{score.account_id}:{today.isoformat()}")
        sent += notification is not None
    return sent



# The portfolio's figures, kept per access scope

def _count_portfolio(scope: str, account_scope: Q) -> PortfolioSnapshot:
    began = timezone.now()
    figures = queries.portfolio_figures(account_scope)
    snapshot, created = PortfolioSnapshot.objects.get_or_create(
        scope=scope, defaults={"figures": figures, "computed_at": began})
    if not created:
        PortfolioSnapshot.objects.filter(pk=snapshot.pk).update(
            figures=figures, computed_at=began,
            stale=Case(When(changed_at__gt=began, then=Value(True)), default=Value(False)))
        snapshot.refresh_from_db()
    return snapshot


def portfolio_snapshot(user) -> PortfolioSnapshot | None:
    """The figures of the accounts ``user`` sees, as last counted; counted now the first time their
    scope is asked for (a while on a long history; afterwards the worker keeps them). None for a user
    who does not see insights."""
    if not queries.sees_insights(user):
        return None
    scope = access.scope_key(user)
    return PortfolioSnapshot.objects.filter(scope=scope).first() or _count_portfolio(scope, access.account_q(user))


def recount_portfolios(*, only_stale: bool = True) -> int:
    """Count the kept portfolios again (those marked stale, or all): each with the access rule of its
    scope as it is now; a scope nobody has any more (the user left, or changed role or team) is dropped."""
    snapshots = PortfolioSnapshot.objects.filter(stale=True) if only_stale else PortfolioSnapshot.objects.all()
    counted = 0
    for scope in list(snapshots.values_list("scope", flat=True)):
        account_scope = access.scope_account_q(scope)
        if account_scope is None:
            PortfolioSnapshot.objects.filter(scope=scope).delete()
            continue
        _count_portfolio(scope, account_scope)
        counted += 1
    return counted


def mark_portfolios_stale() -> int:
    """What the figures are made of changed: every kept portfolio is marked (the page says it is being
    recounted). Returns how many were not marked yet: when none, a count is already asked for."""
    fresh = PortfolioSnapshot.objects.filter(stale=False).update(stale=True, changed_at=timezone.now())
    PortfolioSnapshot.objects.filter(stale=True).update(changed_at=timezone.now())
    return fresh


def portfolios_left_stale() -> bool:
    return PortfolioSnapshot.objects.filter(stale=True).exists()
