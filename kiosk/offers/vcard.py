"""vCard 3.0 (RFC 2426) text for the take-home QR codes, and German phone-number helpers.

Pure logic, no Flask: the app builds a `Contact` from an offer or help service and encodes
`build_vcard(contact)` as a QR code. Contacts here are services, never private persons.

Phone rules (German numbers, as staff type them):
- spaces, slashes, dashes, dots and parentheses are dropped; "+49 (0)30" means "+49 30";
- a leading 0 becomes +49 (so free-phone 0800 … becomes +49800 …), 00 becomes +;
- the nationwide short numbers 110, 112, 115 and 116xxx (116 117, 116 016, …) stay as dialled;
- anything else (letters, numbers without area code) raises ValueError.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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
        lines.append(f"URL:{_checked_uri(contact.url)}")
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


def _checked_uri(uri: str) -> str:
    """URL is a URI value, not text, so it is not escaped; whitespace would break the line."""
    if not uri or any(character.isspace() or ord(character) < 32 for character in uri):
        raise ValueError(f"not a usable web address: {uri!r}")
    return uri


# --- phone numbers ----------------------------------------------------------------------------

_SHORT_NUMBER = re.compile(r"11[025]|116\d{3}")  # 110, 112, 115, EU 116xxx (116 117, 116 016)
_TRUNK_ZERO = re.compile(r"^(\+\d{1,3})\s*\(0\)")  # "+49 (0)30 …": the (0) is not dialled
_SEPARATORS = re.compile(r"[\s/\-().]")


def normalise_phone(number: str) -> str:
    """E.164 form ("030 677 960 86" -> "+493067796086"); short numbers stay as dialled."""
    compact = _SEPARATORS.sub("", _TRUNK_ZERO.sub(r"\1", number.strip()))
    if not re.fullmatch(r"\+?\d+", compact):
        raise ValueError(f"not a phone number: {number!r}")
    if _SHORT_NUMBER.fullmatch(compact):
        return compact
    if compact.startswith("+"):
        digits = compact[1:]
    elif compact.startswith("00"):
        digits = compact[2:]
    elif compact.startswith("0"):
        digits = "49" + compact[1:]
    else:
        raise ValueError(f"{number!r} has no area code: write it with the leading 0 (030 …)")
    if not 7 <= len(digits) <= 15:  # E.164 allows at most 15 digits
        raise ValueError(f"{number!r} is too short or too long for a phone number")
    return "+" + digits


def tel_uri(number: str) -> str:
    """Link or QR payload that lets a phone dial the number ("tel:+493067796086", "tel:116117")."""
    return "tel:" + normalise_phone(number)


def readable_phone(number: str) -> str:
    """Display form, kept simple on purpose (no full area-code table):

    - German numbers are written nationally with a leading 0. The area code is set apart when it
      is one we can recognise: Berlin 030, free-phone 0800, mobile 015x/016x/017x. The rest is
      grouped in threes ("030 677 960 86", "0800 111 0111"); otherwise the number stays unspaced.
    - Short numbers in threes ("116 117", "112"); foreign numbers stay in +E.164 form.
    """
    normalised = normalise_phone(number)
    if not normalised.startswith("+"):
        return _in_threes(normalised)
    if not normalised.startswith("+49"):
        return normalised
    national = normalised[3:]
    if national.startswith("30"):
        area_code_length = 2
    elif national.startswith("800") or national[:2] in ("15", "16", "17"):
        area_code_length = 3
    else:
        return "0" + national
    return f"0{national[:area_code_length]} {_in_threes(national[area_code_length:])}"


def _in_threes(digits: str) -> str:
    """Groups of three from the left; a single last digit joins the group before it."""
    groups = [digits[start:start + 3] for start in range(0, len(digits), 3)]
    if len(groups) > 1 and len(groups[-1]) == 1:
        groups[-2:] = [groups[-2] + groups[-1]]
    return " ".join(groups)
