"""The access rule: the one place that decides what a user may see and change.

Every ``queries.py`` starts from ``account_q`` (which accounts a user sees; contacts, orders and
the rest follow their account) and every service asks ``can``/``can_edit_account`` before it
writes. Records outside a user's scope answer 404 at every edge; actions on a visible record the
role may not take answer 403.

Who sees which accounts:

* administrator, analyst: every account (the analyst only reads);
* support agent: every account's dossier and contacts, never finances or orders;
* head of sales: the accounts of their team (the account's team, or its owner's team), plus any
  they own or that are shared with them;
* key-account manager: the accounts they own and those colleagues shared with them.
"""

from __future__ import annotations

import enum

from django.apps import apps
from django.db.models import Q, QuerySet

from keyaccount.core.choices import Role
from keyaccount.core.models import User


class Capability(enum.StrEnum):
    VIEW_FINANCES = "view_finances"
    VIEW_ORDERS = "view_orders"
    VIEW_HISTORY = "view_history"
    EDIT_ACCOUNTS = "edit_accounts"
    EDIT_CONTACTS = "edit_contacts"
    EDIT_ORDERS = "edit_orders"
    EDIT_CATALOG = "edit_catalog"
    EDIT_COMPETITORS = "edit_competitors"
    LOG_INTERACTIONS = "log_interactions"
    # Deals, proposals, contracts and their obligations, account plans.
    EDIT_DEALS = "edit_deals"
    # Sales plans of managers and teams.
    EDIT_PLANS = "edit_plans"
    MANAGE_USERS = "manage_users"
    # The pipeline's stages and the proposal templates every manager's documents use.
    MANAGE_PIPELINE = "manage_pipeline"
    # Loyalty tiers set by hand: they carry discounts.
    SET_TIERS = "set_tiers"
    # Score every account now (the nightly job does it anyway).
    REFRESH_SCORES = "refresh_scores"
    # Give an account to another manager, delete an account, delete a competitor other accounts name.
    REASSIGN_ACCOUNTS = "reassign_accounts"
    # Calls that matched nobody: see every one and hand it to a person.
    DISPATCH_CALLS = "dispatch_calls"
    # Write one's own weekly report.
    WRITE_REPORTS = "write_reports"
    # Mail from addresses no person has: read it and attach it to a person.
    READ_UNMATCHED_MAIL = "read_unmatched_mail"
    # In a person's data export, the text that names them in accounts the exporter does not see.
    SEARCH_ALL_PERSONAL_DATA = "search_all_personal_data"
    # My day: the day's meetings, tasks, obligations, complaints, tickets, slipping accounts, expiring
    # proposals and the month's plan. It shows money, so support agents do not get it (their day is
    # the support desk's ticket list).
    VIEW_MY_DAY = "view_my_day"


_EVERYTHING = frozenset(Capability)
ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.ADMIN: _EVERYTHING,
    Role.HEAD: _EVERYTHING - {Capability.MANAGE_USERS, Capability.SEARCH_ALL_PERSONAL_DATA},
    Role.KAM: frozenset({
        Capability.VIEW_FINANCES, Capability.VIEW_ORDERS, Capability.VIEW_HISTORY, Capability.EDIT_ACCOUNTS,
        Capability.EDIT_CONTACTS, Capability.EDIT_ORDERS, Capability.EDIT_COMPETITORS, Capability.LOG_INTERACTIONS,
        Capability.EDIT_DEALS, Capability.WRITE_REPORTS, Capability.VIEW_MY_DAY,
    }),
    Role.ANALYST: frozenset({Capability.VIEW_FINANCES, Capability.VIEW_ORDERS, Capability.VIEW_HISTORY,
                             Capability.READ_UNMATCHED_MAIL, Capability.VIEW_MY_DAY}),
    Role.SUPPORT: frozenset({Capability.EDIT_CONTACTS, Capability.LOG_INTERACTIONS,
                             Capability.READ_UNMATCHED_MAIL}),
}
# The roles that sell: they own accounts and deals, have sales plans and write weekly reports.
SELLING_ROLES = (Role.KAM, Role.HEAD)
# Roles that see every account; the others see a scope built from ownership, shares and team.
_SEES_ALL_ACCOUNTS = {Role.ADMIN, Role.ANALYST, Role.SUPPORT}
_NOTHING = Q(pk__in=[])


