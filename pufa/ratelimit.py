"""A small fixed-window rate limiter on the shared cache (Redis in production).

Used where strangers can hammer a public form: ticket-code login, event check-in,
joining a quiz. The cache is shared by all workers, so the limit holds across them.
"""

import time
from dataclasses import dataclass

from django.core.cache import cache


@dataclass(frozen=True)
class RateLimit:
    name: str
    limit: int  # attempts allowed per window
    window: int  # seconds

    def _key(self, identity):
        bucket = int(time.time() // self.window)
        return f"ratelimit:{self.name}:{identity}:{bucket}"

    def hit(self, identity):
        """Count one attempt; True if it is within the limit."""
        key = self._key(identity)
        # add() is atomic: only the first attempt of a window creates the counter.
        if cache.add(key, 1, timeout=self.window + 1):
            return True
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.add(key, 1, timeout=self.window + 1)
            return True
        return count <= self.limit

    def exceeded(self, identity):
        """True when ``identity`` has used up this window (counts nothing): for
        limits that count failures only, checked before trying."""
        return (cache.get(self._key(identity)) or 0) >= self.limit

    def retry_after(self):
        """Seconds until the current window ends."""
        return self.window - int(time.time()) % self.window


def client_address(request):
    """The client's IP address.

    Behind the reverse proxy, uvicorn's --proxy-headers (with --forwarded-allow-ips
    naming the proxy) has already put the real peer in REMOTE_ADDR. X-Forwarded-For is
    not read here: a client could send any value in it to escape its limit.
    """
    return request.META.get("REMOTE_ADDR", "")
