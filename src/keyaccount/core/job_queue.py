"""The job queue (huey) made safe for any number of ``kam worker`` processes on any number of hosts.

Every worker runs huey's scheduler, and every scheduler puts each periodic job on the queue when its
minute comes, so two workers would run each periodic job twice a minute apart (``lock_task`` only keeps
two runs from overlapping). Here a scheduler first claims the job's minute in the cache every process
shares (Redis with ``KAM_REDIS_URL``, else the database's cache table): one ``add`` per job and minute,
which only one caller wins, so each periodic job is queued once per minute it is due, whichever workers
are running. A queued job is taken off the queue by one worker only (Redis pops it atomically; the
SQLite queue deletes it in a transaction).

A minute that no scheduler can claim (the cache unreachable) is skipped, not run twice: the periodic jobs
are sweeps, and the next one does what this one would have done.

settings.HUEY names these classes (``huey_class``) instead of huey's own.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket

import huey
from django.core.cache import caches
from django.db import connections

logger = logging.getLogger("huey.consumer.Scheduler")

# Longer than any two hosts' clocks disagree and than a scheduler can lag behind its minute; short
# enough that the database cache holds about an hour of claims (core.tasks.cache_sweep clears them).
CLAIM_SECONDS = 3600


def job_name(task) -> str:
    return f"{type(task).__module__}.{task.name}"


def claim_periodic_run(queue: str, task, minute: dt.datetime) -> bool:
    """True for the one caller, of all processes sharing the cache, that claims ``task``'s run at
    ``minute`` (a datetime in the queue's time, UTC)."""
    key = f"kam:periodic:{queue}:{job_name(task)}:{minute:%Y%m%d%H%M}"
    return caches["default"].add(key, f"{socket.gethostname()}:{os.getpid()}", timeout=CLAIM_SECONDS)


class PeriodicOnce:
    """Mixed into a huey class: the periodic jobs due at a minute are those this scheduler claims."""

    def read_periodic(self, timestamp):
        timestamp = timestamp or self._get_timestamp()
        due = super().read_periodic(timestamp)
        claimed = []
        try:
            for task in due:
                won = claim_periodic_run(self.name, task, timestamp)
                if won:
                    claimed.append(task)
                logger.info("Periodic task %s of %s UTC: %s.", job_name(task), f"{timestamp:%Y-%m-%d %H:%M}",
                            "queued by this worker" if won else "already queued by another worker")
        except Exception:  # the cache's own errors (Redis, database) differ by backend
            logger.exception("Could not claim the periodic tasks of %s UTC; they are skipped this minute.",
                             f"{timestamp:%Y-%m-%d %H:%M}")
            return []
        finally:
            _tidy_connections()
        return claimed


def _tidy_connections() -> None:
    """The scheduler is a thread of its own that no request ends: its database connection (the database
    cache's) is closed here once broken or too old, as a request's would be. A connection inside a
    transaction (a caller's, never the scheduler's) is left alone: closing it would break the transaction."""
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()


class RedisHuey(PeriodicOnce, huey.RedisHuey):
    pass


class SqliteHuey(PeriodicOnce, huey.SqliteHuey):
    pass


class MemoryHuey(PeriodicOnce, huey.MemoryHuey):
    pass
