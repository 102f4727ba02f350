"""What every app's ``api.py`` shares: authentication, error shapes, pagination."""

from __future__ import annotations

from typing import Annotated, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import LimitOffsetPagination
from ninja.security import APIKeyCookie, HttpBearer
from pydantic import field_validator

from keyaccount.core import services
from keyaccount.core.errors import AccessDenied, ConflictError
from keyaccount.core.models import MAX_ID


class BearerTokenAuth(HttpBearer):
    """``Authorization: Bearer kam_…``: a token made by ``kam token USERNAME``."""

    def authenticate(self, request, token):
        user = services.token_authenticate(token)
        if user is not None:
            request.user = user
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


class InputSchema(Schema):
    """Base of every request body and query schema: no NUL characters anywhere (PostgreSQL cannot
    store them in text or JSON, and no person types them)."""

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value):
        return _reject_nul(value)


class Pagination(LimitOffsetPagination):
    """limit/offset with bounds, so an absurd offset is a 422 rather than a database error."""

    class Input(Schema):
        limit: int = Field(50, ge=1, le=500)
        offset: int = Field(0, ge=0, le=MAX_ID)


class ErrorOut(Schema):
    detail: str


class ValidationErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]]


def _field_of(location: list[Any]) -> str:
    parts = [str(part) for part in location if part not in ("body", "payload", "query", "path")]
    return ".".join(parts) or "__all__"


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


def payload_data(payload: Schema, *, exclude: set[str] = frozenset({"version"})) -> dict[str, Any]:
    """The fields a client actually sent (PATCH semantics), ready for a service."""
    return payload.model_dump(exclude_unset=True, exclude=set(exclude))


def patch_data(payload: Schema, model) -> dict[str, Any]:
    """The fields a PATCH sent, for ``model``: ``null`` clears a field the model lets be empty (a
    parent company, a birthday, a due date) and leaves any other field as it is."""
    nullable = {name for field in model._meta.concrete_fields if field.null for name in (field.name, field.attname)}
    return {key: value for key, value in payload_data(payload).items() if value is not None or key in nullable}
