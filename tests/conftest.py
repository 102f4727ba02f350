import os

import pytest
import time_machine
from django.utils import translation

from tests.browser.conftest import CHROMIUM
from tests.clock import FROZEN_NOW
from tests.factories import AccountFactory, ContactFactory, OrderFactory, TeamFactory, people_by_role, share

# Playwright's sync API runs an event loop in the test thread; Django refuses ORM calls there
# unless told this is deliberate (only the browser tests use it).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def frozen_now():
    """The clock stopped at ``FROZEN_NOW`` for the test (``pytestmark = pytest.mark.usefixtures("frozen_now")``
    for a module)."""
    with time_machine.travel(FROZEN_NOW, tick=False):
        yield FROZEN_NOW


@pytest.fixture
def media_root(tmp_path):
    """Where uploads go: the test's own folder, never the user's data directory."""
    return tmp_path / "media"


@pytest.fixture(autouse=True)
def _test_settings(settings, media_root):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.AXES_ENABLED = True
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(media_root)}}}
    # The company's working calendar is cached for seconds; a test's rolled-back settings must not outlive it.
    from keyaccount.core import working_time

    working_time.forget_company_calendar()
    yield
    # A request as a user who reads Russian leaves Russian active in the thread (the middleware
    # activates the user's language); the next test starts in the default one.
    translation.deactivate()


@pytest.fixture
def team(db):
    return TeamFactory(name="Key accounts")


@pytest.fixture
def other_team(db):
    return TeamFactory(name="Regions")


@pytest.fixture
def people(team, other_team):
    """One user per role: two managers of the same team, heads of two teams, support, analyst, admin."""
    return people_by_role(team, other_team)


@pytest.fixture
def anna_account(people):
    """An account Anna owns and has shared with nobody."""
    return AccountFactory(name="OOO Severstal Trade", owner=people["anna"])


@pytest.fixture
def shared_account(people):
    account = AccountFactory(name="AO Uralmash Service", owner=people["boris"])
    share(account, people["anna"])
    return account


@pytest.fixture
def anna_contact(anna_account):
    return ContactFactory(account=anna_account, last_name="Petrova", first_name="Elena")


@pytest.fixture
def anna_order(anna_account):
    return OrderFactory(account=anna_account, number="ORD-ANNA-1")


@pytest.fixture
def client_for(client):
    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def smtp(settings):
    """A local SMTP server the code's mail goes to; ``smtp.inbox`` holds what arrived."""
    from tests.mail import SmtpServer

    with SmtpServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = server.port
        settings.EMAIL_TIMEOUT = 5
        yield server


@pytest.fixture
def api_as(client, people):
    """``api_as("anna")("post", path, json)``: API calls with a token of one of ``people``."""
    from keyaccount.core import services as core_services

    def for_user(username):
        _token, secret = core_services.token_create(user=people[username])

        def call(method, path, json=None, **kwargs):
            if json is not None:
                kwargs.update(data=json, content_type="application/json")
            return getattr(client, method)(path, HTTP_AUTHORIZATION=f"Bearer {secret}", **kwargs)

        return call

    return for_user


# Debian's Chromium through Playwright, one per test module (tests/browser, the analytics report).
@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        yield browser
        browser.close()
