"""Background jobs of planning, run by ``kam worker`` (huey; discovered by name)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from keyaccount.planning import services


@db_periodic_task(crontab(day_of_week="1", hour="7", minute="30"))
@lock_task("planning-coverage-alerts")
def coverage_alerts():
    """Monday morning: each manager hears of the relationship gaps at their planned accounts."""
    return {"notified": services.coverage_alerts()}
