"""`kam demo` and `kam generate`: the demo company and the scale data set."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Max

from keyaccount.core import working_time
from keyaccount.core.models import User
from keyaccount.demo import generator

MOSCOW = ZoneInfo("Europe/Moscow")
# A Wednesday morning in mid-month before work: the demo is loaded at 8:30, as a manager finds it at 9:00.
WEDNESDAY = dt.datetime(2026, 12, 16, 8, 30, tzinfo=MOSCOW)


@pytest.mark.django_db
def test_kam_demo_loads_the_demo_company_once_and_every_login_works(client, capsys):
    with time_machine.travel(WEDNESDAY, tick=True):
        _load_and_check_the_demo(client, capsys)


def _load_and_check_the_demo(client, capsys):
    call_command("demo", "--no-serve", "--lang", "en")
    out = capsys.readouterr().out
    assert "http://127.0.0.1:8000/" in out
    from keyaccount.accounts.models import Account, Contact
    from keyaccount.orders.models import OrderLine

    assert 55 <= Account.objects.count() <= 65
    assert 200 <= Contact.objects.count() <= 400
    assert 15_000 <= OrderLine.objects.count() <= 25_000
    from keyaccount.contracts.models import Obligation
    from keyaccount.deals.models import Deal, Proposal
    from keyaccount.planning.models import AccountPlan, SalesPlan

    assert Deal.objects.filter(stage__outcome="open").exists() and Deal.objects.filter(loss_reason__gt="").exists()
    assert Proposal.objects.exists() and AccountPlan.objects.exists() and SalesPlan.objects.exists()
    assert Obligation.objects.filter(status="open").exists()
    from keyaccount.insights.models import AccountScore

    assert AccountScore.objects.filter(health__isnull=False).count() >= 40
    # Nothing noisy: what loading the company told the managers is read; what is left is a handful
    # of entries to act on (the key accounts that may be leaving).
    from keyaccount.core import queries as core_queries
    from keyaccount.core.models import Notification

    for username in ("anna", "boris", "head"):
        manager = User.objects.get(username=username)
        assert core_queries.unread_entries(manager) <= 3, username
        assert set(Notification.objects.filter(user=manager, read_at__isnull=True).values_list("kind", flat=True)) \
            <= {"churn"}, username
    assert Notification.objects.filter(user__username="anna", kind="loyalty").exists()  # kept, as read

    from keyaccount.core.queries import our_company
    from keyaccount.deals.documents import context_for

    company = our_company()
    company.full_clean()  # requisites that pass every check: INN, KPP, OGRN, BIC, both accounts
    assert company.pk and company.name == "Promtekhsnab LLC" and company.bic and company.signatory
    seller = context_for(Proposal.objects.first())["seller"]
    assert seller["name"] == "Promtekhsnab LLC" and f"BIC {company.bic}" in seller["details"]
    _meetings_are_in_working_hours()
    _my_day_has_every_kind_of_item()
    for username, _role in generator.DEMO_USERS:
        signed_in = client.post("/login/", {"username": username, "password": "demo"})
        assert signed_in.status_code == 302 and signed_in["Location"] == "/", username
        # Managers and heads start on My day, support on the ticket queue, the others on the account list;
        # every start page opens.
        start = client.get("/")
        expected = ("/my-day/" if username in ("anna", "boris", "head") else
                    "/feedback/tickets/" if username == "support" else "/accounts/")
        assert start.status_code == 302 and start["Location"] == expected, username
        assert client.get(expected).status_code == 200, username
        client.post("/logout/")
    call_command("demo", "--no-serve")
    assert "already loaded" in capsys.readouterr().out
    assert User.objects.filter(username="anna").count() == 1


@pytest.mark.django_db
def test_kam_generate_streams_a_scale_data_set_a_company_can_be_tried_on(client, capsys):
    from django.db.models import Count, F

    from keyaccount.accounts.models import Account, Contact, ContactPhone
    from keyaccount.accounts.queries import account_list
    from keyaccount.deals.models import Deal
    from keyaccount.demo import scale
    from keyaccount.feedback.models import Feedback, Ticket
    from keyaccount.orders.models import Order, OrderLine
    from keyaccount.timeline.models import Interaction, InteractionContact

    call_command("generate", "--accounts", "300", "--order-lines", "8000")
    out = capsys.readouterr().out
    assert "Generated 300 accounts" in out and "password 'demo'" in out
    assert Account.objects.count() == 300 and Contact.objects.count() == 600
    assert OrderLine.objects.count() == 8000 and Order.objects.filter(total=0).count() == 0
    account = Account.objects.first()
    admin = User.objects.get(username="scale-admin")
    assert account in account_list(admin, search=account.short_name)
    # Everyone signs in with the password the command names, in each role.
    roles = dict(User.objects.filter(username__startswith="scale").values_list("username", "role"))
    assert {roles["scale-head-0"], roles["scale00"], roles["scale-support-1"], roles["scale-analyst"],
            roles["scale-admin"]} == {"head", "kam", "support", "analyst", "admin"}
    for username in ("scale-head-0", "scale00", "scale-support-1"):
        signed_in = client.post("/login/", {"username": username, "password": scale.PASSWORD})
        assert signed_in.status_code == 302, username
        assert client.get("/", follow=True).status_code == 200
    # Heavy-tailed sizes: one account with a twentieth of the lines, most buyers with an order or two,
    # and prospects and lost accounts with none.
    lines = sorted(OrderLine.objects.values("order__account").annotate(n=Count("id")).values_list("n", flat=True))
    assert 8000 // 20 in lines and lines[len(lines) // 2] * 10 < 8000 // 20
    assert not Order.objects.filter(account__status__in=["prospect", "lost"]).exists()
    orders_of = {status: Order.objects.filter(account__status=status).count() for status in ("key", "one_time")}
    assert orders_of["key"] > orders_of["one_time"]
    # Around the buyers: deals, calls and meetings with their people, complaints and tickets.
    assert Deal.objects.filter(stage__outcome="open").exists() and Deal.objects.filter(stage__outcome="won").exists()
    calls = Interaction.objects.filter(kind="call")
    assert calls.count() > 100 and Interaction.objects.filter(kind="meeting", meeting_status="planned").exists()
    assert not InteractionContact.objects.exclude(contact__account=F("interaction__account")).exists()
    call = calls.first()
    assert ContactPhone.objects.filter(contact__interaction_links__interaction=call, number=call.their_number).exists()
    assert Feedback.objects.filter(kind="complaint").exists() and Ticket.objects.exists()


def _meetings_are_in_working_hours():
    """Every meeting on a working day between 9:00 and 18:00 Moscow time, 30 minutes to two hours long."""
    from keyaccount.timeline.models import Interaction

    calendar = working_time.company_calendar()
    meetings = list(Interaction.objects.filter(kind="meeting").values_list("pk", "starts_at", "ends_at"))
    assert len(meetings) > 50
    for pk, starts, ends in meetings:
        local_start, local_end = starts.astimezone(MOSCOW), ends.astimezone(MOSCOW)
        assert calendar.is_working_day(local_start.date()), (pk, local_start)
        assert dt.time(9) <= local_start.time() and local_end.time() <= dt.time(18), (pk, local_start, local_end)
        assert local_end.date() == local_start.date(), pk
        assert dt.timedelta(minutes=30) <= ends - starts <= dt.timedelta(minutes=120), (pk, starts, ends)


def _my_day_has_every_kind_of_item():
    """Anna's and Boris's My day, dated from today: meetings today and tomorrow, a call due today and a
    task overdue, obligations due this week (ours and theirs), a complaint waiting for "client informed",
    tickets at every step (and near and past their SLA), a proposal expiring this week, a key account
    that stopped ordering, the month's sales plan with orders against it."""
    from keyaccount.accounts.models import Account
    from keyaccount.contracts.models import Obligation
    from keyaccount.deals.models import Proposal
    from keyaccount.feedback.models import Feedback, Ticket
    from keyaccount.orders.models import Order
    from keyaccount.planning.models import SalesPlan
    from keyaccount.timeline.models import Interaction

    now = dt.datetime.now(dt.UTC)
    today = now.astimezone(MOSCOW).date()
    tomorrow = today + dt.timedelta(days=1)  # a Thursday
    sunday = today + dt.timedelta(days=6 - today.weekday())
    assert set(Feedback.objects.values_list("status", flat=True)) == {
        "new", "in_progress", "resolved", "informed", "closed"}
    calendar = working_time.company_calendar()
    subjects: dict[str, set[str]] = {}
    for username in ("anna", "boris"):
        manager = User.objects.get(username=username)
        meetings = Interaction.objects.filter(kind="meeting", owner=manager, meeting_status="planned")
        days = {moment.astimezone(MOSCOW).date() for moment in meetings.values_list("starts_at", flat=True)}
        assert {today, tomorrow} <= days, username
        tasks = Interaction.objects.filter(kind="task", assignee=manager, done_at__isnull=True)
        due = [moment.astimezone(MOSCOW) for moment in tasks.values_list("due_at", flat=True)]
        assert any(moment.date() == today for moment in due), username
        assert any(moment < now for moment in due), username
        obligations = Obligation.objects.filter(contract__account__owner=manager, status="open",
                                                due_on__range=(today, sunday))
        assert set(obligations.values_list("side", flat=True)) == {"ours", "client"}, username
        assert Feedback.objects.filter(account__owner=manager, status="resolved").exists(), username
        tickets = Ticket.objects.filter(account__owner=manager)
        assert set(tickets.values_list("status", flat=True)) == {"new", "open", "waiting", "solved", "closed"}
        subjects[username] = set(tickets.values_list("subject", flat=True))
        for ticket in tickets:
            # Written by the client in working hours, the first message then too; the agent only recorded it.
            assert calendar.is_working_time(ticket.created_at), (ticket.reference, ticket.created_at)
            first = ticket.messages.first()
            assert (first.kind, first.created_at, first.sender) == ("in", ticket.created_at, str(ticket.contact))
        # What the manager took by phone, mail or at a meeting, in working hours (a web form or a survey
        # answer comes at any hour); so were the first responses.
        taken = Feedback.objects.filter(account__owner=manager, channel__in=("call", "email", "meeting"))
        assert taken.count() >= 5, username
        for received, responded in taken.values_list("received_at", "first_response_at"):
            assert calendar.is_working_time(received), (username, received)
            assert responded is None or responded >= received, (username, received, responded)
        open_tickets = tickets.filter(status__in=("new", "open", "waiting"))
        assert open_tickets.filter(resolution_due__gt=now, resolution_due__lt=now + dt.timedelta(hours=2)).exists()
        assert open_tickets.filter(resolution_due__lt=now).exists(), username
        assert Proposal.objects.filter(owner=manager, status="sent", valid_until__range=(today, sunday)).exists()
        stopped = Account.objects.filter(owner=manager, status="key").annotate(last=Max("orders__ordered_on")) \
            .filter(last__lt=today - dt.timedelta(days=45))
        assert stopped.exists(), username
        plan = SalesPlan.objects.get(user=manager, period_kind="month", period_start=today.replace(day=1))
        assert plan.amount > 0
        assert Order.objects.filter(account__owner=manager, ordered_on__gte=today.replace(day=1)).exists(), username
    assert not subjects["anna"] & subjects["boris"], "each manager's clients write about their own things"


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["ru", "en"])
def test_the_demo_company_has_valid_russian_requisites_in_both_languages(lang):
    from keyaccount.core.queries import our_company, seller_requisites

    admin = User.objects.create(username="admin", role="admin", is_superuser=True, is_staff=True)
    generator.DemoGenerator(lang=lang).our_company(admin)
    company = our_company()
    company.full_clean()  # INN, KPP, OGRN checksums; the BIC with both accounts
    assert len(company.inn) == 10 and len(company.kpp) == 9 and len(company.ogrn) == 13
    assert company.bic and company.settlement_account and company.correspondent_account and company.signatory
    details = seller_requisites(lang, company)["details"]
    assert company.inn in details and company.bic in details
