"""Pipeline pages: the board with drag and drop, the deal list and page, stage moves, stages,
proposals with their Word and PDF documents, proposal templates."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from keyaccount.accounts.queries import account_get_for_user
from keyaccount.core import access, sandbox
from keyaccount.core.documents import pdf_response
from keyaccount.core.editing import require
from keyaccount.core.errors import AccessDenied, ConflictError
from keyaccount.core.generic import (
    AccountRecordFormView,
    EntityDeleteView,
    EntityFormView,
    EntityListView,
    HistoryView,
    add_service_errors,
    filter_values,
    is_htmx_fragment,
)
from keyaccount.deals import documents, queries, services
from keyaccount.deals.filters import DealFilterForm, ProposalFilterForm
from keyaccount.deals.forms import DealForm, DealMoveForm, ProposalForm, StageForm, TemplateUploadForm
from keyaccount.timeline.queries import timeline as timeline_page


def _require_deals(request) -> None:
    if not queries.sees_deals(request.user):
        raise Http404


# The board

@login_required
def deal_board(request):
    _require_deals(request)
    form = DealFilterForm(request.GET or None, user=request.user)
    filters = DealFilterForm.query_filters(filter_values(form))
    columns = queries.board(request.user, filters)
    context = {"columns": columns, "filter_form": form, "querystring": request.GET.urlencode(),
               "averages": queries.average_days_in_stage()}
    template = "deals/_board.html" if is_htmx_fragment(request) else "deals/board.html"
    return render(request, template, context)


class DealListView(EntityListView):
    template_name = "deals/deal_list.html"
    partial_template_name = "deals/_deal_table.html"
    filter_form_class = DealFilterForm
    sort_fields = {"close": "expected_close_on", "amount": "amount", "title": "title", "updated": "updated_at"}
    default_sort = "close"

    def get_queryset(self, request, filters):
        _require_deals(request)
        return queries.deal_list(request.user, DealFilterForm.query_filters(filters), order_by=filters["order_by"])


@login_required
def deal_detail(request, pk):
    deal = queries.deal_get_for_user(deal_id=pk, user=request.user)
    page = timeline_page(request.user, account=deal.account)
    return render(request, "deals/deal_detail.html", {
        "deal": deal, "stages": queries.stages(), "time_in_stages": queries.time_in_stages(deal),
        "stage_history": queries.stage_history(deal), "proposals": deal.proposals.order_by("-created_at"),
        "entries": page.entries[:15], "can_edit": services.can_edit(request.user, deal.account),
        "move_form": DealMoveForm(initial={"version": deal.version}),
    })


class DealFormView(AccountRecordFormView):
    form_class = DealForm
    new_title = gettext_lazy("New deal")

    def get_record(self, request, pk):
        return queries.deal_get_for_user(deal_id=pk, user=request.user)

    def get_account(self, request, account_pk):
        return account_get_for_user(account_id=account_pk, user=request.user)

    def may_edit(self, user, account):
        return services.can_edit(user, account)

    def create(self, request, account, data):
        return services.deal_create(user=request.user, account=account, data=data)

    def update(self, request, record, data, version):
        return services.deal_update(user=request.user, deal=record, data=data, version=version)


def deal_move(request, pk):
    """Move a deal: from the board (drag and drop, HTMX) or from its page. A stage that asks for
    more (a loss needs its reason) sends the user to the form with those fields; nothing is saved
    until they are given."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('core:login')}?next={request.path}")
    deal = queries.deal_get_for_user(deal_id=pk, user=request.user)
    # A role that sees the deal but may not move it gets the 403 of any refused write, for the form too.
    require(services.can_edit(request.user, deal.account))
    from_board = request.POST.get("from") == "board"
    if request.method == "POST":
        form = DealMoveForm(request.POST)
        if form.is_valid():
            try:
                services.deal_move(user=request.user, deal=deal, stage=form.cleaned_data["stage"],
                                   data=form.move_data(), version=form.cleaned_data.get("version"))
            except ConflictError as error:
                form.add_error(None, str(error))
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if from_board:
                    return HttpResponse(status=204, headers={"HX-Trigger": "board-changed"})
                messages.success(request, _("Moved to “%(stage)s”.") % {"stage": form.cleaned_data["stage"]})
                return redirect(deal.get_absolute_url())
        if from_board:
            # The board cannot show the fields the stage asks for: the move form does.
            target = f"{reverse('deals:deal_move', args=[deal.pk])}?stage={request.POST.get('stage', '')}"
            return HttpResponse(status=204, headers={"HX-Redirect": target})
    else:
        form = DealMoveForm(initial={"version": deal.version, "stage": request.GET.get("stage") or deal.stage_id})
    return render(request, "deals/deal_move.html", {"deal": deal, "form": form},
                  status=400 if form.errors else 200)


class DealDeleteView(EntityDeleteView):
    def get_object(self, request, pk):
        return queries.deal_get_for_user(deal_id=pk, user=request.user)

    def delete(self, request, obj):
        services.deal_delete(user=request.user, deal=obj)

    def success_url(self, obj):
        return reverse("accounts:account_detail", args=[obj.account_id])


class DealHistoryView(HistoryView):
    def get_object(self, request, pk):
        return queries.deal_get_for_user(deal_id=pk, user=request.user)


# Stages

