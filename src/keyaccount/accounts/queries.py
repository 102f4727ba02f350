"""Reads of accounts, contacts and competitors, with the access rule applied.

``accounts_visible_to`` is the only door to accounts: every list, search, export and API endpoint
starts there; the ``*_get_for_user`` functions fetch one record or raise 404.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404

from keyaccount.accounts import panels
from keyaccount.accounts.choices import PAYING_SIDE, USING_SIDE
from keyaccount.accounts.models import (
    Account,
    AccountCompetitor,
    AccountFinancials,
    Competitor,
    Contact,
    ContactRole,
)
from keyaccount.accounts.search_index import fts_table
from keyaccount.core import access, phones
from keyaccount.core.access import Capability
from keyaccount.core.editing import get_or_404
from keyaccount.core.search import filter_words
from keyaccount.core.search import words as folded_words

# Trigram search needs at least three characters per word; shorter words fall back to LIKE.
_TRIGRAM = 3


def accounts_visible_to(user) -> QuerySet[Account]:
    return Account.objects.filter(access.account_q(user))


def account_get_for_user(*, account_id, user) -> Account:
    return get_or_404(accounts_visible_to(user).select_related("owner", "team", "parent"), account_id)


def search_words(term: str) -> list[str]:
    """The words of a search box entry, folded; a phone number becomes its national digits."""
    digits = phones.normalise_search_term((term or "").strip())
    return [digits] if digits else folded_words(term)


def _containing(queryset: QuerySet, word: str) -> QuerySet:
    """The rows (accounts or people) whose folded ``search_text`` contains ``word``, through the table's
    substring index (``search_index``)."""
    if connection.vendor == "sqlite" and len(word) >= _TRIGRAM:
        fts = fts_table(queryset.model._meta.db_table)
        phrase = '"' + word.replace('"', '""') + '"'
        return queryset.filter(pk__in=RawSQL(f"SELECT rowid FROM {fts} WHERE {fts} MATCH %s", [phrase]))  # noqa: S608,S611
    # PostgreSQL serves this from the pg_trgm GIN index; SQLite scans for 1-2 letter words.
    return queryset.filter(search_text__contains=word)


def filter_by_search(queryset: QuerySet[Account], term: str) -> QuerySet[Account]:
    """Accounts whose name, identifiers, people, phones or e-mails contain every word of ``term``."""
    for word in search_words(term):
        queryset = _containing(queryset, word)
    return queryset


def named(word: str) -> QuerySet[Account]:
    """Every account (no access rule: for narrowing records that have one) whose name or short name
    contains the search word ``word`` (folded, ``core.search.words``) in any of the spellings people write
    (lower, Capitalised, UPPER), found through the search index first: the deals and tickets of an
    account are found by its name without reading every account."""
    match = Q()
    for spelling in {word, word.capitalize(), word.upper()}:
        match |= Q(name__icontains=spelling) | Q(short_name__icontains=spelling)
    return _containing(Account.objects.all(), word).filter(match)


def account_list(user, *, search: str = "", filters: dict | None = None, order_by: str = "name") -> QuerySet[Account]:
    queryset = filter_by_search(accounts_visible_to(user), search)
    filters = filters or {}
    if filters.get("status"):
        queryset = queryset.filter(status__in=filters["status"])
    if filters.get("owner"):
        queryset = queryset.filter(owner_id__in=filters["owner"])
    if filters.get("industry"):
        queryset = queryset.filter(industry__in=filters["industry"])
    if filters.get("tag"):
        queryset = queryset.filter(tags__name__in=filters["tag"]).distinct()
    if filters.get("team"):
        queryset = queryset.filter(team_id__in=filters["team"])
    return queryset.select_related("owner").prefetch_related("tags").order_by(order_by, "id")


def contacts_with_details() -> QuerySet[Contact]:
    return Contact.objects.prefetch_related("roles", "phones", "emails")


def contacts_visible_to(user) -> QuerySet[Contact]:
    return contacts_with_details().filter(access.account_q(user, prefix="account__"))


def contact_get_for_user(*, contact_id, user) -> Contact:
    return get_or_404(contacts_visible_to(user).select_related("account", "reports_to"), contact_id)


def contact_list(user, *, search: str = "", account_id=None, role: str = "") -> QuerySet[Contact]:
    queryset = contacts_visible_to(user).select_related("account")
    if account_id:
        queryset = queryset.filter(account_id=account_id)
    if role:
        queryset = queryset.filter(pk__in=ContactRole.objects.filter(role=role).values("contact_id"))
    for word in search_words(search):
        queryset = _containing(queryset, word)
    return queryset


def competitors_visible_to(user) -> QuerySet[Competitor]:
    return Competitor.objects.all() if access.is_member(user) else Competitor.objects.none()


def competitor_list(user, *, search: str = "", order_by: str = "name") -> QuerySet[Competitor]:
    return filter_words(competitors_visible_to(user), search).order_by(order_by, "id")


def competitor_get_for_user(*, competitor_id, user) -> Competitor:
    return get_or_404(competitors_visible_to(user), competitor_id)


def financials_get_for_user(*, financials_id, user) -> AccountFinancials:
    if not access.can(user, Capability.VIEW_FINANCES):
        raise Http404
    visible = AccountFinancials.objects.select_related("account").filter(access.account_q(user, prefix="account__"))
    return get_or_404(visible, financials_id)


def financials_of(*, account: Account, user) -> QuerySet[AccountFinancials]:
    if not access.can(user, Capability.VIEW_FINANCES):
        raise Http404
    return account.financials.all()


def org_chart(contacts: list[Contact]) -> list[tuple[Contact, int]]:
    """The account's people as an indented tree: ``[(contact, depth)]``, bosses before reports."""
    by_boss: dict[int | None, list[Contact]] = {}
    ids = {contact.pk for contact in contacts}
    for contact in contacts:
        boss = contact.reports_to_id if contact.reports_to_id in ids else None
        by_boss.setdefault(boss, []).append(contact)
    rows: list[tuple[Contact, int]] = []

    def walk(boss_id, depth):
        for contact in by_boss.get(boss_id, []):
            rows.append((contact, depth))
            if depth < 20:
                walk(contact.pk, depth + 1)

    walk(None, 0)
    return rows


