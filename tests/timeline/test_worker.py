"""``kam worker`` as a real process: it sends what is due, is stopped, misses reminders that fall
due while it is down, and on restart sends each of them once — never twice, never zero.

The worker runs on its own SQLite database in a temporary data directory (the embedded default,
with the job queue in a SQLite file beside it) and mails a local SMTP server the test starts.
"""

import os
import sqlite3
import subprocess
import sys
import time

import pytest

from tests.mail import Inbox, SmtpServer
from tests.redis_db import REDIS_URL, empty_redis_or_skip

SETUP = """
import datetime as dt
from django.utils import timezone
from keyaccount.accounts.models import Account
from keyaccount.core.models import User
from keyaccount.timeline import services
anna = User.objects.create_user("anna", email="anna@example.ru", password="x", role="kam", reminder_minutes="15")
account = Account.objects.create(name="OOO Worker Test", owner=anna)
def meeting(subject, minutes):
    services.interaction_create(user=anna, account=account, data={
        "kind": "meeting", "subject": subject, "meeting_status": "planned",
        "starts_at": timezone.now() + dt.timedelta(minutes=minutes)})
meeting("First meeting", 5)       # due at once
meeting("Third meeting", 3 * 24 * 60)  # due in three days
"""

WHILE_DOWN = """
import datetime as dt
from django.utils import timezone
from keyaccount.accounts.models import Account
from keyaccount.core.models import User
from keyaccount.timeline import services
from keyaccount.timeline.models import Reminder
anna = User.objects.get(username="anna")
services.interaction_create(user=anna, account=Account.objects.get(), data={
    "kind": "meeting", "subject": "Second meeting", "meeting_status": "planned",
    "starts_at": timezone.now() + dt.timedelta(minutes=5)})
# Three days pass while the worker is stopped: the third meeting's reminder falls due.
Reminder.objects.filter(interaction__subject="Third meeting").update(remind_at=timezone.now() - dt.timedelta(hours=1))
"""


@pytest.fixture(params=["sqlite", "redis"])
def worker_env(request, tmp_path):
    """The job queue in a SQLite file (the embedded default) and in Redis (production)."""
    env = {key: value for key, value in os.environ.items() if key not in ("KAM_DATABASE_URL", "KAM_REDIS_URL")}
    if request.param == "redis":
        empty_redis_or_skip()
        env["KAM_REDIS_URL"] = REDIS_URL
    with SmtpServer() as smtp:
        env.update(KAM_DATA_DIR=str(tmp_path / "data"), KAM_JOB_QUEUE=request.param, KAM_SMTP_HOST="127.0.0.1",
                   KAM_SMTP_PORT=str(smtp.port), KAM_LANGUAGE="en", KAM_LOG_LEVEL="WARNING")
        yield env, smtp, tmp_path / "data" / "keyaccount.sqlite3"


def _kam(env, *args, stdin=None):
    result = subprocess.run([sys.executable, "-m", "keyaccount.cli", *args], env=env, input=stdin, text=True,
                            capture_output=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result


class Worker:
    def __init__(self, env, log_path):
        self.log = open(log_path, "a+")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen([sys.executable, "-m", "keyaccount.cli", "worker"], env=env,
                                        stdout=self.log, stderr=subprocess.STDOUT)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=20)
        self.log.close()


def _states(database) -> dict[str, str]:
    with sqlite3.connect(database) as db:
        rows = db.execute("SELECT i.subject, r.state FROM timeline_reminder r "
                          "JOIN timeline_interaction i ON i.id = r.interaction_id").fetchall()
    return dict(rows)


def _wait(condition, timeout=45.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def _mentions(smtp, subject):
    return sum(Inbox.text_of(message).count(subject) for message in smtp.inbox.messages)


def test_a_worker_stopped_and_restarted_sends_no_duplicates_and_misses_nothing(worker_env, tmp_path):
    env, smtp, database = worker_env
    _kam(env, "migrate", "--verbosity", "0")
    _kam(env, "shell", "-c", SETUP)

    worker = Worker(env, tmp_path / "worker.log")
    try:
        assert _wait(lambda: _states(database).get("First meeting") == "sent"), (tmp_path / "worker.log").read_text()
    finally:
        worker.stop()
    assert smtp.inbox.wait_for(1, timeout=5)
    assert _states(database)["Third meeting"] == "pending"

    _kam(env, "shell", "-c", WHILE_DOWN)
    worker = Worker(env, tmp_path / "worker.log")
    try:
        assert _wait(lambda: set(_states(database).values()) == {"sent"}), (tmp_path / "worker.log").read_text()
    finally:
        worker.stop()

    # A third start finds nothing left to send.
    worker = Worker(env, tmp_path / "worker.log")
    try:
        assert _wait(lambda: "Huey consumer started" in (tmp_path / "worker.log").read_text())
        time.sleep(3)
    finally:
        worker.stop()

    assert {subject: _mentions(smtp, subject) for subject in ("First meeting", "Second meeting", "Third meeting")} \
        == {"First meeting": 1, "Second meeting": 1, "Third meeting": 1}
    assert "Traceback" not in (tmp_path / "worker.log").read_text()


def test_the_worker_says_where_its_queue_is(worker_env, tmp_path):
    env, _smtp, _database = worker_env
    _kam(env, "migrate", "--verbosity", "0")
    worker = Worker(env, tmp_path / "worker.log")
    try:
        assert _wait(lambda: "Huey consumer started" in (tmp_path / "worker.log").read_text())
    finally:
        worker.stop()
    first_line = (tmp_path / "worker.log").read_text().splitlines()[0]
    assert f"queue in {env['KAM_JOB_QUEUE']}" in first_line
    assert "jobs.sqlite3" in first_line if env["KAM_JOB_QUEUE"] == "sqlite" else REDIS_URL.split("//")[1] in first_line


def test_the_worker_refuses_an_unmigrated_database(worker_env):
    env, _smtp, _database = worker_env
    result = subprocess.run([sys.executable, "-m", "keyaccount.cli", "worker"], env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 2 and "kam migrate" in result.stderr