def role_of(user) -> str | None:
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return Role.ADMIN if user.is_superuser else user.role


def can(user, capability: Capability) -> bool:
    role = role_of(user)
    return role is not None and capability in ROLE_CAPABILITIES.get(role, frozenset())


def is_member(user) -> bool:
    """A signed-in, active user of any role: what the shared vocabulary (products, competitors) asks."""
    return role_of(user) is not None


def sellers(*, with_administrators: bool = False) -> QuerySet[User]:
    """The active users who may own accounts, deals and contracts (administrators too, where asked)."""
    roles = (*SELLING_ROLES, Role.ADMIN) if with_administrators else SELLING_ROLES
    return User.objects.filter(is_active=True, role__in=roles)


def account_q(user, prefix: str = "") -> Q:
    """A filter over ``Account`` (or, with ``prefix="account__"``, over any model pointing to an
    account) that keeps exactly the accounts ``user`` may see."""
    role = role_of(user)
    if role is None:
        return _NOTHING
    if role in _SEES_ALL_ACCOUNTS:
        return Q()
    # Looked up by name so that core imports no domain app (ARCHITECTURE.md: arrows point to core).
    share_model = apps.get_model("accounts", "AccountShare")
    shared_ids = share_model.objects.filter(user_id=user.pk).values("account_id")
    scope = Q(**{f"{prefix}owner_id": user.pk}) | Q(**{f"{prefix}pk__in": shared_ids})
    if role == Role.HEAD and user.team_id:
        # The owners' team as a subquery rather than a join, so each branch of the OR uses an index.
        team_members = User.objects.filter(team_id=user.team_id).values("pk")
        scope |= Q(**{f"{prefix}team_id": user.team_id}) | Q(**{f"{prefix}owner_id__in": team_members})
    return scope


def scope_key(user) -> str | None:
    """A name for the set of accounts ``user`` sees by ``account_q``: the same for everyone who sees
    every account, else the user's own (with their role and team, so a user moved to another role or
    team gets a new name rather than figures kept under the old one). Figures kept per scope (the
    portfolio's) are shared by the users of one name and by nobody else. None: sees no account."""
    role = role_of(user)
    if role is None:
        return None
    if role in _SEES_ALL_ACCOUNTS:
        return "all"
    return f"user:{user.pk}:{role}:{user.team_id or ''}"


def scope_account_q(key: str) -> Q | None:
    """``account_q`` of the users a ``scope_key`` names, or None when nobody has that name any more
    (the user left, or changed role or team): what was kept under it must go."""
    if key == "all":
        return Q()
    _kind, _sep, rest = key.partition(":")
    user = User.objects.filter(pk=int(rest.split(":", 1)[0])).first() if rest.split(":", 1)[0].isdigit() else None
    if user is None or scope_key(user) != key:
        return None
    return account_q(user)


def colleagues_q(user) -> Q | None:
    """A filter over ``User`` keeping the people whose work ``user`` may read (reports, activity):
    everyone for administrators and analysts, the team for a head of sales, oneself for a manager;
    None for support."""
    role = role_of(user)
    if role is None or role == Role.SUPPORT:
        return None
    if role in (Role.ADMIN, Role.ANALYST):
        return Q()
    scope = Q(pk=user.pk)
    if role == Role.HEAD and user.team_id:
        scope |= Q(team_id=user.team_id)
    return scope


def drafts_q(user, field: str = "user") -> Q:
    """A filter over a person's unfinished work (a weekly report not yet submitted), through ``field``:
    its author's, and the author's heads of sales' (the heads of the author's team). Nobody else reads a
    draft, administrators and analysts included: what is not submitted is not yet said."""
    if role_of(user) is None:
        return _NOTHING
    scope = Q(**{f"{field}_id": user.pk})
    if role_of(user) == Role.HEAD and user.team_id:
        scope |= Q(**{f"{field}__team_id": user.team_id})
    return scope


def people_q(user, field: str = "user") -> Q | None:
    """A filter over records that belong to a person rather than an account (a sales plan, a weekly
    report), through ``field``: everyone's for administrators and analysts, the team members' for a
    head of sales, one's own for a manager; None for those who see no such records (support)."""
    role = role_of(user)
    if role is None or role == Role.SUPPORT:
        return None
    if role in (Role.ADMIN, Role.ANALYST):
        return Q()
    scope = Q(**{f"{field}_id": user.pk})
    if role == Role.HEAD and user.team_id:
        scope |= Q(**{f"{field}__team_id": user.team_id})
    return scope


