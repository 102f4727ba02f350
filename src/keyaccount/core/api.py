"""What every app's ``api.py`` shares: authentication, one error shape, pagination, the base of request
schemas (their rules, from the models they write), the error answers each operation declares in the
OpenAPI document, and ``referenced`` for ids a request body names."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any, ClassVar, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import PaginationBase
from ninja.security import APIKeyCookie, HttpBearer
from pydantic import field_validator

from keyaccount.core import access, calendar_bounds, paging, schema_limits, services
from keyaccount.core.errors import AccessDenied, ConflictError
from keyaccount.core.models import MAX_ID

T = TypeVar("T")
# Where the API is mounted (``urls.py``); Django's own error pages answer JSON below it.
API_PREFIX = "/api/"


class BearerTokenAuth(HttpBearer):
    """``Authorization: Bearer kam_…``: a token made by ``kam token USERNAME``."""

    def authenticate(self, request, token):
        user = services.token_authenticate(token)
        if user is not None:
            request.user = user
            # As the middleware does for a signed-in page: the user's zone reads the date-times they send
            # without one, and their language speaks the messages.
            timezone.activate(user.zone)
            if user.language:
                translation.activate(user.language)
        return user


class SessionAuth(APIKeyCookie):
    """The UI's own calls: the Django session, with the CSRF check on unsafe methods."""

    param_name = settings.SESSION_COOKIE_NAME

    def authenticate(self, request, key):
        user = request.user
        return user if user.is_authenticated and user.is_active else None


# Ids beyond any primary key are refused at the edge with a 422 like any other bad value.
DbId = Annotated[int, Field(ge=1, le=MAX_ID)]
Version = Annotated[int, Field(ge=1, le=MAX_ID, description="The version you read; a stale one answers 409.")]


def _reject_nul(value: Any) -> Any:
    if isinstance(value, str) and "\x00" in value:
        raise ValueError("text may not contain NUL characters")
    if isinstance(value, list | tuple):
        for item in value:
            _reject_nul(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            _reject_nul(key)
            _reject_nul(item)
    return value


def _in_calendar_span(value: Any) -> Any:
    """Dates inside Keyaccount's span; a date-time without a zone is taken in the user's time zone
    (the one of their profile, else the installation's), and every date-time comes out in UTC."""
    if isinstance(value, dt.date) and not calendar_bounds.in_span(value):
        raise ValueError(f"give a date between {calendar_bounds.EARLIEST_DAY} and {calendar_bounds.LATEST_DAY}")
    if isinstance(value, dt.datetime):
        if timezone.is_naive(value):
            value = timezone.make_aware(value, timezone.get_current_timezone())
        # Stored in UTC anyway; an offset no zone has (+21:15) is valid ISO 8601 that PostgreSQL refuses.
        return value.astimezone(dt.UTC)
    return value


class InputSchema(Schema):
    """Base of every request body and query schema.

    No NUL characters anywhere (PostgreSQL cannot store them in text or JSON, and no person types them);
    dates within the calendar span, date-times without a zone read in the user's time zone; and the limits
    of the model a schema writes (``django_model``: lengths, digits, ranges) on its fields, so that the API
    refuses at the edge, and its document says, what the model would refuse. Text and lists no model
    limits are bounded too.
    """

    django_model: ClassVar[type[models.Model] | None] = None

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs):
        super().__pydantic_init_subclass__(**kwargs)
        if schema_limits.constrain(cls, cls.django_model):
            cls.model_rebuild(force=True)

    # After parsing, so that only what the schema takes is looked at (keys it ignores are not; a nested
    # schema checks its own fields).
    @field_validator("*", mode="after")
    @classmethod
    def _plain_text_and_dates(cls, value):
        return _in_calendar_span(_reject_nul(value))


# Beyond this many rows a list is paged by cursor: an offset makes the database walk every row before it.
MAX_OFFSET = 10_000


class Listing:
    """A list whose page is turned into the answer's items by ``finish`` once the paginator has cut it
    (e.g. notification groups with their notifications: one query per page, not per row)."""

    def __init__(self, rows: QuerySet, finish: Callable[[list], list]):
        self.rows, self.finish = rows, finish


