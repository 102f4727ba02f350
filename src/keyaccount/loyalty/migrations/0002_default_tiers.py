"""The usual ladder (a company renames and re-rules its own): Standard for every buyer, Silver and
Gold by revenue over a year and tenure, the VIP club for key accounts, in the installation's
language and default currency."""

from decimal import Decimal

from django.conf import settings
from django.db import migrations

NAMES = {"ru": ["Стандарт", "Серебро", "Золото", "VIP-клуб"], "en": ["Standard", "Silver", "Gold", "VIP club"]}
# rank, revenue over 12 months, tenure in months, key accounts only, discount %, personal manager,
# priority support (response, resolution hours), VIP club
LADDER = [
    (1, "0", 0, False, "0", False, None, False),
    (2, "1000000", 6, False, "3", False, None, False),
    (3, "5000000", 12, False, "5", True, (8, 48), False),
    (4, "20000000", 24, True, "7", True, (2, 24), True),
]


def create(apps, schema_editor):
    Tier = apps.get_model("loyalty", "Tier")
    names = NAMES.get(settings.LANGUAGE_CODE[:2], NAMES["en"])
    for name, (rank, revenue, tenure, key, discount, manager, support, vip) in zip(names, LADDER, strict=True):
        Tier.objects.get_or_create(rank=rank, defaults={
            "name": name, "min_revenue": Decimal(revenue), "currency": settings.KAM_DEFAULT_CURRENCY,
            "revenue_months": 12, "min_tenure_months": tenure, "key_accounts_only": key,
            "discount_percent": Decimal(discount), "personal_manager": manager, "priority_support": support is not None,
            "response_hours": support[0] if support else None, "resolution_hours": support[1] if support else None,
            "is_vip_club": vip})


def remove(apps, schema_editor):
    apps.get_model("loyalty", "Tier").objects.filter(assignments__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("loyalty", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
