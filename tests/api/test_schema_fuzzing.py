"""Every operation of the REST API, driven by schemathesis from its own OpenAPI document, as a key-account
manager, a head of sales, an analyst and a support agent: whatever the schema allows, the answer is a 2xx
or a 4xx the document declares, in the declared shape — never a server error — and what the schema
forbids is refused.

Half of the generated requests address records that exist (the ids in the path are pinned to a small
company built once per module), so the operations run their real code, not only their 404. The seed is
fixed (``derandomize``) and the number of examples bounded (``KAM_FUZZ_EXAMPLES``, 8 by default), so a
failure reproduces on every run.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from decimal import Decimal

import pytest
import schemathesis
from django.core.exceptions import ValidationError
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from ninja.errors import ValidationError as NinjaValidationError
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from keyaccount.api.urls import api
from keyaccount.core.choices import Role

EXAMPLES = int(os.environ.get("KAM_FUZZ_EXAMPLES", "8"))
ROLES = ("kam", "head", "analyst", "support")
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          negative_data_rejection]

SCHEMA = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1/"))
OPERATIONS = [operation.ok() for operation in SCHEMA.get_all_operations()]


def _label(operation) -> str:
    return f"{operation.method.upper()} {operation.path}"


@pytest.fixture(scope="module")
def company(django_db_setup, django_db_blocker):
    """One of each record, belonging to the KAM's account, built once for the module and rolled back at
    its end (each test runs in a savepoint inside this transaction)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _build_company()
        transaction.set_rollback(True)


def _build_company() -> dict:
    from keyaccount.accounts.models import ContactConsent, ContactEmail
    from keyaccount.accounts.services import account_competitor_link, financials_save
    from keyaccount.contracts import services as contract_services
    from keyaccount.core import services as core_services
    from keyaccount.core.models import Notification
    from keyaccount.deals import services as deal_services
    from keyaccount.feedback import services as feedback_services
    from keyaccount.feedback import support, surveys
    from keyaccount.loyalty import services as loyalty_services
    from keyaccount.planning import services as planning_services
    from keyaccount.timeline import services as timeline_services
    from tests.factories import (
        AccountFactory,
        CompetitorFactory,
        ContactFactory,
        OrderFactory,
        OrderLineFactory,
        ProductFactory,
        TeamFactory,
        UserFactory,
        give_phone,
        give_roles,
    )

    team = TeamFactory(name="Fuzzers")
    users = {
        "kam": UserFactory(username="fuzz_kam", role=Role.KAM, team=team, email="kam@example.com"),
        "head": UserFactory(username="fuzz_head", role=Role.HEAD, team=team, email="head@example.com"),
        "analyst": UserFactory(username="fuzz_analyst", role=Role.ANALYST),
        "support": UserFactory(username="fuzz_support", role=Role.SUPPORT),
    }
    kam = users["kam"]
    account = AccountFactory(name="OOO Fuzz Target", owner=kam)
    contact = ContactFactory(account=account, last_name="Orlova", first_name="Vera")
    give_roles(contact, "decision_maker", "user")
    give_phone(contact, "+79161234567")
    ContactEmail.objects.create(contact=contact, email="orlova@example.com")
    ContactConsent.objects.create(contact=contact, purpose="surveys", given_on=dt.date(2026, 1, 1), source="form",
                                  text_version="1")
    product = ProductFactory()
    order = OrderFactory(account=account)
    OrderLineFactory(order=order, product=product)
    competitor = CompetitorFactory()
    account_competitor_link(user=kam, account=account, competitor=competitor)
    financials = financials_save(user=kam, account=account, data={"year": 2025, "revenue": Decimal("1000000")})
    now = timezone.now()
    meeting = timeline_services.interaction_create(user=kam, account=account, data={
        "kind": "meeting", "subject": "Price review", "starts_at": now + dt.timedelta(days=2),
        "meeting_status": "planned", "contacts": [contact.pk]})
    deal = deal_services.deal_create(user=kam, account=account, data={"title": "Boilers", "amount": Decimal("500000")})
    proposal = deal_services.proposal_create(user=kam, account=account, data={
        "title": "Offer", "deal": deal, "lines": [{"product": product, "quantity": 2}]})
    contract = contract_services.contract_create(user=kam, account=account, data={
        "number": "F-1", "subject": "Supply", "starts_on": dt.date(2026, 1, 1)})
    obligation = contract_services.obligation_create(user=kam, contract=contract, data={
        "kind": "payment", "title": "Advance", "due_on": dt.date(2026, 2, 1)})
    sales_plan = planning_services.plan_create(user=users["head"], data={
        "user": kam, "period_kind": "month", "period_start": dt.date(2026, 1, 1), "amount": Decimal("1000000")})
    account_plan = planning_services.account_plan_create(user=kam, account=account, data={"year": 2026})
    initiative = planning_services.initiative_save(user=kam, plan=account_plan, data={"title": "Second plant"})
    report = planning_services.report_prepare(user=kam, week_start=dt.date(2026, 11, 16))
    feedback = feedback_services.feedback_create(user=kam, account=account, data={
        "subject": "Late pallets", "text": "Twice this month"})
    ticket = support.ticket_create(user=kam, account=account, contact=contact, data={
        "subject": "Login fails", "body": "Since Monday"})
    survey = surveys.survey_send(user=kam, account=account, contact=contact)
    link = feedback_services.link_create(user=kam, account=account, contact=contact)
    event = loyalty_services.event_create(user=users["head"], data={
        "title": "Club dinner", "starts_at": now + dt.timedelta(days=20)})
    from keyaccount.loyalty.models import Tier

    loyalty_services.tier_override(user=users["head"], account=account, reason="Founding client",
                                   tier=Tier.objects.get(is_vip_club=True))
    [invitation] = loyalty_services.invite(user=users["head"], event=event, contacts=[contact])
    for user in users.values():
        Notification.objects.create(user=user, title="Reminder", body="Price review")
    tokens = {role: core_services.token_create(user=user)[1] for role, user in users.items()}
    return {
        "users": users, "tokens": tokens,
        "ids": {
            "account_id": account.pk, "contact_id": contact.pk, "product_id": product.pk, "order_id": order.pk,
            "competitor_id": competitor.pk, "financials_id": financials.pk, "interaction_id": meeting.pk,
            "deal_id": deal.pk, "proposal_id": proposal.pk, "contract_id": contract.pk,
            "obligation_id": obligation.pk, "initiative_id": initiative.pk, "report_id": report.pk,
            "feedback_id": feedback.pk, "ticket_id": ticket.pk, "survey_id": survey.pk, "event_id": event.pk,
            "invitation_id": invitation.pk,
            "notification_id": Notification.objects.filter(user=kam).values_list("pk", flat=True).first(),
            "group": Notification.objects.filter(user=kam).values_list("group", flat=True).first(),
        },
        # Names that mean different records under different paths.
        "by_prefix": {
            "plan_id": {"/api/v1/plans/": sales_plan.pk, "/api/v1/account-plans/": account_plan.pk},
            "token": {"/api/v1/surveys/": surveys.token(survey),
                      "/api/v1/feedback/": feedback_services.link_token(link)},
        },
    }


