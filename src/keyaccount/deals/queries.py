"""Reads of the pipeline with the access rule applied: deals and proposals follow their account,
and only roles that see finances see them."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from keyaccount.accounts import panels
from keyaccount.accounts.models import Account
from keyaccount.core import access
from keyaccount.core.access import Capability
from keyaccount.core.editing import get_or_404
from keyaccount.deals.choices import DealKind, ProposalStatus, StageOutcome
from keyaccount.deals.models import Deal, DealStageChange, Proposal, ProposalTemplate, Stage

# Cards each board column shows; the rest of a column is one click away in the list.
BOARD_CARDS = 30
CARD_FIELDS = ("id", "version", "title", "kind", "amount", "currency", "probability", "expected_close_on", "stage_id",
               "account__id", "account__name", "account__short_name")


def sees_deals(user) -> bool:
    return access.can(user, Capability.VIEW_FINANCES)


def deals_visible_to(user) -> QuerySet[Deal]:
    if not sees_deals(user):
        return Deal.objects.none()
    if access.sees_all_accounts(user):
        return Deal.objects.all()
    # The visible accounts as a subquery: the database reads a manager's accounts through the
    # owner index and their deals through the account index, rather than testing every deal.
    return Deal.objects.filter(account_id__in=Account.objects.filter(access.account_q(user)).values("pk"))


def deal_get_for_user(*, deal_id, user) -> Deal:
    return get_or_404(deals_visible_to(user).select_related("account", "owner", "stage", "contact", "lost_to")
                      .prefetch_related("products"), deal_id)


def stages(*, active_only: bool = True) -> list[Stage]:
    queryset = Stage.objects.all()
    return list(queryset.filter(is_active=True) if active_only else queryset)


def stage_get(*, stage_id) -> Stage:
    return get_or_404(Stage.objects.all(), stage_id)


def _filtered(queryset: QuerySet[Deal], filters: dict) -> QuerySet[Deal]:
    if filters.get("q"):
        term = filters["q"]
        queryset = queryset.filter(Q(title__icontains=term) | Q(account__name__icontains=term)
                                   | Q(account__short_name__icontains=term) | Q(tender_number__icontains=term))
    if filters.get("account"):
        queryset = queryset.filter(account_id=filters["account"])
    if filters.get("owner"):
        queryset = queryset.filter(owner_id=filters["owner"])
    if filters.get("stage"):
        queryset = queryset.filter(stage_id=filters["stage"])
    if filters.get("kind"):
        queryset = queryset.filter(kind=filters["kind"])
    state = filters.get("state")
    if state in (StageOutcome.OPEN, StageOutcome.WON, StageOutcome.LOST):
        queryset = queryset.filter(stage__outcome=state)
    if filters.get("close_from"):
        queryset = queryset.filter(expected_close_on__gte=filters["close_from"])
    if filters.get("close_to"):
        queryset = queryset.filter(expected_close_on__lte=filters["close_to"])
    return queryset


def deal_list(user, filters: dict | None = None, order_by: str = "expected_close_on") -> QuerySet[Deal]:
    filters = filters or {}
    return (_filtered(deals_visible_to(user), filters).select_related("account", "owner", "stage")
            .order_by(order_by, "id"))


@dataclass
class BoardColumn:
    stage: Stage
    deals: list[Deal]
    count: int = 0
    # Per currency: the amount and the probability-weighted amount.
    totals: list[dict] = field(default_factory=list)

    @property
    def more(self) -> int:
        return max(0, self.count - len(self.deals))


def board(user, filters: dict | None = None) -> list[BoardColumn]:
    """The kanban board: one column per stage in use (won and lost show the last 90 days), each
    with its count and sums over all its deals and its first ``BOARD_CARDS`` cards.

    Bounded whatever the number of deals: for those who see every account, one grouped query for
    the counts and sums and one index walk of ``BOARD_CARDS`` rows per column; for the others, one
    pass over the deals of the accounts they see (a narrow tuple each), then the cards by id.
    """
    filters = dict(filters or {})
    filters.pop("stage", None)
    filters.pop("state", None)
    visible = _filtered(deals_visible_to(user), filters)
    recent = timezone.localdate() - dt.timedelta(days=90)
    visible = visible.filter(Q(stage__outcome=StageOutcome.OPEN) | Q(closed_on__gte=recent))
    columns = {stage.pk: BoardColumn(stage=stage, deals=[]) for stage in stages()}
    cards = Deal.objects.select_related("account").only(*CARD_FIELDS)
    if access.sees_all_accounts(user):
        sums = visible.order_by().values("stage_id", "currency").annotate(count=Count("id"), amount=Sum("amount"))
        for row in sums:
            _add(columns.get(row["stage_id"]), row["currency"], row["amount"] or Decimal("0"), row["count"])
        for column in columns.values():
            if column.count:
                column.deals = list(cards.filter(pk__in=visible.filter(stage=column.stage).order_by(
                    "expected_close_on", "id").values("pk")[:BOARD_CARDS]).order_by("expected_close_on", "id"))
        return list(columns.values())
    first: dict[int, list[int]] = defaultdict(list)
    totals: dict[tuple[int, str], list] = {}
    for pk, stage_id, currency, amount in visible.order_by("stage_id", "expected_close_on", "id").values_list(
            "pk", "stage_id", "currency", "amount"):
        total = totals.setdefault((stage_id, currency), [Decimal("0"), 0])
        total[0] += amount
        total[1] += 1
        if len(first[stage_id]) < BOARD_CARDS:
            first[stage_id].append(pk)
    for (stage_id, currency), (amount, count) in totals.items():
        _add(columns.get(stage_id), currency, amount, count)
    found = {deal.pk: deal for deal in cards.filter(pk__in=[pk for pks in first.values() for pk in pks])}
    for stage_id, pks in first.items():
        if stage_id in columns:
            columns[stage_id].deals = [found[pk] for pk in pks if pk in found]
    return list(columns.values())


def _add(column: BoardColumn | None, currency: str, amount: Decimal, count: int) -> None:
    if column is not None:
        column.count += count
        column.totals.append({"currency": currency, "amount": amount,
                              "weighted": amount * column.stage.probability / 100})


def time_in_stages(deal: Deal, *, now: dt.datetime | None = None) -> list[dict]:
    """How long the deal spent in each stage (the current one up to now), in stage order."""
    now = now or timezone.now()
    spent: dict[int, int] = defaultdict(int)
    for change in DealStageChange.objects.filter(deal=deal, from_stage__isnull=False):
        spent[change.from_stage_id] += change.seconds_in_previous
    if not deal.stage.is_closed:
        spent[deal.stage_id] += max(0, int((now - deal.stage_entered_at).total_seconds()))
    by_id = {stage.pk: stage for stage in Stage.objects.filter(pk__in=list(spent))}
    return [{"stage": by_id[pk], "days": round(seconds / 86400, 1), "current": pk == deal.stage_id}
            for pk, seconds in sorted(spent.items(), key=lambda item: (by_id[item[0]].position, item[0]))]


def stage_history(deal: Deal) -> QuerySet[DealStageChange]:
    return DealStageChange.objects.filter(deal=deal).select_related("from_stage", "to_stage", "changed_by")


def average_days_in_stage() -> dict[int, float]:
    """Per stage, the mean days deals spent there before moving on, over the whole company: a
    yardstick for any one deal, and an average that shows no one's deals or clients."""
    rows = (DealStageChange.objects.filter(from_stage__isnull=False).values("from_stage_id")
            .annotate(total=Sum("seconds_in_previous"), moves=Count("id")))
    return {row["from_stage_id"]: round(row["total"] / row["moves"] / 86400, 1) for row in rows if row["moves"]}


