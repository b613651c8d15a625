"""The content the kiosk ships with: only true facts, and clearly marked examples for the demo.

True facts come from the Kiez+ project sheet (../shared/seed/000_587edcd0c5b9e641.txt) and the
nationwide numbers named in DESIGN.md. Nothing else real may be added here: no invented phone
numbers, addresses or services. `add_demo_offers` adds entries named "Beispiel" for the demo only.
"""

import uuid
from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from kiosk.db import database
from kiosk.models import Category, Location, Organization, Phone, Service, ServiceCategory
from kiosk.offers.directory import AUDIENCE, HELP, OFFER
from kiosk.offers.phones import normalise_phone
from kiosk.schedules import Schedule

SEED_NAMESPACE = uuid.UUID("0d7c6a64-3f0e-4c36-9a55-5b0a3f1f6a11")


def seed_uid(name: str) -> str:
    """A fixed id, so seeding twice (or on two kiosks) gives the same HSDS ids."""
    return str(uuid.uuid5(SEED_NAMESPACE, name))


# (kind, key): German name as shipped. The labels are translated by key while staff keep the name.
CATEGORY_LABELS = {
    (OFFER, "counselling"): _l("Beratung"),
    (OFFER, "family"): _l("Familie & Kinder"),
    (OFFER, "seniors"): _l("Seniorinnen & Senioren"),
    (OFFER, "language"): _l("Sprache & Lernen"),
    (OFFER, "culture"): _l("Kultur & Basteln"),
    (OFFER, "sport"): _l("Sport & Bewegung"),
    (OFFER, "food"): _l("Essen"),
    (OFFER, "digital"): _l("Handy & Computer"),
    (HELP, "money"): _l("Geld & Schulden"),
    (HELP, "housing"): _l("Wohnen & Miete"),
    (HELP, "work"): _l("Arbeit & Jobcenter"),
    (HELP, "health"): _l("Gesundheit & Pflege"),
    (HELP, "family"): _l("Familie"),
    (HELP, "residence"): _l("Aufenthalt & Migration"),
    (HELP, "violence"): _l("Gewalt & Krise"),
    (HELP, "neighbours"): _l("Nachbarn & Konflikte"),
    (HELP, "digital"): _l("Digitales"),
    (AUDIENCE, "families"): _l("Familien"),
    (AUDIENCE, "children"): _l("Kinder & Jugendliche"),
    (AUDIENCE, "seniors"): _l("Ältere Menschen"),
    (AUDIENCE, "women"): _l("Frauen"),
}


@dataclass(frozen=True)
class EmergencyNumber:
    key: str
    name: object  # a lazy gettext string
    numbers: tuple[str, ...]
    when: object


# Always on the emergency page, from code rather than the database: staff edits cannot break it.
EMERGENCY_NUMBERS = (
    EmergencyNumber("police", _l("Polizei"), ("110",), _l("Bei Gefahr und Verbrechen")),
    EmergencyNumber("fire", _l("Feuerwehr und Rettungsdienst"), ("112",),
                    _l("Bei Feuer, Unfall und Lebensgefahr")),
    EmergencyNumber("doctor", _l("Ärztlicher Bereitschaftsdienst"), ("116117",),
                    _l("Wenn Sie nachts oder am Wochenende eine Ärztin oder einen Arzt brauchen")),
    EmergencyNumber("listening", _l("TelefonSeelsorge"), ("08001110111", "08001110222"),
                    _l("Reden, wenn alles zu viel wird: anonym, kostenlos, rund um die Uhr")),
    EmergencyNumber("women", _l("Hilfetelefon Gewalt gegen Frauen"), ("116016",),
                    _l("Anonym, kostenlos, rund um die Uhr")),
)

KIEZ_PLUS_UID = seed_uid("service/kiez-plus")
KIEZ_PLUS_SCHEDULE = {"weekly": [{"weekday": 3, "opens": "11:00", "closes": "12:30"}]}

WASSERTOR = {
    "uid": seed_uid("organization/wassertor"),
    "name": "Wassertor e.V.",
    "description": "Träger von Kiez+, der Gemeinwesenarbeit im Wassertorkiez.",
}
BONA_PEISER = {
    "uid": seed_uid("location/bona-peiser"),
    "name": "Bona Peiser",
    "street": "Oranienstr. 72",
    "postcode": "10969",
    "city": "Berlin",
}

