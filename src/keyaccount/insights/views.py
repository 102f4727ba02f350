"""The portfolio dashboard: suggestions, churn, the matrix, concentration, conversion, the market."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from keyaccount.insights import queries


@login_required
def portfolio(request):
    if not queries.sees_insights(request.user):
        raise Http404
    return render(request, "insights/portfolio.html", {
        **queries.portfolio(request.user), "suggestions": queries.suggestions(request.user),
        "market": queries.market_indicator(request.user),
        "at_risk": queries.latest_scores(request.user).filter(health__isnull=False).select_related("account")
        .order_by("health")[:15],
    })
