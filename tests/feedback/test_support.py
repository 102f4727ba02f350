"""The support desk: e-mail in through Keyaccount's own SMTP intake and through an IMAP mailbox (both
real local servers), replies mailed out with the reference that brings the user's answer back to
the ticket, repeats stored once, unknown senders kept until someone says whose they are; the
queue, the thread and the API; the account's manager sees tickets on the timeline."""

import datetime as dt
import logging
import smtplib
import socket
import time
from email.message import EmailMessage

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from keyaccount.accounts.models import ContactEmail
from keyaccount.core.models import Notification
from keyaccount.feedback import support
from keyaccount.feedback.models import Ticket, TicketMessage, UnmatchedMail
from keyaccount.timeline.models import Interaction
from tests.mail import ImapServer


def message(sender, subject, body, message_id=None, **headers) -> bytes:
    mail_ = EmailMessage()
    mail_["From"], mail_["To"], mail_["Subject"] = sender, "support@example.com", subject
    if message_id:
        mail_["Message-ID"] = message_id
    for name, value in headers.items():
        mail_[name.replace("_", "-")] = value
    mail_.set_content(body)
    return mail_.as_bytes()


@pytest.fixture
def user_of_the_product(anna_contact):
    ContactEmail.objects.create(contact=anna_contact, email="elena@client.example")
    return anna_contact


