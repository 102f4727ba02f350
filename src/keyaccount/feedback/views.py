"""Pages of the feedback loop: the list, a record with its steps, recording one, the KPIs, an
account's public links, and the public form clients fill in without signing in."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST

from keyaccount.accounts.models import Contact
from keyaccount.accounts.queries import account_get_for_user, contacts_visible_to
from keyaccount.core.editing import get_or_404, require
from keyaccount.core.generic import (
    AccountRecordFormView,
    EntityListView,
    HistoryView,
    add_service_errors,
    submit_form,
)
from keyaccount.core.queries import our_company_name
from keyaccount.core.throttle import public_submission_wait
from keyaccount.feedback import queries, services, support, surveys
from keyaccount.feedback.filters import FeedbackFilterForm, KpiFilterForm, TicketFilterForm
from keyaccount.feedback.forms import (
    AssignMailForm,
    FeedbackForm,
    InformForm,
    LinkForm,
    PublicFeedbackForm,
    ResolveForm,
    RespondForm,
    StepForm,
    SurveyAnswerForm,
    SurveySendForm,
    TicketForm,
    TicketNoteForm,
    TicketReplyForm,
    TicketUpdateForm,
)


class FeedbackListView(EntityListView):
    template_name = "feedback/feedback_list.html"
    partial_template_name = "feedback/_feedback_table.html"
    filter_form_class = FeedbackFilterForm
    sort_fields = {"received": "received_at", "due": "resolution_due", "severity": "severity"}
    default_sort = "-received"

    def get_queryset(self, request, filters):
        return queries.feedback_list(request.user, filters, order_by=filters["order_by"])

    def extra_context(self, request):
        return {"now": timezone.now()}


def _step_forms(feedback) -> dict:
    initial = {"version": feedback.version}
    return {"respond_form": RespondForm(initial=initial), "resolve_form": ResolveForm(initial=initial),
            "inform_form": InformForm(initial=initial), "step_form": StepForm(initial=initial)}


@login_required
def feedback_detail(request, pk, forms: dict | None = None, status: int = 200):
    feedback = queries.feedback_get_for_user(feedback_id=pk, user=request.user)
    return render(request, "feedback/feedback_detail.html", {
        "feedback": feedback, "can_handle": services.can_handle(request.user), "now": timezone.now(),
        **_step_forms(feedback), **(forms or {})}, status=status)


_STEPS = {
    "respond": (RespondForm, lambda user, fb, data: services.feedback_respond(
        user=user, feedback=fb, note=data["note"], version=data["version"])),
    "resolve": (ResolveForm, lambda user, fb, data: services.feedback_resolve(
        user=user, feedback=fb, resolution=data["resolution"], outcome=data["outcome"],
        outcome_reason=data["outcome_reason"], version=data["version"])),
    "inform": (InformForm, lambda user, fb, data: services.feedback_inform(
        user=user, feedback=fb, via=data["via"], reaction=data["reaction"], note=data["note"], at=data["at"],
        version=data["version"])),
    "close": (StepForm, lambda user, fb, data: services.feedback_close(user=user, feedback=fb,
                                                                       version=data["version"])),
    "reopen": (StepForm, lambda user, fb, data: services.feedback_reopen(user=user, feedback=fb,
                                                                         version=data["version"])),
}
_FORM_NAMES = {"respond": "respond_form", "resolve": "resolve_form", "inform": "inform_form", "close": "step_form",
               "reopen": "step_form"}


@login_required
@require_POST
def feedback_step(request, pk, step):
    """One step of the loop; a step that does not fit (closing before the client was told) comes
    back with its reason next to the form."""
    if step not in _STEPS:
        raise Http404
    feedback = queries.feedback_get_for_user(feedback_id=pk, user=request.user)
    form_class, act = _STEPS[step]
    form = form_class(request.POST)
    if form.is_valid():
        done, _step = submit_form(form, lambda: act(request.user, feedback, form.cleaned_data))
        if done:
            messages.success(request, _("Saved."))
            return redirect(feedback.get_absolute_url())
    return feedback_detail(request, pk, forms={_FORM_NAMES[step]: form, "failed_step": step}, status=400)


class FeedbackFormView(AccountRecordFormView):
    form_class = FeedbackForm
    new_title = gettext_lazy("New complaint or suggestion")

    def get_record(self, request, pk):
        return queries.feedback_get_for_user(feedback_id=pk, user=request.user)

    def get_account(self, request, account_pk):
        return account_get_for_user(account_id=account_pk, user=request.user)

    def may_edit(self, user, account):
        return services.can_handle(user)

    def create(self, request, account, data):
        return services.feedback_create(user=request.user, account=account, data=data)

    def update(self, request, record, data, version):
        return services.feedback_update(user=request.user, feedback=record, data=data, version=version)


class FeedbackHistoryView(HistoryView):
    def get_object(self, request, pk):
        return queries.feedback_get_for_user(feedback_id=pk, user=request.user)


@login_required
def kpi(request):
    form = KpiFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    date_from, date_to = queries.period(data.get("date_from"), data.get("date_to"), queries.KPI_DAYS)
    figures = queries.kpis(request.user, date_from=date_from, date_to=date_to, kind=data.get("kind") or None)
    months = list(figures["categories_by_month"])
    top = figures["top_categories"]
    peak = max([sum(counts.values()) for counts in figures["categories_by_month"].values()] or [1])
    # One bar a month, as the portfolio's charts draw them: 20 units a row, 400 for the largest.
    chart = []
    for index, month in enumerate(months):
        counts = figures["categories_by_month"][month]
        total = sum(counts.values())
        chart.append({"month": month, "total": total, "parts": [(name, counts.get(name, 0)) for name in top],
                      "y": index * 20, "width": round(400 * total / peak)})
    return render(request, "feedback/kpi.html", {"filter_form": form, "figures": figures, "chart": chart, "top": top,
                                                 "chart_height": len(chart) * 20 + 4})


@login_required
def account_links(request, account_pk):
    account = account_get_for_user(account_id=account_pk, user=request.user)
    form = LinkForm(request.POST or None, account=account)
    if request.method == "POST" and form.is_valid():
        done, link = submit_form(form, lambda: services.link_create(
            user=request.user, account=account, contact=form.cleaned_data["contact"],
            expires_on=form.cleaned_data["expires_on"]))
        if done:
            messages.success(request, _("The link is ready: send it or print its address as a QR code."))
            return redirect(f"{reverse('feedback:account_links', args=[account.pk])}#link-{link.pk}")
    links = [(link, request.build_absolute_uri(reverse("feedback:public_form", args=[services.link_token(link)])))
             for link in queries.links_of(account=account, user=request.user)]
    return render(request, "feedback/links.html", {"account": account, "form": form, "links": links,
                                                   "can_handle": services.can_handle(request.user)},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def link_revoke(request, pk):
    link = queries.link_get_for_user(link_id=pk, user=request.user)
    services.link_revoke(user=request.user, link=link)
    messages.success(request, _("The link no longer works."))
    return redirect("feedback:account_links", account_pk=link.account_id)


def _too_many(response, seconds: int):
    response["Retry-After"] = str(seconds)
    return response


@csrf_protect
def public_form(request, token):
    """The form behind a feedback link: no sign-in. A forged, revoked or expired link answers 404;
    a flood answers 429; a robot that fills the hidden field is thanked and nothing is stored."""
    link = services.link_for_token(token)
    if link is None:
        return render(request, "feedback/public_gone.html", status=404)
    form = PublicFeedbackForm(request.POST or None)
    context = {"link": link, "form": form, "company": our_company_name()}
    if request.method != "POST":
        return render(request, "feedback/public_form.html", context)
    if seconds := public_submission_wait(request, link):
        return _too_many(render(request, "feedback/public_form.html", {**context, "too_many": True}, status=429),
                         seconds)
    if not form.is_valid():
        return render(request, "feedback/public_form.html", context, status=400)
    if form.cleaned_data.get("website"):
        return render(request, "feedback/public_thanks.html")
    try:
        services.public_submit(link=link, data=form.cleaned_data)
    except ValidationError as error:
        add_service_errors(form, error)
        return render(request, "feedback/public_form.html", context, status=400)
    return render(request, "feedback/public_thanks.html")


# Surveys

@login_required
def survey_list(request):
    form = KpiFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    date_from, date_to = queries.period(data.get("date_from"), data.get("date_to"), queries.SURVEY_DAYS)
    results = queries.survey_results(request.user, date_from=date_from, date_to=date_to)
    bars = [{"month": month.label, "y": index * 20, "nps": month.nps,
             # NPS runs from -100 to 100: the bar starts at the middle of a 400-unit scale.
             "x": 290 + min(0, round(2 * month.nps)) if month.nps is not None else 290,
             "width": abs(round(2 * month.nps)) if month.nps is not None else 0}
            for index, month in enumerate(results["by_month"])]
    surveys = queries.survey_list(request.user)[:100]
    return render(request, "feedback/survey_list.html", {
        "filter_form": form, "results": results, "bars": bars, "chart_height": len(bars) * 20 + 4,
        "surveys": surveys})


@login_required
def survey_send(request, account_pk):
    account = account_get_for_user(account_id=account_pk, user=request.user)
    require(services.can_handle(request.user))
    form = SurveySendForm(request.POST or None, account=account)
    if request.method == "POST" and form.is_valid():
        done, _survey = submit_form(form, lambda: surveys.survey_send(
            user=request.user, account=account, contact=form.cleaned_data["contact"], kind=form.cleaned_data["kind"]))
        if done:
            messages.success(request, _("The survey is on its way."))
            return redirect(account.get_absolute_url())
    return render(request, "core/form.html", {"form": form, "object": None, "title": _("Send a survey"),
                                              "cancel_url": account.get_absolute_url()},
                  status=400 if form.errors else 200)


@csrf_protect
def survey_answer(request, token):
    """The page a survey's link opens: no sign-in; answered once; a forged link answers 404."""
    survey = surveys.survey_for_token(token)
    if survey is None:
        return render(request, "feedback/public_gone.html", status=404)
    context = {"survey": survey, "company": our_company_name()}
    if survey.answered_at is not None or not survey.is_open():
        return render(request, "feedback/survey_closed.html", context,
                      status=410 if survey.answered_at is None else 200)
    form = SurveyAnswerForm(request.POST or None, kind=survey.kind)
    if request.method == "POST":
        if seconds := public_submission_wait(request, survey):
            return _too_many(render(request, "feedback/survey_answer.html", {**context, "form": form,
                                                                             "too_many": True}, status=429), seconds)
        if form.is_valid():
            try:
                surveys.survey_answer(survey=survey, score=form.cleaned_data["score"],
                                      comment=form.cleaned_data["comment"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return render(request, "feedback/public_thanks.html")
        return render(request, "feedback/survey_answer.html", {**context, "form": form}, status=400)
    return render(request, "feedback/survey_answer.html", {**context, "form": form})


# Support desk

class TicketListView(EntityListView):
    template_name = "feedback/ticket_list.html"
    partial_template_name = "feedback/_ticket_table.html"
    filter_form_class = TicketFilterForm
    sort_fields = {"created": "created_at", "due": "resolution_due", "priority": "priority"}
    default_sort = "-created"

    def get_queryset(self, request, filters):
        return queries.ticket_list(request.user, filters, order_by=filters["order_by"])

    def extra_context(self, request):
        return {"now": timezone.now(), "unmatched": queries.unmatched_mail(request.user).count()}


@login_required
def ticket_detail(request, pk, forms: dict | None = None, status: int = 200):
    ticket = queries.ticket_get_for_user(ticket_id=pk, user=request.user)
    initial = {"version": ticket.version}
    context = {"ticket": ticket, "messages_": ticket.messages.select_related("author"), "now": timezone.now(),
               "can_work": support.can_work(request.user),
               "reply_form": TicketReplyForm(initial=initial), "note_form": TicketNoteForm(),
               "update_form": TicketUpdateForm(initial={**initial, "status": ticket.status,
                                                        "priority": ticket.priority, "assignee": ticket.assignee_id}),
               **(forms or {})}
    return render(request, "feedback/ticket_detail.html", context, status=status)


@login_required
@require_POST
def ticket_action(request, pk, action):
    ticket = queries.ticket_get_for_user(ticket_id=pk, user=request.user)
    form_class = {"reply": TicketReplyForm, "note": TicketNoteForm, "update": TicketUpdateForm}.get(action)
    if form_class is None:
        raise Http404
    form = form_class(request.POST)
    if form.is_valid():
        data = form.cleaned_data

        def act():
            if action == "reply":
                return support.ticket_reply(user=request.user, ticket=ticket, body=data["body"],
                                            status=data["status"], version=data["version"])
            if action == "note":
                return support.ticket_note(user=request.user, ticket=ticket, body=data["body"])
            return support.ticket_update(user=request.user, ticket=ticket, version=data["version"], data={
                "status": data["status"], "priority": data["priority"], "assignee": data["assignee"]})

        done, _ticket = submit_form(form, act)
        if done:
            messages.success(request, _("Saved."))
            return redirect(ticket.get_absolute_url())
    return ticket_detail(request, pk, forms={f"{action}_form": form}, status=400)


@login_required
def ticket_create(request, account_pk):
    account = account_get_for_user(account_id=account_pk, user=request.user)
    require(support.can_work(request.user))
    form = TicketForm(request.POST or None, account=account)
    if request.method == "POST" and form.is_valid():
        done, ticket = submit_form(form, lambda: support.ticket_create(
            user=request.user, account=account, contact=form.cleaned_data["contact"], data=form.cleaned_data))
        if done:
            return redirect(ticket.get_absolute_url())
    return render(request, "core/form.html", {"form": form, "object": None, "title": _("New support ticket"),
                                              "cancel_url": account.get_absolute_url()},
                  status=400 if form.errors else 200)


@login_required
def unmatched_list(request):
    if not queries.sees_unmatched_mail(request.user):
        raise Http404
    mails = list(queries.unmatched_mail(request.user)[:100])
    rows = []
    for mail in mails:
        domain = mail.sender.rpartition("@")[2]
        contacts = Contact.objects.none()
        if domain:
            contacts = contacts_visible_to(request.user).filter(emails__email__iendswith=f"@{domain}",
                                                                erased_at__isnull=True).distinct()
        rows.append((mail, AssignMailForm(contacts=contacts, prefix=f"m{mail.pk}")))
    return render(request, "feedback/unmatched_list.html", {"rows": rows})


@login_required
@require_POST
def unmatched_assign(request, pk):
    if not queries.sees_unmatched_mail(request.user):
        raise Http404
    mail = get_or_404(queries.unmatched_mail(request.user), pk)
    contact = get_or_404(contacts_visible_to(request.user).filter(erased_at__isnull=True),
                         request.POST.get(f"m{pk}-contact"))
    try:
        ticket = support.unmatched_assign(user=request.user, mail=mail, contact=contact)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("feedback:unmatched_list")
    return redirect(ticket.get_absolute_url())
