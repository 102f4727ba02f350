"""One self-contained HTML report for a head of sales (inline CSS and SVG, nothing fetched, no
script), in English or Russian: what was analysed and over what time, what each model says in a
sentence, how far its forecasts held on a later period (when a holdout was asked for), the most
valuable customers and those at risk with the reasons, how customers are spread, the ABC×XYZ matrix
and the segments. Every figure is written for the reader's locale; every name is escaped."""

from __future__ import annotations

import math
from html import escape

import numpy as np
import polars as pl

from keyaccount.analytics import btyd
from keyaccount.analytics.errors import InputError
from keyaccount.analytics.messages import DASH, LANGUAGES, MODEL_NAMES, Words, finite
from keyaccount.analytics.summary import PERIOD_DAYS

# A valuable customer is at risk when the model gives them less than this chance of still buying…
AT_RISK_P_ALIVE = 0.5
# …or when their silence is this many times their own usual gap between purchases…
OVERDUE_FACTOR = 2.0
# …or when their revenue of the last six months fell by more than this (percent) against the six before.
FALLING_PCT = -30.0
# Rows in the lists of top customers and of those at risk.
LIST_LENGTH = 20


def at_risk(customers: pl.DataFrame, *, period_days: float, limit: int = LIST_LENGTH) -> list[dict]:
    """The most valuable repeat customers that look to be slipping away, each with its reasons as
    (kind, figure...) for the report to put in words: ("overdue", days silent, usual gap in days),
    ("unlikely", chance still buying), ("falling", revenue change in percent)."""
    value = next((c for c in ("total_spend", "monetary_value") if c in customers.columns), "frequency")
    silent = (pl.col("days_since_last").cast(pl.Float64) if "days_since_last" in customers.columns
              else (pl.col("T") - pl.col("recency")) * period_days)
    signs = {"overdue": (pl.col("_gap") > 0) & (pl.col("_silent") > OVERDUE_FACTOR * pl.col("_gap"))}
    if "p_alive" in customers.columns:
        signs["unlikely"] = pl.col("p_alive").is_finite() & (pl.col("p_alive") < AT_RISK_P_ALIVE)
    if "growth_pct" in customers.columns:
        signs["falling"] = pl.col("growth_pct").is_finite() & (pl.col("growth_pct") < FALLING_PCT)
    rows = (customers.filter(pl.col("frequency") > 0)
            .with_columns(_silent=silent, _gap=pl.col("recency") / pl.col("frequency") * period_days)
            .with_columns(**{f"_{kind}": sign.fill_null(False) for kind, sign in signs.items()})
            .filter(pl.any_horizontal(f"_{kind}" for kind in signs))
            .sort(value, descending=True, nulls_last=True).head(limit))
    found = []
    for row in rows.iter_rows(named=True):
        figures = {"overdue": (row["_silent"], row["_gap"]), "unlikely": (row.get("p_alive"),),
                   "falling": (row.get("growth_pct"),)}
        found.append({**row, "reasons": [(kind, *figures[kind]) for kind in signs if row[f"_{kind}"]]})
    return found


def html_report(analysis, *, source: str = "", lang: str = "en") -> str:
    if lang not in LANGUAGES:
        raise InputError(f"--lang must be one of {', '.join(LANGUAGES)}")
    words = Words(lang, analysis.currency)
    header = analysis.header()
    customers = analysis.customers
    horizon = words.horizon(analysis.horizon, analysis.period)
    holdout = header.get("holdout")
    body = [
        f"<h1>{escape(words('title'))}</h1>",
        _about(analysis, words, source, horizon),
        f"<h2>{escape(words('models'))}</h2>",
        _models(analysis, header, words, horizon),
        _holdout(holdout, words, analysis.period) if holdout else "",
        _top(customers, words),
        _at_risk(customers, words, PERIOD_DAYS[analysis.period]),
        f"<h2>{escape(words('distributions'))}</h2>",
        _distributions(analysis, words, horizon),
        f"<h2>{escape(words('matrix'))}</h2>",
        _matrix(customers, words),
        f"<h2>{escape(words('segments'))}</h2>",
        _segments(customers, words),
        _parameters(analysis, header, words),
    ]
    title = f"{words('title')}: {source}" if source else words("title")
    return f"""<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<style>{STYLE}</style></head><body>
{"".join(part for part in body if part)}
</body></html>
"""


STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #222;
       line-height: 1.45; margin: 0 auto; padding: 1rem 1rem 3rem; max-width: 62rem; }
