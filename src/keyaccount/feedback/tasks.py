"""Background jobs of the feedback loop, run by ``kam worker`` (huey; discovered by name)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from keyaccount.feedback import support, surveys


@db_periodic_task(crontab(hour="10", minute="5"))
@lock_task("feedback-key-account-surveys")
def survey_key_accounts():
    return surveys.survey_key_accounts()


@db_periodic_task(crontab(minute="*/2"))
@lock_task("feedback-support-mailbox")
def fetch_support_mailbox():
    """The support mailbox every two minutes, when one is configured."""
    return support.fetch_configured()
