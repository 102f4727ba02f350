"""The client company (Account) with its dossier, its people (Contact) and its competitors."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from keyaccount.accounts.choices import (
    PAYING_SIDE,
    USING_SIDE,
    AccountStatus,
    Channel,
    CompanySize,
    ConsentPurpose,
    ContactRoleKind,
    Industry,
    PhoneKind,
    RelationshipStrength,
)
from keyaccount.core.identifiers import validate_inn, validate_kpp, validate_ogrn, validate_vat_number
from keyaccount.core.models import VersionedModel
from keyaccount.core.money import MONEY_DIGITS, MONEY_PLACES, validate_currency
from keyaccount.core.phones import display as display_phone


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


class Account(VersionedModel):
    name = models.CharField(_("legal name"), max_length=300)
    short_name = models.CharField(_("short name"), max_length=150, blank=True)
    inn = models.CharField(_("INN"), max_length=12, blank=True, validators=[validate_inn])
    kpp = models.CharField(_("KPP"), max_length=9, blank=True, validators=[validate_kpp])
    ogrn = models.CharField(_("OGRN"), max_length=15, blank=True, validators=[validate_ogrn])
    vat_number = models.CharField(_("VAT number"), max_length=20, blank=True, validators=[validate_vat_number])
    country = models.CharField(_("country"), max_length=2, default="RU", help_text=_("ISO 3166 code, e.g. RU"))
    industry = models.CharField(_("industry"), max_length=30, choices=Industry.choices, blank=True)
    size = models.CharField(_("size"), max_length=20, choices=CompanySize.choices, blank=True)
    website = models.CharField(_("website"), max_length=200, blank=True,
                               validators=[URLValidator(schemes=["http", "https"])])
    phone = models.CharField(_("main phone"), max_length=20, blank=True, db_index=True,
                             help_text=_("The switchboard; people's own numbers go on their cards"))
    legal_address = models.TextField(_("legal address"), blank=True)
    postal_address = models.TextField(_("postal address"), blank=True)
    description = models.TextField(_("what they do"), blank=True)
    history = models.TextField(_("founding and history"), blank=True)
    founded_year = models.PositiveSmallIntegerField(
        _("founded"), null=True, blank=True, validators=[MinValueValidator(1700), MaxValueValidator(2100)]
    )
    needs = models.TextField(_("known needs"), blank=True)
    plans = models.TextField(_("development plans"), blank=True)
    notes = models.TextField(_("notes"), blank=True)

    status = models.CharField(_("status"), max_length=20, choices=AccountStatus.choices,
                              default=AccountStatus.PROSPECT, db_index=True)
    status_changed_at = models.DateTimeField(_("status since"), default=timezone.now)
    # Owners are reassigned, never cascaded: deleting a user must not delete their clients.
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("key-account manager"),
                              on_delete=models.PROTECT, related_name="owned_accounts")
    team = models.ForeignKey("core.Team", verbose_name=_("team"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="accounts")
    # Indexed by a partial index below: most accounts have no parent, and with a full index SQLite's
    # statistics say "parent_id = X matches every row" and it scans the table instead.
    parent = models.ForeignKey("self", verbose_name=_("parent company"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="subsidiaries", db_index=False)
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="accounts")
    # Lower-cased names, identifiers, contact names and phone digits; kept by services.account_reindex
    # and indexed for substring search (trigram FTS5 on SQLite, pg_trgm on PostgreSQL).
    search_text = models.TextField(blank=True, default="", editable=False)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        constraints = [
            models.UniqueConstraint(fields=["inn"], condition=~Q(inn=""), name="account_inn_unique",
                                    violation_error_message=_("An account with this INN already exists.")),
        ]
        indexes = [
            models.Index(fields=["name", "id"]),
            models.Index(fields=["owner", "name"]),
            models.Index(fields=["team", "name"]),
            models.Index(fields=["industry", "name"]),
            models.Index(fields=["status", "name"]),
            models.Index(fields=["parent"], condition=Q(parent__isnull=False), name="account_parent_idx"),
        ]

    def __str__(self) -> str:
        return self.short_name or self.name

    @property
    def display_name(self) -> str:
        return str(self)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("accounts:account_detail", args=[self.pk])


class AccountShare(models.Model):
    """A colleague the owner shares the account with: they see and edit it like the owner."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="shares")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_shares")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "user"], name="account_share_unique")]

    def __str__(self) -> str:
        return f"{self.account_id} → {self.user_id}"


class AccountStatusChange(models.Model):
    """Every lifecycle status change with its date, author and reason."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("from"), max_length=20, choices=AccountStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=AccountStatus.choices)
    changed_at = models.DateTimeField(_("when"), default=timezone.now)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("who"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.from_status or '∅'} → {self.to_status}"


class AccountFinancials(VersionedModel):
    """Financial indicators of the client for one year (from their reports, SPARK, the press...)."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="financials")
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(1900), MaxValueValidator(2100)])
    currency = models.CharField(_("currency"), max_length=3, default="RUB", validators=[validate_currency])
    revenue = models.DecimalField(_("revenue"), max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES,
                                  null=True, blank=True)
    profit = models.DecimalField(_("net profit"), max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES,
                                 null=True, blank=True)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    extra = models.JSONField(_("other indicators"), default=dict, blank=True)

    class Meta:
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["account", "year"], name="financials_year_unique",
                                               violation_error_message=_("This year is already recorded."))]

    def __str__(self) -> str:
        return f"{self.account} {self.year}"


