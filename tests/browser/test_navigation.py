"""The top bar and the global search in a real browser: one row of at most seven sections at 1280 px,
no horizontal scrolling on a 375 px phone, and Ctrl+K → an INN → Enter opens the account."""

import pytest
from playwright.sync_api import expect

from keyaccount.accounts import services as account_services
from keyaccount.core.choices import Role
from keyaccount.deals import services as deal_services
from keyaccount.feedback import support
from tests.browser.conftest import NEEDS_CHROMIUM
from tests.factories import AccountFactory, OrderFactory, TeamFactory, UserFactory

pytestmark = [pytest.mark.browser, NEEDS_CHROMIUM]
PASSWORD = "correct horse battery staple"  # noqa: S105 (the factories' test password)


@pytest.fixture
def open_as(browser, live_server):
    """A signed-in page of the given size; waits for the sign-in to finish wherever it lands."""
    pages = []

    def sign_in(username, *, width=1280, height=800, language="en"):
        page = browser.new_page(locale=language, viewport={"width": width, "height": height})
        pages.append(page)
        page.goto(f"{live_server.url}/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector("header.topbar")
        return page

    yield sign_in
    for page in pages:
        page.close()


@pytest.fixture
def records(db):
    deal_services.default_stages_ensure()  # a transactional test starts from an empty database
    head = UserFactory(username="head", role=Role.HEAD, team=TeamFactory(), language="en")
    account = AccountFactory(name="Obshchestvo s ogranichennoy otvetstvennostyu Severstal Trade Ural Region",
                             owner=head, inn="7707083893")
    contact = account_services.contact_create(user=head, account=account, data={
        "last_name": "Konstantinopolskaya", "first_name": "Elena", "phones": ["+7 916 555-01-23"],
        "emails": ["elena.konstantinopolskaya@severstal-trade-ural.example"]})
    for number in range(3):
        OrderFactory(account=account, number=f"ORD-2026-LONG-NUMBER-{number:04d}")
    deal = deal_services.deal_create(user=head, account=account, data={
        "title": "Reconstruction of the boiler house at the Ural plant, second stage", "amount": 18_000_000})
    ticket = support.ticket_create(user=head, account=account, contact=contact, data={
        "subject": "Cannot sign in to the customer portal since Monday", "body": "Error 500 on login."})
    return {"head": head, "account": account, "contact": contact, "deal": deal, "ticket": ticket}


def _bar(page):
    """The top bar's visible top-level items: their count of sections and their vertical centres."""
    return page.eval_on_selector_all("header.topbar nav > ul > li", """items => items
        .filter(item => item.offsetParent !== null)
        .map(item => { const box = item.getBoundingClientRect();
                       return {top: box.top + box.height / 2,
                               section: item.parentElement.classList.contains('nav-sections')}; })""")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["en", "ru"])
def test_at_1280_px_the_bar_is_one_row_of_at_most_seven_sections(records, open_as, live_server, language):
    records["head"].language = language  # the profile's language wins over the browser's
    records["head"].save(update_fields=["language"])
    page = open_as("head", language=language)
    page.goto(f"{live_server.url}/accounts/")
    items = _bar(page)
    sections = [item for item in items if item["section"]]
    assert 1 <= len(sections) <= 7
    centres = [item["top"] for item in items]
    assert max(centres) - min(centres) < 8, f"the bar wraps: {centres}"
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    # Every link of the menus is there, one click away.
    page.click("details.nav-menu summary:has-text('{}')".format("Sales" if language == "en" else "Продажи"))
    expect(page.locator("details.nav-menu[open] a[href='/deals/']")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("details.nav-menu[open]")).to_have_count(0)
    page.click("details.nav-menu >> nth=1 >> summary")
    page.mouse.click(640, 700)
    expect(page.locator("details.nav-menu[open]")).to_have_count(0)


