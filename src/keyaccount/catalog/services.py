"""Writes to the product catalog."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from keyaccount.catalog.models import Product
from keyaccount.core import access, audit, search
from keyaccount.core.access import Capability
from keyaccount.core.concurrency import save_versioned
from keyaccount.core.editing import assign_fields, delete_or_explain, require
from keyaccount.core.signals import product_recategorised

PRODUCT_FIELDS = ("sku", "name", "category", "unit", "list_price", "currency", "description", "is_active")


def _require_catalog_editor(user) -> None:
    require(access.can(user, Capability.EDIT_CATALOG))


def _assign(product: Product, data: Mapping[str, Any]) -> None:
    assign_fields(product, data, PRODUCT_FIELDS)
    product.sku = (product.sku or "").strip()
    product.currency = (product.currency or "").upper()
    product.search_text = search.fold(product.sku, product.name, product.category)


@transaction.atomic
def product_create(*, user, data: Mapping[str, Any]) -> Product:
    _require_catalog_editor(user)
    product = Product()
    _assign(product, data)
    product.full_clean()
    product.save()
    audit.record_create(actor=user, instance=product, after=audit.snapshot(product))
    return product


@transaction.atomic
def product_update(*, user, product: Product, data: Mapping[str, Any], version: int | None) -> Product:
    _require_catalog_editor(user)
    before = audit.snapshot(product)
    previous_category = product.category
    _assign(product, data)
    product.full_clean()
    save_versioned(product, expected_version=version)
    audit.record_update(actor=user, instance=product, before=before, after=audit.snapshot(product))
    if product.category != previous_category:
        product_recategorised.send(sender=Product, product_id=product.pk, previous=previous_category,
                                   current=product.category)
    return product


@transaction.atomic
def product_delete(*, user, product: Product) -> None:
    _require_catalog_editor(user)
    if product.order_lines.exists():
        raise ValidationError(_("This product was ordered; take it off sale instead of deleting it."))
    audit.record_delete(actor=user, instance=product, before=audit.snapshot(product))
    delete_or_explain(product)
