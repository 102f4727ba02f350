"""Who gets My day (core.access): those who sell and those who read the figures, never support,
who sees no money; and whose start page it is."""

import pytest

from keyaccount.core import access


@pytest.mark.parametrize(("role", "opens", "starts_there"), [
    ("anna", True, True), ("head", True, True), ("admin", True, False), ("analyst", True, False),
    ("support", False, False),
])
def test_who_opens_my_day_and_whose_start_page_it_is(people, role, opens, starts_there):
    user = people[role]
    assert access.can(user, access.Capability.VIEW_MY_DAY) is opens
    assert access.starts_with_my_day(user) is starts_there


def test_an_inactive_or_anonymous_user_has_no_my_day(people):
    from django.contrib.auth.models import AnonymousUser

    anna = people["anna"]
    anna.is_active = False
    assert not access.can(anna, access.Capability.VIEW_MY_DAY) and not access.starts_with_my_day(anna)
    assert not access.starts_with_my_day(AnonymousUser())