# Proposals

def proposals_visible_to(user) -> QuerySet[Proposal]:
    if not sees_deals(user):
        return Proposal.objects.none()
    return Proposal.objects.filter(access.account_q(user, prefix="account__"))


def proposal_get_for_user(*, proposal_id, user) -> Proposal:
    return get_or_404(proposals_visible_to(user).select_related("account", "deal", "owner", "contact", "template")
                      .prefetch_related("lines__product"), proposal_id)


def proposal_list(user, filters: dict | None = None, order_by: str = "-created_at") -> QuerySet[Proposal]:
    filters = filters or {}
    queryset = proposals_visible_to(user).select_related("account", "owner")
    if filters.get("q"):
        term = filters["q"]
        queryset = queryset.filter(Q(title__icontains=term) | Q(number__icontains=term)
                                   | Q(account__name__icontains=term))
    for name in ("account", "deal", "owner"):
        if filters.get(name):
            queryset = queryset.filter(**{f"{name}_id": filters[name]})
    if filters.get("status"):
        queryset = queryset.filter(status=filters["status"])
    return queryset.order_by(order_by, "-id")


def templates() -> QuerySet[ProposalTemplate]:
    return ProposalTemplate.objects.select_related("uploaded_by")


def template_get(*, template_id) -> ProposalTemplate:
    return get_or_404(ProposalTemplate.objects.all(), template_id)


