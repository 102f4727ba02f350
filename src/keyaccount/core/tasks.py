"""Background jobs of the workspace, run by ``kam worker`` (huey; discovered by name)."""

from __future__ import annotations

from django.core.cache import caches
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from keyaccount.core import services
from keyaccount.core.cache import DatabaseCache
from keyaccount.core.import_jobs import run_import_job


@db_periodic_task(crontab(minute="17"))
@lock_task("core-cache-sweep")
def cache_sweep():
    """Expired entries of the database cache (rate-limit windows gone by) are deleted every hour;
    Redis expires its own."""
    cache = caches["default"]
    return {"swept": cache.sweep() if isinstance(cache, DatabaseCache) else 0}


@db_periodic_task(crontab(minute="*/15"))
@lock_task("core-notification-digest")
def notification_digests():
    """The morning digest of unread notifications, to each user who wants one, once a day at their
    morning."""
    return {"sent": services.digests_send()}


# An import too large for a request is a job of core.import_jobs (run_import_job), found by the worker
# through this module.
__all__ = ["cache_sweep", "notification_digests", "run_import_job"]
