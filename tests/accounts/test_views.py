"""Account pages: search, the two sides of the people, forms with errors at the field, query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from keyaccount.accounts import services
from keyaccount.accounts.models import Contact
from tests.factories import AccountFactory, ContactFactory, OrderFactory, give_phone, give_roles


def test_a_contact_added_with_a_role_appears_on_the_right_side(people, anna_account, client_for):
    client = client_for(people["anna"])
    response = client.post(reverse("accounts:contact_create", args=[anna_account.pk]), {
        "last_name": "Кузнецова", "first_name": "Ирина", "roles": ["payer"], "phones": "8 916 555-12-34",
        "relationship_strength": 2,
    })
    assert response.status_code == 302
    page = client.get(reverse("accounts:account_detail", args=[anna_account.pk])).content.decode()
    paying_side = page.split('id="paying-side"')[1].split("</article>")[0]
    using_side = page.split('id="using-side"')[1].split("</article>")[0]
    assert "Кузнецова" in paying_side and "Кузнецова" not in using_side


def test_form_errors_stay_next_to_their_field_and_nothing_is_saved(people, anna_account, client_for):
    response = client_for(people["anna"]).post(reverse("accounts:contact_create", args=[anna_account.pk]), {
        "last_name": "", "phones": "12", "relationship_strength": 0})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_last_name_error"' in html and 'id="id_phones_error"' in html
    assert not Contact.objects.exists()


def test_editing_with_a_stale_version_shows_a_conflict_message(people, anna_account, client_for):
    client = client_for(people["anna"])
    url = reverse("accounts:account_edit", args=[anna_account.pk])
    services.account_update(user=people["head"], account=anna_account, data={"notes": "by head"}, version=1)
    response = client.post(url, {"name": anna_account.name, "status": "prospect", "country": "RU", "version": 1,
                                 "inn": anna_account.inn, "notes": "by anna"})
    assert response.status_code == 200
    assert "Someone else changed this record" in response.content.decode()


def test_search_finds_by_name_inn_person_and_phone(people, anna_account, client_for):
    contact = ContactFactory(account=anna_account, last_name="Zaytseva")
    give_phone(contact, "+79165550000")
    services.account_reindex(anna_account)
    AccountFactory(name="OOO Unrelated", owner=people["anna"])
    client = client_for(people["anna"])
    for term in ("severstal", anna_account.inn, "zaytseva", "8 916 555-00-00", "5550000"):
        html = client.get(reverse("accounts:account_list"), {"q": term}).content.decode()
        assert "OOO Severstal Trade" in html and "OOO Unrelated" not in html, term


def test_the_list_answers_htmx_with_the_table_fragment_only(people, anna_account, client_for):
    response = client_for(people["anna"]).get(reverse("accounts:account_list"), {"q": "sever"},
                                              HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "OOO Severstal Trade" in html and "<html" not in html


def test_bad_filter_values_do_not_break_the_list(people, anna_account, client_for):
    response = client_for(people["anna"]).get(reverse("accounts:account_list"),
                                              {"status": "nonsense", "owner": "x", "page": "-3", "sort": "evil"})
    assert response.status_code == 200


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _add_accounts(owner, count, role):
    """Accounts with one person (in ``role``) and one order each: every list has rows to prefetch."""
    for _ in range(count):
        account = AccountFactory(owner=owner)
        give_roles(ContactFactory(account=account), role)
        OrderFactory(account=account)


@pytest.mark.parametrize("url", ["accounts:account_list", "accounts:contact_list", "orders:order_list",
                                 "catalog:product_list", "/api/v1/accounts/", "/api/v1/contacts/",
                                 "/api/v1/orders/", "/api/v1/products/"])
def test_lists_run_a_fixed_number_of_queries(url, people, client_for):
    client = client_for(people["admin"])
    url = url if url.startswith("/") else reverse(url)
    _add_accounts(people["anna"], 3, "user")
    small = _queries(client, url)
    _add_accounts(people["boris"], 12, "payer")
    assert _queries(client, url) == small


def test_the_account_page_runs_a_fixed_number_of_queries(people, anna_account, client_for):
    client = client_for(people["anna"])
    url = reverse("accounts:account_detail", args=[anna_account.pk])
    ContactFactory(account=anna_account)
    OrderFactory(account=anna_account)
    small = _queries(client, url)
    for i in range(10):
        contact = ContactFactory(account=anna_account)
        give_roles(contact, "user", "payer")
        give_phone(contact, f"+7916555{i:04d}")
        OrderFactory(account=anna_account)
    assert _queries(client, url) == small


def test_history_tab_shows_who_changed_what_and_filters_by_user(people, anna_account, client_for):
    services.account_update(user=people["anna"], account=anna_account, data={"notes": "by anna"}, version=1)
    services.account_update(user=people["head"], account=anna_account, data={"plans": "by head"}, version=2)
    client = client_for(people["anna"])
    url = reverse("accounts:account_history", args=[anna_account.pk])
    everything = client.get(url).content.decode()
    assert "by anna" in everything and "by head" in everything
    only_head = client.get(url, {"actor": people["head"].pk}).content.decode()
    assert "by head" in only_head and "by anna" not in only_head


def test_people_and_products_are_found_in_any_case_in_russian(people, anna_account, client_for):
    from keyaccount.catalog import services as catalog_services

    services.contact_create(user=people["anna"], account=anna_account, data={
        "last_name": "Ёлкина", "first_name": "Ирина", "phones": ["+7 916 555-12-34"]})
    catalog_services.product_create(user=people["head"], data={
        "sku": "N-1", "name": "Насос центробежный", "list_price": 1, "currency": "RUB"})
    client = client_for(people["anna"])
    assert "Ёлкина" in client.get(reverse("accounts:contact_list"), {"q": "ЁЛКИНА"}).content.decode()
    assert "Ёлкина" in client.get(reverse("accounts:contact_list"), {"q": "8 916 555 12 34"}).content.decode()
    assert "Насос" in client.get(reverse("catalog:product_list"), {"q": "насос"}).content.decode()
    assert "Насос" not in client.get(reverse("catalog:product_list"), {"q": "компрессор"}).content.decode()


def test_a_bad_filter_value_drops_that_filter_but_keeps_the_search(people, anna_account, client_for):
    AccountFactory(name="OOO Unrelated", owner=people["anna"])
    html = client_for(people["anna"]).get(reverse("accounts:account_list"),
                                          {"q": "severstal", "status": "nonsense"}).content.decode()
    assert "OOO Severstal Trade" in html and "OOO Unrelated" not in html


def test_a_broad_search_stops_counting_at_the_cap(people, client_for, monkeypatch):
    from keyaccount.core.generic import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "cap", 3)
    for _ in range(5):
        AccountFactory(owner=people["anna"])
    html = client_for(people["anna"]).get(reverse("accounts:account_list"), {"q": "test company"}).content.decode()
    assert "More than 3 accounts" in html
    assert html.count('class="badge status-') == 5
