"""Contracts under control: their terms, files, renewal and notice dates, and the obligations of
both sides with due dates, the responsible person and the evidence of fulfilment."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from keyaccount.contracts.choices import ContractStatus, ObligationKind, ObligationStatus, Side
from keyaccount.core import working_time
from keyaccount.core.models import VersionedModel
from keyaccount.core.money import MONEY_DIGITS, MONEY_PLACES, validate_currency

# Reminders come at most this long before a deadline.
MAX_REMIND_DAYS = 365


class Contract(VersionedModel):
    account = models.ForeignKey("accounts.Account", verbose_name=_("account"), on_delete=models.PROTECT,
                                related_name="contracts")
    deal = models.ForeignKey("deals.Deal", verbose_name=_("deal"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="contracts")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("responsible manager"),
                              on_delete=models.PROTECT, related_name="contracts")
    number = models.CharField(_("number"), max_length=100)
    signed_on = models.DateField(_("date"), null=True, blank=True)
    our_party = models.CharField(_("our party"), max_length=300, blank=True)
    counterparty = models.CharField(_("counterparty"), max_length=300, blank=True)
    subject = models.TextField(_("subject"))
    value = models.DecimalField(_("value"), max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES, null=True,
                                blank=True, validators=[MinValueValidator(Decimal("0"))])
    currency = models.CharField(_("currency"), max_length=3, default=settings.KAM_DEFAULT_CURRENCY,
                                validators=[validate_currency])
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    auto_renewal = models.BooleanField(_("renews automatically"), default=False)
    renewal_months = models.PositiveSmallIntegerField(_("renewal term, months"), null=True, blank=True,
                                                      validators=[MinValueValidator(1), MaxValueValidator(120)])
    # How long before the end a side must give notice (not to renew, or to terminate).
    notice_days = models.PositiveSmallIntegerField(_("notice period, days"), default=30,
                                                   validators=[MaxValueValidator(MAX_REMIND_DAYS)])
    remind_days_before = models.PositiveSmallIntegerField(_("remind before the notice date, days"), default=14,
                                                          validators=[MaxValueValidator(MAX_REMIND_DAYS)])
    status = models.CharField(_("status"), max_length=12, choices=ContractStatus.choices,
                              default=ContractStatus.ACTIVE)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        constraints = [
            models.UniqueConstraint(fields=["account", "number"], name="contract_account_number"),
            models.CheckConstraint(condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                                   name="contract_ends_after_start",
                                   violation_error_message=_("A contract cannot end before it starts.")),
        ]
        indexes = [
            models.Index(fields=["-starts_on", "-id"], name="contract_list_order"),
            models.Index(fields=["status", "ends_on"], name="contract_status_end"),
        ]

    def __str__(self) -> str:
        return _("Contract № %(number)s") % {"number": self.number}

    def get_absolute_url(self) -> str:
        return reverse("contracts:contract_detail", args=[self.pk])

    @property
    def notice_deadline(self) -> dt.date | None:
        """The last day to give notice before the contract ends (or renews by itself)."""
        return self.ends_on - dt.timedelta(days=self.notice_days) if self.ends_on else None


def _attachment_path(instance, filename: str) -> str:
    return f"contracts/{instance.contract_id}/{timezone.now():%Y%m%d%H%M%S}-{filename}"


class ContractAttachment(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=_attachment_path)
    name = models.CharField(_("name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


class Obligation(VersionedModel):
    contract = models.ForeignKey(Contract, verbose_name=_("contract"), on_delete=models.CASCADE,
                                 related_name="obligations")
    side = models.CharField(_("whose"), max_length=10, choices=Side.choices, default=Side.OURS)
    kind = models.CharField(_("kind"), max_length=12, choices=ObligationKind.choices)
    title = models.CharField(_("what"), max_length=300)
    due_on = models.DateField(_("due"))
    amount = models.DecimalField(_("amount"), max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES, null=True,
                                 blank=True, validators=[MinValueValidator(Decimal("0"))])
    responsible = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("responsible"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="obligations")
    status = models.CharField(_("status"), max_length=10, choices=ObligationStatus.choices,
                              default=ObligationStatus.OPEN)
    done_on = models.DateField(_("fulfilled on"), null=True, blank=True)
    evidence = models.TextField(_("evidence"), blank=True,
                                help_text=_("e.g. the waybill, the payment order, the signed act"))
    orders = models.ManyToManyField("orders.Order", verbose_name=_("linked orders and payments"), blank=True,
                                    related_name="obligations")
    remind_days_before = models.PositiveSmallIntegerField(_("remind before, days"), default=3,
                                                          validators=[MaxValueValidator(MAX_REMIND_DAYS)])

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("obligation")
        verbose_name_plural = _("obligations")
        indexes = [models.Index(fields=["due_on"], name="obligation_open_due", condition=Q(status="open")),
                   models.Index(fields=["contract", "due_on"], name="obligation_contract")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"{reverse('contracts:contract_detail', args=[self.contract_id])}#obligation-{self.pk}"

    @property
    def is_overdue(self) -> bool:
        """Open and past its due day, counted in working days: one due on Saturday is late on Tuesday."""
        if self.status != ObligationStatus.OPEN or self.due_on >= timezone.localdate():
            return False
        return self.due_on <= working_time.company_calendar().last_overdue_day(timezone.localdate())
