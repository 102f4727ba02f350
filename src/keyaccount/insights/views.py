"""The portfolio dashboard: suggestions, churn, the matrix, concentration, conversion, the market."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from keyaccount.core import access
from keyaccount.core.editing import require
from keyaccount.insights import queries, services
from keyaccount.insights.tasks import refresh_now


@login_required
def portfolio(request):
    snapshot = services.portfolio_snapshot(request.user)
    if snapshot is None:
        raise Http404
    return render(request, "insights/portfolio.html", {
        **queries.portfolio(request.user, snapshot),
        "can_refresh": access.can(request.user, access.Capability.REFRESH_SCORES),
    })


@login_required
@require_POST
def refresh(request):
    """Recompute the scores now (in the worker: on a long history it takes a while)."""
    require(access.can(request.user, access.Capability.REFRESH_SCORES))

    refresh_now()
    messages.success(request, _("The scores are being recomputed; reload the page in a minute."))
    return redirect("insights:portfolio")
