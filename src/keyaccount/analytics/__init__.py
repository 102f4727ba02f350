"""Customer analytics on arrays and data frames: who buys again, who is key, who is leaving.

Pure computation (numpy, scipy, polars); imports nothing from Django or the rest of Keyaccount, so
it runs as a library and as ``kam analyze`` on any order file without a database.

* ``data``: read order lines (CSV in any delimiter, UTF-8 or CP1251; XLSX; Parquet) or a ready
  per-customer summary, with errors that name the column and the row;
* ``summary``: order lines to the per-customer table (frequency, recency, T, spend);
* ``segments``: RFM scores, ABC and XYZ classes, revenue trend, repeat status;
* ``btyd``: the BG/NBD, Pareto/NBD and Gamma-Gamma models, fitted by maximum likelihood with
  analytic gradients;
* ``pipeline``: all of it at once, as the command line and the app's insights use it.
"""

import os

# polars allocates through its own jemalloc, which keeps freed pages for ten seconds by default: on
# 10M order lines the pipeline peaked at 430 MB while holding under 100 MB of live data, the rest
# pages the read had freed. Handed back after 100 ms instead, the peak is about 330 MB at no
# measurable cost in time (docs/benchmarks.md). jemalloc reads this when polars first allocates, so
# it applies where polars is not loaded yet, and never over a setting of the user's own.
os.environ.setdefault("_RJEM_MALLOC_CONF", "dirty_decay_ms:100,muzzy_decay_ms:0")

# The models ``kam analyze --models`` chooses from (here, not in ``btyd``, so that checking the
# option imports no numpy).
MODELS = ("bgnbd", "pareto_nbd", "gamma_gamma")
