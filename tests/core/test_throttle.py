"""Rate limits: counted in one store every process shares, 429 with Retry-After on every channel."""

import datetime as dt
import threading

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse

from keyaccount.accounts.models import ContactConsent, ContactEmail
from keyaccount.core import cache as core_cache
from keyaccount.core import services, tasks, throttle
from keyaccount.core.cache import CACHE_TABLE
from keyaccount.feedback import services as feedback_services
from keyaccount.feedback import surveys
from tests.redis_db import REDIS_URL, empty_redis_or_skip

# The messages an inbound-mail test posts are refused at the secret; only the count matters here.
RAW_MAIL = b"From: a@example.com\r\nSubject: hi\r\n\r\nbody"


@pytest.fixture
def other_process_cache(monkeypatch):
    """Swap the cache ``throttle`` counts in for a second, separate client of the default cache:
    what another app process would have."""

    def use_new_client():
        monkeypatch.setattr(throttle, "cache", caches.create_connection("default"))

    return use_new_client


@pytest.mark.parametrize("text, rate", [("120/min", (120, 60)), ("5/10min", (5, 600)), ("1000/h", (1000, 3600)),
                                        ("20/day", (20, 86400)), (" 3 / 2s ", (3, 2))])
def test_rates_are_read_from_their_usual_spelling(text, rate):
    assert throttle.Rate.parse(text) == throttle.Rate(*rate)


@pytest.mark.parametrize("text", ["", "many", "5", "5/0min", "5/fortnight", "-1/min", "1/min; DROP"])
def test_a_rate_that_does_not_parse_is_refused_by_name(text):
    with pytest.raises(ImproperlyConfigured, match="KAM_API_RATE"):
        throttle.Rate.parse(text, setting="KAM_API_RATE")


def test_kam_check_reports_a_bad_rate_setting(settings):
    settings.KAM_INBOUND_RATE = "lots"
    errors = [error for error in run_checks() if error.id == "keyaccount.E001"]
    assert len(errors) == 1 and "KAM_INBOUND_RATE" in errors[0].msg


def test_the_default_cache_is_the_database_not_process_memory():
    assert django_settings.CACHES["default"]["BACKEND"] == "keyaccount.core.cache.DatabaseCache"
    assert django_settings.CACHES["default"]["LOCATION"] == CACHE_TABLE
    assert django_settings.AXES_HANDLER == "axes.handlers.database.AxesDatabaseHandler"


def test_the_cache_table_exists_in_the_migrated_database(db):
    assert CACHE_TABLE in connection.introspection.table_names()


def test_the_count_is_shared_between_separate_cache_clients(db, other_process_cache):
    rate = throttle.Rate(3, 600)
    results = []
    for _ in range(2):
        other_process_cache()
        results += [throttle.hit("test", "10.0.0.1", rate) for _ in range(2)]
    assert results[:3] == [0, 0, 0] and 0 < results[3] <= 600
    assert throttle.wait("test", "10.0.0.1", rate) > 0 and throttle.wait("test", "10.0.0.2", rate) == 0


def test_the_count_is_shared_through_redis_when_it_is_configured(settings, monkeypatch):
    empty_redis_or_skip()
    url = REDIS_URL
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}}
    rate = throttle.Rate(3, 600)
    first, second = caches.create_connection("default"), caches.create_connection("default")
    first.clear()
    try:
        results = []
        for client in (first, second, first, second):
            monkeypatch.setattr(throttle, "cache", client)
            results.append(throttle.hit("test", "10.0.0.1", rate))
        assert results[:3] == [0, 0, 0] and results[3] > 0
    finally:
        first.clear()


def test_an_increment_that_loses_a_race_is_not_lost(db, monkeypatch):
    """Another process increments between our read and our write: the swap fails and is retried,
    so both hits count (Django's own database cache would write 2 twice)."""
    store = caches["default"]
    store.add("race", 1, 600)
    decode = core_cache.DatabaseCache._decode
    raced = []

    def decode_while_another_process_writes(stored):
        if not raced:
            raced.append(True)
            other = caches.create_connection("default")
            other.set("race", 5, 600)
        return decode(stored)

    monkeypatch.setattr(core_cache.DatabaseCache, "_decode", staticmethod(decode_while_another_process_writes))
    assert store.incr("race") == 6
    assert store.get("race") == 6


def test_an_increment_keeps_the_windows_expiry(db):
    store = caches["default"]
    store.add("window", 0, 3600)
    table = connection.ops.quote_name(CACHE_TABLE)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT expires FROM {table}")  # noqa: S608 - our constant
        before = cursor.fetchone()[0]
        for _ in range(3):
            store.incr("window")
        cursor.execute(f"SELECT expires FROM {table}")  # noqa: S608 - our constant
        assert cursor.fetchone()[0] == before
    assert store.get("window") == 3
    with pytest.raises(ValueError):
        store.incr("never-set")