@login_required
def stage_list(request):
    _require_deals(request)
    return render(request, "deals/stage_list.html", {
        "stages": queries.stages(active_only=False), "averages": queries.average_days_in_stage(),
        "can_edit": access.can(request.user, access.Capability.MANAGE_PIPELINE)})


class StageFormView(EntityFormView):
    form_class = StageForm
    new_title = gettext_lazy("New stage")

    def get_object(self, request, pk=None):
        return queries.stage_get(stage_id=pk) if pk else None

    def check_allowed(self, request, obj, **kwargs):
        if not access.can(request.user, access.Capability.MANAGE_PIPELINE):
            raise AccessDenied()

    def save(self, request, form, obj, **kwargs):
        if obj is None:
            return services.stage_create(user=request.user, data=form.service_data())
        return services.stage_update(user=request.user, stage=obj, data=form.service_data(),
                                     version=form.cleaned_data.get("version"))

    def success_url(self, saved, **kwargs):
        return reverse("deals:stage_list")

    def cancel_url(self, obj, **kwargs):
        return reverse("deals:stage_list")


# Proposals

class ProposalListView(EntityListView):
    template_name = "deals/proposal_list.html"
    partial_template_name = "deals/_proposal_table.html"
    filter_form_class = ProposalFilterForm
    sort_fields = {"created": "created_at", "total": "total", "number": "number"}
    default_sort = "-created"

    def get_queryset(self, request, filters):
        _require_deals(request)
        return queries.proposal_list(request.user, filters, order_by=filters["order_by"])


@login_required
def proposal_detail(request, pk):
    proposal = queries.proposal_get_for_user(proposal_id=pk, user=request.user)
    return render(request, "deals/proposal_detail.html", {
        "proposal": proposal, "lines": proposal.lines.all(), "vat_label": documents.vat_label(
            proposal, translation.get_language()),  # the page's words; the document keeps its own
        "total_in_words": documents.amount_in_words(proposal.total, proposal.currency, proposal.language),
        "can_edit": services.can_edit(request.user, proposal.account),
    })


class ProposalFormView(AccountRecordFormView):
    form_class = ProposalForm
    new_title = gettext_lazy("New commercial proposal")

    def get_record(self, request, pk):
        return queries.proposal_get_for_user(proposal_id=pk, user=request.user)

    def get_account(self, request, account_pk):
        return account_get_for_user(account_id=account_pk, user=request.user)

    def may_edit(self, user, account):
        return services.can_edit(user, account)

    def initial_for_new(self, request):
        return {"deal": request.GET["deal"]} if request.GET.get("deal", "").isdigit() else {}

    def create(self, request, account, data):
        return services.proposal_create(user=request.user, account=account, data=data)

    def update(self, request, record, data, version):
        return services.proposal_update(user=request.user, proposal=record, data=data, version=version)


@login_required
@require_POST
def proposal_revise(request, pk):
    proposal = queries.proposal_get_for_user(proposal_id=pk, user=request.user)
    try:
        revision = services.proposal_revise(user=request.user, proposal=proposal)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(proposal.get_absolute_url())
    return redirect(reverse("deals:proposal_edit", args=[revision.pk]))


def _document_error(request, proposal, error: ValidationError):
    return render(request, "deals/document_error.html", {"proposal": proposal, "errors": error.messages},
                  status=422)


@login_required
def proposal_docx(request, pk):
    proposal = queries.proposal_get_for_user(proposal_id=pk, user=request.user)
    try:
        content = documents.render_docx(proposal)
    except ValidationError as error:
        return _document_error(request, proposal, error)
    response = pdf_response(content, filename=documents.file_name(proposal, "docx"), inline=False)
    response["Content-Type"] = documents.DOCX_TYPE
    return response


@login_required
def proposal_pdf(request, pk):
    proposal = queries.proposal_get_for_user(proposal_id=pk, user=request.user)
    return pdf_response(documents.render_proposal_pdf(proposal), filename=documents.file_name(proposal, "pdf"))


class ProposalDeleteView(EntityDeleteView):
    def get_object(self, request, pk):
        return queries.proposal_get_for_user(proposal_id=pk, user=request.user)

    def delete(self, request, obj):
        services.proposal_delete(user=request.user, proposal=obj)

    def success_url(self, obj):
        return reverse("accounts:account_detail", args=[obj.account_id])


class ProposalHistoryView(HistoryView):
    def get_object(self, request, pk):
        return queries.proposal_get_for_user(proposal_id=pk, user=request.user)


# Templates

@login_required
def template_list(request):
    _require_deals(request)
    can_edit = access.can(request.user, access.Capability.MANAGE_PIPELINE)
    form = TemplateUploadForm()
    if request.method == "POST":
        form = TemplateUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.template_upload(user=request.user, data=form.service_data())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Template uploaded."))
                return redirect("deals:template_list")
    return render(request, "deals/template_list.html", {
        "templates": queries.templates(), "form": form, "can_edit": can_edit,
        "fields": documents.field_guide(), "filters": sandbox.FILTERS}, status=400 if form.errors else 200)


@login_required
def template_default(request, language):
    _require_deals(request)
    if language not in ("ru", "en"):
        raise Http404
    path = documents.DEFAULT_TEMPLATES / f"proposal_{language}.docx"
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name, content_type=documents.DOCX_TYPE)


@login_required
@require_POST
def template_delete(request, pk):
    template = queries.template_get(template_id=pk)
    services.template_delete(user=request.user, template=template)
    messages.success(request, _("Deleted."))
    return redirect("deals:template_list")


