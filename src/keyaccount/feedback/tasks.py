"""Background jobs of the feedback loop, run by ``kam worker`` (huey; discovered by name)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from keyaccount.feedback import surveys


@db_periodic_task(crontab(hour="10", minute="5"))
@lock_task("feedback-key-account-surveys")
def survey_key_accounts():
    return surveys.survey_key_accounts()
