"""The key-account manager's day in a real browser, with the mouse, in Russian and in English: sign in
and land on My day, open tomorrow's meeting's brief, log the call made to prepare it, mark the
delivery done, tell the client their complaint was resolved — each item leaves My day — and the head
of sales sees the team's day with a filter per manager. Each page's timings are taken from the
browser's Navigation Timing and kept, with the screenshots, in the artefacts folder
(``KAM_BROWSER_ARTEFACTS``, by default ``.artefacts/browser``; docs/benchmarks.md quotes them); the
pages are checked by axe-core for serious and critical accessibility violations on the way."""

import json
import os
import time
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from keyaccount.contracts.models import Obligation
from keyaccount.feedback.models import Feedback
from keyaccount.timeline.models import Interaction
from tests.browser.conftest import NEEDS_CHROMIUM

pytestmark = [pytest.mark.browser, NEEDS_CHROMIUM]

ARTEFACTS = Path(os.environ.get("KAM_BROWSER_ARTEFACTS") or Path(__file__).parents[2] / ".artefacts" / "browser")
AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1.min.js"
# Generous bounds: the figures themselves are recorded; a test on a busy CI machine fails only on a
# page that went wrong by an order of magnitude (the targets are 300 ms on the server, 1 s to usable).
SERVER_BOUND_MS, USABLE_BOUND_MS = 1500, 4000

TEXT = {
    "ru": {"brief": "Справка", "save": "Сохранить", "day": "Мой день", "team": "День команды"},
    "en": {"brief": "Brief", "save": "Save", "day": "My day", "team": "The team's day"},
}


def _timing(page) -> dict:
    """Server time (request sent to the first byte of the answer) and time to usable (DOM interactive)
    of the page last navigated to, in milliseconds."""
    entry = page.evaluate("JSON.stringify(performance.getEntriesByType('navigation')[0])")
    entry = json.loads(entry)
    return {"server_ms": round(entry["responseStart"] - entry["requestStart"], 1),
            "usable_ms": round(entry["domInteractive"] - entry["startTime"], 1),
            "loaded_ms": round(entry["loadEventEnd"] - entry["startTime"], 1)}


def _serious_violations(page) -> list:
    page.evaluate(AXE.read_text(encoding="utf-8"))
    found = page.evaluate("axe.run(document, {resultTypes: ['violations']}).then(r => JSON.stringify(r.violations"
                          ".map(v => ({id: v.id, impact: v.impact, target: v.nodes[0].target}))))")
    return [v for v in json.loads(found) if v["impact"] in ("serious", "critical")]


def _record(name: str, language: str, figures: dict) -> None:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTEFACTS / "timings.json"
    recorded = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    recorded[f"{name} ({language})"] = figures
    path.write_text(json.dumps(recorded, indent=2, ensure_ascii=False), encoding="utf-8")


def _visit(page, url: str, name: str, language: str, *, check_access: bool = True) -> dict:
    page.goto(url)
    page.wait_for_load_state("load")
    figures = _timing(page)
    _record(name, language, figures)
    assert figures["server_ms"] < SERVER_BOUND_MS and figures["usable_ms"] < USABLE_BOUND_MS, (name, figures)
    if check_access:
        assert _serious_violations(page) == [], name
    return figures


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["ru", "en"])
def test_a_managers_day_from_sign_in_to_an_empty_list(language, annas_day, browser, live_server, sign_in):
    text = TEXT[language]
    meeting, obligation, complaint = annas_day["meeting"], annas_day["obligation"], annas_day["complaint"]
    account = annas_day["account"]
    annas_day["anna"].language = language
    annas_day["anna"].save(update_fields=["language"])

    page = sign_in("anna", language)
    page.set_viewport_size({"width": 1280, "height": 900})
    assert page.url.endswith("/my-day/")
    _visit(page, f"{live_server.url}/my-day/", "My day", language)
    expect(page.locator("h1")).to_contain_text(text["day"])
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"my-day-{language}.png"), full_page=True)

    # Tomorrow's meeting: its brief, one click away.
    page.click(f"#item-meeting-{meeting.pk} a[data-brief]")
    page.wait_for_url(f"**/timeline/{meeting.pk}/brief/")
    expect(page.locator("body")).to_contain_text("Petrova")
    _visit(page, page.url, "Meeting brief", language)
    for attempt in ("first", "second"):  # the first document of a process loads Pango and the fonts
        started = time.perf_counter()
        pdf = page.request.get(f"{live_server.url}/timeline/{meeting.pk}/brief.pdf")
        answered = round(1000 * (time.perf_counter() - started), 1)
        _record(f"Meeting brief PDF, {attempt}", language, {"answered_ms": answered})
        assert pdf.ok and pdf.body().startswith(b"%PDF")

    # The call made to prepare it, logged from the account.
    page.goto(f"{live_server.url}/timeline/accounts/{account.pk}/new/call/")
    page.wait_for_load_state("load")
    page.fill("input[name=starts_at]", timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
    page.fill("textarea[name=summary]", "Agreed the agenda with Petrova")
    page.click(f"button:has-text('{text['save']}')")
    page.wait_for_load_state("load")
    assert Interaction.objects.filter(kind="call", account=account, summary__contains="Agreed the agenda").exists()
    _visit(page, f"{live_server.url}{account.get_absolute_url()}", "Account page", language)

    # Back on My day: the delivery done, the client told; each leaves the list.
    page.goto(f"{live_server.url}/my-day/")
    item = page.locator(f"#item-obligation-{obligation.pk}")
    item.locator("button[data-action=done]").click()
    expect(item).to_have_count(0)
    told = page.locator(f"#item-complaint-{complaint.pk}")
    told.locator("select[name=via]").select_option("email")
    told.locator("button[data-action=done]").click()
    expect(told).to_have_count(0)
    assert Obligation.objects.get(pk=obligation.pk).status == "done"
    assert Feedback.objects.get(pk=complaint.pk).informed_via == "email"
    # Still there tomorrow: the meeting.
    expect(page.locator(f"#item-meeting-{meeting.pk}")).to_have_count(1)

    for name, url in (("Account list", "/accounts/"), ("Pipeline board", "/deals/"),
                      ("Support tickets", "/feedback/tickets/"), ("New meeting form",
                                                                  f"/timeline/accounts/{account.pk}/new/meeting/")):
        _visit(page, f"{live_server.url}{url}", name, language)


@pytest.mark.django_db(transaction=True)
def test_the_head_sees_the_teams_day_and_one_managers(annas_day, browser, live_server, sign_in):
    page = sign_in("head", "en")
    page.set_viewport_size({"width": 1280, "height": 900})
    _visit(page, f"{live_server.url}/my-day/", "The team's day", "en")
    expect(page.locator("h1")).to_contain_text(TEXT["en"]["team"])
    expect(page.locator(f"#item-obligation-{annas_day['obligation'].pk}")).to_have_count(1)
    page.screenshot(path=str(ARTEFACTS / "team-day-en.png"), full_page=True)
    boris = annas_day["boris"]
    page.select_option("#day-manager-select", str(boris.pk))
    page.wait_for_url(f"**/my-day/?manager={boris.pk}")
    expect(page.locator(f"#item-obligation-{annas_day['obligation'].pk}")).to_have_count(0)
    page.select_option("#day-manager-select", str(annas_day["anna"].pk))
    page.wait_for_url(f"**/my-day/?manager={annas_day['anna'].pk}")
    expect(page.locator(f"#item-obligation-{annas_day['obligation'].pk}")).to_have_count(1)
