"""Users, teams, API tokens, the audit log and the base every edited record shares."""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo
from decimal import Decimal

import holidays
from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from keyaccount.core.choices import NotificationChannel, NotificationKind, Role, VatRate
from keyaccount.core.identifiers import (
    correspondent_account_problem,
    settlement_account_problem,
    validate_bic,
    validate_inn,
    validate_kpp,
    validate_ogrn,
)

# Every primary key is a BigAutoField; a larger number names no record (and SQLite cannot bind it).
MAX_ID = 2**63 - 1


class Team(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


def zone_named(name: str) -> dt.tzinfo:
    """The time zone of that name, else the installation's default (for an empty or unknown name)."""
    if name:
        try:
            return zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            pass
    return timezone.get_default_timezone()


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.KAM)
    team = models.ForeignKey(
        Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    patronymic = models.CharField(_("patronymic"), max_length=150, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    # The internal line of our phone system (e.g. 101): calls from and to it are this user's calls.
    extension = models.CharField(_("phone extension"), max_length=20, blank=True, db_index=True)
    # SHA-256 of the secret in the user's private calendar-feed URL; rotating it revokes the old URL.
    calendar_key_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    # How long before a meeting, a planned call or a task deadline the user wants a reminder, in
    # minutes, comma-separated (``reminder_leads`` reads it as a list).
    reminder_minutes = models.CharField(_("remind me before"), max_length=100, default="15,1440", blank=True)
    email_reminders = models.BooleanField(_("reminders by e-mail"), default=True)
    # A morning e-mail listing every unread notification (besides kinds set to "digest" one by one).
    notification_digest = models.BooleanField(_("morning digest of unread notifications by e-mail"), default=False)
    # The user's local date of the last digest: the digest goes out once a day at most.
    digest_sent_on = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def zone(self) -> dt.tzinfo:
        """The user's own time zone, else the installation's default (also for an unknown name)."""
        return zone_named(self.time_zone)

    @property
    def reminder_leads(self) -> list[int]:
        leads = set()
        for part in self.reminder_minutes.split(","):
            if part.strip().isdigit():
                leads.add(min(int(part), MAX_REMINDER_MINUTES))
        return sorted(leads)


# A week: the longest lead time a reminder may have.
MAX_REMINDER_MINUTES = 7 * 24 * 60


def new_group() -> str:
    """A group of its own, for a notification that starts one."""
    return uuid.uuid4().hex


class Notification(models.Model):
    """An in-app notification: the bell in the top bar counts the unread ones.

    ``key`` makes delivery idempotent: whatever produced the notification (a reminder, later a
    complaint or a contract deadline) names it, and delivering it again adds nothing.
    """

    # The indexes below lead with the user and serve as its index.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications",
                             db_index=False)
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    key = models.CharField(max_length=200, null=True, blank=True, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=30, choices=NotificationKind.choices, default=NotificationKind.OTHER)
    # Notifications of one group are one entry in the bell and the list ("7 accounts changed loyalty
    # tier"); a notification of a kind that is not grouped is a group of its own.
    group = models.CharField(max_length=40, default=new_group, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["user", "-created_at", "-id"], name="notification_user_time"),
            models.Index(fields=["user"], name="notification_unread", condition=models.Q(read_at__isnull=True)),
            models.Index(fields=["user", "group"], name="notification_user_group"),
        ]

    def __str__(self) -> str:
        return self.title


class NotificationPreference(models.Model):
    """How one kind of notification reaches one user; a kind without a row has its default
    (``core.choices.NOTIFICATION_DEFAULTS``)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="notification_preferences")
    kind = models.CharField(_("kind"), max_length=30, choices=NotificationKind.choices)
    channel = models.CharField(_("how"), max_length=20, choices=NotificationChannel.choices)

    class Meta:
        verbose_name = _("notification setting")
        verbose_name_plural = _("notification settings")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once")]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_kind_display()} – {self.get_channel_display()}"


class ImportJobStatus(models.TextChoices):
    QUEUED = "queued", _("waiting")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("refused")


class ImportJob(models.Model):
    """One run of an import through the web (a preview, or the import itself), in the worker when the
    file is large (``core.import_jobs``). Its person watches it on its own page; nobody else sees it.
    The import's own records (``timeline.CallImport`` …) are written by the import, all or nothing."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=30)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs")
    file_name = models.CharField(_("file"), max_length=200)
    # The uploaded file's name in the storage (``imports/…``), removed once it has been imported.
    upload = models.CharField(max_length=300)
    size = models.BigIntegerField(default=0)
    # The form's choices (format, encoding, mapping …), as the kind's runner takes them.
    options = models.JSONField(default=dict)
    dry_run = models.BooleanField(default=True)
    status = models.CharField(_("status"), max_length=10, choices=ImportJobStatus.choices,
                              default=ImportJobStatus.QUEUED)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # What the runner reported (counts, a preview, skipped rows), or the reasons the file was refused.
    result = models.JSONField(default=dict)
    errors = models.JSONField(default=list)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return self.file_name

    @property
    def finished(self) -> bool:
        return self.status in (ImportJobStatus.DONE, ImportJobStatus.FAILED)


