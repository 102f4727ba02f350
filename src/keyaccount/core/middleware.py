"""Per-user language and time zone, chosen in the profile (else the browser's language)."""

from __future__ import annotations

from django.utils import timezone, translation


class UserPreferencesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if user.language:
                translation.activate(user.language)
                request.LANGUAGE_CODE = user.language
            timezone.activate(user.zone)
        response = self.get_response(request)
        timezone.deactivate()
        return response
