"""Reads of the audit log, with the access rule applied through the record it belongs to, and of our
company's requisites, which every document prints."""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, Max, Q, QuerySet
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from keyaccount.core import access
from keyaccount.core.access import Capability
from keyaccount.core.choices import NOTIFICATION_DEFAULTS, NotificationChannel, NotificationKind, Role
from keyaccount.core.editing import get_or_404
from keyaccount.core.models import (
    TOKEN_PREFIX,
    ApiToken,
    AuditEntry,
    Company,
    Notification,
    NotificationPreference,
    User,
)


def history_of(*, user, instance=None, account_id: int | None = None, actor_id=None,
               date_from: dt.date | None = None, date_to: dt.date | None = None) -> QuerySet[AuditEntry]:
    """Audit entries of one record (or of everything that belongs to one account).

    The caller has already fetched the record through its ``*_get_for_user`` query, so the user sees
    it. Roles without ``VIEW_HISTORY`` (support agents) see only the history of people, never of
    finances or orders.
    """
    entries = AuditEntry.objects.select_related("actor", "content_type")
    if account_id is not None:
        entries = entries.filter(account_id=account_id)
    else:
        entries = entries.filter(content_type=ContentType.objects.get_for_model(instance), object_id=instance.pk)
    if not access.can(user, Capability.VIEW_HISTORY):
        entries = entries.filter(content_type__app_label="accounts", content_type__model="contact")
    if actor_id:
        entries = entries.filter(actor_id=actor_id)
    if date_from:
        entries = entries.filter(at__date__gte=date_from)
    if date_to:
        entries = entries.filter(at__date__lte=date_to)
    return entries


def notifications_of(user) -> QuerySet[Notification]:
    """A user's own notifications, newest first; nobody sees another user's."""
    if not access.is_member(user):
        return Notification.objects.none()
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")


def notification_get_for_user(*, notification_id, user) -> Notification:
    return get_or_404(notifications_of(user), notification_id)


def unread_count(user) -> int:
    """Unread notifications, one by one (the API's raw count)."""
    return notifications_of(user).filter(read_at__isnull=True).count()


def unread_entries(user) -> int:
    """What the bell counts: the unread entries a person reads, a group of seven loyalty changes
    being one."""
    return notifications_of(user).filter(read_at__isnull=True).order_by().values("group").distinct().count()


def notification_channels(user) -> dict[str, str]:
    """How each kind of notification reaches ``user``: their choice, else the kind's default."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "channel")) if user.pk else {}
    return {kind: chosen.get(kind, NOTIFICATION_DEFAULTS[kind]) for kind in NotificationKind.values}


def notification_channel(user, kind: str) -> str:
    chosen = NotificationPreference.objects.filter(user=user, kind=kind).values_list("channel", flat=True).first()
    return chosen or NOTIFICATION_DEFAULTS.get(kind, NotificationChannel.APP)


def group_title(kind: str, count: int) -> str:
    """The one line a group of ``count`` notifications of ``kind`` is shown as."""
    values = {"counter": count}
    if kind == NotificationKind.LOYALTY:
        return ngettext("%(counter)s account changed loyalty tier", "%(counter)s accounts changed loyalty tier",
                        count) % values
    if kind == NotificationKind.CHURN:
        return ngettext("%(counter)s key account may be leaving", "%(counter)s key accounts may be leaving",
                        count) % values
    if kind == NotificationKind.COVERAGE:
        return ngettext("%(counter)s account has relationship gaps", "%(counter)s accounts have relationship gaps",
                        count) % values
    if kind == NotificationKind.BIRTHDAY:
        return ngettext("%(counter)s birthday to greet", "%(counter)s birthdays to greet", count) % values
    return ngettext("%(counter)s notification", "%(counter)s notifications", count) % values


@dataclass
class Entry:
    """One line of the bell's list: a notification, or a group of them of one kind close in time."""

    group: str
    kind: str
    last_at: dt.datetime
    count: int
    unread: int
    items: list[Notification] = field(default_factory=list)

    @property
    def is_group(self) -> bool:
        return self.count > 1

    @property
    def title(self) -> str:
        return group_title(self.kind, self.count) if self.is_group else self.items[0].title

    @property
    def first(self) -> Notification:
        return self.items[0]


def notification_groups(user, *, unread_only: bool = False, kinds=None) -> QuerySet:
    """The user's entries, newest first, as rows of ``group``, ``kind``, ``last_at``, ``count`` and
    ``unread`` (a queryset, so a page of them is one query)."""
    rows = notifications_of(user)
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    if kinds is not None:
        rows = rows.filter(kind__in=kinds)
    return (rows.order_by().values("group").annotate(
        kind=Max("kind"), last_at=Max("created_at"), last_id=Max("id"), count=Count("id"),
        unread=Count("id", filter=Q(read_at__isnull=True))).order_by("-last_at", "-last_id"))


