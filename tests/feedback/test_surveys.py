"""Surveys: sent by e-mail with a link of their own, answered once through it (no sign-in), the
answer on the timeline and a low score opening a complaint; sent by themselves when a deal reaches
fulfilment; only to people who consented; results (NPS, CSAT, response rate) exact on known data."""

import datetime as dt
import logging
import re
import smtplib

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from keyaccount.accounts.models import ContactConsent, ContactEmail
from keyaccount.deals import services as deal_services
from keyaccount.deals.models import Deal, Stage
from keyaccount.feedback import queries, surveys
from keyaccount.feedback.models import Feedback, Survey
from keyaccount.timeline.models import Interaction
from tests.factories import ContactFactory


@pytest.fixture(autouse=True)
def _fresh_limits(db):
    cache.clear()


def consenting(contact, email="elena@example.com"):
    ContactEmail.objects.create(contact=contact, email=email)
    ContactConsent.objects.create(contact=contact, purpose="surveys", given_on=dt.date(2026, 1, 10),
                                  source="signed form", text_version="1")
    return contact


def link_in(message) -> str:
    return re.search(r"https?://\S+/feedback/s/\S+/", message.body).group(0).split("://", 1)[1].split("/", 1)[1]


def test_a_survey_goes_by_mail_and_its_answer_comes_back_through_the_link(
        client, people, anna_account, anna_contact, django_capture_on_commit_callbacks):
    consenting(anna_contact)
    with django_capture_on_commit_callbacks(execute=True):
        survey = surveys.survey_send(user=people["anna"], account=anna_account, contact=anna_contact, kind="nps")
    message = mail.outbox[-1]
    assert message.to == ["elena@example.com"] and "0 (not at all) to 10" in message.body
    path = "/" + link_in(message)
    page = client.get(path)
    assert page.status_code == 200 and 'value="10"' in page.content.decode()
    assert client.post(path, {"score": "11"}).status_code == 400
    assert client.post(path, {"score": "9", "comment": "Fast and careful"}).status_code == 200
    survey.refresh_from_db()
    assert survey.score == 9 and survey.comment == "Fast and careful" and survey.complaint is None
    assert Interaction.objects.filter(account=anna_account, subject__contains="answer from").exists()
    again = client.post(path, {"score": "3"})
    assert "already been answered" in again.content.decode()
    survey.refresh_from_db()
    assert survey.score == 9


def test_a_low_score_opens_a_complaint_for_the_manager(people, anna_account, anna_contact):
    consenting(anna_contact)
    survey = surveys.survey_send(user=people["anna"], account=anna_account, contact=anna_contact, kind="csat")
    survey = surveys.survey_answer(survey=survey, score=2, comment="Deliveries keep slipping")
    complaint = survey.complaint
    assert complaint.kind == "complaint" and complaint.channel == "survey" and complaint.assignee == people["anna"]
    assert complaint.text == "Deliveries keep slipping" and complaint.severity == "high"


def test_scores_out_of_range_forged_and_expired_links_are_refused(client, people, anna_account, anna_contact):
    consenting(anna_contact)
    survey = surveys.survey_send(user=people["anna"], account=anna_account, contact=anna_contact, kind="csat")
    with pytest.raises(Exception, match="from 1 to 5"):
        surveys.survey_answer(survey=survey, score=0)
    assert client.get("/feedback/s/forged/").status_code == 404
    Survey.objects.filter(pk=survey.pk).update(expires_on=timezone.localdate() - dt.timedelta(days=1))
    assert client.get(f"/feedback/s/{surveys.token(survey)}/").status_code == 410


def test_only_people_who_consented_are_surveyed(people, anna_account):
    silent = ContactFactory(account=anna_account, last_name="Ivanov")
    ContactEmail.objects.create(contact=silent, email="ivanov@example.com")
    with pytest.raises(Exception, match="consent to surveys"):
        surveys.survey_send(user=people["anna"], account=anna_account, contact=silent)
    withdrawn = consenting(ContactFactory(account=anna_account, last_name="Sidorov"), "s@example.com")
    withdrawn.consents.update(withdrawn_on=dt.date(2026, 2, 1))
    with pytest.raises(Exception, match="consent to surveys"):
        surveys.survey_send(user=people["anna"], account=anna_account, contact=withdrawn)


def test_a_deal_reaching_fulfilment_asks_its_contact_once(people, anna_account, anna_contact,
                                                          django_capture_on_commit_callbacks):
    consenting(anna_contact)
    deal = deal_services.deal_create(user=people["anna"], account=anna_account, data={
        "title": "Line 3", "contact": anna_contact})
    with django_capture_on_commit_callbacks(execute=True):
        deal = deal_services.deal_move(user=people["anna"], deal=deal, stage=Stage.objects.get(code="fulfilment"),
                                       version=deal.version)
    survey = Survey.objects.get()
    assert (survey.deal, survey.kind, survey.trigger) == (deal, "csat", "deal_stage")
    with django_capture_on_commit_callbacks(execute=True):
        deal = deal_services.deal_move(user=people["anna"], deal=deal, stage=Stage.objects.get(code="feedback"),
                                       version=deal.version)
    assert Survey.objects.count() == 1 and len(mail.outbox) == 1