@pytest.mark.django_db(transaction=True)
def test_concurrent_hits_are_all_counted(people):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's test database is one in-memory connection")
    # One window for the whole test, so that none of the 40 hits falls into the next one.
    window = 10**9
    barrier = threading.Barrier(4)

    def hammer():
        from django.db import connection as own_connection

        barrier.wait()
        for _ in range(10):
            throttle.hit("test", "10.0.0.9", throttle.Rate(1000, window))
        own_connection.close()

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert throttle.wait("test", "10.0.0.9", throttle.Rate(40, window)) > 0
        assert throttle.wait("test", "10.0.0.9", throttle.Rate(41, window)) == 0
    finally:
        caches["default"].clear()


def test_add_stores_only_where_no_live_entry_is(db):
    store = caches["default"]
    assert store.add("slot", 1, 600) is True
    assert store.add("slot", 2, 600) is False and store.get("slot") == 1
    store.set("stale", "old", 600)
    table = connection.ops.quote_name(CACHE_TABLE)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET expires = %s",  # noqa: S608 - our constant
                       [connection.ops.adapt_datetimefield_value(dt.datetime(2000, 1, 1))])
    assert store.add("stale", "new", 600) is True and store.get("stale") == "new"


def test_the_hourly_sweep_deletes_only_expired_entries(db):
    store = caches["default"]
    store.set("gone", 1, 600)
    table = connection.ops.quote_name(CACHE_TABLE)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET expires = %s",  # noqa: S608 - our constant
                       [connection.ops.adapt_datetimefield_value(dt.datetime(2000, 1, 1))])
    store.set("kept", 1, 600)
    assert tasks.cache_sweep.call_local() == {"swept": 1}
    assert store.get("kept") == 1


def test_a_hit_costs_the_same_queries_first_in_its_window_or_not(db, django_assert_num_queries):
    rate = throttle.Rate(10, 600)
    with django_assert_num_queries(3):
        throttle.hit("test", "10.0.0.3", rate)
    with django_assert_num_queries(3):
        throttle.hit("test", "10.0.0.3", rate)


# Addresses


def test_a_forged_forwarded_for_does_not_change_the_address(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="6.6.6.6")
    settings.KAM_PROXY_COUNT = 0
    assert throttle.client_address(request) == "10.0.0.5"
    settings.KAM_PROXY_COUNT = 1
    request.META["HTTP_X_FORWARDED_FOR"] = "6.6.6.6, 203.0.113.7"
    assert throttle.client_address(request) == "203.0.113.7"
    request.META["HTTP_X_FORWARDED_FOR"] = ""
    assert throttle.client_address(request) == "10.0.0.5"
    request.META["HTTP_X_FORWARDED_FOR"] = "<script>"
    assert throttle.client_address(request) == "10.0.0.5"
    request.META["REMOTE_ADDR"] = ""
    assert throttle.client_address(request) is None


def test_one_ipv6_subscriber_cannot_dodge_the_limit_by_changing_address(client, people, settings):
    settings.KAM_API_ADDRESS_RATE = "2/min"
    _token, secret = services.token_create(user=people["anna"])
    codes = [client.get("/api/v1/accounts/", HTTP_AUTHORIZATION=f"Bearer {secret}",
                        REMOTE_ADDR=f"2001:db8:1:2::{n}").status_code for n in range(1, 4)]
    assert codes == [200, 200, 429]
    elsewhere = client.get("/api/v1/accounts/", HTTP_AUTHORIZATION=f"Bearer {secret}", REMOTE_ADDR="2001:db8:1:3::1")
    assert elsewhere.status_code == 200


def test_a_garbage_forwarded_for_is_no_500_at_sign_in(client, people, settings):
    settings.KAM_PROXY_COUNT = 1
    response = client.post(reverse("core:login"), {"username": "anna", "password": "wrong"},
                           HTTP_X_FORWARDED_FOR="not-an-address'; --")
    assert response.status_code == 200


# Each channel answers 429 with Retry-After


def test_the_api_stops_one_user_whichever_token_they_use(client, people, settings):
    settings.KAM_API_RATE = "3/min"
    secrets = [services.token_create(user=people["anna"], name=name)[1] for name in ("one", "two")]
    codes = [client.get("/api/v1/accounts/", HTTP_AUTHORIZATION=f"Bearer {secrets[i % 2]}").status_code
             for i in range(4)]
    assert codes == [200, 200, 200, 429]
    refused = client.get("/api/v1/accounts/", HTTP_AUTHORIZATION=f"Bearer {secrets[0]}")
    assert refused.json() == {"detail": "Too many requests."}
    assert 0 < int(refused["Retry-After"]) <= 60
    _token, boris = services.token_create(user=people["boris"])
    assert client.get("/api/v1/accounts/", HTTP_AUTHORIZATION=f"Bearer {boris}").status_code == 200


