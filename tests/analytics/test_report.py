"""The HTML report a head of sales reads (issue 15): figures in the reader's locale, the time unit
and horizon up front, a sentence per model or the reason it has none, the holdout check, hostile
customer names escaped, nothing fetched; and, in a real browser, nothing cut off or overflowing at a
desktop's and a phone's width."""

import dataclasses
import datetime as dt
import html
import re

import polars as pl
import pytest

from keyaccount.analytics import pipeline, report
from keyaccount.analytics.messages import Words
from tests.analytics.test_cli import kam_analyze
from tests.browser.conftest import NEEDS_CHROMIUM

NBSP = "\xa0"
HOSTILE = ['<script>alert("x")</script>', '"><img src=x onerror=alert(1)>', "Tom & Jerry's <b>",
           "ООО «Очень длинное название клиента, которое не помещается ни в одну колонку таблицы» " * 2]


def orders(rows) -> pl.DataFrame:
    return pl.DataFrame({"customer": [r[0] for r in rows], "date": [dt.date.fromisoformat(r[1]) for r in rows],
                         "amount": [float(r[2]) for r in rows]})


@pytest.fixture(scope="module")
def cdnow(cdnow_orders_csv):
    frame = pl.read_csv(cdnow_orders_csv, schema_overrides={"customer": pl.Utf8, "date": pl.Utf8})
    return pipeline.analyze(orders=frame.with_columns(pl.col("date").str.to_date("%Y%m%d")),
                            until=dt.date(1997, 9, 30), currency="RUB")


def hostile_analysis(**options):
    """Customers with hostile names, the largest, who buy now and then over a year (so every model
    is fitted), the first of them falling silent after April."""
    rows = []
    for k, name in enumerate(HOSTILE + [f"customer {i}" for i in range(30)]):
        for month in range(1, 13, 1 + k % 4):
            if not (k == 0 and month > 4):
                amount = (2000 if name in HOSTILE else 100) + k + month
                rows.append((name, f"2025-{month:02d}-{1 + k % 27:02d}", amount))
    return pipeline.analyze(orders=orders(rows), **options)


def one_customer():
    return pipeline.analyze(orders=orders([("A", "2026-01-05", 100), ("A", "2026-02-05", 80)]))


def nothing_fitted():
    return pipeline.analyze(orders=orders([("A", "2026-01-05", 10), ("B", "2026-01-20", 20), ("C", "2026-02-01", 5)]))


def summary_without_spend():
    return pipeline.analyze(summary=pl.DataFrame({"customer": ["1", "2", "3"], "frequency": [0, 2, 5],
                                                  "recency": [0.0, 10.0, 30.0], "T": [40.0, 40, 40]}))


def holdout(models=("bgnbd", "pareto_nbd"), better="pareto_nbd"):
    """A holdout result in the engine's shape (see the holdout brief); figures made up."""
    groups = ["0", "1", "2", "3", "4", "5", "6", "7+"]
    return {
        "calibration_until": "1997-09-30", "holdout_until": "1998-06-30", "holdout_periods": 39.0,
        "customers": 2357, "actual": 1788.0,
        "models": {name: {"predicted": 1717.3 + 40 * k, "error_pct": (-3.95, 1.72)[k], "mae": 0.63 - 0.02 * k,
                          "by_frequency": [{"frequency": g, "customers": 1411 // (i + 1), "actual": 0.24 + 0.8 * i,
                                            "predicted": 0.22 + (0.85 + 0.05 * k) * i}
                                           for i, g in enumerate(groups)]}
                   for k, name in enumerate(models)},
        "better": better,
    }


