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

# The models ``kam analyze --models`` chooses from (here, not in ``btyd``, so that checking the
# option imports no numpy).
MODELS = ("bgnbd", "pareto_nbd", "gamma_gamma")
