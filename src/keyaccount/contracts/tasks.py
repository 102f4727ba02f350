"""Background jobs of contract control, run by ``kam worker`` (huey; discovered by name)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from keyaccount.contracts import services


@db_periodic_task(crontab(hour="0", minute="20"))
@lock_task("contracts-roll-over")
def roll_over_contracts():
    return services.contracts_roll_over()
