"""The default path of a key account as the first stages (a company renames or adds its own)."""

from django.db import migrations

DEFAULT_STAGES = [
    ("first_contact", 10, "open"), ("needs", 20, "open"), ("proposal", 40, "open"), ("negotiation", 60, "open"),
    ("contract", 80, "open"), ("fulfilment", 90, "open"), ("feedback", 95, "open"), ("won", 100, "won"),
    ("lost", 0, "lost"),
]


def create(apps, schema_editor):
    Stage = apps.get_model("deals", "Stage")
    for position, (code, probability, outcome) in enumerate(DEFAULT_STAGES, start=1):
        Stage.objects.get_or_create(code=code, defaults={"position": position * 10, "probability": probability,
                                                          "outcome": outcome})


def remove(apps, schema_editor):
    apps.get_model("deals", "Stage").objects.filter(code__in=[code for code, _p, _o in DEFAULT_STAGES],
                                                    deals__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("deals", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
