"""The feedback loop's rules: every step in order, no closing before the client was told, SLA
deadlines and their reminders, and the KPIs computed exactly on a known set of records."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from keyaccount.core.errors import AccessDenied, ConflictError
from keyaccount.core.models import AuditEntry, Notification
from keyaccount.feedback import queries, reminders, services
from keyaccount.feedback.models import Feedback, FeedbackCategory
from keyaccount.timeline.models import Interaction, Reminder
from tests.factories import AccountFactory


def complaint(user, account, **data):
    return services.feedback_create(user=user, account=account, data={
        "subject": "Late delivery", "text": "The pallets came two days late.", **data})


def test_a_complaint_walks_the_loop_and_each_step_is_audited_and_on_the_timeline(people, anna_account, anna_contact,
                                                                                   frozen_now):
    anna = people["anna"]
    record = complaint(anna, anna_account, contact=anna_contact, severity="high")
    assert record.status == "new" and record.assignee == anna
    # High: 8 and 72 working hours from Wednesday 17 June 2026, 10:00 (09:00–18:00, Moscow; 12 June is
    # behind): the same day's end, 18:00, and 8 + seven 9-hour days + 1, Monday 29 June 10:00.
    assert record.response_due == frozen_now.replace(hour=18)
    assert record.resolution_due == frozen_now.replace(day=29, hour=10)
    record = services.feedback_respond(user=anna, feedback=record, note="We are on it", version=record.version)
    assert record.status == "in_progress" and record.first_response_at is not None
    record = services.feedback_resolve(user=anna, feedback=record, resolution="Second truck sent; 5 % discount",
                                       version=record.version)
    assert record.status == "resolved"
    record = services.feedback_inform(user=anna, feedback=record, via="call", reaction="satisfied",
                                      note="Thanked us", version=record.version)
    assert record.status == "informed" and record.informed_by == anna
    record = services.feedback_close(user=anna, feedback=record, version=record.version)
    assert record.status == "closed" and record.closed_at is not None
    assert AuditEntry.objects.filter(object_id=record.pk, content_type__model="feedback").count() == 5
    subjects = list(Interaction.objects.filter(account=anna_account).values_list("subject", flat=True))
    assert any("Complaint received" in s for s in subjects) and any("Client informed" in s for s in subjects)


def test_closing_is_refused_until_the_client_was_told(people, anna_account):
    anna = people["anna"]
    record = complaint(anna, anna_account)
    with pytest.raises(ValidationError, match="not been told the outcome"):
        services.feedback_close(user=anna, feedback=record, version=record.version)
    record = services.feedback_resolve(user=anna, feedback=record, resolution="Fixed", version=record.version)
    with pytest.raises(ValidationError, match="not been told the outcome"):
        services.feedback_close(user=anna, feedback=record, version=record.version)
    record.refresh_from_db()
    assert record.status == "resolved" and record.closed_at is None


def test_the_client_is_told_only_after_a_resolution_and_not_through_a_form(people, anna_account):
    anna = people["anna"]
    record = complaint(anna, anna_account)
    with pytest.raises(ValidationError) as error:
        services.feedback_inform(user=anna, feedback=record, via="web_form", version=record.version)
    assert "__all__" in error.value.message_dict and "informed_via" in error.value.message_dict


def test_a_suggestion_needs_its_outcome_and_a_declined_one_its_reason(people, anna_account):
    anna = people["anna"]
    idea = complaint(anna, anna_account, kind="suggestion", subject="Deliver on Saturdays")
    with pytest.raises(ValidationError) as error:
        services.feedback_resolve(user=anna, feedback=idea, resolution="Discussed", version=idea.version)
    assert "outcome" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.feedback_resolve(user=anna, feedback=idea, resolution="Discussed", outcome="declined",
                                  version=idea.version)
    assert "outcome_reason" in error.value.message_dict
    idea = services.feedback_resolve(user=anna, feedback=idea, resolution="In the plan for Q3", outcome="accepted",
                                     version=idea.version)
    assert idea.outcome == "accepted" and idea.status == "resolved"


def test_a_stale_version_is_a_conflict_and_analysts_only_read(people, anna_account):
    record = complaint(people["anna"], anna_account)
    with pytest.raises(ConflictError):
        services.feedback_respond(user=people["anna"], feedback=record, version=record.version + 1)
    with pytest.raises(AccessDenied):
        complaint(people["analyst"], anna_account)


def test_related_records_must_be_the_same_accounts(people, anna_account, shared_account):
    other = complaint(people["anna"], shared_account)
    with pytest.raises(ValidationError) as error:
        complaint(people["anna"], anna_account, contact=other.account.contacts.create(last_name="X", first_name="Y"))
    assert "contact" in error.value.message_dict


def test_sla_reminders_go_to_the_assignee_and_breaches_to_the_heads(people, anna_account, frozen_now):
    record = complaint(people["anna"], anna_account, severity="critical")
    rows = {(r.user.username, r.key.rsplit(":", 1)[1], r.key.split(":")[1].split("@")[0])
            for r in Reminder.objects.filter(source=reminders.SOURCE, object_id=record.pk).select_related("user")}
    assert rows == {("anna", "soon", "response"), ("anna", "breach", "response"), ("head", "breach", "response"),
                    ("anna", "soon", "resolution"), ("anna", "breach", "resolution"),
                    ("head", "breach", "resolution")}
    soon = Reminder.objects.get(source=reminders.SOURCE, object_id=record.pk, key__contains="response", user=people[
        "anna"], key__endswith=":soon")
    # A quarter of the two-hour window ahead: 30 minutes before the deadline.
    assert record.response_due - soon.remind_at == dt.timedelta(minutes=30)
    services.feedback_respond(user=people["anna"], feedback=record, version=record.version)
    assert not Reminder.objects.filter(source=reminders.SOURCE, object_id=record.pk, key__contains="response").exists()


def test_a_resolved_complaint_reminds_to_tell_the_client_a_working_day_later(people, anna_account, frozen_now):
    record = complaint(people["anna"], anna_account)
    record = services.feedback_resolve(user=people["anna"], feedback=record, resolution="Fixed", version=record.version)
    inform = Reminder.objects.get(source=reminders.SOURCE, object_id=record.pk, key__contains=":inform@")
    assert inform.remind_at == frozen_now + dt.timedelta(days=1)
    services.feedback_inform(user=people["anna"], feedback=record, via="email", version=record.version)
    assert not Reminder.objects.filter(source=reminders.SOURCE, object_id=record.pk).exists()


def test_a_complaint_on_friday_evening_is_due_in_working_hours_not_at_night(people, anna_account):
    zone = timezone.get_current_timezone()
    friday = dt.datetime(2026, 11, 20, 17, tzinfo=zone)
    with time_machine.travel(friday + dt.timedelta(minutes=1), tick=False):
        record = complaint(people["anna"], anna_account, severity="high", received_at=friday)
    # 8 working hours (09:00–18:00, no lunch break): Friday 17–18, then Monday 09:00–16:00.
    assert record.response_due == dt.datetime(2026, 11, 23, 16, tzinfo=zone)
    # 72 working hours: 1 on Friday, seven 9-hour days, then 8 more: Wednesday 2 December, 17:00.
    assert record.resolution_due == dt.datetime(2026, 12, 2, 17, tzinfo=zone)
    # The reminder ahead of the first response: two working hours before it (Monday 14:00), not on Sunday.
    soon = Reminder.objects.get(source=reminders.SOURCE, object_id=record.pk, key__contains="response",
                                key__endswith=":soon")
    assert soon.remind_at == dt.datetime(2026, 11, 23, 14, tzinfo=zone)


def test_the_assignee_hears_of_a_record_a_colleague_made(people, anna_account):
    complaint(people["head"], anna_account, assignee=people["anna"])
    assert Notification.objects.filter(user=people["anna"], title__contains="Late delivery").count() == 1


@pytest.fixture
def known_set(people, team):
    """Six records received in March 2026 with known timings, over two managers and two categories."""
    anna, boris = people["anna"], people["boris"]
    delivery, quality = FeedbackCategory.objects.get(name="Delivery"), FeedbackCategory.objects.get(name="Quality")
    first, second = AccountFactory(owner=anna), AccountFactory(owner=boris)
    zone = timezone.get_current_timezone()

    def at(day, hour=9):
        return dt.datetime(2026, 3, day, hour, tzinfo=zone)

    def make(account, user, day, category, *, respond=None, resolve=None, inform=None, kind="complaint"):
        record = services.feedback_create(user=user, account=account, data={
            "subject": f"#{day}", "text": "…", "category": category, "received_at": at(day), "kind": kind})
        if respond:
            record = services.feedback_respond(user=user, feedback=record, at=at(day) + respond, version=record.version)
        if resolve:
            record = services.feedback_resolve(user=user, feedback=record, resolution="done", at=at(day) + resolve,
                                               version=record.version, outcome="done" if kind == "suggestion" else "")
        if inform:
            record = services.feedback_inform(user=user, feedback=record, via="call", at=at(day) + inform,
                                              version=record.version)
        return record

    hours = dt.timedelta(hours=1)
    # Normal severity: first response within 24 working hours, resolution within 120 (9-hour days).
    make(first, anna, 2, delivery, respond=2 * hours, resolve=48 * hours, inform=50 * hours)
    # Both late (60 h is 27 working hours; 430 h, to Saturday 28 March, is 126); a repeat; not told.
    make(first, anna, 10, delivery, respond=60 * hours, resolve=430 * hours)
    make(first, anna, 12, quality, respond=4 * hours, resolve=24 * hours, inform=25 * hours)
    make(second, boris, 5, delivery, respond=6 * hours, resolve=96 * hours, inform=100 * hours)
    make(second, boris, 20, quality)  # never answered
    make(second, boris, 25, None, kind="suggestion", respond=1 * hours, resolve=10 * hours, inform=11 * hours)
    return {"first": first, "second": second}


def test_kpis_on_a_known_set(people, known_set):
    now = dt.datetime(2026, 4, 30, tzinfo=timezone.get_current_timezone())
    figures = queries.kpis(people["admin"], date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 3, 31), now=now)
    total = figures["total"]
    assert (total.received, total.complaints, total.resolved, total.informed, total.open) == (6, 5, 5, 4, 2)
    assert total.heard_rate == 80.0
    # In working hours, as the SLAs count them (9:00-18:00; 9 March 2026 is the day off for the 8th):
    # #2 answered in 2 and resolved in 18 (Monday and Tuesday); #10 in 27 and 126; #12 in 4 and 9;
    # #5 in 6 and 18 (Thursday and Friday, then the holiday); the suggestion #25 in 1 and 9.
    assert total.response_hours == round((2 + 27 + 4 + 6 + 1) / 5, 1) == 8.0
    assert total.resolution_hours == round((18 + 126 + 9 + 18 + 9) / 5, 1) == 36.0
    # Late: #10 on both; #20 was never answered and is past both deadlines by the end of April.
    assert (total.response_breaches, total.resolution_breaches) == (2, 2)
    assert total.repeat_complaints == 1
    by_manager = {f.label: f.as_dict() for f in figures["by_manager"]}
    anna, boris = str(people["anna"]), str(people["boris"])
    assert by_manager[anna]["heard_rate"] == round(100 * 2 / 3, 1) and by_manager[boris]["heard_rate"] == 100.0
    by_category = {f.label: f.received for f in figures["by_category"]}
    assert by_category == {"Delivery": 3, "Quality": 2, "no category": 1}
    assert figures["categories_by_month"] == {"2026-03": {"Delivery": 3, "Quality": 2}}
    # A manager sees their own accounts' records only.
    assert queries.kpis(people["boris"], date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 3, 31),
                        now=now)["total"].received == 3


def test_the_brief_asks_about_what_is_still_open(people, anna_account):
    complaint(people["anna"], anna_account)
    section = queries.account_feedback_brief(account=anna_account, user=people["anna"])
    assert section["questions"] and "Late delivery" in section["questions"][0]
    assert Feedback.objects.count() == 1
