"""`kam demo` and `kam generate`: the demo company and the scale data set."""

import pytest
from django.core.management import call_command

from keyaccount.core.models import User
from keyaccount.demo import generator


@pytest.mark.django_db
def test_kam_demo_loads_the_demo_company_once_and_every_login_works(client, capsys):
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
    for username, _role in generator.DEMO_USERS:
        signed_in = client.post("/login/", {"username": username, "password": "demo"})
        assert signed_in.status_code == 302 and signed_in["Location"] == "/accounts/", username
        assert client.get("/accounts/").status_code == 200
        client.post("/logout/")
    call_command("demo", "--no-serve")
    assert "already loaded" in capsys.readouterr().out
    assert User.objects.filter(username="anna").count() == 1


@pytest.mark.django_db
def test_kam_generate_streams_a_scale_data_set(capsys):
    from keyaccount.accounts.models import Account, Contact
    from keyaccount.accounts.queries import account_list
    from keyaccount.orders.models import Order, OrderLine

    call_command("generate", "--accounts", "40", "--order-lines", "800")
    assert "Generated 40 accounts" in capsys.readouterr().out
    assert Account.objects.count() == 40 and Contact.objects.count() == 80
    assert OrderLine.objects.count() == 800 and Order.objects.filter(total=0).count() == 0
    account = Account.objects.first()
    admin = User.objects.create(username="root", role="admin")
    assert account in account_list(admin, search=account.short_name)
