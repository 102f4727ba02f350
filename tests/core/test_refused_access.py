"""A role that sees a record but may not change it gets one answer wherever it tries: the 403 page
with the service's message, for the form it opens and for what it posts (good data or bad, from a
page or from HTMX), and nothing is saved or audited. The same data from a role that may write goes
through, so the refusal is about the role and never about the data.

Refused access is answered in one place, Django's handler403 (``core.views.permission_denied``) for
pages and ``core.api``'s handler for the API: no view or endpoint catches ``AccessDenied`` by hand."""

from __future__ import annotations

import ast
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

import keyaccount
from keyaccount.accounts.models import Account, Competitor, ContactConsent
from keyaccount.core.errors import AccessDenied
from keyaccount.core.models import AuditEntry
from keyaccount.deals import services as deal_services
from keyaccount.deals.models import Deal, Stage
from tests.factories import AccountFactory, ContactFactory


@pytest.fixture
def world(people, anna_account):
    """Anna's account with a person and a deal on it, an account of hers with nothing on it, and a
    stage of the pipeline."""
    contact = ContactFactory(account=anna_account, last_name="Petrova")
    deal = deal_services.deal_create(user=people["anna"], account=anna_account, data={
        "title": "Boiler house", "amount": Decimal("2500000")})
    return {"account": anna_account, "contact": contact, "deal": deal, "stage": Stage.objects.get(code="needs"),
            "empty_account": AccountFactory(name="OOO Empty Shell", owner=people["anna"])}


@dataclass(frozen=True)
class Write:
    """A write that ``refused`` sees the record for but may not make, and ``writer`` may."""

    refused: str
    writer: str
    url: Callable[[dict], str]
    data: Callable[[dict], dict]
    done: Callable[[dict], bool]
    has_form_page: bool = True


WRITES = {
    "support edits an account": Write(
        refused="support", writer="anna",
        url=lambda w: reverse("accounts:account_edit", args=[w["account"].pk]),
        data=lambda w: {"name": "Severstal Renamed", "status": w["account"].status, "country": "RU",
                        "inn": w["account"].inn, "version": w["account"].version},
        done=lambda w: Account.objects.filter(name="Severstal Renamed").exists()),
    "an analyst deletes an account": Write(
        refused="analyst", writer="head",
        url=lambda w: reverse("accounts:account_delete", args=[w["empty_account"].pk]),
        data=lambda w: {},
        done=lambda w: not Account.objects.filter(pk=w["empty_account"].pk).exists(),
        has_form_page=False),
    "a manager changes a stage of the pipeline": Write(
        refused="anna", writer="head",
        url=lambda w: reverse("deals:stage_edit", args=[w["stage"].pk]),
        data=lambda w: {"code": w["stage"].code, "name": "Needs, confirmed", "position": w["stage"].position,
                        "probability": w["stage"].probability, "outcome": w["stage"].outcome, "is_active": "on",
                        "version": w["stage"].version},
        done=lambda w: Stage.objects.filter(name="Needs, confirmed").exists()),
    "an analyst moves a deal": Write(
        refused="analyst", writer="anna",
        url=lambda w: reverse("deals:deal_move", args=[w["deal"].pk]),
        data=lambda w: {"stage": w["stage"].pk, "version": w["deal"].version},
        done=lambda w: Deal.objects.get(pk=w["deal"].pk).stage_id == w["stage"].pk),
    "an analyst adds a competitor": Write(
        refused="analyst", writer="anna",
        url=lambda w: reverse("accounts:competitor_create"),
        data=lambda w: {"name": "Rival Steel"},
        done=lambda w: Competitor.objects.filter(name="Rival Steel").exists()),
    "an analyst records a person's consent": Write(
        refused="analyst", writer="anna",
        url=lambda w: reverse("accounts:consent_add", args=[w["contact"].pk]),
        data=lambda w: {"purpose": "surveys", "given_on": dt.date(2026, 1, 10).isoformat(), "source": "signed form",
                        "text_version": "1"},
        done=lambda w: ContactConsent.objects.filter(contact=w["contact"]).exists(),
        has_form_page=False),
}


def assert_refused(response) -> None:
    """The one answer to a refused write: the 403 page with the service's message."""
    assert response.status_code == 403
    assert "core/forbidden.html" in [template.name for template in response.templates]
    assert str(AccessDenied()) in response.content.decode()


@pytest.mark.parametrize("case", list(WRITES))
def test_a_refused_write_gets_the_403_page_and_changes_nothing(case, world, people, client_for):
    write = WRITES[case]
    client = client_for(people[write.refused])
    url, data = write.url(world), write.data(world)
    audited = AuditEntry.objects.count()
    if write.has_form_page:
        assert_refused(client.get(url))
    assert_refused(client.post(url, data))
    assert_refused(client.post(url, {}))  # bad data: refused all the same, never the form's field errors
    assert_refused(client.post(url, data, HTTP_HX_REQUEST="true"))
    assert not write.done(world)
    assert AuditEntry.objects.count() == audited
    response = client_for(people[write.writer]).post(url, data)
    assert response.status_code == 302 and write.done(world), "the data itself is good"


def test_an_edit_form_the_role_may_use_still_shows(world, people, client_for):
    response = client_for(people["anna"]).get(reverse("accounts:account_edit", args=[world["account"].pk]))
    assert response.status_code == 200 and "core/form.html" in [template.name for template in response.templates]


def test_a_record_the_user_may_not_see_stays_not_found(world, people, client_for):
    """Boris sees none of Anna's private account: its edit page does not exist for him (404), as
    before; the 403 is for what one sees but may not do."""
    client = client_for(people["boris"])
    assert client.get(reverse("accounts:account_edit", args=[world["account"].pk])).status_code == 404
    assert client.post(reverse("deals:deal_move", args=[world["deal"].pk]),
                       {"stage": world["stage"].pk}).status_code == 404


def _catches(handler: ast.ExceptHandler, names: set[str]) -> bool:
    caught = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any((node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", None)) in names
               for node in caught if node is not None)


# The modules that answer HTTP requests: pages, the shared views, the admin site, the API.
WEB_EDGES = ("views.py", "generic.py", "admin.py", "api.py", "notifications_api.py")


def test_no_page_or_api_endpoint_catches_a_refusal_by_hand():
    """AccessDenied (a PermissionDenied) goes up to the one handler of its edge; the API's handler in
    ``core/api.py`` is registered by decorator and catches nothing itself."""
    root = Path(keyaccount.__file__).parent
    edges = sorted(path for path in root.rglob("*.py") if path.name in WEB_EDGES)
    assert len(edges) > 20, "the scan must see the apps' views and APIs"
    found = [f"{path.relative_to(root)}:{node.lineno}"
             for path in edges
             for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
             if isinstance(node, ast.ExceptHandler) and node.type is not None
             and _catches(node, {"AccessDenied", "PermissionDenied"})]
    assert found == []