def _existing_ids(operation, company: dict) -> dict:
    names = re.findall(r"{(\w+)}", operation.path)
    ids = {}
    for name in names:
        if name in company["by_prefix"]:
            ids[name] = next(value for prefix, value in company["by_prefix"][name].items()
                             if operation.path.startswith(prefix))
        else:
            ids[name] = company["ids"][name]
    return ids


@pytest.fixture(scope="module")
def wsgi_schema():
    """The API served in this process (same database connection, inside the test's transaction). As
    Django's own test client does, requests do not close the connection when they end: that would end
    the test's transaction on PostgreSQL."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.parametrize("operation", OPERATIONS, ids=_label)
def test_every_operation_answers_as_documented_for_every_role(operation, company, wsgi_schema, db,
                                                              settings_for_fuzzing, refusals):
    bound = wsgi_schema[operation.path][operation.method.upper()]
    strategies = [bound.as_strategy(GenerationMode.POSITIVE), bound.as_strategy(GenerationMode.NEGATIVE)]
    if "{" in operation.path:
        strategies.append(bound.as_strategy(GenerationMode.POSITIVE,
                                            path_parameters=_existing_ids(operation, company)))

    # Each request goes out once per role (the generation is the costly part, not the request). No
    # shrinking: a failure is reported as found, with its curl command, not minimised at the cost of
    # hundreds of further requests.
    @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=st.one_of(strategies))
    def run(case):
        for role in ROLES:
            headers = {"Authorization": f"Bearer {company['tokens'][role]}"}
            refusals.clear()
            response = case.call(headers=headers)
            try:
                case.validate_response(response, checks=CHECKS, headers=headers)
                if case.meta.generation.mode == GenerationMode.POSITIVE and response.status_code == 422:
                    _assert_refused_for_a_rule_the_schema_cannot_say(case, refusals)
            except BaseException as error:
                error.add_note(f"Requested as the {role} ({company['users'][role].username}).")
                raise

    run()


# Why a field was refused, when the schema could have said so: a length, a range, a choice, a format.
SCHEMA_EXPRESSIBLE = {"max_length", "min_length", "max_value", "min_value", "invalid_choice", "max_digits",
                      "max_decimal_places", "max_whole_digits", "invalid", "date_out_of_span"}


def _assert_refused_for_a_rule_the_schema_cannot_say(case, refusals):
    """A request the schema allows may still break a business rule (a contact of another account, a
    period that ends before it starts) — but not a rule the schema could have stated itself."""
    for origin, codes in refusals:
        assert origin != "edge", (f"the schema allows what the API's own validation refuses ({sorted(codes)}): "
                                  f"{case.as_curl_command()}")
        assert not codes & SCHEMA_EXPRESSIBLE, (f"the schema allows what the model refuses "
                                                f"({sorted(codes & SCHEMA_EXPRESSIBLE)}): {case.as_curl_command()}")


@pytest.fixture
def refusals(monkeypatch):
    """What each 422 refused: at the edge (the schema's own validation) or in the model or a service,
    with the Django validation codes."""
    seen: list[tuple[str, set[str]]] = []
    handlers = api._exception_handlers

    def recording(origin, handler, codes_of):
        def handle(request, exc):
            seen.append((origin, codes_of(exc)))
            return handler(request, exc)
        return handle

    monkeypatch.setitem(handlers, NinjaValidationError, recording("edge", handlers[NinjaValidationError],
                                                                  _edge_reasons))
    monkeypatch.setitem(handlers, ValidationError, recording("model", handlers[ValidationError], _codes))
    return seen


def _edge_reasons(error: NinjaValidationError) -> set[str]:
    return {f"{'.'.join(map(str, item.get('loc', ())))}: {item.get('msg')}" for item in error.errors}


def _codes(error: ValidationError) -> set[str]:
    errors = error.error_dict.values() if hasattr(error, "error_dict") else [error.error_list]
    return {item.code for group in errors for item in group if item.code}


@pytest.fixture
def settings_for_fuzzing(settings):
    # Throttles count per token; the fuzzer's few hundred calls must not turn into 429s.
    settings.KAM_API_RATE = "100000/m"
    return settings
