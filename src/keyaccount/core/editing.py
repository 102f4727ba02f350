"""Small helpers every app's services share."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Model, QuerySet
from django.http import Http404

from keyaccount.core.errors import AccessDenied
from keyaccount.core.models import MAX_ID


def assign_fields(instance: Model, data: Mapping[str, Any], fields: Iterable[str]) -> None:
    """Copy the named fields present in ``data`` onto ``instance``; a foreign key may come as an
    object (``owner``, from a form) or as an id (``owner_id``, from the API)."""
    for name in fields:
        if name in data:
            setattr(instance, name, data[name])
        elif f"{name}_id" in data:
            setattr(instance, f"{name}_id", data[f"{name}_id"])


def require(condition: bool) -> None:
    """Refuse the action (403 at every edge) unless ``condition`` holds."""
    if not condition:
        raise AccessDenied()


def get_or_404(queryset: QuerySet, pk) -> Model:
    """One record of a query that already applies the access rule, or 404: for ids that are not
    numbers, that no primary key can have, or that the user may not see."""
    try:
        number = int(pk)
    except (TypeError, ValueError) as error:
        raise Http404 from error
    if not 0 < number <= MAX_ID:
        raise Http404
    try:
        return queryset.get(pk=number)
    except queryset.model.DoesNotExist as error:
        raise Http404 from error
