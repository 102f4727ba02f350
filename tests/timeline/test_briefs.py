"""The meeting brief: the dossier, the people, the history, purchases and the questions left open,
on one page as HTML and as a printable PDF, with the access rule applied."""

import datetime as dt
import io
import sys
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pypdf import PdfReader

from keyaccount.accounts.models import AccountCompetitor, AccountFinancials
from keyaccount.core.documents import html_to_pdf
from keyaccount.timeline import briefs
from keyaccount.timeline.models import Interaction
from tests.factories import (
    AccountFactory,
    CompetitorFactory,
    ContactFactory,
    OrderFactory,
    OrderLineFactory,
    ProductFactory,
    give_roles,
)


@pytest.mark.parametrize(("birthday", "today", "days"), [
    (dt.date(1980, 12, 1), dt.date(2026, 11, 27), 4),
    (dt.date(1980, 11, 27), dt.date(2026, 11, 27), 0),
    (dt.date(1980, 11, 26), dt.date(2026, 11, 27), 364),
    (dt.date(1984, 2, 29), dt.date(2026, 2, 27), 2),  # 1 March in a common year
    (dt.date(1984, 2, 29), dt.date(2028, 2, 27), 2),
])
def test_days_to_the_next_birthday(birthday, today, days):
    assert briefs.next_birthday_in_days(birthday, today) == days


@pytest.fixture
def meeting(people, anna_account, anna_contact):
    anna_account.description = "Rolled steel distribution in the Urals"
    anna_account.plans = "A second warehouse in Perm"
    anna_account.save()
    anna_contact.position = "Procurement director"
    anna_contact.form_of_address = "Elena Sergeevna"
    anna_contact.birthday = (timezone.localdate() + dt.timedelta(days=3)).replace(year=1979)
    anna_contact.save()
    give_roles(anna_contact, "decision_maker", "payer")
    meeting = Interaction.objects.create(
        kind="meeting", account=anna_account, owner=people["anna"], subject="Annual contract review",
        starts_at=timezone.now() + dt.timedelta(days=1), place="Their office", agenda="Prices for 2027",
        meeting_status="planned")
    meeting.contacts.add(anna_contact)
    meeting.participants.add(people["anna"])
    earlier = Interaction.objects.create(
        kind="meeting", account=anna_account, owner=people["anna"], subject="Kick-off",
        starts_at=timezone.now() - dt.timedelta(days=40), meeting_status="held",
        agreements="Send the price list by Friday")
    earlier.contacts.add(anna_contact)
    return meeting


def test_the_brief_shows_who_is_who_with_roles_address_birthday_and_last_contact(people, meeting, client_for):
    html = client_for(people["anna"]).get(f"/timeline/{meeting.pk}/brief/").content.decode()
    people_block = html.split('id="brief-people"')[1].split("</section>")[0]
    assert "Petrova Elena" in people_block and "Procurement director" in people_block
    assert "Decides" in people_block and "Pays" in people_block
    assert "Elena Sergeevna" in people_block
    assert "birthday in 2 days" in people_block  # counted from the meeting, tomorrow
    last = timezone.localtime(timezone.now() - dt.timedelta(days=40)).date()
    assert f"{last:%m/%d/%Y}" in people_block and "1\xa0month" in people_block
    assert "never" not in people_block


def test_the_brief_shows_the_dossier_the_history_and_agreements(people, meeting, client_for):
    html = client_for(people["anna"]).get(f"/timeline/{meeting.pk}/brief/").content.decode()
    assert "Rolled steel distribution in the Urals" in html
    assert "A second warehouse in Perm" in html
    assert "Prices for 2027" in html and "Their office" in html
    history = html.split('id="brief-history"')[1].split("</section>")[0]
    assert "Kick-off" in history and "Send the price list by Friday" in history
    # The meeting being prepared is not part of its own history.
    assert "Annual contract review" not in history