def notification_entries(user, groups, *, unread_only: bool = False) -> list[Entry]:
    """``groups`` (rows of ``notification_groups``, e.g. one page) with their notifications, in one query."""
    groups = list(groups)
    items: dict[str, list[Notification]] = {}
    rows = notifications_of(user).filter(group__in=[row["group"] for row in groups])
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    for notification in rows:
        items.setdefault(notification.group, []).append(notification)
    return [Entry(group=row["group"], kind=row["kind"], last_at=row["last_at"], count=row["count"],
                  unread=row["unread"], items=items.get(row["group"], [])) for row in groups if row["group"] in items]


def notification_entry_for_user(*, group: str, user) -> Entry:
    """One entry of the user's own, or 404."""
    rows = list(notification_groups(user).filter(group=group)[:1])
    if not rows:
        raise Http404
    return notification_entries(user, rows)[0]


def heads_of(user: User) -> list[User]:
    """The active heads of sales of ``user``'s team (not ``user``): whom deadlines escalate to."""
    if not user.team_id:
        return []
    return list(User.objects.filter(role=Role.HEAD, team_id=user.team_id, is_active=True).exclude(pk=user.pk))


def tokens_of(owner) -> QuerySet[ApiToken]:
    """The API tokens of ``owner``, live ones first, then the newest. Pages list only the signed-in
    user's own (an administrator too); the command line lists anyone's."""
    return ApiToken.objects.filter(user=owner).order_by(F("revoked_at").desc(nulls_first=True), "-created_at", "-id")


def tokens_called(*, owner, reference: str) -> list[ApiToken]:
    """The tokens of ``owner`` that ``reference`` names: a prefix (``kam_…``, which no name may
    start with) or a name, compared regardless of case."""
    reference = reference.strip().rstrip("…")
    if reference.lower().startswith(TOKEN_PREFIX):
        return list(tokens_of(owner).filter(prefix=reference[:12]))
    return list(tokens_of(owner).filter(name__iexact=reference)) if reference else []


def token_get_for_user(*, token_id, user) -> ApiToken:
    """One token ``user`` may manage (their own; an administrator's reach is anyone's), or 404."""
    if access.can(user, Capability.MANAGE_USERS):
        return get_or_404(ApiToken.objects.select_related("user"), token_id)
    if not access.role_of(user):
        raise Http404
    return get_or_404(tokens_of(user).select_related("user"), token_id)


# --- our company ---------------------------------------------------------------------------------

def our_company() -> Company:
    """The installation's one company record; until an administrator saves it, an unsaved one named
    by ``KAM_COMPANY_NAME`` (without requisites, VAT by the document's date)."""
    return Company.objects.filter(key=1).first() or Company(name=settings.KAM_COMPANY_NAME)


def our_company_name() -> str:
    """Our company's legal name, as contracts, surveys and public pages name us."""
    return our_company().name or settings.KAM_COMPANY_NAME


def _logo_data_url(company: Company) -> str:
    """The logo as a data: URL, the only kind of address the PDF renderer loads (core.documents)."""
    if not company.logo:
        return ""
    try:
        with company.logo.open("rb") as file:
            data = file.read()
    except OSError:  # the file is gone from the storage: the documents print without it
        return ""
    kind = "png" if data[:8] == b"\x89PNG\r\n\x1a\n" else "jpeg"
    return f"data:image/{kind};base64,{base64.b64encode(data).decode()}"


def seller_requisites(language: str, company: Company | None = None) -> dict:
    """Our company as documents print it, in ``language``: plain strings only (user templates render
    in the sandbox). ``details`` is the requisites in lines: the identifiers, the address, the bank."""
    company = company or our_company()
    with translation.override(language):
        ids = ", ".join(f"{label} {value}" for label, value in (
            (_("INN"), company.inn), (_("KPP"), company.kpp), (_("OGRN"), company.ogrn)) if value)
        account_label, corr_label, bic_label = _("acc."), _("corr. acc."), _("BIC")
        account = f"{account_label} {company.settlement_account}" if company.settlement_account else ""
        if account and company.bank_name:
            account = _("%(account)s at %(bank)s") % {"account": account, "bank": company.bank_name}
        bank = ", ".join(part for part in (
            account or company.bank_name, f"{bic_label} {company.bic}" if company.bic else "",
            f"{corr_label} {company.correspondent_account}" if company.correspondent_account else "",
        ) if part)
        details = "\n".join(line for line in (ids, company.address, bank) if line)
    return {"name": company.name or settings.KAM_COMPANY_NAME, "inn": company.inn, "kpp": company.kpp,
            "ogrn": company.ogrn, "address": company.address, "bank": company.bank_name, "bic": company.bic,
            "account": company.settlement_account, "correspondent_account": company.correspondent_account,
            "signatory": company.signatory, "signatory_position": company.signatory_position,
            "details": details or settings.KAM_COMPANY_DETAILS, "logo": _logo_data_url(company)}
