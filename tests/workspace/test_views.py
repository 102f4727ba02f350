"""My day as its users see it: each section holds the signed-in manager's items and nobody else's;
done and snooze in place with HTMX; a head's team and per-manager filter; support sent to tickets;
the start page after signing in."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from keyaccount.timeline.models import Interaction
from keyaccount.workspace.models import Snooze
from tests.clock import FROZEN_NOW

URL = "/my-day/"
HTMX = {"HTTP_HX_REQUEST": "true"}

SECTION_TEXTS = {
    "meetings": ["{name} meeting"],
    "todo": ["{name} task", "Call back {name}son"],
    "obligations": ["{name} obligation", "{name} payment"],
    "complaints": ["{name} complaint"],
    "tickets": ["{name} ticket"],
    "accounts": ["{name} Steel"],
    "proposals": ["{name} proposal"],
}


def section_html(page: str, key: str) -> str:
    start = page.index(f'id="section-{key}"')
    end = page.find("</section>", start)
    return page[start:end]


def test_each_section_shows_annas_items_and_none_of_boris(client_for, days, people):
    page = client_for(people["anna"]).get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    for key, texts in SECTION_TEXTS.items():
        section = section_html(html, key)
        for text in texts:
            assert text.format(name="Anna") in section, (key, text)
            assert text.format(name="Boris") not in section, (key, text)
    assert "Boris" not in html
    # What is not today's business stays out: next week's meeting and task, July's obligation, a calm ticket.
    for text in ("meeting next week", "task next week", "obligation in July", "calm ticket"):
        assert text not in html
    assert "health fell from 80 to 55" in section_html(html, "accounts")
    plan = section_html(html, "plan")
    assert "300,000" in plan.replace("\xa0", ",").replace(" ", ",") or "300 000" in plan
    meetings = section_html(html, "meetings")
    # The brief one click away, and when to leave (14:00 less 40 minutes on the way).
    assert reverse("timeline:meeting_brief", args=[days["anna"].records["meeting"].pk]) in meetings
    assert "leave by 13:20" in meetings


def test_the_page_is_in_russian_for_a_russian_user(client_for, days, people):
    anna = people["anna"]
    anna.language = "ru"
    anna.save()
    html = client_for(anna).get(URL).content.decode()
    assert "Встречи сегодня и завтра" in html
    assert "Горячие клавиши" in html


def test_marking_a_task_done_completes_it_and_it_leaves_the_list(client_for, days, people):
    task = days["anna"].records["task"]
    client = client_for(people["anna"])
    answer = client.post(reverse("workspace:item_action", args=["task", task.pk, "done"]), **HTMX)
    assert answer.status_code == 200
    task.refresh_from_db()
    assert task.done_at is not None
    assert 'id="section-todo"' in answer.content.decode() and "Anna task" not in answer.content.decode()


def test_a_missed_call_marked_called_back_is_logged_and_leaves(client_for, days, people):
    call = days["anna"].records["call"]
    answer = client_for(people["anna"]).post(reverse("workspace:item_action", args=["call", call.pk, "done"]), **HTMX)
    assert answer.status_code == 200
    assert Interaction.objects.filter(kind="call", direction="out", account=call.account).exists()
    assert "Call back" not in answer.content.decode()


def test_an_obligation_marked_done_is_fulfilled(client_for, days, people):
    obligation = days["anna"].records["obligation"]
    answer = client_for(people["anna"]).post(
        reverse("workspace:item_action", args=["obligation", obligation.pk, "done"]), **HTMX)
    assert answer.status_code == 200
    obligation.refresh_from_db()
    assert obligation.status == "done"
    assert "Anna obligation" not in answer.content.decode() and "Anna payment" in answer.content.decode()


def test_a_complaint_done_in_place_records_how_the_client_was_told(client_for, days, people):
    complaint = days["anna"].records["complaint"]
    client = client_for(people["anna"])
    refused = client.post(reverse("workspace:item_action", args=["complaint", complaint.pk, "done"]),
                          {"via": "web_form"}, **HTMX)
    assert refused.status_code == 400 and "Say how the client was told" in refused.content.decode()
    complaint.refresh_from_db()
    assert complaint.informed_at is None
    answer = client.post(reverse("workspace:item_action", args=["complaint", complaint.pk, "done"]),
                         {"via": "meeting"}, **HTMX)
    assert answer.status_code == 200
    complaint.refresh_from_db()
    assert complaint.status == "informed" and complaint.informed_via == "meeting"
    assert "Every client whose complaint was resolved has been told" in answer.content.decode()


def test_snoozing_hides_an_item_until_the_next_working_morning(client_for, days, people, time_machine):
    proposal = days["anna"].records["proposal"]
    client = client_for(people["anna"])
    answer = client.post(reverse("workspace:item_action", args=["proposal", proposal.pk, "snooze"]),
                         {"until": "tomorrow"}, **HTMX)
    assert answer.status_code == 200 and "Anna proposal" not in answer.content.decode()
    snooze = Snooze.objects.get(user=people["anna"], kind="proposal", object_id=proposal.pk)
    assert snooze.until == FROZEN_NOW.replace(day=18, hour=9)
    assert "Anna proposal" not in client.get(URL).content.decode()
    # Boris does not see Anna's snooze, nor Anna's proposal; the head still sees it.
    assert "Anna proposal" in client_for(people["head"]).get(URL).content.decode()
    time_machine.move_to(FROZEN_NOW.replace(day=18, hour=9, minute=1), tick=False)
    assert "Anna proposal" in client_for(people["anna"]).get(URL).content.decode()


def test_snoozing_until_next_week_and_without_htmx(client_for, days, people):
    task = days["anna"].records["task"]
    client = client_for(people["anna"])
    answer = client.post(reverse("workspace:item_action", args=["task", task.pk, "snooze"]), {"until": "week"})
    assert answer.status_code == 302 and answer["Location"] == URL
    assert Snooze.objects.get(kind="task", object_id=task.pk).until == FROZEN_NOW.replace(day=22, hour=9)
    bad = client.post(reverse("workspace:item_action", args=["task", task.pk, "snooze"]), {"until": "forever"},
                      **HTMX)
    assert bad.status_code == 400 and "Choose how long" in bad.content.decode()


def test_nobody_acts_on_another_managers_items(client_for, days, people):
    task = days["boris"].records["task"]
    obligation = days["boris"].records["obligation"]
    client = client_for(people["anna"])
    for kind, record in (("task", task), ("obligation", obligation)):
        for action in ("done", "snooze"):
            assert client.post(reverse("workspace:item_action", args=[kind, record.pk, action]),
                               **HTMX).status_code == 404
    task.refresh_from_db()
    obligation.refresh_from_db()
    assert task.done_at is None and obligation.status == "open" and not Snooze.objects.exists()
    assert client.post(reverse("workspace:item_action", args=["meeting", days["anna"].records["meeting"].pk,
                                                              "snooze"]), **HTMX).status_code == 400
    assert client.post("/my-day/unknown/1/done/", **HTMX).status_code == 404
    assert client.get(reverse("workspace:item_action", args=["task", task.pk, "done"])).status_code == 405


def test_a_ticket_or_a_proposal_cannot_be_marked_done_here(client_for, days, people):
    ticket = days["anna"].records["ticket"]
    answer = client_for(people["anna"]).post(reverse("workspace:item_action", args=["ticket", ticket.pk, "done"]),
                                             **HTMX)
    assert answer.status_code == 400 and "cannot be marked done here" in answer.content.decode()
    assert answer["HX-Retarget"] == "#section-tickets"


def test_the_head_sees_the_team_and_filters_by_manager(client_for, days, people):
    client = client_for(people["head"])
    team = client.get(URL).content.decode()
    assert "The team&#x27;s day" in team or "The team's day" in team
    assert "Anna task" in team and "Boris task" in team
    only_boris = client.get(URL, {"manager": people["boris"].pk}).content.decode()
    assert "Boris task" in only_boris and "Anna task" not in only_boris
    assert "Boris proposal" in only_boris and "Anna proposal" not in only_boris
    # Only the team's managers: the other head, an unknown id, or nonsense answer 404.
    for wrong in (people["other_head"].pk, 999999, "abc"):
        assert client.get(URL, {"manager": wrong}).status_code == 404
    # The other team's head sees neither.
    other = client_for(people["other_head"]).get(URL).content.decode()
    assert "Anna task" not in other and "Boris task" not in other
    # A manager has no filter: asking for a colleague is 404.
    assert client_for(people["anna"]).get(URL, {"manager": people["boris"].pk}).status_code == 404


def test_the_head_acts_on_a_team_members_item_and_stays_on_the_filter(client_for, days, people):
    task = days["boris"].records["task"]
    client = client_for(people["head"])
    answer = client.post(reverse("workspace:item_action", args=["task", task.pk, "done"]),
                         {"manager": people["boris"].pk})
    assert answer.status_code == 302 and answer["Location"] == f"{URL}?manager={people['boris'].pk}"
    task.refresh_from_db()
    assert task.done_at is not None


def test_administrators_and_analysts_see_everyone(client_for, days, people):
    for role in ("admin", "analyst"):
        html = client_for(people[role]).get(URL).content.decode()
        assert "Anna task" in html and "Boris task" in html, role
        assert "Anna task" not in client_for(people[role]).get(URL, {"manager": people["boris"].pk}).content.decode()


def test_support_is_sent_to_the_tickets_and_sees_no_money(client_for, days, people):
    client = client_for(people["support"])
    answer = client.get(URL)
    assert answer.status_code == 302 and answer["Location"] == reverse("feedback:ticket_list") + "?state=unsolved"
    obligation = days["anna"].records["obligation"]
    assert client.post(reverse("workspace:item_action", args=["obligation", obligation.pk, "done"])).status_code == 404
    assert "My day" not in client.get(reverse("accounts:account_list")).content.decode()


def test_sections_say_what_to_do_next_when_empty(client_for, people, frozen_now):
    html = client_for(people["anna"]).get(URL).content.decode()
    for key in ("meetings", "todo", "obligations", "complaints", "tickets", "accounts", "proposals", "plan"):
        section = section_html(html, key)
        assert 'class="day-empty"' in section and "<a href=" in section, key


@pytest.mark.parametrize(("role", "start"), [
    ("anna", "/my-day/"), ("head", "/my-day/"), ("admin", "/accounts/"), ("analyst", "/accounts/"),
    ("support", "/feedback/tickets/"),
])
def test_signing_in_and_the_root_lead_to_each_roles_start_page(people, role, start):
    client = Client()
    answer = client.post(reverse("core:login"), {"username": role, "password": "correct horse battery staple"},
                         follow=True)
    assert answer.redirect_chain[-1][0] == start
    assert client.get("/", follow=True).redirect_chain[-1][0] == start
    assert Client().get("/")["Location"] == reverse("core:login")


def test_my_day_is_in_the_top_bar_for_those_who_have_it(client_for, people):
    for role, shown in (("anna", True), ("head", True), ("analyst", True), ("support", False)):
        html = client_for(people[role]).get(reverse("accounts:account_list")).content.decode()
        header = html[html.index("<header"):html.index("</header>")]
        assert ('href="/my-day/"' in header) is shown, role


def test_the_keyboard_script_and_the_help_are_on_the_page(client_for, people):
    html = client_for(people["anna"]).get(URL).content.decode()
    assert "keyaccount/myday.js" in html and 'id="day-help"' in html
    assert "<script>" not in html and " onclick=" not in html and " style=" not in html



def test_a_task_already_done_elsewhere_is_not_done_twice(client_for, days, people, time_machine):
    """The list was stale (a colleague completed it, another tab): the answer is the section without
    it, and the task keeps the moment it was first done."""
    task = days["anna"].records["task"]
    client = client_for(people["anna"])
    client.post(reverse("workspace:item_action", args=["task", task.pk, "done"]), **HTMX)
    task.refresh_from_db()
    first = task.done_at
    time_machine.move_to(FROZEN_NOW + dt.timedelta(minutes=5), tick=False)
    answer = client.post(reverse("workspace:item_action", args=["task", task.pk, "done"]), **HTMX)
    assert answer.status_code == 200 and "Anna task" not in answer.content.decode()
    task.refresh_from_db()
    assert task.done_at == first