def account_page(*, account: Account, user) -> dict:
    """Everything the account page shows, in a fixed number of queries whatever the data size."""
    contacts = list(contacts_with_details().filter(account=account))
    using = [c for c in contacts if c.role_kinds & USING_SIDE]
    paying = [c for c in contacts if c.role_kinds & PAYING_SIDE]
    others = [c for c in contacts if not c.role_kinds & (USING_SIDE | PAYING_SIDE)]
    page = {
        "account": account,
        "contacts": contacts,
        "using_side": using,
        "paying_side": paying,
        "other_people": others,
        "org_chart": org_chart(contacts),
        # Sorted here, not by the database: ordered by name, SQLite may walk the whole name index
        # instead of the few rows the parent_id index finds.
        "subsidiaries": sorted(account.subsidiaries.filter(access.account_q(user)).order_by()
                               .only("id", "name", "short_name"), key=lambda sub: str(sub).casefold()),
        "tags": list(account.tags.all()),
        "shared_with": [share.user for share in account.shares.select_related("user")],
        "competitor_links": list(AccountCompetitor.objects.filter(account=account).select_related("competitor")),
        "status_changes": list(account.status_changes.select_related("changed_by")[:20]),
        "can_edit": access.can_edit_account(user, account),
        "can_edit_contacts": access.can_edit_contacts_of(user, account),
        "can_view_finances": access.can(user, Capability.VIEW_FINANCES),
        "can_view_orders": access.can(user, Capability.VIEW_ORDERS),
    }
    if page["can_view_finances"]:
        page["financials"] = list(account.financials.all())
    page["panels"] = panels.render_context(account=account, user=user)
    return page