class VersionedModel(models.Model):
    """Base of every record users edit: timestamps and an optimistic-lock version.

    A save based on a stale copy (the version the editor loaded is no longer current) is refused by
    ``core.concurrency.save_versioned`` instead of silently overwriting a colleague's change.
    """

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now, editable=False)

    class Meta:
        abstract = True


# Every API token's secret starts with this, so a leaked one is easy to recognise (secret scanners).
TOKEN_PREFIX = "kam_"


class ApiToken(models.Model):
    """A bearer token for the REST API; only a SHA-256 hash of the secret is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


class AuditAction(models.TextChoices):
    CREATE = "create", _("created")
    UPDATE = "update", _("changed")
    DELETE = "delete", _("deleted")
    ERASE = "erase", _("personal data erased")
    EXPORT = "export", _("personal data exported")


class AuditEntry(models.Model):
    """One create, change or delete of a record: who, when (UTC) and the field-level diff.

    ``changes`` maps a field name to ``[before, after]`` (JSON-safe strings or null). The object is
    addressed by content type and id rather than a foreign key so the entry outlives the record.
    """

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("who"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    action = models.CharField(_("action"), max_length=10, choices=AuditAction.choices)
    # Indexed by (content_type, object_id, -at) below.
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.PROTECT, related_name="+",
                                     db_index=False)
    object_id = models.BigIntegerField()
    object_repr = models.CharField(max_length=300)
    changes = models.JSONField(default=dict, blank=True)
    # The account a change belongs to, so an account's History tab shows its contacts and orders too.
    account_id = models.BigIntegerField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-at"])]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.object_repr}"


def _validate_country(value: str) -> None:
    if value not in holidays.list_supported_countries():
        raise ValidationError(_("No production calendar is known for the country code %(code)s.") % {"code": value})


def _validate_time_zone(value: str) -> None:
    if value:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
            raise ValidationError(_("Unknown time zone: %(zone)s.") % {"zone": value}) from error


class WorkingTimeSettings(models.Model):
    """The company's working hours and calendar: one row (``load()``), whose absence means the defaults
    (09:00–18:00 without a lunch break, Russia's production calendar, KAM_TIME_ZONE). Every SLA,
    reminder and "overdue" rule counts in it (``core.working_time``)."""

    country = models.CharField(_("production calendar of the country"), max_length=2, default="RU",
                               validators=[_validate_country],
                               help_text=_("A two-letter country code: its public holidays and transferred days off."))
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True, validators=[_validate_time_zone],
                                 help_text=_("Empty: the installation's time zone."))
    day_starts = models.TimeField(_("working day starts"), default=dt.time(9))
    day_ends = models.TimeField(_("working day ends"), default=dt.time(18))
    lunch_starts = models.TimeField(_("lunch break starts"), null=True, blank=True)
    lunch_ends = models.TimeField(_("lunch break ends"), null=True, blank=True)
    shorten_pre_holiday = models.BooleanField(_("pre-holiday days are one hour shorter"), default=True)

    class Meta:
        verbose_name = _("working time")
        verbose_name_plural = _("working time")

    def __str__(self) -> str:
        return str(_("Working time"))

    @classmethod
    def load(cls) -> WorkingTimeSettings:
        return cls.objects.filter(pk=1).first() or cls(pk=1)

    @property
    def zone(self) -> dt.tzinfo:
        return zone_named(self.time_zone)

    def clean(self) -> None:
        errors = {}
        if self.day_starts and self.day_ends and self.day_ends <= self.day_starts:
            errors["day_ends"] = [_("The working day must end after it starts.")]
        if bool(self.lunch_starts) != bool(self.lunch_ends):
            errors["lunch_ends" if self.lunch_starts else "lunch_starts"] = [
                _("Give both the start and the end of the lunch break, or neither.")]
        elif self.lunch_starts and self.lunch_ends and not errors and not (
                self.day_starts <= self.lunch_starts < self.lunch_ends <= self.day_ends):
            errors["lunch_ends"] = [_("The lunch break must start and end inside the working day.")]
        if errors:
            raise ValidationError(errors)


class WorkingDayException(models.Model):
    """A day the company treats otherwise than its country's calendar: a corporate day off, or a
    Saturday it works."""

    day = models.DateField(_("day"), unique=True)
    is_working = models.BooleanField(_("working day"), default=False,
                                     help_text=_("Ticked: a working day; unticked: a day off."))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["day"]
        verbose_name = _("working calendar exception")
        verbose_name_plural = _("working calendar exceptions")

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d}"


# The logo on documents: a PNG or JPEG of at most this size and this many pixels a side.
LOGO_MAX_BYTES = 1024 * 1024
LOGO_MAX_SIDE = 4000


def validate_logo(file) -> None:
    """A logo is a PNG or JPEG under 1 MB and 4000 px a side, checked by opening it (Pillow), so a
    file that only calls itself an image, an SVG with scripts or a decompression bomb is refused."""
    from PIL import Image, UnidentifiedImageError

    if file.size > LOGO_MAX_BYTES:
        raise ValidationError(_("The logo is larger than 1 MB; send a smaller image."), code="logo_size")
    try:
        file.seek(0)
        with Image.open(file) as image:
            kind, (width, height) = image.format, image.size
            image.verify()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as error:
        raise ValidationError(_("The logo must be a PNG or JPEG image."), code="logo_type") from error
    finally:
        file.seek(0)
    if kind not in ("PNG", "JPEG"):
        raise ValidationError(_("The logo must be a PNG or JPEG image."), code="logo_type")
    if max(width, height) > LOGO_MAX_SIDE:
        raise ValidationError(_("The logo is larger than %(side)s pixels a side.") % {"side": LOGO_MAX_SIDE},
                              code="logo_pixels")


# The general VAT rate and the day it took effect, newest first (22 % from 2026: Federal Law of
# 28.11.2025 No. 425-FZ; 20 % from 2019; 18 % before).
VAT_GENERAL_RATES = ((dt.date(2026, 1, 1), Decimal("22")), (dt.date(2019, 1, 1), Decimal("20")))
VAT_RATE_BEFORE = Decimal("18")


def general_vat_rate(day: dt.date) -> Decimal:
    """The general VAT rate in force on ``day``."""
    return next((rate for since, rate in VAT_GENERAL_RATES if day >= since), VAT_RATE_BEFORE)


class Company(VersionedModel):
    """Our company: the seller on proposals and every document. One record per installation
    (``key`` is always 1), edited by an administrator on the admin site; ``core.queries.our_company``
    reads it."""

    key = models.PositiveSmallIntegerField(default=1, unique=True, editable=False)
    name = models.CharField(_("legal name"), max_length=300, blank=True,
                            help_text=_("As registered, e.g. ООО «Ромашка»."))
    inn = models.CharField(_("INN"), max_length=12, blank=True, validators=[validate_inn])
    kpp = models.CharField(_("KPP"), max_length=9, blank=True, validators=[validate_kpp])
    ogrn = models.CharField(_("OGRN"), max_length=15, blank=True, validators=[validate_ogrn])
    address = models.CharField(_("legal address"), max_length=500, blank=True)
    bank_name = models.CharField(_("bank"), max_length=300, blank=True)
    bic = models.CharField(_("BIC"), max_length=9, blank=True, validators=[validate_bic])
    settlement_account = models.CharField(_("settlement account"), max_length=20, blank=True)
    correspondent_account = models.CharField(_("correspondent account"), max_length=20, blank=True)
    signatory = models.CharField(_("signatory"), max_length=200, blank=True,
                                 help_text=_("Who signs documents, e.g. Иванов И. И."))
    signatory_position = models.CharField(_("signatory's position"), max_length=200, blank=True)
    logo = models.FileField(_("logo"), upload_to="company/", blank=True, validators=[validate_logo],
                            help_text=_("PNG or JPEG, at most 1 MB."))
    vat_rate = models.CharField(_("VAT rate"), max_length=10, choices=VatRate.choices, default=VatRate.BY_DATE)

    class Meta:
        verbose_name = _("our company")
        verbose_name_plural = _("our company")
        constraints = [models.CheckConstraint(condition=models.Q(key=1), name="company_single_record")]

    def __str__(self) -> str:
        return self.name or str(_("our company"))

    def clean(self) -> None:
        """A BIC with the accounts, and the accounts checked against it (each error at its own field)."""
        errors = {}
        if (self.settlement_account or self.correspondent_account) and not self.bic:
            raise ValidationError({"bic": [_("Give the bank's BIC with its accounts.")]})
        try:
            validate_bic(self.bic or "040000000")
        except ValidationError:
            return  # the BIC's own error says it: the accounts are checked against a valid one
        if self.settlement_account:
            problem = settlement_account_problem(self.settlement_account, self.bic)
            if problem:
                errors["settlement_account"] = [problem]
        if self.correspondent_account:
            problem = correspondent_account_problem(self.correspondent_account, self.bic)
            if problem:
                errors["correspondent_account"] = [problem]
        if errors:
            raise ValidationError(errors)

    def vat_rate_on(self, day: dt.date) -> Decimal | None:
        """The rate a document dated ``day`` gets unless one is chosen for it (None: without VAT)."""
        if self.vat_rate == VatRate.NONE:
            return None
        if self.vat_rate == VatRate.BY_DATE:
            return general_vat_rate(day)
        return Decimal(self.vat_rate)
