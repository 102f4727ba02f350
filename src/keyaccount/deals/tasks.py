"""Background jobs of the pipeline, run by ``kam worker`` (huey; discovered by name)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from keyaccount.deals import services


@db_periodic_task(crontab(hour="0", minute="10"))
@lock_task("deals-expire-proposals")
def expire_proposals():
    """Sent proposals past their validity date become expired."""
    return {"expired": services.expire_proposals()}
