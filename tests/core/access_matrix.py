"""The access matrix, declared: for every model of Keyaccount, either the rows that build one record of
it on Anna's private account (and the channels it shows through) or the reason it has none.

``test_access_matrix.py`` turns this into one test per role × row × channel (the channels, and
what each checks, are in ``access_channels.py``). Anna's account is owned by Anna (team "Key
accounts") and shared with nobody, so, by ``core.access``:

* Anna, her head of sales, the analyst and the administrator see all of it;
* Boris (a manager of the same team) and the head of another team see none of it: 404 or absent;
* support sees the account, its people, what the client said (complaints, tickets, surveys) and
  the timeline's contact with the client, never money: orders, deals, proposals, contracts,
  obligations, plans, financials, scores, the revenue behind loyalty tiers and referrals, prices.

Every record carries a text or an amount of its own (deal amount 7 345 678, "Zephyr boiler
retrofit"), and each cell looks for it in what the channel answers, not only at status codes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone

from keyaccount.accounts import models as accounts_models
from keyaccount.accounts import services as account_services
from keyaccount.catalog import models as catalog_models
from keyaccount.catalog import services as catalog_services
from keyaccount.contracts import models as contracts_models
from keyaccount.contracts import services as contract_services
from keyaccount.core import models as core_models
from keyaccount.core import services as core_services
from keyaccount.deals import models as deals_models
from keyaccount.deals import services as deal_services
from keyaccount.feedback import models as feedback_models
from keyaccount.feedback import services as feedback_services
from keyaccount.feedback import support, surveys
from keyaccount.insights import models as insights_models
from keyaccount.insights import services as insight_services
from keyaccount.loyalty import models as loyalty_models
from keyaccount.loyalty import services as loyalty_services
from keyaccount.orders import models as orders_models
from keyaccount.orders import services as order_services
from keyaccount.planning import models as planning_models
from keyaccount.planning import services as planning_services
from keyaccount.search import models as search_models
from keyaccount.search import services as search_services
from keyaccount.timeline import models as timeline_models
from keyaccount.timeline import reminders
from keyaccount.timeline import services as timeline_services
from keyaccount.workspace import models as workspace_models
from tests.core.access_channels import (
    ACCOUNT,
    EDITORS,
    EVERYONE,
    MONEY,
    ROLES,
    SUPPORT_WORK,
    ApiCreate,
    ApiDetail,
    ApiList,
    ApiWrite,
    CalendarFeed,
    Channel,
    EditPage,
    Exempt,
    Notified,
    Page,
    Path,
    Row,
    Shows,
    World,
)
from tests.factories import AccountFactory, share

# The company's catalogue and competitors are everyone's to see; heads of sales and administrators
# change them (managers add competitors too).
COMPANY_EDITORS = frozenset({"head", "other_head", "admin"})

# --- the world: Anna's account with one record of every kind -------------------------------------


def today() -> dt.date:
    return timezone.localdate()


def _build_account(world):
    return AccountFactory(name="OOO Severstal Trade", owner=world.people["anna"], needs="Steam for the Ural plant")


def _build_contact(world):
    anna = world.people["anna"]
    # Born tomorrow (in 1984, a leap year, so that any day exists): the birthday reminder is due.
    tomorrow = today() + dt.timedelta(days=1)
    contact = account_services.contact_create(user=anna, account=world.account, data={
        "last_name": "Petrova", "first_name": "Elena", "position": "CFO", "roles": ["decision_maker", "payer"],
        "phones": ["+7 916 555-01-23"], "emails": ["petrova@severstal.example"],
        "birthday": dt.date(1984, tomorrow.month, tomorrow.day)})
    account_services.consent_record(user=anna, contact=contact, data={
        "purpose": "surveys", "given_on": today(), "source": "signed form", "text_version": "1"})
    return contact


def _build_financials(world):
    return account_services.financials_save(user=world.people["anna"], account=world.account, data={
        "year": today().year - 1, "revenue": Decimal("6123457"), "employees": 850})


def _build_competitor(world):
    return account_services.competitor_create(user=world.people["head"], data={
        "name": "Kometa Rival", "strengths": "Cheap"})


def _build_account_competitor(world):
    return account_services.account_competitor_link(
        user=world.people["anna"], account=world.account, competitor=world.record("Competitor"),
        offering="pallets below cost")


def _build_product(world):
    return catalog_services.product_create(user=world.people["admin"], data={
        "sku": "ZETA-9", "name": "Turbine Zeta-9", "category": "Turbines", "list_price": Decimal("4817263"),
        "currency": "RUB"})


def _build_order(world):
    return order_services.order_create(user=world.people["anna"], data={
        "number": "ORD-ANNA-1", "account": world.account, "ordered_on": today() - dt.timedelta(days=20),
        "currency": "RUB", "status": "confirmed",
        "lines": [{"product": world.record("Product"), "quantity": 1, "unit_price": Decimal("3918274")}]})


def _build_meeting(world):
    """A meeting Anna planned with support (the client's sign-in trouble) and with Boris while she
    had shared the account with him; the share is withdrawn since, and with it everything Boris may
    learn of the account."""
    anna, boris, agent = world.people["anna"], world.people["boris"], world.people["support"]
    account = world.account
    colleague = share(account, boris)
    meeting = timeline_services.interaction_create(user=anna, account=account, data={
        "kind": "meeting", "subject": "Quarterly review Borealis", "agenda": "Prices for next year",
        "starts_at": timezone.now() + dt.timedelta(days=2), "place": "Ural plant",
        "contacts": [world.record("Contact")], "participants": [anna.pk, boris.pk, agent.pk]})
    colleague.delete()
    return meeting


def _build_support_call(world):
    return timeline_services.call_log(user=world.people["support"], contact=world.record("Contact"),
                                      outcome="answered", summary="Quokka login trouble solved on the phone")


def _build_deal_event(world):
    deal = world.record("Deal")
    return timeline_models.Interaction.objects.get(account=deal.account, kind="event",
                                                   subject__contains=deal.title)


def _build_deal(world):
    return deal_services.deal_create(user=world.people["anna"], account=world.account, data={
        "title": "Zephyr boiler retrofit", "kind": "tender", "amount": Decimal("7345678"),
        "expected_close_on": today() + dt.timedelta(days=60), "tender_number": "T-4471",
        "submission_deadline": timezone.now() + dt.timedelta(days=5)})


def _build_proposal(world):
    return deal_services.proposal_create(user=world.people["anna"], account=world.account, data={
        "title": "Quotation Halcyon", "deal": world.record("Deal"),
        "lines": [{"product": world.record("Product"), "quantity": 1, "unit_price": Decimal("2468135"),
                   "discount_percent": 0}]})


def _build_contract(world):
    return contract_services.contract_create(user=world.people["anna"], account=world.account, data={
        "number": "KTR-7781", "subject": "Supply of Zeta turbines", "value": Decimal("9182736"),
        "starts_on": today() - dt.timedelta(days=300), "ends_on": today() + dt.timedelta(days=50),
        "notice_days": 30, "status": "active"})


def _build_attachment(world):
    return contract_services.attachment_add(user=world.people["anna"], contract=world.record("Contract"),
                                            upload=SimpleUploadedFile("Tamarind scan.txt", b"signed"))


def _build_obligation(world):
    return contract_services.obligation_create(user=world.people["anna"], contract=world.record("Contract"), data={
        "kind": "payment", "side": "client", "title": "Advance payment Marigold", "amount": Decimal("1357924"),
        "due_on": today() + dt.timedelta(days=10)})


def _build_sales_plan(world):
    return planning_services.plan_create(user=world.people["head"], data={
        "user": world.people["anna"], "period_kind": "month", "period_start": today().replace(day=1),
        "amount": Decimal("8642097"), "currency": "RUB"})


def _build_account_plan(world):
    return planning_services.account_plan_create(user=world.people["anna"], account=world.account, data={
        "objectives": "Win the Juniper retrofit", "target_revenue": Decimal("5791346"),
        "next_review_on": today() + dt.timedelta(days=20)})


def _build_report(world):
    anna = world.people["anna"]
    report = planning_services.report_prepare(user=anna, week_start=today() - dt.timedelta(days=today().weekday()))
    report = planning_services.report_update(user=anna, report=report, data={
        "highlights": "Saffron counter-offer signed"}, version=report.version)
    return planning_services.report_submit(user=anna, report=report)


def _build_tier(world):
    """The tier the rules gave (its basis is the account's revenue), then the VIP club the head set by
    hand (its people may be invited to the club's events)."""
    world.record("Order")
    loyalty_services.tiers_refresh()
    club = loyalty_models.Tier.objects.get(is_vip_club=True)
    return loyalty_services.tier_override(user=world.people["head"], account=world.account, tier=club,
                                          reason="Board decision Zircon")


def _build_invitation(world):
    world.record("TierAssignment")
    head = world.people["head"]
    event = loyalty_services.event_create(user=head, data={
        "title": "Club dinner Aurora", "starts_at": timezone.now() + dt.timedelta(days=30)})
    return loyalty_services.invite(user=head, event=event, contacts=[world.record("Contact")])[0]


def _build_referral(world):
    anna = world.people["anna"]
    newcomer = AccountFactory(name="OOO Newcomer Lynx", owner=anna)
    order_services.order_create(user=anna, data={
        "number": "ORD-LYNX-1", "account": newcomer, "ordered_on": today(), "currency": "RUB",
        "lines": [{"product": world.record("Product"), "quantity": 1, "unit_price": Decimal("2222333")}]})
    return loyalty_services.referral_create(user=anna, referrer=world.account, referred=newcomer, data={
        "note": "Recommended at the Lynx fair", "referred_on": today() - dt.timedelta(days=3)})


def _build_feedback(world):
    """A complaint support took on the phone: it goes to Anna, the account's manager, who ties it to
    the order and the deal it is about (which support does not see)."""
    complaint = feedback_services.feedback_create(user=world.people["support"], account=world.account, data={
        "subject": "Late pallets Quartz", "text": "The pallets came a week late.", "severity": "high",
        "contact": world.record("Contact")})
    return feedback_services.feedback_update(user=world.people["anna"], feedback=complaint, data={
        "order": world.record("Order"), "deal": world.record("Deal")}, version=complaint.version)


def _build_feedback_link(world):
    return feedback_services.link_create(user=world.people["anna"], account=world.account,
                                         contact=world.record("Contact"))


def _build_survey(world):
    survey = surveys.survey_send(user=world.people["anna"], account=world.account, contact=world.record("Contact"))
    return surveys.survey_answer(survey=survey, score=9, comment="Saffron delivery was fast")


def _build_ticket(world):
    return support.ticket_create(user=world.people["support"], account=world.account,
                                 contact=world.record("Contact"),
                                 data={"subject": "Wombat cannot sign in", "body": "Since Monday."})


def _build_score(world):
    """Two days of scores of a key account that stopped buying: the churn alert goes to its owner."""
    account = world.account
    common = {"account": account, "currency": "RUB", "repeat_customer": True, "purchase_days": 18,
              "usual_gap_days": 21.0, "total_spend": Decimal("5432198"), "abc": "A", "xyz": "X", "rfm": "245",
              "health": 41, "health_parts": {}}
    insights_models.AccountScore.objects.create(computed_on=today() - dt.timedelta(days=7), days_since_last=80,
                                                p_alive=0.9, **common)
    score = insights_models.AccountScore.objects.create(computed_on=today(), days_since_last=94, p_alive=0.4,
                                                        clv=918273.0, **common)
    insight_services.churn_alerts(today=today(), currency="RUB")
    return score


def _build_notification(world):
    return core_models.Notification.objects.create(user=world.people["anna"], title="Private note Ocelot",
                                                   body="for Anna only", url="/profile/")


def _build_recent_item(world):
    """Anna opened her account lately: her recent items (the search box, while empty) show it."""
    anna = world.people["anna"]
    search_services.recent_item_record(user=anna, kind="account", object_id=world.account.pk,
                                       title="Opened lately Quince")
    return search_models.RecentItem.objects.get(user=anna)


def build_world(people: dict[str, core_models.User], rows: Iterable[Row]) -> World:
    """Every row's record, then what the worker would do over the next year: reminders delivered
    (to the bell), birthday greetings, the weekly relationship check."""
    world = World(people=people)
    rows = list(rows)
    world.builders = {row.name: row.build for row in rows}
    for row in rows:
        world.record(row.name)
    now = timezone.now()
    reminders.schedule_birthdays(now=now)
    reminders.deliver_due(now=now + dt.timedelta(days=400))
    planning_services.coverage_alerts(today=today())
    for name, user in people.items():
        world.api_secrets[name] = core_services.token_create(user=user)[1]
        world.calendar_secrets[name] = core_services.calendar_key_rotate(user=user)
    return world


# --- the rows ----------------------------------------------------------------------------------


def _record_url(name: str, suffix: str = "") -> Path:
    return lambda world: world.record(name).get_absolute_url() + suffix


def _on_account(model: type[Model], via: str = "account") -> Callable[[World], int]:
    return lambda world: model.objects.filter(**{via: world.account}).count()


def _account_url(route: str) -> Path:
    return lambda world: reverse(route, args=[world.account.pk])


def _new_on_account(route: str, *args) -> Path:
    return lambda world: reverse(route, args=[world.account.pk, *args])


def _api(template: str, name: str = "Account") -> Path:
    return lambda world: template.format(pk=world.record(name).pk)


ACCOUNT_PAGE = _account_url("accounts:account_detail")
ACCOUNT_TIMELINE = _account_url("timeline:account_timeline")
ACCOUNT_HISTORY = _account_url("accounts:account_history")
BRIEF = _account_url("timeline:account_brief")
BRIEF_API = _api("/api/v1/interactions/account-brief/{pk}")
SEARCH = reverse("search:search")


def account_page(**kwargs) -> Shows:
    return Shows("account_page", path=ACCOUNT_PAGE, **kwargs)


def account_history(**kwargs) -> Shows:
    """The account's History tab: support reads only the history of people there."""
    return Shows("account_history", path=ACCOUNT_HISTORY, audience=MONEY, **kwargs)


def brief(**kwargs) -> tuple[Shows, Shows]:
    return (Shows("brief", path=BRIEF, **kwargs), Shows("brief_api", path=BRIEF_API, api=True, **kwargs))


ROWS: tuple[Row, ...] = (
    Row("Account", accounts_models.Account, _build_account, marker="Severstal Trade", channels=(
        Page("page", path=ACCOUNT_PAGE),
        Shows("page_list", path=reverse("accounts:account_list")),
        Shows("search", path=reverse("accounts:account_list"), params={"q": "severstal"}),
        Shows("search_by_phone", path=reverse("accounts:account_list"), params={"q": "916 555-01-23"}),
        Shows("global_search", path=SEARCH, params={"q": "severstal"}),
        Shows("global_search_by_inn", path=lambda w: f"{SEARCH}?q={w.account.inn}"),
        Shows("global_search_by_phone", path=SEARCH, params={"q": "89165550123"}),
        Shows("export", path=reverse("accounts:account_export"), params={"format": "csv"}),
        Shows("export_xlsx", path=reverse("accounts:account_export"), params={"format": "xlsx"}),
        ApiDetail("api_detail", path=_api("/api/v1/accounts/{pk}")),
        ApiList("api_list", path="/api/v1/accounts/"),
        ApiList("api_search", path="/api/v1/accounts/", params={"q": "petrova"}),
        ApiWrite("api_write", path=_api("/api/v1/accounts/{pk}"), body={"notes": "Met the CFO"}, field="notes"),
        EditPage("edit_page", path=_account_url("accounts:account_edit")),
        Page("history", path=ACCOUNT_HISTORY),
        *brief(),
    )),
    Row("Contact", accounts_models.Contact, _build_contact, marker="Petrova", writers=SUPPORT_WORK, channels=(
        Page("page", path=_record_url("Contact")),
        Shows("page_list", path=reverse("accounts:contact_list")),
        Shows("search", path=reverse("accounts:contact_list"), params={"q": "petrova"}),
        Shows("global_search", path=SEARCH, params={"q": "petrova"}),
        Shows("global_search_by_phone", path=SEARCH, params={"q": "+7 916 555-01-23"}),
        ApiDetail("api_detail", path=_api("/api/v1/contacts/{pk}", "Contact")),
        ApiList("api_list", path="/api/v1/contacts/"),
        ApiList("api_search", path="/api/v1/contacts/", params={"q": "petrova"}),
        ApiWrite("api_write", path=_api("/api/v1/contacts/{pk}", "Contact"), body={"notes": "Prefers mornings"},
                 field="notes"),
        ApiCreate("api_create", path="/api/v1/contacts/", count=_on_account(accounts_models.Contact),
                  body=lambda w: {"account_id": w.account.pk, "last_name": "Sidorov"}),
        EditPage("edit_page", path=_record_url("Contact", "edit/")),
        EditPage("new_page", path=_new_on_account("accounts:contact_create"), parent=ACCOUNT),
        EditPage("erase_page", path=_record_url("Contact", "erase/"), writers=EDITORS),
        # Everything held about the person, deals and orders included: for those who edit the account
        # and see its orders.
        Shows("personal_data", path=_record_url("Contact", "personal-data/"), audience=EDITORS),
        Shows("personal_data_api", path=_api("/api/v1/contacts/{pk}/personal-data", "Contact"), api=True,
              audience=EDITORS),
        account_page(),
        Page("history", path=_record_url("Contact", "history/")),
        *brief(),
        CalendarFeed("calendar", audience=frozenset({"anna", "head"})),
        Notified("notifications", audience=frozenset({"anna"})),
    )),
    Row("AccountFinancials", accounts_models.AccountFinancials, _build_financials, amount=Decimal("6123457"),
        sees=MONEY, channels=(
            ApiList("api_list", path=_api("/api/v1/accounts/{pk}/financials")),
            ApiWrite("api_write", path=_api("/api/v1/accounts/financials/{pk}", "AccountFinancials"),
                     body={"employees": 900}, field="employees"),
            ApiCreate("api_create", path=_api("/api/v1/accounts/{pk}/financials"),
                      count=_on_account(accounts_models.AccountFinancials),
                      body=lambda w: {"year": today().year - 2, "revenue": "100"}),
            EditPage("edit_page", path=lambda w: reverse("accounts:financials_edit",
                                                         args=[w.record("AccountFinancials").pk])),
            EditPage("new_page", path=_new_on_account("accounts:financials_create"), parent=ACCOUNT),
            account_page(),
            account_history(),
            *brief(),
        )),
    Row("Competitor", accounts_models.Competitor, _build_competitor, marker="Kometa Rival", sees=EVERYONE,
        writers=COMPANY_EDITORS | {"anna", "boris"}, channels=(
            Page("page", path=_record_url("Competitor")),
            Shows("page_list", path=reverse("accounts:competitor_list")),
            ApiDetail("api_detail", path=_api("/api/v1/competitors/{pk}", "Competitor")),
            ApiList("api_list", path="/api/v1/competitors/"),
            ApiWrite("api_write", path=_api("/api/v1/competitors/{pk}", "Competitor"),
                     body={"weaknesses": "Slow service"}, field="weaknesses"),
            EditPage("edit_page", path=_record_url("Competitor", "edit/")),
            Page("history", path=_record_url("Competitor", "history/")),
        )),
    Row("AccountCompetitor", accounts_models.AccountCompetitor, _build_account_competitor,
        marker="pallets below cost", channels=(
            Shows("competitor_page", path=_record_url("Competitor")),
            ApiList("api_list", path=_api("/api/v1/accounts/{pk}/competitors")),
            account_page(),
        )),
    Row("Product", catalog_models.Product, _build_product, marker="Turbine Zeta-9", amount=Decimal("4817263"),
        sees=EVERYONE, writers=COMPANY_EDITORS, channels=(
            Page("page", path=_record_url("Product")),
            Shows("page_list", path=reverse("catalog:product_list")),
            ApiDetail("api_detail", path=_api("/api/v1/products/{pk}", "Product")),
            ApiList("api_list", path="/api/v1/products/"),
            ApiList("api_search", path="/api/v1/products/", params={"q": "zeta"}),
            ApiWrite("api_write", path=_api("/api/v1/products/{pk}", "Product"),
                     body={"description": "Steam turbine"}, field="description"),
            EditPage("edit_page", path=_record_url("Product", "edit/")),
            Page("history", path=_record_url("Product", "history/")),
        )),
    Row("Order", orders_models.Order, _build_order, marker="ORD-ANNA-1", amount=Decimal("3918274"), sees=MONEY,
        channels=(
            Page("page", path=_record_url("Order")),
            Shows("page_list", path=reverse("orders:order_list")),
            Shows("search", path=reverse("orders:order_list"), params={"q": "ANNA-1"}),
            Shows("complaint_page", path=_record_url("Feedback")),
            ApiDetail("api_detail", path=_api("/api/v1/orders/{pk}", "Order")),
            ApiList("api_list", path="/api/v1/orders/"),
            ApiList("api_search", path="/api/v1/orders/", params={"q": "ANNA-1"}),
            ApiWrite("api_write", path=_api("/api/v1/orders/{pk}", "Order"), body={"notes": "Paid late"},
                     field="notes"),
            ApiCreate("api_create", path="/api/v1/orders/", count=_on_account(orders_models.Order),
                      body=lambda w: {"number": "ORD-NEW-1", "account_id": w.account.pk,
                                      "ordered_on": today().isoformat()}),
            EditPage("edit_page", path=_record_url("Order", "edit/")),
            account_page(),
            account_history(),
            Page("history", path=_record_url("Order", "history/")),
            *brief(marker=Decimal("3918274")),
        )),
    Row("Interaction", timeline_models.Interaction, _build_meeting, marker="Quarterly review Borealis", channels=(
        Page("page", path=_record_url("Interaction")),
        Shows("account_timeline", path=ACCOUNT_TIMELINE),
        Shows("contact_timeline", path=lambda w: reverse("timeline:contact_timeline", args=[w.record("Contact").pk])),
        ApiDetail("api_detail", path=_api("/api/v1/interactions/{pk}", "Interaction")),
        ApiList("api_list", path="/api/v1/interactions/"),
        ApiWrite("api_write", path=_api("/api/v1/interactions/{pk}", "Interaction"),
                 body={"agenda": "Prices and volumes"}, field="agenda"),
        ApiCreate("api_create", path="/api/v1/interactions/", count=_on_account(timeline_models.Interaction),
                  writers=SUPPORT_WORK,
                  body=lambda w: {"account_id": w.account.pk, "kind": "note", "subject": "Heard of a tender"}),
        EditPage("edit_page", path=_record_url("Interaction", "edit/")),
        EditPage("new_page", path=_new_on_account("timeline:interaction_create", "note"), parent=ACCOUNT,
                 writers=SUPPORT_WORK),
        Page("meeting_brief", path=_record_url("Interaction", "brief/")),
        ApiDetail("meeting_brief_api", path=_api("/api/v1/interactions/{pk}/brief", "Interaction"),
                  id_key="meeting_id", marker=False),
        account_page(),
        Page("history", path=_record_url("Interaction", "history/")),
        CalendarFeed("calendar", audience=frozenset({"anna", "support"})),
        Notified("notifications", audience=frozenset({"anna", "support"})),
    )),
    Row("Interaction.support_call", timeline_models.Interaction, _build_support_call,
        marker="Quokka login trouble", writers=SUPPORT_WORK, channels=(
            Page("page", path=_record_url("Interaction.support_call")),
            Shows("account_timeline", path=ACCOUNT_TIMELINE),
            ApiDetail("api_detail", path=_api("/api/v1/interactions/{pk}", "Interaction.support_call")),
            ApiList("api_list", path="/api/v1/interactions/"),
            ApiWrite("api_write", path=_api("/api/v1/interactions/{pk}", "Interaction.support_call"),
                     body={"summary": "Solved: password reset"}, field="summary"),
            EditPage("edit_page", path=_record_url("Interaction.support_call", "edit/")),
            account_page(),
            *brief(),
        )),
    # What Keyaccount writes on the timeline about a deal is as commercial as the deal.
    Row("Interaction.deal_event", timeline_models.Interaction, _build_deal_event, marker="Zephyr boiler retrofit",
        sees=MONEY, channels=(
            Page("page", path=_record_url("Interaction.deal_event")),
            Shows("account_timeline", path=ACCOUNT_TIMELINE),
            ApiDetail("api_detail", path=_api("/api/v1/interactions/{pk}", "Interaction.deal_event")),
            ApiList("api_list", path="/api/v1/interactions/"),
            account_page(),
        )),
    Row("Deal", deals_models.Deal, _build_deal, marker="Zephyr boiler retrofit", amount=Decimal("7345678"),
        sees=MONEY, channels=(
            Page("page", path=_record_url("Deal")),
            Shows("page_list", path=reverse("deals:deal_list")),
            Shows("board", path=reverse("deals:deal_board")),
            Shows("complaint_page", path=_record_url("Feedback")),
            Shows("search", path=reverse("deals:deal_list"), params={"q": "zephyr"}),
        Shows("global_search", path=SEARCH, params={"q": "zephyr"}),
            ApiDetail("api_detail", path=_api("/api/v1/deals/{pk}", "Deal")),
            ApiList("api_list", path="/api/v1/deals/"),
            ApiList("api_search", path="/api/v1/deals/", params={"q": "zephyr"}),
            ApiWrite("api_write", path=_api("/api/v1/deals/{pk}", "Deal"), body={"description": "Two boilers"},
                     field="description"),
            ApiCreate("api_create", path="/api/v1/deals/", count=_on_account(deals_models.Deal),
                      body=lambda w: {"account_id": w.account.pk, "title": "Spare parts"}),
            EditPage("edit_page", path=_record_url("Deal", "edit/")),
            EditPage("new_page", path=_new_on_account("deals:deal_create"), parent=ACCOUNT),
            ApiWrite("api_move", method="post", path=_api("/api/v1/deals/{pk}/move", "Deal"), field="stage_id",
                     body=lambda w: {"stage_id": deals_models.Stage.objects.filter(outcome="open", is_active=True)
                                     .exclude(pk=w.record("Deal").stage_id).order_by("position").first().pk}),
            account_page(),
            account_history(),
            Page("history", path=_record_url("Deal", "history/")),
            *brief(),
            CalendarFeed("calendar", audience=frozenset({"anna"})),
            Notified("notifications", audience=frozenset({"anna"})),
        )),
    Row("Proposal", deals_models.Proposal, _build_proposal, marker="Quotation Halcyon", amount=Decimal("2468135"),
        sees=MONEY, channels=(
            Page("page", path=_record_url("Proposal")),
            Shows("page_list", path=reverse("deals:proposal_list")),
            ApiDetail("api_detail", path=_api("/api/v1/proposals/{pk}", "Proposal")),
            ApiList("api_list", path="/api/v1/proposals/"),
            ApiList("api_search", path="/api/v1/proposals/", params={"q": "halcyon"}),
            ApiWrite("api_write", path=_api("/api/v1/proposals/{pk}", "Proposal"), body={"terms": "Net 30"},
                     field="terms"),
            ApiCreate("api_create", path="/api/v1/proposals/", count=_on_account(deals_models.Proposal),
                      body=lambda w: {"account_id": w.account.pk, "title": "Spare parts offer",
                                      "lines": [{"product_id": w.record("Product").pk, "quantity": 1}]}),
            EditPage("edit_page", path=_record_url("Proposal", "edit/")),
            EditPage("new_page", path=_new_on_account("deals:proposal_create"), parent=ACCOUNT),
            Page("document", path=_record_url("Proposal", "document.docx")),
            Shows("document_api", path=_api("/api/v1/proposals/{pk}/document.docx", "Proposal"), api=True),
            account_page(),
            account_history(),
            Page("history", path=_record_url("Proposal", "history/")),
        )),
    Row("Contract", contracts_models.Contract, _build_contract, marker="KTR-7781", amount=Decimal("9182736"),
        sees=MONEY, channels=(
            Page("page", path=_record_url("Contract")),
            Shows("page_list", path=reverse("contracts:contract_list")),
            Shows("control", path=reverse("contracts:control")),
            Shows("search", path=reverse("contracts:contract_list"), params={"q": "zeta turbines"}),
            ApiDetail("api_detail", path=_api("/api/v1/contracts/{pk}", "Contract")),
            ApiList("api_list", path="/api/v1/contracts/"),
            ApiList("api_search", path="/api/v1/contracts/", params={"q": "zeta turbines"}),
            ApiWrite("api_write", path=_api("/api/v1/contracts/{pk}", "Contract"), body={"notes": "Renew early"},
                     field="notes"),
            ApiCreate("api_create", path="/api/v1/contracts/", count=_on_account(contracts_models.Contract),
                      body=lambda w: {"account_id": w.account.pk, "number": "KTR-9", "subject": "Service",
                                      "starts_on": today().isoformat()}),
            EditPage("edit_page", path=_record_url("Contract", "edit/")),
            EditPage("new_page", path=_new_on_account("contracts:contract_create"), parent=ACCOUNT),
            Shows("account_timeline", path=ACCOUNT_TIMELINE),
            account_page(),
            account_history(),
            Page("history", path=_record_url("Contract", "history/")),
            *brief(),
            CalendarFeed("calendar", audience=frozenset({"anna"})),
            Notified("notifications", audience=frozenset({"anna", "head"})),
        )),
    Row("ContractAttachment", contracts_models.ContractAttachment, _build_attachment, marker="signed", sees=MONEY,
        channels=(
            Page("download", path=lambda w: reverse("contracts:attachment_download",
                                                    args=[w.record("ContractAttachment").pk])),
        )),
    Row("Obligation", contracts_models.Obligation, _build_obligation, marker="Advance payment Marigold",
        amount=Decimal("1357924"), sees=MONEY, channels=(
            Shows("page_list", path=reverse("contracts:obligation_list")),
            Shows("contract_page", path=_record_url("Contract")),
            Shows("control", path=reverse("contracts:control")),
            ApiDetail("api_detail", path=_api("/api/v1/obligations/{pk}", "Obligation")),
            ApiList("api_list", path="/api/v1/obligations/"),
            ApiWrite("api_write", path=_api("/api/v1/obligations/{pk}", "Obligation"),
                     body={"evidence": "Invoice sent"}, field="evidence"),
            ApiCreate("api_create", path="/api/v1/obligations/",
                      count=_on_account(contracts_models.Obligation, via="contract__account"), parent=MONEY,
                      body=lambda w: {"contract_id": w.record("Contract").pk, "kind": "report", "title": "Report",
                                      "due_on": today().isoformat()}),
            EditPage("edit_page", path=lambda w: reverse("contracts:obligation_edit",
                                                         args=[w.record("Obligation").pk])),
            EditPage("new_page", path=lambda w: reverse("contracts:obligation_create", args=[w.record("Contract").pk])),
            Page("history", path=lambda w: reverse("contracts:obligation_history", args=[w.record("Obligation").pk])),
            account_page(),
            account_history(),
            *brief(),
            CalendarFeed("calendar", audience=frozenset({"anna"})),
            Notified("notifications", audience=frozenset({"anna", "head"})),
        )),
    # A plan belongs to a person: Anna's is seen by her, her head of sales, analysts and
    # administrators, and set by heads and administrators only.
    Row("SalesPlan", planning_models.SalesPlan, _build_sales_plan, amount=Decimal("8642097"), sees=MONEY,
        writers=frozenset({"head", "admin"}), channels=(
            Shows("page_list", path=reverse("planning:plan_progress")),
            Shows("export", path=reverse("planning:plan_progress"), params={"format": "xlsx"}),
            ApiDetail("api_detail", path=_api("/api/v1/plans/{pk}", "SalesPlan")),
            ApiList("api_list", path="/api/v1/plans/"),
            ApiWrite("api_write", path=_api("/api/v1/plans/{pk}", "SalesPlan"), body={"amount": "8700000"},
                     field="amount"),
            EditPage("edit_page", path=lambda w: reverse("planning:plan_edit", args=[w.record("SalesPlan").pk])),
        )),
    Row("AccountPlan", planning_models.AccountPlan, _build_account_plan, marker="Win the Juniper retrofit",
        amount=Decimal("5791346"), sees=MONEY, channels=(
            Page("page", path=_record_url("AccountPlan")),
            Shows("page_list", path=reverse("planning:account_plan_list"), marker=Decimal("5791346")),
            ApiDetail("api_detail", path=_api("/api/v1/account-plans/{pk}", "AccountPlan")),
            ApiList("api_list", path="/api/v1/account-plans/"),
            ApiWrite("api_write", path=_api("/api/v1/account-plans/{pk}", "AccountPlan"),
                     body={"challenges": "Budget cuts"}, field="challenges"),
            ApiCreate("api_create", path="/api/v1/account-plans/", count=_on_account(planning_models.AccountPlan),
                      body=lambda w: {"account_id": w.account.pk, "year": today().year + 1}),
            EditPage("edit_page", path=_record_url("AccountPlan", "edit/")),
            EditPage("new_page", path=_new_on_account("planning:account_plan_create"), parent=ACCOUNT),
            Page("history", path=_record_url("AccountPlan", "history/")),
            Shows("print", path=_record_url("AccountPlan", "print/"), params={"format": "html"}),
            account_page(marker=Decimal("5791346")),
            account_history(),
            CalendarFeed("calendar", audience=frozenset({"anna"}), marker="Account plan review"),
            Notified("notifications", audience=frozenset({"anna"}), marker="Account plan review"),
        )),
    # Anna's week, submitted: seen by her, her head of sales, analysts and administrators; written
    # only by Anna while it is a draft (tests/planning), so no write here.
    Row("WeeklyReport", planning_models.WeeklyReport, _build_report, marker="Saffron counter-offer signed",
        sees=MONEY, channels=(
            Page("page", path=_record_url("WeeklyReport")),
            Shows("page_list", path=reverse("planning:report_list"), marker=_record_url("WeeklyReport")),
            Shows("export", path=_record_url("WeeklyReport"), params={"format": "xlsx"}),
            ApiDetail("api_detail", path=_api("/api/v1/weekly-reports/{pk}", "WeeklyReport")),
            ApiList("api_list", path="/api/v1/weekly-reports/"),
        )),
    # The tier is the account's (support sees it); the revenue the rules read is money.
    Row("TierAssignment", loyalty_models.TierAssignment, _build_tier, marker="Board decision Zircon",
        amount=Decimal("3918274"), writers=frozenset({"head", "admin"}), channels=(
            Shows("api_detail", path=_api("/api/v1/loyalty/accounts/{pk}"), api=True),
            Shows("overview", path=reverse("loyalty:overview")),
            ApiWrite("api_write", method="post", path=_api("/api/v1/loyalty/accounts/{pk}/override"),
                     body=lambda w: {"tier_id": loyalty_models.Tier.objects.get(name="Silver").pk,
                                     "reason": "Matrix check"}, field="until"),
            account_page(),
            Notified("notifications", audience=frozenset({"anna"}), marker="is now VIP club"),
        )),
    Row("Invitation", loyalty_models.Invitation, _build_invitation, marker="Petrova", writers=SUPPORT_WORK,
        channels=(
            Shows("event_page", path=lambda w: reverse("loyalty:event_detail", args=[w.record("Invitation").event_id])),
            ApiList("api_list", path=lambda w: f"/api/v1/loyalty/events/{w.record('Invitation').event_id}/invitations"),
            ApiWrite("api_write", path=_api("/api/v1/loyalty/invitations/{pk}", "Invitation"),
                     body={"status": "accepted"}, field="status"),
        )),
    # Who recommended whom is the accounts'; what the new client bought since is money.
    Row("Referral", loyalty_models.Referral, _build_referral, marker="Lynx fair", amount=Decimal("2222333"),
        channels=(
            ApiList("api_list", path="/api/v1/loyalty/referrals"),
            Shows("overview", path=reverse("loyalty:overview"), marker="Newcomer Lynx"),
            account_page(marker="Newcomer Lynx"),
        )),
    Row("Feedback", feedback_models.Feedback, _build_feedback, marker="Late pallets Quartz", writers=SUPPORT_WORK,
        channels=(
            Page("page", path=_record_url("Feedback")),
            Shows("page_list", path=reverse("feedback:feedback_list")),
            Shows("search", path=reverse("feedback:feedback_list"), params={"q": "quartz"}),
            ApiDetail("api_detail", path=_api("/api/v1/feedback/{pk}", "Feedback")),
            ApiList("api_list", path="/api/v1/feedback/"),
            ApiList("api_search", path="/api/v1/feedback/", params={"q": "quartz"}),
            ApiWrite("api_write", path=_api("/api/v1/feedback/{pk}", "Feedback"), body={"severity": "critical"},
                     field="severity"),
            ApiCreate("api_create", path="/api/v1/feedback/", count=_on_account(feedback_models.Feedback),
                      body=lambda w: {"account_id": w.account.pk, "subject": "Invoice wrong", "text": "Twice."}),
            EditPage("edit_page", path=_record_url("Feedback", "edit/")),
            EditPage("new_page", path=_new_on_account("feedback:feedback_create"), parent=ACCOUNT),
            ApiWrite("api_respond", method="post", path=_api("/api/v1/feedback/{pk}/respond", "Feedback"),
                     body={"note": "We are on it"}, field="first_response_at"),
            Page("history", path=_record_url("Feedback", "history/")),
            account_page(),
            *brief(),
            Notified("notifications", audience=frozenset({"anna", "head"})),
        )),
    # The link's address is a key to write to Anna's account without signing in; its row on the
    # links page is marked by its id (the address carries a timestamp).
    Row("FeedbackLink", feedback_models.FeedbackLink, _build_feedback_link, writers=SUPPORT_WORK,
        marker=lambda w: f'id="link-{w.record("FeedbackLink").pk}"',
        channels=(
            Shows("account_links", path=_account_url("feedback:account_links")),
            ApiWrite("page_write", page=True, path=lambda w: reverse("feedback:link_revoke",
                                                                     args=[w.record("FeedbackLink").pk]),
                     field="revoked_at"),
        )),
    Row("Survey", feedback_models.Survey, _build_survey, marker="Saffron delivery was fast", channels=(
        Shows("page_list", path=reverse("feedback:survey_list")),
        Shows("results_api", path="/api/v1/surveys/results", api=True, marker="Severstal Trade"),
        EditPage("new_page", path=_new_on_account("feedback:survey_send"), parent=ACCOUNT, writers=SUPPORT_WORK),
        ApiDetail("api_detail", path=_api("/api/v1/surveys/{pk}", "Survey")),
        ApiList("api_list", path="/api/v1/surveys/"),
    )),
    Row("Ticket", feedback_models.Ticket, _build_ticket, marker="Wombat cannot sign in", writers=SUPPORT_WORK,
        channels=(
            Page("page", path=_record_url("Ticket")),
            Shows("page_list", path=reverse("feedback:ticket_list")),
            Shows("search", path=reverse("feedback:ticket_list"), params={"q": "wombat"}),
            Shows("global_search", path=SEARCH, params={"q": "wombat"}),
            Shows("global_search_by_number", path=lambda w: f"{SEARCH}?q=T-{w.record('Ticket').pk}"),
            ApiDetail("api_detail", path=_api("/api/v1/tickets/{pk}", "Ticket")),
            ApiList("api_list", path="/api/v1/tickets/"),
            ApiList("api_search", path="/api/v1/tickets/", params={"q": "wombat"}),
            ApiWrite("api_write", path=_api("/api/v1/tickets/{pk}", "Ticket"), body={"priority": "high"},
                     field="priority"),
            ApiCreate("api_create", path="/api/v1/tickets/", count=_on_account(feedback_models.Ticket),
                      body=lambda w: {"account_id": w.account.pk, "subject": "Export fails", "body": "Error 5"}),
            EditPage("new_page", path=_new_on_account("feedback:ticket_create"), parent=ACCOUNT),
            ApiWrite("api_reply", method="post", path=_api("/api/v1/tickets/{pk}/reply", "Ticket"),
                     body={"body": "Reset your password"}, field="first_response_at"),
            account_page(),
        )),
    Row("AccountScore", insights_models.AccountScore, _build_score, amount=Decimal("918273"), sees=MONEY,
        channels=(
            Shows("api_detail", path=_api("/api/v1/insights/accounts/{pk}"), api=True),
            Shows("suggestions_api", path="/api/v1/insights/suggestions", api=True),
            Shows("portfolio", path=reverse("insights:portfolio")),
            account_page(marker="41/100"),
            Notified("notifications", audience=frozenset({"anna"}), marker="may be leaving"),
        )),
    # A notification is its user's alone.
    Row("Notification", core_models.Notification, _build_notification, marker="Private note Ocelot",
        sees=frozenset({"anna"}), writers=frozenset({"anna"}), channels=(
            Shows("page_list", path=reverse("core:notifications")),
            ApiList("api_list", path="/api/v1/notifications/"),
            ApiWrite("api_write", method="post", path=_api("/api/v1/notifications/{pk}/read", "Notification"),
                     field="read_at"),
            # The entries the bell shows (a group, or the notification alone), and marking one read.
            Shows("entries_api", path="/api/v1/notifications/entries", api=True),
            ApiWrite("api_group_read", method="post", field="read_at", path=lambda world: (
                f"/api/v1/notifications/groups/{world.record('Notification').group}/read")),
            ApiWrite("page_read", page=True, field="read_at", path=_api("/notifications/{pk}/read/", "Notification")),
            ApiWrite("page_group_read", page=True, field="read_at", path=lambda world: (
                f"/notifications/groups/{world.record('Notification').group}/read/")),
        )),
    # What a user opened lately is theirs alone: the search box shows it to them while empty.
    Row("RecentItem", search_models.RecentItem, _build_recent_item, marker="Opened lately Quince",
        sees=frozenset({"anna"}), writers=frozenset({"anna"}), channels=(
            Shows("recent", path=SEARCH),
        )),
)

EXEMPT: tuple[Exempt, ...] = (
    Exempt(core_models.Team, "the company's teams: who works with whom, not a record of an account"),
    Exempt(core_models.User, "the company's people, managed by administrators (tests/core)"),
    Exempt(core_models.NotificationPreference, "a user's own setting of how notifications reach them, no record "
           "of an account: every user reads and changes only their own (tests/core/test_notifications.py)"),
    Exempt(core_models.ImportJob, "one person's run of an import through the web (a file and its report), seen "
           "only by that person, not even an administrator (tests/core/test_import_jobs.py)"),
    Exempt(core_models.ApiToken, "credentials, shown once to their user; pinned by tests/core/test_security.py"),
    Exempt(core_models.AuditEntry, "audit entry, shown through the History tabs (the rows' history channels)"),
    Exempt(orders_models.SalesDay, "sums of purchases per manager and day (orders.sales), read only by plan against "
           "actuals, whose plans follow access.people_q (the SalesPlan row); never listed or shown by itself"),
    Exempt(insights_models.PortfolioSnapshot, "the portfolio's figures kept per access scope (core.access.scope_key), "
           "shown only on the portfolio page (the AccountScore row's channel); one scope's figures never reach "
           "another's users (tests/insights/test_portfolio.py)"),
    Exempt(core_models.WorkingTimeSettings, "the company's working hours, edited on the admin site; no account's"),
    Exempt(core_models.WorkingDayException, "a company-wide day off or working day, edited on the admin site"),
    Exempt(core_models.Company, "our own requisites, one record of no account, edited on the admin site "
                                "(tests/core/test_company.py)"),
    Exempt(accounts_models.Tag, "vocabulary of labels shared by all accounts, shown with the account"),
    Exempt(accounts_models.AccountShare, "join table: the shares the access rule itself reads"),
    Exempt(accounts_models.AccountStatusChange, "the account's status history, shown only on the account page"),
    Exempt(accounts_models.ContactRole, "part of Contact, shown only with the person"),
    Exempt(accounts_models.ContactPhone, "part of Contact, shown only with the person (the search by phone "
                                         "channel of Account)"),
    Exempt(accounts_models.ContactEmail, "part of Contact, shown only with the person"),
    Exempt(accounts_models.ContactConsent, "part of Contact, shown only on the person's page"),
    Exempt(orders_models.OrderLine, "line of an Order, shown only inside its order"),
    Exempt(timeline_models.CallImport, "a record of one import run (file name and counts), of no account"),
    Exempt(timeline_models.InteractionContact, "join table, follows Interaction and Contact"),
    Exempt(timeline_models.Reminder, "the outbox behind the notifications channel"),
    Exempt(deals_models.Stage, "vocabulary of the pipeline, the same for every account"),
    Exempt(deals_models.DealStageChange, "a deal's stage history, shown only on the deal's page"),
    Exempt(deals_models.ProposalTemplate, "the company's Word templates, of no account"),
    Exempt(deals_models.ProposalLine, "line of a Proposal, shown only inside its proposal"),
    Exempt(planning_models.Initiative, "part of an AccountPlan, shown only inside it"),
    Exempt(loyalty_models.Tier, "vocabulary: the programme's tiers, the same for every account"),
    Exempt(loyalty_models.VipEvent, "a company event, of no account (its invitations follow their person)"),
    Exempt(feedback_models.FeedbackCategory, "vocabulary of complaint categories"),
    Exempt(feedback_models.SlaPolicy, "configuration: the response and resolution hours per severity"),
    Exempt(feedback_models.TicketMessage, "message of a Ticket, shown only inside its ticket"),
    Exempt(feedback_models.UnmatchedMail, "mail from an unknown address, of no account until it joins a ticket"),
    Exempt(workspace_models.Snooze, "a user's own \"put off\" of an item of My day: a kind, an id and a moment, "
                                    "read only for its user and only to hide what the owning app's query shows; "
                                    "pinned by tests/workspace"),
)


def cell_id(role: str, row: Row, channel: Channel) -> str:
    return f"{role}-{row.name}-{channel.name}"


def cells() -> list[tuple[str, Row, Channel]]:
    return [(role, row, channel) for row in ROWS for channel in row.channels for role in ROLES]


# Cells where the code and the rule disagree, each with why: expected to fail, strictly (once src/ is
# fixed the cell reports XPASS as a failure and its line goes). None today.
KNOWN_GAPS: dict[str, str] = {}
