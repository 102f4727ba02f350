"""Planning pages: plan against actuals with charts and XLSX, key-account plans (with a printable
one-page version), weekly reports."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from keyaccount.accounts.queries import account_get_for_user
from keyaccount.core import access, exports
from keyaccount.core.documents import pdf_response, render_pdf
from keyaccount.core.editing import require
from keyaccount.core.errors import AccessDenied, ConflictError
from keyaccount.core.generic import (
    AccountRecordFormView,
    EntityDeleteView,
    EntityFormView,
    HistoryView,
    add_service_errors,
    filter_values,
)
from keyaccount.planning import queries, services
from keyaccount.planning.filters import AccountPlanFilterForm, PlanFilterForm, ReportFilterForm
from keyaccount.planning.forms import AccountPlanForm, InitiativeForm, SalesPlanForm, WeeklyReportForm
from keyaccount.planning.models import Initiative

# Plan against actuals

@login_required
def plan_progress(request):
    form = PlanFilterForm(request.GET or None, user=request.user)
    filters = filter_values(form)
    filters["year"] = filters.get("year") or timezone.localdate().year
    rows = queries.progress_of(queries.plan_list(request.user, filters)[:200])
    if request.GET.get("format") == "xlsx":
        header = [_("Manager or team"), _("Period"), _("Category"), _("Currency"), _("Plan"), _("Actual"), "%",
                  _("Weighted pipeline"), _("Forecast"), _("Forecast, %"), _("Same period last year"),
                  _("Growth, %")]
        return exports.xlsx_response("plan-vs-actual", header, (
            [str(row.plan.user or row.plan.team), row.plan.period_label, row.plan.category, row.plan.currency,
             row.plan.amount, row.actual, row.percent, row.pipeline, row.forecast, row.forecast_percent,
             row.last_year, row.growth] for row in rows))
    return render(request, "planning/plan_progress.html", {
        "filter_form": form, "rows": rows, "chart": queries.chart_rows(rows), "chart_height": 34 * len(rows) + 4,
        "year": filters["year"],
        "can_edit": access.can(request.user, access.Capability.EDIT_PLANS), "querystring": request.GET.urlencode(),
    })


class SalesPlanFormView(EntityFormView):
    form_class = SalesPlanForm
    new_title = gettext_lazy("New sales plan")

    def get_object(self, request, pk=None):
        return queries.plan_get_for_user(plan_id=pk, user=request.user) if pk else None

    def check_allowed(self, request, obj, **kwargs):
        if not access.can(request.user, access.Capability.EDIT_PLANS):
            raise AccessDenied()

    def save(self, request, form, obj, **kwargs):
        if obj is None:
            return services.plan_create(user=request.user, data=form.service_data())
        return services.plan_update(user=request.user, plan=obj, data=form.service_data(),
                                    version=form.cleaned_data.get("version"))

    def success_url(self, saved, **kwargs):
        return f"{reverse('planning:plan_progress')}?year={saved.period_start.year}"

    def cancel_url(self, obj, **kwargs):
        return reverse("planning:plan_progress")


class SalesPlanDeleteView(EntityDeleteView):
    def get_object(self, request, pk):
        return queries.plan_get_for_user(plan_id=pk, user=request.user)

    def delete(self, request, obj):
        services.plan_delete(user=request.user, plan=obj)

    def success_url(self, obj):
        return reverse("planning:plan_progress")

    def cancel_url(self, obj):
        # A sales plan has no page of its own: it is a row of the plan-versus-actual page.
        return reverse("planning:plan_progress")


# Key-account plans

@login_required
def account_plan_list(request):
    if not access.can(request.user, access.Capability.VIEW_FINANCES):
        raise Http404
    form = AccountPlanFilterForm(request.GET or None, user=request.user)
    plans = list(queries.account_plan_list(request.user, filter_values(form))[:300])
    return render(request, "planning/account_plan_list.html", {
        "filter_form": form, "rows": [{"plan": plan, "revenue": queries.account_revenue(plan)} for plan in plans]})


def _account_plan_context(request, plan) -> dict:
    return {"plan": plan, "revenue": queries.account_revenue(plan), "coverage": queries.coverage(plan.account),
            "whitespace": queries.whitespace(plan.account), "initiatives": plan.initiatives.select_related("owner"),
            "can_edit": access.can_edit_deals_of(request.user, plan.account), "initiative_form": InitiativeForm()}


@login_required
def account_plan_detail(request, pk):
    plan = queries.account_plan_get_for_user(plan_id=pk, user=request.user)
    return render(request, "planning/account_plan_detail.html", _account_plan_context(request, plan))


@login_required
def account_plan_print(request, pk):
    plan = queries.account_plan_get_for_user(plan_id=pk, user=request.user)
    context = _account_plan_context(request, plan)
    if request.GET.get("format") == "html":
        return render(request, "planning/account_plan_print.html", context)
    return pdf_response(render_pdf("planning/account_plan_print.html", context, request=request),
                        filename=f"{plan}.pdf")


class AccountPlanFormView(AccountRecordFormView):
    form_class = AccountPlanForm
    new_title = gettext_lazy("New account plan")

    def get_record(self, request, pk):
        return queries.account_plan_get_for_user(plan_id=pk, user=request.user)

    def get_account(self, request, account_pk):
        return account_get_for_user(account_id=account_pk, user=request.user)

    def may_edit(self, user, account):
        return access.can_edit_deals_of(user, account)

    def initial_for_new(self, request):
        return {"year": timezone.localdate().year}

    def create(self, request, account, data):
        return services.account_plan_create(user=request.user, account=account, data=data)

    def update(self, request, record, data, version):
        return services.account_plan_update(user=request.user, plan=record, data=data, version=version)


class AccountPlanHistoryView(HistoryView):
    def get_object(self, request, pk):
        return queries.account_plan_get_for_user(plan_id=pk, user=request.user)


@login_required
@require_POST
def initiative_save(request, pk, initiative_pk=None):
    plan = queries.account_plan_get_for_user(plan_id=pk, user=request.user)
    require(access.can_edit_deals_of(request.user, plan.account))
    initiative = None
    if initiative_pk is not None:
        initiative = plan.initiatives.filter(pk=initiative_pk).first()
        if initiative is None:
            raise Http404
    form = InitiativeForm(request.POST, instance=initiative)
    if form.is_valid():
        try:
            # Fetch again: validation wrote the new values into ``initiative``, and the service audits
            # the change against the stored state.
            stored = plan.initiatives.get(pk=initiative.pk) if initiative is not None else None
            services.initiative_save(user=request.user, plan=plan, initiative=stored, data=form.service_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(plan.get_absolute_url())
    context = _account_plan_context(request, plan)
    context["initiative_form"] = form
    return render(request, "planning/account_plan_detail.html", context, status=400)


@login_required
@require_POST
def initiative_delete(request, pk, initiative_pk):
    plan = queries.account_plan_get_for_user(plan_id=pk, user=request.user)
    initiative = Initiative.objects.filter(plan=plan, pk=initiative_pk).first()
    if initiative is None:
        raise Http404
    services.initiative_delete(user=request.user, initiative=initiative)
    return redirect(plan.get_absolute_url())


# Weekly reports

@login_required
def report_list(request):
    form = ReportFilterForm(request.GET or None, user=request.user)
    reports = queries.report_list(request.user, filter_values(form))[:200]
    this_week = queries.monday_of(timezone.localdate())
    return render(request, "planning/report_list.html", {
        "filter_form": form, "reports": reports, "this_week": this_week,
        "last_week": this_week - dt.timedelta(days=7)})


@login_required
@require_POST
def report_prepare(request):
    try:
        week = dt.date.fromisoformat(request.POST.get("week", ""))
    except ValueError:
        week = timezone.localdate()
    report = services.report_prepare(user=request.user, week_start=week)
    return redirect(report.get_absolute_url())


def _report_pdf(request, report):
    return pdf_response(render_pdf("planning/report_print.html", {"report": report, "figures": report.figures},
                                   request=request), filename=f"{report}.pdf")


def _report_xlsx(report):
    figures = report.figures
    rows = [[_("Meetings held"), figures.get("meetings")], [_("Calls"), figures.get("calls")],
            [_("E-mails"), figures.get("emails")], [_("Proposals sent"), figures.get("proposals_sent")],
            [_("Deals moved"), figures.get("deals_moved")], [_("Deals won"), figures.get("deals_won")],
            [_("Deals lost"), figures.get("deals_lost")],
            [_("Obligations fulfilled"), figures.get("obligations_fulfilled")],
            [_("Accounts touched"), figures.get("accounts_touched")], [], [_("Results and highlights"),
                                                                            report.highlights],
            [_("Problems and help needed"), report.problems], [_("Plans for next week"), report.next_week]]
    rows += [[], [_("Meetings")]] + [[m["when"], m["subject"], m["account"]] for m in figures.get("meeting_list", [])]
    rows += [[], [_("Proposals sent")]] + [[p["number"], p["title"], p["account"], p["total"], p["currency"]]
                                           for p in figures.get("proposal_list", [])]
    rows += [[], [_("Deals moved")]] + [[m["deal"], m["account"], f"{m['from']} → {m['to']}"]
                                        for m in figures.get("move_list", [])]
    rows += [[], [_("Obligations fulfilled")]] + [[o["title"], o["account"], o["done_on"], o["evidence"]]
                                                  for o in figures.get("obligation_list", [])]
    return exports.xlsx_response(f"week-{report.week_start:%Y%m%d}", [str(report), ""], rows)


@login_required
def report_detail(request, pk):
    report = queries.report_get_for_user(report_id=pk, user=request.user)
    fmt = request.GET.get("format")
    if fmt == "pdf":
        return _report_pdf(request, report)
    if fmt == "xlsx":
        return _report_xlsx(report)
    editable = report.user_id == request.user.pk and report.status == "draft"
    form = WeeklyReportForm(instance=report) if editable else None
    if request.method == "POST" and editable:
        form = WeeklyReportForm(request.POST, instance=report)
        if form.is_valid():
            try:
                services.report_update(user=request.user, report=queries.report_get_for_user(
                    report_id=pk, user=request.user), data=form.service_data(),
                    version=form.cleaned_data.get("version"))
                if "submit" in request.POST:
                    services.report_submit(user=request.user, report=queries.report_get_for_user(
                        report_id=pk, user=request.user))
            except ConflictError as error:
                form.add_error(None, str(error))
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Submitted.") if "submit" in request.POST else _("Saved."))
                return redirect(report.get_absolute_url())
    return render(request, "planning/report_detail.html", {"report": report, "figures": report.figures,
                                                           "form": form}, status=400 if form and form.errors else 200)
