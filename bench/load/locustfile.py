"""A day's traffic against a served Keyaccount (issue #17): key-account managers, heads of sales and API
clients, on the scale data set (``kam generate``; its people sign in with the password ``demo``).

Run it through ``bench/bench_load.py``, which prepares the API tokens, serves the application and runs
Locust headless at each number of users; or by hand (docs/benchmarks.md, "Load test"):

    KAM_LOAD_TOKENS=/tmp/kam-load-tokens.json .venv/bin/locust -f bench/load/locustfile.py \
        --host http://127.0.0.1:8100 --headless -u 50 -r 5 -t 3m --csv /tmp/load-50

Only against the local machine: the host must be 127.0.0.1 or localhost.

- **KAM** (``scale00``…``scale49``): signs in through the login form (CSRF), then, over and over: My day,
  the account list, a search (the list's box and the top bar's Ctrl+K), one of *their own* accounts'
  page and its timeline, logs a call on it and makes a commercial proposal through the real forms.
- **Head** (``scale-head-0``…): the team's day, the portfolio, plan against actuals, the activity report,
  weekly reports, the key accounts.
- **API client** (a token per user, ``KAM_LOAD_TOKENS``): the account list page by page with the cursor,
  one account, its contacts.

Every request checks its status; a redirect to the sign-in page, a 4xx or a 5xx is a failure. Requests
are named by route (``/accounts/[id]/``), so Locust's figures group by page.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import random
import re
import threading
import zoneinfo
from html.parser import HTMLParser
from urllib.parse import urlsplit

from locust import HttpUser, between, events, task
from locust.exception import StopUser

PASSWORD = os.environ.get("KAM_LOAD_PASSWORD", "demo")
KAMS = [f"scale{n:02d}" for n in range(50)]
HEADS = [f"scale-head-{n}" for n in range(5)]
ZONE = zoneinfo.ZoneInfo(os.environ.get("KAM_TIME_ZONE", "Europe/Moscow"))
# What the managers type into the search boxes besides their own accounts' names: surnames the generator
# gives people, a phone fragment, a syllable many names share.
SEARCH_TERMS = ["Иванов", "Смирнова", "Кузнецов", "Петров", "916000", "пром", "сиб", "логис"]
SKUS = [f"SCALE-{n:04d}" for n in range(200)]

_next_kam = itertools.count()
_next_head = itertools.count()
_next_token = itertools.count()
_lock = threading.Lock()


@events.init_command_line_parser.add_listener
def _arguments(parser):
    parser.add_argument(
        "--tokens",
        env_var="KAM_LOAD_TOKENS",
        default="",
        help="JSON file {username: token} for the API clients (bench/bench_load.py writes it)",
    )


@events.test_start.add_listener
def _local_only(environment, **_kwargs):
    host = urlsplit(environment.host or "").hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit(f"The load test runs only against the local machine, not {host!r}.")


def _take(counter, names):
    with _lock:
        return names[next(counter) % len(names)]


class FormParser(HTMLParser):
    """The fields of every ``<form>`` on a page, as a browser would submit them unchanged."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._option: str | None = None
        self._textarea: str | None = None

    def _fields(self):
        return self.forms[-1]["fields"] if self.forms else None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append(
                {
                    "method": (attrs.get("method") or "get").lower(),
                    "action": attrs.get("action") or "",
                    "fields": [],
                    "names": set(),
                }
            )
            return
        fields = self._fields()
        if fields is None:
            return
        name = attrs.get("name")
        if name:
            self.forms[-1]["names"].add(name)
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    fields.append((name, attrs.get("value", "on")))
            elif kind not in ("submit", "button", "file", "image", "reset"):
                fields.append((name, attrs.get("value") or ""))
        elif tag == "select" and name:
            self._select, self._select_first, self._select_chosen = name, None, False
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in attrs and not self._select_chosen:
                fields.append((self._select, value))
                self._select_chosen = True
        elif tag == "textarea" and name:
            self._textarea = name
            fields.append((name, ""))

    def handle_data(self, data):
        if self._textarea and self.forms:
            name, value = self.forms[-1]["fields"][-1]
            self.forms[-1]["fields"][-1] = (name, value + data)

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            if not self._select_chosen and self._select_first is not None:
                self._fields().append((self._select, self._select_first))
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def form_with(html: str, field: str) -> dict | None:
    """The POST form of the page that has a field ``field`` (not the top bar's sign-out form)."""
    parser = FormParser()
    parser.feed(html)
    for form in parser.forms:
        if form["method"] == "post" and field in form["names"]:
            return form
    return None


