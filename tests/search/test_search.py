"""The global search: what it finds, for whom, in which writing, and what it does with bad input."""

import pytest
from django.urls import reverse

from keyaccount.accounts import services as account_services
from keyaccount.deals import services as deal_services
from keyaccount.feedback import support
from keyaccount.search import queries
from keyaccount.search.models import RecentItem
from keyaccount.search.services import RECENT_KEPT
from tests.factories import AccountFactory

URL = reverse("search:search")
BOX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def world(people, anna_account):
    anna = people["anna"]
    contact = account_services.contact_create(user=anna, account=anna_account, data={
        "last_name": "Петрова", "first_name": "Елена", "phones": ["+7 916 555-01-23"]})
    deal = deal_services.deal_create(user=anna, account=anna_account, data={"title": "Zephyr boiler retrofit"})
    ticket = support.ticket_create(user=people["support"], account=anna_account, contact=contact,
                                   data={"subject": "Не входит в личный кабинет", "body": "С понедельника."})
    return {"account": anna_account, "contact": contact, "deal": deal, "ticket": ticket}


def _texts(html):
    """The names of the hits in an answer (the box echoes the term, which is not a hit)."""
    import re

    return [re.sub(r"<[^>]+>", "", hit)
            for hit in re.findall(r'<a class="search-hit" [^>]*data-search-hit>(.*?)</a>', html, re.S)]


def box(client, term):
    response = client.get(URL, {"q": term}, **BOX)
    assert response.status_code == 200
    return response.content.decode()


def test_each_kind_is_found_in_its_group(people, world, client_for):
    client = client_for(people["anna"])
    account = world["account"]
    assert "OOO Severstal Trade" in box(client, "severstal")
    assert "OOO Severstal Trade" in box(client, account.inn)
    assert "Петрова Елена" in box(client, "петрова")
    assert "Zephyr boiler retrofit" in box(client, "zephyr")
    ticket = world["ticket"]
    assert "Не входит в личный кабинет" in box(client, "личный")
    assert "Не входит в личный кабинет" in box(client, "КАБИНЕТ")
    assert "Не входит в личный кабинет" in box(client, f"T-{ticket.pk}")
    html = box(client, "severstal")
    assert 'id="search-group-account"' in html and "All results for" in html


@pytest.mark.parametrize("term", ["промснаб", "ПРОМСНАБ", "Промснаб", "снаб"])
def test_deals_and_tickets_are_found_by_their_accounts_name_in_any_case(people, client_for, term):
    anna = people["anna"]
    account = AccountFactory(name="ООО «Промснаб»", short_name="Промснаб", owner=anna)
    deal_services.deal_create(user=anna, account=account, data={"title": "Поставка насосов"})
    support.ticket_create(user=people["support"], account=account, contact=None,
                          data={"subject": "Счёт не пришёл", "body": "."})
    hits = " ".join(_texts(box(client_for(anna), term)))
    assert "Поставка насосов" in hits and "Счёт не пришёл" in hits


def test_deals_are_not_found_by_what_else_finds_their_account(people, world, client_for):
    # The account's index holds its INN and its people's names and phones too; a deal is found by its
    # account's name only.
    client = client_for(people["anna"])
    for term in (world["account"].inn, "петрова", "89165550123"):
        assert "Zephyr" not in " ".join(_texts(box(client, term))), term


@pytest.mark.parametrize("phone", ["+7 916 555-01-23", "89165550123", "9165550123"])
def test_a_person_is_found_by_their_phone_in_any_writing(people, world, client_for, phone):
    html = box(client_for(people["anna"]), phone)
    assert "Петрова Елена" in html


def test_support_finds_accounts_people_and_tickets_but_never_deals(people, world, client_for):
    client = client_for(people["support"])
    assert "OOO Severstal Trade" in box(client, "severstal")
    assert "Петрова Елена" in box(client, "9165550123")
    assert "Не входит" in box(client, "кабинет")
    assert "Zephyr" not in box(client, "zephyr")
    assert "Zephyr" not in client.get(URL, {"q": "zephyr"}).content.decode()


def test_a_colleague_never_finds_annas_private_account(people, world, client_for):
    client = client_for(people["boris"])
    for term in ("severstal", world["account"].inn, "петрова", "89165550123", "zephyr", "кабинет",
                 f"T-{world['ticket'].pk}"):
        html = box(client, term)
        hits = " ".join(_texts(html))
        assert not [text for text in ("Severstal Trade", "Петрова", "Zephyr", "Не входит") if text in hits], term
    AccountFactory(name="OOO Severstal Boris", owner=people["boris"])
    assert "OOO Severstal Boris" in box(client, "severstal")


def test_opened_pages_become_recent_items_shown_while_the_box_is_empty(people, world, client_for):
    client = client_for(people["anna"])
    assert "Recently opened" not in box(client, "")
    for path in (world["account"].get_absolute_url(), world["contact"].get_absolute_url(),
                 world["deal"].get_absolute_url(), world["ticket"].get_absolute_url()):
        assert client.get(path).status_code == 200
    client.get(world["account"].get_absolute_url())
    html = box(client, "")
    assert "Recently opened" in html
    # Newest first, each once.
    positions = [html.index(text) for text in ("OOO Severstal Trade", "Не входит", "Zephyr", "Петрова Елена")]
    assert positions == sorted(positions)
    assert html.count("OOO Severstal Trade") == 1
    assert RecentItem.objects.filter(user=people["anna"]).count() == 4
    # Someone else's trail is theirs: Boris has none, and the head's opening adds only to his.
    assert "Recently opened" not in box(client_for(people["boris"]), "")


