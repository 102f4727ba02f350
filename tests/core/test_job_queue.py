"""Periodic jobs with several workers (core.job_queue): of the schedulers that find a job due at a
minute, the first to claim it queues it and the others skip it; a minute nobody can claim is skipped.
Two huey instances stand for two workers here; tests/timeline/test_two_workers.py runs real ones."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from huey import crontab

from keyaccount.core import job_queue

NOON = dt.datetime(2026, 3, 2, 12, 0, 7)


def _worker(name="keyaccount-tests"):
    """A worker's huey with two periodic jobs: one every minute, one at 01:30."""
    huey = job_queue.MemoryHuey(name)

    @huey.periodic_task(crontab(minute="*"))
    def every_minute():
        return None

    @huey.periodic_task(crontab(hour="1", minute="30"))
    def nightly():
        return None

    return huey


def _names(tasks):
    return sorted(task.name for task in tasks)


@pytest.mark.django_db
def test_of_two_workers_one_queues_each_due_job_at_each_minute():
    first, second = _worker(), _worker()
    assert _names(first.read_periodic(NOON)) == ["every_minute"]
    assert second.read_periodic(NOON + dt.timedelta(seconds=40)) == []  # same minute, later in it
    assert _names(second.read_periodic(NOON + dt.timedelta(minutes=1))) == ["every_minute"]
    assert first.read_periodic(NOON + dt.timedelta(minutes=1, seconds=2)) == []

    one_thirty = dt.datetime(2026, 3, 3, 1, 30, 59)
    assert _names(second.read_periodic(one_thirty)) == ["every_minute", "nightly"]
    assert first.read_periodic(one_thirty.replace(second=1)) == []
    # Another queue (another installation on the same Redis) claims its own runs.
    assert _names(_worker("another-installation").read_periodic(one_thirty)) == ["every_minute", "nightly"]


@pytest.mark.django_db
def test_a_minute_that_cannot_be_claimed_is_skipped_and_logged(monkeypatch, caplog):
    def unreachable(*args, **kwargs):
        raise ConnectionError("cache unreachable")

    monkeypatch.setattr(job_queue, "claim_periodic_run", unreachable)
    with caplog.at_level(logging.ERROR, logger="huey"):
        assert _worker().read_periodic(NOON) == []
    assert "skipped this minute" in caplog.text and "2026-03-02 12:00" in caplog.text


def test_the_settings_queue_classes_are_the_claiming_ones():
    from huey.contrib.djhuey import HUEY

    assert isinstance(HUEY, job_queue.PeriodicOnce)
