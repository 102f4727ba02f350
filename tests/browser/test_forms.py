"""Forms in a real browser: a meeting's end follows its start (static/keyaccount/forms.js), and the
browser refuses an empty required field before anything is sent."""

import pytest

from keyaccount.core.choices import Role
from tests.browser.conftest import NEEDS_CHROMIUM
from tests.factories import AccountFactory, TeamFactory, UserFactory

pytestmark = [pytest.mark.browser, NEEDS_CHROMIUM]


@pytest.mark.django_db(transaction=True)
def test_the_meeting_s_end_moves_with_its_start_keeping_its_length(sign_in, live_server):
    anna = UserFactory(username="anna", role=Role.KAM, team=TeamFactory())
    account = AccountFactory(owner=anna)
    page = sign_in("anna")
    page.goto(f"{live_server.url}/timeline/accounts/{account.pk}/new/meeting/")
    start, end = page.locator("input[name=starts_at]"), page.locator("input[name=ends_at]")
    start.fill("2026-12-08T10:00")
    assert end.input_value() == "2026-12-08T11:00"
    end.fill("2026-12-08T12:30")
    start.fill("2026-12-08T14:00")
    assert end.input_value() == "2026-12-08T16:30"
    assert end.get_attribute("min") == "2026-12-08T14:00"
    invalid = page.locator("form.entity-form").evaluate(
        "form => Array.from(form.elements).filter(field => !field.checkValidity()).map(field => field.name)")
    assert invalid == []
    page.click("form.entity-form button[type=submit]")
    page.wait_for_url(f"**/timeline/accounts/{account.pk}/")
    page.close()


@pytest.mark.django_db(transaction=True)
def test_the_browser_asks_for_a_required_field_before_sending(sign_in, live_server):
    anna = UserFactory(username="anna", role=Role.KAM, team=TeamFactory())
    account = AccountFactory(owner=anna)
    page = sign_in("anna")
    page.goto(f"{live_server.url}/timeline/accounts/{account.pk}/new/task/")
    page.fill("input[name=subject]", "")
    page.click("form.entity-form button[type=submit]")
    assert page.url.endswith(f"/timeline/accounts/{account.pk}/new/task/")
    assert page.locator("input[name=subject]").evaluate("field => field.validity.valueMissing")
    page.close()