class Pagination(PaginationBase):
    """A page of ``limit`` items: the first, or the one after a ``cursor`` (each answer's ``next``),
    found by the list's sort keys in an index, so the last page of 100,000 rows answers as fast as the
    first (see :mod:`core.paging`). ``offset`` is kept for small jumps, up to MAX_OFFSET.

    ``count`` (every matching row) is given without a cursor; with one it is null, so that paging on
    does not count the whole list again on every page."""

    class Input(Schema):
        limit: int = Field(50, ge=1, le=500, description="Items per page.")
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description=(
            f"Items to skip, up to {MAX_OFFSET:,}; page further with `cursor`. Not together with `cursor`."))
        cursor: str | None = Field(None, max_length=paging.MAX_CURSOR_LENGTH, description=(
            "Where the page starts: the `next` of the page before, as given (opaque). Keeps its place "
            "when rows are added or removed before it."))

    class Output(Schema):
        items: list[Any]
        count: int | None = Field(description="How many items match, on a page asked without `cursor`; else null.")
        next: str | None = Field(description="The `cursor` of the next page; null on the last.")

    items_attribute = "items"

    def paginate_queryset(self, queryset, pagination: Input, request, **params):
        listing = queryset if isinstance(queryset, Listing) else Listing(queryset, list)
        rows = listing.rows
        keys = paging.keys_of(rows)
        rows = paging.ordered(rows, keys)
        where = request.path
        count = None
        if pagination.cursor:
            if pagination.offset:
                raise ValidationError({"offset": [_("Give either a cursor or an offset, not both.")]})
            try:
                values = paging.decode(pagination.cursor, keys, where)
            except paging.CursorError as error:
                raise ValidationError({"cursor": [_(
                    "Not a cursor of this list: pass the 'next' of its last page as it came.")]}) from error
            page = list(paging.after(rows, keys, values)[:pagination.limit + 1])
        else:
            count = rows.count()
            page = list(rows[pagination.offset:pagination.offset + pagination.limit + 1])
        more = len(page) > pagination.limit
        page = page[:pagination.limit]
        following = paging.encode(keys, paging.values_of(page[-1], keys), where) if more and page else None
        return {"items": listing.finish(page), "count": count, "next": following}


class ErrorOut(Schema):
    detail: str


class ValidationErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]]


def _field_of(location: list[Any]) -> str:
    parts = [str(part) for part in location if part not in ("body", "payload", "query", "path")]
    return ".".join(parts) or "__all__"


# The answers every operation may give besides its own, and when: declared in the OpenAPI document by
# ``declare_error_responses`` from what each operation takes, so that no client meets an undocumented one.
_ERROR_RESPONSES = {
    400: ("The body could not be read (not JSON, or a broken form upload).", ErrorOut),
    401: ("Not signed in: send `Authorization: Bearer <token>` (see `kam token`).", ErrorOut),
    403: ("The user sees the record but their role may not do this to it.", ErrorOut),
    404: ("No such record, or one the user may not see.", ErrorOut),
    409: ("The record changed since the `version` sent was read: read it again.", ErrorOut),
    413: ("The request body is larger than this installation accepts (`KAM_UPLOAD_MAX_BYTES`).", ErrorOut),
    422: ("Invalid input: `errors` names each field and what is wrong with it.", ValidationErrorOut),
    429: ("Too many requests: wait the seconds `Retry-After` says.", ErrorOut),
}
_WRITES = {"post", "put", "patch", "delete"}


def _body_schema(schema: dict, operation: dict) -> dict:
    for content in operation.get("requestBody", {}).get("content", {}).values():
        body = content.get("schema", {})
        ref = body.get("$ref", "")
        if ref.startswith("#/components/schemas/"):
            body = schema["components"]["schemas"].get(ref.rsplit("/", 1)[1], {})
        return body
    return {}


def error_statuses(schema: dict, operation: dict, method: str) -> set[int]:
    """The error statuses an operation can answer, from its shape: 401 and 429 when it needs a sign-in,
    403 when a signed-in user writes, 404 when a path names a record, 422 when it takes any input, 400
    and 413 with a body, 409 when the body carries the ``version`` it was read at."""
    statuses: set[int] = set()
    parameters = operation.get("parameters", [])
    body = _body_schema(schema, operation)
    if operation.get("security"):
        statuses |= {401, 429}
        if method in _WRITES:
            statuses.add(403)
    if any(parameter.get("in") == "path" for parameter in parameters):
        statuses.add(404)
    if parameters or "requestBody" in operation:
        statuses.add(422)
    if "requestBody" in operation:
        statuses |= {400, 413}
    if "version" in body.get("properties", {}):
        statuses.add(409)
    return statuses


