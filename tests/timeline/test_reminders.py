"""Reminders: written with the event at each user's lead times (plus travel), withdrawn when the
event moves, closes or is done, delivered by e-mail to a real SMTP server and to the bell — each
exactly once, late ones included, and retried when the mail server is down."""

import datetime as dt

import pytest
from django.utils import timezone

from keyaccount.accounts.models import AccountShare
from keyaccount.core.models import Notification
from keyaccount.timeline import reminders, services
from keyaccount.timeline.models import Reminder
from tests.factories import ContactFactory, share

NOW = dt.datetime(2026, 12, 1, 7, 0, tzinfo=dt.UTC)  # 10:00 in Moscow


@pytest.fixture
def anna(people):
    anna = people["anna"]
    anna.email, anna.reminder_minutes = "anna@example.ru", "15,1440"
    anna.save()
    return anna


def _meeting(user, account, *, starts_at, travel=None, participants=None, subject="Price review"):
    data = {"kind": "meeting", "subject": subject, "starts_at": starts_at, "travel_minutes": travel,
            "place": "Their office", "meeting_status": "planned"}
    if participants is not None:
        data["participants"] = participants
    return services.interaction_create(user=user, account=account, data=data)


def _due(user=None):
    rows = Reminder.objects.filter(state="pending")
    return sorted((r.user.username, r.remind_at) for r in (rows.filter(user=user) if user else rows))


def test_a_meeting_is_reminded_at_each_lead_time_plus_the_journey(anna, people, anna_account):
    boris = people["boris"]
    boris.reminder_minutes = "60"
    boris.save()
    share(anna_account, boris)
    start = timezone.now() + dt.timedelta(days=3)
    _meeting(anna, anna_account, starts_at=start, travel=30, participants=[anna.pk, boris.pk])
    assert _due() == sorted([
        ("anna", start - dt.timedelta(minutes=15 + 30)),
        ("anna", start - dt.timedelta(minutes=1440 + 30)),
        ("boris", start - dt.timedelta(minutes=60 + 30)),
    ])


def test_moving_a_meeting_moves_its_reminders_and_closing_it_withdraws_them(anna, anna_account):
    start = timezone.now() + dt.timedelta(days=3)
    meeting = _meeting(anna, anna_account, starts_at=start)
    later = start + dt.timedelta(hours=2)
    services.interaction_update(user=anna, interaction=meeting, data={"starts_at": later}, version=None)
    assert _due() == [("anna", later - dt.timedelta(minutes=1440)), ("anna", later - dt.timedelta(minutes=15))]
    services.interaction_update(user=anna, interaction=meeting, data={"meeting_status": "cancelled"}, version=None)
    assert _due() == []


def test_a_task_reminds_its_assignee_until_it_is_done(anna, anna_account):
    due = timezone.now() + dt.timedelta(days=2)
    task = services.interaction_create(user=anna, account=anna_account, data={
        "kind": "task", "subject": "Send the proposal", "due_at": due})
    assert _due() == [("anna", due - dt.timedelta(minutes=1440)), ("anna", due - dt.timedelta(minutes=15))]
    services.task_complete(user=anna, task=task)
    assert _due() == []


def test_a_meeting_entered_too_late_for_every_lead_is_reminded_at_once(anna, anna_account):
    now = timezone.now()
    _meeting(anna, anna_account, starts_at=now + dt.timedelta(minutes=10))
    [(username, remind_at)] = _due()
    assert username == "anna" and abs((remind_at - now).total_seconds()) < 5


def test_past_events_and_notes_owe_no_reminders(anna, anna_account):
    _meeting(anna, anna_account, starts_at=timezone.now() - dt.timedelta(days=1))
    services.interaction_create(user=anna, account=anna_account, data={"kind": "note", "subject": "Note"})
    assert _due() == []


def test_reminders_arrive_by_email_and_in_the_app_once(anna, anna_account, smtp, settings):
    settings.KAM_BASE_URL = "https://kam.example.ru"
    start = timezone.now() + dt.timedelta(days=1, hours=1)
    meeting = _meeting(anna, anna_account, starts_at=start, travel=40)
    report = reminders.deliver_due(now=start - dt.timedelta(minutes=1440 + 40))
    assert report.sent == 1
    assert smtp.inbox.wait_for(1, timeout=5)
    [message] = smtp.inbox.messages
    assert message["To"] == "anna@example.ru"
    assert "Price review" in smtp.inbox.subjects()[0] and "OOO Severstal Trade" in smtp.inbox.subjects()[0]
    text = smtp.inbox.text_of(message)
    assert "Leave by" in text and "40 min on the way" in text and "Their office" in text
    assert f"https://kam.example.ru/timeline/{meeting.pk}/brief/" in text
    [notification] = Notification.objects.filter(user=anna)
    assert "Price review" in notification.title and notification.read_at is None
    # The next run finds nothing new to send.
    assert reminders.deliver_due(now=start - dt.timedelta(minutes=1000)).sent == 0
    assert len(smtp.inbox.messages) == 1 and Notification.objects.count() == 1