# Each: the service's fields, its categories as (kind, key), its phones as (number, kind, note).
TRUE_SERVICES = (
    (
        {
            "uid": KIEZ_PLUS_UID,
            "name": "Kiez+ Sprechstunde",
            "description": (
                "Treffpunkt für die Nachbarschaft im Wassertorkiez, mit Bastel- und "
                "Denksportangeboten. Das Kiez+-Team hört zu, berät bei Sorgen und Problemen, "
                "gibt Infos über Angebote und Einrichtungen im Kiez, stellt den Kontakt zu den "
                "richtigen Hilfsangeboten her und hilft mit Handy und Computer."
            ),
            "languages": "de",
            "walk_in": True,
            "by_appointment": True,
            "email": "info@wassertor.org",
            "schedule": KIEZ_PLUS_SCHEDULE,
            "organization": "wassertor",
            "location": "bona-peiser",
        },
        [(OFFER, "counselling"), (OFFER, "culture"), (OFFER, "digital"),
         (HELP, "neighbours"), (HELP, "digital")],
        [("030 677 960 86", "voice", ""), ("030 616 56 486", "fax", "")],
    ),
    (
        {
            "uid": seed_uid("service/116117"),
            "name": "Ärztlicher Bereitschaftsdienst",
            "description": (
                "Wenn Sie krank sind und es nicht bis zur nächsten Sprechstunde Ihrer Praxis "
                "warten kann, zum Beispiel nachts oder am Wochenende. Bei Lebensgefahr: 112."
            ),
            "free": True,
            "around_the_clock": True,
        },
        [(HELP, "health")],
        [("116 117", "voice", "")],
    ),
    (
        {
            "uid": seed_uid("service/telefonseelsorge"),
            "name": "TelefonSeelsorge",
            "description": "Reden, wenn alles zu viel wird: bei Sorgen, Krisen und Einsamkeit. "
                           "Anonym und kostenlos.",
            "free": True,
            "around_the_clock": True,
        },
        [(HELP, "violence"), (HELP, "health")],
        [("0800 111 0 111", "voice", ""), ("0800 111 0 222", "voice", "")],
    ),
    (
        {
            "uid": seed_uid("service/hilfetelefon"),
            "name": "Hilfetelefon Gewalt gegen Frauen",
            "description": "Für Frauen, die Gewalt erleben oder erlebt haben, und für Menschen, "
                           "die ihnen helfen wollen. Anonym und kostenlos.",
            "free": True,
            "around_the_clock": True,
        },
        [(HELP, "violence"), (HELP, "family"), (AUDIENCE, "women")],
        [("116 016", "voice", "")],
    ),
)


def seed_content() -> dict[str, int]:
    """Add what is missing of the shipped content; staff changes to it are kept. Returns counts."""
    added = {"categories": 0, "services": 0}
    with database.atomic():
        for position, ((kind, key), label) in enumerate(CATEGORY_LABELS.items()):
            created = Category.get_or_create(kind=kind, key=key, defaults={
                "uid": seed_uid(f"category/{kind}/{key}"),
                "name": german(label),
                "position": position * 10,
            })[1]
            added["categories"] += created
        organizations = {"wassertor": _get_or_add(Organization, WASSERTOR)}
        locations = {"bona-peiser": _get_or_add(
            Location, {**BONA_PEISER, "organization": organizations["wassertor"]})}
        for fields, links, phones in TRUE_SERVICES:
            if Service.get_or_none(Service.uid == fields["uid"]):
                continue
            fields = dict(fields)
            fields["organization"] = organizations.get(fields.get("organization"))
            fields["location"] = locations.get(fields.get("location"))
            add_service(fields, links, phones)
            added["services"] += 1
    return added


def german(label) -> str:
    """The German text of a lazy gettext string (German is the source language)."""
    with force_locale("de"):
        return str(label)


def _get_or_add(model, fields):
    return model.get_or_none(model.uid == fields["uid"]) or model.create(**fields)


def add_service(fields, links, phones) -> Service:
    """A service with its category links (as (kind, key)) and phones (normalised here)."""
    Schedule.from_dict(fields.get("schedule", {}))  # refuse a broken schedule early
    service = Service.create(**fields)
    for kind, key in links:
        category = Category.get((Category.kind == kind) & (Category.key == key))
        ServiceCategory.create(service=service, category=category)
    for position, (number, kind, note) in enumerate(phones):
        Phone.create(service=service, number=normalise_phone(number), kind=kind,
                     description=note, position=position)
    return service


# --- demo only --------------------------------------------------------------------------------

_EXAMPLE = {"email": "beispiel@example.org", "url": "https://example.org/"}
_WORKDAYS = range(5)

