"""The HTML report's words in English and Russian, and its numbers, money, shares and dates in the
reader's locale (babel: "1,234,567.89" in English, "1 234 567,89 ₽" in Russian).

A table of its own rather than gettext: the engine imports nothing from Django, and the report has
few sentences, each with its figures put in by name.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import re

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal, format_percent, format_scientific, get_currency_name

LANGUAGES = ("en", "ru")
# Shown where a figure is missing (a model not fitted, a customer with one purchase): never "nan".
DASH = "—"

TEXT = {
    "en": {
        "title": "Customer analytics",
        "data": "What was analysed",
        "source": "File",
        "customers": "Customers",
        "repeat_share": "{repeat} of them bought more than once ({share})",
        "until": "Observation ends",
        "period": "Time unit",
        "horizon": "Forecasts",
        "horizon_phrase": "for the next {count}",
        "currency": "Currency",
        "no_currency": "not given: amounts are plain numbers",
        "discount": "Discount rate (for CLV)",
        "per_year": "{rate} a year",
        "models": "What the models say",
        "bgnbd": "BG/NBD estimates for every customer the chance that they still buy from you ({p_alive} on "
                 "average) and how many purchases to expect {horizon}: {purchases} in all.",
        "pareto_nbd": "Pareto/NBD answers the same questions another way: a chance of {p_alive} on average that "
                      "a customer still buys, and {purchases} purchases {horizon} in all.",
        "gamma_gamma": "Gamma-Gamma estimates what a repeat customer spends per purchase, from their own "
                       "purchases and everyone's: {spend} on average.",
        "clv": "CLV (customer lifetime value) is what a customer's purchases {horizon} are worth today: the "
               "expected purchases (BG/NBD) times the spend per purchase (Gamma-Gamma), discounted at {rate} a "
               "year. All customers together: {total}.",
        "no_clv": "CLV needs both BG/NBD and Gamma-Gamma fitted, so there is none here.",
        "not_fitted": "{model} is not fitted: {reason}.",
        "rough": "Its fit did not settle ({reason}): read its figures as rough.",
        "parameters": "For analysts: the models' parameters",
        "model": "Model",
        "estimates": "Parameters (± standard error)",
        "loglik": "Log-likelihood",
        "converged": "Converged",
        "yes": "yes",
        "no": "no",
        "top_by_clv": "Most valuable customers (by CLV)",
        "top_by_purchases": "Customers expected to buy most",
        "top_by_revenue": "Largest customers by revenue",
        "customer": "Customer",
        "clv_column": "CLV",
        "purchases_column": "Expected purchases",
        "p_alive_column": "Chance still buying",
        "revenue": "Revenue",
        "class": "ABC · XYZ",
        "at_risk": "Valuable customers most at risk",
        "why": "Why",
        "nobody_at_risk": "No valuable customer looks to be leaving.",
        "overdue": "no purchase for {silent}; usually one every {gap}",
        "unlikely": "chance still buying {p_alive}",
        "falling": "revenue {growth} over the last six months against the six before",
        "distributions": "How customers are spread",
        "p_alive_chart": "Chance a customer still buys (BG/NBD): customers per range",
        "purchases_chart": "Expected purchases {horizon} (BG/NBD): customers per range",
        "clv_chart": "CLV: customers per range",
        "no_figures": "No figures: {model} is not fitted.",
        "and_more": "{low} and more",
        "matrix": "ABC × XYZ",
        "matrix_note": "A: the customers bringing the first 80 % of revenue, B the next 15 %, C the rest. X: steady "
                       "monthly revenue (varying up to 10 %), Y up to 25 %, Z irregular; – too short a history "
                       "(under three months). Each cell: customers, and their share of revenue.",
        "no_matrix": "ABC and XYZ need order lines (not a summary file).",
        "segments": "Segments",
        "repeat customer": "repeat customers",
        "one-time buyer": "one-time buyers",
        "class_revenue": "class {abc} revenue",
        "holdout": "Checked against the future",
        "holdout_intro": "To see how far the forecasts can be trusted, the models were fitted on purchases up to "
                         "{calibration_until} only, and their forecast for the next {length} (to {holdout_until}) "
                         "compared with what those {customers} customers actually bought: {actual} repeat "
                         "purchases.",
        "forecast": "Forecast",
        "actual": "Actual",
        "difference": "Difference",
        "mae": "Average miss per customer",
        "better": "{model} fits this customer base better: its forecast misses by {mae} purchases per customer "
                  "on average, against {other_mae} for {other}.",
        "only_model": "{model} forecast {predicted} purchases against {actual} made ({error}).",
        "no_actual": "no purchases were made to compare with",
        "holdout_chart": "Purchases per customer in the {length} after {calibration_until}, by purchases before it",
        "holdout_x": "repeat purchases up to {calibration_until}",
        "actual_series": "actual",
        "predicted_series": "{model} forecast",
        "calibration_purchases": "Repeat purchases before",
        "made_none": "No model forecast purchases here, so there is nothing to check.",
    },
    "ru": {
        "title": "Анализ клиентов",
        "data": "Что проанализировано",
        "source": "Файл",
        "customers": "Клиентов",
        "repeat_share": "из них покупали больше одного раза: {repeat} ({share})",
        "until": "Данные по",
        "period": "Единица времени",
        "horizon": "Прогнозы",
        "horizon_phrase": "на {count} вперёд",
        "currency": "Валюта",
        "no_currency": "не указана: суммы — просто числа",
        "discount": "Ставка дисконтирования (для CLV)",
        "per_year": "{rate} в год",
        "models": "Что говорят модели",
        "bgnbd": "BG/NBD оценивает для каждого клиента вероятность того, что он всё ещё покупает у вас (в среднем "
                 "{p_alive}), и сколько покупок от него ждать {horizon}: всего {purchases}.",
        "pareto_nbd": "Pareto/NBD отвечает на те же вопросы по-другому: вероятность, что клиент ещё покупает, в "
                      "среднем {p_alive}; покупок {horizon} — всего {purchases}.",
        "gamma_gamma": "Gamma-Gamma оценивает, сколько постоянный клиент тратит за одну покупку, по его "
                       "собственным покупкам и по всем клиентам: в среднем {spend}.",
        "clv": "CLV (ценность клиента) — сколько сегодня стоят покупки клиента {horizon}: ожидаемые покупки "
               "(BG/NBD), умноженные на сумму покупки (Gamma-Gamma), с дисконтированием {rate} в год. По всем "
               "клиентам вместе — {total}.",
        "no_clv": "Для CLV нужны обе модели, BG/NBD и Gamma-Gamma, поэтому здесь его нет.",
        "not_fitted": "Модель {model} не построена: {reason}.",
        "rough": "Её оценка не сошлась ({reason}): считайте её цифры приблизительными.",
        "parameters": "Для аналитиков: параметры моделей",
        "model": "Модель",
        "estimates": "Параметры (± стандартная ошибка)",
        "loglik": "Логарифм правдоподобия",
        "converged": "Сошлась",
        "yes": "да",
        "no": "нет",
        "top_by_clv": "Самые ценные клиенты (по CLV)",
        "top_by_purchases": "Клиенты, от которых ждём больше всего покупок",
        "top_by_revenue": "Крупнейшие клиенты по выручке",
        "customer": "Клиент",
        "clv_column": "CLV",
        "purchases_column": "Ожидаемые покупки",
        "p_alive_column": "Вероятность покупок",
        "revenue": "Выручка",
        "class": "ABC · XYZ",
        "at_risk": "Ценные клиенты, которых можно потерять",
        "why": "Почему",
        "nobody_at_risk": "Похоже, ни один ценный клиент не уходит.",
        "overdue": "нет покупок {silent}; обычно покупает раз в {gap}",
        "unlikely": "вероятность покупок {p_alive}",
        "falling": "выручка за последние полгода {growth} к предыдущим",
        "distributions": "Как распределены клиенты",
        "p_alive_chart": "Вероятность, что клиент ещё покупает (BG/NBD): клиентов в каждом интервале",
        "purchases_chart": "Ожидаемые покупки {horizon} (BG/NBD): клиентов в каждом интервале",
        "clv_chart": "CLV: клиентов в каждом интервале",
        "no_figures": "Цифр нет: модель {model} не построена.",
        "and_more": "{low} и больше",
        "matrix": "ABC × XYZ",
        "matrix_note": "A — клиенты, приносящие первые 80 % выручки, B — следующие 15 %, C — остальные. X — ровная "
                       "выручка по месяцам (колеблется до 10 %), Y — до 25 %, Z — нерегулярная; – слишком короткая "
                       "история (меньше трёх месяцев). В клетке: число клиентов и их доля выручки.",
        "no_matrix": "Для ABC и XYZ нужны строки заказов (а не сводный файл).",
        "segments": "Сегменты",
        "repeat customer": "постоянные клиенты",
        "one-time buyer": "разовые покупатели",
        "class_revenue": "выручка класса {abc}",
        "holdout": "Проверка прогноза на реальных покупках",
        "holdout_intro": "Чтобы понять, насколько можно верить прогнозам, модели построены только по покупкам до "
                         "{calibration_until}, и их прогноз на следующие {length} (до {holdout_until}) сравнён с "
                         "тем, что эти клиенты (их {customers}) купили на самом деле: повторных покупок — {actual}.",
        "forecast": "Прогноз",
        "actual": "Факт",
        "difference": "Расхождение",
        "mae": "Средняя ошибка на клиента",
        "better": "{model} лучше описывает ваших клиентов: в среднем её прогноз ошибается на {mae} покупки на "
                  "клиента, у {other} — на {other_mae}.",
        "only_model": "Прогноз {model} — {predicted} покупок, на деле — {actual} ({error}).",
        "no_actual": "покупок, с которыми можно сравнить, не было",
        "holdout_chart": "Покупок на клиента за {length} после {calibration_until} в зависимости от покупок до "
                         "этой даты",
        "holdout_x": "повторных покупок до {calibration_until}",
        "actual_series": "факт",
        "predicted_series": "прогноз {model}",
        "calibration_purchases": "Повторных покупок до",
        "made_none": "Ни одна модель не дала прогноза, проверять нечего.",
    },
}

MODEL_NAMES = {"bgnbd": "BG/NBD", "pareto_nbd": "Pareto/NBD", "gamma_gamma": "Gamma-Gamma"}

# The time unit by itself, and counted ("52 weeks"; in Russian in the accusative that follows "на" and
# "за": "на 1 неделю", "на 52 недели", "за 39 недель"), by CLDR plural category.
UNIT = {"en": {"day": "day", "week": "week", "month": "month"},
        "ru": {"day": "день", "week": "неделя", "month": "месяц"}}
UNITS = {
    "en": {"day": {"one": "day", "other": "days"}, "week": {"one": "week", "other": "weeks"},
           "month": {"one": "month", "other": "months"}},
    "ru": {"day": {"one": "день", "few": "дня", "many": "дней", "other": "дня"},
           "week": {"one": "неделю", "few": "недели", "many": "недель", "other": "недели"},
           "month": {"one": "месяц", "few": "месяца", "many": "месяцев", "other": "месяца"}},
}

# The engine's reasons for a model without estimates (btyd, pipeline), in Russian; one not listed
# here (a solver's own message) is shown as the engine wrote it.
REASONS_RU = {
    "every customer's first purchase is on the last day observed (T = 0): there is no time after it in which to "
    "buy again": "первая покупка каждого клиента приходится на последний день данных (T = 0): после неё не было "
                 "времени, чтобы купить снова",
    "no customer bought again (frequency 0 for everyone): nothing says how often customers buy":
        "ни один клиент не купил повторно (frequency 0 у всех): не из чего узнать, как часто клиенты покупают",
    "no repeat buyer with a positive average repeat-purchase value":
        "нет постоянного клиента с положительной средней суммой повторной покупки",
    "only one repeat buyer with a positive spend: the spread across customers is unknown":
        "только один постоянный клиент с положительной суммой покупок: разброс между клиентами неизвестен",
    "every repeat buyer spends the same on average: the spread across customers is unknown":
        "все постоянные клиенты тратят в среднем одинаково: разброс между клиентами неизвестен",
    "the summary has no monetary_value column": "в сводном файле нет столбца monetary_value",
    "did not converge": "не сошлась",
}
_FAILED = re.compile(r"the fit failed: (?P<error>.+)")
_SOLVER = re.compile(r"did not converge \((?P<message>.+)\)")
_AT_BOUND = re.compile(r"did not converge: (?P<names>.+) ran to the edge of the allowed range "
                       r"\((?P<low>\S+) to (?P<high>\S+)\), which the data do not pin down")


class Words:
    """The report's sentences and figures in one language, with money in ``currency`` (plain numbers
    without one)."""

    def __init__(self, lang: str, currency: str | None = None):
        self.lang = lang
        self.locale = Locale.parse(lang)
        self.currency = currency
        self.text = TEXT[lang]

    def __call__(self, key: str, **figures) -> str:
        return self.text[key].format(**figures)

    def number(self, value, digits: int = 0) -> str:
        """A count or an amount with the locale's grouping and decimal mark, ``digits`` after it."""
        if not finite(value):
            return DASH
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(value, format=pattern, locale=self.locale)

    def short(self, value) -> str:
        """A small figure with as many decimals as it needs to say something: 1,234 · 12.5 · 0.63."""
        if not finite(value):
            return DASH
        size = abs(value)
        digits = 0 if size >= 100 or size == int(size) else 1 if size >= 10 else 2
        return self.number(value, digits)

    def estimate(self, value) -> str:
        """A model's parameter to four significant digits, in scientific notation when tiny or huge."""
        if not finite(value):
            return DASH
        size = abs(value)
        if size and not 1e-3 <= size < 1e7:
            return format_scientific(value, format="0.###E0", locale=self.locale)
        digits = min(6, max(0, 3 - math.floor(math.log10(size)))) if size else 0
        return format_decimal(value, format="#,##0" + ("." + "#" * digits if digits else ""), locale=self.locale)

    def money(self, value, digits: int = 2) -> str:
        if not finite(value):
            return DASH
        if not self.currency:
            return self.number(value, digits)
        pattern = self.locale.currency_formats["standard"].pattern
        if not digits:
            pattern = pattern.replace(".00", "")
        text = format_currency(value, self.currency, format=pattern, locale=self.locale, currency_digits=False)
        # CLDR asks for a space between a currency code and the digits ("RUB 1,234.50"); babel leaves it out.
        return re.sub(r"([A-Za-z])(\d)", "\\1\xa0\\2", re.sub(r"(\d)([A-Za-z])", "\\1\xa0\\2", text))

    def percent(self, share, digits: int = 0) -> str:
        """A share (0.42) as the locale writes it: "42%", "42 %"."""
        if not finite(share):
            return DASH
        pattern = self.locale.percent_formats[None].pattern
        if digits:
            pattern = pattern.replace("0", "0." + "0" * digits, 1)
        return format_percent(share, format=pattern, locale=self.locale)

    def change(self, percent) -> str:
        """A change already in percent (−3.95) with its sign: "+4%", "−4 %"."""
        if not finite(percent):
            return DASH
        text = self.percent(abs(percent) / 100, 1 if abs(percent) < 10 else 0)
        return ("+" if percent > 0 else "−" if percent < 0 else "") + text

    def date(self, value) -> str:
        if value is None:
            return DASH
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
        return format_date(day, format="long", locale=self.locale)

    def count(self, n, unit: str) -> str:
        """A length of time in words: "52 weeks", "52 недели", "38.6 weeks"."""
        digits = 0 if float(n) == int(n) else 1
        form = self.locale.plural_form(int(n) if digits == 0 else round(float(n), 1))
        forms = UNITS[self.lang][unit]
        return f"{self.number(n, digits)}\xa0{forms.get(form, forms['other'])}"

    def horizon(self, n: int, unit: str) -> str:
        """The forecasts' reach: "for the next 52 weeks", "на 52 недели вперёд"."""
        return self("horizon_phrase", count=self.count(n, unit))

    def unit(self, unit: str) -> str:
        return UNIT[self.lang][unit]

    def reason(self, reason: str | None) -> str:
        """The engine's reason for a model without trustworthy estimates, in the report's language."""
        if not reason:
            return DASH
        if self.lang != "ru":
            return reason
        if reason in REASONS_RU:
            return REASONS_RU[reason]
        edge = _AT_BOUND.fullmatch(reason)
        if edge:
            return (f"не сошлась: {edge['names']} упёрлись в край допустимого диапазона (от {edge['low']} до "
                    f"{edge['high']}), данные их не определяют")
        solver = _SOLVER.fullmatch(reason)
        if solver:
            return f"не сошлась ({solver['message']})"
        failed = _FAILED.fullmatch(reason)
        if failed:
            return f"оценить не удалось: {failed['error']}"
        return reason

    def currency_name(self) -> str:
        if not self.currency:
            return self("no_currency")
        name = get_currency_name(self.currency, locale=self.locale)
        return self.currency if name == self.currency else f"{self.currency} — {name}"


def finite(value) -> bool:
    return isinstance(value, numbers.Real) and math.isfinite(value)
