"""The demo company: believable accounts, people, products and 2-3 years of orders, in ru or en.

Everything is written through the same services the UI uses (orders through the bulk-load
service), so the demo data is audited and validated like real data. The generator is
deterministic for a given seed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import random
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import phonenumbers
from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import ExtractMonth
from django.utils import timezone

from keyaccount.accounts import services as account_services
from keyaccount.accounts.choices import AccountStatus, CompanySize, ConsentPurpose, ContactRoleKind, Industry
from keyaccount.accounts.models import Account, ContactConsent
from keyaccount.catalog import services as catalog_services
from keyaccount.contracts import services as contract_services
from keyaccount.core import queries as core_queries
from keyaccount.core import services as core_services
from keyaccount.core import working_time
from keyaccount.core.choices import NotificationKind, Role
from keyaccount.core.identifiers import account_check_digit, inn_check_digits, ogrn_check_digit
from keyaccount.core.models import Team, User
from keyaccount.deals import services as deal_services
from keyaccount.deals.models import Deal, DealStageChange, Stage
from keyaccount.feedback import reminders as feedback_reminders
from keyaccount.feedback import services as feedback_services
from keyaccount.feedback import support as support_services
from keyaccount.feedback import surveys as survey_services
from keyaccount.feedback.choices import PRIORITY_SEVERITY
from keyaccount.feedback.models import FeedbackCategory, Survey, Ticket, TicketMessage
from keyaccount.insights import services as insight_services
from keyaccount.loyalty import services as loyalty_services
from keyaccount.loyalty.models import Tier, TierAssignment
from keyaccount.orders import services as order_services
from keyaccount.orders.models import Order, OrderStatus
from keyaccount.planning import services as planning_services
from keyaccount.planning.queries import monday_of
from keyaccount.timeline import services as timeline_services

DEMO_PASSWORD = "demo"
DEMO_EXTENSIONS = {"head": "100", "anna": "101", "boris": "102", "support": "110"}
DEMO_USERS = (
    ("admin", Role.ADMIN), ("head", Role.HEAD), ("anna", Role.KAM), ("boris", Role.KAM),
    ("support", Role.SUPPORT), ("analyst", Role.ANALYST),
)
_WORDS = json.loads((Path(__file__).with_name("words.json")).read_text(encoding="utf-8"))
_INDUSTRY_TEXTS = ("manufacturing", "retail", "wholesale", "construction", "energy", "it", "logistics", "food",
                   "healthcare", "services")


@dataclass(frozen=True)
class Segment:
    """How an account buys: orders per year, lines per order, order size, and when it stopped."""

    status: str
    count: int
    orders_per_year: float
    lines: tuple[int, int]
    quantity_scale: float
    stopped_days_ago: int | None = None


# The mix a B2B supplier usually sees: a few key accounts bring most revenue, a long tail of
# repeat and one-time buyers, some accounts slipping away, some lost, prospects with no orders.
SEGMENTS = (
    Segment(AccountStatus.KEY, 8, 52, (10, 18), 6.0),
    Segment(AccountStatus.REPEAT, 17, 12, (5, 12), 2.0),
    Segment(AccountStatus.REPEAT, 7, 22, (7, 13), 3.0, stopped_days_ago=150),  # slipping away
    Segment(AccountStatus.ONE_TIME, 12, 0, (3, 9), 1.5),
    Segment(AccountStatus.LOST, 5, 8, (5, 10), 2.0, stopped_days_ago=420),
    Segment(AccountStatus.PROSPECT, 11, 0, (0, 0), 0),
)


def main_contact_of(account):
    """The account's person who decides, else its first person (as the forms preselect)."""
    people = account.contacts.filter(erased_at__isnull=True)
    return people.filter(roles__role=ContactRoleKind.DECISION_MAKER).order_by("pk").first() or \
        people.order_by("pk").first()


def is_loaded() -> bool:
    return User.objects.filter(username="anna").exists() and Account.objects.exists()


