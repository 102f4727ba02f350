"""The usual categories of complaints (a company renames or adds its own) in the installation's
language, and SLA hours per severity."""

from django.conf import settings
from django.db import migrations

CATEGORIES = {
    "ru": ["Доставка", "Качество", "Цена", "Сервис", "Документы", "Другое"],
    "en": ["Delivery", "Quality", "Price", "Service", "Documents", "Other"],
}
SLA = [("critical", 2, 24), ("high", 8, 72), ("normal", 24, 120), ("low", 48, 240)]


def create(apps, schema_editor):
    Category = apps.get_model("feedback", "FeedbackCategory")
    names = CATEGORIES.get(settings.LANGUAGE_CODE[:2], CATEGORIES["en"])
    for position, name in enumerate(names, start=1):
        Category.objects.get_or_create(name=name, defaults={"position": position * 10})
    Policy = apps.get_model("feedback", "SlaPolicy")
    for severity, response, resolution in SLA:
        Policy.objects.get_or_create(severity=severity, defaults={"response_hours": response,
                                                                  "resolution_hours": resolution})


def remove(apps, schema_editor):
    apps.get_model("feedback", "SlaPolicy").objects.all().delete()
    apps.get_model("feedback", "FeedbackCategory").objects.filter(feedback__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
