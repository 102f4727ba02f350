"""The interaction forms: fields in the order a person tells it, a meeting's end an hour after its start,
the account's main contact ticked, errors next to their field in the user's language."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from keyaccount.accounts.choices import ContactRoleKind
from keyaccount.timeline.forms import InteractionForm
from keyaccount.timeline.models import Interaction
from tests.factories import ContactFactory, give_roles

MOSCOW = ZoneInfo("Europe/Moscow")


def visible(form):
    return [field.name for field in form.visible_fields()]


@pytest.mark.django_db
def test_a_meeting_asks_when_and_until_then_who_then_what(people, anna_account):
    form = InteractionForm(user=people["anna"], account=anna_account, kind="meeting")
    assert visible(form) == ["starts_at", "ends_at", "contacts", "participants", "subject", "place",
                             "travel_minutes", "video_link", "agenda", "summary"]
    assert visible(InteractionForm(user=people["anna"], account=anna_account, kind="call"))[:4] == [
        "starts_at", "contacts", "direction", "outcome"]
    assert visible(InteractionForm(user=people["anna"], account=anna_account, kind="task"))[:3] == [
        "subject", "due_at", "assignee"]


@pytest.mark.django_db
def test_a_new_meeting_starts_at_the_next_working_hour_and_lasts_an_hour(people, anna_account):
    # Friday 17:40 in Moscow: the next hour is after work, so Monday at 9:00.
    with time_machine.travel(dt.datetime(2026, 12, 4, 17, 40, tzinfo=MOSCOW), tick=False):
        form = InteractionForm(user=people["anna"], account=anna_account, kind="meeting")
    starts, ends = form.initial["starts_at"], form.initial["ends_at"]
    assert starts.astimezone(MOSCOW) == dt.datetime(2026, 12, 7, 9, 0, tzinfo=MOSCOW)
    assert ends - starts == dt.timedelta(hours=1)
    widget = form["ends_at"].as_widget()
    assert 'data-ends-after="starts_at"' in widget and 'type="datetime-local"' in widget


@pytest.mark.django_db
def test_only_the_start_given_the_meeting_ends_an_hour_later(people, anna_account, client_for):
    client = client_for(people["anna"])
    response = client.post(f"/timeline/accounts/{anna_account.pk}/new/meeting/", {
        "subject": "Quarterly review", "starts_at": "2026-12-08T10:30", "ends_at": ""})
    assert response.status_code == 302
    meeting = Interaction.objects.get(kind="meeting")
    assert meeting.ends_at - meeting.starts_at == dt.timedelta(hours=1)


@pytest.mark.django_db
def test_the_account_s_decision_maker_is_ticked_else_its_first_person(people, anna_account):
    first = ContactFactory(account=anna_account, last_name="Avdeeva")
    decider = ContactFactory(account=anna_account, last_name="Zotov")
    assert InteractionForm(user=people["anna"], account=anna_account, kind="call").initial["contacts"] == [first.pk]
    give_roles(decider, ContactRoleKind.DECISION_MAKER)
    assert InteractionForm(user=people["anna"], account=anna_account, kind="meeting").initial["contacts"] == [
        decider.pk]
    assert "contacts" not in InteractionForm(user=people["anna"], account=anna_account, kind="note").initial


@pytest.mark.django_db
def test_errors_stand_next_to_their_field_in_russian_with_a_summary_on_top(people, anna_account, client_for):
    people["anna"].language = "ru"
    people["anna"].save(update_fields=["language"])
    client = client_for(people["anna"])
    page = client.post(f"/timeline/accounts/{anna_account.pk}/new/meeting/", {
        "subject": "Обзор", "starts_at": "2026-12-08T10:30", "ends_at": "2026-12-08T09:00"}).content.decode()
    assert 'id="id_ends_at_error"' in page and "Окончание не может быть раньше начала." in page
    assert 'aria-invalid="true"' in page and 'aria-describedby="id_ends_at_helptext id_ends_at_error"' in page
    assert 'data-error-summary' in page and "Исправьте 1 поле." in page and 'href="#id_ends_at"' in page
    page = client.post(f"/timeline/accounts/{anna_account.pk}/new/task/", {"subject": "", "due_at": "завтра"}
                       ).content.decode()
    assert "Введите правильную дату и время." in page  # Django's own message, in Russian
    assert 'id="id_due_at_error"' in page
    assert 'required' in client.get(f"/timeline/accounts/{anna_account.pk}/new/email/").content.decode()
    assert "keyaccount/forms.js" in page
