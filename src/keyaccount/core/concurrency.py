"""Optimistic locking for ``VersionedModel`` records."""

from __future__ import annotations

from django.db.models import F
from django.utils import timezone

from keyaccount.core.errors import ConflictError


def save_versioned(instance, *, expected_version: int | None) -> None:
    """Save ``instance`` only if the stored version is still ``expected_version``.

    The check and the bump are one conditional UPDATE, so two editors racing on either database
    cannot both win. ``expected_version=None`` means the caller holds the current row (importers,
    jobs) and skips the check.
    """
    model = type(instance)
    rows = model._default_manager.filter(pk=instance.pk)
    if expected_version is not None:
        rows = rows.filter(version=expected_version)
    if rows.update(version=F("version") + 1) != 1:
        raise ConflictError()
    instance.version = model._default_manager.values_list("version", flat=True).get(pk=instance.pk)
    instance.updated_at = timezone.now()
    instance.save()