# The account page and the brief

def account_deals_panel(*, account, user) -> dict | None:
    if not sees_deals(user):
        return None
    deals = Deal.objects.filter(account=account).select_related("stage", "owner")
    return {
        "open_deals": list(deals.filter(stage__outcome=StageOutcome.OPEN).order_by("expected_close_on", "id")[:20]),
        "closed_deals": list(deals.exclude(stage__outcome=StageOutcome.OPEN).order_by("-closed_on", "-id")[:10]),
        "proposals": list(Proposal.objects.filter(account=account).order_by("-created_at", "-id")[:10]),
        "can_edit_deals": access.can_edit_deals_of(user, account),
    }


def _day(day: dt.date | None) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT") if day else ""


def account_deals_brief(*, account, user) -> dict | None:
    """The brief's pipeline: open deals and tenders with their stage and next date, proposals
    awaiting an answer, and what was lost lately and to whom."""
    if not sees_deals(user):
        return None
    today = timezone.localdate()
    deals = Deal.objects.filter(account=account).select_related("stage", "lost_to")
    open_deals = list(deals.filter(stage__outcome=StageOutcome.OPEN).order_by("expected_close_on", "id")[:10])
    waiting = list(Proposal.objects.filter(account=account, status=ProposalStatus.SENT).order_by("-sent_on")[:5])
    lost = list(deals.filter(stage__outcome=StageOutcome.LOST, closed_on__gte=today - dt.timedelta(days=365))
                .order_by("-closed_on")[:5])
    questions = []
    for proposal in waiting:
        questions.append(_("What do they think of proposal %(number)s (sent %(date)s)?") % {
            "number": proposal.full_number, "date": _day(proposal.sent_on)})
    for deal in open_deals:
        if deal.expected_close_on and deal.expected_close_on < today:
            questions.append(_("Deal «%(title)s» was expected to close on %(date)s: what holds it?") % {
                "title": deal.title, "date": _day(deal.expected_close_on)})
        if deal.kind == DealKind.TENDER and deal.submission_deadline and deal.submission_deadline > timezone.now():
            questions.append(_("Tender «%(title)s»: is the bid ready for %(date)s?") % {
                "title": deal.title, "date": _day(timezone.localtime(deal.submission_deadline).date())})
    if not (open_deals or waiting or lost):
        return None
    items = [panels.BriefItem(kind="deal", title=deal.title, record_id=deal.pk, detail=str(deal.stage),
                              on=deal.expected_close_on, amount=deal.amount, currency=deal.currency)
             for deal in open_deals]
    items += [panels.BriefItem(kind="proposal", title=proposal.full_number, record_id=proposal.pk,
                               detail=_("awaiting an answer"), on=proposal.sent_on, amount=proposal.total,
                               currency=proposal.currency) for proposal in waiting]
    items += [panels.BriefItem(kind="lost_deal", title=deal.title, record_id=deal.pk, on=deal.closed_on,
                               detail=", ".join(str(part) for part in (deal.get_loss_reason_display(), deal.lost_to)
                                                if part)) for deal in lost]
    return {"title": _("Deals in progress"), "items": items, "open_deals": open_deals, "waiting_proposals": waiting,
            "lost_deals": lost, "questions": questions}
