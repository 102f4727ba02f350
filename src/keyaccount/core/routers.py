"""Which database a query goes to when a read replica is configured (``KAM_DATABASE_REPLICA_URL``).

A replica lags behind the primary by a little, so a page read from it may not show a change made a
moment ago. The rule keeps that from ever being seen as a bug:

- Reads go to the replica only inside a page marked ``@read_only_view`` (reports, dashboards: pages
  that show many records and change none), and only on GET and HEAD; or inside an explicit
  ``with reads_from_replica():`` in a job or command that only reads.
- Everything else reads from the primary: unmarked pages, every POST, PUT, PATCH and DELETE, the
  middleware before and after the page (the session, the signed-in user, the throttles' counts).
- Once anything in a marked page writes, the rest of that page reads from the primary too.
- Inside a transaction (``transaction.atomic``) every read goes to the primary, which alone sees the
  transaction's own writes.
- Sessions, sign-in failures (axes), the cache table and Django's auth tables are always read from the
  primary: reading them a moment old would sign a person out or let a blocked address try again.
- Every write goes to the primary; the replica's connections are read-only (settings.as_replica), so
  a write sent there by mistake fails instead of vanishing.

Without a replica the router is not installed and everything uses ``default``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import connections

PRIMARY = "default"
REPLICA = "replica"
# Apps whose rows a reader must see as just written (see the module's docstring).
PRIMARY_ONLY_APPS = frozenset({"sessions", "axes", "django_cache", "auth", "contenttypes", "admin"})
READ_METHODS = frozenset({"GET", "HEAD"})


@dataclass
class _ReplicaReads:
    wrote: bool = False


_replica_reads: ContextVar[_ReplicaReads | None] = ContextVar("kam_replica_reads", default=None)


@contextmanager
def reads_from_replica() -> Iterator[None]:
    """Reads inside may come from the replica (until something inside writes)."""
    token = _replica_reads.set(_ReplicaReads())
    try:
        yield
    finally:
        _replica_reads.reset(token)


def read_only_view(view):
    """Mark a page that only reads: on GET and HEAD its queries may read from the replica. The page
    is rendered inside (a TemplateResponse too), so its template's queries count as the page's."""

    @functools.wraps(view)
    def page(request, *args, **kwargs):
        if request.method not in READ_METHODS:
            return view(request, *args, **kwargs)
        with reads_from_replica():
            response = view(request, *args, **kwargs)
            if callable(getattr(response, "render", None)) and not response.is_rendered:
                response.render()
            return response

    page.reads_from_replica = True
    return page


def _in_transaction() -> bool:
    return connections[PRIMARY].in_atomic_block


class ReplicaRouter:
    """settings.DATABASE_ROUTERS when ``KAM_DATABASE_REPLICA_URL`` is set (the rule: module docstring)."""

    def db_for_read(self, model, **hints):
        reads = _replica_reads.get()
        if reads is None or reads.wrote or model._meta.app_label in PRIMARY_ONLY_APPS or _in_transaction():
            return PRIMARY
        return REPLICA

    def db_for_write(self, model, **hints):
        reads = _replica_reads.get()
        if reads is not None:
            reads.wrote = True
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same rows on both: a record read from the replica may point at one from the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica gets its tables by replication, never by `kam migrate --database replica`.
        return False if db == REPLICA else None