def fill(form: dict, values: dict[str, str], *, if_empty: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """The form's fields with ``values`` replacing theirs and ``if_empty`` filling only blank ones."""
    fields = [(name, value) for name, value in form["fields"] if name not in values]
    present = dict(fields)
    for name, value in (if_empty or {}).items():
        if not present.get(name):
            fields = [(n, v) for n, v in fields if n != name] + [(name, value)]
    return fields + list(values.items())


def _goes_to_login(response) -> bool:
    """A redirect to the sign-in page (redirects are never followed, so a page's answer is its own)."""
    return response.is_redirect and "/login/" in response.headers.get("Location", "")


class Browser(HttpUser):
    """Someone using the pages: signs in through the form, then every request is checked."""

    abstract = True
    wait_time = between(2, 5)
    username = ""

    def get(self, url: str, name: str, *, params=None, expect: int = 200, headers=None) -> str | None:
        with self.client.get(
            url, name=name, params=params, allow_redirects=False, headers=headers, catch_response=True
        ) as response:
            return self._check(response, expect)

    def post(self, url: str, data, name: str, *, expect: int = 302, referer: str = "") -> str | None:
        headers = {"X-CSRFToken": self.client.cookies.get("csrftoken", ""), "Referer": referer or self.host + url}
        with self.client.post(
            url, data=data, name=name, allow_redirects=False, headers=headers, catch_response=True
        ) as response:
            if response.status_code == 200 and expect == 302:
                # The form came back: it did not save (field errors), which a person would see as a failure.
                errors = re.findall(r'class="(?:errorlist|nonfield)[^"]*">(.*?)</', response.text or "", re.S)
                response.failure(f"form not saved: {' '.join(errors)[:200] or 'page shown again'}")
                return None
            return self._check(response, expect)

    def _check(self, response, expect: int) -> str | None:
        if response.status_code == 0:  # no answer at all: say why (refused, reset, timed out)
            response.failure(f"no answer: {response.error!r}"[:300])
            return None
        if _goes_to_login(response):
            response.failure("sent to the sign-in page")
            return None
        if response.status_code != expect:
            response.failure(f"HTTP {response.status_code}, expected {expect}")
            return None
        response.success()
        return response.text if expect == 200 else response.headers.get("Location", "")

    def sign_in(self) -> None:
        page = self.get("/login/", "/login/ [form]")
        form = form_with(page or "", "password")
        if form is None:
            raise StopUser()
        data = fill(form, {"username": self.username, "password": PASSWORD})
        location = self.post("/login/", data, "/login/ [sign in]")
        if location is None:
            raise StopUser()


class KAM(Browser):
    """A key-account manager's day around their own accounts."""

    weight = 7

    def on_start(self):
        self.username = _take(_next_kam, KAMS)
        self.sign_in()
        self.accounts = self._own_accounts()
        if not self.accounts:
            raise StopUser()

    def _own_accounts(self) -> list[dict]:
        """The accounts the manager sees (their own and those shared with them): the first page of their
        list through the API, with the session, once."""
        with self.client.get(
            "/api/v1/accounts/?limit=200",
            name="/api/v1/accounts/ [session, start]",
            catch_response=True,
            allow_redirects=False,
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
                return []
            return response.json()["items"]

    def _account(self) -> dict:
        return random.choice(self.accounts)

    @task(4)
    def my_day(self):
        self.get("/my-day/", "/my-day/")

    @task(3)
    def account_list(self):
        self.get("/accounts/", "/accounts/")

    @task(2)
    def list_search(self):
        term = random.choice([self._account()["short_name"][:5], *SEARCH_TERMS])
        self.get("/accounts/", "/accounts/?q=[term]", params={"q": term})

    @task(2)
    def global_search(self):
        term = random.choice([self._account()["name"][5:12], *SEARCH_TERMS])
        self.get("/search/", "/search/?q=[term] (Ctrl+K)", params={"q": term}, headers={"HX-Request": "true"})

    @task(6)
    def account_page(self):
        account = self._account()
        self.get(f"/accounts/{account['id']}/", "/accounts/[id]/")

    @task(2)
    def timeline(self):
        account = self._account()
        self.get(f"/timeline/accounts/{account['id']}/", "/timeline/accounts/[id]/")

    @task(2)
    def log_call(self):
        account = self._account()
        url = f"/timeline/accounts/{account['id']}/new/call/"
        page = self.get(url, "/timeline/accounts/[id]/new/call/ [form]")
        form = form_with(page or "", "summary")
        if form is None:
            return
        now = dt.datetime.now(ZONE).strftime("%Y-%m-%dT%H:%M")
        data = fill(
            form,
            {"summary": "Load test: called about the next delivery and the price list."},
            if_empty={"starts_at": now, "duration_seconds": "180", "talk_seconds": "150"},
        )
        self.post(url, data, "/timeline/accounts/[id]/new/call/ [save]")

    @task(1)
    def create_proposal(self):
        account = self._account()
        url = f"/deals/proposals/accounts/{account['id']}/new/"
        page = self.get(url, "/deals/proposals/accounts/[id]/new/ [form]")
        form = form_with(page or "", "lines")
        if form is None:
            return
        lines = "\n".join(f"{sku}; {random.randint(1, 20)}; ; ; " for sku in random.sample(SKUS, 3))
        data = fill(form, {"title": "Load test: spring delivery", "lines": lines})
        location = self.post(url, data, "/deals/proposals/accounts/[id]/new/ [save]")
        if location:
            self.get(location, "/deals/proposals/[id]/")


class Head(Browser):
    """A head of sales: the team's figures and reports."""

    weight = 1

    def on_start(self):
        self.username = _take(_next_head, HEADS)
        self.sign_in()

    @task(3)
    def team_day(self):
        self.get("/my-day/", "/my-day/ (head)")

    @task(3)
    def portfolio(self):
        self.get("/insights/", "/insights/")

    @task(3)
    def plan_against_actuals(self):
        self.get("/planning/", "/planning/")

    @task(2)
    def activity(self):
        self.get("/timeline/activity/", "/timeline/activity/")

    @task(1)
    def weekly_reports(self):
        self.get("/planning/reports/", "/planning/reports/")

    @task(2)
    def key_accounts(self):
        self.get("/accounts/", "/accounts/?status=key (head)", params={"status": "key"})


class APIClient(HttpUser):
    """An integration reading through the REST API with a bearer token, paging by cursor."""

    weight = 2
    wait_time = between(1, 3)

    def on_start(self):
        path = self.environment.parsed_options.tokens if self.environment.parsed_options else ""
        if not path:
            raise StopUser()
        with open(path, encoding="utf-8") as file:
            tokens = json.load(file)
        username = _take(_next_token, sorted(tokens))
        self.client.headers["Authorization"] = f"Bearer {tokens[username]}"
        self.ids: list[int] = []

    def _get(self, url: str, name: str, params=None) -> dict | None:
        with self.client.get(url, name=name, params=params, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}" if response.status_code else
                                 f"no answer: {response.error!r}"[:300])
                return None
            response.success()
            return response.json()

    @task(2)
    def list_by_cursor(self):
        page = self._get("/api/v1/accounts/", "/api/v1/accounts/ [first page]", {"limit": 100})
        for _ in range(random.randint(1, 4)):
            if not page or not page.get("next"):
                break
            self.ids = [item["id"] for item in page["items"]] or self.ids
            page = self._get("/api/v1/accounts/", "/api/v1/accounts/ [cursor]", {"limit": 100, "cursor": page["next"]})

    @task(3)
    def one_account(self):
        if not self.ids:
            self.list_by_cursor()
            return
        account_id = random.choice(self.ids)
        self._get(f"/api/v1/accounts/{account_id}", "/api/v1/accounts/[id]")
        self._get("/api/v1/contacts/", "/api/v1/contacts/?account_id=[id]", {"account_id": account_id})
