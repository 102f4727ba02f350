"""Writes of the search app: remembering the records a user opens.

Not audited: a recent item is the user's own trail through the app, not a change to any record.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from keyaccount.search.choices import RecentKind
from keyaccount.search.models import RecentItem

# Recent items kept per user (the box shows the first ``queries.RECENT_SHOWN``).
RECENT_KEPT = 20


@transaction.atomic
def recent_item_record(*, user, kind: str, object_id: int, title: str) -> None:
    """Put the record first in the user's recent items and forget the oldest beyond ``RECENT_KEPT``.

    The same three statements every time (an upsert, then one delete), so a page's query count does
    not depend on whether it was opened before."""
    RecentItem.objects.bulk_create(
        [RecentItem(user=user, kind=kind, object_id=object_id, title=title[:300], opened_at=timezone.now())],
        update_conflicts=True, unique_fields=["user", "kind", "object_id"], update_fields=["title", "opened_at"])
    kept = RecentItem.objects.filter(user=user).order_by("-opened_at", "-id").values("pk")[:RECENT_KEPT]
    RecentItem.objects.filter(user=user).exclude(pk__in=kept).delete()


def contact_erased(*, contact) -> dict[str, int]:
    """Erasing a person (``accounts.erasure``) forgets them from everyone's recent items, whose
    titles carry their name as it was. Runs inside the erasure's transaction."""
    deleted, _ = RecentItem.objects.filter(kind=RecentKind.CONTACT, object_id=contact.pk).delete()
    return {"deleted:search.recentitem": deleted}