def test_the_brief_asks_what_the_dossier_cannot_answer(people, meeting, client_for):
    html = client_for(people["anna"]).get(f"/timeline/{meeting.pk}/brief/").content.decode()
    questions = html.split('id="brief-questions"')[1].split("</section>")[0]
    assert "What do they need that they do not buy from us yet?" in questions
    assert "Who uses our product day to day?" in questions
    assert "Whom else do they buy from" in questions
    assert f"revenue and headcount in {timezone.localdate().year - 1}" in questions
    # What is known is not asked again.
    assert "Who decides on purchases?" not in questions
    assert "development plans" not in questions
    assert "What exactly does the company do" not in questions


def test_known_facts_remove_their_questions(people, meeting, client_for):
    account = meeting.account
    account.needs = "Faster deliveries"
    account.industry, account.size = "wholesale", "medium"
    account.save()
    AccountCompetitor.objects.create(account=account, competitor=CompetitorFactory(name="Metallservis"))
    AccountFinancials.objects.create(account=account, year=timezone.localdate().year - 1,
                                     revenue=Decimal("1200000000"), employees=240)
    html = client_for(people["anna"]).get(f"/timeline/{meeting.pk}/brief/").content.decode()
    questions = html.split('id="brief-questions"')[1].split("</section>")[0]
    assert "do not buy from us yet" not in questions and "Whom else" not in questions
    assert "revenue and headcount" not in questions and "Which industry" not in questions
    assert "Metallservis" in html


def test_financial_figures_show_their_trend_and_stay_hidden_from_support(people, meeting, client_for):
    year = timezone.localdate().year
    AccountFinancials.objects.create(account=meeting.account, year=year - 2, revenue=Decimal("1000000"))
    AccountFinancials.objects.create(account=meeting.account, year=year - 1, revenue=Decimal("1250000"))
    html = client_for(people["anna"]).get(f"/timeline/{meeting.pk}/brief/").content.decode()
    assert "+25 %" in html
    support = client_for(people["support"]).get(f"/timeline/accounts/{meeting.account_id}/brief/")
    assert support.status_code == 200
    assert "+25 %" not in support.content.decode() and "Revenue" not in support.content.decode()


def test_the_brief_shows_purchases_and_asks_why_they_fell(people, anna_account, client_for):
    today = timezone.localdate()
    pipes = ProductFactory(name="Seamless pipe 57x4")
    OrderLineFactory(order=OrderFactory(account=anna_account, ordered_on=today - dt.timedelta(days=500),
                                        total=Decimal("1000000")), product=pipes, amount=Decimal("1000000"))
    OrderLineFactory(order=OrderFactory(account=anna_account, ordered_on=today - dt.timedelta(days=30),
                                        total=Decimal("400000")), product=pipes, amount=Decimal("400000"))
    html = client_for(people["anna"]).get(f"/timeline/accounts/{anna_account.pk}/brief/").content.decode()
    purchases = html.split('id="brief-purchases"')[1].split("</section>")[0]
    assert "Seamless pipe 57x4" in purchases and "−60 %" in purchases
    assert "Purchases fell by 60% over the last twelve months: why?" in html
    assert 'id="brief-purchases"' not in client_for(people["support"]).get(
        f"/timeline/accounts/{anna_account.pk}/brief/").content.decode()


def test_suggested_offers_are_what_similar_clients_buy_and_this_one_does_not(people, anna_account, client_for):
    today = timezone.localdate() - dt.timedelta(days=10)
    pipes, flanges, valves, cement = (ProductFactory(name=name) for name in ("Pipes", "Flanges", "Valves", "Cement"))
    OrderLineFactory(order=OrderFactory(account=anna_account, ordered_on=today), product=pipes)
    for _n in range(3):  # three clients who also buy pipes, and flanges too; two also buy valves
        similar = AccountFactory(owner=people["boris"])
        order = OrderFactory(account=similar, ordered_on=today)
        OrderLineFactory(order=order, product=pipes)
        OrderLineFactory(order=order, product=flanges)
        if _n < 2:
            OrderLineFactory(order=order, product=valves)
    for _n in range(3):  # clients with nothing in common buy cement
        OrderLineFactory(order=OrderFactory(account=AccountFactory(owner=people["boris"]), ordered_on=today),
                         product=cement)
    html = client_for(people["anna"]).get(f"/timeline/accounts/{anna_account.pk}/brief/").content.decode()
    offers = html.split("Worth offering")[1].split("</p>")[0]
    assert offers.index("Flanges") < offers.index("Valves")
    assert "(3/3)" in offers and "(2/3)" in offers
    assert "Cement" not in offers and "Pipes" not in offers


