"""Named queries over offers and help services: what a category shows, in which order, filtered how.

Returns plain data for templates; no Flask here. A service shows under every category (offers) and
topic (help) it is linked to; target groups are categories of kind "audience" and only filter.
Times are aware datetimes in Berlin time (schedules.py does the clock arithmetic).
"""

from __future__ import annotations

import calendar
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import cache, lru_cache

from babel import Locale, UnknownLocaleError
from peewee import JOIN

from kiosk.models import Category, Location, Organization, Phone, Service, ServiceCategory
from kiosk.offers.vcard import Contact
from kiosk.offers.vcard import Phone as VcardPhone
from kiosk.offers.weblinks import NotAWebAddress, is_web_uri, web_uri
from kiosk.schedules import Schedule, Window, weekly_summary

OFFER, HELP, AUDIENCE = "offer", "help", "audience"
KINDS = (OFFER, HELP, AUDIENCE)
KEY_PATTERN = r"[a-z][a-z0-9-]{0,39}"  # starts with a letter, so /offers/<key> never looks like an id

# Where a card goes on the list, in this order: "today" and "open now" first.
OPEN_NOW, LATER_TODAY, LATER, NO_TIMES, CLOSED = range(5)

PHONE_KINDS = {"voice": ("WORK", "VOICE"), "cell": ("WORK", "CELL"), "fax": ("WORK", "FAX")}

# Languages staff can tick; any other ISO 639 code is accepted from an import.
COMMON_LANGUAGES = ("de", "en", "tr", "ar", "ku", "fa", "ru", "uk", "pl", "bg", "ro", "fr", "es",
                    "vi", "sr")


@dataclass(frozen=True)
class Filters:
    """What the visitor narrowed the list to; empty means everything."""

    language: str = ""
    audience: str = ""
    free: bool = False
    step_free: bool = False

    def args(self) -> dict[str, str]:
        """Query-string arguments that reproduce these filters (for links)."""
        args = {"lang": self.language, "group": self.audience,
                "free": "1" if self.free else "", "stepfree": "1" if self.step_free else ""}
        return {name: value for name, value in args.items() if value}

    def toggled(self, **changes) -> dict[str, str]:
        """The arguments of a link that switches one filter: tapping the chosen value unsets it."""
        for name, value in changes.items():
            if getattr(self, name) == value:
                changes[name] = type(value)()
        return replace(self, **changes).args()

    @property
    def active(self) -> bool:
        return bool(self.args())


def parse_filters(args: Mapping[str, str], languages, audiences) -> Filters:
    """Filters from a query string; an unknown value is dropped calmly (a stale link still works)."""
    language = args.get("lang", "")
    audience = args.get("group", "")
    return Filters(
        language=language if language in languages else "",
        audience=audience if audience in audiences else "",
        free=args.get("free") == "1",
        step_free=args.get("stepfree") == "1",
    )


@dataclass(frozen=True)
class Card:
    """One service on a list, with when it is next open."""

    service: Service
    group: int
    window: Window | None

    @property
    def open_now(self) -> bool:
        return self.group == OPEN_NOW


# --- categories -------------------------------------------------------------------------------


def categories(kind: str) -> list[Category]:
    return list(Category.select().where(Category.kind == kind)
                .order_by(Category.position, Category.name))


def category_by_key(kind: str, key: str) -> Category | None:
    return Category.get_or_none((Category.kind == kind) & (Category.key == key))


def visible_counts(kind: str) -> dict[int, int]:
    """{category id: number of visible services} for the tiles."""
    query = (ServiceCategory.select(ServiceCategory.category, Service.id)
             .join(Service).switch(ServiceCategory).join(Category)
             .where((Category.kind == kind) & (Service.hidden == False))  # noqa: E712
             .tuples())
    counts: dict[int, int] = {}
    for category_id, _service_id in query:
        counts[category_id] = counts.get(category_id, 0) + 1
    return counts


# --- services ---------------------------------------------------------------------------------


def _visible():
    return (Service.select(Service, Location, Organization)
            .join(Location, JOIN.LEFT_OUTER).switch(Service)
            .join(Organization, JOIN.LEFT_OUTER).switch(Service)
            .where(Service.hidden == False))  # noqa: E712


def services_in(category: Category) -> list[Service]:
    linked = ServiceCategory.select(ServiceCategory.service).where(
        ServiceCategory.category == category)
    return list(_visible().where(Service.id.in_(linked)))


def services_of_kind(kind: str) -> list[Service]:
    """Every visible service in some category of this kind (all offers, say), each once."""
    linked = (ServiceCategory.select(ServiceCategory.service).join(Category)
              .where(Category.kind == kind))
    return list(_visible().where(Service.id.in_(linked)))


def visible_service(service_id: int, kind: str) -> Service | None:
    """A service the visitor may open from the offers (kind "offer") or help (kind "help") side."""
    linked = (ServiceCategory.select(ServiceCategory.service).join(Category)
              .where(Category.kind == kind))
    return _visible().where((Service.id == service_id) & Service.id.in_(linked)).first()


def visible_services(service_ids) -> list[Service]:
    """Services by id in the given order, leaving out hidden and deleted ones."""
    found = {service.id: service for service in _visible().where(Service.id.in_(list(service_ids)))}
    return [found[service_id] for service_id in service_ids if service_id in found]


def kinds_of(service: Service) -> set[str]:
    """"offer" and/or "help": the sides of the kiosk the service shows on."""
    query = (Category.select(Category.kind).join(ServiceCategory)
             .where(ServiceCategory.service == service).tuples())
    return {kind for (kind,) in query} - {AUDIENCE}


