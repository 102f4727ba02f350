"""Product catalog pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from keyaccount.catalog import queries, services
from keyaccount.catalog.filters import ProductFilterForm
from keyaccount.catalog.forms import ProductForm
from keyaccount.core import access
from keyaccount.core.access import Capability
from keyaccount.core.errors import AccessDenied
from keyaccount.core.generic import EntityDeleteView, EntityFormView, EntityListView, HistoryView


class ProductListView(EntityListView):
    template_name = "catalog/product_list.html"
    partial_template_name = "catalog/_product_table.html"
    filter_form_class = ProductFilterForm
    sort_fields = {"name": "name", "sku": "sku", "category": "category", "price": "list_price"}

    def get_queryset(self, request, filters):
        return queries.product_list(request.user, search=filters.get("q", ""), category=filters.get("category", ""),
                                    active=filters.get("active"), order_by=filters["order_by"])

    def sort_fields_for(self, request):
        if access.can(request.user, Capability.VIEW_FINANCES):
            return self.sort_fields
        return {key: field for key, field in self.sort_fields.items() if key != "price"}

    def extra_context(self, request):
        return {"can_create": access.can(request.user, Capability.EDIT_CATALOG)}


@login_required
def product_detail(request, pk):
    product = queries.product_get_for_user(product_id=pk, user=request.user)
    return render(request, "catalog/product_detail.html", {
        "product": product, "can_edit": access.can(request.user, Capability.EDIT_CATALOG),
    })


class ProductFormView(EntityFormView):
    form_class = ProductForm
    new_title = _("New product")

    def get_object(self, request, pk=None):
        return queries.product_get_for_user(product_id=pk, user=request.user) if pk else None

    def check_allowed(self, request, obj, **kwargs):
        if not access.can(request.user, Capability.EDIT_CATALOG):
            raise AccessDenied()

    def save(self, request, form, obj, **kwargs):
        if obj is None:
            return services.product_create(user=request.user, data=form.service_data())
        return services.product_update(user=request.user, product=obj, data=form.service_data(),
                                       version=form.cleaned_data.get("version"))

    def cancel_url(self, obj, **kwargs):
        return obj.get_absolute_url() if obj else reverse("catalog:product_list")


class ProductDeleteView(EntityDeleteView):
    def get_object(self, request, pk):
        return queries.product_get_for_user(product_id=pk, user=request.user)

    def delete(self, request, obj):
        services.product_delete(user=request.user, product=obj)

    def success_url(self, obj):
        return reverse("catalog:product_list")


class ProductHistoryView(HistoryView):
    def get_object(self, request, pk):
        return queries.product_get_for_user(product_id=pk, user=request.user)