def test_after_downtime_each_overdue_reminder_is_sent_once_and_says_it_is_late(anna, anna_account, smtp):
    start = timezone.now() + dt.timedelta(days=2)
    _meeting(anna, anna_account, starts_at=start, subject="Contract review")
    services.interaction_create(user=anna, account=anna_account, data={
        "kind": "task", "subject": "Call the accountant", "due_at": start + dt.timedelta(hours=1)})
    # Nobody delivered anything for three days: all four reminders are overdue.
    report = reminders.deliver_due(now=start + dt.timedelta(days=1))
    assert report.sent == 4
    assert smtp.inbox.wait_for(1, timeout=5)
    assert len(smtp.inbox.messages) == 1, "one e-mail per user per run"
    text = smtp.inbox.text_of(smtp.inbox.messages[0])
    assert text.count("Late: this reminder was due at") == 4
    assert Notification.objects.filter(user=anna).count() == 4
    assert reminders.deliver_due(now=start + dt.timedelta(days=2)).sent == 0
    assert Reminder.objects.exclude(state="sent").count() == 0


def test_when_the_mail_server_refuses_the_reminder_waits_and_is_sent_once_later(anna, anna_account, smtp):
    start = timezone.now() + dt.timedelta(days=2)
    _meeting(anna, anna_account, starts_at=start)
    smtp.inbox.refuse = True
    moment = start - dt.timedelta(minutes=1440)
    report = reminders.deliver_due(now=moment)
    assert (report.sent, report.failed) == (0, 1)
    reminder = Reminder.objects.get(state="pending", remind_at__lte=moment)
    assert reminder.attempts == 1 and reminder.retry_after > moment and "451" in reminder.last_error
    # The bell already has it; the retry adds no second notification.
    assert Notification.objects.count() == 1
    assert reminders.deliver_due(now=moment + dt.timedelta(seconds=30)).failed == 0  # not yet time to retry
    smtp.inbox.refuse = False
    assert reminders.deliver_due(now=moment + dt.timedelta(minutes=5)).sent == 1
    assert smtp.inbox.wait_for(1, timeout=5) and len(smtp.inbox.messages) == 1
    assert Notification.objects.count() == 1


def test_a_claim_left_by_a_crashed_worker_is_released_and_sent(anna, anna_account, smtp):
    start = timezone.now() + dt.timedelta(days=2)
    _meeting(anna, anna_account, starts_at=start)
    moment = start - dt.timedelta(minutes=1440)
    Reminder.objects.filter(remind_at__lte=moment).update(state="sending", claim="dead", claimed_at=moment)
    # Another worker's fresh claim is left alone...
    assert reminders.deliver_due(now=moment + dt.timedelta(minutes=1)).sent == 0
    # ...a claim older than STUCK_AFTER belongs to a worker that died, and is sent.
    report = reminders.deliver_due(now=moment + reminders.STUCK_AFTER + dt.timedelta(minutes=1))
    assert (report.released, report.sent) == (1, 1)
    assert smtp.inbox.wait_for(1, timeout=5)


def test_reminders_stop_when_the_user_no_longer_sees_the_account(people, anna, shared_account, smtp):
    start = timezone.now() + dt.timedelta(days=2)
    boris = people["boris"]
    _meeting(boris, shared_account, starts_at=start, participants=[boris.pk, anna.pk])
    AccountShare.objects.filter(account=shared_account, user=anna).delete()
    reminders.deliver_due(now=start)
    assert not Notification.objects.filter(user=anna).exists()
    assert not Reminder.objects.filter(user=anna).exists()
    assert Notification.objects.filter(user=boris).exists()


def test_without_email_the_reminder_still_reaches_the_bell(anna, anna_account, smtp):
    anna.email_reminders = False
    anna.save()
    start = timezone.now() + dt.timedelta(days=2)
    _meeting(anna, anna_account, starts_at=start)
    assert reminders.deliver_due(now=start).sent == 2
    assert Notification.objects.filter(user=anna).count() == 2
    assert smtp.inbox.messages == []


