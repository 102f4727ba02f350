"""An account's health without product-usage data: each part a value from 0 to 1 with its weight
and its share of the score, so the manager sees why the number is what it is."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

PARTS = ("rhythm", "trend", "p_alive", "payment", "contacts", "last_contact", "obligations", "complaints")


def weights() -> dict[str, float]:
    """KAM_HEALTH_WEIGHTS as {part: weight}; unknown parts and bad numbers are ignored."""
    found = {}
    for item in settings.KAM_HEALTH_WEIGHTS.split(","):
        name, _sep, value = item.partition("=")
        try:
            weight = float(value)
        except ValueError:
            continue
        if name.strip() in PARTS and weight >= 0:
            found[name.strip()] = weight
    return found


def _clamp(value: float) -> float:
    return max(0.0, min(1.0, value))


@dataclass
class Facts:
    days_since_last: int
    usual_gap_days: float | None
    growth_pct: float | None
    p_alive: float | None
    paid_on_time: int = 0
    payments_due: int = 0
    contacts: int = 0
    decision_maker: bool = False
    payer: bool = False
    days_since_contact: int | None = None
    overdue_obligations: int = 0
    open_complaints: int = 0
    # Of those, past their SLA deadline.
    breached_complaints: int = 0


def parts(facts: Facts) -> dict[str, tuple[float, dict]]:
    """Each part's value (0-1) and the figures behind it (for ``describe``); parts without data are
    left out."""
    found: dict[str, tuple[float, dict]] = {}
    if facts.usual_gap_days:
        ratio = facts.days_since_last / facts.usual_gap_days
        found["rhythm"] = (_clamp(1 - (ratio - 1) / 2), {"days": facts.days_since_last,
                                                         "gap": round(facts.usual_gap_days)})
    if facts.growth_pct is not None:
        found["trend"] = (_clamp((facts.growth_pct + 50) / 70), {"growth": round(facts.growth_pct)})
    if facts.p_alive is not None:
        found["p_alive"] = (_clamp(facts.p_alive), {"p": round(facts.p_alive * 100)})
    if facts.payments_due:
        found["payment"] = (facts.paid_on_time / facts.payments_due, {"on_time": facts.paid_on_time,
                                                                     "due": facts.payments_due})
    found["contacts"] = ((facts.decision_maker + facts.payer + min(facts.contacts, 3) / 3) / 3,
                         {"n": facts.contacts, "dm": facts.decision_maker, "payer": facts.payer})
    found["last_contact"] = ((_clamp(1 - (facts.days_since_contact - 30) / 150), {"days": facts.days_since_contact})
                             if facts.days_since_contact is not None else (0.0, {"days": None}))
    found["obligations"] = (1.0 / (1 + facts.overdue_obligations), {"n": facts.overdue_obligations})
    found["complaints"] = (1.0 / (1 + facts.open_complaints + facts.breached_complaints),
                           {"n": facts.open_complaints, "late": facts.breached_complaints})
    return found


def describe(code: str, figures: dict) -> str:
    """A part's figures in words, in the active language."""
    if code == "rhythm":
        return _("last order %(days)s days ago; usually every %(gap)s days") % figures
    if code == "trend":
        return _("revenue %(growth)+d %% in the last six months against the six before") % figures
    if code == "p_alive":
        return _("%(p)s %% chance still buying (BG/NBD)") % figures
    if code == "payment":
        return ngettext("%(on_time)s of %(due)s invoice paid on time in a year",
                        "%(on_time)s of %(due)s invoices paid on time in a year", figures["due"]) % figures
    if code == "contacts":
        return _("%(n)s people known; decision maker %(dm)s, payer %(payer)s") % {
            "n": figures["n"], "dm": _("known") if figures["dm"] else _("unknown"),
            "payer": _("known") if figures["payer"] else _("unknown")}
    if code == "last_contact":
        return _("no contact recorded") if figures["days"] is None else _("last contact %(days)s days ago") % figures
    if code == "obligations":
        return _("%(n)s overdue contract obligations") % figures
    if code == "complaints":
        return _("%(n)s open complaints, %(late)s of them past their deadline") % figures
    return code


def score(facts: Facts, weighting: dict[str, float] | None = None) -> tuple[int | None, dict]:
    """The score from 0 to 100 and each part's value, weight and contribution in points."""
    weighting = weights() if weighting is None else weighting
    found = {name: part for name, part in parts(facts).items() if weighting.get(name, 0) > 0}
    total_weight = sum(weighting[name] for name in found)
    if not total_weight:
        return None, {}
    details = {name: {"value": round(value, 3), "weight": weighting[name],
                      "contribution": round(100 * value * weighting[name] / total_weight, 1), "figures": figures}
               for name, (value, figures) in found.items()}
    return round(sum(d["contribution"] for d in details.values())), details
