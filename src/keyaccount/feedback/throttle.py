"""Limits on the public form and its API: at most so many submissions per address and per link in
a window (counted in the cache, so every app process shares the count where the cache is Redis)."""

from __future__ import annotations

from django.core.cache import cache

LIMIT_PER_ADDRESS = 5
LIMIT_PER_LINK = 20
WINDOW_SECONDS = 600


def client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def over_limit(request, target) -> bool:
    """Count one submission against the address and ``target`` (the feedback link or the survey it
    came through); True when either is over its limit."""
    over = False
    for key, limit in ((f"feedback-form:ip:{client_address(request)}", LIMIT_PER_ADDRESS),
                       (f"feedback-form:{target._meta.model_name}:{target.pk}", LIMIT_PER_LINK)):
        cache.add(key, 0, WINDOW_SECONDS)
        try:
            over |= cache.incr(key) > limit
        except ValueError:  # the count expired between add and incr
            cache.set(key, 1, WINDOW_SECONDS)
    return over
