"""The global search and the recent items, read through each app's queries with the access rule
applied (``accounts_visible_to``, ``contacts_visible_to``, ``deals_visible_to``, ``tickets_visible_to``),
so the box finds exactly what the lists show the user."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from keyaccount.accounts import queries as accounts
from keyaccount.core.models import MAX_ID
from keyaccount.core.search import words
from keyaccount.deals import queries as deals
from keyaccount.feedback import queries as feedback
from keyaccount.search.choices import KIND_NAMES, RecentKind
from keyaccount.search.models import RecentItem

# Hits per kind in the box; the full page shows more.
BOX_HITS = 5
PAGE_HITS = 25
RECENT_SHOWN = 10
# A ticket's number as people write it: "T-42", "t42", "#42" or "42".
_TICKET_NUMBER = re.compile(r"^(?:t-?|#)?(\d{1,12})$", re.IGNORECASE)


@dataclass(frozen=True)
class Hit:
    kind: str
    pk: int
    title: str
    url: str
    detail: str = ""


@dataclass
class Group:
    kind: str
    label: str
    hits: list[Hit] = field(default_factory=list)
    more: bool = False
    # The kind's own list, filtered by the same words, for when there are more than shown.
    list_url: str = ""


def _any_case(field_name: str, word: str) -> Q:
    """``word`` in ``field_name`` whatever its case: SQLite's LIKE folds only ASCII letters, so the
    Cyrillic spellings people type (lower, Capitalised, UPPER) are asked for each."""
    query = Q()
    for spelling in {word, word.lower(), word.capitalize(), word.upper()}:
        query |= Q(**{f"{field_name}__icontains": spelling})
    return query


def _every_word(queryset: QuerySet, term: str, fields: tuple[str, ...]) -> QuerySet:
    """Records with every word of ``term`` in one of their ``fields`` or in their account's name."""
    for word in words(term):
        match = Q(account_id__in=accounts.named(word))
        for name in fields:
            match |= _any_case(name, word)
        queryset = queryset.filter(match)
    return queryset


def _accounts(user, term: str, limit: int) -> list[Hit]:
    found = (accounts.filter_by_search(accounts.accounts_visible_to(user), term)
             .select_related("owner").order_by("name", "id")[:limit])
    return [Hit(RecentKind.ACCOUNT, account.pk, str(account), account.get_absolute_url(),
                " · ".join(part for part in (account.inn and _("INN %(inn)s") % {"inn": account.inn},
                                              str(account.owner)) if part))
            for account in found]


def _contacts(user, term: str, limit: int) -> list[Hit]:
    found = accounts.contact_list(user, search=term).prefetch_related(None).prefetch_related("phones")
    return [Hit(RecentKind.CONTACT, contact.pk, contact.full_name, contact.get_absolute_url(),
                " · ".join(part for part in (contact.position, str(contact.account),
                                              ", ".join(str(phone) for phone in contact.phones.all())) if part))
            for contact in found.order_by("last_name", "first_name", "id")[:limit]]


def _deals(user, term: str, limit: int) -> list[Hit]:
    if not deals.sees_deals(user):
        return []
    found = _every_word(deals.deals_visible_to(user), term,
                        ("title", "tender_number"))
    # The accounts of the few found read after them: joined, PostgreSQL would read every account.
    found = found.select_related("stage").prefetch_related("account").order_by("-created_at", "-id")[:limit]
    return [Hit(RecentKind.DEAL, deal.pk, deal.title, deal.get_absolute_url(), f"{deal.account} · {deal.stage}")
            for deal in found]


def _tickets(user, term: str, limit: int) -> list[Hit]:
    visible = feedback.tickets_visible_to(user)
    number = _TICKET_NUMBER.match(term.strip())
    found = _every_word(visible, term, ("subject",))
    if number and int(number.group(1)) <= MAX_ID:
        found = found | visible.filter(pk=int(number.group(1)))
    found = found.prefetch_related("account").order_by("-created_at", "-id")[:limit]
    return [Hit(RecentKind.TICKET, ticket.pk, f"{ticket.reference} {ticket.subject}", ticket.get_absolute_url(),
                f"{ticket.account} · {ticket.get_status_display()}")
            for ticket in found]


@dataclass(frozen=True)
class Kind:
    """One kind of record the search knows: who may see which, how it is found, its page's route."""

    search: Callable[[object, str, int], list[Hit]]
    visible: Callable[[object], QuerySet]
    route: str
    title: Callable[[object], str]
    list_route: str


KINDS: dict[str, Kind] = {
    RecentKind.ACCOUNT: Kind(_accounts, accounts.accounts_visible_to, "accounts:account_detail", str,
                             "accounts:account_list"),
    RecentKind.CONTACT: Kind(_contacts, lambda user: accounts.contacts_visible_to(user).prefetch_related(None),
                             "accounts:contact_detail", lambda contact: contact.full_name, "accounts:contact_list"),
    RecentKind.DEAL: Kind(_deals, deals.deals_visible_to, "deals:deal_detail", lambda deal: deal.title,
                          "deals:deal_list"),
    RecentKind.TICKET: Kind(_tickets, feedback.tickets_visible_to, "feedback:ticket_detail", str,
                            "feedback:ticket_list"),
}
# The detail pages whose opening is remembered, by their URL name.
TRACKED_ROUTES: dict[str, str] = {kind.route: name for name, kind in KINDS.items()}


def search(user, term: str, *, limit: int = BOX_HITS) -> list[Group]:
    """Up to ``limit`` hits of each kind the user may see, grouped by kind; kinds with none left out."""
    term = (term or "").strip()
    if not term:
        return []
    groups = []
    for name, label in RecentKind.choices:
        hits = KINDS[name].search(user, term, limit + 1)
        if hits:
            groups.append(Group(name, label, hits[:limit], more=len(hits) > limit,
                                list_url=f"{reverse(KINDS[name].list_route)}?{urlencode({'q': term})}"))
    return groups


def record_title(*, user, kind: str, object_id) -> str | None:
    """The title of a record the user may see, or None (not found, or not theirs to see)."""
    try:
        number = int(object_id)
    except (TypeError, ValueError):
        return None
    if kind not in KINDS or not 0 < number <= MAX_ID:
        return None
    record = KINDS[kind].visible(user).filter(pk=number).first()
    return KINDS[kind].title(record)[:300] if record is not None else None


def recent_items(user, *, limit: int = RECENT_SHOWN) -> list[Hit]:
    """The records the user opened last, newest first, leaving out what they may no longer see."""
    items = list(RecentItem.objects.filter(user=user).order_by("-opened_at", "-id")[:limit])
    visible: dict[str, set[int]] = {}
    for name in {item.kind for item in items}:
        ids = [item.object_id for item in items if item.kind == name]
        visible[name] = set(KINDS[name].visible(user).filter(pk__in=ids).values_list("pk", flat=True))
    return [Hit(item.kind, item.object_id, item.title, reverse(KINDS[item.kind].route, args=[item.object_id]),
                str(KIND_NAMES[item.kind]))
            for item in items if item.object_id in visible.get(item.kind, ())]
