"""Small helpers every app's services share."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model, ProtectedError, QuerySet, RestrictedError
from django.http import Http404
from django.utils.translation import gettext as _

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


def delete_or_explain(instance: Model) -> None:
    """Delete ``instance``, or refuse with what still refers to it (a deal's interactions, an account's
    deals ...): a protected foreign key is the user's situation to resolve, not a server error."""
    try:
        instance.delete()
    except (ProtectedError, RestrictedError) as error:
        held = error.protected_objects if isinstance(error, ProtectedError) else error.restricted_objects
        held_by = Counter(str(obj._meta.verbose_name_plural) for obj in held)
        records = "; ".join(f"{name}: {count}" for name, count in sorted(held_by.items()))
        raise ValidationError(_("It cannot be deleted while other records refer to it (%(records)s). "
                                "Delete or move those first.") % {"records": records}) from error


def missing_references(instance: Model) -> dict[str, list[str]]:
    """The foreign keys of ``instance`` that are set but name no record, as ``{field: [message]}``. An id
    typed into the API or a stale form names such a record; the database would refuse it only at commit."""
    errors = {}
    for field in instance._meta.concrete_fields:
        if not field.many_to_one and not field.one_to_one:
            continue
        value = getattr(instance, field.attname)
        if value is None:
            continue
        cached = instance._state.fields_cache.get(field.name)
        if cached is not None and getattr(cached, field.target_field.attname) == value:
            continue
        if not field.related_model._base_manager.filter(**{field.target_field.attname: value}).exists():
            errors[field.name] = [_("No such record: %(id)s.") % {"id": value}]
    return errors


def validation_errors(instance: Model, *, exclude: Iterable[str] = (), validate_unique: bool = False
                      ) -> dict[str, list[str]]:
    """What is wrong with ``instance`` by its model's own rules, as ``{field: [messages]}`` (empty when
    nothing is): a service adds its rules across models, then raises them all at once.

    A reference to a record that does not exist is refused at once, with a ValidationError naming the field,
    whether the field is in ``exclude`` or not (``exclude`` skips the model's checks of a field the service
    checks itself): the service's next rules read the related records.
    """
    missing = missing_references(instance)
    if missing:
        raise ValidationError(missing)
    # ``full_clean`` step by step, as Django runs it, but without querying again each reference just
    # found to exist; uniqueness and constraints still see the references.
    references = {field.name for field in instance._meta.concrete_fields if field.is_relation}
    exclude = set(exclude)
    errors: dict[str, list[str]] = {}
    steps = [lambda: instance.clean_fields(exclude=exclude | references), instance.clean]
    if validate_unique:
        steps.append(lambda: instance.validate_unique(exclude=exclude | set(errors)))
    steps.append(lambda: instance.validate_constraints(exclude=exclude | set(errors)))
    for step in steps:
        try:
            step()
        except ValidationError as error:
            error.update_error_dict(errors)
    return ValidationError(errors).message_dict if errors else {}
