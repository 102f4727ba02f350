"""A day for Anna and a day for Boris (both managers of the team "Key accounts"), one of each item
of My day, on Wednesday 17 June 2026, 10:00 in Moscow (``tests.clock.FROZEN_NOW``)."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import pytest

from keyaccount.contracts import services as contract_services
from keyaccount.deals import services as deal_services
from keyaccount.deals.models import Proposal
from keyaccount.feedback import services as feedback_services
from keyaccount.feedback import support
from keyaccount.feedback.models import Ticket
from keyaccount.insights.models import AccountScore
from keyaccount.planning.models import SalesPlan
from keyaccount.timeline import services as timeline_services
from tests.clock import FROZEN_NOW
from tests.factories import AccountFactory, ContactFactory, OrderFactory, ProductFactory, give_phone

TODAY = FROZEN_NOW.date()


@dataclass
class Day:
    """One manager's records, each named by the text it carries (``"Anna meeting"``)."""

    user: object
    account: object
    records: dict = field(default_factory=dict)


def build_day(user, name: str, *, with_plan: bool = True) -> Day:
    account = AccountFactory(name=f"{name} Steel", owner=user, status="key")
    contact = ContactFactory(account=account, last_name=f"{name}son")
    give_phone(contact, f"+7916555{abs(hash(name)) % 10000:04d}")
    day = Day(user=user, account=account)
    r = day.records
    r["meeting"] = timeline_services.interaction_create(user=user, account=account, data={
        "kind": "meeting", "subject": f"{name} meeting", "starts_at": FROZEN_NOW + dt.timedelta(hours=4),
        "ends_at": FROZEN_NOW + dt.timedelta(hours=5), "place": "Tverskaya 1", "travel_minutes": 40,
        "contacts": [contact]})
    r["later_meeting"] = timeline_services.interaction_create(user=user, account=account, data={
        "kind": "meeting", "subject": f"{name} meeting next week", "starts_at": FROZEN_NOW + dt.timedelta(days=6),
        "contacts": [contact]})
    r["task"] = timeline_services.interaction_create(user=user, account=account, data={
        "kind": "task", "subject": f"{name} task", "due_at": FROZEN_NOW - dt.timedelta(days=1), "assignee": user})
    r["future_task"] = timeline_services.interaction_create(user=user, account=account, data={
        "kind": "task", "subject": f"{name} task next week", "due_at": FROZEN_NOW + dt.timedelta(days=7),
        "assignee": user})
    r["call"] = timeline_services.interaction_create(user=user, account=account, data={
        "kind": "call", "direction": "in", "outcome": "missed", "starts_at": FROZEN_NOW - dt.timedelta(hours=20),
        "their_number": contact.phones.first().number, "contacts": [contact]})
    contract = contract_services.contract_create(user=user, account=account, data={
        "number": f"{name}-1", "subject": "Supply", "starts_on": dt.date(2026, 1, 1), "ends_on": dt.date(2027, 1, 1)})
    r["obligation"] = contract_services.obligation_create(user=user, contract=contract, data={
        "kind": "delivery", "side": "ours", "title": f"{name} obligation", "due_on": TODAY + dt.timedelta(days=2),
        "amount": Decimal("250000")})
    r["their_obligation"] = contract_services.obligation_create(user=user, contract=contract, data={
        "kind": "payment", "side": "client", "title": f"{name} payment", "due_on": TODAY - dt.timedelta(days=5)})
    r["later_obligation"] = contract_services.obligation_create(user=user, contract=contract, data={
        "kind": "delivery", "title": f"{name} obligation in July", "due_on": dt.date(2026, 7, 20)})
    complaint = feedback_services.feedback_create(user=user, account=account, data={
        "subject": f"{name} complaint", "text": "Late pallets"})
    complaint = feedback_services.feedback_resolve(user=user, feedback=complaint, resolution="Second truck sent",
                                                   version=complaint.version)
    r["complaint"] = complaint
    ticket = support.ticket_create(user=user, account=account, contact=contact,
                                   data={"subject": f"{name} ticket", "body": "Login fails"})
    Ticket.objects.filter(pk=ticket.pk).update(response_due=FROZEN_NOW + dt.timedelta(hours=1))
    r["ticket"] = ticket
    calm = support.ticket_create(user=user, account=account, contact=contact,
                                 data={"subject": f"{name} calm ticket", "body": "A question"})
    Ticket.objects.filter(pk=calm.pk).update(response_due=FROZEN_NOW + dt.timedelta(days=3),
                                             resolution_due=FROZEN_NOW + dt.timedelta(days=9))
    common = {"account": account, "currency": "RUB", "repeat_customer": True, "purchase_days": 18,
              "usual_gap_days": 21.0, "total_spend": Decimal("5432198"), "abc": "A", "xyz": "X", "rfm": "245",
              "health_parts": {}}
    AccountScore.objects.create(computed_on=TODAY - dt.timedelta(days=7), days_since_last=20, p_alive=0.9,
                                health=80, **common)
    AccountScore.objects.create(computed_on=TODAY, days_since_last=27, p_alive=0.85, health=55, **common)
    proposal = deal_services.proposal_create(user=user, account=account, data={
        "title": f"{name} proposal", "lines": [{"product": ProductFactory(), "quantity": 2}]})
    Proposal.objects.filter(pk=proposal.pk).update(status="sent", sent_on=TODAY - dt.timedelta(days=20),
                                                   valid_until=TODAY + dt.timedelta(days=3))
    r["proposal"] = proposal
    if with_plan:
        SalesPlan.objects.create(user=user, period_start=TODAY.replace(day=1), amount=Decimal("1000000"),
                                 currency="RUB")
    OrderFactory(account=account, ordered_on=TODAY - dt.timedelta(days=3), total=Decimal("300000"))
    return day


@pytest.fixture
def days(people, frozen_now):
    return {"anna": build_day(people["anna"], "Anna"), "boris": build_day(people["boris"], "Boris")}
