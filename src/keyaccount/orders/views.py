"""Order pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from keyaccount.core import access
from keyaccount.core.access import Capability
from keyaccount.core.editing import require
from keyaccount.core.errors import AccessDenied
from keyaccount.core.generic import EntityDeleteView, EntityFormView, EntityListView, HistoryView, import_upload_page
from keyaccount.orders import queries, services
from keyaccount.orders.filters import OrderFilterForm
from keyaccount.orders.forms import OrderForm, OrderImportForm, OrderLineFormSet


class OrderListView(EntityListView):
    template_name = "orders/order_list.html"
    partial_template_name = "orders/_order_table.html"
    filter_form_class = OrderFilterForm
    sort_fields = {"date": "ordered_on", "number": "number", "total": "total"}
    default_sort = "-date"

    def get_queryset(self, request, filters):
        return queries.order_list(request.user, search=filters.get("q", ""), account_id=filters.get("account"),
                                  status=filters.get("status", ""), date_from=filters.get("date_from"),
                                  date_to=filters.get("date_to"), order_by=filters["order_by"])

    def extra_context(self, request):
        return {"can_create": access.can(request.user, Capability.EDIT_ORDERS)}


@login_required
def order_import(request):
    """Upload order lines and choose how to read them; the preview and the import run on the import's
    own page (a large file in the worker)."""
    require(access.can(request.user, Capability.EDIT_ORDERS))
    return import_upload_page(request, kind="orders", form_class=OrderImportForm, template="orders/order_import.html",
                              option_names=("mapping", "encoding", "skip_bad"))


def order_import_context(job) -> dict:
    """What an order import's page shows once it is done: the report and, after a preview, the form
    to import the same file."""
    return {"report": job.result, "form": OrderImportForm(initial={**job.options, "upload": job.upload})}


@login_required
def order_detail(request, pk):
    order = queries.order_get_for_user(order_id=pk, user=request.user)
    return render(request, "orders/order_detail.html", {
        "order": order, "lines": queries.order_lines(order),
        "can_edit": access.can(request.user, Capability.EDIT_ORDERS)
        and access.can_edit_account(request.user, order.account),
    })


class OrderFormView(EntityFormView):
    form_class = OrderForm
    template_name = "orders/order_form.html"
    new_title = _("New order")

    def get_object(self, request, pk=None):
        return queries.order_get_for_user(order_id=pk, user=request.user) if pk else None

    def get_form_kwargs(self, request, obj, **kwargs):
        kwargs = super().get_form_kwargs(request, obj, **kwargs)
        if obj is None and request.GET.get("account"):
            kwargs["initial"] = {"account": request.GET["account"]}
        return kwargs

    def check_allowed(self, request, obj, **kwargs):
        allowed = access.can(request.user, Capability.EDIT_ORDERS)
        if obj is not None:
            allowed = allowed and access.can_edit_account(request.user, obj.account)
        if not allowed:
            raise AccessDenied()

    def extra_context(self, request, obj, **kwargs):
        if request.method == "POST":
            formset = OrderLineFormSet(request.POST, instance=obj, prefix="lines")
        else:
            formset = OrderLineFormSet(instance=obj, prefix="lines")
        return {"formset": formset}

    def save(self, request, form, obj, **kwargs):
        formset = OrderLineFormSet(request.POST, instance=obj, prefix="lines")
        lines = []
        if formset.is_valid():
            for line_form in formset.forms:
                data = line_form.cleaned_data
                if not data or data.get("DELETE") or not data.get("product"):
                    continue
                lines.append({"product": data["product"], "quantity": data["quantity"],
                              "unit_price": data.get("unit_price"), "discount_percent": data.get("discount_percent")})
        else:
            raise ValidationError({"__all__": [str(error) for error in formset.non_form_errors()]
                                   or [_("Check the order lines below.")]})
        data = form.service_data()
        data["lines"] = lines
        if obj is None:
            return services.order_create(user=request.user, data=data)
        return services.order_update(user=request.user, order=obj, data=data, version=form.cleaned_data.get("version"))

    def cancel_url(self, obj, **kwargs):
        return obj.get_absolute_url() if obj else reverse("orders:order_list")


class OrderDeleteView(EntityDeleteView):
    def get_object(self, request, pk):
        return queries.order_get_for_user(order_id=pk, user=request.user)

    def delete(self, request, obj):
        services.order_delete(user=request.user, order=obj)

    def success_url(self, obj):
        return reverse("accounts:account_detail", args=[obj.account_id])


class OrderHistoryView(HistoryView):
    def get_object(self, request, pk):
        return queries.order_get_for_user(order_id=pk, user=request.user)
