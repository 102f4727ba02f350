"""A manager's first minutes, in a real browser (Debian's Chromium driven by Playwright), in Russian
and in English: sign in, search the account list, open an account, add a person with a role, and
see them on the right side of the account page."""

import pytest
from playwright.sync_api import expect

from keyaccount.core.choices import Role
from tests.browser.conftest import NEEDS_CHROMIUM
from tests.factories import AccountFactory, TeamFactory, UserFactory

pytestmark = [pytest.mark.browser, NEEDS_CHROMIUM]

TEXT = {
    "ru": {"add_person": "Добавить человека", "save": "Сохранить", "paying": "Платят и решают", "brief": "Справка",
           "ask": "Что выяснить", "who_uses": "Кто каждый день работает с нашим продуктом?"},
    "en": {"add_person": "Add person", "save": "Save", "paying": "Pay and decide", "brief": "Brief",
           "ask": "Questions to ask", "who_uses": "Who uses our product day to day?"},
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["ru", "en"])
def test_a_manager_signs_in_finds_an_account_and_adds_the_person_who_pays(language, browser, live_server):
    team = TeamFactory()
    anna = UserFactory(username="anna", role=Role.KAM, team=team, language=language)
    AccountFactory(name="ООО Северсталь Трейд", short_name="Северсталь", owner=anna)
    AccountFactory(name="ООО Посторонняя", owner=anna)
    page = browser.new_page(locale=language)
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "anna")
    page.fill("input[name=password]", "correct horse battery staple")
    page.click("button[type=submit]")
    # A manager starts the day on My day; the accounts are one step away.
    page.wait_for_url("**/my-day/")
    page.goto(f"{live_server.url}/accounts/")
    assert page.locator("html").get_attribute("lang") == language

    page.fill("input[type=search]", "северсталь")
    # A locator rather than wait_for_function: that one evaluates a string, which the CSP refuses.
    expect(page.locator("#results")).not_to_contain_text("Посторонняя")
    page.click("#results a:has-text('Северсталь')")
    page.wait_for_selector("h1:has-text('Северсталь')")

    page.click(f"text={TEXT[language]['add_person']}")
    page.fill("input[name=last_name]", "Кузнецова")
    page.fill("input[name=first_name]", "Ирина")
    page.check("input[name=roles][value=payer]")
    page.fill("textarea[name=phones]", "8 916 555-12-34")
    page.click(f"button:has-text('{TEXT[language]['save']}')")

    page.wait_for_selector("#paying-side")
    assert TEXT[language]["paying"] in page.inner_text("#paying-side")
    assert "Кузнецова" in page.inner_text("#paying-side")
    assert "Кузнецова" not in page.inner_text("#using-side")
    assert "8 (916) 555-12-34" in page.inner_text("#paying-side")

    # Before calling her: the one-page brief names her as the payer and says what is still unknown.
    page.click(f"a[role=button]:has-text('{TEXT[language]['brief']}')")
    page.wait_for_selector("#brief-questions")
    assert "Кузнецова Ирина" in page.inner_text("#brief-people")
    assert TEXT[language]["ask"] in page.inner_text("#brief-questions")
    assert TEXT[language]["who_uses"] in page.inner_text("#brief-questions")
    # The bell is in the top bar, loaded by HTMX, with nothing unread yet.
    page.wait_for_selector("#bell a.bell")
    assert page.locator("#bell .bell-count").count() == 0
    page.close()
