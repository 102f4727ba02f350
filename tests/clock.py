"""The moment tests that depend on the date run at (the ``frozen_now`` fixture of ``conftest.py``)."""

import datetime as dt
from zoneinfo import ZoneInfo

# A Wednesday in the middle of June, 10:00 in Moscow (07:00 UTC, so the machine's date and Moscow's
# agree), with no month's or year's end in the next days and the year's first months behind it:
# "today", "this month", "next week", "in March" and a birthday tomorrow mean the same on every run.
FROZEN_NOW = dt.datetime(2026, 6, 17, 10, 0, tzinfo=ZoneInfo("Europe/Moscow"))