h1 { font-size: 1.6rem; margin: .5rem 0 1rem; overflow-wrap: anywhere; }
h2 { font-size: 1.2rem; margin-top: 2.2rem; border-bottom: 1px solid #ccc; }
h3 { font-size: 1rem; margin: 1.4rem 0 .4rem; }
p { max-width: 48rem; }
.facts { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: .25rem 1.2rem; margin: 0; }
.facts dt { color: #555; } .facts dd { margin: 0; overflow-wrap: anywhere; }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; margin: .3rem 0; }
td, th { padding: .3rem .6rem; border-bottom: 1px solid #e4e4e4; text-align: left; vertical-align: top;
         overflow-wrap: break-word; }
.list td:first-child { min-width: 6rem; max-width: 20rem; }
td.n, th.n { text-align: right; white-space: nowrap; }
.matrix td { min-width: 4.5rem; height: 3rem; text-align: center; border: 1px solid #fff; }
.note { color: #555; font-size: .9rem; }
svg { display: block; max-width: 100%; height: auto; margin: .4rem 0 1rem; }
svg text { font-size: 13px; fill: #222; }
details { margin-top: 2.2rem; }
@media (max-width: 40rem) {
  .facts { grid-template-columns: minmax(0, 1fr); } .facts dd { margin-bottom: .4rem; }
  table.list, .list tbody, .list tr, .list td { display: block; }
  .list thead { display: none; }
  .list tr { border-bottom: 1px solid #ccc; padding: .4rem 0; }
  .list td, .list td.n { border: 0; padding: .1rem 0; text-align: left; white-space: normal; max-width: none; }
  .list td::before { content: attr(data-label) ": "; color: #555; }
}
"""


def _about(analysis, words: Words, source: str, horizon: str) -> str:
    customers = analysis.customers
    repeat = int((customers["frequency"] > 0).sum())
    facts = []
    if source:
        facts.append((words("source"), source))
    facts += [
        (words("customers"), f"{words.number(customers.height)}; "
                             + words("repeat_share", repeat=words.number(repeat),
                                     share=words.percent(repeat / customers.height if customers.height else 0))),
        (words("until"), words.date(analysis.until)),
        (words("period"), words.unit(analysis.period)),
        (words("horizon"), horizon),
        (words("currency"), words.currency_name()),
        (words("discount"), words("per_year", rate=words.percent(analysis.discount_rate))),
    ]
    return ('<dl class="facts">'
            + "".join(f"<dt>{escape(term)}</dt><dd>{escape(value)}</dd>" for term, value in facts) + "</dl>")


def _models(analysis, header: dict, words: Words, horizon: str) -> str:
    """A sentence per model chosen: what it says about these customers, or why it says nothing."""
    customers = analysis.customers
    said = []
    for name, model in header["models"].items():
        if not isinstance(analysis.models[name], btyd.Fit):
            said.append(words("not_fitted", model=MODEL_NAMES[name], reason=words.reason(model["reason"])))
            continue
        if name == "gamma_gamma":
            sentence = words("gamma_gamma", spend=words.money(_mean(customers, "expected_spend")))
        else:
            suffix = "" if name == "bgnbd" else "_pareto"
            sentence = words(name, p_alive=words.percent(_mean(customers, "p_alive" + suffix)),
                             purchases=words.number(_sum(customers, "expected_purchases" + suffix)), horizon=horizon)
        if model["reason"]:
            sentence += " " + words("rough", reason=words.reason(model["reason"]))
        said.append(sentence)
    if "bgnbd" in header["models"] and "gamma_gamma" in header["models"]:
        total = _sum(customers, "clv")
        said.append(words("clv", horizon=horizon, rate=words.percent(analysis.discount_rate),
                          total=words.money(total)) if finite(total) else words("no_clv"))
    return "".join(f"<p>{escape(sentence)}</p>" for sentence in said)


def _parameters(analysis, header: dict, words: Words) -> str:
    """The estimates for whoever wants to check them, folded away."""
    rows = []
    for name, model in header["models"].items():
        fit = analysis.models[name]
        if isinstance(fit, btyd.Fit):
            estimates = ", ".join(f"{key} = {words.estimate(value)}"
                                  + (f" (± {words.estimate(fit.se[key])})" if finite(fit.se.get(key)) else "")
                                  for key, value in fit.params.items())
            loglik = words.number(fit.loglik, 2)
        else:
            estimates, loglik = DASH, DASH
        converged = words("yes") if model["converged"] else f"{words('no')}: {words.reason(model['reason'])}"
        rows.append([MODEL_NAMES[name], estimates, loglik, converged])
    if not rows:
        return ""
    return (f"<details><summary>{escape(words('parameters'))}</summary>"
            + _table([words("model"), words("estimates"), words("loglik"), words("converged")], rows, numeric={2})
            + "</details>")


def _top(customers: pl.DataFrame, words: Words) -> str:
    """The customers worth most: by CLV, or by expected purchases without it, or by revenue without
    any model."""
    by, title = next(((column, title) for column, title in (
        ("clv", "top_by_clv"), ("expected_purchases", "top_by_purchases"),
        ("expected_purchases_pareto", "top_by_purchases"), ("total_spend", "top_by_revenue"),
        ("monetary_value", "top_by_revenue")) if _has(customers, column)), (None, None))
    if by is None:
        return ""
    top = customers.filter(pl.col(by).is_finite()).sort(by, descending=True).head(LIST_LENGTH)
    columns = [(words("customer"), lambda row: str(row["customer"]), False)]
    if _has(customers, "clv"):
        columns.append((words("clv_column"), lambda row: words.money(row["clv"]), True))
    for purchases, alive in (("expected_purchases", "p_alive"), ("expected_purchases_pareto", "p_alive_pareto")):
        if _has(customers, purchases):
            columns.append((words("purchases_column"), lambda row, c=purchases: words.short(row[c]), True))
            columns.append((words("p_alive_column"), lambda row, c=alive: words.percent(row[c]), True))
            break
    revenue = next((c for c in ("total_spend", "monetary_value") if c in customers.columns), None)
    if revenue:
        columns.append((words("revenue"), lambda row: words.money(row[revenue]), True))
    if "abc" in customers.columns:
        columns.append((words("class"), lambda row: _class(row), False))
    rows = [[cell(row) for _, cell, _ in columns] for row in top.iter_rows(named=True)]
    numeric = {i for i, (_, _, right) in enumerate(columns) if right}
    return f"<h2>{escape(words(title))}</h2>" + _table([name for name, _, _ in columns], rows, numeric=numeric)


def _class(row) -> str:
    return f"{row['abc']} · {row['xyz']}" if row.get("xyz") else str(row["abc"])


def _at_risk(customers: pl.DataFrame, words: Words, period_days: float) -> str:
    risky = at_risk(customers, period_days=period_days)
    heading = f"<h2>{escape(words('at_risk'))}</h2>"
    if not risky:
        return heading + f"<p>{escape(words('nobody_at_risk'))}</p>"
    revenue = next((c for c in ("total_spend", "monetary_value") if c in customers.columns), None)
    rows = [[str(row["customer"])] + ([words.money(row[revenue])] if revenue else [])
            + [words.percent(row.get("p_alive")), "; ".join(_reason(reason, words) for reason in row["reasons"])]
            for row in risky]
    names = [words("customer")] + ([words("revenue")] if revenue else []) + [words("p_alive_column"), words("why")]
    return heading + _table(names, rows, numeric=set(range(1, len(names) - 1)))


def _reason(reason: tuple, words: Words) -> str:
    kind, *figures = reason
    if kind == "overdue":
        silent, gap = figures
        return words("overdue", silent=words.count(round(silent), "day"), gap=words.count(max(round(gap), 1), "day"))
    if kind == "unlikely":
        return words("unlikely", p_alive=words.percent(figures[0]))
    return words("falling", growth=words.change(figures[0]))


def _distributions(analysis, words: Words, horizon: str) -> str:
    """A chart per figure of the chosen models, or the model that stands in its way."""
    charts = []
    for column, title, needs, kind in (
            ("p_alive", words("p_alive_chart"), ("bgnbd",), "share"),
            ("expected_purchases", words("purchases_chart", horizon=horizon), ("bgnbd",), "count"),
            ("clv", words("clv_chart"), ("bgnbd", "gamma_gamma"), "money")):
        if any(name not in analysis.models for name in needs):
            continue
        charts.append(f"<h3>{escape(title)}</h3>")
        values = _values(analysis.customers, column)
        if values is None:
            unfitted = next((name for name in needs if not isinstance(analysis.models[name], btyd.Fit)), needs[0])
            charts.append(f"<p>{escape(words('no_figures', model=MODEL_NAMES[unfitted]))}</p>")
        else:
            charts.append(_histogram(values, words, kind))
    return "".join(charts)


def _histogram(values: np.ndarray, words: Words, kind: str) -> str:
    """Customers per range of a figure, as bars with each range written out: for a share, tenths;
    for a count or money, ranges of a round width up to where nineteen customers in twenty are, and
    the rest in an open last range ("40 and more")."""
    if kind == "share":
        edges, step = np.linspace(0, 1, 11), 0.1
    else:
        top = float(np.quantile(values, 0.95))
        top = top if top > 0 else float(values.max())
        if top <= 0:
            return _bars([(words.number(0), len(values), words.number(len(values)))])
        step = _round_step(top / 8)
        edges = np.arange(math.ceil(top / step - 1e-9) + 1) * step
    digits = _decimals(step)

    def label(value):
        return (words.percent(value) if kind == "share" else words.money(value, digits) if kind == "money"
                else words.number(value, digits))

    open_end = kind != "share" and values.max() > edges[-1]
    bins = len(edges) - 1 + open_end
    counts = np.bincount(np.clip(np.searchsorted(edges, values, side="right") - 1, 0, bins - 1), minlength=bins)
    rows = []
    for i, count in enumerate(counts):
        if i == len(edges) - 1:
            text = words("and_more", low=label(edges[i]))
        elif kind == "share":  # "0–10 %": the sign once
            text = f"{words.number(edges[i] * 100)}–{label(edges[i + 1])}"
        else:
            text = f"{label(edges[i])}–{label(edges[i + 1])}"
        rows.append((text, int(count), words.number(int(count))))
    return _bars(rows)


def _round_step(rough: float) -> float:
    """The round width (1, 2, 2.5 or 5 times a power of ten) at or above ``rough``."""
    power = 10 ** math.floor(math.log10(rough))
    return next(f * power for f in (1, 2, 2.5, 5, 10) if f * power >= rough * (1 - 1e-9))


def _decimals(step: float) -> int:
    """The decimals that write a round width and its multiples exactly: 2 → 0, 2.5 → 1, 0.25 → 2."""
    return next(d for d in range(12) if abs(step * 10 ** d - round(step * 10 ** d)) < 1e-6 * 10 ** d)


def _matrix(customers: pl.DataFrame, words: Words) -> str:
    if "abc" not in customers.columns:
        return f"<p>{escape(words('no_matrix'))}</p>"
    table = (customers.with_columns(pl.col("xyz").fill_null("–"))
             .group_by("abc", "xyz").agg(pl.len().alias("n"), pl.col("total_spend").sum().alias("spend")))
    cells = {(r["abc"], r["xyz"]): r for r in table.to_dicts()}
    total = float(customers["total_spend"].clip(lower_bound=0).sum()) or 1.0
    out = ["<div class='scroll'><table class='matrix'><tr><th></th>"
           + "".join(f"<th>{x}</th>" for x in ("X", "Y", "Z", "–")) + "</tr>"]
    for a in ("A", "B", "C"):
        out.append(f"<tr><th>{a}</th>")
        for x in ("X", "Y", "Z", "–"):
            cell = cells.get((a, x))
            share = max(cell["spend"], 0) / total if cell else 0
            shade = max(int(255 - min(share, 1) * 400), 90) if share else 255
            out.append(f"<td style='background: rgb({shade},{max(shade, 140)},255)'>"
                       + (f"{words.number(cell['n'])}<br><small>{escape(words.percent(share))}</small>" if cell else "")
                       + "</td>")
        out.append("</tr>")
    return "".join(out) + f"</table></div><p class='note'>{escape(words('matrix_note'))}</p>"


def _segments(customers: pl.DataFrame, words: Words) -> str:
    status = customers.group_by("status").agg(pl.len().alias("n")).sort("status").to_dicts()
    out = _bars([(words(row["status"]), row["n"], words.number(row["n"])) for row in status])
    if "abc" in customers.columns:
        spend = customers.group_by("abc").agg(pl.col("total_spend").sum()).sort("abc").to_dicts()
        out += _bars([(words("class_revenue", abc=row["abc"]), max(row["total_spend"], 0),
                       words.money(row["total_spend"], 0)) for row in spend], color="#b5762f")
    return out


def _holdout(holdout: dict, words: Words, period: str) -> str:
    """The forecasts for a later period set against what the customers then bought: in total per
    model, by purchases before it (chart and table), and which model fits better."""
    length = words.count(holdout["holdout_periods"], period)
    calibration_until = words.date(holdout["calibration_until"])
    out = [f"<h2>{escape(words('holdout'))}</h2>",
           "<p>" + escape(words("holdout_intro", calibration_until=calibration_until, length=length,
                                holdout_until=words.date(holdout["holdout_until"]),
                                customers=words.number(holdout["customers"]), actual=words.number(holdout["actual"])))
           + "</p>"]
    models = holdout.get("models") or {}
    if not models:
        return "".join(out) + f"<p>{escape(words('made_none'))}</p>"
    out.append(f"<p><strong>{escape(_verdict(holdout, models, words))}</strong></p>")
    rows = [[MODEL_NAMES.get(name, name), words.number(model["predicted"]), words.number(holdout["actual"]),
             words.change(model.get("error_pct")), words.short(model["mae"])] for name, model in models.items()]
    out.append(_table([words("model"), words("forecast"), words("actual"), words("difference"), words("mae")],
                      rows, numeric={1, 2, 3, 4}))
    out.append(f"<h3>{escape(words('holdout_chart', length=length, calibration_until=calibration_until))}</h3>")
    groups = [row["frequency"] for row in next(iter(models.values()))["by_frequency"]]
    first = next(iter(models.values()))["by_frequency"]
    series = [(words("actual_series"), [row["actual"] for row in first])]
    series += [(words("predicted_series", model=MODEL_NAMES.get(name, name)),
                [row["predicted"] for row in model["by_frequency"]]) for name, model in models.items()]
    out.append(_lines(groups, series, words, words("holdout_x", calibration_until=calibration_until)))
    header = [words("calibration_purchases") + " " + calibration_until, words("customers"), words("actual")]
    header += [MODEL_NAMES.get(name, name) for name in models]
    table = [[str(row["frequency"]), words.number(row["customers"]), words.short(row["actual"])]
             + [words.short(model["by_frequency"][i]["predicted"]) for model in models.values()]
             for i, row in enumerate(first)]
    out.append(_table(header, table, numeric=set(range(1, len(header)))))
    return "".join(out)


def _verdict(holdout: dict, models: dict, words: Words) -> str:
    better = holdout.get("better")
    if better in models and len(models) > 1:
        other = next(name for name in models if name != better)
        return words("better", model=MODEL_NAMES.get(better, better), mae=words.short(models[better]["mae"]),
                     other=MODEL_NAMES.get(other, other), other_mae=words.short(models[other]["mae"]))
    name, model = next(iter(models.items()))
    error = words.change(model.get("error_pct")) if finite(model.get("error_pct")) else words("no_actual")
    return words("only_model", model=MODEL_NAMES.get(name, name), predicted=words.number(model["predicted"]),
                 actual=words.number(holdout["actual"]), error=error)


# SVG text does not wrap: room is made from the text's length, estimated per character of the 13px
# labels generously (in em as DejaVu Sans, the widest of the usual sans fonts, sets them).
_FONT_SIZE = 13
_WIDE = set("MWmwЖШЩЮФЫМжшщюфым%@")
_NARROW = set(" .,:;!|il'ijtf()[]·")


def _text_width(text: str) -> float:
    return _FONT_SIZE * sum(0.95 if c in _WIDE else 0.42 if c in _NARROW else 0.8 if c.isupper() else 0.66
                            for c in text)


_BAR_LENGTH = 240


def _bars(rows: list[tuple[str, float, str]], *, bar: int = 20, color: str = "#2f6db5") -> str:
    """Horizontal bars, (label, value, value as written) each, with the label before and the value
    after, in an image as wide as its longest label and value need (nothing is cut off)."""
    top = max([value for _, value, _ in rows] or [0]) or 1
    label_width = max([_text_width(label) for label, _, _ in rows] or [0]) + 10
    value_width = max([_text_width(text) for _, _, text in rows] or [0]) + 10
    width = label_width + _BAR_LENGTH + value_width
    height = len(rows) * (bar + 6) - 6
    out = []
    for i, (label, value, text) in enumerate(rows):
        y = i * (bar + 6)
        length = _BAR_LENGTH * max(value, 0) / top
        out.append(f'<text x="0" y="{y + 15}">{escape(label)}</text>'
                   f'<rect x="{label_width:.0f}" y="{y}" width="{length:.1f}" height="{bar}" fill="{color}"/>'
                   f'<text x="{label_width + length + 6:.1f}" y="{y + 15}">{escape(text)}</text>')
    return (f'<svg viewBox="0 0 {width:.0f} {height}" width="{width:.0f}" height="{height}" role="img">'
            + "".join(out) + "</svg>")


_SERIES_STYLE = [("#222222", ""), ("#2f6db5", ' stroke-dasharray="7 4"'), ("#c0562f", ' stroke-dasharray="2 3"')]


def _lines(groups: list[str], series: list[tuple[str, list[float]]], words: Words, x_title: str) -> str:
    """A line per series over the groups on the x axis (actual and each model's forecast), the
    y axis from 0 with round ticks, and the legend below, a line per series."""
    shown = [v for _, values in series for v in values if finite(v)]
    step = _round_step(max(max(shown, default=0.0), 1e-9) / 4)
    ticks = [step * i for i in range(math.ceil(max(shown, default=step) / step - 1e-9) + 1)] or [0.0]
    ticks = ticks if len(ticks) > 1 else [0.0, step]
    digits = _decimals(step)
    tick_labels = [words.number(t, digits) for t in ticks]
    left = max(_text_width(t) for t in tick_labels) + 10
    plot_width, plot_height, top_pad = max(40 * len(groups), 280), 200, 10
    bottom = top_pad + plot_height
    legend_top = bottom + 56
    width = max(left + plot_width + 10, left + _text_width(x_title) + 4,
                left + 32 + max(_text_width(name) for name, _ in series) + 4)
    height = legend_top + 20 * len(series)

    def x(i):
        return left + (i + 0.5) * plot_width / len(groups)

    def y(v):
        return bottom - plot_height * v / ticks[-1]

    out = []
    for tick, text in zip(ticks, tick_labels, strict=True):
        out.append(f'<line x1="{left}" x2="{left + plot_width}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
                   f'stroke="#ddd"/><text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">{escape(text)}</text>')
    for i, group in enumerate(groups):
        out.append(f'<text x="{x(i):.1f}" y="{bottom + 18}" text-anchor="middle">{escape(str(group))}</text>')
    out.append(f'<text x="{left}" y="{bottom + 38}">{escape(x_title)}</text>')
    for k, (name, values) in enumerate(series):
        stroke, dash = _SERIES_STYLE[k % len(_SERIES_STYLE)]
        points = [(x(i), y(v)) for i, v in enumerate(values) if finite(v)]
        out.append(f'<polyline fill="none" stroke="{stroke}" stroke-width="2"{dash} points="'
                   + " ".join(f"{px:.1f},{py:.1f}" for px, py in points) + '"/>')
        out += [f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{stroke}"/>' for px, py in points]
        row = legend_top + 20 * k
        out.append(f'<line x1="{left}" x2="{left + 24}" y1="{row + 10}" y2="{row + 10}" stroke="{stroke}" '
                   f'stroke-width="2"{dash}/><text x="{left + 30}" y="{row + 15}">{escape(name)}</text>')
    return (f'<svg viewBox="0 0 {width:.0f} {height}" width="{width:.0f}" height="{height}" role="img">'
            + "".join(out) + "</svg>")


def _table(header: list[str], rows: list[list[str]], *, numeric: set[int] = frozenset()) -> str:
    """A table of text cells (escaped here), the numeric columns right-aligned; on a narrow screen
    each row becomes a card of "column: value" lines (the label comes from the cell's data-label)."""
    def cell(i, value):
        label = f' data-label="{escape(header[i])}"'
        return f"<td{' class=n' if i in numeric else ''}{label}>{escape(value)}</td>"

    head = "".join(f"<th{' class=n' if i in numeric else ''}>{escape(name)}</th>" for i, name in enumerate(header))
    body = "".join("<tr>" + "".join(cell(i, value) for i, value in enumerate(row)) + "</tr>" for row in rows)
    return f"<div class='scroll'><table class='list'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"


def _has(customers: pl.DataFrame, column: str) -> bool:
    return column in customers.columns and _values(customers, column) is not None


def _values(customers: pl.DataFrame, column: str) -> np.ndarray | None:
    """The finite values of a column, or None when it is absent or has none (a model not fitted)."""
    if column not in customers.columns:
        return None
    values = customers[column].cast(pl.Float64).to_numpy()
    values = values[np.isfinite(values)]
    return values if values.size else None


def _mean(customers: pl.DataFrame, column: str) -> float:
    values = _values(customers, column)
    return float(values.mean()) if values is not None else math.nan


def _sum(customers: pl.DataFrame, column: str) -> float:
    values = _values(customers, column)
    return float(values.sum()) if values is not None else math.nan
