"""Loyalty tiers computed exactly on a known order history, kept with their history and set by
hand with a reason; their perks at work (the proposal discount, priority support's deadlines);
referrals with the revenue they brought; VIP club invitations to the follow-up task."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from keyaccount.core import working_time
from keyaccount.core.errors import AccessDenied
from keyaccount.core.models import Notification
from keyaccount.deals import services as deal_services
from keyaccount.feedback import services as feedback_services
from keyaccount.loyalty import queries, services
from keyaccount.loyalty.models import Tier, TierAssignment, VipEvent
from keyaccount.timeline.models import Interaction
from tests.factories import AccountFactory, ContactFactory, OrderFactory, ProductFactory

DAY = dt.date(2026, 6, 30)


def order(account, day, amount):
    OrderFactory(account=account, ordered_on=day, total=Decimal(amount))


def tier(name):
    return Tier.objects.get(name=name)


@pytest.fixture
def ladder(people):
    """Four accounts whose order history earns each tier on 30 June 2026 (Silver: 1M over 12 months
    and 6 months of buying; Gold: 5M and 12 months; VIP club: 20M, 24 months and key status)."""
    anna = people["anna"]
    silver = AccountFactory(owner=anna, name="Silver Ltd")
    order(silver, dt.date(2025, 12, 1), "600000")
    order(silver, dt.date(2026, 5, 1), "500000")
    gold = AccountFactory(owner=anna, name="Gold Ltd")
    order(gold, dt.date(2025, 5, 1), "100")
    order(gold, dt.date(2026, 2, 1), "6000000")
    vip = AccountFactory(owner=anna, name="Vip Ltd", status="key")
    order(vip, dt.date(2024, 1, 10), "1000")
    order(vip, dt.date(2026, 1, 10), "25000000")
    big_not_key = AccountFactory(owner=anna, name="Big Ltd")
    order(big_not_key, dt.date(2024, 1, 10), "1000")
    order(big_not_key, dt.date(2026, 1, 10), "25000000")
    small = AccountFactory(owner=anna, name="Small Ltd")
    order(small, dt.date(2026, 6, 1), "500000")
    # An order older than the window does not count: 30 June 2025 is 12 months before, not after.
    order(small, dt.date(2025, 6, 30), "900000")
    return {"silver": silver, "gold": gold, "vip": vip, "big": big_not_key, "small": small}


def current(account):
    return TierAssignment.objects.get(account=account, until__isnull=True)


def test_tiers_are_computed_from_the_rules(ladder):
    assert services.tiers_refresh(today=DAY) == {"accounts": 5, "changed": 5}
    assert {name: current(account).tier.name for name, account in ladder.items()} == {
        "silver": "Silver", "gold": "Gold", "vip": "VIP club", "big": "Gold", "small": "Standard"}
    basis = current(ladder["small"]).basis
    assert basis["revenue"]["12:RUB"] == "500000.00" and basis["tenure_months"] == 12
    # Nothing changed: nothing is written again.
    assert services.tiers_refresh(today=DAY)["changed"] == 0


def test_a_change_closes_the_old_period_and_tells_the_manager(people, ladder):
    services.tiers_refresh(today=DAY)
    later = dt.date(2026, 12, 2)  # the 600,000 of 1 December 2025 has left the window
    services.tiers_refresh(today=later)
    history = list(TierAssignment.objects.filter(account=ladder["silver"]).order_by("since").values_list(
        "tier__name", "since", "until"))
    assert history == [("Silver", DAY, later), ("Standard", later, None)]
    assert Notification.objects.filter(user=people["anna"], title="Silver Ltd moved down to Standard").exists()
    assert Interaction.objects.filter(account=ladder["silver"], subject="Silver Ltd is now Silver").exists()


def test_a_tier_set_by_hand_stays_until_its_date(people, ladder):
    services.tiers_refresh(today=DAY)
    small = ladder["small"]
    with pytest.raises(AccessDenied):
        services.tier_override(user=people["anna"], account=small, tier=tier("Gold"), reason="Strategic")
    with pytest.raises(ValidationError, match="why"):
        services.tier_override(user=people["head"], account=small, tier=tier("Gold"), reason=" ")
    until = timezone.localdate() + dt.timedelta(days=30)
    services.tier_override(user=people["head"], account=small, tier=tier("Gold"), reason="Strategic", until=until)
    services.tiers_refresh(today=timezone.localdate())
    assert current(small).tier.name == "Gold" and current(small).overridden
    services.tiers_refresh(today=until + dt.timedelta(days=1))
    assert current(small).tier.name == "Standard" and not current(small).overridden


def test_the_tiers_discount_is_where_proposals_start(people, ladder):
    services.tiers_refresh(today=DAY)
    product = ProductFactory(list_price=Decimal("1000"))
    proposal = deal_services.proposal_create(user=people["anna"], account=ladder["gold"], data={
        "title": "Offer", "lines": [{"product": product, "quantity": "2"},
                                    {"product": product, "quantity": "1", "discount_percent": "10"}]})
    assert [line.discount_percent for line in proposal.lines.order_by("position")] == [Decimal("5"), Decimal("10")]


def test_priority_support_shortens_the_complaints_deadlines(people, ladder):
    services.tiers_refresh(today=DAY)
    vip = feedback_services.feedback_create(user=people["anna"], account=ladder["vip"], data={
        "subject": "x", "text": "y", "severity": "normal"})
    plain = feedback_services.feedback_create(user=people["anna"], account=ladder["small"], data={
        "subject": "x", "text": "y", "severity": "normal"})
    # In working hours (core.working_time), as every SLA.
    assert working_time.working_hours_between(vip.received_at, vip.response_due) == 2
    assert working_time.working_hours_between(vip.received_at, vip.resolution_due) == 24
    assert working_time.working_hours_between(plain.received_at, plain.response_due) == 24


def test_referrals_show_the_revenue_they_brought(people, ladder):
    newcomer = AccountFactory(owner=people["anna"], name="Newcomer Ltd")
    order(newcomer, dt.date(2026, 3, 1), "1000")  # before the recommendation: not counted
    order(newcomer, dt.date(2026, 5, 1), "250000")
    services.referral_create(user=people["anna"], referrer=ladder["vip"], referred=newcomer,
                             data={"referred_on": dt.date(2026, 4, 1)})
    row = queries.referral_list(people["anna"])[0]
    assert row["referral"].referrer == ladder["vip"] and row["revenue"] == {"RUB": Decimal("250000.00")}
    with pytest.raises(ValidationError):
        services.referral_create(user=people["anna"], referrer=ladder["gold"], referred=newcomer, data={})
    with pytest.raises(ValidationError):
        services.referral_create(user=people["anna"], referrer=newcomer, referred=newcomer, data={})
    assert queries.referral_list(people["support"])[0]["revenue"] is None


def test_a_vip_event_from_invitation_to_the_follow_up(people, ladder):
    services.tiers_refresh(today=dt.date(2026, 6, 30))
    event = services.event_create(user=people["head"], data={
        "title": "Club dinner", "starts_at": timezone.now() + dt.timedelta(days=7), "capacity": 2})
    guests = [ContactFactory(account=ladder["vip"], last_name=name) for name in ("Orlov", "Lebedev", "Sokolov")]
    with pytest.raises(ValidationError, match="2 places"):
        services.invite(user=people["head"], event=event, contacts=guests)
    invitations = services.invite(user=people["head"], event=event, contacts=guests[:2])
    first = services.invitation_answer(user=people["anna"], invitation=invitations[0], status="accepted")
    assert first.status == "accepted" and first.responded_at
    with pytest.raises(ValidationError, match="not taken place"):
        services.invitation_answer(user=people["anna"], invitation=first, status="attended")
    VipEvent.objects.filter(pk=event.pk).update(starts_at=timezone.now() - dt.timedelta(hours=3))
    first.event.refresh_from_db()
    came = services.invitation_answer(user=people["anna"], invitation=first, status="attended")
    task = came.follow_up
    assert task.kind == "task" and task.assignee == people["anna"] and "Orlov" in task.subject


def test_only_people_of_vip_club_accounts_are_invited_whichever_way_the_invitation_comes(people, ladder, api_as):
    """The rule lived in the page's list of people only, so the API invited anyone."""
    services.tiers_refresh(today=dt.date(2026, 6, 30))
    event = services.event_create(user=people["head"], data={
        "title": "Club dinner", "starts_at": timezone.now() + dt.timedelta(days=7)})
    outsider = ContactFactory(account=ladder["gold"], last_name="Gold")
    member = ContactFactory(account=ladder["vip"], last_name="Club")
    with pytest.raises(ValidationError, match="not in the club: Gold"):
        services.invite(user=people["head"], event=event, contacts=[member, outsider])
    refused = api_as("head")("post", f"/api/v1/loyalty/events/{event.pk}/invitations",
                             {"contact_ids": [outsider.pk]})
    assert refused.status_code == 422 and "contacts" in refused.json()["errors"]
    hidden = ContactFactory(account=AccountFactory(owner=people["boris"], name="Boris Ltd"))
    unseen = api_as("anna")("post", f"/api/v1/loyalty/events/{event.pk}/invitations", {"contact_ids": [hidden.pk]})
    assert unseen.status_code == 422 and "contact_ids" in unseen.json()["errors"]
    assert not event.invitations.exists()
    assert [i.contact for i in services.invite(user=people["head"], event=event, contacts=[member])] == [member]
