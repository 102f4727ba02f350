"""Background jobs of the timeline, run by ``kam worker`` (huey; discovered by name)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, lock_task

from keyaccount.timeline import reminders


@db_periodic_task(crontab(minute="*"))
@lock_task("timeline-deliver-reminders")
def deliver_reminders():
    return reminders.deliver_due().__dict__


@db_periodic_task(crontab(minute="*/10"))
@lock_task("timeline-sweep-reminders")
def sweep_reminders():
    return {"events": reminders.schedule_upcoming(), "birthdays": reminders.schedule_birthdays(),
            "deadlines": reminders.sweep_sources()}


@HUEY.on_startup()
def catch_up():
    """At start, sweep and send at once: what fell due while no worker ran goes out now, not at the
    next minute."""
    from django.db import close_old_connections

    try:
        reminders.schedule_upcoming()
        reminders.schedule_birthdays()
        reminders.sweep_sources()
        reminders.deliver_due()
    finally:
        close_old_connections()