def text_of(page: str) -> str:
    """What the reader sees: the page without its tags and style, entities as they show, each run of
    spaces and line breaks as one space (no-break spaces kept: they are part of the formatting)."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<style>.*?</style>", "", page, flags=re.S)))
    return re.sub(r"[ \t\n]+", " ", text)


def test_numbers_money_shares_and_dates_are_written_for_the_locale():
    ru, en = Words("ru", "RUB"), Words("en", "RUB")
    assert ru.money(1234567.89) == f"1{NBSP}234{NBSP}567,89{NBSP}₽"
    assert en.money(1234567.89) == f"RUB{NBSP}1,234,567.89"
    assert Words("en", "EUR").money(-5) == "-€5.00" and Words("ru", "EUR").money(12, 0) == f"12{NBSP}€"
    assert Words("ru").money(1234567.891) == f"1{NBSP}234{NBSP}567,89" and Words("en").money(0.5) == "0.50"
    assert ru.number(1234567) == f"1{NBSP}234{NBSP}567" and en.number(1234567.891, 2) == "1,234,567.89"
    assert ru.percent(0.4234) == f"42{NBSP}%" and en.percent(0.4234) == "42%"
    assert ru.change(-3.95) == f"−4,0{NBSP}%" and en.change(57.2) == "+57%"
    assert ru.date(dt.date(1997, 9, 30)) == "30 сентября 1997\u202fг." and en.date("1997-09-30") == "September 30, 1997"
    assert [ru.count(n, "week") for n in (1, 3, 52, 55, 38.6)] == [
        f"1{NBSP}неделю", f"3{NBSP}недели", f"52{NBSP}недели", f"55{NBSP}недель", f"38,6{NBSP}недели"]
    assert [en.count(n, "day") for n in (1, 365)] == [f"1{NBSP}day", f"365{NBSP}days"]
    assert ru.horizon(12, "month") == f"на 12{NBSP}месяцев вперёд" and en.horizon(52, "week") == \
        f"for the next 52{NBSP}weeks"
    for words in (ru, en):
        assert {words.number(None), words.money(float("nan")), words.percent(float("inf"))} == {"—"}


@pytest.mark.parametrize("lang,expected", [
    ("en", ["Customers 2,357; 946 of them bought more than once (40%)", "Observation ends September 30, 1997",
            "Time unit week", f"Forecasts for the next 52{NBSP}weeks", "Currency RUB — Russian Ruble",
            "Discount rate (for CLV) 10% a year", "RUB", "What the models say"]),
    ("ru", [f"Клиентов 2{NBSP}357; из них покупали больше одного раза: 946 (40{NBSP}%)",
            "Данные по 30 сентября 1997\u202fг.", "Единица времени неделя", f"Прогнозы на 52{NBSP}недели вперёд",
            "Валюта RUB — российский рубль", f"Ставка дисконтирования (для CLV) 10{NBSP}% в год", "₽"]),
])
def test_the_data_time_unit_horizon_and_currency_come_first(cdnow, lang, expected):
    page = report.html_report(cdnow, source="cdnow_sample.csv", lang=lang)
    seen = text_of(page)
    for phrase in expected:
        assert phrase in seen
    assert f'<html lang="{lang}">' in page
    assert seen.index(expected[1]) < seen.index("BG/NBD")


def test_each_model_says_what_it_means_in_a_sentence(cdnow):
    seen = text_of(report.html_report(cdnow, lang="en"))
    clv = cdnow.customers["clv"].sum()
    assert re.search(r"BG/NBD estimates for every customer the chance that they still buy from you \(\d+% on average\)"
                     rf" and how many purchases to expect for the next 52{NBSP}weeks: [\d,]+ in all\.", seen)
    assert "Pareto/NBD answers the same questions another way" in seen
    assert re.search(r"Gamma-Gamma estimates what a repeat customer spends per purchase, .*: RUB.[\d,.]+ on average",
                     seen)
    assert f"All customers together: {Words('en', 'RUB').money(clv)}." in seen
    assert "Most valuable customers (by CLV)" in seen and "How customers are spread" in seen
    seen_ru = text_of(report.html_report(cdnow, lang="ru"))
    assert f"По всем клиентам вместе — {Words('ru', 'RUB').money(clv)}." in seen_ru


def test_models_that_are_not_fitted_give_their_reason_in_both_languages():
    analysis = nothing_fitted()
    en = text_of(report.html_report(analysis, lang="en"))
    ru = text_of(report.html_report(analysis, lang="ru"))
    reason = analysis.header()["models"]["bgnbd"]["reason"]
    assert f"BG/NBD is not fitted: {reason}." in en and f"Pareto/NBD is not fitted: {reason}." in en
    assert f"Gamma-Gamma is not fitted: {analysis.header()['models']['gamma_gamma']['reason']}." in en
    assert "CLV needs both BG/NBD and Gamma-Gamma fitted" in en and "No figures: BG/NBD is not fitted." in en
    assert ("Модель BG/NBD не построена: ни один клиент не купил повторно (frequency 0 у всех): не из чего узнать, "
            "как часто клиенты покупают.") in ru
    assert "Модель Gamma-Gamma не построена: нет постоянного клиента с положительной средней суммой" in ru
    # The largest customers are still listed, by revenue.
    assert "Largest customers by revenue" in en and "No valuable customer looks to be leaving." in en


def test_the_engines_reasons_are_put_in_russian_and_a_solver_s_own_words_kept():
    ru = Words("ru")
    assert ru.reason("did not converge (Newton: did not converge)") == "не сошлась (Newton: did not converge)"
    assert ru.reason("the fit failed: singular matrix") == "оценить не удалось: singular matrix"
    assert ru.reason("the summary has no monetary_value column") == "в сводном файле нет столбца monetary_value"
    assert Words("en").reason("did not converge") == "did not converge" and ru.reason(None) == "—"


def test_a_fit_that_did_not_settle_says_its_figures_are_rough(cdnow):
    # As the engine reports an estimate that ran to a bound (see test_odd_files).
    analysis = dataclasses.replace(cdnow, models={**cdnow.models, "bgnbd": dataclasses.replace(
        cdnow.models["bgnbd"], converged=False, at_bound=["r", "alpha"])})
    ru = text_of(report.html_report(analysis, lang="ru"))
    assert ("Её оценка не сошлась (не сошлась: r, alpha упёрлись в край допустимого диапазона (от 1e-08 до 1e+08), "
            "данные их не определяют): считайте её цифры приблизительными.") in ru
    en = text_of(report.html_report(analysis, lang="en"))
    assert ("Its fit did not settle (did not converge: r, alpha ran to the edge of the allowed range (1e-08 to "
            "1e+08), which the data do not pin down): read its figures as rough.") in en


def test_customers_at_risk_are_given_their_reasons_in_words():
    analysis = hostile_analysis(until=dt.date(2025, 12, 31))
    risky = report.at_risk(analysis.customers, period_days=7.0)
    silent = next(row for row in risky if row["customer"] == HOSTILE[0])
    assert silent["reasons"][0][0] == "overdue"
    en = text_of(report.html_report(analysis, lang="en"))
    ru = text_of(report.html_report(analysis, lang="ru"))
    days, gap = silent["days_since_last"], round(silent["recency"] / silent["frequency"] * 7)
    assert f"no purchase for {days}{NBSP}days; usually one every {gap}{NBSP}days" in en
    assert (days, gap) == (274, 30)
    assert f"нет покупок 274{NBSP}дня; обычно покупает раз в 30{NBSP}дней" in ru
    assert "Valuable customers most at risk" in en and "Ценные клиенты, которых можно потерять" in ru


def test_hostile_customer_names_and_file_names_are_escaped():
    analysis = hostile_analysis(currency="EUR")
    for lang in ("en", "ru"):
        page = report.html_report(analysis, source="<img src=x onerror=alert(1)>.csv", lang=lang)
        assert "<script" not in page and "<img" not in page and "<b>" not in page
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
        assert "Tom &amp; Jerry&#x27;s &lt;b&gt;" in page


@pytest.mark.parametrize("lang", ["en", "ru"])
@pytest.mark.parametrize("make", [hostile_analysis, one_customer, nothing_fitted, summary_without_spend])
def test_no_nan_none_or_address_on_any_page(make, lang):
    analysis = make()
    analysis.holdout = holdout(models=("bgnbd",), better=None)
    page = report.html_report(analysis, source="orders.csv", lang=lang)
    # As words: a solver's reason may say "NaNs" in a sentence, but no figure is ever written as nan.
    assert not re.search(r"\b(nan|inf|null)\b", text_of(page), flags=re.I) and not re.search(r"\bNone\b", page)
    assert "http" not in page and "//" not in page.replace("<!doctype", "") and "url(" not in page
    assert "<script" not in page


def test_the_holdout_section_compares_each_model_with_what_was_bought(cdnow):
    assert "Checked against the future" not in report.html_report(cdnow)
    cdnow.holdout = holdout()
    try:
        page = report.html_report(cdnow, lang="en")
        page_ru = report.html_report(cdnow, lang="ru")
    finally:
        cdnow.holdout = None
    seen = text_of(page)
    assert (f"fitted on purchases up to September 30, 1997 only, and their forecast for the next 39{NBSP}weeks (to "
            "June 30, 1998) compared with what those 2,357 customers actually bought: 1,788 repeat purchases") in seen
    assert ("Pareto/NBD fits this customer base better: its forecast misses by 0.61 purchases per customer on "
            "average, against 0.63 for BG/NBD.") in seen
    assert "BG/NBD 1,717 1,788 −4.0% 0.63" in seen and "Pareto/NBD 1,757 1,788 +1.7% 0.61" in seen
    assert "7+ 176 5.84 6.17 6.52" in seen  # the last calibration group: customers, actual, each model
    chart = page[page.index("Purchases per customer in the"):]
    assert chart.count("<polyline") == 3 and "BG/NBD forecast" in chart and ">actual<" in chart
    seen_ru = text_of(page_ru)
    assert "Pareto/NBD лучше описывает ваших клиентов: в среднем её прогноз ошибается на 0,61 покупки" in seen_ru
    assert f"на следующие 39{NBSP}недель (до 30 июня 1998\u202fг.)" in seen_ru


def test_a_holdout_with_one_model_states_its_forecast_and_error(cdnow):
    cdnow.holdout = holdout(models=("bgnbd",), better=None)
    try:
        seen = text_of(report.html_report(cdnow, lang="en"))
    finally:
        cdnow.holdout = None
    assert "BG/NBD forecast 1,717 purchases against 1,788 made (−4.0%)." in seen


def test_kam_analyze_writes_the_report_in_the_language_asked(tmp_path, cdnow_orders_csv):
    out = tmp_path / "report.html"
    result = kam_analyze(cdnow_orders_csv, "--format", "html", "--lang", "ru", "--currency", "rub", "--out", out)
    assert result.returncode == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    assert '<html lang="ru">' in page and "Что говорят модели" in page and f"{NBSP}₽" in page
    wrong = kam_analyze(cdnow_orders_csv, "--format", "html", "--lang", "de")
    assert wrong.returncode == 2 and "--lang: invalid choice: 'de'" in wrong.stderr


# In a real browser: nothing wider than the window, no chart label outside its chart, nothing fetched.

LABELS_OUTSIDE = """() => [...document.querySelectorAll('svg')].flatMap(svg => {
    const box = svg.getBoundingClientRect();
    return [...svg.querySelectorAll('text')].filter(text => {
        const r = text.getBoundingClientRect();
        return r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5
            || r.bottom > box.bottom + 0.5;
    }).map(text => text.textContent);
})"""


@pytest.mark.browser
@NEEDS_CHROMIUM
@pytest.mark.parametrize("lang", ["en", "ru"])
@pytest.mark.parametrize("width", [1280, 375])
def test_in_a_browser_nothing_overflows_or_is_cut_off(browser, tmp_path, cdnow, lang, width):
    pages = {"cdnow": cdnow, "hostile": hostile_analysis(currency="RUB"), "one-customer": one_customer()}
    cdnow.holdout = holdout()
    try:
        for name, analysis in pages.items():
            path = tmp_path / f"{name}-{lang}.html"
            path.write_text(report.html_report(analysis, source=f"{name}.csv", lang=lang), encoding="utf-8")
            page = browser.new_page(viewport={"width": width, "height": 900})
            requests = []
            page.on("request", lambda request, seen=requests: seen.append(request.url))
            page.goto(path.as_uri())
            assert page.evaluate("document.documentElement.scrollWidth") <= width, name
            assert page.locator("svg text").count() > 0
            assert page.evaluate(LABELS_OUTSIDE) == [], name
            assert requests == [path.as_uri()]
            # The test's artefacts: how the page looks at this width.
            page.screenshot(path=tmp_path / f"{name}-{lang}-{width}.png", full_page=True)
            page.close()
    finally:
        cdnow.holdout = None