DEMO_SERVICES = (
    ({"name": "Beispiel: Sprachcafé Deutsch", "languages": "de,tr,ar", "free": True,
      "walk_in": True, "description": "Erfundenes Beispiel: gemeinsam Deutsch sprechen, bei Tee.",
      "schedule": {"weekly": [{"weekday": d, "opens": "15:00", "closes": "17:00"} for d in (0, 2)]}},
     [(OFFER, "language")]),
    ({"name": "Beispiel: Nähwerkstatt", "languages": "de,tr", "fees": "2 € für Material",
      "walk_in": True, "description": "Erfundenes Beispiel: Nähen und Flicken mit Anleitung.",
      "what_to_bring": "Stoff, wenn vorhanden",
      "schedule": {"weekly": [{"weekday": 1, "opens": "10:00", "closes": "12:30"},
                              {"weekday": 1, "opens": "14:00", "closes": "16:00"}]}},
     [(OFFER, "culture"), (AUDIENCE, "seniors")]),
    ({"name": "Beispiel: Mittagstisch", "languages": "de,ar", "fees": "3 € pro Essen",
      "walk_in": True, "description": "Erfundenes Beispiel: warmes Mittagessen in Gesellschaft.",
      "schedule": {"weekly": [{"weekday": d, "opens": "12:00", "closes": "14:00"} for d in _WORKDAYS],
                   "exceptions": [{"first": "2026-12-24", "last": "2027-01-02", "closed": True,
                                   "note": "Weihnachtspause"}]}},
     [(OFFER, "food"), (OFFER, "seniors")]),
    ({"name": "Beispiel: Handy-Hilfe", "languages": "de,en,tr", "free": True, "walk_in": True,
      "description": "Erfundenes Beispiel: Fragen zu Handy, Tablet und E-Mail.",
      "schedule": {"weekly": [{"weekday": d, "opens": "08:00", "closes": "22:00"} for d in range(7)]}},
     [(OFFER, "digital"), (HELP, "digital"), (AUDIENCE, "seniors")]),
    ({"name": "Beispiel: Eltern-Kind-Turnen", "languages": "de", "free": True, "walk_in": True,
      "description": "Erfundenes Beispiel: Bewegung für Kinder von 2 bis 6 mit einem Elternteil.",
      "schedule": {"weekly": [{"weekday": 5, "opens": "10:00", "closes": "11:30"}]}},
     [(OFFER, "sport"), (OFFER, "family"), (AUDIENCE, "families"), (AUDIENCE, "children")]),
    ({"name": "Beispiel: Mietberatung", "languages": "de,tr", "free": True, "by_appointment": True,
      "description": "Erfundenes Beispiel: Fragen zu Miete, Nebenkosten und Mängeln.",
      "what_to_bring": "Mietvertrag\nLetzte Nebenkostenabrechnung",
      "schedule": {"monthly": [{"nth": 2, "weekday": 1, "opens": "17:00", "closes": "19:00"}]}},
     [(HELP, "housing")]),
    ({"name": "Beispiel: Schuldenberatung", "languages": "de", "free": True,
      "by_appointment": True, "status": "temporarily closed",
      "alert": "Beispiel: fällt bis Monatsende aus",
      "description": "Erfundenes Beispiel: Hilfe, wenn die Rechnungen über den Kopf wachsen."},
     [(HELP, "money")]),
)


def add_demo_offers() -> int:
    """Add the "Beispiel" entries to the demo database (refused anywhere else). Returns how many."""
    if not current_app.config["DEMO"]:
        raise RuntimeError("example entries belong in the demo database only")
    seed_content()
    added = 0
    with database.atomic():
        organization = _get_or_add(Organization, {
            "uid": seed_uid("demo/organization"), "name": "Beispiel-Verein (erfunden)",
            "description": "Erfundener Träger für die Demo."})
        location = _get_or_add(Location, {
            "uid": seed_uid("demo/location"), "organization": organization,
            "name": "Beispiel-Nachbarschaftshaus (erfunden)", "street": "Beispielstraße 1",
            "postcode": "10999", "city": "Berlin", "step_free": True,
            "transportation": "Beispiel: Bus bis Haltestelle Beispielplatz"})
        for fields, links in DEMO_SERVICES:
            uid = seed_uid("demo/" + fields["name"])
            if Service.get_or_none(Service.uid == uid):
                continue
            fields = {**_EXAMPLE, **fields, "uid": uid, "organization": organization,
                      "location": location, "schedule": fields.get("schedule", {})}
            add_service(fields, links, [])
            added += 1
    return added