def declare_error_responses(schema: dict) -> dict:
    """Add the error answers of every operation to an OpenAPI document (those an operation declares
    itself are kept as they are)."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for model in (ErrorOut, ValidationErrorOut):
        components.setdefault(model.__name__, model.model_json_schema(ref_template="#/components/schemas/{model}"))
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            declared = {int(status) for status in responses}
            for status in sorted(error_statuses(schema, operation, method) - declared):
                description, model = _ERROR_RESPONSES[status]
                responses[status] = {
                    "description": description,
                    "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}},
                }
    return schema


# What ``InputSchema`` refuses in any text, as a pattern: a NUL character.
NO_NUL_PATTERN = "^[^\u0000]*$"


def _forbid_nul(node: Any, components: dict, seen: set[str]) -> None:
    """Give every string of a request schema (and of the components it uses) the no-NUL pattern; strings
    that already have a pattern or a list of values say more than that already. A file may not be empty."""
    if isinstance(node, list | tuple):
        for item in node:
            _forbid_nul(item, components, seen)
        return
    if not isinstance(node, dict) or "pattern" in node:
        return
    ref = node.get("$ref", "")
    if ref.startswith("#/components/schemas/"):
        name = ref.rsplit("/", 1)[1]
        if name not in seen:
            seen.add(name)
            _forbid_nul(components.get(name, {}), components, seen)
        return
    if node.get("type") == "string" and node.get("format") == "binary":
        node.setdefault("minLength", 1)  # an empty file is refused like a missing one
    elif node.get("type") == "string" and not {"enum", "const"} & node.keys():
        node["pattern"] = NO_NUL_PATTERN
    if node.get("type") == "object" and "additionalProperties" in node:
        node.setdefault("propertyNames", {}).setdefault("pattern", NO_NUL_PATTERN)
    for key, value in node.items():
        if key in ("properties", "additionalProperties", "items", "anyOf", "oneOf", "allOf", "schema", "content"):
            _forbid_nul(list(value.values()) if key in ("properties", "content") else value, components, seen)


def declare_text_rules(schema: dict) -> dict:
    """Say in the OpenAPI document that request text may not hold NUL characters (see ``InputSchema``)
    and that an uploaded file may not be empty."""
    components, seen = schema.get("components", {}).get("schemas", {}), set()
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                _forbid_nul(parameter.get("schema", {}), components, seen)
            _forbid_nul(list(operation.get("requestBody", {}).get("content", {}).values()), components, seen)
    return schema


class KeyaccountAPI(NinjaAPI):
    """The API whose OpenAPI document declares every operation's error answers and the rules of text."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return declare_text_rules(declare_error_responses(schema))


def install_error_handlers(api: NinjaAPI) -> None:
    """One error shape for the whole API: ``{"detail": ..., "errors": {field: [messages]}}`` on 422."""

    @api.exception_handler(ValidationError)
    def django_validation_error(request, exc: ValidationError):
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        return api.create_response(request, {"detail": "Validation failed.", "errors": errors}, status=422)

    @api.exception_handler(NinjaValidationError)
    def schema_validation_error(request, exc: NinjaValidationError):
        errors: dict[str, list[str]] = {}
        for error in exc.errors:
            errors.setdefault(_field_of(list(error.get("loc", []))), []).append(str(error.get("msg", "invalid")))
        return api.create_response(request, {"detail": "Validation failed.", "errors": errors}, status=422)

    @api.exception_handler(ConflictError)
    def conflict(request, exc: ConflictError):
        return api.create_response(request, {"detail": str(exc)}, status=409)

    @api.exception_handler(AccessDenied)
    def denied(request, exc: AccessDenied):
        return api.create_response(request, {"detail": str(exc)}, status=403)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(request, {"detail": "Not found."}, status=404)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return api.create_response(request, {"detail": "Authentication required: send 'Authorization: Bearer "
                                                       "<token>' (see `kam token`)."}, status=401)

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


def sees_finances(context) -> bool:
    """For an output schema's resolver (``resolve_x(obj, context)``): whether the user the API answers
    may see money (prices, revenues); the rule is ``core.access``'s, as on the pages."""
    request = (context or {}).get("request")
    return access.can(getattr(request, "user", None), access.Capability.VIEW_FINANCES)


def referenced(field: str, fetch: Callable[..., T], **lookup) -> T:
    """A record a request body names by id, fetched through its ``*_get_for_user`` query (or any fetch
    that raises Http404). The path of an operation names the record acted on, and a 404 there is right;
    an id in the body that names nothing the user may see is a bad value of that field: a 422 naming it."""
    try:
        return fetch(**lookup)
    except Http404 as error:
        raise ValidationError({field: [_("No such record, or one you may not see.")]}) from error


def payload_data(payload: Schema, *, exclude: set[str] = frozenset({"version"})) -> dict[str, Any]:
    """The fields a client actually sent (PATCH semantics), ready for a service."""
    return payload.model_dump(exclude_unset=True, exclude=set(exclude))


def patch_data(payload: Schema, model) -> dict[str, Any]:
    """The fields a PATCH sent, for ``model``: ``null`` clears a field the model lets be empty (a
    parent company, a birthday, a due date) and leaves any other field as it is."""
    nullable = {name for field in model._meta.concrete_fields if field.null for name in (field.name, field.attname)}
    return {key: value for key, value in payload_data(payload).items() if value is not None or key in nullable}
