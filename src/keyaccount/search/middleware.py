"""Remembers the detail pages a signed-in user opens (an account, a person, a deal, a ticket) as
their recent items, keyed on the URL name the page resolved to, so no app's view has to know."""

from __future__ import annotations

import logging

from django.db import DatabaseError

from keyaccount.search import queries, services

logger = logging.getLogger(__name__)


class RecentItemsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if (match is not None and match.view_name in queries.TRACKED_ROUTES and request.method == "GET"
                and response.status_code == 200 and not request.headers.get("HX-Request")
                and request.user.is_authenticated):
            self._remember(request.user, queries.TRACKED_ROUTES[match.view_name], match.kwargs.get("pk"))
        return response

    @staticmethod
    def _remember(user, kind, object_id):
        # The page is already rendered: a failure to remember it must not cost the user the page.
        try:
            title = queries.record_title(user=user, kind=kind, object_id=object_id)
            if title is not None:
                services.recent_item_record(user=user, kind=kind, object_id=int(object_id), title=title)
        except DatabaseError:
            logger.exception("Could not remember %s %s as a recent item of %s", kind, object_id, user.pk)
