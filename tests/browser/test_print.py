"""The meeting brief printed from the browser: the print rules of app.css leave the navigation, the footer
and the buttons off the paper, and print black on white."""

import pytest
from playwright.sync_api import expect

from keyaccount.core.choices import Role
from tests.browser.conftest import NEEDS_CHROMIUM
from tests.factories import AccountFactory, ContactFactory, TeamFactory, UserFactory

pytestmark = [pytest.mark.browser, NEEDS_CHROMIUM]


@pytest.mark.django_db(transaction=True)
def test_the_printed_brief_has_no_navigation_footer_or_buttons(browser, live_server, sign_in):
    anna = UserFactory(username="anna", role=Role.KAM, team=TeamFactory())
    account = AccountFactory(name="OOO Severstal Trade", owner=anna)
    ContactFactory(account=account, last_name="Petrova", first_name="Elena")
    page = sign_in("anna")
    page.goto(f"{live_server.url}/timeline/accounts/{account.pk}/brief/")
    expect(page.locator("header.topbar")).to_be_visible()

    page.emulate_media(media="print")
    expect(page.locator("header.topbar")).to_be_hidden()
    expect(page.locator("body > footer")).to_be_hidden()
    expect(page.locator("a:has-text('PDF')")).to_be_hidden()
    expect(page.locator("#brief-people")).to_be_visible()
    expect(page.locator("#brief-people")).to_contain_text("Petrova")
    expect(page.locator("body")).to_have_css("color", "rgb(0, 0, 0)")
    expect(page.locator("body")).to_have_css("background-color", "rgb(255, 255, 255)")
