"""Pipeline pages: the board with its columns and drag-and-drop moves, the move form asking for
what a stage needs, proposal documents."""

from decimal import Decimal

import pytest
from django.urls import reverse

from keyaccount.deals import services
from keyaccount.deals.models import Deal, Stage
from tests.factories import AccountFactory, ProductFactory


@pytest.fixture
def deal(people, anna_account):
    return services.deal_create(user=people["anna"], account=anna_account, data={
        "title": "Boiler house", "amount": Decimal("2500000")})


def test_the_board_shows_each_stage_with_counts_sums_and_cards(client_for, people, deal):
    response = client_for(people["anna"]).get(reverse("deals:deal_board"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Boiler house" in page and "Needs identified" in page and "sortable" in page


def test_the_board_costs_the_same_queries_with_more_deals(client_for, people, anna_account,
                                                          django_assert_max_num_queries):
    client = client_for(people["anna"])
    for number in range(60):
        services.deal_create(user=people["anna"], account=anna_account, data={"title": f"Deal {number}"})
    with django_assert_max_num_queries(20):
        page = client.get(reverse("deals:deal_board")).content.decode()
    assert "30 more" in page


def test_dragging_a_card_moves_the_deal_and_a_loss_asks_for_its_reason(client_for, people, deal):
    client = client_for(people["anna"])
    needs = Stage.objects.get(code="needs")
    response = client.post(reverse("deals:deal_move", args=[deal.pk]), {
        "stage": needs.pk, "version": deal.version, "from": "board"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Trigger"] == "board-changed"
    deal.refresh_from_db()
    assert deal.stage == needs
    lost = Stage.objects.get(code="lost")
    response = client.post(reverse("deals:deal_move", args=[deal.pk]), {
        "stage": lost.pk, "version": deal.version, "from": "board"}, HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"].endswith(f"?stage={lost.pk}")
    form = client.get(response["HX-Redirect"])
    assert "loss reason" in form.content.decode().lower()
    refused = client.post(reverse("deals:deal_move", args=[deal.pk]), {"stage": lost.pk, "version": deal.version})
    assert refused.status_code == 400 and "Say why the deal was lost." in refused.content.decode()
    deal.refresh_from_db()
    assert deal.stage == needs


def test_the_deal_page_and_the_account_page_show_the_deal(client_for, people, deal, anna_account):
    client = client_for(people["anna"])
    assert "Time in stages" in client.get(deal.get_absolute_url()).content.decode()
    assert "Boiler house" in client.get(anna_account.get_absolute_url()).content.decode()


def test_creating_a_proposal_from_the_form_with_rows_of_skus(client_for, people, anna_account):
    ProductFactory(sku="PUMP-1", list_price=Decimal("500000"))
    client = client_for(people["anna"])
    url = reverse("deals:proposal_create", args=[anna_account.pk])
    refused = client.post(url, {"title": "Station", "language": "ru", "currency": "RUB", "vat_rate": "20",
                                "prices_include_vat": "on", "status": "draft",
                                "lines": "PUMP-1; 2; ; 10\nNOPE-9; 1"})
    assert refused.status_code == 200 and "Row 2: no product with SKU “NOPE-9”." in refused.content.decode()
    created = client.post(url, {"title": "Station", "language": "ru", "currency": "RUB", "vat_rate": "20",
                                "prices_include_vat": "on", "status": "draft", "lines": "PUMP-1; 2; ; 10"})
    assert created.status_code == 302
    detail = client.get(created["Location"])
    assert "900" in detail.content.decode()
    docx = client.get(created["Location"] + "document.docx")
    assert docx.status_code == 200 and "attachment" in docx["Content-Disposition"]


def test_deals_of_accounts_one_does_not_see_answer_404(client_for, people):
    foreign = AccountFactory(owner=people["boris"])
    deal = services.deal_create(user=people["boris"], account=foreign, data={"title": "Hidden"})
    assert client_for(people["anna"]).get(deal.get_absolute_url()).status_code == 404
    assert client_for(people["support"]).get(reverse("deals:deal_board")).status_code == 404
    assert "Hidden" not in client_for(people["anna"]).get(reverse("deals:deal_list")).content.decode()
    assert Deal.objects.count() == 1


@pytest.mark.parametrize("username,count", [("admin", 2), ("analyst", 2), ("anna", 1), ("head", 2), ("boris", 1)])
def test_each_role_sees_the_board_of_the_deals_it_may_see(people, anna_account, username, count):
    from keyaccount.deals import queries

    services.deal_create(user=people["anna"], account=anna_account, data={"title": "Anna's", "amount": Decimal("5")})
    foreign = AccountFactory(owner=people["boris"])
    services.deal_create(user=people["boris"], account=foreign, data={"title": "Boris's", "amount": Decimal("7")})
    first = queries.board(people[username])[0]
    assert first.count == count and len(first.deals) == count
    assert sum(total["amount"] for total in first.totals) == (Decimal("12") if count == 2 else first.deals[0].amount)


# The proposal templates page

@pytest.fixture
def uploaded_template(people):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.deals.test_documents import template_with

    return services.template_upload(user=people["head"], data={
        "name": "Our letterhead", "language": "ru", "is_default": True,
        "file": SimpleUploadedFile("ours.docx", template_with("{{ total }}"))})


@pytest.mark.parametrize("username,may_upload", [("admin", True), ("head", True), ("other_head", True),
                                                 ("anna", False), ("boris", False), ("analyst", False)])
def test_the_templates_page_lists_templates_fields_and_an_example_and_offers_upload_to_heads(
        client_for, people, uploaded_template, username, may_upload):
    response = client_for(people[username]).get(reverse("deals:template_list"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Our letterhead" in page
    for written in ("<code>buyer.inn</code>", "<code>line.amount</code>", "<code>total_in_words</code>",
                    "The client: name, INN, KPP and postal (or legal) address.",
                    "{%tr for line in lines %}", "{{ loop.index }}", "<code>upper</code>"):
        assert written in page
    assert "Example</h3>" in page and "{{ proposal.number }}" in page
    assert ('enctype="multipart/form-data"' in page) is may_upload
    assert (f'action="{reverse("deals:template_delete", args=[uploaded_template.pk])}"' in page) is may_upload


def test_the_templates_page_is_not_found_for_roles_without_deals(client_for, people):
    assert client_for(people["support"]).get(reverse("deals:template_list")).status_code == 404


def test_a_manager_posting_a_template_is_refused(client_for, people):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from keyaccount.deals.models import ProposalTemplate
    from tests.deals.test_documents import template_with

    response = client_for(people["anna"]).post(reverse("deals:template_list"), {
        "name": "Mine", "language": "ru", "file": SimpleUploadedFile("mine.docx", template_with("{{ total }}"))})
    assert response.status_code == 403 and not ProposalTemplate.objects.exists()

