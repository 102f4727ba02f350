"""How a cell of the access matrix (``access_matrix.py``) asks the application: the roles and who
of them sees what of Anna's account, the world of records, and the channels a record reaches a
user through, each of which checks one role's answer for the record's marker and amount."""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import openpyxl
from django.db.models import Model
from django.urls import reverse

from keyaccount.accounts.models import Account
from keyaccount.core.models import Notification, User

ROLES = ("anna", "boris", "head", "other_head", "support", "analyst", "admin")
EVERYONE = frozenset(ROLES)
# Who sees Anna's private account, and who of them sees money (and history: the same roles).
ACCOUNT = frozenset({"anna", "head", "support", "analyst", "admin"})
MONEY = ACCOUNT - {"support"}
# Who may change what they see of Anna's account; support also works the people, the tickets and
# complaints and what it logged itself.
EDITORS = frozenset({"anna", "head", "admin"})
SUPPORT_WORK = EDITORS | {"support"}
# Roles that never see money, whosever it is: not even a catalogue price.
NO_MONEY = frozenset({"support"})

# Amounts written with any grouping a locale uses: "7345678.00", "7 345 678,00", "7,345,678.00".
_GROUP = r"[\s\u00a0\u202f,.'’]?"


def amount_pattern(amount: Decimal) -> re.Pattern:
    digits = f"{int(amount):,}".split(",")
    return re.compile(r"(?<!\d)" + _GROUP.join(digits) + r"(?!\d)")


# --- the world --------------------------------------------------------------------------------


@dataclass
class World:
    """The people, Anna's records by row name, and what the channels need to reach them."""

    people: dict[str, User]
    records: dict[str, Model] = field(default_factory=dict)
    api_secrets: dict[str, str] = field(default_factory=dict)
    calendar_secrets: dict[str, str] = field(default_factory=dict)
    builders: dict[str, Callable[[World], Model]] = field(default_factory=dict)

    @property
    def account(self) -> Account:
        return self.record("Account")

    def record(self, name: str) -> Model:
        """The record of row ``name``, built (once) on first use, so rows may build on each other."""
        if name not in self.records:
            self.records[name] = self.builders[name](self)
        return self.records[name]


# --- channels ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    status: int
    text: str

    def json(self) -> Any:
        return json.loads(self.text)


class Probe:
    """Asks the application as one role (pages through the role's session, the API with its token);
    reads are kept for the module, since every write is rolled back after its test."""

    def __init__(self, world: World, page_clients: dict, api_client):
        self.world = world
        self.page_clients = page_clients
        self.api_client = api_client
        self._answers: dict[tuple, Answer] = {}

    def page(self, role: str, path: str, params: dict | None = None) -> Answer:
        return self._read(("page", role, path, _frozen(params)),
                          lambda: self.page_clients[role].get(path, params or {}))

    def post(self, role: str, path: str, data: dict) -> Answer:
        return _answer(self.page_clients[role].post(path, data))

    def anonymous(self, path: str) -> Answer:
        return self._read(("anonymous", path), lambda: self.api_client.get(path))

    def api(self, role: str, method: str, path: str, *, params: dict | None = None, body: dict | None = None) -> Answer:
        headers = {"HTTP_AUTHORIZATION": f"Bearer {self.world.api_secrets[role]}"}
        if method == "get":
            return self._read(("api", role, path, _frozen(params)),
                              lambda: self.api_client.get(path, params or {}, **headers))
        response = getattr(self.api_client, method)(path, data=json.dumps(body or {}),
                                                     content_type="application/json", **headers)
        return _answer(response)

    def _read(self, key: tuple, fetch: Callable) -> Answer:
        if key not in self._answers:
            self._answers[key] = _answer(fetch())
        return self._answers[key]


def _frozen(params: dict | None) -> tuple:
    return tuple(sorted((params or {}).items()))


def _answer(response) -> Answer:
    content = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    kind = response.get("Content-Type", "")
    if kind.startswith("application/vnd.openxmlformats-officedocument.spreadsheetml"):
        return Answer(response.status_code, _xlsx_text(content))
    if kind.startswith("application/vnd.openxmlformats-officedocument.wordprocessingml"):
        return Answer(response.status_code, _docx_text(content))
    return Answer(response.status_code, content.decode("utf-8", errors="replace"))


