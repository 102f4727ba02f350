"""The pipeline board in a real browser: drag a card to the next stage and the deal moves; drop it
on "Lost" and the form asks why before anything is saved."""

import pytest
from playwright.sync_api import expect

from keyaccount.core.choices import Role
from keyaccount.deals import services
from keyaccount.deals.models import Deal, Stage
from tests.browser.conftest import NEEDS_CHROMIUM
from tests.factories import AccountFactory, TeamFactory, UserFactory

pytestmark = [pytest.mark.browser, NEEDS_CHROMIUM]


def drag(page, card, column):
    """Drag with the mouse, step by step, as a person does (Sortable follows pointer events)."""
    source = page.locator(card).bounding_box()
    target = page.locator(column).bounding_box()
    page.mouse.move(source["x"] + 20, source["y"] + 10)
    page.mouse.down()
    for step in range(1, 16):
        page.mouse.move(source["x"] + 20 + (target["x"] - source["x"]) * step / 15,
                        source["y"] + 10 + (target["y"] + 30 - source["y"]) * step / 15)
    page.mouse.up()


@pytest.mark.django_db(transaction=True)
def test_dragging_cards_moves_deals_and_a_loss_asks_for_its_reason(browser, live_server, sign_in):
    services.default_stages_ensure()  # a transactional test starts from an empty database
    anna = UserFactory(username="anna", role=Role.KAM, team=TeamFactory(), language="en")
    account = AccountFactory(name="Severstal Trade", owner=anna)
    deal = services.deal_create(user=anna, account=account, data={"title": "Boiler house"})
    needs = Stage.objects.get(code="needs")
    lost = Stage.objects.get(code="lost")
    page = sign_in("anna")
    page.goto(f"{live_server.url}/deals/")
    page.wait_for_selector(f"li[data-deal='{deal.pk}']")

    drag(page, f"li[data-deal='{deal.pk}']", f"ol.board-cards[data-stage='{needs.pk}']")
    page.wait_for_selector(f"ol.board-cards[data-stage='{needs.pk}'] li[data-deal='{deal.pk}']")
    # A locator rather than wait_for_function: that one evaluates a string, which the CSP refuses.
    expect(page.locator(f"section[data-stage='{needs.pk}'] header")).to_contain_text("1")
    deal.refresh_from_db()
    assert deal.stage == needs

    drag(page, f"li[data-deal='{deal.pk}']", f"ol.board-cards[data-stage='{lost.pk}']")
    page.wait_for_url(f"**/deals/{deal.pk}/move/?stage={lost.pk}")
    deal.refresh_from_db()
    assert deal.stage == needs
    page.select_option("select[name=loss_reason]", "no_budget")
    page.click("button[type=submit]:has-text('Move')")
    page.wait_for_url(f"**/deals/{deal.pk}/")
    assert Deal.objects.get(pk=deal.pk).stage == lost
