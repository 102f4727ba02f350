"""A real browser for the tests in this folder: Debian's Chromium driven by Playwright (the ``browser``
fixture is in tests/conftest.py: the analytics report's test opens one too)."""

import datetime as dt
import os
import re
import shutil

import pytest
from django.utils import timezone

from keyaccount.contracts import services as contract_services
from keyaccount.core.choices import Role
from keyaccount.feedback import services as feedback_services
from keyaccount.timeline import services as timeline_services
from tests.factories import AccountFactory, ContactFactory, TeamFactory, UserFactory, give_roles

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
NEEDS_CHROMIUM = pytest.mark.skipif(CHROMIUM is None and not os.environ.get("KAM_REQUIRE_BROWSER"),
                                    reason="Chromium is not installed (apt-get install chromium); CI installs it")
# Where signing in lands (core.views.home): My day for managers and heads, the account list for the rest.
START_PAGE = re.compile(r".*/(my-day|accounts)/$")


@pytest.fixture
def sign_in(browser, live_server):
    def open_as(username, language="en"):
        password = "correct horse battery staple"  # noqa: S105 (the factories' test password)
        page = browser.new_page(locale=language)
        page.goto(f"{live_server.url}/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_url(START_PAGE)
        return page

    return open_as


@pytest.fixture
def annas_day(db):
    """Anna's day: a key account with its decision maker, tomorrow's meeting (40 minutes away), a
    delivery due today under a contract, a complaint resolved whose client has not been told; her
    head of sales and Boris in her team."""
    team = TeamFactory()
    anna = UserFactory(username="anna", role=Role.KAM, team=team)
    UserFactory(username="head", role=Role.HEAD, team=team)
    boris = UserFactory(username="boris", role=Role.KAM, team=team)
    account = AccountFactory(name="Severstal Trade", owner=anna, status="key")
    petrova = ContactFactory(account=account, last_name="Petrova", first_name="Elena")
    give_roles(petrova, "decision_maker")
    tomorrow = timezone.localtime().replace(hour=11, minute=0, second=0, microsecond=0) + dt.timedelta(days=1)
    meeting = timeline_services.interaction_create(user=anna, account=account, data={
        "kind": "meeting", "subject": "Quarterly review", "starts_at": tomorrow,
        "ends_at": tomorrow + dt.timedelta(hours=1), "travel_minutes": 40, "contacts": [petrova]})
    contract = contract_services.contract_create(user=anna, account=account, data={
        "number": "7/2026", "subject": "Supply", "starts_on": timezone.localdate() - dt.timedelta(days=100)})
    obligation = contract_services.obligation_create(user=anna, contract=contract, data={
        "kind": "delivery", "title": "Deliver the pumps", "due_on": timezone.localdate()})
    complaint = feedback_services.feedback_create(user=anna, account=account, data={
        "subject": "Late pallets", "text": "Two days late"})
    complaint = feedback_services.feedback_resolve(user=anna, feedback=complaint, resolution="Second truck sent",
                                                   version=complaint.version)
    return {"anna": anna, "boris": boris, "account": account, "meeting": meeting, "obligation": obligation,
            "complaint": complaint}