def test_a_page_the_user_may_not_see_is_not_remembered(people, world, client_for):
    client = client_for(people["boris"])
    assert client.get(world["account"].get_absolute_url()).status_code == 404
    assert client_for(people["support"]).get(world["deal"].get_absolute_url()).status_code == 404
    assert not RecentItem.objects.exists()


def test_a_recent_item_no_longer_visible_is_not_shown(people, world, client_for):
    client = client_for(people["boris"])
    from tests.factories import share

    link = share(world["account"], people["boris"])
    client.get(world["account"].get_absolute_url())
    assert "OOO Severstal Trade" in box(client, "")
    link.delete()
    assert "OOO Severstal Trade" not in box(client, "")


def test_only_the_last_items_are_kept(people, client_for):
    client = client_for(people["anna"])
    accounts = [AccountFactory(owner=people["anna"]) for _ in range(RECENT_KEPT + 3)]
    for account in accounts:
        client.get(account.get_absolute_url())
    kept = set(RecentItem.objects.filter(user=people["anna"]).values_list("object_id", flat=True))
    assert kept == {account.pk for account in accounts[-RECENT_KEPT:]}
    html = box(client, "")
    assert html.count('data-search-hit') == queries.RECENT_SHOWN


def test_the_full_page_shows_the_results_with_the_layout(people, world, client_for):
    html = client_for(people["anna"]).get(URL, {"q": "severstal"}).content.decode()
    assert "<html" in html and "OOO Severstal Trade" in html and "All results for" not in html


@pytest.mark.parametrize("term", ["", "   ", "x", "%", "_", "'; DROP TABLE accounts_account; --", "T-", "#0",
                                  "T-99999999999999999999", "9" * 30, "ё" * 200])
def test_odd_input_is_answered_calmly(people, world, client_for, term):
    client = client_for(people["anna"])
    assert client.get(URL, {"q": term}, **BOX).status_code == 200
    assert client.get(URL, {"q": term}).status_code == 200


def test_a_query_too_long_or_with_a_null_is_refused_with_a_message(people, client_for):
    client = client_for(people["anna"])
    response = client.get(URL, {"q": "a" * 201}, **BOX)
    assert response.status_code == 400
    assert "at most 200 characters" in response.content.decode()
    assert client.get(URL, {"q": "a\x00b"}).status_code == 400
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "ru"
    people["anna"].language = "ru"
    people["anna"].save()
    assert "не более 200" in client.get(URL, {"q": "a" * 201}).content.decode().replace("\xa0", " ")


def test_the_search_needs_a_signed_in_user(client):
    response = client.get(URL, {"q": "severstal"})
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_account_page_costs_the_same_queries_opened_once_or_again(people, anna_account, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(people["anna"])
    url = anna_account.get_absolute_url()
    counts = []
    for _ in range(3):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1] == counts[2]


def test_the_box_runs_a_fixed_number_of_queries_whatever_it_finds(people, anna_account, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    anna = people["anna"]
    client = client_for(anna)

    def queries_for(term):
        with CaptureQueriesContext(connection) as captured:
            box(client, term)
        return len(captured)

    def add(count):
        for number in range(count):
            account = AccountFactory(name=f"OOO Kestrel {number}", owner=anna)
            contact = account_services.contact_create(user=anna, account=account, data={
                "last_name": f"Kestrel{number}", "phones": [f"+7 916 555-{number:02d}-00"]})
            deal_services.deal_create(user=anna, account=account, data={"title": f"Kestrel deal {number}"})
            support.ticket_create(user=anna, account=account, contact=contact,
                                  data={"subject": f"Kestrel ticket {number}", "body": "."})

    add(2)
    few = queries_for("kestrel")
    add(10)
    assert queries_for("kestrel") == few
    page = client.get(URL, {"q": "kestrel"}).content.decode()
    assert page.count('data-search-hit') == 4 * 12 and "More in the list" not in page
    box_html = box(client, "kestrel")
    assert box_html.count('id="search-hit-account-') == queries.BOX_HITS
    assert 'href="/accounts/?q=kestrel"' not in box_html
    for _ in range(queries.PAGE_HITS):
        AccountFactory(name="OOO Kestrel more", owner=anna)
    assert 'href="/accounts/?q=kestrel"' in client.get(URL, {"q": "kestrel"}).content.decode()
    for account in anna.owned_accounts.all()[:12]:
        client.get(account.get_absolute_url())
    recent = queries_for("")
    assert recent <= few


def test_an_erased_person_leaves_everyones_recent_items(people, world, client_for):
    client = client_for(people["anna"])
    client.get(world["contact"].get_absolute_url())
    client.get(world["account"].get_absolute_url())
    assert "Петрова Елена" in box(client, "")
    account_services.contact_erase(user=people["anna"], contact=world["contact"])
    html = box(client, "")
    assert "Петрова" not in html and "OOO Severstal Trade" in html
