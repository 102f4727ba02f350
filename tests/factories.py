"""Factories for test data. Records users edit are made through services where the test is about
behaviour; factories make the surroundings quickly."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import factory

from keyaccount.accounts.models import Account, AccountShare, Competitor, Contact, ContactPhone, ContactRole
from keyaccount.catalog.models import Product
from keyaccount.core.choices import Role
from keyaccount.core.identifiers import inn_check_digits
from keyaccount.core.models import Team, User
from keyaccount.orders import sales
from keyaccount.orders.models import Order, OrderLine

_inn_serial = itertools.count(1)


def next_inn() -> str:
    return inn_check_digits(f"77{next(_inn_serial):07d}")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User{n}")
    role = Role.KAM
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery staple")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account

    name = factory.Sequence(lambda n: f"OOO Test Company {n}")
    inn = factory.LazyFunction(next_inn)
    owner = factory.SubFactory(UserFactory)
    team = factory.LazyAttribute(lambda account: account.owner.team)
    search_text = factory.LazyAttribute(lambda account: f"{account.name} {account.inn}".lower())


def people_by_role(team, other_team) -> dict[str, User]:
    """One user per role: two managers of ``team``, heads of both teams, support, analyst, admin."""
    return {
        "anna": UserFactory(username="anna", role=Role.KAM, team=team),
        "boris": UserFactory(username="boris", role=Role.KAM, team=team),
        "head": UserFactory(username="head", role=Role.HEAD, team=team),
        "other_head": UserFactory(username="other_head", role=Role.HEAD, team=other_team),
        "support": UserFactory(username="support", role=Role.SUPPORT),
        "analyst": UserFactory(username="analyst", role=Role.ANALYST),
        "admin": UserFactory(username="admin", role=Role.ADMIN),
    }


def share(account, user):
    return AccountShare.objects.create(account=account, user=user)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    account = factory.SubFactory(AccountFactory)
    last_name = factory.Sequence(lambda n: f"Ivanov{n}")
    first_name = "Ivan"


def give_roles(contact, *roles):
    ContactRole.objects.bulk_create(ContactRole(contact=contact, role=role) for role in roles)


def give_phone(contact, e164):
    return ContactPhone.objects.create(contact=contact, number=e164)


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    sku = factory.Sequence(lambda n: f"SKU-{n}")
    name = factory.Sequence(lambda n: f"Product {n}")
    category = "Equipment"
    list_price = Decimal("1000.00")
    currency = "RUB"


class CompetitorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Competitor

    name = factory.Sequence(lambda n: f"Rival {n}")


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    number = factory.Sequence(lambda n: f"ORD-{n:05d}")
    account = factory.SubFactory(AccountFactory)
    ordered_on = factory.LazyFunction(lambda: dt.date(2026, 3, 1))
    currency = "RUB"
    total = Decimal("1000.00")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Written as the order services write: the sales by day count it.
        order = super()._create(model_class, *args, **kwargs)
        sales.apply(sales.contribution([order.pk]))
        return order


class OrderLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderLine

    order = factory.SubFactory(OrderFactory)
    product = factory.SubFactory(ProductFactory)
    quantity = Decimal("1")
    unit_price = Decimal("1000.00")
    amount = Decimal("1000.00")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        order = kwargs["order"]
        before = sales.contribution([order.pk])
        line = super()._create(model_class, *args, **kwargs)
        sales.apply_change(before, sales.contribution([order.pk]))
        return line
