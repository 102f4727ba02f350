"""Orders and their lines: the history every analysis of a client starts from."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from keyaccount.core.models import VersionedModel
from keyaccount.core.money import MONEY_DIGITS, MONEY_PLACES, validate_currency


class OrderStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    CONFIRMED = "confirmed", _("Confirmed")
    SHIPPED = "shipped", _("Shipped")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


# Orders in these states are no purchases: every sum of sales leaves them out.
UNCOUNTED_STATUSES = (OrderStatus.DRAFT, OrderStatus.CANCELLED)


class OrderQuerySet(models.QuerySet):
    def counted(self):
        """Orders that count as purchases (drafts and cancellations do not)."""
        return self.exclude(status__in=UNCOUNTED_STATUSES)


class Order(VersionedModel):
    number = models.CharField(_("number"), max_length=64, unique=True)
    # Indexed by the indexes below that start with it (one more on the column alone slowed every write).
    account = models.ForeignKey("accounts.Account", verbose_name=_("account"), on_delete=models.PROTECT,
                                related_name="orders", db_index=False)
    ordered_on = models.DateField(_("date"))
    currency = models.CharField(_("currency"), max_length=3, default=settings.KAM_DEFAULT_CURRENCY,
                                validators=[validate_currency])
    total = models.DecimalField(_("total"), max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES,
                                default=Decimal("0"), editable=False)
    status = models.CharField(_("status"), max_length=20, choices=OrderStatus.choices,
                              default=OrderStatus.CONFIRMED)
    payment_due_on = models.DateField(_("payment due"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    objects = OrderQuerySet.as_manager()

    class Meta:
        ordering = ["-ordered_on", "-id"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        indexes = [
            models.Index(fields=["account", "-ordered_on"]),
            models.Index(fields=["-ordered_on", "-id"]),
            # Covers the account page's totals per currency (sum, count, first and last order): read
            # from the index alone, a client with 20,000 orders sums in 5 ms instead of 17 on SQLite.
            models.Index(fields=["account", "currency", "status", "ordered_on", "total"],
                         name="order_account_totals"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("orders:order_detail", args=[self.pk])


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    # Indexed by (product, order) below.
    product = models.ForeignKey("catalog.Product", verbose_name=_("product"), on_delete=models.PROTECT,
                                related_name="order_lines", db_index=False)
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3,
                                   validators=[MinValueValidator(Decimal("0.001"))])
    unit_price = models.DecimalField(_("unit price"), max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES,
                                     validators=[MinValueValidator(Decimal("0"))])
    discount_percent = models.DecimalField(_("discount, %"), max_digits=5, decimal_places=2, default=Decimal("0"),
                                           validators=[MinValueValidator(Decimal("0")),
                                                       MaxValueValidator(Decimal("100"))])
    amount = models.DecimalField(_("amount"), max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES,
                                 editable=False)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["product", "order"])]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.product_id} × {self.quantity}"


class SalesDay(models.Model):
    """Purchases summed per manager, account team, day, currency and product category: what plan
    against actuals reads, so that its time does not grow with the orders. ``category`` "" holds the
    orders' totals; a category's row holds its lines' amounts. Kept by the order services as orders
    are written, moved when an account changes hands, rebuilt whole by the nightly job
    (``orders.services.rebuild_sales_days``)."""

    # Indexed by sales_day_owner (and the key) below.
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    # The account's own team (0: none, the owner's team counts), as plans read it.
    account_team = models.PositiveIntegerField(default=0)
    day = models.DateField()
    # The day's month (its first day): reports group by it without a date function per row (SQLite
    # runs those in Python).
    month = models.DateField()
    currency = models.CharField(max_length=3)
    category = models.CharField(max_length=120, blank=True)
    amount = models.DecimalField(max_digits=MONEY_DIGITS + 4, decimal_places=MONEY_PLACES, default=Decimal("0"))

    class Meta:
        verbose_name = _("sales of a day")
        verbose_name_plural = _("sales by day")
        constraints = [models.UniqueConstraint(fields=["owner", "account_team", "day", "currency", "category"],
                                               name="sales_day_key")]
        indexes = [models.Index(fields=["owner", "currency", "category", "day"], name="sales_day_owner"),
                   models.Index(fields=["account_team", "currency", "category", "day"], name="sales_day_team")]

    def __str__(self) -> str:
        return f"{self.owner_id}/{self.account_team} {self.day} {self.category or '*'}: {self.amount} {self.currency}"
