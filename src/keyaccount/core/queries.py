"""Reads of the audit log, with the access rule applied through the record it belongs to, and of our
company's requisites, which every document prints."""

from __future__ import annotations

import base64
import datetime as dt

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import F, QuerySet
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _

from keyaccount.core import access
from keyaccount.core.access import Capability
from keyaccount.core.choices import Role
from keyaccount.core.editing import get_or_404
from keyaccount.core.models import TOKEN_PREFIX, ApiToken, AuditEntry, Company, Notification, User


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
    return notifications_of(user).filter(read_at__isnull=True).count()


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