class RefusingMailServer(BaseEmailBackend):
    """A mail server that refuses every recipient, as smtplib reports it."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPRecipientsRefused({"elena@example.com": (550, b"mailbox unavailable")})


@pytest.mark.django_db(transaction=True)
def test_a_mail_server_that_refuses_the_survey_does_not_undo_the_deal_move(settings, caplog, people, anna_account,
                                                                          anna_contact):
    """Committed for real: the survey goes out after the move is stored, in a transaction of its own."""
    deal_services.default_stages_ensure()  # a transactional test starts from an empty database
    settings.EMAIL_BACKEND = f"{__name__}.RefusingMailServer"
    consenting(anna_contact)
    deal = deal_services.deal_create(user=people["anna"], account=anna_account, data={
        "title": "Line 3", "contact": anna_contact})
    with caplog.at_level(logging.ERROR):
        deal_services.deal_move(user=people["anna"], deal=deal, stage=Stage.objects.get(code="fulfilment"),
                                version=deal.version)
    assert Deal.objects.get(pk=deal.pk).stage.code == "fulfilment"
    assert "was not sent" in caplog.text and "SMTPRecipientsRefused" in caplog.text


def test_key_accounts_are_surveyed_regularly_but_not_too_often(people, anna_account, anna_contact):
    from tests.factories import give_roles

    anna_account.status = "key"
    anna_account.save(update_fields=["status"])
    give_roles(consenting(anna_contact), "decision_maker")
    assert surveys.survey_key_accounts() == 1
    assert surveys.survey_key_accounts() == 0
    Survey.objects.update(sent_at=timezone.now() - dt.timedelta(days=91))
    assert surveys.survey_key_accounts() == 1


def test_results_on_a_known_set(people, anna_account, shared_account):
    first = consenting(ContactFactory(account=anna_account, last_name="A"), "a@example.com")
    second = consenting(ContactFactory(account=shared_account, last_name="B"), "b@example.com")
    scores = [(first, "nps", 10), (first, "nps", 9), (second, "nps", 6), (second, "nps", 8), (first, "csat", 4),
              (second, "csat", 2), (second, "nps", None)]
    for contact, kind, score in scores:
        survey = surveys.survey_send(user=people["admin"], account=contact.account, contact=contact, kind=kind)
        if score is not None:
            surveys.survey_answer(survey=survey, score=score)
    today = timezone.localdate()
    results = queries.survey_results(people["admin"], date_from=today, date_to=today)
    total = results["total"].as_dict()
    # NPS over 10, 9, 6, 8: two promoters, one detractor of four = 25; CSAT (4 + 2) / 2.
    assert (total["sent"], total["answered"], total["nps"], total["csat"]) == (7, 6, 25.0, 3.0)
    assert total["response_rate"] == round(100 * 6 / 7, 1)
    by_account = {group.label: group.as_dict() for group in results["by_account"]}
    assert by_account[str(anna_account)]["nps"] == 100.0 and by_account[str(shared_account)]["nps"] == -50.0
    assert Feedback.objects.filter(channel="survey").count() == 2  # the 6 and the 2


def test_surveys_through_the_api(api_as, client, people, anna_account, anna_contact):
    consenting(anna_contact)
    api = api_as("anna")
    sent = api("post", "/api/v1/surveys/", {"account_id": anna_account.pk, "contact_id": anna_contact.pk,
                                            "kind": "csat"})
    assert sent.status_code == 201, sent.content
    survey = Survey.objects.get()
    url = f"/api/v1/surveys/answer/{surveys.token(survey)}"
    assert client.post(url, {"score": 7}, content_type="application/json").status_code == 422
    assert client.post(url, {"score": 5}, content_type="application/json").status_code == 200
    assert api("get", f"/api/v1/surveys/{survey.pk}").json()["score"] == 5
    assert api("get", "/api/v1/surveys/results").json()["total"]["csat"] == 5.0
    assert api_as("boris")("get", f"/api/v1/surveys/{survey.pk}").status_code == 404
    refused = api("post", "/api/v1/surveys/", {"account_id": anna_account.pk, "contact_id": 999999})
    assert refused.status_code == 422 and "contact_id" in refused.json()["errors"]


def test_the_surveys_page_and_sending_from_the_account(client_for, people, anna_account, anna_contact):
    consenting(anna_contact)
    client = client_for(people["anna"])
    response = client.post(f"/feedback/accounts/{anna_account.pk}/survey/", {"contact": anna_contact.pk,
                                                                            "kind": "nps"})
    assert response.status_code == 302 and Survey.objects.count() == 1
    page = client.get("/feedback/surveys/").content.decode()
    assert "NPS" in page and str(anna_contact) in page
