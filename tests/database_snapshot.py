"""Every row of every table in a form two databases can be compared by, whatever their vendor.

Used by the backup tests on the source database in the test process and on the restored one in a
``kam shell`` subprocess. Content types are named by (app label, model) instead of their ids, which
differ between databases; everything else is compared as stored, primary keys included.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from decimal import Decimal

from django.apps import apps
from django.contrib.contenttypes.models import ContentType

LEFT_OUT = {"sessions.session"}


def _plain(value):
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"Decimal({value})"
    if isinstance(value, memoryview | bytes):
        return bytes(value).hex()
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    return value


def snapshot() -> dict[str, list]:
    content_types = {pk: f"{app_label}.{model}" for pk, app_label, model in
                     ContentType.objects.values_list("pk", "app_label", "model")}
    tables: dict[str, list] = {}
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label_lower
        if label in LEFT_OUT or not model._meta.managed or model._meta.proxy:
            continue
        if model is ContentType:
            tables[label] = sorted(content_types.values())
            continue
        fields = model._meta.local_concrete_fields
        refers_to_type = [field.is_relation and field.related_model is ContentType for field in fields]
        rows = []
        for row in model._base_manager.order_by("pk").values_list(*(field.attname for field in fields)):
            rows.append([content_types.get(value) if is_type else _plain(value)
                         for is_type, value in zip(refers_to_type, row, strict=True)])
        tables[label] = rows
    return tables


def print_snapshot() -> None:
    json.dump(snapshot(), sys.stdout)