@pytest.mark.django_db(transaction=True)
def test_on_a_375_px_phone_no_page_scrolls_sideways(records, open_as, live_server):
    page = open_as("head", width=375, height=740)
    paths = ["/accounts/", records["account"].get_absolute_url(), records["contact"].get_absolute_url(),
             records["deal"].get_absolute_url(), "/deals/", records["ticket"].get_absolute_url(), "/orders/",
             "/search/?q=severstal", "/accounts/contacts/", "/feedback/tickets/", "/deals/list/",
             # Forms fit too.
             "/accounts/new/", records["account"].get_absolute_url() + "edit/",
             records["contact"].get_absolute_url() + "edit/", records["deal"].get_absolute_url() + "edit/"]
    for path in paths:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("load")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{path} is {width} px wide on a 375 px screen"
    # The sections fold behind the menu button, and open under it.
    expect(page.locator("#nav-sections")).to_be_hidden()
    page.click("[data-nav-toggle]")
    expect(page.locator("#nav-sections")).to_be_visible()
    page.click("details.nav-menu summary >> nth=0")
    expect(page.locator("details.nav-menu[open] a[href='/accounts/contacts/']")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    # The search opens full width and finds the account.
    page.click("[data-search-open]")
    page.keyboard.type("severstal")
    expect(page.locator("#global-search-results")).to_contain_text("Severstal Trade")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


@pytest.mark.django_db(transaction=True)
def test_ctrl_k_finds_an_account_by_its_inn_and_enter_opens_it(records, open_as, live_server):
    page = open_as("head")
    page.goto(f"{live_server.url}/deals/")
    page.keyboard.press("Control+k")
    box = page.locator("#global-search input[name=q]")
    expect(box).to_be_focused()
    page.keyboard.type("7707083893")
    expect(page.locator("#global-search-results")).to_contain_text("Severstal Trade")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{records['account'].get_absolute_url()}")

    # The account is now a recent item; "/" opens the box, Escape closes it.
    page.goto(f"{live_server.url}/deals/")
    page.keyboard.press("/")
    expect(page.locator("#global-search-results")).to_contain_text("Recently opened")
    page.keyboard.press("Escape")
    expect(page.locator("#global-search")).to_be_hidden()

    # Arrows choose among several hits (a person by phone, the account by the same phone); Enter
    # without choosing goes to the full results page.
    page.click("[data-search-open]")
    page.keyboard.type("89165550123")
    expect(page.locator("#global-search-results")).to_contain_text("Konstantinopolskaya")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(page.locator("#global-search-results [aria-selected=true]")).to_contain_text("Konstantinopolskaya")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{records['contact'].get_absolute_url()}")
    page.keyboard.press("Control+k")
    page.keyboard.type("severstal")
    expect(page.locator("#global-search-results")).to_contain_text("Reconstruction")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=severstal")
    expect(page.locator("main")).to_contain_text("Reconstruction of the boiler house")


@pytest.mark.django_db(transaction=True)
def test_the_menu_of_the_page_one_is_on_is_marked_and_menus_work_by_keyboard(records, open_as, live_server):
    page = open_as("head")
    page.goto(f"{live_server.url}{records['ticket'].get_absolute_url()}")
    expect(page.locator("details.nav-menu summary.current")).to_have_text("Service")
    expect(page.locator("a[aria-current=page]")).to_have_attribute("href", "/feedback/tickets/")
    # Tab to the first menu, open it with Enter, reach its links with Tab, close it with Escape.
    page.focus("details.nav-menu >> nth=0 >> summary")
    page.keyboard.press("Enter")
    expect(page.locator("details.nav-menu >> nth=0")).to_have_attribute("open", "")
    page.keyboard.press("Tab")
    expect(page.locator("details.nav-menu >> nth=0 >> a >> nth=0")).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator("details.nav-menu[open]")).to_have_count(0)
    expect(page.locator("details.nav-menu >> nth=0 >> summary")).to_be_focused()
