"""One self-contained HTML report (inline CSS and SVG, nothing fetched): the models, the segments,
the ABC×XYZ matrix, the distribution of p_alive and the customers most at risk with the reasons."""

from __future__ import annotations

import html
import math

import numpy as np
import polars as pl

# A valuable customer is at risk when the model gives them less than this chance of still buying…
AT_RISK_P_ALIVE = 0.5
# …or when their silence is this many times their own usual gap between purchases.
OVERDUE_FACTOR = 2.0


def at_risk(customers: pl.DataFrame, *, period_days: float, limit: int = 25) -> list[dict]:
    """The most valuable customers that look to be slipping away, each with plain reasons."""
    if "p_alive" not in customers.columns:
        return []
    value = "total_spend" if "total_spend" in customers.columns else "monetary_value"
    rows = customers.filter(pl.col("frequency") > 0).sort(value, descending=True).to_dicts()
    found = []
    for row in rows:
        reasons = []
        gap = row["recency"] / row["frequency"] * period_days if row["frequency"] else None
        silent = row.get("days_since_last")
        if silent is None:
            silent = (row["T"] - row["recency"]) * period_days
        if gap and silent > OVERDUE_FACTOR * gap:
            reasons.append(f"no purchase for {silent:.0f} days; usually every {gap:.0f} days")
        if row["p_alive"] is not None and row["p_alive"] < AT_RISK_P_ALIVE:
            reasons.append(f"chance still buying {row['p_alive']:.0%}")
        if row.get("growth_pct") is not None and row["growth_pct"] < -30:
            reasons.append(f"revenue {row['growth_pct']:.0f} % in the last six months")
        if reasons:
            found.append({**row, "reasons": reasons})
        if len(found) == limit:
            break
    return found


# SVG text does not wrap: room is made from the text's length, at this width per character of the
# 11px labels (generous: digits and capitals are the widest).
_CHAR_WIDTH = 7.0


def _bars(values: list[tuple[str, float]], *, bar=18, color="#2f6db5", unit="") -> str:
    """Horizontal bars with the label before and the value after each, in an image as wide as its
    longest label and value need (nothing is cut off, whatever the labels)."""
    top = max([v for _, v in values] or [0]) or 1
    texts = [f"{v:,.0f}{unit}" for _, v in values]
    label_width = _CHAR_WIDTH * max([len(label) for label, _ in values] or [0]) + 8
    value_width = _CHAR_WIDTH * max([len(text) for text in texts] or [0]) + 8
    width = label_width + 300 + value_width
    rows = []
    for i, ((label, v), text) in enumerate(zip(values, texts, strict=True)):
        w = 300 * v / top
        rows.append(f'<text x="0" y="{i * (bar + 6) + 13}">{html.escape(label)}</text>'
                    f'<rect x="{label_width:.0f}" y="{i * (bar + 6)}" width="{w:.1f}" height="{bar}" fill="{color}"/>'
                    f'<text x="{label_width + 6 + w:.1f}" y="{i * (bar + 6) + 13}">{html.escape(text)}</text>')
    return (f'<svg viewBox="0 0 {width:.0f} {len(values) * (bar + 6)}" width="{width:.0f}" role="img">'
            + "".join(rows) + "</svg>")


def _percent(value) -> str:
    """A share as "42%", or "n/a" when there is none (a model not fitted gives no chance of buying)."""
    return "n/a" if value is None or not math.isfinite(value) else f"{value:.0%}"


def _money(value, currency: str | None) -> str:
    return f"{value:,.2f}" + (f" {currency}" if currency else "")


def _histogram(values: np.ndarray, bins: int = 10) -> str:
    counts, _edges = np.histogram(values[np.isfinite(values)], bins=bins, range=(0, 1))
    if not counts.any():
        return "<p>No chances to show: the BG/NBD model was not fitted.</p>"
    top = max(counts.max(), 1)
    bars = []
    for i, count in enumerate(counts):
        h = 140 * count / top
        bars.append(f'<rect x="{i * 48 + 30}" y="{150 - h:.1f}" width="44" height="{h:.1f}" fill="#3f8f5f">'
                    f'<title>{i / bins:.1f}–{(i + 1) / bins:.1f}: {count}</title></rect>'
                    f'<text x="{i * 48 + 36}" y="166">{i / bins:.1f}</text>'
                    f'<text x="{i * 48 + 34}" y="{146 - h:.1f}">{count}</text>')
    return f'<svg viewBox="0 0 520 172" width="520" role="img">{"".join(bars)}</svg>'