@pytest.mark.django_db(transaction=True)
def test_an_email_to_the_smtp_intake_becomes_a_ticket(people, anna_account, user_of_the_product):
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(support.SmtpIntake(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
            client.sendmail("elena@client.example", ["support@example.com"],
                            message("Elena <elena@client.example>", "Cannot log in", "The app says: wrong password",
                                    "<m1@client.example>"))
    finally:
        controller.stop()
    ticket = Ticket.objects.get()
    assert (ticket.account, ticket.contact, ticket.channel, ticket.email) == (
        anna_account, user_of_the_product, "email", "elena@client.example")
    assert ticket.messages.get().body == "The app says: wrong password"
    assert Interaction.objects.filter(account=anna_account, subject__contains=ticket.reference).exists()


def test_a_reply_goes_out_with_the_reference_and_the_answer_comes_back_to_the_ticket(
        people, user_of_the_product, django_capture_on_commit_callbacks):
    ticket = support.receive_email(message("elena@client.example", "Export fails", "CSV export shows an error",
                                           "<first@client.example>"))
    with django_capture_on_commit_callbacks(execute=True):
        support.ticket_reply(user=people["support"], ticket=ticket, body="Please try again now.",
                             version=ticket.version)
    sent = mail.outbox[-1]
    assert sent.to == ["elena@client.example"] and sent.subject == f"[{ticket.reference}] Export fails"
    assert sent.extra_headers["In-Reply-To"] == "<first@client.example>"
    ticket.refresh_from_db()
    assert ticket.status == "waiting" and ticket.first_response_at and ticket.assignee == people["support"]
    answer = support.receive_email(message("elena@client.example", f"Re: [{ticket.reference}] Export fails",
                                           "Still broken", "<second@client.example>"))
    assert answer == ticket
    ticket.refresh_from_db()
    assert ticket.status == "open" and ticket.messages.count() == 3
    # The same message fetched again adds nothing.
    assert support.receive_email(message("elena@client.example", "Re: x", "Still broken",
                                         "<second@client.example>")) is None
    assert TicketMessage.objects.filter(ticket=ticket).count() == 3


def test_an_answer_without_the_reference_finds_its_ticket_by_the_message_it_answers(people, user_of_the_product):
    ticket = support.receive_email(message("elena@client.example", "Slow reports", "Reports take minutes",
                                           "<a@client.example>"))
    again = support.receive_email(message("elena@client.example", "Re: Slow reports", "Any news?",
                                          "<b@client.example>", In_Reply_To="<a@client.example>"))
    assert again == ticket and Ticket.objects.count() == 1


def test_mail_from_unknown_addresses_waits_until_someone_says_whose_it_is(client_for, people, user_of_the_product):
    waiting = support.receive_email(message("stranger@client.example", "Help", "Who do I ask?", "<s@x>"))
    assert isinstance(waiting, UnmatchedMail) and not Ticket.objects.exists()
    client = client_for(people["support"])
    page = client.get(reverse("feedback:unmatched_list")).content.decode()
    assert "stranger@client.example" in page and str(user_of_the_product) in page  # same domain suggested
    response = client.post(reverse("feedback:unmatched_assign", args=[waiting.pk]),
                           {f"m{waiting.pk}-contact": user_of_the_product.pk})
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and ticket.contact == user_of_the_product
    assert client_for(people["anna"]).get(reverse("feedback:unmatched_list")).status_code == 404


def test_the_imap_mailbox_is_fetched_and_each_message_marked_read(user_of_the_product):
    raw = [message("elena@client.example", "One", "first", "<i1@x>"),
           message("elena@client.example", "Two", "second", "<i2@x>"),
           message("nobody@else.example", "Three", "third", "<i3@x>")]
    with ImapServer(raw) as server:
        result = support.fetch_imap(host="127.0.0.1", port=server.port, user="desk", password="secret",
                                    use_ssl=False)
        assert result == {"fetched": 3, "tickets": 2, "unmatched": 1, "repeats": 0, "refused": 0}
        assert server.seen == {0, 1, 2}
        assert support.fetch_imap(host="127.0.0.1", port=server.port, user="desk", password="secret",
                                  use_ssl=False)["fetched"] == 0
    assert sorted(Ticket.objects.values_list("subject", flat=True)) == ["One", "Two"]


def test_html_only_and_markup_is_stored_as_text_and_shown_escaped(client_for, people, user_of_the_product):
    mail_ = EmailMessage()
    mail_["From"], mail_["Subject"], mail_["Message-ID"] = "elena@client.example", "<b>Bold</b>", "<h@x>"
    mail_.set_content("<p>Hello <script>alert(1)</script></p>", subtype="html")
    ticket = support.receive_email(mail_.as_bytes())
    page = client_for(people["support"]).get(ticket.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;b&gt;Bold&lt;/b&gt;" in page


def test_the_queue_the_thread_and_replies_through_the_page(client_for, people, anna_account, user_of_the_product):
    client = client_for(people["support"])
    created = client.post(reverse("feedback:ticket_create", args=[anna_account.pk]), {
        "contact": user_of_the_product.pk, "subject": "Printer driver", "body": "Where is it?", "priority": "high",
        "channel": "call"})
    ticket = Ticket.objects.get()
    assert created.status_code == 302 and ticket.priority == "high"
    assert "Printer driver" in client.get(reverse("feedback:ticket_list") + "?state=unsolved").content.decode()
    # "Open" is a status of its own, apart from "not solved yet": a new ticket is not in it.
    assert "Printer driver" not in client.get(reverse("feedback:ticket_list") + "?state=open").content.decode()
    note = client.post(reverse("feedback:ticket_action", args=[ticket.pk, "note"]), {"body": "Ask IT first"})
    reply = client.post(reverse("feedback:ticket_action", args=[ticket.pk, "reply"]), {
        "version": ticket.version, "body": "Here is the link", "status": "solved"})
    assert note.status_code == 302 and reply.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == "solved" and ticket.solved_at
    assert [m.kind for m in ticket.messages.all()] == ["in", "note", "out"]
    assert len(mail.outbox) == 0 or all("Ask IT first" not in m.body for m in mail.outbox)
    stale = client.post(reverse("feedback:ticket_action", args=[ticket.pk, "reply"]), {
        "version": 1, "body": "again", "status": "waiting"})
    assert stale.status_code == 400
    # The account's manager sees it; a manager of other accounts does not.
    assert "Printer driver" in client_for(people["anna"]).get(anna_account.get_absolute_url()).content.decode()
    assert client_for(people["boris"]).get(ticket.get_absolute_url()).status_code == 404


def test_tickets_through_the_api_and_the_inbound_endpoint(api_as, client, settings, people, anna_account,
                                                         user_of_the_product):
    api = api_as("support")
    created = api("post", "/api/v1/tickets/", {"account_id": anna_account.pk, "contact_id": user_of_the_product.pk,
                                               "subject": "Crash", "body": "On start", "priority": "urgent"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["reference"] == f"T-{body['id']}" and body["messages"][0]["body"] == "On start"
    replied = api("post", f"/api/v1/tickets/{body['id']}/reply", {"version": body["version"], "body": "Fixed"})
    assert replied.status_code == 200 and replied.json()["status"] == "waiting"
    assert api("patch", f"/api/v1/tickets/{body['id']}", {"version": 1, "status": "closed"}).status_code == 409
    assert api("post", "/api/v1/tickets/", {"account_id": anna_account.pk, "subject": "",
                                            "body": "x"}).status_code == 422
    assert api_as("boris")("get", f"/api/v1/tickets/{body['id']}").status_code == 404
    raw = message("elena@client.example", "By forwarding", "hello", "<f@x>")
    assert client.post("/api/v1/tickets/inbound", raw, content_type="message/rfc822").status_code == 403
    settings.KAM_SUPPORT_INBOUND_SECRET = "s3cret"
    forwarded = client.post("/api/v1/tickets/inbound", raw, content_type="message/rfc822",
                            HTTP_X_KEYACCOUNT_SECRET="s3cret")
    assert forwarded.status_code == 200 and forwarded.json()["result"] == "ticket"


def test_odd_mail_is_taken_without_a_fault(user_of_the_product):
    long_id = "<" + "x" * 500 + "@client.example>"
    ticket = support.receive_email(message("elena@client.example", "Long id", "text", long_id))
    assert len(ticket.messages.get().message_id) == 300
    assert support.receive_email(message("elena@client.example", "Long id", "text", long_id)) is None
    garbage = support.receive_email(b"\x00\xff not a mail at all")
    assert isinstance(garbage, UnmatchedMail)


def test_unmatched_mail_goes_only_to_people_the_agent_sees(client_for, people, anna_account):
    """A head of sales reads the mail from unknown addresses, but attaches it only to people of the
    accounts they see: another team's client was offered and taken before."""
    from tests.factories import AccountFactory, ContactFactory

    theirs = ContactFactory(account=AccountFactory(owner=people["other_head"], name="Other team's client"))
    ContactEmail.objects.create(contact=theirs, email="buyer@far.example")
    waiting = support.receive_email(message("boss@far.example", "Prices", "Send prices", "<p@far>"))
    head = client_for(people["head"])
    assert "Other team&#x27;s client" not in head.get(reverse("feedback:unmatched_list")).content.decode()
    refused = head.post(reverse("feedback:unmatched_assign", args=[waiting.pk]), {f"m{waiting.pk}-contact": theirs.pk})
    assert refused.status_code == 404 and not Ticket.objects.exists()
    with pytest.raises(Exception, match="may not see"):
        support.unmatched_assign(user=people["head"], mail=waiting, contact=theirs)


def test_a_ticket_recorded_by_an_agent_shows_the_client_as_its_author(client_for, people, user_of_the_product):
    """The agent who typed in a call is not who wrote: the first message is the client's, "recorded by"
    the agent, at the moment given (an e-mail assigned a day later was still written when it came)."""
    written = timezone.now() - dt.timedelta(hours=20)
    ticket = support.ticket_create(user=people["anna"], account=user_of_the_product.account, at=written,
                                   contact=user_of_the_product, data={"subject": "Login fails", "body": "It fails"})
    first = ticket.messages.get()
    assert (ticket.created_at, first.created_at, first.sender, first.author) == (
        written, written, str(user_of_the_product), people["anna"])
    page = client_for(people["anna"]).get(reverse("feedback:ticket_detail", args=[ticket.pk])).content.decode()
    header = page.split('<header class="small">', 1)[1].split("</header>", 1)[0]
    assert str(user_of_the_product) in header and f"recorded by {people['anna']}" in header


def test_mail_assigned_later_keeps_the_time_it_came(people, anna_account, user_of_the_product):
    mail_came = support.receive_email(message("stranger@far.example", "Prices", "Send prices", "<late@far>"))
    UnmatchedMail.objects.filter(pk=mail_came.pk).update(received_at=timezone.now() - dt.timedelta(days=1))
    mail_came.refresh_from_db()
    ticket = support.unmatched_assign(user=people["support"], mail=mail_came, contact=user_of_the_product)
    assert ticket.created_at == mail_came.received_at == ticket.messages.get().created_at


def test_ticket_sla_reminders_go_to_support_and_breaches_to_the_accounts_manager_and_head(people, frozen_now,
                                                                                          user_of_the_product):
    from keyaccount.feedback import reminders
    from keyaccount.timeline import reminders as delivery
    from keyaccount.timeline.models import Reminder

    ticket = support.ticket_create(user=people["support"], account=user_of_the_product.account,
                                   contact=user_of_the_product, data={"subject": "Login fails", "body": "It fails",
                                                                      "priority": "high"})

    def rows():  # those waiting: the delivered stay as the record of what was said
        return {(r.user.username, r.key.rsplit(":", 1)[1], r.key.split(":")[1].split("@")[0])
                for r in Reminder.objects.filter(source=reminders.TICKET_SOURCE, object_id=ticket.pk, state="pending")
                .select_related("user")}

    # Nobody took it yet: every support agent is reminded; the breach reaches the account's manager and head too.
    steps = ("response", "resolution")
    assert rows() == ({("support", kind, step) for kind in ("soon", "breach") for step in steps}
                      | {(user, "breach", step) for user in ("anna", "head") for step in steps})
    # A ticket changed without its service (an import, the admin site) is caught up by the sweep.
    written = rows()
    Reminder.objects.filter(source=reminders.TICKET_SOURCE, object_id=ticket.pk).delete()
    assert reminders._sweep_tickets(frozen_now) > 0 and rows() == written
    soon = Reminder.objects.get(source=reminders.TICKET_SOURCE, object_id=ticket.pk, key__contains="response",
                                key__endswith=":soon")
    assert ticket.response_due - soon.remind_at <= dt.timedelta(hours=1)
    # The breach, delivered when due, names the ticket; a reply first would have withdrawn it.
    report = delivery.deliver_due(now=ticket.response_due + dt.timedelta(minutes=1))
    assert report.sent >= 3
    alert = Notification.objects.get(user=people["head"], title__contains=ticket.reference)
    assert "First response to ticket" in alert.title and "overdue" in alert.title
    support.ticket_reply(user=people["support"], ticket=ticket, body="Looking into it", status="open",
                         version=ticket.version)
    assert {step for _user, _kind, step in rows()} == {"resolution"}
    ticket.refresh_from_db()
    # Waiting for the user, the ticket owes nothing; solved, neither.
    support.ticket_update(user=people["support"], ticket=ticket, data={"status": "waiting"}, version=ticket.version)
    assert rows() == set()


def test_a_ticket_is_assigned_only_to_someone_who_works_its_account(api_as, people, user_of_the_product):
    ticket = support.ticket_create(user=people["anna"], account=user_of_the_product.account,
                                   contact=user_of_the_product, data={"subject": "Login fails", "body": "…"})
    api = api_as("anna")
    for outsider in ("boris", "other_head", "analyst"):
        refused = api("patch", f"/api/v1/tickets/{ticket.pk}", {"version": ticket.version,
                                                                 "assignee_id": people[outsider].pk})
        assert refused.status_code == 422 and "assignee" in refused.json()["errors"], outsider
    ticket.refresh_from_db()
    assert ticket.assignee is None
    handed = api("patch", f"/api/v1/tickets/{ticket.pk}", {"version": ticket.version,
                                                           "assignee_id": people["support"].pk})
    assert handed.status_code == 200 and handed.json()["assignee_id"] == people["support"].pk


# Mail that cannot hurt the desk: measured before it is parsed, parts and headers bounded --------


def many_parts(count: int) -> bytes:
    parts = "--B\r\nContent-Type: text/plain\r\n\r\nx\r\n" * count
    return (f"From: elena@client.example\r\nSubject: parts\r\nMIME-Version: 1.0\r\n"
            f"Content-Type: multipart/mixed; boundary=B\r\n\r\n{parts}--B--\r\n").encode()


def test_a_message_over_the_size_limit_is_refused_before_it_is_parsed(settings, monkeypatch, caplog,
                                                                      user_of_the_product):
    settings.KAM_SUPPORT_MAX_MESSAGE_BYTES = 1000
    raw = message("elena@client.example", "Big", "x" * 2000, "<big@x>")

    def no_parsing(*args, **kwargs):
        raise AssertionError("the message was parsed")

    monkeypatch.setattr(support.email.feedparser.BytesFeedParser, "feed", no_parsing)
    with caplog.at_level(logging.WARNING), pytest.raises(support.MessageRefused) as refused:
        support.receive_email(raw)
    assert refused.value.too_large and "over KAM_SUPPORT_MAX_MESSAGE_BYTES" in caplog.text
    assert not Ticket.objects.exists() and not UnmatchedMail.objects.exists()


@pytest.mark.parametrize("raw,reason", [
    # 20,000 parts of 40 bytes: the parser alone would take ten seconds.
    (many_parts(20_000), "more than 100 MIME parts"),
    # A subject of 20,000 encoded words: the header parser would take gigabytes.
    (b"From: elena@client.example\r\nSubject: " + b"=?utf-8?q?a?= " * 20_000 + b"\r\n\r\nbody\r\n",
     "a header longer than"),
    # Parts inside parts two thousand deep: the parser would recurse past Python's limit.
    (("From: elena@client.example\r\nMIME-Version: 1.0\r\n" + "".join(
        f"Content-Type: multipart/mixed; boundary=b{n}\r\n\r\n--b{n}\r\n" for n in range(2000))
      + "Content-Type: text/plain\r\n\r\nhi\r\n").encode(), "more than 100 MIME parts"),
])
def test_a_message_with_too_many_parts_or_too_long_a_header_is_refused_at_once(raw, reason, user_of_the_product):
    started = time.perf_counter()
    with pytest.raises(support.MessageRefused) as refused:
        support.receive_email(raw)
    # Unbounded, each would take ten seconds or more; refused, well under one on a quiet machine (the
    # bound leaves room for a CI machine running two test suites at once).
    assert time.perf_counter() - started < 3
    assert reason in str(refused.value) and not refused.value.too_large
    assert not Ticket.objects.exists() and not UnmatchedMail.objects.exists()


def test_a_message_with_a_few_attachments_is_still_a_ticket(user_of_the_product):
    mail_ = EmailMessage()
    mail_["From"], mail_["Subject"], mail_["Message-ID"] = "elena@client.example", "Screenshots", "<att@x>"
    mail_.set_content("See the screenshots")
    for n in range(20):
        mail_.add_attachment(b"\x89PNG" * 100, maintype="image", subtype="png", filename=f"shot{n}.png")
    ticket = support.receive_email(mail_.as_bytes())
    assert ticket.messages.get().body == "See the screenshots"


def test_the_mailbox_fetch_skips_a_message_over_the_limit_without_downloading_it(settings, user_of_the_product):
    settings.KAM_SUPPORT_MAX_MESSAGE_BYTES = 5000
    raw = [message("elena@client.example", "Huge", "x" * 10_000, "<h1@x>"),
           many_parts(500),
           message("elena@client.example", "Small", "fine", "<h3@x>")]
    with ImapServer(raw) as server:
        result = support.fetch_imap(host="127.0.0.1", port=server.port, user="desk", password="secret",
                                    use_ssl=False)
        assert result == {"fetched": 1, "tickets": 1, "unmatched": 0, "repeats": 0, "refused": 2}
        assert 1 not in server.downloaded and server.seen == {0, 1, 2}
    assert list(Ticket.objects.values_list("subject", flat=True)) == ["Small"]


def test_kam_support_fetch_says_in_one_line_that_the_mailbox_refused_the_login(settings, user_of_the_product):
    from django.core.management import CommandError, call_command

    with ImapServer([message("elena@client.example", "One", "first")]) as server:
        settings.KAM_SUPPORT_IMAP_HOST, settings.KAM_SUPPORT_IMAP_PORT = "127.0.0.1", server.port
        settings.KAM_SUPPORT_IMAP_USER, settings.KAM_SUPPORT_IMAP_PASSWORD = "desk", "wrong"
        settings.KAM_SUPPORT_IMAP_SSL = False
        with pytest.raises(CommandError) as refused:
            call_command("support", "fetch")
    assert refused.value.returncode == 2 and str(refused.value).startswith("the mailbox refused:")
    assert not Ticket.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_smtp_intake_refuses_a_message_too_large_or_too_parted(people, anna_account, user_of_the_product,
                                                                   settings):
    settings.KAM_SUPPORT_MAX_MESSAGE_BYTES = 20_000
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = support.intake_controller(hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
            with pytest.raises(smtplib.SMTPResponseException) as too_large:
                client.sendmail("elena@client.example", ["support@example.com"],
                                message("elena@client.example", "Huge", "x" * 50_000, "<s1@x>"))
            assert too_large.value.smtp_code == 552
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
            with pytest.raises(smtplib.SMTPDataError) as parted:
                client.sendmail("elena@client.example", ["support@example.com"], many_parts(300))
            assert parted.value.smtp_code == 554
            client.sendmail("elena@client.example", ["support@example.com"],
                            message("elena@client.example", "Fine", "hello", "<s3@x>"))
    finally:
        controller.stop()
    assert list(Ticket.objects.values_list("subject", flat=True)) == ["Fine"]


def test_the_inbound_endpoint_refuses_a_large_message_before_reading_it(client, settings, user_of_the_product):
    settings.KAM_SUPPORT_INBOUND_SECRET = "s3cret"
    settings.KAM_SUPPORT_MAX_MESSAGE_BYTES = 1000
    big = client.post("/api/v1/tickets/inbound", message("elena@client.example", "Big", "x" * 5000, "<a@x>"),
                      content_type="message/rfc822", HTTP_X_KEYACCOUNT_SECRET="s3cret")
    assert big.status_code == 413 and big.json()["result"] == "too large"
    settings.KAM_SUPPORT_MAX_MESSAGE_BYTES = 100_000
    parted = client.post("/api/v1/tickets/inbound", many_parts(500), content_type="message/rfc822",
                         HTTP_X_KEYACCOUNT_SECRET="s3cret")
    assert parted.status_code == 422 and parted.json()["result"] == "refused"
    assert not Ticket.objects.exists() and not UnmatchedMail.objects.exists()


def test_a_tickets_sla_is_counted_in_working_hours(people, user_of_the_product):
    zone = timezone.get_current_timezone()
    # Thursday 30 April 2026, 16:00: a shortened pre-holiday day (to 17:00), then the May holidays.
    with time_machine.travel(dt.datetime(2026, 4, 30, 16, tzinfo=zone), tick=False):
        ticket = support.ticket_create(user=people["anna"], account=user_of_the_product.account,
                                       contact=user_of_the_product,
                                       data={"subject": "Login fails", "body": "…", "priority": "high"})
    # High: 8 working hours to the first response: 1 on Thursday, 7 on Monday 4 May (09:00–16:00).
    assert ticket.response_due == dt.datetime(2026, 5, 4, 16, tzinfo=zone)
    # Urgent at night: 2 working hours from the next working morning.
    with time_machine.travel(dt.datetime(2026, 5, 5, 23, 30, tzinfo=zone), tick=False):
        night = support.ticket_create(user=people["anna"], account=user_of_the_product.account,
                                      contact=user_of_the_product,
                                      data={"subject": "Down", "body": "…", "priority": "urgent"})
    assert night.response_due == dt.datetime(2026, 5, 6, 11, tzinfo=zone)
