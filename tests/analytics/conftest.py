"""The CDNOW data of the papers, as the lifetimes package ships it (the reference implementation)."""

from pathlib import Path

import numpy as np
import polars as pl
import pytest

lifetimes = pytest.importorskip("lifetimes")
DATASETS = Path(lifetimes.__file__).parent / "datasets"


@pytest.fixture(scope="session")
def cdnow_summary():
    """Fader, Hardie & Lee's 2,357 CDNOW customers, 39-week calibration period (x, t_x, T in weeks)."""
    frame = pl.read_csv(DATASETS / "cdnow_customers_summary.csv")
    return tuple(frame[c].cast(pl.Float64).to_numpy() for c in ("frequency", "recency", "T"))


@pytest.fixture(scope="session")
def cdnow_spend():
    """The same customers with their average repeat-purchase value (zbar)."""
    frame = pl.read_csv(DATASETS / "cdnow_customers_summary_with_transactions.csv")
    return frame["x"].cast(pl.Float64).to_numpy(), frame["zbar"].cast(pl.Float64).to_numpy()


@pytest.fixture(scope="session")
def cdnow_orders_csv(tmp_path_factory):
    """The sample's transaction log (CDNOW_sample.txt) as an order file: customer, date, amount."""
    rows = [line.split() for line in (DATASETS / "CDNOW_sample.txt").read_text().splitlines() if line.strip()]
    path = tmp_path_factory.mktemp("cdnow") / "cdnow_sample.csv"
    pl.DataFrame({"customer": [r[0] for r in rows], "date": [r[2] for r in rows],
                  "amount": [r[4] for r in rows]}).write_csv(path)
    return path


def relative(a, b):
    return np.max(np.abs(np.asarray(a) - np.asarray(b)) / np.maximum(np.abs(np.asarray(b)), 1e-12))
