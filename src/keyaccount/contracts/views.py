"""Contract control pages: the company-wide due and overdue list, an account's contracts, a
contract with its obligations and files."""

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
from django.views.decorators.http import require_POST

from keyaccount.accounts.queries import account_get_for_user
from keyaccount.contracts import queries, services
from keyaccount.contracts.filters import ContractFilterForm, ObligationFilterForm
from keyaccount.contracts.forms import AttachmentForm, ContractForm, FulfilForm, ObligationForm
from keyaccount.core.errors import AccessDenied, ConflictError
from keyaccount.core.generic import (
    AccountRecordFormView,
    EntityDeleteView,
    EntityFormView,
    EntityListView,
    HistoryView,
)
from keyaccount.core.uploads import download_response


def _require_contracts(request) -> None:
    if not queries.sees_contracts(request.user):
        raise Http404


@login_required
def control(request):
    """Due and overdue, company-wide (as far as the user sees)."""
    _require_contracts(request)
    return render(request, "contracts/control.html", queries.due_and_overdue(request.user))


class ContractListView(EntityListView):
    template_name = "contracts/contract_list.html"
    partial_template_name = "contracts/_contract_table.html"
    filter_form_class = ContractFilterForm
    sort_fields = {"starts": "starts_on", "ends": "ends_on", "number": "number", "value": "value"}
    default_sort = "-starts"

    def get_queryset(self, request, filters):
        _require_contracts(request)
        return queries.contract_list(request.user, filters, order_by=filters["order_by"])


class ObligationListView(EntityListView):
    template_name = "contracts/obligation_list.html"
    partial_template_name = "contracts/_obligation_table.html"
    filter_form_class = ObligationFilterForm
    sort_fields = {"due": "due_on"}
    default_sort = "due"

    def get_queryset(self, request, filters):
        _require_contracts(request)
        return queries.obligation_list(request.user, filters)


@login_required
def contract_detail(request, pk):
    contract = queries.contract_get_for_user(contract_id=pk, user=request.user)
    return render(request, "contracts/contract_detail.html", {
        "contract": contract, "obligations": contract.obligations.select_related("responsible").prefetch_related(
            "orders"), "attachments": contract.attachments.all(), "attachment_form": AttachmentForm(),
        "can_edit": services.can_edit(request.user, contract.account), "today": timezone.localdate(),
    })


class ContractFormView(AccountRecordFormView):
    form_class = ContractForm
    new_title = gettext_lazy("New contract")

    def get_record(self, request, pk):
        return queries.contract_get_for_user(contract_id=pk, user=request.user)

    def get_account(self, request, account_pk):
        return account_get_for_user(account_id=account_pk, user=request.user)

    def may_edit(self, user, account):
        return services.can_edit(user, account)

    def create(self, request, account, data):
        return services.contract_create(user=request.user, account=account, data=data)

    def update(self, request, record, data, version):
        return services.contract_update(user=request.user, contract=record, data=data, version=version)


class ContractDeleteView(EntityDeleteView):
    def get_object(self, request, pk):
        return queries.contract_get_for_user(contract_id=pk, user=request.user)

    def delete(self, request, obj):
        services.contract_delete(user=request.user, contract=obj)

    def success_url(self, obj):
        return reverse("accounts:account_detail", args=[obj.account_id])


class ContractHistoryView(HistoryView):
    def get_object(self, request, pk):
        return queries.contract_get_for_user(contract_id=pk, user=request.user)


@login_required
@require_POST
def attachment_add(request, pk):
    contract = queries.contract_get_for_user(contract_id=pk, user=request.user)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to attach."))
        return redirect(contract.get_absolute_url())
    try:
        services.attachment_add(user=request.user, contract=contract, upload=form.cleaned_data["file"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("File attached."))
    return redirect(contract.get_absolute_url())


@login_required
def attachment_download(request, pk):
    attachment = queries.attachment_get_for_user(attachment_id=pk, user=request.user)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404 from error
    # Always a download, never shown inline: an uploaded file must not run in the app's origin.
    return download_response(handle, filename=attachment.name)


@login_required
@require_POST
def attachment_delete(request, pk):
    attachment = queries.attachment_get_for_user(attachment_id=pk, user=request.user)
    contract = attachment.contract
    services.attachment_delete(user=request.user, attachment=attachment)
    messages.success(request, _("Deleted."))
    return redirect(contract.get_absolute_url())


class ObligationFormView(EntityFormView):
    form_class = ObligationForm
    new_title = gettext_lazy("New obligation")

    def get_object(self, request, pk=None, contract_pk=None):
        return queries.obligation_get_for_user(obligation_id=pk, user=request.user) if pk else None

    def _contract(self, request, obj, contract_pk):
        return obj.contract if obj else queries.contract_get_for_user(contract_id=contract_pk, user=request.user)

    def get_form_kwargs(self, request, obj, contract_pk=None, **kwargs):
        return {"instance": obj, "user": request.user, "contract": self._contract(request, obj, contract_pk)}

    def check_allowed(self, request, obj, contract_pk=None, **kwargs):
        if not services.can_edit(request.user, self._contract(request, obj, contract_pk).account):
            raise AccessDenied()

    def save(self, request, form, obj, pk=None, contract_pk=None):
        if obj is None:
            return services.obligation_create(user=request.user, contract=self._contract(request, obj, contract_pk),
                                              data=form.service_data())
        return services.obligation_update(user=request.user, obligation=obj, data=form.service_data(),
                                          version=form.cleaned_data.get("version"))

    def extra_context(self, request, obj, contract_pk=None, **kwargs):
        return {"account": self._contract(request, obj, contract_pk).account}

    def success_url(self, saved, **kwargs):
        return saved.contract.get_absolute_url()

    def cancel_url(self, obj, contract_pk=None, **kwargs):
        return obj.contract.get_absolute_url() if obj else reverse("contracts:contract_detail", args=[contract_pk])


@login_required
@require_POST
def obligation_fulfil(request, pk):
    obligation = queries.obligation_get_for_user(obligation_id=pk, user=request.user)
    form = FulfilForm(request.POST)
    form.is_valid()
    try:
        services.obligation_fulfil(user=request.user, obligation=obligation,
                                   evidence=form.cleaned_data.get("evidence", ""),
                                   version=form.cleaned_data.get("version"))
    except (ValidationError, ConflictError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, _("Marked fulfilled."))
    return redirect(request.POST.get("next") if str(request.POST.get("next", "")).startswith("/contracts/")
                    else obligation.contract.get_absolute_url())


class ObligationDeleteView(EntityDeleteView):
    def get_object(self, request, pk):
        return queries.obligation_get_for_user(obligation_id=pk, user=request.user)

    def delete(self, request, obj):
        services.obligation_delete(user=request.user, obligation=obj)

    def success_url(self, obj):
        return obj.contract.get_absolute_url()


class ObligationHistoryView(HistoryView):
    def get_object(self, request, pk):
        return queries.obligation_get_for_user(obligation_id=pk, user=request.user)


