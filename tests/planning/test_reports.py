"""Weekly reports: generated from the week's data, edited as a draft, frozen on submission, read
by the head of sales, exported to XLSX and PDF."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from openpyxl import load_workbook

from keyaccount.contracts import services as contract_services
from keyaccount.deals import services as deal_services
from keyaccount.deals.models import Stage
from keyaccount.planning import services
from keyaccount.timeline import services as timeline_services
from tests.factories import AccountFactory, ProductFactory

WEEK = dt.date(2026, 11, 16)  # a Monday


def moment(day_offset, hour=11):
    zone = timezone.get_default_timezone()
    return dt.datetime.combine(WEEK + dt.timedelta(days=day_offset), dt.time(hour), tzinfo=zone)


@pytest.fixture
def busy_week(people, anna_account):
    anna = people["anna"]
    other = AccountFactory(owner=anna, name="Beta")
    meeting = timeline_services.interaction_create(user=anna, account=anna_account, data={
        "kind": "meeting", "subject": "Quarterly review", "starts_at": moment(1)})
    timeline_services.interaction_update(user=anna, interaction=meeting, version=None,
                                         data={"meeting_status": "held", "actual_start_at": moment(1)})
    timeline_services.interaction_create(user=anna, account=anna_account, data={
        "kind": "meeting", "subject": "Cancelled", "starts_at": moment(2), "meeting_status": "cancelled"})
    for offset in (0, 3):
        timeline_services.interaction_create(user=anna, account=other, data={
            "kind": "call", "outcome": "answered", "starts_at": moment(offset)})
    timeline_services.interaction_create(user=anna, account=other, data={
        "kind": "call", "outcome": "answered", "starts_at": moment(8)})  # next week
    deal = deal_services.deal_create(user=anna, account=anna_account, data={"title": "Boiler"})
    deal_services.deal_move(user=anna, deal=deal, stage=Stage.objects.get(code="needs"), now=moment(2))
    deal_services.deal_move(user=anna, deal=deal, stage=Stage.objects.get(code="won"), now=moment(4))
    proposal = deal_services.proposal_create(user=anna, account=anna_account, data={
        "title": "Boiler house", "lines": [{"product": ProductFactory(list_price=Decimal("1000")), "quantity": 5}]})
    deal_services.proposal_update(user=anna, proposal=proposal, version=None,
                                  data={"status": "sent", "sent_on": WEEK + dt.timedelta(days=2)})
    contract = contract_services.contract_create(user=anna, account=anna_account, data={
        "number": "1", "subject": "Supply", "starts_on": dt.date(2026, 1, 1)})
    obligation = contract_services.obligation_create(user=anna, contract=contract, data={
        "kind": "delivery", "title": "Batch 4", "due_on": WEEK + dt.timedelta(days=4)})
    contract_services.obligation_fulfil(user=anna, obligation=obligation, done_on=WEEK + dt.timedelta(days=3),
                                        evidence="Waybill 77")
    return anna


def test_the_figures_of_the_week_come_from_the_data(busy_week):
    report = services.report_prepare(user=busy_week, week_start=WEEK + dt.timedelta(days=2))
    assert report.week_start == WEEK
    figures = report.figures
    assert {key: figures[key] for key in ("meetings", "calls", "emails", "proposals_sent", "deals_moved",
                                          "deals_won", "deals_lost", "obligations_fulfilled",
                                          "accounts_touched")} == {
        "meetings": 1, "calls": 2, "emails": 0, "proposals_sent": 1, "deals_moved": 2, "deals_won": 1,
        "deals_lost": 0, "obligations_fulfilled": 1, "accounts_touched": 2}
    assert figures["move_list"][1]["to"] == "Won" and figures["obligation_list"][0]["evidence"] == "Waybill 77"


def test_a_submitted_report_is_frozen_and_the_head_reads_it(busy_week, people, client_for):
    report = services.report_prepare(user=busy_week, week_start=WEEK)
    anna = client_for(busy_week)
    response = anna.post(report.get_absolute_url(), {"version": report.version, "highlights": "Won the boiler",
                                                     "submit": "1"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "submitted" and report.highlights == "Won the boiler"
    with pytest.raises(ValidationError):
        services.report_update(user=busy_week, report=report, data={"highlights": "x"}, version=None)
    page = client_for(people["head"]).get(report.get_absolute_url()).content.decode()
    assert "Won the boiler" in page
    assert client_for(people["other_head"]).get(report.get_absolute_url()).status_code == 404
    xlsx = client_for(people["head"]).get(report.get_absolute_url() + "?format=xlsx")
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert rows[1][:2] == ("Meetings held", 1)
    pdf = client_for(people["head"]).get(report.get_absolute_url() + "?format=pdf")
    assert pdf.content[:4] == b"%PDF"


def test_reports_through_the_api(api_as, busy_week):
    api = api_as("anna")
    created = api("post", "/api/v1/weekly-reports/", {"week_start": WEEK.isoformat()})
    assert created.status_code == 201 and created.json()["figures"]["calls"] == 2
    report_id = created.json()["id"]
    patched = api("patch", f"/api/v1/weekly-reports/{report_id}", {"version": created.json()["version"],
                                                                    "problems": "Need a discount approval"})
    assert patched.status_code == 200
    assert api("post", f"/api/v1/weekly-reports/{report_id}/submit").json()["status"] == "submitted"
    again = api("patch", f"/api/v1/weekly-reports/{report_id}", {"version": 3, "problems": "x"})
    assert again.status_code == 422


@pytest.mark.parametrize(("username", "reads_the_draft"), [
    ("anna", True), ("head", True), ("boris", False), ("other_head", False), ("admin", False), ("analyst", False),
    ("support", False)])
def test_a_draft_is_read_by_its_author_and_the_authors_heads_only(busy_week, people, client_for, api_as,
                                                                   username, reads_the_draft):
    """Analysts and administrators saw every draft; a draft is not yet said."""
    draft = services.report_prepare(user=busy_week, week_start=WEEK)
    page = client_for(people[username]).get(draft.get_absolute_url())
    assert page.status_code == (200 if reads_the_draft else 404)
    listed = [row["id"] for row in api_as(username)("get", "/api/v1/weekly-reports/").json()["items"]] \
        if username != "support" else []
    assert (draft.pk in listed) is reads_the_draft
    services.report_submit(user=busy_week, report=draft)
    submitted = client_for(people[username]).get(draft.get_absolute_url()).status_code
    assert submitted == (404 if username in ("boris", "other_head", "support") else 200)
