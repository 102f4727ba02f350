"""REST API for the insights: an account's scores over time, suggestions, the portfolio."""

import datetime as dt

from ninja import Router, Schema

from keyaccount.accounts.queries import account_get_for_user
from keyaccount.core.api import DbId
from keyaccount.insights import queries

router = Router(tags=["insights"])


class ScoreOut(Schema):
    account_id: int
    computed_on: dt.date
    currency: str
    repeat_customer: bool
    purchase_days: int
    days_since_last: int
    usual_gap_days: float | None
    total_spend: float
    p_alive: float | None
    expected_purchases: float | None
    expected_spend: float | None
    clv: float | None
    rfm: str
    abc: str
    xyz: str
    growth_pct: float | None
    health: int | None
    health_parts: dict


class SuggestionOut(Schema):
    account_id: int
    account: str
    reason: str


class SuggestionsOut(Schema):
    promote: list[SuggestionOut]
    demote: list[SuggestionOut]


@router.get("/accounts/{account_id}", response=list[ScoreOut])
def account_scores(request, account_id: DbId):
    """The account's scores, newest first (the last twelve refreshes)."""
    account = account_get_for_user(account_id=account_id, user=request.user)
    return queries.account_history(account=account, user=request.user)


@router.get("/suggestions", response=SuggestionsOut)
def suggestions(request):
    found = queries.suggestions(request.user)
    return {side: [{"account_id": item["score"].account_id, "account": str(item["score"].account),
                    "reason": item["reason"]} for item in items] for side, items in found.items()}