def topics_of(services) -> set[tuple[str, str]]:
    """(kind, key) of every category and help topic these services are in, in one query."""
    query = (Category.select(Category.kind, Category.key).join(ServiceCategory)
             .where(ServiceCategory.service.in_([service.id for service in services])).tuples())
    return set(query)


def audiences_by_service(services) -> dict[int, list[Category]]:
    """{service id: its target groups}, in one query for a whole list."""
    found: dict[int, list[Category]] = {service.id: [] for service in services}
    links = (ServiceCategory.select(ServiceCategory, Category).join(Category)
             .where((Category.kind == AUDIENCE) & ServiceCategory.service.in_(list(found)))
             .order_by(Category.position, Category.name))
    for link in links:
        found[link.service_id].append(link.category)
    return found


def languages_of(service: Service) -> list[str]:
    return [code for code in service.languages.split(",") if code]


@cache
def language_name(code: str) -> str:
    """The language in its own words ("Türkçe", "العربية"), so a visitor finds their own.

    Made once per language: babel's lookup merges that locale's data on every call."""
    try:
        name = Locale.parse(code).get_display_name(code)
    except (ValueError, UnknownLocaleError):
        return code
    return name[:1].upper() + name[1:] if name else code


def is_web_address(text: str) -> bool:
    """An http(s) address a phone can open, written as a valid URI (weblinks.is_web_uri)."""
    return is_web_uri(text)


def is_email(text: str) -> bool:
    return len(text) <= 254 and re.fullmatch(r"[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>.]+", text) is not None


def is_language_code(code: str) -> bool:
    try:
        Locale.parse(code)
    except (ValueError, UnknownLocaleError):
        return False
    return code.isalpha() and code.islower() and 2 <= len(code) <= 3


@lru_cache(maxsize=512)
def _parsed_schedule(text: str) -> Schedule:
    return Schedule.from_dict(json.loads(text or "{}"))


def schedule_of(service: Service) -> Schedule:
    """The service's opening rules (parsed once per distinct text, then cached)."""
    return _parsed_schedule(service.schedule)


def card_for(service: Service, now: datetime) -> Card:
    if service.status != "active":
        return Card(service, CLOSED, None)
    if service.around_the_clock:
        return Card(service, OPEN_NOW, None)
    window = schedule_of(service).next_opening(now)
    if window is None:
        return Card(service, NO_TIMES, None)
    if window.contains(now):
        return Card(service, OPEN_NOW, window)
    if window.start.date() == now.date():
        return Card(service, LATER_TODAY, window)
    return Card(service, LATER, window)


def _sort_key(card: Card):
    start = card.window.start.timestamp() if card.window else 0.0
    return card.group, start, card.service.name.casefold()


def cards(services, now: datetime, filters: Filters = Filters(),
          audiences: dict[int, list[Category]] | None = None) -> list[Card]:
    """The services that pass the filters, open now first, then later today, then by next opening.

    A service without target groups is for everybody, so it stays in under any target group.
    """
    audiences = audiences if audiences is not None else audiences_by_service(services)
    chosen = []
    for service in services:
        if filters.language and filters.language not in languages_of(service):
            continue
        if filters.free and not service.free:
            continue
        if filters.step_free and not (service.location and service.location.step_free):
            continue
        groups = {category.key for category in audiences[service.id]}
        if filters.audience and groups and filters.audience not in groups:
            continue
        chosen.append(card_for(service, now))
    return sorted(chosen, key=_sort_key)


def filter_choices(services, audiences: dict[int, list[Category]]):
    """(language codes, target groups) that occur in a list: only choices that find something."""
    languages = sorted({code for service in services for code in languages_of(service)},
                       key=lambda code: (code != "de", code))
    groups = {category.id: category for found in audiences.values() for category in found}
    return languages, sorted(groups.values(), key=lambda c: (c.position, c.name))


def phones_of(service: Service) -> list[Phone]:
    return list(service.phones.order_by(Phone.position, Phone.id))


def first_dialable(phones) -> Phone | None:
    return next((phone for phone in phones if phone.kind != "fax"), None)


def web_address(service: Service) -> str:
    """The service's (or else its organisation's) web address as a valid URI; "" when there is
    none or an old row holds one that cannot be made valid (it then stays out of the codes)."""
    address = service.url or (service.organization.website if service.organization else "")
    try:
        return web_uri(address) if address else ""
    except NotAWebAddress:
        return ""


def contact_for(service: Service, phones, note: str) -> Contact:
    """The vCard content of a service: what a visitor takes home on their phone."""
    location = service.location
    return Contact(
        name=service.name,
        organisation=service.organization.name if service.organization else "",
        phones=tuple(VcardPhone(phone.number, PHONE_KINDS.get(phone.kind, ("WORK", "VOICE")))
                     for phone in phones),
        email=service.email or (service.organization.email if service.organization else ""),
        street=location.street if location else "",
        postcode=location.postcode if location else "",
        city=location.city if location else "",
        url=web_address(service),
        note=note,
    )


def hours_lines(service: Service, locale: str, phrases) -> list[str]:
    return weekly_summary(schedule_of(service), locale, phrases)


# --- for staff --------------------------------------------------------------------------------


def months_before(day: date, months: int) -> date:
    """The same day `months` months earlier (the 31st becomes the month's last day)."""
    year, month_index = divmod(day.year * 12 + day.month - 1 - months, 12)
    last_day = calendar.monthrange(year, month_index + 1)[1]
    return date(year, month_index + 1, min(day.day, last_day))


def needs_checking(today: date, months: int = 6) -> list[Service]:
    """Entries never checked, or last checked more than `months` months ago, oldest first."""
    limit = months_before(today, months)
    query = Service.select().where(Service.last_checked.is_null() | (Service.last_checked < limit))
    return sorted(query, key=lambda s: (s.last_checked or date.min, s.name.casefold()))