def test_the_brief_is_a_one_page_pdf(people, meeting, client_for):
    response = client_for(people["anna"]).get(f"/timeline/{meeting.pk}/brief.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF")
    pdf = PdfReader(io.BytesIO(response.content))
    assert len(pdf.pages) == 1
    text = pdf.pages[0].extract_text()
    assert "Annual contract review" in text and "Elena Sergeevna" in text


def test_printing_never_fetches_external_resources():
    pdf = html_to_pdf('<p>Логотип</p><img src="http://example.invalid/logo.png">'
                      '<link rel="stylesheet" href="https://example.invalid/x.css">')
    assert "Логотип" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_briefs_follow_the_access_rule(people, meeting, client_for):
    boris = client_for(people["boris"])
    assert boris.get(f"/timeline/{meeting.pk}/brief/").status_code == 404
    assert boris.get(f"/timeline/{meeting.pk}/brief.pdf").status_code == 404
    assert boris.get(f"/timeline/accounts/{meeting.account_id}/brief/").status_code == 404
    assert client_for(people["head"]).get(f"/timeline/{meeting.pk}/brief/").status_code == 200


def test_a_call_that_matched_nobody_has_no_brief(people, client_for):
    call = Interaction.objects.create(kind="call", owner=people["anna"], their_number="+74950000000")
    assert client_for(people["anna"]).get(f"/timeline/{call.pk}/brief/").status_code == 404


def test_the_brief_runs_a_fixed_number_of_queries(people, meeting, client_for):
    client = client_for(people["anna"])
    url = f"/timeline/{meeting.pk}/brief/"
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for n in range(12):
        contact = ContactFactory(account=meeting.account, last_name=f"Colleague{n}")
        give_roles(contact, "user")
        meeting.contacts.add(contact)
        note = Interaction.objects.create(kind="note", account=meeting.account, owner=people["anna"],
                                          subject=f"Note {n}", starts_at=timezone.now() - dt.timedelta(days=n))
        note.contacts.add(contact)
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large) == len(small)


def test_the_brief_in_the_api(people, meeting, client_for):
    year = timezone.localdate().year
    AccountFinancials.objects.create(account=meeting.account, year=year - 1, revenue=Decimal("1250000"))
    client = client_for(people["anna"])
    brief = client.get(f"/api/v1/interactions/{meeting.pk}/brief").json()
    assert brief["meeting_id"] == meeting.pk and brief["account"] == "OOO Severstal Trade"
    [person] = brief["participants"]
    assert person["roles"] == ["payer", "decision_maker"] and person["birthday_in_days"] == 2
    assert [entry["subject"] for entry in brief["recent"]] == ["Kick-off"]
    assert brief["financials"][0]["revenue"] == "1250000.00" or float(brief["financials"][0]["revenue"]) == 1250000
    assert "purchases" in [section["key"] for section in brief["sections"]]
    assert "Who uses our product day to day?" in brief["questions"]
    on_demand = client.get(f"/api/v1/interactions/account-brief/{meeting.account_id}").json()
    assert on_demand["meeting_id"] is None and on_demand["account_id"] == meeting.account_id
    assert client.get(f"/api/v1/interactions/account-brief/{meeting.account_id}").status_code == 200
    assert client_for(people["support"]).get(
        f"/api/v1/interactions/{meeting.pk}/brief").json()["financials"] is None
    assert client_for(people["boris"]).get(f"/api/v1/interactions/{meeting.pk}/brief").status_code == 404
    assert client.get("/api/v1/interactions/account-brief/99999999999999999999").status_code == 404


