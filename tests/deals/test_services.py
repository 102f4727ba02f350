"""The pipeline: deals move through stages with audit, timeline notes and the time in each stage;
a loss needs its reason and fills the account's competitor picture; proposals add up."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from keyaccount.accounts.models import AccountCompetitor
from keyaccount.core.errors import AccessDenied, ConflictError
from keyaccount.core.models import AuditEntry
from keyaccount.deals import queries, services
from keyaccount.deals.choices import ProposalStatus
from keyaccount.deals.models import Deal, DealStageChange, Proposal, Stage
from keyaccount.timeline.choices import InteractionKind
from keyaccount.timeline.models import Interaction
from tests.factories import CompetitorFactory, ProductFactory

MONDAY = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def stage(code):
    return Stage.objects.get(code=code)


@pytest.fixture
def deal(people, anna_account):
    return services.deal_create(user=people["anna"], account=anna_account, data={
        "title": "Line 3 automation", "amount": Decimal("1200000"), "currency": "RUB",
        "expected_close_on": dt.date(2026, 6, 30)})


def test_a_new_deal_starts_in_the_first_stage_with_its_probability_and_shows_on_the_timeline(deal, anna_account):
    assert deal.stage.code == "first_contact" and deal.probability == 10
    assert deal.weighted_amount == Decimal("120000.00")
    note = Interaction.objects.get(account=anna_account, kind=InteractionKind.EVENT)
    assert "Line 3 automation" in note.subject and "First contact" in note.subject
    assert AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(Deal), object_id=deal.pk).exists()


def test_moving_keeps_the_time_in_each_stage_audits_and_writes_the_timeline(people, deal, anna_account):
    deal.stage_entered_at = MONDAY
    Deal.objects.filter(pk=deal.pk).update(stage_entered_at=MONDAY)
    services.deal_move(user=people["anna"], deal=deal, stage=stage("needs"), now=MONDAY + dt.timedelta(days=3))
    services.deal_move(user=people["anna"], deal=deal, stage=stage("proposal"), now=MONDAY + dt.timedelta(days=10))
    deal.refresh_from_db()
    assert deal.stage.code == "proposal" and deal.probability == 40
    spent = {row["stage"].code: row["days"] for row in queries.time_in_stages(deal, now=MONDAY + dt.timedelta(days=12))}
    assert spent == {"first_contact": 3.0, "needs": 7.0, "proposal": 2.0}
    moves = list(DealStageChange.objects.filter(deal=deal).order_by("id").values_list("to_stage__code", flat=True))
    assert moves == ["first_contact", "needs", "proposal"]
    notes = Interaction.objects.filter(account=anna_account, kind=InteractionKind.EVENT).values_list(
        "subject", flat=True)
    assert any("Needs identified → Proposal sent" in subject for subject in notes)
    change = AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(Deal), object_id=deal.pk,
                                       action="update").latest("id")
    assert change.changes["stage"] == [stage("needs").pk, stage("proposal").pk]


def test_a_loss_without_a_reason_is_refused_and_nothing_is_saved(people, deal, anna_account):
    before_notes = Interaction.objects.filter(account=anna_account).count()
    with pytest.raises(ValidationError) as error:
        services.deal_move(user=people["anna"], deal=deal, stage=stage("lost"))
    assert "loss_reason" in error.value.message_dict
    deal.refresh_from_db()
    assert deal.stage.code == "first_contact" and deal.closed_on is None
    assert DealStageChange.objects.filter(deal=deal).count() == 1
    assert Interaction.objects.filter(account=anna_account).count() == before_notes


def test_a_loss_to_a_competitor_names_it_and_fills_the_competitor_picture(people, deal, anna_account):
    rival = CompetitorFactory(name="Promavtomatika")
    with pytest.raises(ValidationError) as error:
        services.deal_move(user=people["anna"], deal=deal, stage=stage("lost"), data={"loss_reason": "competitor"})
    assert "lost_to" in error.value.message_dict
    services.deal_move(user=people["anna"], deal=deal, stage=stage("lost"), data={
        "loss_reason": "competitor", "lost_to": rival, "competitor_offer": "15 % below our price, 60-day credit"})
    deal.refresh_from_db()
    assert deal.closed_on is not None and deal.probability == 0
    link = AccountCompetitor.objects.get(account=anna_account, competitor=rival)
    assert link.offering == "15 % below our price, 60-day credit"
    # Reopening clears the loss.
    services.deal_move(user=people["anna"], deal=deal, stage=stage("negotiation"))
    deal.refresh_from_db()
    assert deal.loss_reason == "" and deal.lost_to is None and deal.closed_on is None


def test_only_those_who_edit_the_account_move_its_deals(people, deal):
    with pytest.raises(AccessDenied):
        services.deal_move(user=people["boris"], deal=deal, stage=stage("needs"))
    with pytest.raises(AccessDenied):
        services.deal_move(user=people["analyst"], deal=deal, stage=stage("needs"))
    services.deal_move(user=people["head"], deal=deal, stage=stage("needs"))


def test_a_stale_version_is_a_conflict(people, deal):
    services.deal_update(user=people["anna"], deal=deal, data={"amount": Decimal("1")}, version=deal.version)
    with pytest.raises(ConflictError):
        services.deal_move(user=people["anna"], deal=deal, stage=stage("needs"), version=1)


def test_tender_details_belong_to_tenders(people, anna_account):
    with pytest.raises(ValidationError) as error:
        services.deal_create(user=people["anna"], account=anna_account, data={
            "title": "x", "tender_number": "0373100000126000001"})
    assert "kind" in error.value.message_dict


# Proposals

@pytest.fixture
def products(db):
    return [ProductFactory(sku="PUMP-1", name="Pump", list_price=Decimal("500000")),
            ProductFactory(sku="SVC-1", name="Commissioning", list_price=Decimal("100000"), unit="job")]


def make_proposal(user, account, products, **extra):
    return services.proposal_create(user=user, account=account, data={
        "title": "Pumping station", "lines": [
            {"product": products[0], "quantity": Decimal("2"), "discount_percent": Decimal("10")},
            {"product": products[1], "quantity": Decimal("3")},
        ], **extra})


@pytest.mark.usefixtures("frozen_now")
def test_a_proposal_adds_up_with_vat_included(people, anna_account, products):
    proposal = make_proposal(people["anna"], anna_account, products, vat_rate=Decimal("20"))
    # 2 × 500 000 less 10 % = 900 000; 3 × 100 000 = 300 000.
    assert proposal.total == Decimal("1200000.00")
    assert proposal.vat_total == Decimal("200000.00") and proposal.net_total == Decimal("1000000.00")
    assert proposal.number.startswith("2026-") and proposal.revision == 1


def test_vat_on_top_and_without_vat(people, anna_account, products):
    on_top = make_proposal(people["anna"], anna_account, products, vat_rate=Decimal("20"), prices_include_vat=False)
    assert (on_top.net_total, on_top.vat_total, on_top.total) == (
        Decimal("1200000.00"), Decimal("240000.00"), Decimal("1440000.00"))
    without = make_proposal(people["anna"], anna_account, products, vat_rate=None)
    assert (without.vat_total, without.total) == (Decimal("0.00"), Decimal("1200000.00"))
    assert without.number != on_top.number


@pytest.mark.parametrize("lines,message", [
    ([], "at least one line"),
    ([{"product_id": 999999, "quantity": "1"}], "Line 1, product"),
    ([{"product_id": "P0", "quantity": "1", "discount_percent": "120"}], "Line 1, discount"),
    ([{"product_id": "P0", "quantity": "0"}], "Line 1, quantity"),
])
def test_bad_lines_are_refused_by_line_and_field_and_nothing_is_saved(people, anna_account, products, lines,
                                                                      message):
    lines = [{**line, "product_id": products[0].pk if line["product_id"] == "P0" else line["product_id"]}
             for line in lines]
    with pytest.raises(ValidationError) as error:
        services.proposal_create(user=people["anna"], account=anna_account, data={"title": "x", "lines": lines})
    assert any(message in text for text in error.value.message_dict["lines"])
    assert not Proposal.objects.exists()


def test_a_revision_keeps_the_number_and_the_lines_and_a_sent_proposal_keeps_its_lines(people, anna_account,
                                                                                      products):
    proposal = make_proposal(people["anna"], anna_account, products)
    services.proposal_update(user=people["anna"], proposal=proposal, version=proposal.version,
                             data={"status": ProposalStatus.SENT})
    assert proposal.sent_on is not None
    with pytest.raises(ValidationError):
        services.proposal_update(user=people["anna"], proposal=proposal, version=None,
                                 data={"lines": [{"product": products[1], "quantity": 1}]})
    revision = services.proposal_revise(user=people["anna"], proposal=proposal)
    assert (revision.number, revision.revision, revision.status) == (proposal.number, 2, ProposalStatus.DRAFT)
    assert revision.full_number == f"{proposal.number}/2" and revision.total == proposal.total
    assert revision.lines.count() == 2
    with pytest.raises(ValidationError):
        services.proposal_revise(user=people["anna"], proposal=proposal)


def test_deal_events_are_on_the_timeline_but_are_not_contact_with_the_client(people, deal, anna_account, api_as):
    from keyaccount.timeline import briefs

    brief = briefs.account_brief(user=people["anna"], account=anna_account)
    assert brief.recent == []
    response = api_as("anna")("post", "/api/v1/interactions/", {"kind": "event", "account_id": anna_account.pk,
                                                                "subject": "Forged"})
    assert response.status_code == 422 and "kind" in response.json()["errors"]