def test_the_api_stops_one_address_whoever_signs_in(client, people, settings):
    settings.KAM_API_ADDRESS_RATE = "2/min"
    secrets = [services.token_create(user=people[name])[1] for name in ("anna", "boris", "head")]
    codes = [client.get("/api/v1/accounts/", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code for secret in secrets]
    assert codes == [200, 200, 429]
    other = client.get("/api/v1/accounts/", HTTP_AUTHORIZATION=f"Bearer {secrets[2]}", REMOTE_ADDR="10.1.1.1")
    assert other.status_code == 200


def test_the_ui_session_is_limited_like_a_token(client_for, people, settings):
    settings.KAM_API_RATE = "1/min"
    client = client_for(people["anna"])
    assert [client.get("/api/v1/notifications/").status_code for _ in range(2)] == [200, 429]


def test_sign_in_failures_from_one_address_are_limited_across_usernames(client, people, settings):
    settings.KAM_LOGIN_ADDRESS_RATE = "3/h"
    for username in ("anna", "boris", "head"):
        assert client.post(reverse("core:login"), {"username": username, "password": "wrong"}).status_code == 200
    refused = client.post(reverse("core:login"), {"username": "support", "password": "right or wrong"})
    assert refused.status_code == 429 and 0 < int(refused["Retry-After"]) <= 3600
    assert "Sign-in from your address is paused" in refused.content.decode()
    elsewhere = client.post(reverse("core:login"), {"username": "analyst", "password": "wrong"}, REMOTE_ADDR="10.2.2.2")
    assert elsewhere.status_code == 200


def test_a_successful_sign_in_does_not_count(client, people, settings):
    settings.KAM_LOGIN_ADDRESS_RATE = "1/h"
    people["anna"].set_password("correct horse battery staple")
    people["anna"].save()
    for _ in range(3):
        signed_in = client.post(reverse("core:login"), {"username": "anna",
                                                        "password": "correct horse battery staple"})
        assert signed_in.status_code == 302
        client.logout()


def test_a_paused_username_is_told_when_to_come_back(client, people):
    for _ in range(5):
        client.post(reverse("core:login"), {"username": "anna", "password": "wrong"})
    locked = client.post(reverse("core:login"), {"username": "anna", "password": "wrong"})
    assert locked.status_code == 429 and locked["Retry-After"] == "900"


def test_the_public_form_answers_429_with_retry_after(client, settings, people, anna_account):
    settings.KAM_PUBLIC_FORM_RATE = "2/10min"
    link = feedback_services.link_create(user=people["anna"], account=anna_account)
    url = reverse("feedback:public_form", args=[feedback_services.link_token(link)])
    data = {"kind": "complaint", "subject": "Late", "text": "Again"}
    codes = [client.post(url, data).status_code for _ in range(3)]
    assert codes[:2] == [200, 200] and codes[2] == 429
    assert 0 < int(client.post(url, data)["Retry-After"]) <= 600
    api = client.post(f"/api/v1/feedback/public/{feedback_services.link_token(link)}", data,
                      content_type="application/json")
    assert api.status_code == 429 and api.json()["received"] is False and int(api["Retry-After"]) > 0


def test_a_link_is_limited_whatever_address_posts_through_it(client, settings, people, anna_account):
    settings.KAM_PUBLIC_LINK_RATE = "2/10min"
    link = feedback_services.link_create(user=people["anna"], account=anna_account)
    url = reverse("feedback:public_form", args=[feedback_services.link_token(link)])
    data = {"kind": "complaint", "subject": "Late", "text": "Again"}
    codes = [client.post(url, data, REMOTE_ADDR=f"10.3.3.{n}").status_code for n in range(3)]
    assert codes == [200, 200, 429]


def test_survey_answers_answer_429_with_retry_after(client, settings, people, anna_account, anna_contact):
    settings.KAM_PUBLIC_FORM_RATE = "1/10min"
    ContactEmail.objects.create(contact=anna_contact, email="elena@example.com")
    ContactConsent.objects.create(contact=anna_contact, purpose="surveys", given_on=dt.date(2026, 1, 10),
                                  source="signed form", text_version="1")
    survey = surveys.survey_send(user=people["anna"], account=anna_account, contact=anna_contact, kind="nps")
    url = reverse("feedback:survey_answer", args=[surveys.token(survey)])
    assert client.post(url, {"score": "ten"}).status_code == 400
    again = client.post(url, {"score": 9})
    assert again.status_code == 429 and int(again["Retry-After"]) > 0
    api = client.post(f"/api/v1/surveys/answer/{surveys.token(survey)}", {"score": 9}, content_type="application/json")
    assert api.status_code == 429 and int(api["Retry-After"]) > 0
    survey.refresh_from_db()
    assert survey.answered_at is None


def test_inbound_mail_is_limited_per_address_even_with_a_wrong_secret(db, client, settings):
    settings.KAM_SUPPORT_INBOUND_SECRET = "s3cret"
    settings.KAM_INBOUND_RATE = "3/min"
    codes = [client.post("/api/v1/tickets/inbound", RAW_MAIL, content_type="message/rfc822",
                         HTTP_X_KEYACCOUNT_SECRET=f"guess-{n}").status_code for n in range(4)]
    assert codes == [403, 403, 403, 429]
    refused = client.post("/api/v1/tickets/inbound", RAW_MAIL, content_type="message/rfc822",
                          HTTP_X_KEYACCOUNT_SECRET="s3cret")
    assert refused.status_code == 429 and refused.json() == {"detail": "Too many requests."}
    assert 0 < int(refused["Retry-After"]) <= 60
