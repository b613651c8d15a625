"""vCard 3.0 (RFC 2426) text for the take-home QR codes.

Pure logic, no Flask: the app builds a `Contact` from an offer or help service and encodes
`build_vcard(contact)` as a QR code. Contacts here are services, never private persons. Phone
numbers are normalised by kiosk/offers/phones.py, web addresses checked by weblinks.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kiosk.offers.phones import normalise_phone
from kiosk.offers.weblinks import is_web_uri

MAX_LINE_OCTETS = 75  # RFC 2426 §2.6 / RFC 6350 §3.2, not counting the CRLF
CRLF = "\r\n"

# Types RFC 2426 §3.3.1 allows for TEL; checked so no caller text can inject parameters.
TEL_TYPES = frozenset(
    {"HOME", "MSG", "WORK", "PREF", "VOICE", "FAX", "CELL", "VIDEO", "PAGER", "BBS", "MODEM",
     "CAR", "ISDN", "PCS"}
)


@dataclass(frozen=True)
class Phone:
    number: str  # as typed by staff; normalised when the vCard is built
    types: tuple[str, ...] = ("WORK", "VOICE")


@dataclass(frozen=True)
class Contact:
    """What a visitor takes home; empty fields are left out of the vCard."""

    name: str
    organisation: str = ""
    phones: tuple[Phone, ...] = ()
    email: str = ""
    street: str = ""
    postcode: str = ""
    city: str = ""
    country: str = ""
    url: str = ""
    note: str = ""  # e.g. the opening hours, one line per day


def build_vcard(contact: Contact) -> str:
    """The vCard as text with CRLF line endings and long lines folded, ready for a QR code."""
    if not contact.name.strip():
        raise ValueError("a vCard needs a name (FN)")
    lines = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        # N is required in 3.0; for a service its name goes into the family-name slot so every
        # address book shows it.
        f"N:{escape_text(contact.name)};;;;",
        f"FN:{escape_text(contact.name)}",
    ]
    if contact.organisation:
        lines.append(f"ORG:{escape_text(contact.organisation)}")
    for phone in contact.phones:
        lines.append(f"{_tel_property(phone)}:{normalise_phone(phone.number)}")
    if contact.email:
        lines.append(f"EMAIL;TYPE=INTERNET:{escape_text(contact.email)}")
    address = ["", "", contact.street, contact.city, "", contact.postcode, contact.country]
    if any(address):
        lines.append("ADR;TYPE=WORK:" + ";".join(escape_text(part) for part in address))
    if contact.url:
        lines.append(f"URL:{vcard_uri(contact.url)}")
    if contact.note:
        lines.append(f"NOTE:{escape_text(contact.note)}")
    lines.append("END:VCARD")
    return "".join(fold_line(line) + CRLF for line in lines)


def escape_text(value: str) -> str:
    """Escape a text value (RFC 2426 §4, RFC 6350 §3.4): backslash first, then , ; newline."""
    value = value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
    return re.sub(r"\r\n|\r|\n", r"\\n", value)


def fold_line(line: str, limit: int = MAX_LINE_OCTETS) -> str:
    """Fold at `limit` UTF-8 octets with CRLF + space, never inside a multi-byte character.

    A continuation line starts with the space, so it carries at most limit - 1 octets of text.
    """
    pieces: list[str] = []
    piece, piece_octets, budget = "", 0, limit
    for character in line:
        octets = len(character.encode("utf-8"))
        if piece_octets + octets > budget:
            pieces.append(piece)
            piece, piece_octets, budget = "", 0, limit - 1
        piece += character
        piece_octets += octets
    pieces.append(piece)
    return (CRLF + " ").join(pieces)


def _tel_property(phone: Phone) -> str:
    types = [kind.upper() for kind in phone.types]
    unknown = [kind for kind in types if kind not in TEL_TYPES]
    if unknown:
        raise ValueError(f"unknown TEL type(s) {unknown}; allowed: {sorted(TEL_TYPES)}")
    return f"TEL;TYPE={','.join(types)}" if types else "TEL"


def vcard_uri(uri: str) -> str:
    """URL is a URI value, not escaped text, yet common readers split it at "," and ";" as if it
    were a list (vobject keeps "https://example.org/a;b,c" as ".../a;b"). Percent-encoded, the two
    reach every reader whole, and web servers decode them to the same characters."""
    if not is_web_uri(uri):
        raise ValueError(f"not a usable web address: {uri!r}")
    return uri.replace(",", "%2C").replace(";", "%3B")
