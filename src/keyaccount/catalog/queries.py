"""Reads of the product catalog: every role sees it; only some change it (see core.access)."""

from __future__ import annotations

from django.db.models import QuerySet

from keyaccount.catalog.models import Product
from keyaccount.core import access
from keyaccount.core.editing import get_or_404
from keyaccount.core.search import filter_words


def products_visible_to(user) -> QuerySet[Product]:
    return Product.objects.all() if access.is_member(user) else Product.objects.none()


def product_get_for_user(*, product_id, user) -> Product:
    return get_or_404(products_visible_to(user), product_id)


def product_list(user, *, search: str = "", category: str = "", active: bool | None = None,
                 order_by: str = "name") -> QuerySet[Product]:
    queryset = products_visible_to(user)
    queryset = filter_words(queryset, search)
    if category:
        queryset = queryset.filter(category=category)
    if active is not None:
        queryset = queryset.filter(is_active=active)
    return queryset.order_by(order_by, "id")


def product_categories() -> list[str]:
    return list(Product.objects.exclude(category="").values_list("category", flat=True).distinct()
                .order_by("category"))
