"""Scores per account, kept with the day they were computed so that the trend shows."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountScore(models.Model):
    account = models.ForeignKey("accounts.Account", on_delete=models.CASCADE, related_name="scores")
    computed_on = models.DateField(_("computed on"))
    currency = models.CharField(_("currency"), max_length=3)
    repeat_customer = models.BooleanField(_("repeat customer"), default=False)
    purchase_days = models.PositiveIntegerField(_("purchase days"), default=0)
    days_since_last = models.PositiveIntegerField(_("days since the last order"), default=0)
    usual_gap_days = models.FloatField(_("usual days between orders"), null=True, blank=True)
    total_spend = models.DecimalField(_("total spend"), max_digits=18, decimal_places=2, default=0)
    p_alive = models.FloatField(_("chance still buying"), null=True, blank=True)
    expected_purchases = models.FloatField(_("expected purchases, next year"), null=True, blank=True)
    expected_spend = models.FloatField(_("expected spend per purchase"), null=True, blank=True)
    clv = models.FloatField(_("customer lifetime value, next year"), null=True, blank=True)
    rfm = models.CharField(_("RFM"), max_length=3, blank=True)
    abc = models.CharField(_("ABC"), max_length=1, blank=True)
    xyz = models.CharField(_("XYZ"), max_length=1, blank=True)
    growth_pct = models.FloatField(_("revenue growth, %"), null=True, blank=True)
    health = models.PositiveSmallIntegerField(_("health"), null=True, blank=True)
    # Each part of the health score: {"code": {"value": 0..1, "weight": w, "contribution": points, "note": ...}}
    health_parts = models.JSONField(_("health parts"), default=dict, blank=True)

    class Meta:
        ordering = ["-computed_on", "account_id"]
        verbose_name = _("account score")
        verbose_name_plural = _("account scores")
        constraints = [models.UniqueConstraint(fields=["account", "computed_on"], name="account_score_day")]
        indexes = [models.Index(fields=["computed_on", "abc"], name="account_score_day_abc")]

    def __str__(self) -> str:
        return f"{self.account_id} @ {self.computed_on}"


class PortfolioSnapshot(models.Model):
    """The portfolio page's figures for one access scope (``core.access.scope_key``): counted when
    first asked for, again by the nightly refresh, and in the worker when orders or accounts change,
    so that the page reads one row however many orders there are."""

    scope = models.CharField(_("scope"), max_length=80, unique=True)
    computed_at = models.DateTimeField(_("computed at"))
    # Marked when what the figures are made of changed; the worker counts them again. A change while
    # they are being counted leaves them marked (``changed_at`` after the count began).
    stale = models.BooleanField(_("being recounted"), default=False)
    changed_at = models.DateTimeField(_("changed at"), null=True, blank=True)
    figures = models.JSONField(_("figures"), default=dict)

    class Meta:
        verbose_name = _("portfolio snapshot")
        verbose_name_plural = _("portfolio snapshots")

    def __str__(self) -> str:
        return f"{self.scope} @ {self.computed_at:%Y-%m-%d %H:%M}"