class Contact(VersionedModel):
    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.CASCADE,
                                related_name="contacts")
    last_name = models.CharField(_("last name"), max_length=100)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    patronymic = models.CharField(_("patronymic"), max_length=100, blank=True)
    position = models.CharField(_("position"), max_length=200, blank=True)
    department = models.CharField(_("department"), max_length=200, blank=True)
    messengers = models.CharField(_("messengers"), max_length=300, blank=True,
                                  help_text=_("e.g. Telegram @ivanov, WhatsApp"))
    preferred_language = models.CharField(_("preferred language"), max_length=8, choices=settings.LANGUAGES,
                                          blank=True)
    preferred_channel = models.CharField(_("preferred channel"), max_length=20, choices=Channel.choices,
                                         blank=True)
    form_of_address = models.CharField(_("form of address"), max_length=150, blank=True,
                                       help_text=_("How to address them, e.g. “Ivan Petrovich”"))
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    reports_to = models.ForeignKey("self", verbose_name=_("reports to"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="reports", db_index=False)
    relationship_strength = models.PositiveSmallIntegerField(
        _("relationship strength"), choices=RelationshipStrength.choices, default=RelationshipStrength.NONE
    )
    erased_at = models.DateTimeField(_("personal data erased"), null=True, blank=True, editable=False)
    # Folded name, phones and e-mails (core.search); kept by services.contact_reindex.
    search_text = models.TextField(blank=True, default="", editable=False)

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [
            models.Index(fields=["last_name", "first_name", "id"], name="contact_list_order"),
            models.Index(fields=["account", "last_name"]),
            # Partial, like Account.parent: most people report to nobody we know.
            models.Index(fields=["reports_to"], condition=Q(reports_to__isnull=False), name="contact_reports_to_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.last_name, self.first_name, self.patronymic) if part)

    @property
    def role_kinds(self) -> set[str]:
        # Reads the prefetched roles when the query prefetched them (queries.contacts_visible_to does).
        return {role.role for role in self.roles.all()}

    @property
    def is_on_using_side(self) -> bool:
        return bool(self.role_kinds & USING_SIDE)

    @property
    def is_on_paying_side(self) -> bool:
        return bool(self.role_kinds & PAYING_SIDE)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("accounts:contact_detail", args=[self.pk])


class ContactRole(models.Model):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=20, choices=ContactRoleKind.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["contact", "role"], name="contact_role_unique")]
        indexes = [models.Index(fields=["role", "contact"])]

    def __str__(self) -> str:
        return self.get_role_display()


class ContactPhone(models.Model):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="phones")
    number = models.CharField(_("phone"), max_length=20, db_index=True, help_text=_("E.164"))
    kind = models.CharField(_("kind"), max_length=10, choices=PhoneKind.choices, default=PhoneKind.WORK)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return display_phone(self.number)


class ContactEmail(models.Model):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="emails")
    email = models.EmailField(_("e-mail"), db_index=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.email


class ContactConsent(models.Model):
    """Consent to personal-data processing (152-FZ, GDPR): one record per purpose."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose.choices)
    given_on = models.DateField(_("given on"))
    source = models.CharField(_("source"), max_length=200, help_text=_("e.g. signed form, web form, contract"))
    text_version = models.CharField(_("consent text version"), max_length=50)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)

    class Meta:
        ordering = ["purpose", "-given_on"]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {self.given_on}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_on is None


class Competitor(VersionedModel):
    name = models.CharField(_("name"), max_length=200, unique=True)
    website = models.CharField(_("website"), max_length=200, blank=True,
                               validators=[URLValidator(schemes=["http", "https"])])
    strengths = models.TextField(_("strengths"), blank=True)
    weaknesses = models.TextField(_("weaknesses"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    search_text = models.TextField(blank=True, default="", editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("competitor")
        verbose_name_plural = _("competitors")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("accounts:competitor_detail", args=[self.pk])


class AccountCompetitor(models.Model):
    """A competitor that works with an account, and what it offers there."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="competitor_links")
    competitor = models.ForeignKey(Competitor, verbose_name=_("competitor"), on_delete=models.CASCADE,
                                   related_name="account_links")
    offering = models.TextField(_("what they offer"), blank=True)
    since = models.DateField(_("since"), null=True, blank=True)

    class Meta:
        ordering = ["competitor__name"]
        constraints = [models.UniqueConstraint(fields=["account", "competitor"], name="account_competitor_unique")]

    def __str__(self) -> str:
        return f"{self.competitor_id} @ {self.account_id}"
