"""The top bar (templates/base.html): every role keeps the links it had before the bar was grouped
into menus, no more, and the search is one click away for all."""

import re

import pytest
from django.urls import reverse

from keyaccount.core import access
from keyaccount.core.access import Capability

EVERYONE = ["accounts:account_list", "accounts:contact_list", "accounts:competitor_list", "loyalty:overview",
            "catalog:product_list", "feedback:ticket_list", "feedback:feedback_list", "timeline:call_queue",
            "timeline:activity", "search:search", "core:notifications", "core:profile"]
FINANCES = ["deals:deal_board", "contracts:control", "planning:plan_progress", "insights:portfolio"]


def _menu_links(client):
    """The bar's links, leaving out My day (keyaccount.workspace pins who sees it)."""
    page = client.get(reverse("accounts:account_list")).content.decode()
    bar = re.search(r'<header class="topbar">(.*?)</header>', page, re.S).group(1)
    bar = re.sub(r'<a [^>]*accesskey="d"[^>]*>', "", bar)
    return set(re.findall(r'href="(/[^"#?]*)"', bar))


@pytest.mark.parametrize("role", ["anna", "boris", "head", "other_head", "support", "analyst", "admin"])
def test_each_role_keeps_its_links(people, client_for, role):
    user = people[role]
    expected = {reverse(name) for name in EVERYONE}
    if access.can(user, Capability.VIEW_ORDERS):
        expected.add(reverse("orders:order_list"))
    if access.can(user, Capability.VIEW_FINANCES):
        expected |= {reverse(name) for name in FINANCES}
    if access.colleagues_q(user) is not None:
        expected.add(reverse("planning:report_list"))
    assert _menu_links(client_for(user)) == expected


def test_support_sees_no_money_sections_and_a_manager_does(people, client_for):
    assert reverse("deals:deal_board") not in _menu_links(client_for(people["support"]))
    assert reverse("deals:deal_board") in _menu_links(client_for(people["anna"]))


def test_at_most_seven_sections_with_the_rest_in_menus(people, client_for):
    page = client_for(people["admin"]).get(reverse("accounts:account_list")).content.decode()
    sections = re.search(r'<ul class="nav-sections" id="nav-sections">(.*?)\n    </ul>', page, re.S).group(1)
    menus = sections.count('<details class="dropdown nav-menu">')
    top_level = re.sub(r"<details.*?</details>", "", sections, flags=re.S).count("<li>")
    assert menus == 4 and 1 <= top_level <= 7
