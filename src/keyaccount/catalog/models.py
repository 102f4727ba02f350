"""The products we sell."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from keyaccount.core.models import VersionedModel
from keyaccount.core.money import MONEY_DIGITS, MONEY_PLACES, validate_currency


class Product(VersionedModel):
    sku = models.CharField(_("SKU"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=300)
    category = models.CharField(_("category"), max_length=120, blank=True, db_index=True)
    unit = models.CharField(_("unit"), max_length=20, default="pcs")
    list_price = models.DecimalField(_("list price"), max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES,
                                     validators=[MinValueValidator(Decimal("0"))])
    currency = models.CharField(_("currency"), max_length=3, default=settings.KAM_DEFAULT_CURRENCY,
                                validators=[validate_currency])
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("on sale"), default=True)
    # Folded SKU, name and category (core.search), set by the services.
    search_text = models.TextField(blank=True, default="", editable=False)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        indexes = [models.Index(fields=["name", "id"], name="product_list_order")]

    def __str__(self) -> str:
        return f"{self.name} ({self.sku})"

    def get_absolute_url(self) -> str:
        return reverse("catalog:product_detail", args=[self.pk])
