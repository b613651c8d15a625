"""Phone numbers as staff type them, stored in E.164 and shown as Germans write them.

Pure logic, no Flask. Parsing, validation, the area codes and the mobile type come from
`phonenumbers` (Google's libphonenumber data, region DE); the kiosk adds only what it needs:

- digits in any script are read as ASCII digits first ("+٤٩ ٣٠ …", full-width "０３０ …"), so the
  stored number, the `tel:` code and the vCard can always be dialled;
- letters ("0800-FLOWERS"), extensions and numbers without an area code are refused, not guessed;
- the nationwide short numbers 110, 112, 115 and 116xxx (116 117, 116 016, …) stay as dialled;
- on screen the area code is set apart by phonenumbers and the rest grouped in threes, which is
  easier to read aloud and to type ("030 677 960 86", "0331 987 6543").
"""

from __future__ import annotations

import re
import unicodedata

REGION = "DE"
_SHORT_NUMBER = re.compile(r"11[025]|116\d{3}")  # 110, 112, 115, EU 116xxx (116 117, 116 016)
_TRUNK_ZERO = re.compile(r"^(\+\d{1,3})\s*\(0\)")  # "+49 (0)30 …": the (0) is not dialled
_SEPARATORS = re.compile(r"[\s/\-().]")
_PLUS_SIGNS = {"＋": "+", "﹢": "+"}


def ascii_digits(text: str) -> str:
    """Every decimal digit of any script as its ASCII digit; a full-width plus as "+"."""
    return "".join(
        str(unicodedata.decimal(character)) if character.isdecimal() else _PLUS_SIGNS.get(character, character)
        for character in text
    )


def normalise_phone(number: str) -> str:
    """E.164 form ("030 677 960 86" -> "+493067796086"); short numbers stay as dialled.

    Raises ValueError (English, for developers; the forms say it in German) for anything that is
    not a whole, valid phone number.
    """
    import phonenumbers  # deferred for start-up cost: its metadata is a tenth of the kiosk's imports

    compact = _SEPARATORS.sub("", _TRUNK_ZERO.sub(r"\1", ascii_digits(number.strip())))
    if not re.fullmatch(r"\+?[0-9]+", compact):
        raise ValueError(f"not a phone number: {number!r}")
    if _SHORT_NUMBER.fullmatch(compact):
        return compact
    if not compact.startswith(("+", "0")):
        raise ValueError(f"{number!r} has no area code: write it with the leading 0 (030 …)")
    try:
        parsed = phonenumbers.parse(compact, REGION)
    except phonenumbers.NumberParseException as error:
        raise ValueError(f"{number!r} is not a phone number: {error}") from None
    if not phonenumbers.is_valid_number(parsed):
        raise ValueError(f"{number!r} is too short, too long or has an unknown area code")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def tel_uri(number: str) -> str:
    """Link or QR payload that lets a phone dial the number ("tel:+493067796086", "tel:116117")."""
    return "tel:" + normalise_phone(number)


def _stored(number: str):
    """The parsed number, or None for a short number or one that cannot be parsed (shown as is)."""
    import phonenumbers  # deferred for start-up cost: its metadata is a tenth of the kiosk's imports

    compact = _SEPARATORS.sub("", ascii_digits(number.strip()))
    if _SHORT_NUMBER.fullmatch(compact):
        return None
    try:
        return phonenumbers.parse(compact, REGION)
    except phonenumbers.NumberParseException:
        return None


def readable_phone(number: str) -> str:
    """Display form of a stored (or typed) number; never raises, so an odd old row still shows.

    German numbers nationally with the area code set apart and the rest in threes; short numbers
    in threes ("116 117"); foreign numbers in the international form ("+90 212 000 00 00").
    """
    import phonenumbers  # deferred for start-up cost: its metadata is a tenth of the kiosk's imports

    compact = _SEPARATORS.sub("", ascii_digits(number.strip()))
    if _SHORT_NUMBER.fullmatch(compact):
        return _in_threes(compact)
    parsed = _stored(number)
    if parsed is None:
        return number.strip()
    if parsed.country_code != phonenumbers.country_code_for_region(REGION):
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    national = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    area_code, _, subscriber = national.partition(" ")
    if not subscriber:
        return national
    return f"{area_code} {_in_threes(subscriber.replace(' ', ''))}"


def is_mobile(number: str) -> bool:
    """A mobile number by its prefix (0151…, 0170…), whatever kind staff picked."""
    import phonenumbers  # deferred for start-up cost: its metadata is a tenth of the kiosk's imports

    parsed = _stored(number)
    return parsed is not None and phonenumbers.number_type(parsed) == phonenumbers.PhoneNumberType.MOBILE


def _in_threes(digits: str) -> str:
    """Groups of three from the left; a single last digit joins the group before it."""
    groups = [digits[start:start + 3] for start in range(0, len(digits), 3)]
    if len(groups) > 1 and len(groups[-1]) == 1:
        groups[-2:] = [groups[-2] + groups[-1]]
    return " ".join(groups)
