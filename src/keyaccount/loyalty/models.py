"""Loyalty: tiers with the rules that earn them and the perks they bring, each account's tier kept
with its history (computed, or set by hand with a reason), the VIP club's events with their
invitations, and referrals: which client recommended which."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from keyaccount.core.money import MONEY_DIGITS, MONEY_PLACES, validate_currency
from keyaccount.loyalty.choices import InvitationStatus


class Tier(models.Model):
    """A loyalty tier: an account earns it with at least ``min_revenue`` over the last
    ``revenue_months`` (in ``currency``), ``min_tenure_months`` since its first purchase and, where
    asked, the key-account status; the highest tier whose rules hold is the account's."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    rank = models.PositiveSmallIntegerField(_("rank"), unique=True, help_text=_("higher is better"))
    min_revenue = models.DecimalField(_("revenue at least"), max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES,
                                      default=Decimal("0"), validators=[MinValueValidator(Decimal("0"))])
    currency = models.CharField(_("currency"), max_length=3, default=settings.KAM_DEFAULT_CURRENCY,
                                validators=[validate_currency])
    revenue_months = models.PositiveSmallIntegerField(_("over the last, months"), default=12,
                                                      validators=[MinValueValidator(1), MaxValueValidator(120)])
    min_tenure_months = models.PositiveSmallIntegerField(_("buying for at least, months"), default=0,
                                                         validators=[MaxValueValidator(600)])
    key_accounts_only = models.BooleanField(_("key accounts only"), default=False)
    # Perks.
    discount_percent = models.DecimalField(_("discount in proposals, %"), max_digits=5, decimal_places=2,
                                           default=Decimal("0"),
                                           validators=[MinValueValidator(Decimal("0")),
                                                       MaxValueValidator(Decimal("100"))])
    personal_manager = models.BooleanField(_("personal manager"), default=False)
    priority_support = models.BooleanField(_("priority support"), default=False)
    # With priority support: these deadlines instead of the severity's, when shorter.
    response_hours = models.PositiveSmallIntegerField(_("first response within, hours"), null=True, blank=True,
                                                      validators=[MinValueValidator(1)])
    resolution_hours = models.PositiveSmallIntegerField(_("resolution within, hours"), null=True, blank=True,
                                                        validators=[MinValueValidator(1)])
    exclusive_offers = models.TextField(_("exclusive offers"), blank=True)
    is_vip_club = models.BooleanField(_("VIP club"), default=False)

    class Meta:
        ordering = ["rank"]
        verbose_name = _("loyalty tier")
        verbose_name_plural = _("loyalty tiers")

    def __str__(self) -> str:
        return self.name


class TierAssignment(models.Model):
    """One period of an account in a tier: the current one has no end."""

    account = models.ForeignKey("accounts.Account", on_delete=models.CASCADE, related_name="tier_history")
    tier = models.ForeignKey(Tier, verbose_name=_("tier"), on_delete=models.PROTECT, related_name="assignments")
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)
    # Set by hand: the computation leaves it alone until ``override_until`` (or for good).
    overridden = models.BooleanField(_("set by hand"), default=False)
    override_until = models.DateField(_("set by hand until"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    # What the rules saw when it was computed: {"revenue": "...", "tenure_months": n, "key": bool}.
    basis = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["account", "-since", "-id"]
        constraints = [models.UniqueConstraint(fields=["account"], condition=Q(until__isnull=True),
                                               name="tier_one_current")]

    def __str__(self) -> str:
        return f"{self.account}: {self.tier}"


class VipEvent(models.Model):
    title = models.CharField(_("title"), max_length=300)
    starts_at = models.DateTimeField(_("starts"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("VIP club event")
        verbose_name_plural = _("VIP club events")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("loyalty:event_detail", args=[self.pk])


class Invitation(models.Model):
    event = models.ForeignKey(VipEvent, on_delete=models.CASCADE, related_name="invitations")
    contact = models.ForeignKey("accounts.Contact", verbose_name=_("person"), on_delete=models.CASCADE,
                                related_name="invitations")
    status = models.CharField(_("status"), max_length=10, choices=InvitationStatus.choices,
                              default=InvitationStatus.INVITED)
    invited_at = models.DateTimeField(default=timezone.now)
    responded_at = models.DateTimeField(null=True, blank=True)
    # The manager's follow-up task after the event (for those who came).
    follow_up = models.ForeignKey("timeline.Interaction", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")

    class Meta:
        ordering = ["event", "contact__last_name", "id"]
        constraints = [models.UniqueConstraint(fields=["event", "contact"], name="invitation_once")]

    def __str__(self) -> str:
        return f"{self.contact} — {self.event}"


class Referral(models.Model):
    """``referrer`` recommended us to ``referred``: what the referred client has bought since is
    the reputation a key client brings."""

    referrer = models.ForeignKey("accounts.Account", verbose_name=_("recommended by"), on_delete=models.CASCADE,
                                 related_name="referrals_made")
    referred = models.ForeignKey("accounts.Account", verbose_name=_("new client"), on_delete=models.CASCADE,
                                 related_name="referrals_received")
    referred_on = models.DateField(_("when"), default=timezone.localdate)
    note = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-referred_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["referred"], name="referral_one_source"),
                       models.CheckConstraint(condition=~Q(referrer=models.F("referred")), name="referral_not_self")]

    def __str__(self) -> str:
        return f"{self.referrer} → {self.referred}"
