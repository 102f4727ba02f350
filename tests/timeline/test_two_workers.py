"""Two ``kam worker`` processes on one Redis, as on two hosts: each periodic job is queued once per
minute whichever worker's scheduler comes first (core.job_queue), each queued job is taken by one worker
only, and each reminder due is mailed once although both workers deliver at start-up and every minute.

Both workers share one SQLite database in a temporary data directory (as two hosts share PostgreSQL),
their queue and cache are the tests' Redis database, and they mail a local SMTP server.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import time
from collections import Counter

from tests.mail import SmtpServer
from tests.redis_db import REDIS_URL, empty_redis_or_skip
from tests.timeline.test_worker import Worker, _kam, _mentions, _states, _wait

MEETINGS = 8
JOBS = 12
SETUP = f"""
import datetime as dt, json
from django.core.management import call_command
from django.utils import timezone
call_command("migrate", verbosity=0)  # in this process: one start-up of Django less
from keyaccount.accounts.models import Account
from keyaccount.core.models import User
from keyaccount.core.tasks import cache_sweep
from keyaccount.timeline import services
anna = User.objects.create_user("anna", email="anna@example.ru", password="x", role="kam", reminder_minutes="15")
account = Account.objects.create(name="OOO Two Workers", owner=anna)
for number in range({MEETINGS}):  # each due at once (15 minutes' notice, 5 minutes ahead)
    services.interaction_create(user=anna, account=account, data={{
        "kind": "meeting", "subject": f"Meeting No. {{number}}", "meeting_status": "planned",
        "starts_at": timezone.now() + dt.timedelta(minutes=5)}})
print(json.dumps([cache_sweep().id for _ in range({JOBS})]))
"""
CLAIM = re.compile(r"Periodic task (\S+) of (.+?) UTC: (queued by this worker|already queued by another worker)")


def _start_early_in_a_minute():
    """Both workers' first periodic check should fall in one minute, so that they contend for it."""
    second = dt.datetime.now(dt.UTC).second
    if second > 45:
        time.sleep(61 - second)


def test_two_workers_run_each_periodic_job_once_a_minute_and_send_each_reminder_once(tmp_path):
    empty_redis_or_skip()
    with SmtpServer() as smtp:
        env = {**{key: value for key, value in os.environ.items() if key != "KAM_DATABASE_URL"},
               "KAM_DATA_DIR": str(tmp_path / "data"), "KAM_REDIS_URL": REDIS_URL, "KAM_JOB_QUEUE": "redis",
               "KAM_SMTP_HOST": "127.0.0.1", "KAM_SMTP_PORT": str(smtp.port), "KAM_LANGUAGE": "en"}
        database = tmp_path / "data" / "keyaccount.sqlite3"
        queued = json.loads(_kam(env, "shell", "-v", "0", "-c", SETUP).stdout)
        logs = [tmp_path / "first.log", tmp_path / "second.log"]

        _start_early_in_a_minute()
        workers = [Worker(env, log) for log in logs]
        try:
            assert _wait(lambda: set(_states(database).values()) == {"sent"}), logs[0].read_text()
            # Both schedulers have made their first periodic check (each logs every job due).
            assert _wait(lambda: all(CLAIM.search(log.read_text()) for log in logs)), logs[1].read_text()
            assert _wait(lambda: sum(log.read_text().count("cache_sweep: ") for log in logs) >= JOBS)
            time.sleep(1)  # what either worker would still do twice has time to show
        finally:
            for worker in workers:
                worker.stop()
        assert smtp.inbox.wait_for(1, timeout=5)

    texts = [log.read_text() for log in logs]
    assert not any("Traceback" in text for text in texts), texts

    claims = [match.groups() for text in texts for match in CLAIM.finditer(text)]
    by_run = Counter((job, minute) for job, minute, outcome in claims if outcome == "queued by this worker")
    assert by_run and set(by_run.values()) == {1}
    # The two schedulers met in a minute, and the second found it taken.
    assert [claim for claim in claims if claim[2] == "already queued by another worker"]
    executed = sum(text.count("Executing keyaccount.timeline.tasks.deliver_reminders") for text in texts)
    assert executed == sum(count for (job, _minute), count in by_run.items() if job.endswith(".deliver_reminders"))

    # Every queued job was taken off the queue by exactly one of the workers.
    taken = Counter(task_id for text in texts for task_id in re.findall(r"Executing keyaccount\.core\.tasks\."
                                                                           r"cache_sweep: ([0-9a-f-]+)", text))
    assert taken == dict.fromkeys(queued, 1)

    assert {number: _mentions(smtp, f"Meeting No. {number}") for number in range(MEETINGS)} == \
        dict.fromkeys(range(MEETINGS), 1)
