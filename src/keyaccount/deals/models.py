"""The pipeline: stages a company configures, deals and tenders moving through them with the time
spent in each, and the commercial proposals sent along the way."""

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

from keyaccount.core.models import VersionedModel
from keyaccount.core.money import MONEY_DIGITS, MONEY_PLACES, validate_currency
from keyaccount.deals.choices import (
    DEFAULT_STAGE_NAMES,
    DealKind,
    LossReason,
    ProposalStatus,
    StageOutcome,
    TenderProcedure,
)

PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class Stage(VersionedModel):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    # Empty: the default stage's translated name.
    name = models.CharField(_("name"), max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    probability = models.PositiveSmallIntegerField(_("default probability, %"), default=0,
                                                   validators=[MaxValueValidator(100)])
    outcome = models.CharField(_("outcome"), max_length=10, choices=StageOutcome.choices, default=StageOutcome.OPEN)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("stage")
        verbose_name_plural = _("stages")

    def __str__(self) -> str:
        return self.name or str(DEFAULT_STAGE_NAMES.get(self.code, self.code))

    @property
    def is_closed(self) -> bool:
        return self.outcome != StageOutcome.OPEN


class Deal(VersionedModel):
    kind = models.CharField(_("kind"), max_length=10, choices=DealKind.choices, default=DealKind.DEAL)
    title = models.CharField(_("title"), max_length=300)
    account = models.ForeignKey("accounts.Account", verbose_name=_("account"), on_delete=models.PROTECT,
                                related_name="deals")
    contact = models.ForeignKey("accounts.Contact", verbose_name=_("main contact"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="deals")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT,
                              related_name="deals")
    stage = models.ForeignKey(Stage, verbose_name=_("stage"), on_delete=models.PROTECT, related_name="deals")
    stage_entered_at = models.DateTimeField(_("in this stage since"), default=timezone.now)
    amount = models.DecimalField(_("amount"), max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES,
                                 default=Decimal("0"), validators=[MinValueValidator(Decimal("0"))])
    currency = models.CharField(_("currency"), max_length=3, default=settings.KAM_DEFAULT_CURRENCY,
                                validators=[validate_currency])
    probability = models.PositiveSmallIntegerField(_("probability, %"), default=0, validators=[MaxValueValidator(100)])
    expected_close_on = models.DateField(_("expected close"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    products = models.ManyToManyField("catalog.Product", verbose_name=_("products of interest"), blank=True,
                                      related_name="deals")
    description = models.TextField(_("description"), blank=True)

    # Why it was lost: the competitor picture of the account fills itself from these.
    loss_reason = models.CharField(_("loss reason"), max_length=20, choices=LossReason.choices, blank=True)
    lost_to = models.ForeignKey("accounts.Competitor", verbose_name=_("lost to"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="deals_won")
    competitor_offer = models.TextField(_("what the competitor offered"), blank=True)
    loss_details = models.TextField(_("loss details"), blank=True)

    # Tenders
    tender_number = models.CharField(_("tender number"), max_length=100, blank=True)
    tender_platform = models.CharField(_("platform"), max_length=200, blank=True)
    tender_procedure = models.CharField(_("procedure"), max_length=20, choices=TenderProcedure.choices, blank=True)
    submission_deadline = models.DateTimeField(_("submission deadline"), null=True, blank=True)
    our_bid = models.DecimalField(_("our bid"), max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES, null=True,
                                  blank=True, validators=[MinValueValidator(Decimal("0"))])
    winner = models.CharField(_("winner"), max_length=300, blank=True)
    winning_price = models.DecimalField(_("winning price"), max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES,
                                        null=True, blank=True, validators=[MinValueValidator(Decimal("0"))])

    class Meta:
        ordering = ["expected_close_on", "id"]
        verbose_name = _("deal")
        verbose_name_plural = _("deals")
        indexes = [
            models.Index(fields=["expected_close_on", "id"], name="deal_list_order"),
            # The board: each column's cards in order of the expected close.
            models.Index(fields=["stage", "expected_close_on", "id"], name="deal_board"),
            models.Index(fields=["account", "-created_at"], name="deal_account"),
            models.Index(fields=["owner", "stage"], name="deal_owner_stage"),
            models.Index(fields=["submission_deadline"], name="deal_tender_deadline",
                         condition=Q(submission_deadline__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("deals:deal_detail", args=[self.pk])

    @property
    def weighted_amount(self) -> Decimal:
        return (self.amount * self.probability / Decimal(100)).quantize(Decimal("0.01"))


class DealStageChange(models.Model):
    """One move of a deal between stages, with the time the deal spent in the stage it left."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.ForeignKey(Stage, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    to_stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(_("when"), default=timezone.now)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("who"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    seconds_in_previous = models.PositiveBigIntegerField(_("time in the previous stage, s"), default=0)

    class Meta:
        ordering = ["changed_at", "id"]
        indexes = [models.Index(fields=["changed_by", "changed_at"], name="deal_change_by_time")]

    def __str__(self) -> str:
        return f"{self.deal_id}: {self.from_stage_id} → {self.to_stage_id}"


def _template_path(instance, filename: str) -> str:
    return f"proposal-templates/{timezone.now():%Y%m%d%H%M%S}-{filename}"


class ProposalTemplate(models.Model):
    """A company's own Word template for proposals (docxtpl: Jinja tags inside the document)."""

    name = models.CharField(_("name"), max_length=200)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    file = models.FileField(_("Word file (.docx)"), upload_to=_template_path)
    is_default = models.BooleanField(_("default for its language"), default=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        ordering = ["language", "name"]
        verbose_name = _("proposal template")
        verbose_name_plural = _("proposal templates")

    def __str__(self) -> str:
        return f"{self.name} ({self.language})"


class Proposal(VersionedModel):
    account = models.ForeignKey("accounts.Account", verbose_name=_("account"), on_delete=models.PROTECT,
                                related_name="proposals")
    deal = models.ForeignKey(Deal, verbose_name=_("deal"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="proposals")
    contact = models.ForeignKey("accounts.Contact", verbose_name=_("addressed to"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("prepared by"), on_delete=models.PROTECT,
                              related_name="proposals")
    # "2026-0042"; revisions of one proposal share the number and count up.
    number = models.CharField(_("number"), max_length=30, editable=False)
    revision = models.PositiveSmallIntegerField(_("revision"), default=1, editable=False)
    previous = models.OneToOneField("self", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="next_revision", editable=False)
    title = models.CharField(_("title"), max_length=300)
    language = models.CharField(_("document language"), max_length=8, choices=settings.LANGUAGES, default="ru")
    currency = models.CharField(_("currency"), max_length=3, default=settings.KAM_DEFAULT_CURRENCY,
                                validators=[validate_currency])
    # Empty: without VAT ("без НДС", e.g. under the simplified tax system).
    vat_rate = models.DecimalField(_("VAT rate, %"), max_digits=5, decimal_places=2, null=True, blank=True,
                                   validators=PERCENT)
    # The rate follows the document's date (our company's VAT setting: the general rate, 22 % from
    # 2026) until someone chooses one; vat_rate then holds the choice.
    vat_by_date = models.BooleanField(_("VAT rate by the document's date"), default=True)
    prices_include_vat = models.BooleanField(_("prices include VAT"), default=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ProposalStatus.choices,
                              default=ProposalStatus.DRAFT)
    sent_on = models.DateField(_("sent on"), null=True, blank=True)
    terms = models.TextField(_("terms and notes"), blank=True)
    template = models.ForeignKey(ProposalTemplate, verbose_name=_("Word template"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    net_total = models.DecimalField(_("total without VAT"), max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES,
                                    default=Decimal("0"), editable=False)
    vat_total = models.DecimalField(_("VAT"), max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES,
                                    default=Decimal("0"), editable=False)
    total = models.DecimalField(_("total"), max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES,
                                default=Decimal("0"), editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("commercial proposal")
        verbose_name_plural = _("commercial proposals")
        constraints = [models.UniqueConstraint(fields=["number", "revision"], name="proposal_number_revision")]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="proposal_list_order"),
            models.Index(fields=["account", "-created_at"], name="proposal_account"),
            models.Index(fields=["owner", "sent_on"], name="proposal_owner_sent"),
        ]

    def __str__(self) -> str:
        label = f"№ {self.number}" + (f"/{self.revision}" if self.revision > 1 else "")
        return f"{label} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("deals:proposal_detail", args=[self.pk])

    @property
    def document_date(self) -> dt.date:
        """The date the proposal carries: the day it was sent, else the day it was made."""
        return self.sent_on or timezone.localdate(self.created_at)

    @property
    def full_number(self) -> str:
        return self.number + (f"/{self.revision}" if self.revision > 1 else "")


class ProposalLine(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(default=0)
    product = models.ForeignKey("catalog.Product", verbose_name=_("product"), on_delete=models.PROTECT,
                                related_name="+")
    description = models.CharField(_("description"), max_length=500, blank=True)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3,
                                   validators=[MinValueValidator(Decimal("0.001"))])
    unit_price = models.DecimalField(_("unit price"), max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES,
                                     validators=[MinValueValidator(Decimal("0"))])
    discount_percent = models.DecimalField(_("discount, %"), max_digits=5, decimal_places=2, default=Decimal("0"),
                                           validators=PERCENT)
    amount = models.DecimalField(_("amount"), max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES, editable=False)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.product_id} × {self.quantity}"
