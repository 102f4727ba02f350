"""Sales plans of managers and teams, key-account plans with their initiatives, and the weekly
reports managers submit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from keyaccount.core.models import VersionedModel
from keyaccount.core.money import MONEY_DIGITS, MONEY_PLACES, validate_currency
from keyaccount.planning.choices import InitiativeStatus, PeriodKind, ReportStatus


def period_end(kind: str, start: dt.date) -> dt.date:
    """The last day of the period that begins on ``start``."""
    months = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.YEAR: 12}[kind]
    year, month = divmod(start.month - 1 + months, 12)
    return dt.date(start.year + year, month + 1, 1) - dt.timedelta(days=1)


class SalesPlan(VersionedModel):
    """A revenue target of one manager or one team for a month, a quarter or a year, optionally for
    one product category."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("manager"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="sales_plans")
    team = models.ForeignKey("core.Team", verbose_name=_("team"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="sales_plans")
    period_kind = models.CharField(_("period"), max_length=10, choices=PeriodKind.choices, default=PeriodKind.MONTH)
    period_start = models.DateField(_("period starts"))
    category = models.CharField(_("product category"), max_length=120, blank=True,
                                help_text=_("Empty: all products"))
    amount = models.DecimalField(_("plan"), max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES,
                                 validators=[MinValueValidator(Decimal("0"))])
    currency = models.CharField(_("currency"), max_length=3, default=settings.KAM_DEFAULT_CURRENCY,
                                validators=[validate_currency])

    class Meta:
        ordering = ["period_start", "period_kind", "id"]
        verbose_name = _("sales plan")
        verbose_name_plural = _("sales plans")
        constraints = [
            models.CheckConstraint(condition=Q(user__isnull=True, team__isnull=False)
                                   | Q(user__isnull=False, team__isnull=True), name="plan_user_or_team",
                                   violation_error_message=_("A plan is for one manager or for one team.")),
        ]
        indexes = [models.Index(fields=["period_start", "period_kind"], name="plan_period")]

    def __str__(self) -> str:
        return f"{self.user or self.team} · {self.period_label}"

    @property
    def period_end(self) -> dt.date:
        return period_end(self.period_kind, self.period_start)

    @property
    def period_label(self) -> str:
        if self.period_kind == PeriodKind.YEAR:
            return str(self.period_start.year)
        if self.period_kind == PeriodKind.QUARTER:
            return f"{self.period_start.year} Q{(self.period_start.month - 1) // 3 + 1}"
        return f"{self.period_start:%Y-%m}"


class AccountPlan(VersionedModel):
    """The strategic plan a key-account manager keeps for one account and one year."""

    account = models.ForeignKey("accounts.Account", verbose_name=_("account"), on_delete=models.PROTECT,
                                related_name="account_plans")
    year = models.PositiveSmallIntegerField(_("year"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("key-account manager"),
                              on_delete=models.PROTECT, related_name="account_plans")
    target_revenue = models.DecimalField(_("target revenue"), max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES,
                                         null=True, blank=True, validators=[MinValueValidator(Decimal("0"))])
    currency = models.CharField(_("currency"), max_length=3, default=settings.KAM_DEFAULT_CURRENCY,
                                validators=[validate_currency])
    objectives = models.TextField(_("our objectives for the year"), blank=True)
    client_goals = models.TextField(_("the client's goals"), blank=True)
    challenges = models.TextField(_("the client's challenges"), blank=True)
    competitor_threats = models.TextField(_("competitor threats"), blank=True)
    reviewed_on = models.DateField(_("last reviewed"), null=True, blank=True)
    next_review_on = models.DateField(_("next review"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "account__name"]
        verbose_name = _("account plan")
        verbose_name_plural = _("account plans")
        constraints = [models.UniqueConstraint(fields=["account", "year"], name="account_plan_year")]

    def __str__(self) -> str:
        return _("Account plan %(year)s: %(account)s") % {"year": self.year, "account": self.account}

    def get_absolute_url(self) -> str:
        return reverse("planning:account_plan_detail", args=[self.pk])


class Initiative(models.Model):
    plan = models.ForeignKey(AccountPlan, on_delete=models.CASCADE, related_name="initiatives")
    title = models.CharField(_("initiative"), max_length=300)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="initiatives")
    due_on = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=InitiativeStatus.choices,
                              default=InitiativeStatus.PLANNED)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.title


class WeeklyReport(VersionedModel):
    """A manager's weekly activity report: the figures come from the data, the words from the
    manager; once submitted it is what the head of sales reads and no longer changes."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("manager"), on_delete=models.PROTECT,
                             related_name="weekly_reports")
    week_start = models.DateField(_("week of"))
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    figures = models.JSONField(_("figures"), default=dict, editable=False)
    highlights = models.TextField(_("results and highlights"), blank=True)
    problems = models.TextField(_("problems and help needed"), blank=True)
    next_week = models.TextField(_("plans for next week"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-week_start", "user__username"]
        verbose_name = _("weekly report")
        verbose_name_plural = _("weekly reports")
        constraints = [models.UniqueConstraint(fields=["user", "week_start"], name="weekly_report_user_week")]

    def __str__(self) -> str:
        return _("Week of %(date)s: %(user)s") % {"date": self.week_start.isoformat(), "user": self.user}

    def get_absolute_url(self) -> str:
        return reverse("planning:report_detail", args=[self.pk])

    @property
    def week_end(self) -> dt.date:
        return self.week_start + dt.timedelta(days=6)
