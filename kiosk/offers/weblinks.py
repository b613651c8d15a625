"""Web addresses as valid URIs (RFC 3986), so a phone opens exactly the page staff meant.

Staff paste addresses from a browser bar, which shows them decoded ("https://bürgeramt.de/straße").
`web_uri` writes such an address the way the standard wants it: the host in IDNA form
(xn--…), every other non-ASCII character percent-encoded as UTF-8. What is most likely a pasting
slip (spaces, quotes, angle brackets, a backslash) is refused rather than guessed. Only what
`is_web_uri` accepts is stored, put into a code or exported. Pure logic, no Flask.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit, urlunsplit

MAX_LENGTH = 500
SCHEMES = ("http", "https")
_REFUSED = re.compile(r'[\s"<>\\\x00-\x1f\x7f]')
# RFC 3986: unreserved, gen-delims except "#" in a part, sub-delims, "%" (checked below)
_PART_SAFE = "-._~:/?[]@!$&'()*+,;=%"
_URI_PART = re.compile(r"(?:[A-Za-z0-9\-._~:/?@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*")
_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
_STRAY_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


class NotAWebAddress(ValueError):
    """`reason` says which rule failed: "scheme" (no http(s)://host) or "characters"."""

    def __init__(self, text: str, reason: str):
        super().__init__(f"not a usable web address ({reason}): {text!r}")
        self.reason = reason


def web_uri(text: str) -> str:
    """The address as a valid http(s) URI; raises NotAWebAddress when it cannot be one."""
    text = text.strip()
    if _REFUSED.search(text):
        raise NotAWebAddress(text, "characters")
    parts = urlsplit(text)
    if parts.scheme.lower() not in SCHEMES or not parts.hostname or "@" in parts.netloc:
        raise NotAWebAddress(text, "scheme")
    try:
        host = parts.hostname.encode("idna").decode("ascii")
        port = parts.port
    except (UnicodeError, ValueError):
        raise NotAWebAddress(text, "characters") from None
    netloc = host + (f":{port}" if port is not None else "")
    path, query, fragment = (_encoded(part) for part in (parts.path, parts.query, parts.fragment))
    uri = urlunsplit((parts.scheme.lower(), netloc, path, query, fragment))
    if not is_web_uri(uri):
        raise NotAWebAddress(text, "characters")
    return uri


def is_web_uri(text: str) -> bool:
    """An http(s) URI as RFC 3986 writes it: ASCII only, a real host name, encoded parts."""
    if len(text) > MAX_LENGTH or _REFUSED.search(text) or not text.isascii():
        return False
    parts = urlsplit(text)
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        return False
    host = parts.hostname or ""
    return (parts.scheme in SCHEMES and "@" not in parts.netloc
            and all(_LABEL.fullmatch(label) for label in host.split("."))
            and all(_URI_PART.fullmatch(part) for part in (parts.path, parts.query, parts.fragment)))


def _encoded(part: str) -> str:
    """Percent-encode what a URI may not hold raw (UTF-8); a "%" that starts no escape becomes %25."""
    return quote(_STRAY_PERCENT.sub("%25", part), safe=_PART_SAFE)