class DemoGenerator:
    def __init__(self, *, lang: str = "ru", seed: int = 42, today: dt.date | None = None, progress=None):
        self.lang = lang if lang in _WORDS else "ru"
        self.words = _WORDS[self.lang]
        self.rng = random.Random(seed)
        self.today = today or timezone.localdate()
        self.progress = progress or (lambda message: None)
        self._used_inns: set[str] = set()
        self._order_no = 0
        # Meetings, calls and tasks fall in the company's working hours and days, in its time zone
        # (Europe/Moscow unless KAM_TIME_ZONE or the admin's Working time say otherwise).
        self.calendar = working_time.company_calendar()

    def working_moment(self, days: int, *, minutes: int = 0) -> dt.datetime:
        """A moment on the working day ``days`` from today (moved forward off a day off, or back for a day
        in the past), on the half hour, early enough for ``minutes`` more to end within the day."""
        day = self.today + dt.timedelta(days=days)
        day = self.calendar.next_working_day(day) if days >= 0 else self.calendar.previous_working_day(day)
        return self.moment_on(day, minutes=minutes)

    def moment_on(self, day: dt.date, *, minutes: int = 0, at: dt.time | None = None) -> dt.datetime:
        """On ``day`` (a working day) at ``at``, or at a random half hour that leaves ``minutes`` before
        the end of its working hours."""
        periods = self.calendar.periods(day) or [(
            dt.datetime.combine(day, self.calendar.day_start, tzinfo=self.calendar.zone),
            dt.datetime.combine(day, self.calendar.day_end, tzinfo=self.calendar.zone))]
        start, end = periods[0][0], periods[-1][1]
        if at is not None:
            return dt.datetime.combine(day, at, tzinfo=self.calendar.zone)
        slots = max(0, int((end - start - dt.timedelta(minutes=minutes)).total_seconds() // 1800))
        return start + dt.timedelta(minutes=30 * self.rng.randint(0, slots))

    def meeting_minutes(self) -> int:
        return self.rng.choice([30, 45, 60, 60, 60, 90, 120])

    # --- small believable values ---------------------------------------------------------------

    def person_name(self) -> tuple[str, str, str, bool]:
        female = self.rng.random() < 0.45
        first = self.rng.choice(self.words["female_first" if female else "male_first"])
        last = self.rng.choice(self.words["last_stems"])
        patronymic = ""
        if self.lang == "ru":
            last += "а" if female else ""
            patronymic = self.rng.choice(self.words["patronymic_stems"]) + ("на" if female else "ич")
        return last, first, patronymic, female

    def phone(self) -> str:
        while True:
            if self.lang == "ru":
                raw = f"+7 9{self.rng.choice(['03', '05', '09', '15', '16', '26', '85', '99'])} " \
                      f"{self.rng.randint(200, 999)}-{self.rng.randint(10, 99)}-{self.rng.randint(10, 99)}"
            else:
                raw = f"+44 7{self.rng.randint(400, 999)} {self.rng.randint(100000, 999999)}"
            if phonenumbers.is_valid_number(phonenumbers.parse(raw, None)):
                return raw

    def inn(self) -> str:
        while True:
            number = inn_check_digits(f"{self.rng.randint(10, 99)}{self.rng.randint(1000000, 9999999)}")
            if number not in self._used_inns:
                self._used_inns.add(number)
                return number

    def company_name(self) -> tuple[str, str]:
        core = self.rng.choice(self.words["name_parts_a"]) + self.rng.choice(self.words["name_parts_b"])
        form = self.rng.choice(self.words["legal_forms"])
        if self.lang == "ru":
            return f"{form} «{core}»", core
        return f"{core} {form}", core

    def address(self) -> str:
        city = self.rng.choice(self.words["cities"])
        street = self.rng.choice(self.words["streets"])
        if self.lang == "ru":
            return f"{self.rng.randint(100000, 199999)}, г. {city}, {street}, д. {self.rng.randint(1, 120)}"
        return f"{self.rng.randint(1, 300)} {street}, {city}"

    def fill(self, template: str) -> str:
        rng = self.rng
        return template.format(
            product=rng.choice(self.words["products_of"]), market=rng.choice(self.words["markets"]),
            plants=rng.randint(2, 6), stores=rng.randint(40, 400), regions=rng.randint(3, 30),
            clients=rng.randint(200, 2000), projects=rng.randint(5, 40), trucks=rng.randint(80, 900),
            warehouses=rng.randint(3, 25), clinics=rng.randint(10, 90), city=rng.choice(self.words["cities"]),
            year=rng.randint(2026, 2029),
        )

    # --- the company ---------------------------------------------------------------------------

    def users(self) -> dict[str, User]:
        team, _ = Team.objects.get_or_create(name=self.words["team"])
        users = {}
        for username, role in DEMO_USERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                first, last = self.words["users"][username]
                # The demo password is short on purpose; only the demo generator bypasses the validators.
                user = core_services.user_create(
                    actor=None, username=username, password=DEMO_PASSWORD, role=role, first_name=first,
                    last_name=last, email=f"{username}@demo.keyaccount.local", check_password=False,
                    team=team if role in (Role.HEAD, Role.KAM) else None,
                )
                if role == Role.ADMIN:
                    User.objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)
            user.language = self.lang
            user.extension = DEMO_EXTENSIONS.get(username, "")
            user.save(update_fields=["language", "extension"])
            users[username] = user
        return users

    def products(self, admin) -> list:
        products = []
        sku = 1000
        for category, names in self.words["categories"].items():
            unit = self.words["units"].get(category, self.words["unit_default"])
            for name in names:
                for variant in ("S", "M", "L"):
                    sku += 1
                    base = self.rng.choice([1200, 2500, 4800, 9500, 18000, 42000, 85000])
                    price = Decimal(base * {"S": 1, "M": 1.8, "L": 3.1}[variant]).quantize(Decimal("1"))
                    products.append(catalog_services.product_create(user=admin, data={
                        "sku": f"KA-{sku}", "name": f"{name} {variant}", "category": category, "unit": unit,
                        "list_price": price, "currency": "RUB" if self.lang == "ru" else "EUR",
                        "description": "", "is_active": self.rng.random() > 0.05,
                    }))
        return products

    def competitors(self, admin) -> list:
        return [account_services.competitor_create(user=admin, data={
            "name": name, "strengths": strengths, "weaknesses": weaknesses,
            "website": f"https://{self._latin(name)}.example"})
            for name, strengths, weaknesses in self.words["competitors"]]

    def account(self, *, owner, shared_with, segment: Segment, parent=None) -> Account:
        name, core = self.company_name()
        industry = self.rng.choice(_INDUSTRY_TEXTS)
        founded = self.rng.randint(1992, 2018)
        size = self.rng.choice([CompanySize.MEDIUM, CompanySize.LARGE, CompanySize.ENTERPRISE]
                               if segment.status == AccountStatus.KEY else CompanySize.values)
        inn = self.inn() if self.lang == "ru" else ""
        ogrn = ogrn_check_digit(f"1{str(founded)[2:]}{self.rng.randint(10, 99)}{self.rng.randint(10000000, 99999999)}"
                                [:12]) if self.lang == "ru" else ""
        data = {
            "name": name, "short_name": core, "inn": inn, "ogrn": ogrn,
            "kpp": f"{inn[:4]}01001" if inn else "", "country": "RU" if self.lang == "ru" else "GB",
            "industry": industry if industry in Industry.values else Industry.OTHER, "size": size,
            "website": f"https://{self._latin(core)}.example",
            "legal_address": self.address(), "postal_address": "",
            "description": self.fill(self.words["descriptions"][industry]),
            "history": self.words["history"].format(year=founded, city=self.rng.choice(self.words["cities"]),
                                                    year2=founded + self.rng.randint(3, 8)),
            "founded_year": founded,
            "needs": "\n".join(self.rng.sample(self.words["needs"], 2)),
            "plans": self.fill(self.rng.choice(self.words["plans"])),
            "owner": owner, "parent": parent, "status": segment.status,
            "tags": self.rng.sample(self.words["tags"], self.rng.randint(0, 2)),
            "shared_with": shared_with,
        }
        return account_services.account_create(user=owner, data=data)

    def people(self, account, owner, size: int) -> None:
        roles_plan = [[ContactRoleKind.DECISION_MAKER], [ContactRoleKind.PAYER]]
        roles_plan += [[ContactRoleKind.USER] for _ in range(max(1, size - 3))]
        roles_plan.append(self.rng.choice([[ContactRoleKind.INFLUENCER],
                                           [ContactRoleKind.USER, ContactRoleKind.CHAMPION],
                                           [ContactRoleKind.INFLUENCER, ContactRoleKind.BLOCKER]]))
        if self.rng.random() < 0.3:  # in small firms the director also pays
            roles_plan[0] = [ContactRoleKind.DECISION_MAKER, ContactRoleKind.PAYER]
        boss = None
        for index, roles in enumerate(roles_plan[:size]):
            last, first, patronymic, female = self.person_name()
            kind = "decision_maker" if ContactRoleKind.DECISION_MAKER in roles else \
                "payer" if ContactRoleKind.PAYER in roles else "influencer" if ContactRoleKind.INFLUENCER in roles \
                else "user"
            title = ("Ms" if female else "Mr")
            contact = account_services.contact_create(user=owner, account=account, data={
                "last_name": last, "first_name": first, "patronymic": patronymic,
                "position": self.rng.choice(self.words["positions"][kind]),
                "roles": roles, "phones": [self.phone()] + ([self.phone()] if self.rng.random() < 0.3 else []),
                "emails": [f"{self._latin(first)[:1]}.{self._latin(last)}@{self._latin(account.short_name)}.example"
                           .replace(" ", "")],
                "preferred_language": self.lang, "preferred_channel": self.rng.choice(["phone", "email", "meeting"]),
                "form_of_address": self.words["address_of_form"].format(first=first, patronymic=patronymic,
                                                                        title=title, last=last),
                "birthday": dt.date(self.rng.randint(1962, 1995), self.rng.randint(1, 12), self.rng.randint(1, 28)),
                "relationship_strength": self.rng.randint(1, 5),
                "reports_to": boss if index > 0 else None,
            })
            if index == 0:
                boss = contact
            if self.rng.random() < 0.7:
                account_services.consent_record(user=owner, contact=contact, data={
                    "purpose": "contract", "given_on": self.today - dt.timedelta(days=self.rng.randint(30, 700)),
                    "source": self.words["consent_source"], "text_version": "2.1"})

    @staticmethod
    def _latin(text: str) -> str:
        table = str.maketrans("абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
                              "abvgdeejziiklmnoprstufhccss_y_eua")
        return "".join(ch for ch in text.lower().translate(table) if ch.isalnum())

    def order_history(self, account, segment: Segment, products, years: float = 2.6) -> list[dict]:
        if segment.orders_per_year == 0 and segment.status != AccountStatus.ONE_TIME:
            return []
        rng = self.rng
        start = self.today - dt.timedelta(days=int(365 * years * rng.uniform(0.6, 1.0)))
        end = self.today - dt.timedelta(days=segment.stopped_days_ago or rng.randint(0, 10))
        favourites = rng.sample(products, min(len(products), rng.randint(10, 30)))
        currency = products[0].currency
        dates = []
        if segment.status == AccountStatus.ONE_TIME:
            dates = [self.today - dt.timedelta(days=rng.randint(60, 700))]
        else:
            gap = 365 / segment.orders_per_year
            cursor = start
            while cursor <= end:
                dates.append(cursor)
                cursor += dt.timedelta(days=max(1, int(rng.gammavariate(4, gap / 4))))
        orders = []
        for ordered_on in dates:
            self._order_no += 1
            lines = []
            for product in rng.sample(favourites, min(len(favourites), rng.randint(*segment.lines))):
                quantity = Decimal(max(1, int(rng.lognormvariate(0, 0.8) * segment.quantity_scale)))
                discounts = [0, 0, 3, 5, 7, 10] if segment.status == AccountStatus.KEY else [0, 0, 0, 3]
                discount = Decimal(rng.choice(discounts))
                lines.append((product.pk, quantity, product.list_price, discount))
            due = ordered_on + dt.timedelta(days=rng.choice([14, 30, 45, 60]))
            late = rng.random() < (0.35 if segment.stopped_days_ago else 0.1)
            paid = due + dt.timedelta(days=rng.randint(5, 40)) if late else due - dt.timedelta(days=rng.randint(0, 10))
            recent = (self.today - ordered_on).days < 20
            orders.append({
                "number": f"{ordered_on:%y%m}-{self._order_no:05d}", "account_id": account.pk,
                "ordered_on": ordered_on, "currency": currency,
                "status": OrderStatus.CONFIRMED if recent else OrderStatus.COMPLETED,
                "payment_due_on": due, "paid_on": None if paid > self.today else paid, "lines": lines,
            })
        return orders

    def timeline(self, account, owner) -> None:
        """A few months of calls, meetings, e-mails, notes and tasks with the account's people."""
        people = list(account.contacts.all())
        texts = self.words["timeline"]
        for _ in range(self.rng.randint(3, 9)):
            kind = self.rng.choice(["call", "call", "call", "meeting", "email", "note"])
            minutes = self.meeting_minutes() if kind == "meeting" else 15
            when = self.working_moment(-self.rng.randint(1, 200), minutes=minutes)
            person = self.rng.choice(people)
            data = {"kind": kind, "starts_at": when, "contacts": [person],
                    "summary": self.rng.choice(texts["summaries"])}
            if kind == "call":
                data.update(direction=self.rng.choice(["in", "out"]), outcome=self.rng.choice(
                    ["answered", "answered", "answered", "missed", "busy"]), duration_seconds=self.rng.randint(20, 900),
                    their_number=person.phones.values_list("number", flat=True).first() or "", our_line=owner.extension)
            elif kind == "meeting":
                late = self.rng.choice([0, 0, 0, 5, 15])
                data.update(subject=self.rng.choice(texts["meetings"]), ends_at=when + dt.timedelta(minutes=minutes),
                            place=self.address(), travel_minutes=self.rng.choice([20, 40, 60]),
                            meeting_status="held", actual_start_at=when + dt.timedelta(minutes=late),
                            agreements=self.rng.choice(texts["agreements"]))
            elif kind == "email":
                data.update(subject=self.rng.choice(texts["emails"]), email_from=owner.email,
                            email_to=(person.emails.values_list("email", flat=True).first() or ""))
            timeline_services.interaction_create(user=owner, account=account, data=data)
        person = self.rng.choice(people)
        minutes = self.meeting_minutes()
        starts = self.working_moment(self.rng.randint(2, 21), minutes=minutes)
        timeline_services.interaction_create(user=owner, account=account, data={
            "kind": "meeting", "subject": self.rng.choice(texts["meetings"]), "contacts": [person],
            "starts_at": starts, "ends_at": starts + dt.timedelta(minutes=minutes), "place": self.address(),
            "travel_minutes": 30, "agenda": self.rng.choice(texts["agreements"])})

    def pipeline(self, accounts, users, products, competitors) -> dict:
        """Deals at every stage (some tenders, some won, some lost to named competitors), proposals,
        contracts with obligations (a few overdue), sales plans, account plans and weekly reports."""
        rng, words, now = self.rng, self.words["pipeline"], timezone.now()
        deal_services.default_stages_ensure()
        stages = list(Stage.objects.filter(is_active=True).order_by("position"))
        open_stages = [stage for stage in stages if stage.outcome == "open"]
        won = next(stage for stage in stages if stage.outcome == "won")
        lost = next(stage for stage in stages if stage.outcome == "lost")
        counts = {"deals": 0, "proposals": 0, "contracts": 0, "obligations": 0}
        for account, segment in accounts:
            if segment.status in (AccountStatus.LOST, AccountStatus.ONE_TIME) and rng.random() < 0.7:
                continue
            owner = account.owner
            for _ in range(rng.randint(1, 3) if segment.status == AccountStatus.KEY else rng.randint(0, 1)):
                tender = rng.random() < 0.15
                title = rng.choice(words["tenders" if tender else "deals"]).format(n=rng.randint(1, 9),
                                                                                  year=self.today.year + 1)
                started = now - dt.timedelta(days=rng.randint(20, 160))
                data = {"title": title, "amount": Decimal(rng.choice([8, 15, 24, 40, 65, 120, 240])) * 10000,
                        "currency": products[0].currency, "products": [p.pk for p in rng.sample(products, 3)],
                        "expected_close_on": self.today + dt.timedelta(days=rng.randint(-10, 150))}
                if tender:
                    data.update(kind="tender", tender_number=f"{rng.randint(10**18, 10**19 - 1)}",
                                tender_platform=rng.choice(words["platforms"]), tender_procedure="auction",
                                submission_deadline=now + dt.timedelta(days=rng.randint(2, 30), hours=3))
                deal = deal_services.deal_create(user=owner, account=account, data=data)
                Deal.objects.filter(pk=deal.pk).update(stage_entered_at=started)
                DealStageChange.objects.filter(deal=deal).update(changed_at=started)
                deal.stage_entered_at = started
                target = rng.choice(open_stages + [won, lost]) if not tender else rng.choice(open_stages[:4])
                moment = started
                for stage in open_stages[1:]:
                    if target.outcome == "open" and stage.position > target.position:
                        break
                    moment += dt.timedelta(days=rng.randint(3, 20))
                    if moment >= now:
                        break
                    deal = deal_services.deal_move(user=owner, deal=deal, stage=stage, now=moment)
                    if stage.code == "proposal" or (stage.position >= open_stages[2].position and rng.random() < 0.3):
                        proposal = deal_services.proposal_create(user=owner, account=account, data={
                            "title": deal.title, "deal": deal, "language": self.lang,
                            "currency": products[0].currency, "terms": words["proposal_terms"],
                            "valid_until": moment.date() + dt.timedelta(days=30),
                            "lines": [{"product": product, "quantity": rng.randint(1, 20),
                                       "discount_percent": Decimal(rng.choice([0, 0, 5, 10]))}
                                      for product in rng.sample(products, rng.randint(3, 8))]})
                        deal_services.proposal_update(user=owner, proposal=proposal, version=None, data={
                            "status": "sent", "sent_on": moment.date()})
                        counts["proposals"] += 1
                    if stage.code == open_stages[-1].code:
                        break
                if target.outcome != "open" and moment + dt.timedelta(days=5) < now:
                    close = {}
                    if target == lost:
                        reason = rng.choice(["price", "competitor", "competitor", "timing", "no_budget"])
                        close = {"loss_reason": reason, "loss_details": rng.choice(words["loss_details"])}
                        if reason == "competitor":
                            rival = rng.choice(competitors)
                            close.update(lost_to=rival, competitor_offer=rival.strengths)
                    deal_services.deal_move(user=owner, deal=deal, stage=target, data=close,
                                            now=moment + dt.timedelta(days=5))
                counts["deals"] += 1
            if segment.status != AccountStatus.KEY:
                continue
            starts = self.today - dt.timedelta(days=rng.randint(200, 700))
            contract = contract_services.contract_create(user=owner, account=account, data={
                "number": f"{starts:%y}-{account.pk:03d}/{rng.randint(1, 99)}", "signed_on": starts,
                "subject": words["contract_subject"], "value": Decimal(rng.randint(5, 90)) * 100000,
                "currency": products[0].currency, "starts_on": starts,
                "ends_on": self.today + dt.timedelta(days=rng.randint(20, 400)),
                "auto_renewal": rng.random() < 0.5, "renewal_months": 12, "notice_days": 30,
                "remind_days_before": 14})
            counts["contracts"] += 1
            for number in range(1, 7):
                kind, title = rng.choice(words["obligations"])
                due = self.today + dt.timedelta(days=rng.randint(-120, 90))
                obligation = contract_services.obligation_create(user=owner, contract=contract, data={
                    "kind": kind, "title": title.format(n=number), "due_on": max(due, starts),
                    "side": "client" if kind == "payment" else "ours", "responsible": owner})
                if due < self.today - dt.timedelta(days=3) and rng.random() < 0.8:
                    contract_services.obligation_fulfil(user=owner, obligation=obligation, done_on=due,
                                                        evidence=f"№ {rng.randint(100, 999)}")
                counts["obligations"] += 1
            last_year = sum((order.total for order in account.orders.filter(ordered_on__year=self.today.year - 1)),
                            Decimal("0"))
            plan = planning_services.account_plan_create(user=owner, account=account, data={
                "year": self.today.year, "currency": products[0].currency,
                "target_revenue": (last_year * Decimal("1.15")).quantize(Decimal("1000")) or None,
                "client_goals": words["goals"], "challenges": words["challenges"],
                "competitor_threats": words["threats"], "objectives": account.plans,
                "reviewed_on": self.today - dt.timedelta(days=rng.randint(10, 80)),
                "next_review_on": self.today + dt.timedelta(days=rng.randint(5, 80))})
            for title in rng.sample(words["initiatives"], 2):
                planning_services.initiative_save(user=owner, plan=plan, data={
                    "title": title, "owner": owner, "due_on": self.today + dt.timedelta(days=rng.randint(10, 120)),
                    "status": rng.choice(["planned", "in_progress", "done"])})
        head = users["head"]
        for manager in (users["anna"], users["boris"]):
            last_year = dict(Order.objects.filter(account__owner=manager, ordered_on__year=self.today.year - 1)
                             .annotate(month=ExtractMonth("ordered_on")).values("month").annotate(total=Sum("total"))
                             .values_list("month", "total"))
            for month in range(1, 13):
                start = dt.date(self.today.year, month, 1)
                last = last_year.get(month) or Decimal("0")
                planning_services.plan_create(user=head, data={
                    "user": manager, "period_kind": "month", "period_start": start, "currency": products[0].currency,
                    "amount": (last * Decimal("1.1")).quantize(Decimal("1000")) or Decimal("500000")})
        team_last_year = dict(Order.objects.filter(account__owner__team=head.team,
                                                   ordered_on__year=self.today.year - 1)
                              .annotate(quarter=(ExtractMonth("ordered_on") + 2) / 3).values("quarter")
                              .annotate(total=Sum("total")).values_list("quarter", "total"))
        for quarter in range(4):
            last = team_last_year.get(quarter + 1) or Decimal("0")
            planning_services.plan_create(user=head, data={
                "team": head.team, "period_kind": "quarter", "currency": products[0].currency,
                "period_start": dt.date(self.today.year, 3 * quarter + 1, 1),
                "amount": (last * Decimal("1.1")).quantize(Decimal("1000")) or Decimal("5000000")})
        deal_services.expire_proposals(today=self.today)
        last_week = monday_of(self.today) - dt.timedelta(days=7)
        for manager in (users["anna"], users["boris"]):
            report = planning_services.report_prepare(user=manager, week_start=last_week)
            planning_services.report_update(user=manager, report=report, version=None, data={
                "highlights": words["highlights"], "next_week": words["next_week"]})
            if manager.username == "boris":
                planning_services.report_submit(user=manager, report=report)
        return counts

    def feedback(self, accounts) -> dict:
        """Complaints, suggestions, praise and questions of the last four months at a third of the
        buying accounts, at every step of the loop (some breached, some resolved but the client not
        yet told), and a feedback link at each key account."""
        rng, now, calendar = self.rng, timezone.now(), self.calendar
        categories = list(FeedbackCategory.objects.order_by("position"))
        # The categories the installation made in its own language, named in the demo's.
        for category, name in zip(categories, self.words["feedback_categories"], strict=False):
            if category.name != name and not FeedbackCategory.objects.filter(name=name).exists():
                category.name = name
                category.save(update_fields=["name"])
        counts = {"feedback": 0, "feedback_links": 0}
        for account, segment in accounts:
            if segment.status in (AccountStatus.KEY,):
                feedback_services.link_create(user=account.owner, account=account)
                counts["feedback_links"] += 1
            if segment.status not in (AccountStatus.KEY, AccountStatus.REPEAT) or rng.random() > 0.35:
                continue
            for _ in range(rng.randint(1, 3)):
                kind, category, subject, text = rng.choice(self.words["feedback"])
                # Taken in working hours, as the manager's replies and fixes are (the SLA counts those).
                received = calendar.subtract_working_hours(now, rng.randint(16, 8 * 85))
                contact = account.contacts.order_by("?").first()
                owner = account.owner
                record = feedback_services.feedback_create(user=owner, account=account, data={
                    "kind": kind, "subject": subject, "text": text, "contact": contact, "received_at": received,
                    "category": categories[category] if category < len(categories) else None,
                    "channel": rng.choice(["call", "email", "meeting"]),
                    "severity": rng.choice(["normal", "normal", "high", "low", "critical"])})
                counts["feedback"] += 1
                stage = rng.random()
                if stage < 0.15 and received < now - dt.timedelta(days=2):
                    continue  # never answered: the SLA breach shows
                responded = min(calendar.add_working_hours(received, rng.randint(1, 30)), now)
                record = feedback_services.feedback_respond(user=owner, feedback=record, version=record.version,
                                                            at=responded)
                if stage < 0.3:
                    continue
                resolved = min(calendar.add_working_hours(received, rng.randint(8, 100)), now - dt.timedelta(hours=1))
                record = feedback_services.feedback_resolve(
                    user=owner, feedback=record, version=record.version, at=resolved,
                    resolution=rng.choice(self.words["feedback_done"]),
                    outcome=rng.choice(["accepted", "done"]) if kind == "suggestion" else "")
                if stage < 0.45:
                    continue
                record = feedback_services.feedback_inform(
                    user=owner, feedback=record, version=record.version, via=rng.choice(["call", "email", "meeting"]),
                    at=min(calendar.add_working_hours(resolved, rng.randint(1, 16)), now), reaction=rng.choice(
                        ["satisfied", "satisfied", "neutral", "dissatisfied"]))
                if stage < 0.7:
                    feedback_services.feedback_close(user=owner, feedback=record, version=record.version)
        counts["surveys"] = self.surveys(accounts)
        return counts

    def loyalty(self, accounts, users) -> dict:
        """Tiers by the rules, a referral or two between clients, and a VIP club dinner a week ahead
        and one last month with the key accounts' deciders (some came, with follow-up tasks)."""
        rng = self.rng
        # The installation's ladder, in the demo's language and the currency its clients buy in.
        currency = Order.objects.values_list("currency", flat=True).first()
        for tier, name in zip(Tier.objects.order_by("rank"), self.words["tiers"], strict=False):
            tier.name = name if not Tier.objects.filter(name=name).exclude(pk=tier.pk).exists() else tier.name
            tier.currency = currency or tier.currency
            tier.save(update_fields=["name", "currency"])
        result = loyalty_services.tiers_refresh(today=self.today)
        key = [account for account, segment in accounts if segment.status == AccountStatus.KEY]
        others = [account for account, segment in accounts if segment.status == AccountStatus.REPEAT]
        referrals = 0
        for referrer, referred in zip(key[:3], others[:3], strict=False):
            loyalty_services.referral_create(user=referrer.owner, referrer=referrer, referred=referred, data={
                "referred_on": self.today - dt.timedelta(days=rng.randint(200, 600))})
            referrals += 1
        head = users["head"]
        # The club is the VIP tier's perk: its people are the guests.
        members = set(TierAssignment.objects.filter(until__isnull=True, tier__is_vip_club=True)
                      .values_list("account_id", flat=True))
        guests = [contact for account in key if account.pk in members for contact in account.contacts.all()[:1]]
        titles = self.words["vip_events"]
        for title, offset in ((titles[0], 7), (titles[1], -30)):
            event = loyalty_services.event_create(user=head, data={
                "title": title, "starts_at": timezone.now() + dt.timedelta(days=offset), "capacity": 40,
                "place": self.words["cities"][0]})
            for invitation in loyalty_services.invite(user=head, event=event, contacts=guests[:12]):
                if offset < 0:
                    loyalty_services.invitation_answer(user=head, invitation=invitation,
                                                       status=rng.choice(["attended", "attended", "no_show"]))
                elif rng.random() < 0.6:
                    loyalty_services.invitation_answer(user=head, invitation=invitation,
                                                       status=rng.choice(["accepted", "accepted", "declined"]))
        return {"tiers_set": result["changed"], "referrals": referrals}

    def surveys(self, accounts) -> int:
        """NPS and CSAT surveys of the last year to people who consented, most of them answered
        (a low score opens its complaint, as in life)."""
        rng, sent = self.rng, 0
        for account, segment in accounts:
            if segment.status not in (AccountStatus.KEY, AccountStatus.REPEAT) or rng.random() > 0.5:
                continue
            for contact in account.contacts.filter(emails__isnull=False).distinct()[:2]:
                ContactConsent.objects.get_or_create(contact=contact, purpose=ConsentPurpose.SURVEYS, defaults={
                    "given_on": self.today - dt.timedelta(days=400), "source": self.words["consent_source"],
                    "text_version": "2025-1"})
                kind = rng.choice(["nps", "nps", "csat"])
                survey = survey_services.survey_send(user=account.owner, account=account, contact=contact, kind=kind)
                Survey.objects.filter(pk=survey.pk).update(
                    sent_at=timezone.now() - dt.timedelta(days=rng.randint(1, 330)))
                sent += 1
                if rng.random() < 0.75:
                    scale = [10, 10, 9, 9, 8, 7, 6, 3] if kind == "nps" else [5, 5, 4, 4, 3, 2]
                    score = rng.choice(scale)
                    survey_services.survey_answer(survey=survey, score=score)
        return sent

    def my_day(self, accounts, users, products) -> dict:
        """What anna and boris find on My day this morning, dated from today: today's and the next working
        day's meetings, a call due today and a task overdue, obligations due this week (ours and the
        client's), a proposal expiring this week, complaints at every step (one waiting for "client
        informed"), support tickets at every step, near and past their SLA. The key accounts that stopped
        ordering are made in ``run`` (their order history stops) and the month's plans in ``pipeline``."""
        words, texts, rng = self.words["my_day"], self.words["timeline"], self.rng
        counts = {"tickets": 0}
        today = self.today
        sunday = today + dt.timedelta(days=6 - today.weekday())
        tomorrow = self.calendar.next_working_day(today + dt.timedelta(days=1))
        for manager in (users["anna"], users["boris"]):
            mine = [account for account, segment in accounts
                    if account.owner_id == manager.pk and segment.status in (AccountStatus.KEY, AccountStatus.REPEAT)]
            key = [account for account, segment in accounts
                   if account.owner_id == manager.pk and segment.status == AccountStatus.KEY] or mine
            for number, (day, at) in enumerate(((today, dt.time(11)), (today, dt.time(15)),
                                                (tomorrow, dt.time(10)), (tomorrow, dt.time(14, 30)))):
                account = key[number % len(key)] if number % 2 == 0 else mine[number % len(mine)]
                person = main_contact_of(account)
                starts = self.moment_on(day, at=at)
                timeline_services.interaction_create(user=manager, account=account, data={
                    "kind": "meeting", "subject": rng.choice(texts["meetings"]), "contacts": [person],
                    "starts_at": starts, "ends_at": starts + dt.timedelta(minutes=self.meeting_minutes() if number
                                                                            else 60),
                    "place": self.address(), "travel_minutes": rng.choice([20, 40]),
                    "agenda": rng.choice(texts["agreements"])})
            last_working_day = self.calendar.previous_working_day(today - dt.timedelta(days=1))
            for subject, due in ((words["call_today"], self.moment_on(today, at=dt.time(16))),
                                 (words["task_overdue"], self.moment_on(last_working_day, at=dt.time(17)))):
                account = mine[len(subject) % len(mine)]
                person = main_contact_of(account)
                timeline_services.interaction_create(user=manager, account=account, data={
                    "kind": "task", "subject": subject.format(person=person), "due_at": due, "assignee": manager,
                    "contacts": [person]})
            self._obligations_this_week(manager, key[0], sunday, words)
            self._proposal_expiring(manager, key, products, min(today + dt.timedelta(days=3), sunday))
            self._complaints_at_every_step(manager, mine, words)
            counts["tickets"] += self._tickets_at_every_step(users["support"], key, words,
                                                             first=self.TICKET_STEPS * (manager == users["boris"]))
        return counts

    def _obligations_this_week(self, manager, account, sunday: dt.date, words) -> None:
        contract = account.contracts.first() or contract_services.contract_create(user=manager, account=account, data={
            "number": f"{self.today:%y}-{account.pk:03d}/1", "signed_on": self.today - dt.timedelta(days=200),
            "subject": self.words["pipeline"]["contract_subject"], "value": Decimal(3_000_000),
            "currency": "RUB" if self.lang == "ru" else "EUR", "starts_on": self.today - dt.timedelta(days=200),
            "ends_on": self.today + dt.timedelta(days=200), "renewal_months": 12, "notice_days": 30,
            "remind_days_before": 14})
        for side, kind, title, due in (("ours", "delivery", words["our_obligation"],
                                        min(self.today + dt.timedelta(days=2), sunday)),
                                       ("client", "payment", words["their_obligation"],
                                        min(self.today + dt.timedelta(days=1), sunday))):
            contract_services.obligation_create(user=manager, contract=contract, data={
                "side": side, "kind": kind, "title": title, "due_on": due, "responsible": manager,
                "amount": Decimal(self.rng.choice([450_000, 1_200_000, 2_800_000]))})

    def _proposal_expiring(self, manager, key, products, valid_until: dt.date) -> None:
        deal = Deal.objects.filter(account__in=key, stage__outcome="open").order_by("pk").first()
        account = deal.account if deal else key[0]
        sent_on = self.today - dt.timedelta(days=25)
        proposal = deal_services.proposal_create(user=manager, account=account, data={
            "title": deal.title if deal else self.words["pipeline"]["contract_subject"], "deal": deal,
            "contact": main_contact_of(account), "language": self.lang, "currency": products[0].currency,
            "terms": self.words["pipeline"]["proposal_terms"], "valid_until": valid_until,
            "lines": [{"product": product, "quantity": self.rng.randint(2, 20), "discount_percent": Decimal(5)}
                      for product in self.rng.sample(products, 4)]})
        deal_services.proposal_update(user=manager, proposal=proposal, version=None, data={
            "status": "sent", "sent_on": sent_on})

    def _complaints_at_every_step(self, manager, mine, words) -> None:
        """One complaint at each step of its life: new, in progress, resolved but the client not yet told
        (waiting for "client informed"), told, closed. Every moment in working hours, counted back from
        now (a demo made at night has its complaints in the day before)."""
        now, calendar = timezone.now(), self.calendar
        for step, (subject, text) in enumerate(words["complaint_steps"]):
            account = mine[step % len(mine)]
            # The new one came half an hour ago: within any first-response window.
            received = calendar.subtract_working_hours(now, [0.5, 10, 26, 50, 114][step])
            record = feedback_services.feedback_create(user=manager, account=account, data={
                "kind": "complaint", "subject": subject, "text": text, "contact": main_contact_of(account),
                "received_at": received, "channel": "call", "severity": "high" if step < 2 else "normal"})
            if step == 0:
                continue
            record = feedback_services.feedback_respond(user=manager, feedback=record, version=record.version,
                                                        at=calendar.add_working_hours(received, 1))
            if step == 1:
                continue
            resolved = (calendar.add_working_hours(received, 12) if step > 2
                        else calendar.subtract_working_hours(now, 1))
            record = feedback_services.feedback_resolve(user=manager, feedback=record, version=record.version,
                                                        at=resolved, resolution=words["resolution"])
            if step == 2:
                continue
            record = feedback_services.feedback_inform(user=manager, feedback=record, version=record.version,
                                                       via="call", at=calendar.add_working_hours(resolved, 2),
                                                       reaction="satisfied")
            if step == 4:
                feedback_services.feedback_close(user=manager, feedback=record, version=record.version)

    TICKET_STEPS = 7

    def _tickets_at_every_step(self, agent, key, words, first: int = 0) -> int:
        """Support tickets of the manager's key accounts, one at each step: new, in progress, waiting for
        the client, one near its SLA (due within the hour), one past it, one solved, one closed; from
        ``first`` on in the words (each manager's clients write about their own things). Made in working
        hours counted back from now, each message then too."""
        now, calendar = timezone.now(), self.calendar
        texts = words["tickets"]
        made = 0
        for step in range(self.TICKET_STEPS):
            subject, body = texts[(first + step) % len(texts)]
            account = key[step % len(key)]
            person = (account.contacts.filter(roles__role="user").order_by("pk").first() or main_contact_of(account))
            priority = "high" if step in (3, 4) else "normal"
            response_hours, resolution_hours = feedback_services.sla_hours(PRIORITY_SEVERITY[priority])
            created = {0: calendar.subtract_working_hours(now, 1 / 3), 1: calendar.subtract_working_hours(now, 3),
                       2: calendar.subtract_working_hours(now, 8),
                       3: calendar.subtract_working_hours(now + dt.timedelta(minutes=45), resolution_hours),
                       4: calendar.subtract_working_hours(now, resolution_hours + 6),
                       5: calendar.subtract_working_hours(now, 16), 6: calendar.subtract_working_hours(now, 40)}[step]
            ticket = support_services.ticket_create(user=agent, account=account, contact=person, at=created, data={
                "subject": subject, "body": body, "priority": priority, "channel": "email"})
            # The SLA as the severity sets it, whatever the account's tier: "near" and "past" stay so.
            Ticket.objects.filter(pk=ticket.pk).update(
                response_due=calendar.add_working_hours(created, response_hours),
                resolution_due=calendar.add_working_hours(created, resolution_hours))
            ticket.refresh_from_db()
            made += 1
            if not step:
                continue
            answered = calendar.add_working_hours(created, 2 / 3)
            if step in (2, 5, 6):
                reply = support_services.ticket_reply(user=agent, ticket=ticket, body=words["ticket_reply"],
                                                      status="waiting" if step == 2 else "solved",
                                                      version=ticket.version)
                TicketMessage.objects.filter(pk=reply.pk).update(created_at=answered)
                ticket.refresh_from_db()
            ticket = support_services.ticket_update(user=agent, ticket=ticket, version=ticket.version,
                                                    data={"status": {2: "waiting", 5: "solved", 6: "closed"}.get(
                                                        step, "open"), "assignee": agent})
            Ticket.objects.filter(pk=ticket.pk).update(
                first_response_at=answered,
                solved_at=calendar.add_working_hours(created, 4) if step in (5, 6) else None)
        # The SLA reminders as the dates above set them (the services scheduled them from their own).
        for ticket in Ticket.objects.filter(account__in=key).select_related("account__owner", "assignee"):
            feedback_reminders.schedule_ticket(ticket)
        return made

    def quiet_notifications(self, users) -> int:
        """What loading the company told the managers is history, read: every account's first loyalty
        tier (a tier given, not a change) and complaints that old surveys opened months ago. What a
        manager should act on this morning stays unread: the key accounts that may be leaving. Returns
        the unread entries left."""
        left = 0
        for user in users.values():
            core_services.notifications_mark_all_read(user=user, keep=[NotificationKind.CHURN])
            left += core_queries.unread_entries(user)
        return left

    @transaction.atomic
    def our_company(self, admin) -> None:
        """The demo's own company, with requisites that pass every check, so its documents look real."""
        ru = self.lang == "ru"
        core_services.company_update(actor=admin, data={
            "name": "ООО «Промтехснаб»" if ru else "Promtekhsnab LLC",
            "inn": inn_check_digits("770412345"), "kpp": "770401001", "ogrn": ogrn_check_digit("102770012345"),
            "address": "123112, г. Москва, Пресненская наб., д. 12, офис 405" if ru else
                       "12 Presnenskaya Embankment, office 405, Moscow 123112, Russia",
            "bank_name": "ПАО Сбербанк" if ru else "Sberbank PJSC", "bic": "044525225",
            "settlement_account": account_check_digit("225", "40702810038000012345"),
            "correspondent_account": "30101810400000000225",
            "signatory": "Соколов А. В." if ru else "A. V. Sokolov",
            "signatory_position": "Генеральный директор" if ru else "Chief Executive Officer",
        })

    def run(self) -> dict:
        self.progress("users")
        users = self.users()
        admin, kams = users["admin"], [users["anna"], users["boris"], users["head"]]
        self.our_company(admin)
        self.progress("products and competitors")
        products = [p for p in self.products(admin) if p.is_active]
        competitors = self.competitors(admin)
        self.progress("accounts and people")
        accounts = []
        holdings: list[Account] = []
        for segment in SEGMENTS:
            for index in range(segment.count):
                owner = kams[len(accounts) % 2] if self.rng.random() < 0.9 else kams[2]
                shared = [kams[(kams.index(owner) + 1) % 2]] if self.rng.random() < 0.15 else []
                parent = next((h for h in holdings if h.owner_id == owner.pk), None) if index % 7 == 3 else None
                account = self.account(owner=owner, shared_with=shared, segment=segment, parent=parent)
                if segment.status == AccountStatus.KEY and len(holdings) < 3:
                    holdings.append(account)
                self.people(account, owner, self.rng.randint(3, 7))
                for competitor in self.rng.sample(competitors, self.rng.randint(0, 2)):
                    account_services.account_competitor_link(
                        user=owner, account=account, competitor=competitor,
                        offering=competitor.strengths, since=self.today - dt.timedelta(days=self.rng.randint(60, 900)))
                if segment.status in (AccountStatus.KEY, AccountStatus.REPEAT):
                    for year in (self.today.year - 3, self.today.year - 2, self.today.year - 1):
                        revenue = Decimal(self.rng.randint(300, 40000)) * Decimal(1_000_000) / 10
                        account_services.financials_save(user=owner, account=account, data={
                            "year": year, "currency": products[0].currency, "revenue": revenue,
                            "profit": (revenue * Decimal(self.rng.uniform(-0.03, 0.15))).quantize(Decimal("1")),
                            "employees": self.rng.randint(80, 6000), "extra": {},
                        })
                accounts.append((account, segment))
        self.progress("timeline")
        for account, segment in accounts:
            if segment.status != AccountStatus.PROSPECT or self.rng.random() < 0.5:
                self.timeline(account, account.owner)
        self.progress("order history")
        orders = []
        # Each manager's first key account stopped ordering two months ago: My day's "stopped ordering".
        stopping = {next((account.pk for account, segment in accounts if segment.status == AccountStatus.KEY
                          and account.owner_id == manager.pk), None) for manager in (users["anna"], users["boris"])}
        for account, segment in accounts:
            if account.pk in stopping:
                segment = dataclasses.replace(segment, stopped_days_ago=60)
            orders.extend(self.order_history(account, segment, products))
        order_services.orders_bulk_load(user=admin, orders=orders)
        self.progress("deals, contracts and plans")
        pipeline = self.pipeline(accounts, users, products, competitors)
        self.progress("complaints and suggestions")
        pipeline.update(self.feedback(accounts))
        self.progress("loyalty")
        pipeline.update(self.loyalty(accounts, users))
        self.progress("my day")
        pipeline.update(self.my_day(accounts, users, products))
        self.progress("scores")

        pipeline["scored"] = insight_services.refresh(today=self.today)["scored"]
        self.progress("notifications")
        pipeline["unread_notifications"] = self.quiet_notifications(users)
        return {"users": len(users), "accounts": len(accounts), "orders": len(orders),
                "order_lines": sum(len(order["lines"]) for order in orders), "products": len(products), **pipeline}


def reset_database() -> None:
    """Remove every record the demo (or anyone) made, keeping the schema."""
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)
