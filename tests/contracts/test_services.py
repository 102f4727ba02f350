"""Contracts under control: obligations inside the contract's term, reminders before the due day,
overdue alerts to the manager and the head of sales the morning after, notice-date reminders,
all in the calendar feed; fulfilling an obligation withdraws what is still to come."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from keyaccount.contracts import queries, services
from keyaccount.contracts.models import Obligation
from keyaccount.core.models import Notification
from keyaccount.timeline import calendar, reminders
from keyaccount.timeline.models import Reminder
from tests.factories import OrderFactory

MOSCOW = dt.timezone(dt.timedelta(hours=3))
TODAY = dt.date(2026, 12, 1)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=MOSCOW)


@pytest.fixture
def contract(people, anna_account):
    anna = people["anna"]
    anna.email = "anna@example.ru"
    anna.save()
    return services.contract_create(user=anna, account=anna_account, data={
        "number": "12/2026-П", "subject": "Supply and service of pumping stations", "value": Decimal("4800000"),
        "starts_on": dt.date(2026, 1, 1), "ends_on": dt.date(2027, 3, 31), "notice_days": 30,
        "remind_days_before": 14})


def test_an_obligation_cannot_be_due_before_the_contract_starts(people, contract):
    with pytest.raises(ValidationError) as error:
        services.obligation_create(user=people["anna"], contract=contract, data={
            "kind": "delivery", "title": "First delivery", "due_on": dt.date(2025, 12, 20)})
    assert "2026-01-01" in error.value.message_dict["due_on"][0]
    assert not Obligation.objects.exists()


def test_orders_linked_to_an_obligation_belong_to_the_contract_account(people, contract):
    foreign = OrderFactory()
    with pytest.raises(ValidationError) as error:
        services.obligation_create(user=people["anna"], contract=contract, data={
            "kind": "payment", "title": "Advance", "due_on": dt.date(2026, 12, 10), "orders": [foreign.pk]})
    assert "orders" in error.value.message_dict
    own = OrderFactory(account=contract.account)
    obligation = services.obligation_create(user=people["anna"], contract=contract, data={
        "kind": "payment", "title": "Advance", "due_on": dt.date(2026, 12, 10), "orders": [own.pk]})
    assert list(obligation.orders.all()) == [own]


# The dates are fixed, and reminders are only made for days still to come: run before them.
@pytest.mark.usefixtures("frozen_now")
def test_reminders_before_on_and_after_the_due_day_reach_the_right_people(people, contract):
    due = dt.date(2026, 12, 10)
    services.obligation_create(user=people["anna"], contract=contract, data={
        "kind": "delivery", "title": "Deliver pumps, batch 2", "due_on": due, "remind_days_before": 3})
    rows = sorted((r.user.username, r.remind_at) for r in Reminder.objects.filter(source="obligation"))
    assert rows == sorted([("anna", at(due - dt.timedelta(days=3), 9)), ("anna", at(due, 9)),
                           ("anna", at(due + dt.timedelta(days=1), 9)), ("head", at(due + dt.timedelta(days=1), 9))])
    assert reminders.deliver_due(now=at(due - dt.timedelta(days=3), 9, 1)).sent == 1
    assert [n.title for n in Notification.objects.all()] == ["Due 12/10/2026: Deliver pumps, batch 2, "
                                                             "OOO Severstal Trade"]
    # Nothing more until the morning after the due day; then the overdue alert to Anna and her head.
    assert reminders.deliver_due(now=at(due, 8, 0)).sent == 0
    assert reminders.deliver_due(now=at(due, 9, 1)).sent == 1
    assert reminders.deliver_due(now=at(due + dt.timedelta(days=1), 9, 1)).sent == 2
    overdue = Notification.objects.filter(title__startswith="Overdue since 12/10/2026")
    assert sorted(n.user.username for n in overdue) == ["anna", "head"]


def test_fulfilling_an_obligation_withdraws_its_overdue_alert(people, contract):
    due = dt.date(2026, 12, 10)
    obligation = services.obligation_create(user=people["anna"], contract=contract, data={
        "kind": "acceptance", "title": "Acceptance act", "due_on": due})
    services.obligation_fulfil(user=people["anna"], obligation=obligation, evidence="Act № 45 signed")
    assert not Reminder.objects.filter(source="obligation", state="pending").exists()
    assert reminders.deliver_due(now=at(due + dt.timedelta(days=1), 9, 1)).sent == 0
    obligation.refresh_from_db()
    assert obligation.done_on == timezone.localdate() and obligation.evidence == "Act № 45 signed"


def test_an_alert_written_before_the_obligation_was_done_is_not_sent_after(people, contract):
    due = dt.date(2026, 12, 10)
    obligation = services.obligation_create(user=people["anna"], contract=contract, data={
        "kind": "report", "title": "Quarterly SLA report", "due_on": due})
    Obligation.objects.filter(pk=obligation.pk).update(status="done")  # e.g. fixed in bulk, no service
    assert reminders.deliver_due(now=at(due + dt.timedelta(days=1), 9, 1)).sent == 0
    assert not Notification.objects.exists()


# The dates are fixed, and reminders are only made for days still to come: run before them.
@pytest.mark.usefixtures("frozen_now")
def test_the_notice_date_is_reminded_to_the_manager_and_the_head(people, contract):
    notice = dt.date(2027, 3, 1)  # 30 days before the end on 31 March
    rows = sorted((r.user.username, r.remind_at) for r in Reminder.objects.filter(source="contract_notice"))
    assert rows == sorted([("anna", at(notice - dt.timedelta(days=14), 9)), ("head", at(notice - dt.timedelta(
        days=14), 9)), ("anna", at(notice, 9)), ("head", at(notice, 9))])
    assert reminders.deliver_due(now=at(notice - dt.timedelta(days=14), 9, 1)).sent == 2
    title = Notification.objects.filter(user=people["anna"]).get().title
    assert title == "Contract № 12/2026-П with OOO Severstal Trade ends on 03/31/2027: notice or renewal by " \
                    "03/01/2027"
    # Terminating the contract withdraws the reminder on the day itself.
    services.contract_update(user=people["anna"], contract=contract, data={"status": "terminated"}, version=None)
    assert reminders.deliver_due(now=at(notice, 9, 1)).sent == 0


def test_deadlines_join_the_calendar_feed(people, contract):
    services.obligation_create(user=people["anna"], contract=contract, data={
        "kind": "payment", "title": "Advance payment", "due_on": timezone.localdate() + dt.timedelta(days=5)})
    services.contract_update(user=people["anna"], contract=contract, version=None, data={
        "ends_on": timezone.localdate() + dt.timedelta(days=60)})
    feed = calendar.calendar_for(people["anna"]).decode()
    assert "Advance payment" in feed and "obligation-" in feed
    assert f"contract-notice-{contract.pk}@keyaccount" in feed


def test_a_contract_starting_after_its_obligations_is_refused(people, contract):
    services.obligation_create(user=people["anna"], contract=contract, data={
        "kind": "delivery", "title": "Batch 1", "due_on": dt.date(2026, 2, 1)})
    with pytest.raises(ValidationError) as error:
        services.contract_update(user=people["anna"], contract=contract, data={"starts_on": dt.date(2026, 3, 1)},
                                 version=None)
    assert "Batch 1" in error.value.message_dict["starts_on"][0]


def test_the_daily_pass_renews_self_renewing_contracts_and_ends_the_others(people, anna_account):
    renewing = services.contract_create(user=people["anna"], account=anna_account, data={
        "number": "R-1", "subject": "Service", "starts_on": dt.date(2025, 1, 1), "ends_on": dt.date(2025, 12, 31),
        "auto_renewal": True, "renewal_months": 12})
    ending = services.contract_create(user=people["anna"], account=anna_account, data={
        "number": "E-1", "subject": "Supply", "starts_on": dt.date(2025, 1, 1), "ends_on": dt.date(2026, 10, 31)})
    assert services.contracts_roll_over(today=TODAY) == {"renewed": 1, "ended": 1}
    renewing.refresh_from_db()
    ending.refresh_from_db()
    assert (renewing.ends_on, renewing.status) == (dt.date(2026, 12, 31), "active")
    assert ending.status == "ended"
    assert services.contracts_roll_over(today=TODAY) == {"renewed": 0, "ended": 0}
    assert services.add_months(dt.date(2027, 1, 31), 1) == dt.date(2027, 2, 28)
    assert services.add_months(dt.date(2026, 11, 30), 1) == dt.date(2026, 12, 31)
    assert services.add_months(dt.date(2026, 1, 15), 14) == dt.date(2027, 3, 15)


def test_sent_proposals_past_their_validity_expire(people, anna_account):
    from keyaccount.deals import services as deal_services
    from tests.factories import ProductFactory

    proposal = deal_services.proposal_create(user=people["anna"], account=anna_account, data={
        "title": "Offer", "valid_until": dt.date(2026, 12, 5), "lines": [{"product": ProductFactory(), "quantity": 1}]})
    deal_services.proposal_update(user=people["anna"], proposal=proposal, version=None,
                                  data={"status": "sent", "sent_on": dt.date(2026, 11, 1)})
    assert deal_services.expire_proposals(today=TODAY) == 0
    assert deal_services.expire_proposals(today=dt.date(2026, 12, 6)) == 1
    proposal.refresh_from_db()
    assert proposal.status == "expired"


@pytest.mark.usefixtures("frozen_now")
def test_an_obligation_due_on_a_day_off_is_due_on_the_next_working_day(people, contract):
    # Due on Saturday 21 November 2026: not overdue on Monday the 23rd (its due day by the Civil Code),
    # overdue on Tuesday; the alert comes on Tuesday morning, never on Sunday.
    obligation = services.obligation_create(user=people["anna"], contract=contract, data={
        "kind": "delivery", "title": "Saturday delivery", "due_on": dt.date(2026, 11, 21),
        "remind_days_before": 0})
    monday, tuesday = dt.date(2026, 11, 23), dt.date(2026, 11, 24)
    assert not queries.obligation_list(people["anna"], {"due": "overdue"}, today=monday).filter(pk=obligation.pk)
    assert queries.obligation_list(people["anna"], {"due": "soon"}, today=monday).filter(pk=obligation.pk)
    assert list(queries.obligation_list(people["anna"], {"due": "overdue"}, today=tuesday)) == [obligation]
    days = {(r.key.rsplit(":", 1)[1], timezone.localtime(r.remind_at).date())
            for r in Reminder.objects.filter(source="obligation", object_id=obligation.pk, user=people["anna"])}
    assert days == {("d0", monday), ("d-1", tuesday)}
