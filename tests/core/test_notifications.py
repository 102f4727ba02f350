"""Notifications that help: one entry for many of a kind close in time (with the right plural in
Russian and English), read in place with HTMX and through the API, each kind reaching a user as they
chose (in the app, by e-mail, both, the morning digest or not at all), the digest once a day, and
nobody reaching another user's notifications or settings."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone, translation

from keyaccount.core import queries, services
from keyaccount.core.choices import NotificationChannel, NotificationKind
from keyaccount.core.models import AuditEntry, Notification, NotificationPreference
from keyaccount.timeline import reminders
from keyaccount.timeline import services as timeline_services

LOYALTY, CHURN = NotificationKind.LOYALTY, NotificationKind.CHURN
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def anna(people):
    anna = people["anna"]
    anna.email = "anna@example.ru"
    anna.save()
    return anna


def _tiers(user, count, *, when=None):
    for number in range(count):
        services.notify(user=user, kind=LOYALTY, title=f"Client {number} is now Gold", url="/accounts/",
                        key=f"test-tier-{user.pk}-{number}-{when}", when=when)


def test_loyalty_changes_close_in_time_are_one_entry_and_the_bell_counts_entries(anna, client_for):
    _tiers(anna, 7)
    services.notify(user=anna, kind=NotificationKind.FEEDBACK, title="Complaint from Vector", mail=False)
    assert queries.unread_count(anna) == 8
    assert queries.unread_entries(anna) == 2
    client = client_for(anna)
    assert ">2<" in client.get("/notifications/bell/").content.decode()
    page = client.get("/notifications/").content.decode()
    assert "7 accounts changed loyalty tier" in page
    assert "Client 6 is now Gold" in page and "<details>" in page  # the items, one click away
    assert "Complaint from Vector" in page


def test_a_group_is_named_with_the_right_plural_in_russian_and_english():
    with translation.override("en"):
        assert queries.group_title(LOYALTY, 1) == "1 account changed loyalty tier"
        assert queries.group_title(LOYALTY, 7) == "7 accounts changed loyalty tier"
        assert queries.group_title(CHURN, 2) == "2 key accounts may be leaving"
    with translation.override("ru"):
        assert queries.group_title(LOYALTY, 1) == "1 клиент сменил уровень лояльности"
        assert queries.group_title(LOYALTY, 3) == "3 клиента сменили уровень лояльности"
        assert queries.group_title(LOYALTY, 7) == "7 клиентов сменили уровень лояльности"
        assert queries.group_title(LOYALTY, 21) == "21 клиент сменил уровень лояльности"
        assert queries.group_title(CHURN, 5) == "5 ключевых клиентов могут уйти"


def test_a_read_group_or_a_day_later_starts_a_new_entry_and_deadlines_are_never_grouped(anna):
    start = timezone.now()
    _tiers(anna, 3, when=start)
    services.notifications_mark_all_read(user=anna)
    _tiers(anna, 2, when=start + dt.timedelta(hours=1))
    _tiers(anna, 2, when=start + dt.timedelta(days=2))
    for number in range(3):
        services.notify(user=anna, kind=NotificationKind.COMPLAINT_DEADLINE, title=f"Response due {number}",
                        mail=False)
    counts = sorted(row["count"] for row in queries.notification_groups(anna))
    assert counts == [1, 1, 1, 2, 2, 3]
    assert queries.unread_entries(anna) == 5


def test_mark_one_a_group_and_all_read_in_place_with_htmx(anna, client_for):
    _tiers(anna, 3)
    single = services.notify(user=anna, kind=NotificationKind.FEEDBACK, title="Praise from Vector", mail=False)
    services.notify(user=anna, kind=NotificationKind.FEEDBACK, title="Question from Vector", mail=False)
    client = client_for(anna)
    answer = client.post(f"/notifications/{single.pk}/read/", **HTMX)
    assert answer.status_code == 200 and answer["HX-Trigger"] == "notifications-changed"
    row = answer.content.decode()
    assert row.startswith(f'<tr id="entry-{single.group}"') and "unread-row" not in row
    group = Notification.objects.filter(user=anna, kind=LOYALTY).first().group
    answer = client.post(f"/notifications/groups/{group}/read/", **HTMX)
    assert "3 accounts changed loyalty tier" in answer.content.decode() and "unread-row" not in answer.content.decode()
    assert queries.unread_entries(anna) == 1
    answer = client.post("/notifications/read/", **HTMX)
    assert answer.status_code == 200 and answer["HX-Trigger"] == "notifications-changed"
    assert "Question from Vector" in answer.content.decode() and "unread-row" not in answer.content.decode()
    assert queries.unread_count(anna) == 0
    assert "bell-count" not in client.get("/notifications/bell/").content.decode()
    # Without HTMX (no script): back to the list.
    assert client.post(f"/notifications/{single.pk}/read/")["Location"] == "/notifications/"


def test_mark_read_through_the_api_by_entry_group_and_all(anna, api_as):
    _tiers(anna, 4)
    services.notify(user=anna, kind=NotificationKind.FEEDBACK, title="Complaint from Vector", mail=False)
    call = api_as("anna")
    assert call("get", "/api/v1/notifications/unread").json() == {"unread": 5, "entries": 2}
    entries = call("get", "/api/v1/notifications/entries?unread=true").json()
    assert entries["count"] == 2
    group = next(entry for entry in entries["items"] if entry["kind"] == "loyalty")
    assert group["title"] == "4 accounts changed loyalty tier" and group["unread"] == 4 and len(group["items"]) == 4
    answer = call("post", f"/api/v1/notifications/groups/{group['group']}/read")
    assert answer.status_code == 200 and answer.json() == {"unread": 1, "entries": 1}
    assert call("post", "/api/v1/notifications/groups/nosuchgroup/read").status_code == 404
    assert call("post", "/api/v1/notifications/read").json() == {"unread": 0, "entries": 0}


def test_nobody_reads_or_marks_another_users_notifications_or_settings(anna, people, api_as, client_for):
    _tiers(anna, 2)
    group = Notification.objects.filter(user=anna).first().group
    boris = client_for(people["boris"])
    assert boris.post(f"/notifications/groups/{group}/read/").status_code == 404
    assert api_as("boris")("post", f"/api/v1/notifications/groups/{group}/read").status_code == 404
    assert "Client 1 is now Gold" not in boris.get("/notifications/").content.decode()
    assert api_as("boris")("get", "/api/v1/notifications/entries").json()["count"] == 0
    assert queries.unread_count(anna) == 2
    # Settings: each changes only their own.
    assert api_as("boris")("put", "/api/v1/notifications/settings", {"kinds": {"loyalty": "off"}}).status_code == 200
    assert queries.notification_channel(anna, LOYALTY) == NotificationChannel.APP
    assert queries.notification_channel(people["boris"], LOYALTY) == NotificationChannel.OFF


@pytest.mark.parametrize(("channel", "in_app", "unread", "mailed"), [
    ("app", True, 1, False), ("app_email", True, 1, True), ("email", True, 0, True), ("off", False, 0, False),
    ("digest", True, 1, False)])
def test_each_kind_reaches_the_user_as_they_chose(anna, smtp, channel, in_app, unread, mailed):
    services.notification_settings_update(user=anna, channels={"churn": channel})
    made = services.notify(user=anna, kind=CHURN, title="Vector may be leaving", body="No orders for 90 days",
                           url="/accounts/", key="churn-test")
    assert (made is not None) is in_app and Notification.objects.filter(user=anna).exists() is in_app
    assert queries.unread_count(anna) == unread
    if mailed:
        assert smtp.inbox.wait_for(1, timeout=5)
        assert "Vector may be leaving" in smtp.inbox.subjects()[0]
        assert "No orders for 90 days" in smtp.inbox.text_of(smtp.inbox.messages[0])
    assert len(smtp.inbox.messages) == (1 if mailed else 0)
    # The same key again: nothing made, nothing sent.
    assert services.notify(user=anna, kind=CHURN, title="Vector may be leaving", key="churn-test") is None
    assert len(smtp.inbox.messages) == (1 if mailed else 0)


def test_reminders_follow_the_setting_of_their_kind(anna, anna_account, smtp):
    services.notification_settings_update(user=anna, channels={"reminder": "app"})
    start = timezone.now() + dt.timedelta(days=2)
    timeline_services.interaction_create(user=anna, account=anna_account, data={
        "kind": "meeting", "subject": "Price review", "starts_at": start, "meeting_status": "planned"})
    assert reminders.deliver_due(now=start).sent == 2
    assert Notification.objects.filter(user=anna, kind="reminder").count() == 2
    assert smtp.inbox.messages == []  # in the app only
    services.notification_settings_update(user=anna, channels={"reminder": "off"})
    timeline_services.interaction_create(user=anna, account=anna_account, data={
        "kind": "meeting", "subject": "Second review", "starts_at": start + dt.timedelta(hours=3),
        "meeting_status": "planned"})
    assert reminders.deliver_due(now=start + dt.timedelta(hours=3)).sent == 2  # delivered: to nobody
    assert not Notification.objects.filter(title__contains="Second review").exists()


def test_the_settings_page_shows_every_kind_and_saves_the_users_choice(anna, client_for):
    client = client_for(anna)
    page = client.get("/notifications/settings/").content.decode()
    assert "Loyalty tier changes" in page and "Complaint deadlines" in page and "Usually: In the app" in page
    form = dict.fromkeys(NotificationKind.values, NotificationChannel.APP)
    answer = client.post("/notifications/settings/", {**form, "complaint_deadline": "email", "digest": "on"})
    assert answer.status_code == 302
    anna.refresh_from_db()
    assert anna.notification_digest
    assert queries.notification_channel(anna, NotificationKind.COMPLAINT_DEADLINE) == NotificationChannel.EMAIL
    [entry] = AuditEntry.objects.filter(object_id=anna.pk, content_type__model="user")
    assert entry.actor == anna and entry.changes["notifications: complaint_deadline"] == ["app_email", "email"]
    answer = client.post("/notifications/settings/", {**form, "loyalty": "loudly"})
    assert answer.status_code == 200 and "Select a valid choice" in answer.content.decode()
    assert "/notifications/settings/" in client.get("/profile/").content.decode()


def test_e_mail_needs_an_address_and_bad_settings_are_named_at_their_field(people, api_as):
    call = api_as("boris")  # no e-mail address
    answer = call("put", "/api/v1/notifications/settings", {"kinds": {"loyalty": "app_email"}})
    assert answer.status_code == 422 and "e-mail" in answer.json()["errors"]["__all__"][0]
    answer = call("put", "/api/v1/notifications/settings", {"kinds": {"loyalty": "loudly"}})
    assert answer.status_code == 422 and any("loyalty" in field for field in answer.json()["errors"])
    assert not NotificationPreference.objects.exists()
    settings = call("get", "/api/v1/notifications/settings").json()
    assert settings["digest"] is False
    assert {"kind": "complaint_deadline", "label": "Complaint deadlines", "channel": "app_email",
            "default": "app_email"} in settings["kinds"]


MOSCOW = dt.timezone(dt.timedelta(hours=3))


def test_the_digest_goes_out_once_a_day_at_the_users_morning(anna, smtp):
    anna.time_zone, anna.notification_digest = "Europe/Moscow", True
    anna.save()
    with time_machine.travel(dt.datetime(2026, 12, 1, 18, 0, tzinfo=MOSCOW), tick=False):
        _tiers(anna, 3)
        services.notify(user=anna, kind=NotificationKind.FEEDBACK, title="Complaint from Vector", mail=False)
    assert services.digests_send(now=dt.datetime(2026, 12, 2, 7, 50, tzinfo=MOSCOW)) == 0  # not morning yet
    assert services.digests_send(now=dt.datetime(2026, 12, 2, 8, 5, tzinfo=MOSCOW)) == 1
    assert smtp.inbox.wait_for(1, timeout=5)
    assert smtp.inbox.subjects() == ["Keyaccount: 2 unread notifications"]
    text = smtp.inbox.text_of(smtp.inbox.messages[0])
    assert "3 accounts changed loyalty tier" in text and "Client 2 is now Gold" in text
    assert "Complaint from Vector" in text
    assert services.digests_send(now=dt.datetime(2026, 12, 2, 12, 0, tzinfo=MOSCOW)) == 0  # not twice a day
    assert services.digest_send(user=anna, now=dt.datetime(2026, 12, 2, 23, 0, tzinfo=MOSCOW)) is False
    assert services.digests_send(now=dt.datetime(2026, 12, 3, 8, 0, tzinfo=MOSCOW)) == 1  # the next morning
    services.notifications_mark_all_read(user=anna)
    assert services.digests_send(now=dt.datetime(2026, 12, 4, 8, 0, tzinfo=MOSCOW)) == 0  # nothing unread
    assert len(smtp.inbox.messages) == 2


def test_a_kind_set_to_digest_alone_is_what_the_digest_lists(anna, smtp):
    services.notification_settings_update(user=anna, channels={"loyalty": "digest"})
    _tiers(anna, 2, when=dt.datetime(2026, 12, 1, 18, 0, tzinfo=MOSCOW))
    services.notify(user=anna, kind=NotificationKind.FEEDBACK, title="Complaint from Vector", mail=False)
    assert services.digests_send(now=dt.datetime(2026, 12, 2, 9, 0, tzinfo=MOSCOW)) == 1
    assert smtp.inbox.wait_for(1, timeout=5)
    text = smtp.inbox.text_of(smtp.inbox.messages[0])
    assert "2 accounts changed loyalty tier" in text and "Complaint from Vector" not in text


def test_a_digest_the_mail_server_refused_is_sent_on_the_next_run(anna, smtp):
    anna.notification_digest = True
    anna.save()
    _tiers(anna, 1)
    smtp.inbox.refuse = True
    morning = timezone.now().astimezone(anna.zone).replace(hour=9) + dt.timedelta(days=1)
    assert services.digests_send(now=morning) == 0
    smtp.inbox.refuse = False
    assert services.digests_send(now=morning + dt.timedelta(minutes=15)) == 1
