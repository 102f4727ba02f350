"""Rate limits shared by every app process: sign-in, the REST API, public forms, inbound mail.

Hits are counted in the default cache, which all processes share: the database cache by default
(``core.cache``: its increments are atomic) and Redis when ``KAM_REDIS_URL`` is set. Each limit
counts in fixed windows (``5/10min``: at most 5 in each ten-minute window, so at a window's edge
up to twice that may pass in a short while); over the limit the caller answers 429 with
``Retry-After``, the seconds left in the window.

Failed sign-ins per username and address are django-axes's (its attempts live in the database);
this module adds the per-address limit on failures that catches one host trying many usernames.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import re
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from ninja.throttling import BaseThrottle

_UNITS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([a-z]+)\s*$")


@dataclass(frozen=True)
class Rate:
    """At most ``count`` hits in each window of ``seconds``."""

    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str, *, setting: str = "") -> Rate:
        """``"120/min"``, ``"5/10min"``, ``"1000/h"``, ``"20/day"``."""
        match = _RATE.match(text.lower())
        if not match or match.group(3) not in _UNITS or int(match.group(2) or 1) == 0:
            raise ImproperlyConfigured(f"{setting or 'A rate'} must look like 120/min, 5/10min, 1000/h or 20/day, "
                                       f"not “{text}”.")
        return cls(int(match.group(1)), int(match.group(2) or 1) * _UNITS[match.group(3)])


def client_address(request) -> str | None:
    """The client's address: the connection's peer, or behind ``KAM_PROXY_COUNT`` proxies the
    address the outermost of them saw (earlier X-Forwarded-For entries are the client's to forge).
    None when there is no valid address (django-axes, which stores it, accepts that)."""
    candidates = [request.META.get("REMOTE_ADDR", "")]
    proxies = settings.KAM_PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if len(forwarded) >= proxies:
            candidates.insert(0, forwarded[-proxies])
    for candidate in candidates:
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return None


def _address(request) -> str:
    """Whom an address limit counts: the address, or for IPv6 its /64 network, since one
    subscriber is usually given a whole /64 and could otherwise take a fresh address per request."""
    address = client_address(request)
    if address is None:
        return "unknown"
    if ":" in address:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return address


def _key(scope: str, ident: str, window: int) -> str:
    # Hashed, so any identifier (an address, a username, a link's id) makes a short, safe cache key.
    digest = hashlib.sha256(ident.encode()).hexdigest()[:32]
    return f"throttle:{scope}:{digest}:{window}"


def hit(scope: str, ident: str, rate: Rate) -> int:
    """Count one hit of ``ident`` (an address, a user's id, a link's id) against ``rate`` in
    ``scope``: 0 while within the limit, else the seconds until the window ends."""
    now = time.time()
    window = int(now // rate.seconds)
    key = _key(scope, ident, window)
    # Add, then increment: the same statements on every hit, so that a request's cost (and the
    # query counts tests pin) does not depend on whether it is the first of its window. The entry
    # lives one second beyond the window, so the last hit of a window still finds its count.
    cache.add(key, 0, rate.seconds + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # swept or evicted between the two calls
        count = 1 if cache.add(key, 1, rate.seconds + 1) else cache.incr(key)
    return 0 if count <= rate.count else max(1, math.ceil((window + 1) * rate.seconds - now))


def wait(scope: str, ident: str, rate: Rate) -> int:
    """Like ``hit`` without counting: how long ``ident`` must wait now, 0 when it need not."""
    now = time.time()
    window = int(now // rate.seconds)
    count = cache.get(_key(scope, ident, window), 0)
    return 0 if count < rate.count else max(1, math.ceil((window + 1) * rate.seconds - now))


def sign_in_wait(request) -> int:
    """How long the client's address must wait before it may try to sign in again (0: it need not)."""
    return wait("sign-in:address", _address(request), rate_setting("KAM_LOGIN_ADDRESS_RATE"))


def sign_in_failed(request) -> None:
    hit("sign-in:address", _address(request), rate_setting("KAM_LOGIN_ADDRESS_RATE"))


def rate_setting(name: str) -> Rate:
    return Rate.parse(getattr(settings, name), setting=name)


def public_submission_wait(request, target) -> int:
    """Count one submission of a public form (a feedback link's, a survey's answer) against the
    client's address and against ``target`` (the link or the survey): 0 when both are within their
    limits, else the seconds to wait."""
    by_address = hit("public-form:address", _address(request), rate_setting("KAM_PUBLIC_FORM_RATE"))
    by_target = hit(f"public-form:{target._meta.label_lower}", str(target.pk), rate_setting("KAM_PUBLIC_LINK_RATE"))
    return max(by_address, by_target)


class ApiThrottle(BaseThrottle):
    """A django-ninja throttle counted by ``hit``. Ninja keeps one instance for every request and
    asks ``wait()`` right after ``allow_request()`` in the same thread, so the wait is kept per thread."""

    scope = "api"
    rate_setting = ""

    def __init__(self):
        self._waits = threading.local()

    def ident(self, request) -> str | None:
        raise NotImplementedError

    def allow_request(self, request) -> bool:
        ident = self.ident(request)
        self._waits.seconds = hit(self.scope, ident, rate_setting(self.rate_setting)) if ident else 0
        return not self._waits.seconds

    def wait(self) -> float | None:
        return getattr(self._waits, "seconds", 0) or None


class UserThrottle(ApiThrottle):
    """Every call of one user, whichever token (or the session) it comes with: ``KAM_API_RATE``."""

    scope = "api:user"
    rate_setting = "KAM_API_RATE"

    def ident(self, request) -> str | None:
        user = getattr(request, "auth", None) or getattr(request, "user", None)
        return str(user.pk) if getattr(user, "is_authenticated", False) and user.pk else None


class AddressThrottle(ApiThrottle):
    """Every call from one address, signed in or not: ``KAM_API_ADDRESS_RATE``."""

    scope = "api:address"
    rate_setting = "KAM_API_ADDRESS_RATE"

    def ident(self, request) -> str | None:
        return _address(request)


class InboundMailThrottle(AddressThrottle):
    """Posts to the inbound-mail endpoint from one address, the secret right or wrong: ``KAM_INBOUND_RATE``."""

    scope = "api:inbound-mail"
    rate_setting = "KAM_INBOUND_RATE"


def api_throttles() -> list[BaseThrottle]:
    return [UserThrottle(), AddressThrottle()]
