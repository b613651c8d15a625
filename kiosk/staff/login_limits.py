"""Limits on password guessing that are cheap to enforce and cannot be used to lock anyone out.

Two limits, both checked before any password is hashed:

- per client address, in memory only (never stored, never logged): at most N password checks in a
  sliding window; a client over it is refused at once, so a flood costs no scrypt hash at all;
- per account, growing delays after a few failures (``delay_after``): while the delay runs, a
  login from a device that has not logged in to that account before is answered exactly like a
  wrong password. A device that has (it carries a signed device cookie, OWASP's "device cookie"
  pattern) is not slowed, so strangers slowing an account never keep its owner out.

No Flask here: the login view (kiosk/auth.py) wires these to requests, and ``FloodGuard`` turns
away a client over its limit in front of the app, before sessions, forms or the database.
"""

import ipaddress
import math
import threading
import time
from collections import deque
from datetime import timedelta

MAX_CLIENTS = 4096  # addresses remembered at once; a flood of made-up addresses forgets the oldest


def client_key(address: str | None) -> str:
    """An IPv6 client counts by its /64 network: one device can make up addresses within it."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return address or "-"
    if ip.version == 6:
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


class ClientLimiter:
    """Password checks per client address in a sliding window, in this process's memory only."""

    def __init__(self, attempts: int, window_seconds: float, clock=time.time):
        self.attempts = attempts
        self.window = window_seconds
        self.clock = clock
        self._lock = threading.Lock()
        self._seen: dict[str, deque] = {}

    def take(self, address: str | None) -> bool:
        """Count one attempt for this client; False (and nothing counted) when it is over the limit."""
        key, now = client_key(address), self.clock()
        with self._lock:
            times = self._seen.get(key)
            if times is None:
                if len(self._seen) >= MAX_CLIENTS:
                    self._forget_old(now)
                times = self._seen[key] = deque()
            while times and times[0] <= now - self.window:
                times.popleft()
            if len(times) >= self.attempts:
                return False
            times.append(now)
            return True

    def is_full(self, address: str | None) -> bool:
        """Whether the next attempt would be refused: a flood is turned away before anything else."""
        now = self.clock()
        with self._lock:
            times = self._seen.get(client_key(address))
            return times is not None and sum(1 for t in times if t > now - self.window) >= self.attempts

    def retry_after(self, address: str | None) -> int:
        """Whole seconds until this client may try again (at least 1): when its oldest attempt
        in the window leaves it."""
        now = self.clock()
        with self._lock:
            times = self._seen.get(client_key(address))
            oldest = next((t for t in times or () if t > now - self.window), None)
        return 1 if oldest is None else max(1, math.ceil(oldest + self.window - now))

    def give_back(self, address: str | None) -> None:
        """A successful login does not use up the client's budget."""
        with self._lock:
            times = self._seen.get(client_key(address))
            if times:
                times.pop()

    def _forget_old(self, now):
        for key in [key for key, times in self._seen.items() if not times or times[-1] <= now - self.window]:
            del self._seen[key]
        while len(self._seen) >= MAX_CLIENTS:  # all recent: forget the longest-known ones
            del self._seen[next(iter(self._seen))]


def delay_after(failures: int, free: int, first_seconds: float, max_seconds: float) -> timedelta:
    """How long an account waits after this many failures in a row: none for the first ``free``,
    then ``first_seconds`` doubling with every further failure, never more than ``max_seconds``."""
    if failures < free:
        return timedelta(0)
    return timedelta(seconds=min(max_seconds, first_seconds * 2 ** min(failures - free, 32)))


class FloodGuard:
    """WSGI middleware: a POST to a password form from a client over its limit gets a small 429
    page with Retry-After, before any session, form, database or template.

    A flooding client asks again as soon as it is answered, so however cheap the answer, it comes
    back a thousand times a second and the tablets share the server with it (issue 13 measured
    3.75x slower check-ins). So the refusal is also held back for ``hold_seconds``: the client
    waits, in a server thread that sleeps and costs no CPU. At most ``held_at_once`` refusals
    wait at a time, fewer than the server has threads, so the tablets always find a free one; a
    refusal beyond them is answered at once.
    """

    HEADERS = [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store"),
               ("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'"),
               ("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "same-origin")]

    def __init__(self, wsgi_app, limiter: ClientLimiter, paths, page: str, hold_seconds: float = 0.0,
                 held_at_once: int = 0, sleep=time.sleep):
        self.wsgi_app, self.limiter, self.paths, self.page = wsgi_app, limiter, frozenset(paths), page
        self.hold_seconds, self.sleep = hold_seconds, sleep
        self._holding = threading.BoundedSemaphore(held_at_once) if held_at_once > 0 else None

    def __call__(self, environ, start_response):
        if (environ.get("REQUEST_METHOD") == "POST" and environ.get("PATH_INFO") in self.paths
                and self.limiter.is_full(environ.get("REMOTE_ADDR"))):
            self._hold()
            body = self.page.replace("{root}", environ.get("SCRIPT_NAME", "")).encode()
            retry = str(self.limiter.retry_after(environ.get("REMOTE_ADDR")))
            start_response("429 Too Many Requests", [*self.HEADERS, ("Retry-After", retry),
                                                     ("Content-Length", str(len(body)))])
            return [body]
        return self.wsgi_app(environ, start_response)

    def _hold(self):
        if self._holding is None or self.hold_seconds <= 0 or not self._holding.acquire(blocking=False):
            return
        try:
            self.sleep(self.hold_seconds)
        finally:
            self._holding.release()
