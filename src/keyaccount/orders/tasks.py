"""Background jobs of the orders, run by ``kam worker`` (huey; discovered by name)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from keyaccount.orders import sales


@db_periodic_task(crontab(hour="1", minute="10"))
@lock_task("orders-sales-days")
def rebuild_sales_days():
    """The sales by day counted again from the orders every night: the services keep them as orders are
    written, and this puts right anything written around them (a restore, a hand-made fix)."""
    return {"rows": sales.rebuild_sales_days()}
