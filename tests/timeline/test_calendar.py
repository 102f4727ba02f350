"""The private calendar feed: it parses as iCalendar, holds the right events with alarms that leave
time for the journey, keeps UIDs stable, and a wrong or rotated link reveals nothing."""

import datetime as dt

import icalendar
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from keyaccount.core import services as core_services
from keyaccount.timeline import services
from tests.factories import ContactFactory


@pytest.fixture
def feed(client, people):
    def fetch(user):
        secret = core_services.calendar_key_rotate(user=user)
        response = client.get(f"/timeline/calendar/{secret}.ics")
        assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
        return icalendar.Calendar.from_ical(response.content), secret

    return fetch


def _events(calendar):
    return {str(event["uid"]): event for event in calendar.walk("VEVENT")}


def test_the_feed_holds_meetings_tasks_and_birthdays_with_alarms(people, anna_account, feed):
    soon = timezone.now().replace(microsecond=0) + dt.timedelta(days=2)
    meeting = services.interaction_create(user=people["anna"], account=anna_account, data={
        "kind": "meeting", "subject": "Annual contract", "starts_at": soon, "ends_at": soon + dt.timedelta(hours=1),
        "place": "Their office", "travel_minutes": 40})
    task = services.interaction_create(user=people["anna"], account=anna_account, data={
        "kind": "task", "subject": "Send the proposal", "due_at": soon + dt.timedelta(days=1)})
    elena = ContactFactory(account=anna_account, last_name="Petrova", birthday=dt.date(1980, 5, 17))
    ContactFactory(account=anna_account, last_name="Nobirthday")
    calendar, _secret = feed(people["anna"])
    events = _events(calendar)
    assert set(events) == {f"interaction-{meeting.pk}@keyaccount", f"interaction-{task.pk}@keyaccount",
                           f"birthday-{elena.pk}@keyaccount"}
    event = events[f"interaction-{meeting.pk}@keyaccount"]
    assert event.decoded("dtstart") == soon and str(event["location"]) == "Their office"
    alarm = event.walk("VALARM")[0]
    assert str(alarm["action"]) == "DISPLAY" and alarm.decoded("trigger") == -dt.timedelta(minutes=55)
    assert int(event["sequence"]) == meeting.version
    assert f"/timeline/{meeting.pk}/brief/" in str(event["description"])
    birthday = events[f"birthday-{elena.pk}@keyaccount"]
    assert birthday.decoded("dtstart") == dt.date(2000, 5, 17) and birthday["rrule"]["FREQ"] == ["YEARLY"]


def test_a_changed_meeting_keeps_its_uid_with_a_higher_sequence(people, anna_account, feed):
    soon = timezone.now() + dt.timedelta(days=1)
    meeting = services.interaction_create(user=people["anna"], account=anna_account, data={
        "kind": "meeting", "subject": "Review", "starts_at": soon})
    services.interaction_update(user=people["anna"], interaction=meeting, data={"starts_at": soon + dt.timedelta(
        hours=2)}, version=meeting.version)
    event = _events(feed(people["anna"])[0])[f"interaction-{meeting.pk}@keyaccount"]
    assert int(event["sequence"]) == 2


def test_a_colleagues_meetings_are_not_in_my_feed(people, anna_account, feed):
    services.interaction_create(user=people["anna"], account=anna_account, data={
        "kind": "meeting", "subject": "Anna's", "starts_at": timezone.now() + dt.timedelta(days=1)})
    assert not _events(feed(people["boris"])[0])


def test_a_wrong_or_rotated_link_answers_404(people, client, feed):
    _calendar, old = feed(people["anna"])
    core_services.calendar_key_rotate(user=people["anna"])
    assert client.get(f"/timeline/calendar/{old}.ics").status_code == 404
    assert client.get("/timeline/calendar/guess.ics").status_code == 404
    new = core_services.calendar_key_rotate(user=people["anna"])
    core_services.user_deactivate(actor=people["admin"], user=people["anna"])
    assert client.get(f"/timeline/calendar/{new}.ics").status_code == 404


def test_the_profile_page_makes_a_link_shown_once(people, client_for):
    client = client_for(people["anna"])
    response = client.post("/timeline/calendar/rotate/", follow=True)
    html = response.content.decode()
    assert "/timeline/calendar/" in html and ".ics" in html


def test_the_feed_keeps_to_the_accounts_the_user_still_sees(people, anna_account, feed):
    """Being asked to a meeting on a colleague's private account, or owning one on an account since
    given to someone else, put its subject and agenda in one's feed; the feed now obeys the access rule."""
    from keyaccount.accounts.models import Account
    from tests.factories import AccountFactory

    soon = timezone.now().replace(microsecond=0) + dt.timedelta(days=2)
    private = AccountFactory(owner=people["boris"], name="Boris's own client")
    with pytest.raises(ValidationError, match="cannot see this account"):
        services.interaction_create(user=people["boris"], account=private, data={
            "kind": "meeting", "subject": "Secret merger talk", "starts_at": soon,
            "participants": [people["anna"].pk]})
    # As such a meeting was stored before the rule: Anna among its participants.
    invited = services.interaction_create(user=people["boris"], account=private, data={
        "kind": "meeting", "subject": "Secret merger talk", "starts_at": soon})
    invited.participants.add(people["anna"])
    mine = services.interaction_create(user=people["anna"], account=anna_account, data={
        "kind": "meeting", "subject": "Kept", "starts_at": soon})
    given_away = services.interaction_create(user=people["anna"], account=anna_account, data={
        "kind": "meeting", "subject": "Handed over", "starts_at": soon + dt.timedelta(hours=3)})
    calendar, _secret = feed(people["anna"])
    subjects = {str(event["summary"]) for event in calendar.walk("VEVENT")}
    assert any("Kept" in subject for subject in subjects) and any("Handed over" in subject for subject in subjects)
    assert not any("Secret merger" in subject for subject in subjects)
    Account.objects.filter(pk=anna_account.pk).update(owner=people["boris"], team=None)
    calendar, _secret = feed(people["anna"])
    assert not any(str(mine.pk) in str(event["uid"]) or str(given_away.pk) in str(event["uid"])
                   for event in calendar.walk("VEVENT"))
    boris_feed, _secret = feed(people["boris"])
    assert any("Secret merger" in str(event["summary"]) for event in boris_feed.walk("VEVENT"))
    assert invited.pk