def test_every_section_of_the_brief_reaches_the_api_as_typed_data(people, meeting, client_for):
    """Deals, proposals, contracts, complaints and purchases were model objects the API could not write
    (a 500 on most records); each section is now a title, plain items and questions."""
    from keyaccount.contracts import services as contract_services
    from keyaccount.deals import services as deal_services
    from keyaccount.feedback import services as feedback_services

    anna, account = people["anna"], meeting.account
    today = timezone.localdate()
    product = ProductFactory(name="Rebar A500")
    OrderLineFactory(order=OrderFactory(account=account, ordered_on=today - dt.timedelta(days=30)), product=product)
    deal = deal_services.deal_create(user=anna, account=account, data={"title": "Warehouse racks",
                                                                       "amount": Decimal("900000")})
    proposal = deal_services.proposal_create(user=anna, account=account, data={
        "title": "Racks", "deal": deal, "lines": [{"product": product, "quantity": 3}]})
    deal_services.proposal_update(user=anna, proposal=proposal, data={"status": "sent", "sent_on": today},
                                  version=None)
    contract = contract_services.contract_create(user=anna, account=account, data={
        "number": "K-7", "subject": "Supply", "starts_on": today - dt.timedelta(days=300),
        "ends_on": today + dt.timedelta(days=60)})
    contract_services.obligation_create(user=anna, contract=contract, data={
        "kind": "payment", "title": "Second payment", "due_on": today + dt.timedelta(days=5)})
    feedback_services.feedback_create(user=anna, account=account, data={"subject": "Late pallets", "text": "…"})

    brief = client_for(anna).get(f"/api/v1/interactions/{meeting.pk}/brief")
    assert brief.status_code == 200, brief.content
    sections = {section["key"]: section for section in brief.json()["sections"]}
    assert {"purchases", "deals", "contracts", "feedback"} <= sections.keys()
    deals = {item["kind"]: item for item in sections["deals"]["items"]}
    assert deals["deal"]["title"] == "Warehouse racks" and deals["deal"]["record_id"] == deal.pk
    assert Decimal(deals["deal"]["amount"]) == Decimal("900000") and deals["deal"]["currency"] == "RUB"
    assert deals["proposal"]["record_id"] == proposal.pk
    assert [item["title"] for item in sections["contracts"]["items"]] == ["Second payment", str(contract)]
    assert sections["feedback"]["items"][0]["title"] == "Late pallets"
    assert "Rebar A500" in [item["title"] for item in sections["purchases"]["items"]]
    # The support agent reads the people and the complaints, never the money.
    support = client_for(people["support"]).get(f"/api/v1/interactions/account-brief/{account.pk}")
    assert support.status_code == 200
    assert {section["key"] for section in support.json()["sections"]}.isdisjoint({"purchases", "deals", "contracts"})


def test_the_server_prints_a_first_document_in_each_worker_before_anyone_asks(monkeypatch):
    """WeasyPrint's first document in a process loads Pango and the fonts (seconds): the server's
    workers do it in the background when they start, so the first brief is as quick as the next."""
    from gunicorn.app.base import BaseApplication

    from keyaccount.core import documents, server

    monkeypatch.setattr(sys, "argv", list(sys.argv))  # serve() trims the command line for gunicorn
    printed = []
    monkeypatch.setattr(documents, "html_to_pdf", lambda html: printed.append(html) or b"%PDF")
    configured = {}
    monkeypatch.setattr(BaseApplication, "run", lambda self: configured.update(
        hook=self.cfg.post_worker_init, workers=self.cfg.workers))
    server.serve(bind="127.0.0.1:0", workers=1, threads=2)
    configured["hook"](None)
    for thread in [t for t in threading.enumerate() if t.name == "warm-up-printing"]:
        thread.join(timeout=10)
    assert printed == ["<p>Keyaccount</p>"] and configured["workers"] == 1
