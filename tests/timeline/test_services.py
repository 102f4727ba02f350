"""Logging interactions: validation, audit, meetings with lateness and next steps, the call queue."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone

from keyaccount.accounts.models import ContactPhone
from keyaccount.core.errors import AccessDenied
from keyaccount.core.models import AuditAction, AuditEntry
from keyaccount.timeline import importers, services
from keyaccount.timeline.choices import InteractionKind, MatchStatus, MeetingStatus
from keyaccount.timeline.models import Interaction
from tests.factories import ContactFactory

NOON = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)


def test_logging_a_meeting_is_audited_on_the_account(people, anna_account, anna_contact):
    meeting = services.interaction_create(user=people["anna"], account=anna_account, data={
        "kind": InteractionKind.MEETING, "subject": "Quarterly review", "starts_at": NOON,
        "ends_at": NOON + dt.timedelta(hours=1), "place": "Their office", "travel_minutes": 40,
        "contacts": [anna_contact]})
    assert meeting.meeting_status == MeetingStatus.PLANNED
    assert list(meeting.contacts.all()) == [anna_contact] and list(meeting.participants.all()) == [people["anna"]]
    entry = AuditEntry.objects.get(content_type=ContentType.objects.get_for_model(Interaction), object_id=meeting.pk)
    assert entry.action == AuditAction.CREATE and entry.account_id == anna_account.pk
    assert entry.changes["subject"] == [None, "Quarterly review"]


@pytest.mark.parametrize("data,field", [
    ({"kind": "meeting", "starts_at": NOON, "ends_at": NOON - dt.timedelta(hours=1)}, "__all__"),
    ({"kind": "task", "subject": " "}, "subject"),
    ({"kind": "call", "duration_seconds": 10, "talk_seconds": 20}, "talk_seconds"),
    ({"kind": "meeting", "video_link": "javascript:alert(1)"}, "video_link"),
    ({"kind": "note", "actual_start_at": NOON}, "actual_start_at"),
])
def test_bad_interactions_are_refused_at_their_field_and_nothing_is_saved(people, anna_account, data, field):
    with pytest.raises(ValidationError) as error:
        services.interaction_create(user=people["anna"], account=anna_account, data=data)
    assert field in error.value.message_dict
    assert not Interaction.objects.exists()


def test_people_of_another_account_cannot_be_linked(people, anna_account, shared_account):
    stranger = ContactFactory(account=shared_account)
    with pytest.raises(ValidationError) as error:
        services.interaction_create(user=people["anna"], account=anna_account, data={
            "kind": "note", "contacts": [stranger]})
    assert "contacts" in error.value.message_dict


def test_closing_a_meeting_records_lateness_agreements_and_next_steps(people, anna_account, anna_contact):
    meeting = services.interaction_create(user=people["anna"], account=anna_account, data={
        "kind": "meeting", "subject": "Kick-off", "starts_at": NOON, "contacts": [anna_contact]})
    services.meeting_close(user=people["anna"], meeting=meeting, actual_start_at=NOON + dt.timedelta(minutes=12),
                           agreements="Pilot in April", next_steps=[
                               {"subject": "Send the pilot proposal", "due_at": NOON + dt.timedelta(days=3)}],
                           version=meeting.version)
    meeting.refresh_from_db()
    assert meeting.meeting_status == MeetingStatus.HELD and meeting.lateness_minutes == 12
    task = meeting.next_steps.get()
    assert (task.kind, task.subject, task.assignee, task.account) == (
        InteractionKind.TASK, "Send the pilot proposal", people["anna"], anna_account)
    assert list(task.contacts.all()) == [anna_contact]


def test_a_manager_cannot_change_a_colleagues_entry_on_an_account_she_does_not_edit(people, shared_account):
    note = services.interaction_create(user=people["boris"], account=shared_account, data={"kind": "note"})
    services.interaction_update(user=people["anna"], interaction=note, data={"summary": "shared, so allowed"},
                                version=note.version)
    with pytest.raises(AccessDenied):
        services.interaction_update(user=people["analyst"], interaction=note, data={"summary": "x"}, version=None)


def test_a_queued_call_is_assigned_and_its_number_joins_the_persons_card(people, anna_account, anna_contact):
    master = ('"","+79990001122","101","from-trunk","","SIP/trunk-1","SIP/101-2","Dial","","2026-03-02 11:00:00",'
              '"2026-03-02 11:00:05","2026-03-02 11:01:00",60,55,"ANSWERED","DOCUMENTATION","77.1",""\n')
    importers.import_calls(user=people["admin"], data=master.encode(), filename="Master.csv", fmt="asterisk")
    call = Interaction.objects.get()
    assert call.account is None and call.match_status == MatchStatus.UNMATCHED
    services.call_assign(user=people["head"], call=call, contact=anna_contact, add_number=True)
    call.refresh_from_db()
    assert call.account == anna_account and call.match_status == MatchStatus.MATCHED
    assert ContactPhone.objects.filter(contact=anna_contact, number="+79990001122").exists()
    master2 = master.replace("77.1", "77.2").replace("11:00:00", "12:00:00")
    report = importers.import_calls(user=people["admin"], data=master2.encode(), filename="Master.csv",
                                    fmt="asterisk")
    assert report.matched == 1


def test_log_this_call_from_a_persons_page(people, anna_contact):
    call = services.call_log(user=people["anna"], contact=anna_contact, outcome="missed", summary="No answer")
    assert (call.kind, call.account, call.outcome, list(call.contacts.all())) == (
        InteractionKind.CALL, anna_contact.account, "missed", [anna_contact])
    assert call.starts_at <= timezone.now()