def _xlsx_text(content: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return "\n".join("\t".join("" if value is None else str(value) for value in row)
                     for sheet in book.worksheets for row in sheet.iter_rows(values_only=True))


def _docx_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as document:
        return re.sub(r"<[^>]+>", "", document.read("word/document.xml").decode("utf-8"))


Path = Callable[[World], str]
# What identifies a record in a channel's answer: a text, an amount in any grouping, or a text only
# known once the world is built (one with the record's id).
Marker = str | Decimal | Callable[[World], str] | None


def _path(path: str | Path, world: World) -> str:
    return path if isinstance(path, str) else path(world)


@dataclass(frozen=True)
class Channel:
    """One way a record reaches a user. ``audience`` overrides the row's (who should find it here)."""

    name: str
    audience: frozenset | None = None

    def audience_of(self, row: Row) -> frozenset:
        return self.audience if self.audience is not None else row.sees

    def check(self, probe: Probe, row: Row, role: str) -> None:
        raise NotImplementedError


def _where(role: str, row: Row, channel: Channel, detail: str) -> str:
    return f"{role} / {row.name} / {channel.name}: {detail}"


def assert_shown(text: str, row: Row, role: str, visible: bool, *, channel: Channel, where: str, world: World,
                 marker: Marker = None) -> None:
    """The record's marker is in ``text`` exactly when the role may see it there, and a role that
    sees no money never finds the record's amount."""
    found = row.found_in(text, world, marker)
    if visible:
        assert found, _where(role, row, channel, f"{row.describe(world, marker)} missing from {where}")
    else:
        assert not found, _where(role, row, channel, f"{row.describe(world, marker)} leaks into {where}")
    assert_no_amount(text, row, role, channel=channel, where=where)


def assert_no_amount(text: str, row: Row, role: str, *, channel: Channel, where: str) -> None:
    """Whoever may not see the record, and support whatever it sees, never finds its amount."""
    if row.amount is not None and (role not in row.sees or role in NO_MONEY):
        assert not amount_pattern(row.amount).search(text), _where(
            role, row, channel, f"the amount {row.amount} leaks into {where}")


@dataclass(frozen=True)
class Page(Channel):
    """A record's own page (or document: its text is read): 200 with its marker, or 404."""

    path: str | Path = ""
    marker: Marker = None

    def check(self, probe, row, role):
        path = _path(self.path, probe.world)
        answer = probe.page(role, path)
        visible = role in self.audience_of(row)
        assert answer.status == (200 if visible else 404), _where(role, row, self, f"{path} answered {answer.status}")
        if visible:
            assert_shown(answer.text, row, role, True, channel=self, where=path, world=probe.world,
                         marker=self.marker)


@dataclass(frozen=True)
class EditPage(Channel):
    """A form that changes the record (or, with ``parent``, adds one of its kind to what it hangs
    on): 200 for those who may (``writers``, else the row's), 403 for those who see the record (or
    the parent) and may not, 404 for the others."""

    path: str | Path = ""
    writers: frozenset | None = None
    parent: frozenset | None = None

    def check(self, probe, row, role):
        path = _path(self.path, probe.world)
        answer = probe.page(role, path)
        writers = self.writers if self.writers is not None else row.writers
        seers = self.parent if self.parent is not None else self.audience_of(row)
        expected = 200 if role in writers else 403 if role in seers else 404
        assert answer.status == expected, _where(role, row, self, f"{path} answered {answer.status}, "
                                                                  f"expected {expected}")
        assert_no_amount(answer.text, row, role, channel=self, where=path)


@dataclass(frozen=True)
class Shows(Channel):
    """A page that lists or summarises records (a list, a search, an export, the account page, the
    brief, a feed): the marker is there exactly for the audience. A role outside it may get 404 or
    403 instead; never an error."""

    path: str | Path = ""
    params: dict = field(default_factory=dict)
    marker: Marker = None
    api: bool = False

    def check(self, probe, row, role):
        path = _path(self.path, probe.world)
        answer = probe.api(role, "get", path, params=self.params) if self.api else probe.page(role, path, self.params)
        visible = role in self.audience_of(row)
        if visible:
            assert answer.status == 200, _where(role, row, self, f"{path} answered {answer.status}")
        else:
            assert answer.status in (200, 403, 404), _where(role, row, self, f"{path} answered {answer.status}")
        assert_shown(answer.text, row, role, visible, channel=self, where=f"{path} {self.params or ''}".strip(),
                     world=probe.world, marker=self.marker)


@dataclass(frozen=True)
class ApiDetail(Channel):
    """``GET`` of one record through the API: 200 with the record (its id under ``id_key``), or 404.
    ``marker=False``: the answer names the record by its id only."""

    path: str | Path = ""
    id_key: str = "id"
    marker: Marker | bool = None

    def check(self, probe, row, role):
        path = _path(self.path, probe.world)
        answer = probe.api(role, "get", path)
        visible = role in self.audience_of(row)
        assert answer.status == (200 if visible else 404), _where(role, row, self, f"{path} answered {answer.status}")
        if visible:
            assert answer.json()[self.id_key] == row.record(probe.world).pk, _where(role, row, self, "another record")
        if self.marker is False:
            assert_no_amount(answer.text, row, role, channel=self, where=path)
        else:
            assert_shown(answer.text, row, role, visible, channel=self, where=path, world=probe.world,
                         marker=self.marker)


def _ids(payload: Any) -> list[int]:
    items = payload.get("items", payload) if isinstance(payload, dict) else payload
    return [item["id"] for item in items]


@dataclass(frozen=True)
class ApiList(Channel):
    """An API list (or search, with ``params``): the record's id is among the items exactly for the
    audience; the others get it absent (or 404 when the list hangs under a record they may not see)."""

    path: str | Path = ""
    params: dict = field(default_factory=dict)

    def check(self, probe, row, role):
        path = _path(self.path, probe.world)
        answer = probe.api(role, "get", path, params=self.params)
        visible = role in self.audience_of(row)
        where = f"{path} {self.params or ''}".strip()
        if visible:
            assert answer.status == 200, _where(role, row, self, f"{where} answered {answer.status}")
        else:
            assert answer.status in (200, 404), _where(role, row, self, f"{where} answered {answer.status}")
        listed = answer.status == 200 and row.record(probe.world).pk in _ids(answer.json())
        assert listed is visible, _where(role, row, self, f"id {'missing from' if visible else 'listed in'} {where}")
        assert_no_amount(answer.text, row, role, channel=self, where=where)


@dataclass(frozen=True)
class ApiWrite(Channel):
    """A harmless change through the API (``body`` plus the record's ``version`` when it has one), or
    through a page's form with ``page=True``: done (``done``, or the page's redirect) for those who
    may change the record, 403 for
    those who see it and may not, 404 for those who do not see it; on refusal nothing changed.
    ``field`` is read back from the database."""

    method: str = "patch"
    path: str | Path = ""
    body: dict | Callable[[World], dict] = field(default_factory=dict)
    field: str = ""
    writers: frozenset | None = None
    page: bool = False
    # What the API answers a change it made (a form answers with a redirect, 302).
    done: int = 200

    def check(self, probe, row, role):
        record = row.record(probe.world)
        model = type(record)
        path = _path(self.path, probe.world)
        before = model.objects.filter(pk=record.pk).values(self.field).get()[self.field]
        body = dict(self.body(probe.world) if callable(self.body) else self.body)
        if hasattr(record, "version"):
            body["version"] = model.objects.filter(pk=record.pk).values_list("version", flat=True).get()
        answer = probe.post(role, path, body) if self.page else probe.api(role, self.method, path, body=body)
        after = model.objects.filter(pk=record.pk).values(self.field).get()[self.field]
        writers = self.writers if self.writers is not None else row.writers
        if role in writers:
            done = 302 if self.page else self.done
            assert answer.status == done, _where(role, row, self, f"{path} answered {answer.status}: "
                                                                  f"{answer.text[:300]}")
            assert after != before, _where(role, row, self, f"{self.field} did not change")
        else:
            expected = 403 if role in self.audience_of(row) else 404
            assert answer.status == expected, _where(role, row, self, f"{path} answered {answer.status}, "
                                                                      f"expected {expected}")
            assert after == before, _where(role, row, self, f"{self.field} changed although refused")


@dataclass(frozen=True)
class ApiCreate(Channel):
    """A new record of the row's kind on Anna's account (or on ``parent``, the record it hangs on)
    through the API: 201 for those who may add it (``writers``, else the row's), 403 for those who
    see the account and may not, and for those who do not a 404 (or the 422 an id of nothing
    visible gets); on refusal nothing is added. ``count`` counts the account's records of the kind."""

    path: str | Path = ""
    body: Callable[[World], dict] = dict
    count: Callable[[World], int] = len
    writers: frozenset | None = None
    parent: frozenset = ACCOUNT

    def check(self, probe, row, role):
        path = _path(self.path, probe.world)
        before = self.count(probe.world)
        answer = probe.api(role, "post", path, body=self.body(probe.world))
        after = self.count(probe.world)
        if role in (self.writers if self.writers is not None else row.writers):
            assert answer.status == 201, _where(role, row, self, f"{path} answered {answer.status}: "
                                                                 f"{answer.text[:300]}")
            assert after == before + 1, _where(role, row, self, "nothing added")
        else:
            expected = (403,) if role in self.parent else (404, 422)
            assert answer.status in expected, _where(role, row, self, f"{path} answered {answer.status}, "
                                                                      f"expected {' or '.join(map(str, expected))}")
            assert after == before, _where(role, row, self, "added although refused")


@dataclass(frozen=True)
class CalendarFeed(Channel):
    """The role's private calendar feed (``/timeline/calendar/<secret>.ics``): the record's event is
    in the feeds of its people (``audience``) and in nobody else's."""

    marker: Marker = None

    def check(self, probe, row, role):
        secret = probe.world.calendar_secrets[role]
        answer = probe.anonymous(reverse("timeline:calendar_feed", args=[secret]))
        assert answer.status == 200, _where(role, row, self, f"the feed answered {answer.status}")
        # Long iCalendar lines are folded: a marker may be cut by a line break and a space.
        text = answer.text.replace("\r\n ", "").replace("\n ", "")
        assert_shown(text, row, role, role in self.audience_of(row), channel=self, where="the calendar feed",
                     world=probe.world, marker=self.marker)


@dataclass(frozen=True)
class Notified(Channel):
    """The role's notifications (the bell, the reminders delivered over a year): title, text and
    link mention the record for its people (``audience``) and for nobody else."""

    marker: Marker = None

    def check(self, probe, row, role):
        user = probe.world.people[role]
        text = "\n".join(f"{n.title}\n{n.body}\n{n.url}" for n in Notification.objects.filter(user=user))
        assert_shown(text, row, role, role in self.audience_of(row), channel=self, where="the notifications",
                     world=probe.world, marker=self.marker)


# --- rows and exemptions -----------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One record of ``model`` on Anna's account: how to build it, what marks it, who sees it, who
    may change it, and every channel it shows through."""

    name: str
    model: type[Model]
    build: Callable[[World], Model]
    marker: str | Callable[[World], str] = ""
    amount: Decimal | None = None
    sees: frozenset = ACCOUNT
    writers: frozenset = EDITORS
    channels: tuple[Channel, ...] = ()

    def record(self, world: World) -> Model:
        return world.record(self.name)

    def _marker(self, world: World, marker: Marker) -> str | Decimal:
        marker = marker or self.marker or self.amount
        return marker(world) if callable(marker) else marker

    def found_in(self, text: str, world: World, marker: Marker = None) -> bool:
        marker = self._marker(world, marker)
        if isinstance(marker, Decimal):
            return bool(amount_pattern(marker).search(text))
        return marker in text

    def describe(self, world: World, marker: Marker = None) -> str:
        marker = self._marker(world, marker)
        return f"the amount {marker}" if isinstance(marker, Decimal) else f"«{marker}»"


@dataclass(frozen=True)
class Exempt:
    model: type[Model]
    reason: str
