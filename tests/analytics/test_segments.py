"""RFM scores, ABC classes and XYZ as the module's docstring defines them."""

import numpy as np
import polars as pl

from keyaccount.analytics import segments


def test_quintiles_share_the_highest_rank_of_their_ties():
    # Ten customers: ranks by "max" (ties take the highest rank of their group), score ceil(rank*5/10).
    days = np.array([1, 1, 2, 3, 3, 3, 7, 8, 9, 10])
    assert segments._quintile(days).tolist() == [1, 1, 2, 3, 3, 3, 4, 4, 5, 5]
    # Fewer days since the last purchase is better: descending, ties again on their highest rank.
    assert segments._quintile(days, descending=True).tolist() == [5, 5, 4, 4, 4, 4, 2, 2, 1, 1]


def test_whole_numbers_are_ranked_by_counting_as_they_would_be_by_sorting():
    rng = np.random.default_rng(3)
    for values in (rng.integers(0, 40, 5_000), rng.integers(-3, 3, 1_000), rng.integers(0, 10**9, 100),
                   np.array([7]), rng.integers(0, 3, 50).astype(np.uint32),
                   np.array([-120, 0, 120, 5], dtype=np.int8)):  # a span wider than int8 holds
        for descending in (False, True):
            # As floats they go through the sort; as integers over a narrow range, through counting.
            assert np.array_equal(segments._quintile(values, descending=descending),
                                  segments._quintile(values.astype(np.float64), descending=descending))


def _summary(spend, days_since_last=None, purchase_days=None):
    size = len(spend)
    return pl.DataFrame({
        "customer": [f"c{i}" for i in range(size)],
        "total_spend": np.asarray(spend, dtype=np.float64),
        "days_since_last": np.asarray(days_since_last or [10] * size, dtype=np.int64),
        "purchase_days": np.asarray(purchase_days or [1] * size, dtype=np.uint32),
        "frequency": np.zeros(size, dtype=np.uint32),
    })


def test_abc_takes_the_largest_first_and_ties_in_the_summary_order():
    # 1,000 in all: 500 (none before: A), then the two 150s in customer order (500 before the first:
    # A; 650 before the second: A), 100 (800 before: B), 60 (900: B), 40 (960: C), 0 (C).
    table = segments.rfm_and_abc(_summary([150, 500, 40, 150, 100, 0, 60]))
    assert table["abc"].to_list() == ["A", "A", "C", "A", "B", "C", "B"]
    assert table["revenue_share"].to_list()[1] == 0.5
    # With the 80 % line moved to 50 %, the first 150 (500 before it) is B and so is its tie.
    tighter = segments.rfm_and_abc(_summary([150, 500, 40, 150, 100, 0, 60]), segments.Thresholds(a=0.5))
    assert tighter["abc"].to_list() == ["B", "A", "C", "B", "B", "C", "B"]


def test_rfm_puts_recent_frequent_big_spenders_at_555():
    table = segments.rfm_and_abc(_summary([10, 20, 30, 40, 1000], days_since_last=[400, 300, 200, 100, 1],
                                          purchase_days=[1, 2, 3, 4, 50]))
    assert table["rfm"].to_list() == ["111", "222", "333", "444", "555"]


def test_whole_number_spend_is_ranked_as_money():
    # A summary whose spend came out as unsigned integers: negating it must not wrap around.
    table = segments.rfm_and_abc(_summary([2, 50, 1, 7]).with_columns(pl.col("total_spend").cast(pl.UInt64)))
    assert table["abc"].to_list() == ["C", "A", "C", "B"]
    assert table["m_score"].to_list() == [3, 5, 2, 4]
