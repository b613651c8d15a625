"""The kiosk's clock: every count and every page is in Berlin time; the database stores UTC."""

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")
WEEKDAYS = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")  # staff pages


def berlin_now() -> datetime:
    return datetime.now(timezone.utc).astimezone(BERLIN)


def utcnow():
    """A naive UTC moment, as the database columns store it."""
    return datetime.now(timezone.utc).replace(tzinfo=None)
