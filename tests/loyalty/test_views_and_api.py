"""Loyalty in pages and the API: the overview, the account panel with its tier, setting a tier by
hand, referrals, VIP club events and answering invitations; the access rule and field errors."""

import datetime as dt
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from keyaccount.loyalty import services
from keyaccount.loyalty.models import Invitation, Referral, Tier, TierAssignment
from tests.factories import AccountFactory, ContactFactory, OrderFactory


def test_the_overview_and_the_account_panel(client_for, people, anna_account):
    OrderFactory(account=anna_account, ordered_on=timezone.localdate(), total=Decimal("2000000"))
    services.tiers_refresh()
    client = client_for(people["head"])
    page = client.get(reverse("loyalty:overview")).content.decode()
    assert "VIP club" in page and "Recent tier changes" in page
    account_page = client.get(anna_account.get_absolute_url()).content.decode()
    assert "Loyalty" in account_page and "Standard" in account_page  # tenure under six months: not Silver yet
    response = client.post(reverse("loyalty:tier_override", args=[anna_account.pk]),
                           {"tier": Tier.objects.get(name="Gold").pk, "reason": "Board decision"})
    assert response.status_code == 302
    assert TierAssignment.objects.get(account=anna_account, until__isnull=True).tier.name == "Gold"
    forbidden = client_for(people["anna"]).post(reverse("loyalty:tier_override", args=[anna_account.pk]),
                                                {"tier": Tier.objects.get(name="VIP club").pk, "reason": "me"})
    assert forbidden.status_code == 403


def test_referrals_and_events_in_pages(client_for, people, anna_account):
    newcomer = AccountFactory(owner=people["anna"], name="Newcomer")
    client = client_for(people["anna"])
    response = client.post(reverse("loyalty:referral_create", args=[anna_account.pk]),
                           {"referred": newcomer.pk, "referred_on": "2026-01-15"})
    assert response.status_code == 302 and Referral.objects.get().referred == newcomer
    head = client_for(people["head"])
    created = head.post(reverse("loyalty:event_create"), {"title": "Club breakfast",
                                                          "starts_at": "2026-12-20T09:00"})
    event_url = created["Location"]
    TierAssignment.objects.create(account=anna_account, tier=Tier.objects.get(is_vip_club=True),
                                  since=dt.date(2026, 1, 1))
    guest = ContactFactory(account=anna_account, last_name="Orlov")
    assert "Orlov" in head.get(event_url).content.decode()
    assert head.post(event_url, {"contacts": [guest.pk]}).status_code == 302
    invitation = Invitation.objects.get()
    head.post(reverse("loyalty:invitation_answer", args=[invitation.pk]), {"status": "accepted"})
    invitation.refresh_from_db()
    assert invitation.status == "accepted"


def test_loyalty_through_the_api(api_as, people, anna_account, shared_account):
    OrderFactory(account=anna_account, ordered_on=timezone.localdate(), total=Decimal("100"))
    services.tiers_refresh()
    tiers = api_as("anna")("get", "/api/v1/loyalty/tiers").json()
    assert [t["name"] for t in tiers] == ["Standard", "Silver", "Gold", "VIP club"]
    mine = api_as("anna")("get", f"/api/v1/loyalty/accounts/{anna_account.pk}").json()
    assert mine["current"]["tier"] == "Standard" and len(mine["history"]) == 1
    assert api_as("boris")("get", f"/api/v1/loyalty/accounts/{anna_account.pk}").status_code == 404
    head = api_as("head")
    gold = next(t["id"] for t in tiers if t["name"] == "Gold")
    assert head("post", f"/api/v1/loyalty/accounts/{anna_account.pk}/override",
                {"tier_id": gold, "reason": ""}).status_code == 422
    set_by_hand = head("post", f"/api/v1/loyalty/accounts/{anna_account.pk}/override",
                       {"tier_id": gold, "reason": "Strategic"})
    assert set_by_hand.json()["current"]["overridden"] is True
    assert api_as("anna")("post", f"/api/v1/loyalty/accounts/{anna_account.pk}/override",
                          {"tier_id": gold, "reason": "x"}).status_code == 403
    back = head("delete", f"/api/v1/loyalty/accounts/{anna_account.pk}/override").json()
    assert back["current"]["tier"] == "Standard"
    referral = api_as("anna")("post", "/api/v1/loyalty/referrals", {"referrer_id": shared_account.pk,
                                                                    "referred_id": anna_account.pk})
    assert referral.status_code == 201
    in_a_month = (timezone.now() + dt.timedelta(days=30)).isoformat()
    event = head("post", "/api/v1/loyalty/events", {"title": "Dinner", "starts_at": in_a_month})
    assert event.status_code == 201
    club = next(t["id"] for t in tiers if t["name"] == "VIP club")
    head("post", f"/api/v1/loyalty/accounts/{anna_account.pk}/override", {"tier_id": club, "reason": "Founder"})
    guest = ContactFactory(account=anna_account)
    invited = head("post", f"/api/v1/loyalty/events/{event.json()['id']}/invitations", {"contact_ids": [guest.pk]})
    assert invited.status_code == 201
    answered = api_as("anna")("patch", f"/api/v1/loyalty/invitations/{invited.json()[0]['id']}",
                              {"status": "declined"})
    assert answered.json()["status"] == "declined"
    assert head("patch", f"/api/v1/loyalty/invitations/{invited.json()[0]['id']}",
                {"status": "maybe"}).status_code == 422


def test_the_tiers_basis_is_money_support_does_not_read(api_as, anna_account):
    TierAssignment.objects.create(account=anna_account, tier=Tier.objects.order_by("rank").first(),
                                  since=timezone.localdate(), basis={"revenue": {"12:RUB": "7345678.00"}})
    support = api_as("support")("get", f"/api/v1/loyalty/accounts/{anna_account.pk}").json()
    assert support["current"]["tier"] and support["current"]["basis"] is None
    assert "7345678" not in str(support)
    analyst = api_as("analyst")("get", f"/api/v1/loyalty/accounts/{anna_account.pk}").json()
    assert analyst["current"]["basis"] == {"revenue": {"12:RUB": "7345678.00"}}


def test_support_reads_the_tiers_rules_without_their_revenue_thresholds(api_as, client_for, people):
    """The overview page and the API told support what revenue each tier asks."""
    Tier.objects.filter(name="Gold").update(min_revenue=Decimal("7345678"), currency="RUB")
    page = client_for(people["support"]).get(reverse("loyalty:overview")).content.decode()
    assert "Gold" in page and "7,345,678" not in page and "RUB" not in page
    tiers = {tier["name"]: tier for tier in api_as("support")("get", "/api/v1/loyalty/tiers").json()}
    assert tiers["Gold"]["min_revenue"] is None and tiers["Gold"]["currency"] == ""
    assert Decimal(api_as("head")("get", "/api/v1/loyalty/tiers").json()[2]["min_revenue"]) == Decimal("7345678")