def _matrix(customers: pl.DataFrame) -> str:
    if "abc" not in customers.columns:
        return "<p>ABC and XYZ need order lines (not a summary file).</p>"
    table = (customers.with_columns(pl.col("xyz").fill_null("–"))
             .group_by("abc", "xyz").agg(pl.len().alias("n"), pl.col("total_spend").sum().alias("spend")))
    cells = {(r["abc"], r["xyz"]): r for r in table.to_dicts()}
    total = float(customers["total_spend"].sum()) or 1.0
    out = ["<table class='matrix'><tr><th></th>" + "".join(f"<th>{x}</th>" for x in ("X", "Y", "Z", "–")) + "</tr>"]
    for a in ("A", "B", "C"):
        out.append(f"<tr><th>{a}</th>")
        for x in ("X", "Y", "Z", "–"):
            cell = cells.get((a, x))
            share = (cell["spend"] / total) if cell else 0
            shade = int(255 - min(share, 1) * 400) if share else 255
            out.append(f"<td style='background: rgb({max(shade, 90)},{max(shade, 140)},255)'>"
                       + (f"{cell['n']}<br><small>{share:.0%}</small>" if cell else "") + "</td>")
        out.append("</tr>")
    return "".join(out) + "</table>"


def html_report(analysis, *, source: str = "") -> str:
    from keyaccount.analytics.summary import PERIOD_DAYS

    customers = analysis.customers
    period_days = PERIOD_DAYS[analysis.period]
    currency = getattr(analysis, "currency", None)
    models = []
    for name, fit in analysis.models.items():
        if not hasattr(fit, "params"):
            models.append(f"<tr><td>{name}</td><td colspan='3'>not fitted: {html.escape(fit.reason)}</td></tr>")
            continue
        params = ", ".join(f"{k} = {v:.4g}" + (f" (± {fit.se[k]:.2g})" if fit.se.get(k) else "")
                           for k, v in fit.params.items())
        converged = "yes" if fit.converged else f"no: {fit.reason}"
        models.append(f"<tr><td>{name}</td><td>{html.escape(params)}</td><td>{fit.loglik:,.2f}</td>"
                      f"<td>{html.escape(converged)}</td></tr>")
    status = customers.group_by("status").agg(pl.len().alias("n")).sort("status").to_dicts()
    segments = _bars([(row["status"], row["n"]) for row in status])
    if "abc" in customers.columns:
        spend = customers.group_by("abc").agg(pl.col("total_spend").sum()).sort("abc").to_dicts()
        segments += _bars([(f"class {row['abc']} revenue", row["total_spend"]) for row in spend], color="#b5762f",
                          unit=f" {currency}" if currency else "")
    p_alive = customers["p_alive"].to_numpy() if "p_alive" in customers.columns else np.array([])
    risky = at_risk(customers, period_days=period_days)
    risk_rows = "".join(
        f"<tr><td>{html.escape(str(r['customer']))}</td>"
        f"<td>{_money(r.get('total_spend', r.get('monetary_value')) or 0, currency)}</td>"
        f"<td>{_percent(r['p_alive'])}</td><td>{html.escape('; '.join(r['reasons']))}</td></tr>" for r in risky)
    until = f" up to {analysis.until}" if analysis.until else ""
    finite = p_alive[np.isfinite(p_alive)] if p_alive.size else p_alive
    mean_p = float(finite.mean()) if finite.size else math.nan
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Customer analytics — {html.escape(source)}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; color: #222; }}
h1 {{ font-size: 1.5rem; }} h2 {{ font-size: 1.15rem; margin-top: 2rem; border-bottom: 1px solid #ccc; }}
table {{ border-collapse: collapse; }}
td, th {{ padding: .25rem .6rem; border-bottom: 1px solid #eee; text-align: left; overflow-wrap: anywhere; }}
svg {{ max-width: 100%; height: auto; }}
.matrix td {{ width: 5rem; height: 3rem; text-align: center; border: 1px solid #fff; }}
svg text {{ font-size: 11px; }} small {{ color: #555; }}
</style></head><body>
<h1>Customer analytics: {html.escape(source)}</h1>
<p>{customers.height:,} customers{html.escape(until)}; time unit: {analysis.period};
mean chance of still buying {_percent(mean_p)}{f"; amounts in {html.escape(currency)}" if currency else ""}.</p>
<h2>Models</h2>
<table><tr><th>model</th><th>parameters (± standard error)</th><th>log-likelihood</th><th>converged</th></tr>
{"".join(models)}</table>
<h2>Segments</h2>{segments}
<h2>ABC × XYZ</h2>{_matrix(customers)}
<p><small>A: the customers bringing the first 80 % of revenue, B the next 15 %, C the rest; X: steady monthly
revenue (variation up to 10 %), Y up to 25 %, Z irregular; – too short a history.</small></p>
<h2>Chance of still buying (p_alive, BG/NBD)</h2>{_histogram(p_alive)}
<h2>Valuable customers most at risk</h2>
<table><tr><th>customer</th><th>spend</th><th>p_alive</th><th>why</th></tr>{risk_rows or
"<tr><td colspan='4'>None: no valuable customer looks to be leaving.</td></tr>"}</table>
</body></html>
"""
