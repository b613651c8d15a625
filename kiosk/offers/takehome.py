"""What goes into the contact code: the whole vCard when its code stays small enough to read,
less when it would not.

A phone camera reads a code on the tablet from about 4 px a module, and the take-home box holds
about 440 px: so at most 110 modules with the quiet zone, a version-20 code (97 + 8). The largest
entry the staff forms allow (20 phone numbers, 200-character names, a 500-character web address)
would need more than any QR code holds. So the vCard gets lighter step by step; what is left out is
still on the screen and the slip, and the web address and the first number have codes of their own.
"""

from __future__ import annotations

from dataclasses import replace

from kiosk import qr
from kiosk.offers.vcard import Contact, build_vcard

MAX_VCARD_VERSION = 20
SHORT = {"name": 50, "street": 60, "city": 40}  # characters kept in the last, lightest step
LONGEST_EMAIL = 60


def fitting_vcard(contact: Contact) -> str:
    """The vCard text of the fullest step whose code is at most version MAX_VCARD_VERSION."""
    for candidate in lighter(contact):
        text = build_vcard(candidate)
        version = qr.version_of(text)
        if version is not None and version <= MAX_VCARD_VERSION:
            return text
    return text  # the last step is short enough by construction (tests/test_qr.py)


def lighter(contact: Contact):
    """The contact, then without the opening hours, then with two numbers and no organisation,
    then only name, first number, a short address and a short e-mail address."""
    yield contact
    yield replace(contact, note="")
    yield replace(contact, note="", organisation="", phones=contact.phones[:2])
    yield replace(
        contact, note="", organisation="", phones=contact.phones[:1], url="",
        email=contact.email if len(contact.email) <= LONGEST_EMAIL else "",
        **{field: _cut(getattr(contact, field), limit) for field, limit in SHORT.items()},
    )


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"
