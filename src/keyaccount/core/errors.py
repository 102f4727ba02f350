"""Errors that services raise and every edge (view, API, command) turns into a message."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _


class ConflictError(Exception):
    """The record changed since the editor loaded it (optimistic lock)."""

    def __init__(self, message=None):
        super().__init__(message or _(
            "Someone else changed this record after you opened it. Reload it to see their changes, "
            "then apply yours again."
        ))


class AccessDenied(PermissionDenied):
    """The user sees the record but may not do this to it. A PermissionDenied, so that no view
    catches it: pages answer it in one place, Django's handler403 (``core.views.permission_denied``),
    and the API in its exception handler (``core.api``)."""

    def __init__(self, message=None):
        super().__init__(message or _("You are not allowed to do this."))
