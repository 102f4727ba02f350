"""Which delimiter a delimited text file uses, judged the way people's exports are written.

Pure Python on purpose (no Django), below every other layer: both the imports (``core.tabular``) and the
analytics (``analytics.data``, which may import nothing else of Keyaccount) read exports by hand.
Not ``csv.Sniffer``: on a 1C export (";" between cells, "1 234,56" in them) it picks the comma.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence

# On a tie, the one a comma-decimal export is likelier to use comes first.
CANDIDATES = ";\t|,"


class Delimited(csv.excel):
    """Double quotes as Excel writes them, with the delimiter the file uses; spaces after a delimiter
    (", ") are not part of the cell."""

    skipinitialspace = True


def dialect(delimiter: str) -> type[csv.Dialect]:
    return type(f"delimited_{ord(delimiter)}", (Delimited,), {"delimiter": delimiter})


def guess(head: Sequence[str]) -> str | None:
    """The delimiter (of ";" tab "|" ",") that splits the header line into the most columns and the rows
    after it into as many, or None when none splits the header. ``head`` is the file's first lines
    (with their line ends). Rows are split the way a CSV reader splits them (quotes respected), so a
    quoted cell holding a delimiter or a line end does not mislead; the last line may be cut and is
    left out."""
    best, best_score = None, (0.0, 1)
    for delimiter in CANDIDATES:
        try:
            rows = [row for row in csv.reader(head, dialect(delimiter)) if any(cell.strip() for cell in row)]
        except csv.Error:
            continue
        if not rows or len(rows[0]) < 2:
            continue
        body = rows[1:-1] if len(rows) > 2 else rows[1:]
        agreeing = sum(len(row) == len(rows[0]) for row in body) / len(body) if body else 1.0
        score = (agreeing, len(rows[0]))
        if score > best_score:
            best, best_score = delimiter, score
    return best
