"""Under the Content-Security-Policy the browser refuses nothing the app needs: every page of the
main menu, HTMX's search and bell, the behaviour app.js took over from inline handlers, and the
Django admin, with no violation reported on the console."""

import pytest
from playwright.sync_api import expect

from keyaccount.core.choices import Role
from keyaccount.feedback import services as feedback_services
from keyaccount.planning import services as planning_services
from keyaccount.planning.models import Initiative
from tests.browser.conftest import NEEDS_CHROMIUM
from tests.factories import AccountFactory, ContactFactory, TeamFactory, UserFactory

pytestmark = [pytest.mark.browser, NEEDS_CHROMIUM]


@pytest.mark.django_db(transaction=True)
def test_the_app_works_under_its_content_security_policy(browser, live_server, sign_in):
    admin = UserFactory(username="admin", role=Role.ADMIN, team=TeamFactory(), language="en", is_staff=True,
                        is_superuser=True)
    account = AccountFactory(name="Severstal Trade", owner=admin)
    AccountFactory(name="Unrelated Ltd", owner=admin)
    ContactFactory(account=account, last_name="Petrova")
    plan = planning_services.account_plan_create(user=admin, account=account, data={"goals": "Grow"})
    initiative = planning_services.initiative_save(user=admin, plan=plan, data={"title": "Pilot at the plant"})
    feedback_services.link_create(user=admin, account=account)

    page = sign_in("admin")
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)

    # HTMX: the list filters as one types, the bell loads itself.
    page.fill("input[type=search]", "severstal")
    # Locators rather than wait_for_function, which evaluates a string: the policy refuses that too.
    expect(page.locator("#results")).not_to_contain_text("Unrelated")
    page.wait_for_selector("#bell a.bell")
    menu = page.eval_on_selector_all("header.topbar nav a[href^='/']", "links => links.map(a => a.pathname)")
    assert len(set(menu)) >= 15
    for path in dict.fromkeys(menu):
        page.goto(f"{live_server.url}{path}")

    # app.js instead of onchange="this.form.submit()": choosing a status saves it.
    page.goto(f"{live_server.url}/planning/account-plans/{plan.pk}/")
    page.select_option("select[name=status]", "done")
    expect(page.locator(".flash")).to_be_visible()
    initiative.refresh_from_db()
    assert initiative.status == "done"

    # app.js instead of onfocus="this.select()": a feedback link is selected whole to copy.
    page.goto(f"{live_server.url}/feedback/accounts/{account.pk}/links/")
    page.focus("input[data-select-on-focus]")
    assert page.evaluate("document.activeElement.selectionEnd - document.activeElement.selectionStart") > 20

    page.goto(f"{live_server.url}/admin/")
    page.goto(f"{live_server.url}/admin/core/apitoken/")
    page.goto(f"{live_server.url}/admin/core/user/{admin.pk}/change/")
    page.wait_for_selector("#user_form")
    assert Initiative.objects.get(pk=initiative.pk).status == "done"
    assert violations == []
    page.close()
