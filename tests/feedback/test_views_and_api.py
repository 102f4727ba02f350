"""The feedback loop in pages and the API: a complaint from the public form to closed, the public
form's defences (forged and expired links, floods, robots, markup), the steps' errors at their
forms, and the API's CRUD, 422, 409 and 404."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from keyaccount.core.models import Notification
from keyaccount.feedback import services
from keyaccount.feedback.models import Feedback


@pytest.fixture(autouse=True)
def _fresh_limits(db):
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def link(people, anna_account, anna_contact):
    return services.link_create(user=people["anna"], account=anna_account, contact=anna_contact)


def public_url(link):
    return reverse("feedback:public_form", args=[services.link_token(link)])


def test_a_complaint_from_the_public_form_to_closed(client, client_for, people, link, anna_account, anna_contact):
    page = client.get(public_url(link))
    assert page.status_code == 200 and "We are listening" in page.content.decode()
    sent = client.post(public_url(link), {"kind": "complaint", "subject": "Broken boxes",
                                          "text": "Half the boxes arrived crushed.", "name": "Elena",
                                          "email": "elena@example.com"})
    assert sent.status_code == 200 and "Thank you" in sent.content.decode()
    record = Feedback.objects.get()
    assert (record.account, record.contact, record.channel, record.assignee) == (
        anna_account, anna_contact, "web_form", people["anna"])
    assert Notification.objects.filter(user=people["anna"], title__contains="Broken boxes").exists()
    link.refresh_from_db()
    assert link.submissions == 1
    anna = client_for(people["anna"])
    detail = record.get_absolute_url()
    assert "Broken boxes" in anna.get(detail).content.decode()
    steps = [("respond", {"note": "Checking with the warehouse"}), ("resolve", {"resolution": "Replaced free"}),
             ("inform", {"via": "call", "reaction": "satisfied"}), ("close", {})]
    for step, data in steps:
        record.refresh_from_db()
        response = anna.post(reverse("feedback:feedback_step", args=[record.pk, step]),
                             {"version": record.version, **data})
        assert response.status_code == 302, (step, response.content.decode()[:2000])
    record.refresh_from_db()
    assert record.status == "closed" and record.informed_via == "call"


def test_closing_from_the_page_before_telling_the_client_says_why(client_for, people, anna_account):
    record = services.feedback_create(user=people["anna"], account=anna_account, data={
        "subject": "Wrong invoice", "text": "VAT missing"})
    page = client_for(people["anna"]).get(record.get_absolute_url()).content.decode()
    # The steps on offer are the ones that can be taken now, numbered as the loop goes: no "Close" yet.
    assert "1. First response" in page and "2. Resolution" in page and "4. Close" not in page
    response = client_for(people["anna"]).post(reverse("feedback:feedback_step", args=[record.pk, "close"]),
                                               {"version": record.version})
    assert response.status_code == 400 and "not been told the outcome" in response.content.decode()
    record.refresh_from_db()
    assert record.status == "new"


def test_forged_revoked_and_expired_links_answer_404(client, people, link, anna_account):
    assert client.get(reverse("feedback:public_form", args=["forged-token"])).status_code == 404
    token = services.link_token(link)
    assert client.get(reverse("feedback:public_form", args=[token[:-2] + "xx"])).status_code == 404
    expired = services.link_create(user=people["anna"], account=anna_account,
                                   expires_on=timezone.localdate())
    type(expired).objects.filter(pk=expired.pk).update(expires_on=timezone.localdate() - dt.timedelta(days=1))
    assert client.get(public_url(expired)).status_code == 404
    services.link_revoke(user=people["anna"], link=link)
    response = client.post(public_url(link), {"kind": "complaint", "subject": "x", "text": "y"})
    assert response.status_code == 404 and not Feedback.objects.exists()


def test_a_flood_is_stopped_and_robots_store_nothing(client, link):
    data = {"kind": "complaint", "subject": "Spam", "text": "Buy now"}
    codes = [client.post(public_url(link), data).status_code for _ in range(7)]
    assert codes[:5] == [200] * 5 and codes[5:] == [429, 429]
    assert Feedback.objects.count() == 5
    cache.clear()
    client.post(public_url(link), {**data, "website": "http://spam.example"})
    assert Feedback.objects.count() == 5


def test_oversized_and_malicious_text_is_refused_or_shown_escaped(client, client_for, people, link):
    too_long = client.post(public_url(link), {"kind": "complaint", "subject": "x", "text": "a" * 10_001})
    assert too_long.status_code == 400 and not Feedback.objects.exists()
    bad_kind = client.post(public_url(link), {"kind": "<b>", "subject": "x", "text": "y"})
    assert bad_kind.status_code == 400
    client.post(public_url(link), {"kind": "complaint", "subject": "<script>alert(1)</script>",
                                   "text": "<img src=x onerror=alert(2)>"})
    record = Feedback.objects.get()
    page = client_for(people["anna"]).get(record.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page


def test_records_of_accounts_one_does_not_see_answer_404(client_for, people, anna_account):
    record = services.feedback_create(user=people["anna"], account=anna_account, data={"subject": "x", "text": "y"})
    assert client_for(people["boris"]).get(record.get_absolute_url()).status_code == 404
    assert client_for(people["support"]).get(record.get_absolute_url()).status_code == 200


def test_the_list_the_kpis_the_links_and_the_account_panel(client_for, people, anna_account, link):
    services.feedback_create(user=people["anna"], account=anna_account, data={"subject": "Slow support",
                                                                              "text": "…"})
    client = client_for(people["anna"])
    assert "Slow support" in client.get(reverse("feedback:feedback_list") + "?state=open").content.decode()
    kpi = client.get(reverse("feedback:kpi")).content.decode()
    assert "heard rate" in kpi and "<svg" in kpi
    assert client.get(reverse("feedback:kpi") + "?date_from=2026-05-01&date_to=2026-04-01").status_code == 200
    links = client.get(reverse("feedback:account_links", args=[anna_account.pk])).content.decode()
    assert services.link_token(link) in links
    assert "Slow support" in client.get(anna_account.get_absolute_url()).content.decode()
    created = client.post(reverse("feedback:feedback_create", args=[anna_account.pk]), {
        "kind": "question", "channel": "email", "severity": "low", "subject": "Price list?", "text": "Send it"})
    assert created.status_code == 302 and Feedback.objects.filter(subject="Price list?").exists()


def test_feedback_through_the_api(api_as, people, anna_account):
    api = api_as("anna")
    created = api("post", "/api/v1/feedback/", {"account_id": anna_account.pk, "subject": "Late", "text": "2 days",
                                                "severity": "high"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "new" and body["response_due"] and not body["response_breached"]
    pk, version = body["id"], body["version"]
    assert api("post", f"/api/v1/feedback/{pk}/close", {"version": version}).status_code == 422
    stale = api("post", f"/api/v1/feedback/{pk}/respond", {"version": version + 5})
    assert stale.status_code == 409
    resolved = api("post", f"/api/v1/feedback/{pk}/resolve", {"version": version, "resolution": "Sent again"})
    assert resolved.status_code == 200 and resolved.json()["status"] == "resolved"
    informed = api("post", f"/api/v1/feedback/{pk}/inform", {"version": resolved.json()["version"], "via": "email"})
    assert informed.json()["status"] == "informed"
    closed = api("post", f"/api/v1/feedback/{pk}/close", {"version": informed.json()["version"]})
    assert closed.json()["status"] == "closed"
    bad = api("post", "/api/v1/feedback/", {"account_id": anna_account.pk, "subject": "", "text": "x",
                                            "severity": "urgent"})
    assert bad.status_code == 422 and {"subject", "severity"} <= set(bad.json()["errors"])
    assert api_as("boris")("get", f"/api/v1/feedback/{pk}").status_code == 404
    listed = api("get", "/api/v1/feedback/?state=closed")
    assert [item["id"] for item in listed.json()["items"]] == [pk]
    kpis = api("get", "/api/v1/feedback/kpis")
    assert kpis.status_code == 200 and kpis.json()["total"]["heard_rate"] == 100.0
    assert api("get", "/api/v1/feedback/kpis?date_from=2026-05-01&date_to=2026-04-01").status_code == 422


@pytest.mark.parametrize("email", ["a\x1f@example.com", "a\x85b@example.com", "not-an-email", "a b@example.com"])
def test_the_public_api_names_the_email_it_refuses_whatever_the_whitespace(client, link, email):
    url = f"/api/v1/feedback/public/{services.link_token(link)}"
    answer = client.post(url, {"subject": "x", "text": "y", "email": email}, content_type="application/json")
    assert answer.status_code == 422 and "email" in answer.json()["errors"]
    assert not Feedback.objects.exists()


def test_the_public_api_takes_an_address_in_capitals_and_a_cyrillic_domain(client, link):
    url = f"/api/v1/feedback/public/{services.link_token(link)}"
    for email in ("Ivan.Petrov@Example.COM", "ivan@почта.рф"):
        answer = client.post(url, {"subject": "x", "text": "y", "email": email}, content_type="application/json")
        assert answer.status_code == 201, answer.json()


def test_the_public_api_takes_submissions_without_signing_in_and_is_limited(client, link):
    url = f"/api/v1/feedback/public/{services.link_token(link)}"
    payload = {"subject": "Thanks", "text": "Great service", "kind": "praise"}
    assert client.post(url, payload, content_type="application/json").status_code == 201
    assert Feedback.objects.get().kind == "praise"
    assert client.post("/api/v1/feedback/public/forged", payload, content_type="application/json").status_code == 404
    assert client.post(url, {"subject": "x", "text": "y", "email": "not-an-email"},
                       content_type="application/json").status_code == 422
    codes = [client.post(url, payload, content_type="application/json").status_code for _ in range(5)]
    assert codes[-1] == 429
