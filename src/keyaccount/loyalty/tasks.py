"""Background jobs of loyalty, run by ``kam worker`` (huey; discovered by name)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from keyaccount.loyalty import services


@db_periodic_task(crontab(hour="1", minute="40"))
@lock_task("loyalty-tiers")
def refresh_tiers():
    return services.tiers_refresh()
