"""What every entity's pages and API must do, declared once per entity: list it, filter the list,
show one, create, change and delete it; refuse the role that sees it but may not write (403, nothing
saved); answer bad input with the field named (nothing saved); write the audit row of each change.

``test_entity_crud.py`` turns each registration into those tests, for the pages and for the API
(``/api/v1/...`` with a bearer token). The record under test is built by the access matrix's builders
(``access_matrix.py``) on Anna's private account, so a registration only says what is particular to
its entity. A url pattern ``*_edit``/``*_delete`` or an API ``PATCH``/``PUT``/``DELETE`` that no
registration covers fails ``test_every_write_path_has_a_registration`` (unless ``ELSEWHERE`` names the
test that covers it and why it is not generic).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Model
from django.urls import reverse

from keyaccount.accounts import models as accounts_models
from keyaccount.catalog import models as catalog_models
from keyaccount.contracts import models as contracts_models
from keyaccount.deals import models as deals_models
from keyaccount.deals import services as deal_services
from keyaccount.feedback import models as feedback_models
from keyaccount.orders import models as orders_models
from keyaccount.planning import models as planning_models
from keyaccount.timeline import models as timeline_models
from tests.core.access_channels import World
from tests.core.access_matrix import today

Values = dict[str, Any]
FromWorld = Callable[[World], Any]


def _value(value, world: World):
    return value(world) if callable(value) else value


@dataclass(frozen=True)
class Pages:
    """The entity's pages, by url name. ``create_args`` are the create page's url arguments (the
    account or contract the new record hangs on); ``created`` and ``deleted`` are where the user is
    sent after a create and a delete."""

    list: str | None = None
    detail: bool = True
    create: str | None = None
    create_args: FromWorld = lambda world: []
    edit: str | None = None
    delete: str | None = None
    created: Callable[[Model], str] = lambda record: record.get_absolute_url()
    deleted: FromWorld | None = None


@dataclass(frozen=True)
class Api:
    """The entity's API paths: its collection (list and create, unless ``create`` says otherwise), one
    record (``{pk}``), and which writes it offers."""

    collection: str | FromWorld
    item: str
    create: str | FromWorld | None = None
    patch: bool = True
    delete: bool = True
    detail: bool = True

    def item_path(self, record: Model) -> str:
        return self.item.format(pk=record.pk)


@dataclass(frozen=True)
class Entity:
    """One entity's registration.

    * ``row``: the access matrix row that builds the record (and what it needs) on Anna's account,
      or ``build`` when no row does;
    * ``marker``: a text of that record its list and its page show;
    * ``filter``: list parameters that keep the record, and ``filter_out`` parameters that drop it;
    * ``form``: the create page's fields (added to the form's initial values) and ``new``, the
      lookup that finds the record it creates; ``api_new`` the same for the API's create body;
    * ``change``: a change made through the edit page and the API's PATCH, ``stored`` the values
      read back from the database afterwards (``change`` itself when they compare equal);
    * ``bad``: a value the create and edit forms and the API refuse, and the field the error names;
    * ``writer`` creates, changes and deletes (``deleter`` deletes when it is someone else);
      ``refused`` sees the record and may not write: 403 and nothing saved.
    """

    name: str
    model: type[Model]
    row: str
    marker: str
    pages: Pages
    list_marker: str | None = None
    api: Api | None = None
    filter: Values = field(default_factory=dict)
    filter_out: Values = field(default_factory=dict)
    form: Callable[[World], Values] = lambda world: {}
    new: Values = field(default_factory=dict)
    api_new: Callable[[World], Values] | None = None
    change: Values = field(default_factory=dict)
    api_change: Values | None = None
    stored: Values | None = None
    bad: Values = field(default_factory=dict)
    bad_field: str = ""
    api_bad: Values | None = None
    writer: str = "anna"
    deleter: str | None = None
    refused: str = "analyst"
    # Builds the record when no row of the access matrix does (``row`` is then empty).
    build: Callable[[World], Model] | None = None

    def __str__(self) -> str:
        return self.name

    def expected(self) -> Values:
        return self.stored if self.stored is not None else self.change

    def body_change(self) -> Values:
        return self.api_change if self.api_change is not None else self.change

    def body_bad(self) -> Values:
        return self.api_bad if self.api_bad is not None else self.bad


def _account_args(world: World) -> list:
    return [world.account.pk]


def _build_stage(world: World) -> Model:
    return deal_services.stage_create(user=world.people["admin"], data={
        "code": "samples", "name": "Samples tasted", "position": 25, "probability": 30, "outcome": "open"})


ENTITIES: tuple[Entity, ...] = (
    Entity(
        "account", accounts_models.Account, row="Account", marker="Severstal Trade",
        pages=Pages(list="accounts:account_list", create="accounts:account_create", edit="accounts:account_edit",
                    delete="accounts:account_delete", deleted=lambda w: reverse("accounts:account_list")),
        api=Api("/api/v1/accounts/", "/api/v1/accounts/{pk}"),
        filter={"q": "severstal"}, filter_out={"q": "uralmash"},
        form=lambda w: {"name": "OOO Vega Steel", "inn": "7707083893"}, new={"name": "OOO Vega Steel"},
        api_new=lambda w: {"name": "OOO Vega Steel", "inn": "7707083893"},
        change={"notes": "Met the CFO"},
        bad={"inn": "7707083894"}, bad_field="inn",
        # Deleting an account is for heads of sales and administrators (core.access: reassign accounts).
        deleter="head"),
    Entity(
        "contact", accounts_models.Contact, row="Contact", marker="Petrova",
        pages=Pages(list="accounts:contact_list", create="accounts:contact_create", create_args=_account_args,
                    edit="accounts:contact_edit", delete="accounts:contact_delete",
                    created=lambda contact: contact.account.get_absolute_url() + "#people",
                    deleted=lambda w: reverse("accounts:account_detail", args=[w.account.pk])),
        api=Api("/api/v1/contacts/", "/api/v1/contacts/{pk}"),
        filter={"q": "petrova"}, filter_out={"q": "sidorov"},
        form=lambda w: {"last_name": "Sidorov", "first_name": "Pavel"}, new={"last_name": "Sidorov"},
        api_new=lambda w: {"account_id": w.account.pk, "last_name": "Sidorov", "first_name": "Pavel"},
        change={"position": "Chief financial officer"},
        bad={"emails": "not an address"}, bad_field="emails", api_bad={"emails": ["not an address"]}),
    Entity(
        "competitor", accounts_models.Competitor, row="Competitor", marker="Kometa Rival",
        pages=Pages(list="accounts:competitor_list", create="accounts:competitor_create",
                    edit="accounts:competitor_edit", delete="accounts:competitor_delete",
                    deleted=lambda w: reverse("accounts:competitor_list")),
        api=Api("/api/v1/competitors/", "/api/v1/competitors/{pk}"),
        filter={"q": "kometa"}, filter_out={"q": "zzz-no-such-rival"},
        form=lambda w: {"name": "Orbita Trade"}, new={"name": "Orbita Trade"},
        api_new=lambda w: {"name": "Orbita Trade"},
        change={"weaknesses": "Slow service"},
        bad={"website": "ftp://kometa"}, bad_field="website", writer="head"),
    Entity(
        "product", catalog_models.Product, row="Product", marker="Turbine Zeta-9",
        pages=Pages(list="catalog:product_list", create="catalog:product_create", edit="catalog:product_edit",
                    delete="catalog:product_delete", deleted=lambda w: reverse("catalog:product_list")),
        api=Api("/api/v1/products/", "/api/v1/products/{pk}"),
        filter={"q": "zeta"}, filter_out={"q": "zzz-no-such-product"},
        form=lambda w: {"sku": "PUMP-7", "name": "Pump Seven", "category": "Pumps", "unit": "pcs",
                        "list_price": "1500.00", "currency": "RUB", "is_active": "on"},
        new={"sku": "PUMP-7"},
        api_new=lambda w: {"sku": "PUMP-7", "name": "Pump Seven", "category": "Pumps", "list_price": "1500.00"},
        change={"description": "Steam turbine"},
        bad={"list_price": "-5"}, bad_field="list_price",
        # The catalogue is the company's: heads of sales and administrators change it, managers read it.
        writer="head", refused="anna"),
    Entity(
        "financials", accounts_models.AccountFinancials, row="AccountFinancials", marker="6,123,457",
        pages=Pages(detail=False, create="accounts:financials_create", create_args=_account_args,
                    edit="accounts:financials_edit",
                    created=lambda financials: financials.account.get_absolute_url() + "#financials"),
        api=Api(lambda w: f"/api/v1/accounts/{w.account.pk}/financials", "/api/v1/accounts/financials/{pk}",
                detail=False),
        form=lambda w: {"year": str(today().year - 2), "revenue": "100", "currency": "RUB"},
        new={"year": today().year - 2},
        api_new=lambda w: {"year": today().year - 2, "revenue": "100"},
        change={"employees": "900"}, api_change={"employees": 900}, stored={"employees": 900},
        bad={"employees": "-1"}, bad_field="employees", api_bad={"employees": -1}),
    Entity(
        "order", orders_models.Order, row="Order", marker="ORD-ANNA-1",
        pages=Pages(list="orders:order_list", create="orders:order_create", edit="orders:order_edit",
                    delete="orders:order_delete",
                    deleted=lambda w: reverse("accounts:account_detail", args=[w.account.pk])),
        api=Api("/api/v1/orders/", "/api/v1/orders/{pk}"),
        filter={"q": "ANNA-1"}, filter_out={"q": "ORD-NONE"},
        form=lambda w: {"number": "ORD-NEW-7", "account": str(w.account.pk), "ordered_on": day(-1).isoformat(),
                        "currency": "RUB", "status": "confirmed"},
        new={"number": "ORD-NEW-7"},
        api_new=lambda w: {"number": "ORD-NEW-7", "account_id": w.account.pk, "ordered_on": day(-1).isoformat()},
        change={"notes": "Paid late"},
        bad={"ordered_on": "2026-02-31"}, bad_field="ordered_on"),
    Entity(
        "interaction", timeline_models.Interaction, row="Interaction.support_call", marker="Quokka login trouble",
        pages=Pages(detail=True, create="timeline:interaction_create", create_args=lambda w: [w.account.pk, "note"],
                    edit="timeline:interaction_edit", delete="timeline:interaction_delete",
                    created=lambda note: reverse("timeline:account_timeline", args=[note.account_id]),
                    deleted=lambda w: reverse("timeline:account_timeline", args=[w.account.pk])),
        api=Api(lambda w: f"/api/v1/interactions/?account_id={w.account.pk}", "/api/v1/interactions/{pk}",
                create="/api/v1/interactions/"),
        form=lambda w: {"subject": "Heard of a tender"}, new={"subject": "Heard of a tender"},
        api_new=lambda w: {"account_id": w.account.pk, "kind": "note", "subject": "Heard of a tender"},
        change={"summary": "Solved: password reset"},
        bad={"contacts": ["999999999"]}, bad_field="contacts", api_bad={"contacts": [999999999]}),
    Entity(
        "deal", deals_models.Deal, row="Deal", marker="Zephyr boiler retrofit",
        pages=Pages(list="deals:deal_list", create="deals:deal_create", create_args=_account_args,
                    edit="deals:deal_edit", delete="deals:deal_delete",
                    deleted=lambda w: reverse("accounts:account_detail", args=[w.account.pk])),
        api=Api("/api/v1/deals/", "/api/v1/deals/{pk}"),
        filter={"q": "zephyr"}, filter_out={"q": "zzz-no-such-deal"},
        form=lambda w: {"title": "Spare parts", "kind": "deal"}, new={"title": "Spare parts"},
        api_new=lambda w: {"account_id": w.account.pk, "title": "Spare parts"},
        change={"description": "Two boilers"},
        bad={"probability": "150"}, bad_field="probability", api_bad={"probability": 150}),
    Entity(
        "proposal", deals_models.Proposal, row="Proposal", marker="Quotation Halcyon",
        pages=Pages(list="deals:proposal_list", create="deals:proposal_create", create_args=_account_args,
                    edit="deals:proposal_edit", delete="deals:proposal_delete",
                    deleted=lambda w: reverse("accounts:account_detail", args=[w.account.pk])),
        api=Api("/api/v1/proposals/", "/api/v1/proposals/{pk}"),
        filter={"q": "halcyon"}, filter_out={"q": "zzz-no-such-offer"},
        form=lambda w: {"title": "Spare parts offer", "lines": f"{w.record('Product').sku}; 2"},
        new={"title": "Spare parts offer"},
        api_new=lambda w: {"account_id": w.account.pk, "title": "Spare parts offer",
                           "lines": [{"product_id": w.record("Product").pk, "quantity": 2}]},
        change={"terms": "Net 30"},
        bad={"vat_rate": "-1"}, bad_field="vat_rate", api_bad={"vat_rate": "-1"}),
    Entity(
        "contract", contracts_models.Contract, row="Contract", marker="KTR-7781",
        pages=Pages(list="contracts:contract_list", create="contracts:contract_create", create_args=_account_args,
                    edit="contracts:contract_edit", delete="contracts:contract_delete",
                    deleted=lambda w: reverse("accounts:account_detail", args=[w.account.pk])),
        api=Api("/api/v1/contracts/", "/api/v1/contracts/{pk}"),
        filter={"q": "zeta turbines"}, filter_out={"q": "zzz-no-such-contract"},
        form=lambda w: {"number": "KTR-9", "subject": "Service", "starts_on": day(0).isoformat(), "currency": "RUB",
                        "status": "active"},
        new={"number": "KTR-9"},
        api_new=lambda w: {"account_id": w.account.pk, "number": "KTR-9", "subject": "Service",
                           "starts_on": day(0).isoformat()},
        change={"notes": "Renew early"},
        bad={"notice_days": "-1"}, bad_field="notice_days", api_bad={"notice_days": -1}),
    Entity(
        "obligation", contracts_models.Obligation, row="Obligation", marker="Advance payment Marigold",
        pages=Pages(list="contracts:obligation_list", create="contracts:obligation_create",
                    create_args=lambda w: [w.record("Contract").pk], edit="contracts:obligation_edit",
                    delete="contracts:obligation_delete",
                    created=lambda obligation: obligation.contract.get_absolute_url(),
                    deleted=lambda w: w.record("Contract").get_absolute_url()),
        api=Api("/api/v1/obligations/", "/api/v1/obligations/{pk}"),
        form=lambda w: {"kind": "report", "side": "client", "title": "Quarterly report",
                        "due_on": day(5).isoformat(), "status": "open"},
        new={"title": "Quarterly report"},
        api_new=lambda w: {"contract_id": w.record("Contract").pk, "kind": "report", "title": "Quarterly report",
                           "due_on": day(5).isoformat()},
        change={"evidence": "Invoice sent"},
        bad={"due_on": "2026-02-31"}, bad_field="due_on"),
    Entity(
        "sales_plan", planning_models.SalesPlan, row="SalesPlan", marker="8,642,097",
        pages=Pages(detail=False, create="planning:plan_create", edit="planning:plan_edit",
                    delete="planning:plan_delete",
                    created=lambda plan: f"{reverse('planning:plan_progress')}?year={plan.period_start.year}",
                    deleted=lambda w: reverse("planning:plan_progress")),
        api=Api("/api/v1/plans/", "/api/v1/plans/{pk}"),
        form=lambda w: {"user": str(w.people["boris"].pk), "team": "", "period_kind": "month",
                        "period_start": today().replace(day=1).isoformat(), "amount": "500000", "currency": "RUB"},
        new={"user__username": "boris"},
        api_new=lambda w: {"user_id": w.people["boris"].pk, "period_kind": "month",
                           "period_start": today().replace(day=1).isoformat(), "amount": "500000"},
        change={"amount": "8700000"}, stored={"amount": Decimal("8700000")},
        bad={"amount": "-1"}, bad_field="amount",
        # Plans are set by heads of sales and administrators; the manager whose plan it is reads it.
        writer="head", refused="anna"),
    Entity(
        "account_plan", planning_models.AccountPlan, row="AccountPlan", marker="Win the Juniper retrofit",
        list_marker="Severstal Trade",
        pages=Pages(list="planning:account_plan_list", create="planning:account_plan_create",
                    create_args=_account_args, edit="planning:account_plan_edit"),
        api=Api("/api/v1/account-plans/", "/api/v1/account-plans/{pk}"),
        form=lambda w: {"year": str(today().year + 1), "currency": "RUB"}, new={"year": today().year + 1},
        api_new=lambda w: {"account_id": w.account.pk, "year": today().year + 1},
        change={"challenges": "Budget cuts"},
        bad={"target_revenue": "-1"}, bad_field="target_revenue"),
    Entity(
        "feedback", feedback_models.Feedback, row="Feedback", marker="Late pallets Quartz",
        pages=Pages(list="feedback:feedback_list", create="feedback:feedback_create", create_args=_account_args,
                    edit="feedback:feedback_edit"),
        api=Api("/api/v1/feedback/", "/api/v1/feedback/{pk}", delete=False),
        filter={"q": "quartz"}, filter_out={"q": "zzz-no-such-complaint"},
        form=lambda w: {"subject": "Invoice wrong", "text": "Twice.", "severity": "normal"},
        new={"subject": "Invoice wrong"},
        api_new=lambda w: {"account_id": w.account.pk, "subject": "Invoice wrong", "text": "Twice."},
        change={"severity": "critical"},
        bad={"severity": "apocalyptic"}, bad_field="severity"),
    Entity(
        "stage", deals_models.Stage, row="", build=_build_stage, marker="Samples tasted",
        pages=Pages(list="deals:stage_list", detail=False, create="deals:stage_create", edit="deals:stage_edit",
                    created=lambda stage: reverse("deals:stage_list")),
        form=lambda w: {"code": "trial", "name": "Trial delivery", "position": "35", "probability": "40",
                        "outcome": "open", "is_active": "on"},
        new={"code": "trial"},
        change={"name": "Samples approved"},
        bad={"probability": "150"}, bad_field="probability",
        # The pipeline is the company's: heads of sales and administrators shape it.
        writer="head", refused="anna"),
)


@dataclass(frozen=True)
class Elsewhere:
    """A write path whose test is not generic: where it is and why."""

    test: str
    reason: str


# Registrations whose test fails because of a bug in src/, each with the bug: expected to fail,
# strictly (once src/ is fixed the test reports XPASS as a failure and its line goes).
KNOWN_GAPS: dict[str, str] = {}

T = "tests/core/test_entity_crud.py::"
# Url names and API operations (``METHOD /api/v1/path``) covered by their own tests.
ELSEWHERE: dict[str, Elsewhere] = {
    "PUT /api/v1/notifications/settings": Elsewhere(
        "tests/core/test_notifications.py::test_e_mail_needs_an_address_and_bad_settings_are_named_at_their_field",
        "the signed-in user's own settings, no record of an account"),
    "planning:initiative_edit": Elsewhere(T + "test_an_initiative_is_changed_and_deleted_on_its_plans_page",
                                          "an initiative is edited inside its account plan's page"),
    "planning:initiative_delete": Elsewhere(T + "test_an_initiative_is_changed_and_deleted_on_its_plans_page",
                                            "an initiative is deleted inside its account plan's page"),
    "PUT /api/v1/account-plans/{}/initiatives/{}": Elsewhere(
        T + "test_an_initiative_is_changed_and_deleted_through_the_api", "a part of an account plan, by its plan"),
    "DELETE /api/v1/account-plans/{}/initiatives/{}": Elsewhere(
        T + "test_an_initiative_is_changed_and_deleted_through_the_api", "a part of an account plan, by its plan"),
    "DELETE /api/v1/accounts/{}/competitors/{}": Elsewhere(
        T + "test_a_competitor_is_unlinked_from_an_account_through_the_api",
        "a link between an account and a competitor, audited as a change of the account"),
    "contracts:attachment_delete": Elsewhere(T + "test_a_contract_attachment_is_deleted_from_its_contract",
                                             "a file of a contract: uploaded and deleted on the contract's page"),
    "deals:template_delete": Elsewhere(T + "test_a_proposal_template_is_deleted_by_a_head_of_sales",
                                       "a Word file of the company's, uploaded, not typed into a form"),
    "PATCH /api/v1/weekly-reports/{}": Elsewhere("tests/planning/test_reports.py::test_reports_through_the_api",
                                                 "a report is written by its author alone and only as a draft"),
    "PATCH /api/v1/tickets/{}": Elsewhere(
        "tests/feedback/test_support.py::test_a_ticket_is_assigned_only_to_someone_who_works_its_account",
        "a ticket's fields move with its conversation (reply, close); the PATCH assigns and prioritises"),
    "PATCH /api/v1/loyalty/invitations/{}": Elsewhere(
        "tests/loyalty/test_views_and_api.py::test_loyalty_through_the_api",
        "an invitation is answered (accepted, declined, attended), not edited"),
    "DELETE /api/v1/loyalty/accounts/{}/override": Elsewhere(
        "tests/loyalty/test_views_and_api.py::test_loyalty_through_the_api",
        "clearing a tier set by hand gives the account back to the rules; nothing is deleted"),
}


def page_names(entity: Entity) -> set[str]:
    pages = entity.pages
    return {name for name in (pages.create, pages.edit, pages.delete) if name}


def api_operations(entity: Entity) -> set[str]:
    if entity.api is None:
        return set()
    item = "/api/v1" + entity.api.item.removeprefix("/api/v1").replace("{pk}", "{}")
    operations = set()
    if entity.api.patch:
        operations.add(f"PATCH {item}")
    if entity.api.delete:
        operations.add(f"DELETE {item}")
    return operations


def day(offset: int) -> dt.date:
    return today() + dt.timedelta(days=offset)
