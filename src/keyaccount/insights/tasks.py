"""Background jobs of the insights, run by ``kam worker`` (huey; discovered by name)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from keyaccount.insights import services


@db_periodic_task(crontab(hour="1", minute="30"))
@lock_task("insights-refresh")
def refresh_scores():
    return services.refresh()


@db_task()
@lock_task("insights-refresh")
def refresh_now():
    """Asked for from the portfolio page: the same refresh, now, in the worker."""
    return services.refresh()


# Asked for at every change of orders or accounts: one count at a time; a request that finds one
# running tries again a little later (what changed meanwhile is still marked stale).
@db_task(retries=5, retry_delay=30)
@lock_task("insights-portfolios")
def recount_portfolios():
    counted = services.recount_portfolios()
    if services.portfolios_left_stale():  # changed while being counted: once more, a little later
        recount_portfolios.schedule(delay=30)
    return counted
