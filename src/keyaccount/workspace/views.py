"""My day's page and its two actions (done, snooze), each answering HTMX with the item's section
re-read, so the item leaves the list and an emptied section says what to do next."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from keyaccount.core import access
from keyaccount.core.errors import ConflictError
from keyaccount.core.generic import is_htmx_fragment
from keyaccount.workspace import queries, services
from keyaccount.workspace.choices import ItemKind, SnoozeFor

ACTIONS = ("done", "snooze")


def _scope(request) -> queries.Scope:
    return queries.scope_for(request.user, request.GET.get("manager") or request.POST.get("manager"))


def _context(request, scope: queries.Scope) -> dict:
    return {"scope": scope, "manager_query": f"?{urlencode({'manager': scope.chosen.pk})}" if scope.chosen else "",
            "inform_channels": [(value, label) for value, label in services.Channel.choices
                                if value in services.INFORM_CHANNELS],
            "snooze_choices": SnoozeFor.choices, "now": timezone.now()}


@login_required
def my_day(request):
    """The day of the signed-in manager, or of a head's team (``?manager=`` one of it); support
    agents, who see no money, are sent to their tickets."""
    if not queries.may_open(request.user):
        if access.can(request.user, access.Capability.LOG_INTERACTIONS):
            return redirect(reverse("feedback:ticket_list") + "?state=unsolved")
        raise Http404
    scope = _scope(request)
    sections = queries.my_day(scope)
    return render(request, "workspace/my_day.html", {"sections": sections, **_context(request, scope)})


@login_required
@require_POST
def item_action(request, kind, pk, action):
    """Done or snooze one item (``kind``/``pk``); HTMX gets its section back, a plain form post the page."""
    if kind not in ItemKind.values or action not in ACTIONS or not queries.may_open(request.user):
        raise Http404
    scope = _scope(request)
    status = 200
    try:
        if action == "done":
            services.item_done(user=request.user, kind=kind, object_id=pk, data=request.POST)
        else:
            services.item_snooze(user=request.user, kind=kind, object_id=pk,
                                 how=request.POST.get("until") or SnoozeFor.TOMORROW)
    except (ValidationError, ConflictError) as error:
        status = 400
        text = " ".join(getattr(error, "messages", None) or [str(error)])
        if not is_htmx_fragment(request):
            messages.error(request, text)
    else:
        text = ""
        if not is_htmx_fragment(request):
            messages.success(request, _("Done.") if action == "done" else _("Put off."))
    if not is_htmx_fragment(request):
        target = reverse("workspace:my_day")
        return redirect(target + (f"?{urlencode({'manager': scope.chosen.pk})}" if scope.chosen else ""))
    section = queries.section(scope, queries.SECTION_OF[kind])
    response = render(request, "workspace/_section.html",
                      {"section": section, "error": text, "error_item": f"{kind}-{pk}" if text else "",
                       **_context(request, scope)}, status=status)
    if status == 400:
        # HTMX swaps only 2xx answers by default: say where this one goes (the section, with its message).
        response["HX-Retarget"] = f"#section-{section.key}"
        response["HX-Reswap"] = "outerHTML"
    return response
