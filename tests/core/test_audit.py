"""Every write is audited: who, when and what changed, wherever the change is made — the pages, the
API, the administration site, the worker's jobs and the mail that comes in. These are the writes that
went around the audit before."""

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from keyaccount.core.models import AuditEntry, Team
from tests.factories import ContactFactory, ProductFactory


def _entries(instance):
    return AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(instance), object_id=instance.pk)


def test_a_profile_change_is_audited_without_the_password(people, client_for):
    anna = people["anna"]
    response = client_for(anna).post(reverse("core:profile"), {
        "first_name": "Anna", "last_name": "Volkova", "email": "anna@example.ru", "time_zone": "Asia/Omsk",
        "extension": "105", "reminder_leads": ["15"], "email_reminders": "on"})
    assert response.status_code == 302
    [entry] = _entries(anna)
    assert entry.actor == anna and entry.action == "update"
    assert entry.changes["time_zone"] == ["", "Asia/Omsk"] and entry.changes["extension"] == ["", "105"]
    assert "password" not in entry.changes


def test_changes_in_the_administration_site_are_audited(people, client_for):
    admin, anna = people["admin"], people["anna"]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client = client_for(admin)
    page = client.get(reverse("admin:core_user_change", args=[anna.pk]))
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "password"}
    data.update(role="head", date_joined_0="2026-01-01", date_joined_1="09:00:00", last_login_0="",
                last_login_1="", groups=[], user_permissions=[])
    response = client.post(reverse("admin:core_user_change", args=[anna.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    role_change = _entries(anna).get(changes__has_key="role")
    assert role_change.actor == admin and role_change.changes["role"] == ["kam", "head"]
    client.post(reverse("admin:auth_user_password_change", args=[anna.pk]),
                {"password1": "a new long secret 4711", "password2": "a new long secret 4711"})
    password = _entries(anna).filter(changes__has_key="password").get()
    assert password.changes["password"] == ["(old)", "(new)"] and "pbkdf2" not in str(password.changes)
    team = Team.objects.create(name="Temporary")
    client.post(reverse("admin:core_team_delete", args=[team.pk]), {"post": "yes"})
    assert _entries(team).filter(action="delete", actor=admin).exists()


def test_proposals_that_expire_overnight_are_audited(people, anna_account):
    from keyaccount.deals import services as deal_services

    proposal = deal_services.proposal_create(user=people["anna"], account=anna_account, data={
        "title": "Offer", "valid_until": dt.date(2026, 12, 5), "lines": [{"product": ProductFactory(), "quantity": 1}]})
    deal_services.proposal_update(user=people["anna"], proposal=proposal,
                                  data={"status": "sent", "sent_on": dt.date(2026, 11, 1)}, version=None)
    assert deal_services.expire_proposals(today=dt.date(2026, 12, 6)) == 1
    entry = _entries(proposal).get(changes__has_key="status", action="update", actor=None)
    assert entry.changes["status"] == ["sent", "expired"] and entry.account_id == anna_account.pk


def test_mail_that_reopens_a_ticket_or_waits_unmatched_is_audited(people, anna_account):
    from keyaccount.accounts.models import ContactEmail
    from keyaccount.feedback import support
    from keyaccount.feedback.models import UnmatchedMail

    contact = ContactFactory(account=anna_account)
    ContactEmail.objects.create(contact=contact, email="client@example.com")
    ticket = support.ticket_create(user=people["anna"], account=anna_account, contact=contact,
                                   data={"subject": "Login fails", "body": "Since Monday"})
    support.ticket_update(user=people["anna"], ticket=ticket, data={"status": "solved"}, version=None)
    support.receive_email(f"From: client@example.com\r\nSubject: Re: [{ticket.reference}] Login fails\r\n"
                          f"Message-ID: <again@example.com>\r\n\r\nStill broken.\r\n".encode())
    reopened = _entries(ticket).filter(actor=None, changes__has_key="status").get()
    assert reopened.changes["status"] == ["solved", "open"]
    support.receive_email(b"From: stranger@example.org\r\nSubject: Prices\r\nMessage-ID: <x@example.org>\r\n\r\nHi\r\n")
    mail = UnmatchedMail.objects.get(sender="stranger@example.org")
    assert _entries(mail).filter(action="create", actor=None).exists()