def test_reminders_speak_the_users_language_and_time(anna, anna_account, smtp):
    anna.language, anna.time_zone = "ru", "Asia/Yekaterinburg"
    anna.save()
    # A meeting at 12:00 in Yekaterinburg (07:00 UTC) two days from now: reminders are kept only
    # for events still to come.
    start = dt.datetime.combine(timezone.now().date() + dt.timedelta(days=2), dt.time(7, 0), tzinfo=dt.UTC)
    _meeting(anna, anna_account, starts_at=start)
    reminders.deliver_due(now=start)
    assert smtp.inbox.wait_for(1, timeout=5)
    subject = smtp.inbox.subjects()[0]
    assert "Встреча" in subject and "12:00" in subject


def test_the_sweep_writes_reminders_for_events_that_arrived_in_bulk(anna, anna_account):
    from keyaccount.timeline.models import Interaction

    start = timezone.now() + dt.timedelta(days=1)
    Interaction.objects.create(kind="meeting", account=anna_account, owner=anna, starts_at=start,
                               meeting_status="planned", subject="Loaded in bulk")
    assert reminders.schedule_upcoming() == 2
    assert reminders.schedule_upcoming() == 2  # the same rows again: nothing new is stored
    assert Reminder.objects.count() == 2


def test_changing_lead_times_in_the_profile_rewrites_waiting_reminders(anna, anna_account, client_for):
    start = timezone.now() + dt.timedelta(days=3)
    _meeting(anna, anna_account, starts_at=start)
    response = client_for(anna).post("/profile/", {
        "first_name": "Anna", "last_name": "Smirnova", "email": "anna@example.ru", "reminder_leads": ["60", "120"],
        "email_reminders": "on"})
    assert response.status_code == 302
    assert _due() == [("anna", start - dt.timedelta(minutes=120)), ("anna", start - dt.timedelta(minutes=60))]


def test_birthdays_are_reminded_to_the_accounts_manager_in_the_morning(anna, anna_account, smtp):
    anna.time_zone = "Europe/Moscow"
    anna.save()
    ContactFactory(account=anna_account, last_name="Orlova", birthday=dt.date(1985, 12, 1))
    ContactFactory(account=anna_account, last_name="Leap", birthday=dt.date(1984, 2, 29))
    assert reminders.schedule_birthdays(now=NOW - dt.timedelta(days=1)) == 1
    [reminder] = Reminder.objects.all()
    assert reminder.remind_at == dt.datetime(2026, 12, 1, 6, 0, tzinfo=dt.UTC)  # 09:00 in Moscow
    assert reminders.deliver_due(now=NOW).sent == 1
    assert "Birthday: Orlova" in smtp.inbox.subjects()[0]
    # 29 February is greeted on 1 March in a common year.
    assert reminders.schedule_birthdays(now=dt.datetime(2027, 2, 28, 12, 0, tzinfo=dt.UTC)) == 1


def test_the_bell_counts_unread_notifications_and_opening_one_reads_it(anna, anna_account, client_for):
    note = Notification.objects.create(user=anna, title="Meeting soon", url=f"/accounts/{anna_account.pk}/")
    Notification.objects.create(user=anna, title="Task due")
    Notification.objects.create(user=anna, title="Old", read_at=timezone.now())
    client = client_for(anna)
    assert ">2<" in client.get("/notifications/bell/").content.decode()
    response = client.get(f"/notifications/{note.pk}/open/")
    assert response.status_code == 302 and response["Location"] == f"/accounts/{anna_account.pk}/"
    assert ">1<" in client.get("/notifications/bell/").content.decode()
    client.post("/notifications/read/")
    assert "bell-count" not in client.get("/notifications/bell/").content.decode()


def test_notifications_are_private_and_never_redirect_elsewhere(people, anna, client_for):
    theirs = Notification.objects.create(user=people["boris"], title="Boris's meeting")
    evil = Notification.objects.create(user=anna, title="Odd link", url="https://evil.example/")
    client = client_for(anna)
    assert client.get(f"/notifications/{theirs.pk}/open/").status_code == 404
    assert "Boris's meeting" not in client.get("/notifications/").content.decode()
    assert client.get(f"/notifications/{evil.pk}/open/")["Location"] == "/notifications/"


def test_the_notifications_api(anna, client_for):
    Notification.objects.create(user=anna, title="Meeting soon")
    client = client_for(anna)
    assert client.get("/api/v1/notifications/unread").json() == {"unread": 1, "entries": 1}
    [item] = client.get("/api/v1/notifications/?unread=true").json()["items"]
    assert item["title"] == "Meeting soon"
    assert client.post(f"/api/v1/notifications/{item['id']}/read").json()["read_at"]
    assert client.get("/api/v1/notifications/unread").json() == {"unread": 0, "entries": 0}
    assert client.post("/api/v1/notifications/99999999999999999999/read").status_code == 422