def starts_with_my_day(user) -> bool:
    """Whether the user's start page (after signing in, and the site's root) is My day: those who
    sell (managers and heads of sales). Administrators and analysts may open it, but start where
    they did; support agents start at the support desk's tickets."""
    return role_of(user) in SELLING_ROLES and can(user, Capability.VIEW_MY_DAY)


def sees_all_accounts(user) -> bool:
    return role_of(user) in _SEES_ALL_ACCOUNTS


def sees_account(user, account_id: int) -> bool:
    """Whether ``user`` may see the account with this id (one query; for a record the user did not
    reach through a query of theirs: an assignee, an e-mail's person)."""
    return apps.get_model("accounts", "Account").objects.filter(account_q(user), pk=account_id).exists()


def may_work_for(user, account_id: int, capability: Capability) -> bool:
    """Whether ``user`` (not necessarily the one acting: an assignee) may take work of this kind on the
    account: they have the capability and see the account."""
    return can(user, capability) and sees_account(user, account_id)


def can_edit_account(user, account) -> bool:
    """Whether ``user`` may change ``account`` (which they already see)."""
    if not can(user, Capability.EDIT_ACCOUNTS):
        return False
    if role_of(user) in (Role.ADMIN, Role.HEAD):
        return True
    return account.owner_id == user.pk or account.shares.filter(user_id=user.pk).exists()


def editable_account_q(user, prefix: str = "") -> Q:
    """The accounts ``user`` may change, as a filter (``can_edit_account`` for many at once: an import)."""
    if not can(user, Capability.EDIT_ACCOUNTS):
        return Q(pk__in=[])
    visible = account_q(user, prefix=prefix)
    if role_of(user) in (Role.ADMIN, Role.HEAD):
        return visible
    return visible & (Q(**{f"{prefix}owner_id": user.pk}) | Q(**{f"{prefix}shares__user_id": user.pk}))


def can_edit_deals_of(user, account) -> bool:
    """Whether ``user`` may open, move and document deals, proposals and contracts of ``account``."""
    return can(user, Capability.EDIT_DEALS) and can_edit_account(user, account)


def can_edit_contacts_of(user, account) -> bool:
    """Managers who edit the account edit its people; support agents keep everyone's contact details
    up to date (they see every account's people)."""
    if not can(user, Capability.EDIT_CONTACTS):
        return False
    return role_of(user) == Role.SUPPORT or can_edit_account(user, account)


def can_edit_plan_of(user, *, team_id: int | None) -> bool:
    """Administrators set any sales plan; a head of sales those of their own team and its members."""
    if not can(user, Capability.EDIT_PLANS):
        return False
    return role_of(user) == Role.ADMIN or (team_id is not None and team_id == user.team_id)


def can_change_entry(user, *, owner_id: int | None, account) -> bool:
    """Whether ``user`` may change or remove a timeline entry (a call, a meeting, a note, a task): its
    owner, whoever edits its account, and those who dispatch calls (heads, administrators) any."""
    if not can(user, Capability.LOG_INTERACTIONS):
        return False
    if can(user, Capability.DISPATCH_CALLS) or owner_id == user.pk:
        return True
    return account is not None and can_edit_account(user, account)


def can_handle_personal_data_of(user, account) -> bool:
    """Whether ``user`` may export or erase the personal data of ``account``'s people.

    Both read or rewrite every record of the account that names the person (deals, orders,
    contracts, complaints, the timeline), so only those who see and edit all of them may: an
    administrator, a head of sales, and the manager who edits the account, not support (who sees
    no orders) nor analysts (who change nothing).
    """
    return (can(user, Capability.EDIT_CONTACTS) and can(user, Capability.VIEW_ORDERS)
            and can_edit_account(user, account))


def can_manage_tokens_of(user, owner) -> bool:
    """Whether ``user`` may see and revoke the API tokens of ``owner``: their own, and an
    administrator anyone's (a leaked token must be stoppable without its owner). Nobody but the
    owner creates a token, so no one can act through the API in another's name."""
    role = role_of(user)
    return role is not None and (user.pk == owner.pk or can(user, Capability.MANAGE_USERS))
