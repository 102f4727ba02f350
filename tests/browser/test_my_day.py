"""My day in a real browser, keyboard only, in Russian and in English: sign in and land on it, open
the help with ?, move with j/k, mark a task done and an obligation fulfilled and tell a client their
complaint was resolved with x (each leaves the list), then open a meeting's brief with Enter; no
Content-Security-Policy violation on the way."""

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from keyaccount.contracts.models import Obligation
from keyaccount.core.choices import Role
from keyaccount.feedback.models import Feedback
from keyaccount.timeline import services as timeline_services
from keyaccount.timeline.models import Interaction
from tests.browser.conftest import NEEDS_CHROMIUM
from tests.factories import AccountFactory, TeamFactory, UserFactory

pytestmark = [pytest.mark.browser, NEEDS_CHROMIUM]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["ru", "en"])
def test_a_manager_works_through_the_day_with_the_keyboard(language, annas_day, browser, live_server, sign_in):
    anna, account = annas_day["anna"], annas_day["account"]
    anna.language = language
    anna.save(update_fields=["language"])
    meeting, obligation, complaint = annas_day["meeting"], annas_day["obligation"], annas_day["complaint"]
    task = timeline_services.interaction_create(user=anna, account=account, data={
        "kind": "task", "subject": "Send the price list", "due_at": timezone.now() - dt.timedelta(days=1),
        "assignee": anna})

    page = sign_in("anna", language)
    assert page.url.endswith("/my-day/")
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)

    page.keyboard.press("?")
    expect(page.locator("#day-help")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#day-help")).to_be_hidden()

    page.keyboard.press("j")
    expect(page.locator(f"#item-meeting-{meeting.pk}")).to_be_focused()
    page.keyboard.press("j")
    expect(page.locator(f"#item-task-{task.pk}")).to_be_focused()
    page.keyboard.press("x")
    expect(page.locator(f"#item-task-{task.pk}")).to_have_count(0)
    expect(page.locator("#section-todo .day-empty")).to_be_visible()
    # The focus went to the item that took its place: the obligation.
    expect(page.locator(f"#item-obligation-{obligation.pk}")).to_be_focused()
    page.keyboard.press("x")
    expect(page.locator(f"#item-obligation-{obligation.pk}")).to_have_count(0)
    expect(page.locator(f"#item-complaint-{complaint.pk}")).to_be_focused()
    page.keyboard.press("x")
    expect(page.locator(f"#item-complaint-{complaint.pk}")).to_have_count(0)

    assert Interaction.objects.get(pk=task.pk).done_at is not None
    assert Obligation.objects.get(pk=obligation.pk).status == "done"
    assert Feedback.objects.get(pk=complaint.pk).informed_via == "call"

    page.keyboard.press("k")
    expect(page.locator(f"#item-meeting-{meeting.pk}")).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/timeline/{meeting.pk}/brief/")
    assert violations == []


@pytest.mark.django_db(transaction=True)
def test_the_bell_refreshing_while_an_item_leaves_does_not_take_the_focus_with_it(annas_day, browser, live_server,
                                                                                 sign_in):
    # The bell asks for its count on load and every minute; on a slow machine its answer can settle
    # between the key and the section's answer. Hold the section's answer until the bell has settled.
    obligation, complaint = annas_day["obligation"], annas_day["complaint"]
    page = sign_in("anna", "en")
    held = []
    page.route("**/my-day/obligation/*/done/", lambda route: held.append(route))
    page.keyboard.press("j")
    page.keyboard.press("j")
    expect(page.locator(f"#item-obligation-{obligation.pk}")).to_be_focused()
    page.keyboard.press("x")
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "the obligation's action never left the page"
    with page.expect_response("**/notifications/bell/"):
        page.evaluate("htmx.trigger(document.body, 'notifications-changed')")
    page.wait_for_timeout(100)
    held[0].continue_()
    expect(page.locator(f"#item-obligation-{obligation.pk}")).to_have_count(0)
    # The item that took its place has the focus, not the page.
    expect(page.locator(f"#item-complaint-{complaint.pk}")).to_be_focused()


AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1.min.js"


@pytest.mark.django_db(transaction=True)
def test_my_day_has_no_serious_accessibility_violations(browser, live_server, sign_in):
    anna = UserFactory(username="anna", role=Role.KAM, team=TeamFactory(), language="ru")
    account = AccountFactory(name="Severstal Trade", owner=anna, status="key")
    timeline_services.interaction_create(user=anna, account=account, data={
        "kind": "task", "subject": "Send the price list", "due_at": timezone.now() - dt.timedelta(days=1),
        "assignee": anna})
    page = sign_in("anna", "ru")
    page.evaluate(AXE.read_text(encoding="utf-8"))
    found = page.evaluate("axe.run(document, {resultTypes: ['violations']}).then(r => r.violations"
                          ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length})))")
    serious = [violation for violation in found if violation["impact"] in ("serious", "critical")]
    assert serious == [], serious
