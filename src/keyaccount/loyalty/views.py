"""Loyalty pages: the tiers and recent changes, an account's tier set by hand, referrals, the VIP
club's events with their invitations."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from keyaccount.accounts.models import Contact
from keyaccount.accounts.queries import account_get_for_user, accounts_visible_to
from keyaccount.core import access
from keyaccount.core.generic import submit_form
from keyaccount.loyalty import queries, services
from keyaccount.loyalty.choices import InvitationStatus
from keyaccount.loyalty.forms import AnswerForm, EventForm, InviteForm, OverrideForm, ReferralForm


def _errors_to_messages(request, errors) -> None:
    """A form's or a service's field errors as messages on the page the user returns to."""
    if isinstance(errors, ValidationError):
        errors = errors.message_dict if hasattr(errors, "error_dict") else {None: errors.messages}
    for values in errors.values():
        for message in values:
            messages.error(request, message)


@login_required
def overview(request):
    return render(request, "loyalty/overview.html", {**queries.overview(request.user),
                                                     "event_form": EventForm(),
                                                     "can_plan_events": access.can(request.user,
                                                                                   access.Capability.EDIT_DEALS)})


@login_required
@require_POST
def tier_override(request, account_pk):
    account = account_get_for_user(account_id=account_pk, user=request.user)
    form = OverrideForm(request.POST)
    if form.is_valid():
        try:
            services.tier_override(user=request.user, account=account, **form.cleaned_data)
        except ValidationError as error:
            _errors_to_messages(request, error)
        else:
            messages.success(request, _("Saved."))
    else:
        _errors_to_messages(request, form.errors)
    return redirect(f"{account.get_absolute_url()}#loyalty")


@login_required
@require_POST
def tier_override_clear(request, account_pk):
    account = account_get_for_user(account_id=account_pk, user=request.user)
    services.tier_override_clear(user=request.user, account=account)
    return redirect(f"{account.get_absolute_url()}#loyalty")


@login_required
def referral_create(request, account_pk):
    referrer = account_get_for_user(account_id=account_pk, user=request.user)
    form = ReferralForm(request.POST or None, accounts=accounts_visible_to(request.user).exclude(pk=referrer.pk))
    if request.method == "POST" and form.is_valid():
        done, _referral = submit_form(form, lambda: services.referral_create(
            user=request.user, referrer=referrer, referred=form.cleaned_data["referred"], data=form.cleaned_data))
        if done:
            messages.success(request, _("Saved."))
            return redirect(f"{referrer.get_absolute_url()}#loyalty")
    return render(request, "core/form.html", {"form": form, "object": None, "cancel_url": referrer.get_absolute_url(),
                                              "title": _("Recommended us to…")}, status=400 if form.errors else 200)


@login_required
@require_POST
def event_create(request):
    form = EventForm(request.POST)
    if form.is_valid():
        try:
            event = services.event_create(user=request.user, data=form.cleaned_data)
        except ValidationError as error:
            _errors_to_messages(request, error)
        else:
            return redirect(event.get_absolute_url())
    else:
        _errors_to_messages(request, form.errors)
    return redirect("loyalty:overview")


@login_required
def event_detail(request, pk):
    event = queries.event_get(event_id=pk)
    people = Contact.objects.filter(access.account_q(request.user, prefix="account__"), erased_at__isnull=True,
                                    account__tier_history__until__isnull=True,
                                    account__tier_history__tier__is_vip_club=True).select_related("account")
    form = InviteForm(request.POST or None, contacts=people)
    if request.method == "POST" and form.is_valid():
        done, _invitations = submit_form(form, lambda: services.invite(
            user=request.user, event=event, contacts=form.cleaned_data["contacts"]))
        if done:
            messages.success(request, _("Saved."))
            return redirect(event.get_absolute_url())
    invitations = list(queries.invitations_visible_to(request.user, event))
    counts = {status: sum(1 for i in invitations if i.status == status) for status in
              ("invited", "accepted", "declined", "attended", "no_show")}
    return render(request, "loyalty/event_detail.html", {"event": event, "invitations": invitations, "form": form,
                                                         "counts": counts, "statuses": InvitationStatus.choices},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def invitation_answer(request, pk):
    invitation = queries.invitation_get_for_user(invitation_id=pk, user=request.user)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.invitation_answer(user=request.user, invitation=invitation, status=form.cleaned_data["status"])
        except ValidationError as error:
            _errors_to_messages(request, error)
    return redirect(invitation.event.get_absolute_url())
