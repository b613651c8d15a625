"""Export and import of offers and help services as Open Referral HSDS 3.0.1.

The data travels as HSDS tables (organization, location, service, phone, schedule, …), each a list
of flat objects that validate against HSDS's schema/<table>.json. Three file forms carry the same
tables: one JSON object {"service": [...], ...}; a zip of <table>.json files; a zip of
<table>.csv files (HSDS's tabular form, for spreadsheets).

What HSDS has no field for travels as taxonomy terms linked by `attribute` rows: categories, help
topics and target groups (our Category rows), walk-in / by appointment / around the clock, and
step-free access. Ids are kept, so export → import elsewhere → export gives the same file.

An import is all or nothing: every row is checked first, a bad one is reported with its file, line
and reason, and only a clean file is written, in one transaction.
"""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
import zipfile
from dataclasses import dataclass
from datetime import date

from babel import Locale
from peewee import IntegrityError

from kiosk.db import database
from kiosk.models import Category, Location, Organization, Phone, Service, ServiceCategory
from kiosk.offers.directory import (
    AUDIENCE,
    HELP,
    KEY_PATTERN,
    OFFER,
    is_email,
    is_language_code,
    is_web_address,
)
from kiosk.offers.vcard import normalise_phone
from kiosk.schedules import Schedule, from_hsds, to_hsds
from kiosk.spreadsheet import csv_cell, from_csv_cell

HSDS_NAMESPACE = uuid.UUID("6c3f1f8e-2b7a-4d0e-9a51-8f3f5b7d2c10")
MAX_UNPACKED_BYTES = 8 * 1024 * 1024  # all files of one zip together, unpacked
MAX_ZIP_MEMBERS = 40
MAX_PROBLEMS_SHOWN = 20

# The tables in the order they are written and read; CSV columns in this order.
COLUMNS = {
    "taxonomy": ["id", "name", "description"],
    "taxonomy_term": ["id", "code", "name", "description", "taxonomy", "taxonomy_id"],
    "organization": ["id", "name", "description", "email", "website"],
    "location": ["id", "location_type", "organization_id", "name", "transportation"],
    "address": ["id", "location_id", "address_1", "city", "state_province", "postal_code",
                "country", "address_type"],
    "accessibility": ["id", "location_id", "description"],
    "service": ["id", "organization_id", "name", "description", "url", "email", "status", "alert",
                "fees_description", "application_process", "assured_date"],
    "service_at_location": ["id", "service_id", "location_id"],
    "phone": ["id", "service_id", "number", "type", "description"],
    "schedule": ["id", "service_id", "valid_from", "valid_to", "freq", "interval", "wkst", "byday",
                 "opens_at", "closes_at", "description", "notes"],
    "language": ["id", "service_id", "name", "code"],
    "cost_option": ["id", "service_id", "option", "amount", "currency"],
    "required_document": ["id", "service_id", "document"],
    "attribute": ["id", "link_id", "link_type", "link_entity", "taxonomy_term_id"],
}
TABLES = tuple(COLUMNS)
NUMBER_FIELDS = {"amount", "interval"}


def derived_id(*parts) -> str:
    """A stable id for a row we derive from another (an address from its location, …)."""
    return str(uuid.uuid5(HSDS_NAMESPACE, "/".join(map(str, parts))))


# Our vocabularies. A category's taxonomy says its kind; flags are fixed terms.
TAXONOMIES = {
    OFFER: ("kiez-plus-offer-categories", "Kiez+ Kiosk: Kategorien der Angebote im Kiez"),
    HELP: ("kiez-plus-help-topics", "Kiez+ Kiosk: Themen von Hilfe & Beratung"),
    AUDIENCE: ("kiez-plus-target-groups", "Kiez+ Kiosk: Zielgruppen"),
    "access": ("kiez-plus-access", "Kiez+ Kiosk: Zugang (ohne Anmeldung, nach Vereinbarung, …)"),
    "accessibility": ("kiez-plus-accessibility", "Kiez+ Kiosk: Barrierefreiheit"),
}
TAXONOMY_IDS = {kind: derived_id("taxonomy", name) for kind, (name, _) in TAXONOMIES.items()}
KIND_OF_TAXONOMY = {TAXONOMIES[kind][0]: kind for kind in TAXONOMIES}
KIND_OF_TAXONOMY.update({TAXONOMY_IDS[kind]: kind for kind in TAXONOMIES})
# Fixed terms: (taxonomy kind, code, name) -> the Service or Location field it stands for.
FLAGS = {
    "walk_in": ("access", "Ohne Anmeldung"),
    "by_appointment": ("access", "Nach Vereinbarung"),
    "around_the_clock": ("access", "Rund um die Uhr erreichbar"),
    "step_free": ("accessibility", "Stufenloser Zugang"),
}
FLAG_IDS = {flag: derived_id("term", TAXONOMIES[kind][0], flag) for flag, (kind, _) in FLAGS.items()}
FLAG_OF_ID = {term_id: flag for flag, term_id in FLAG_IDS.items()}
SERVICE_FLAGS = ("walk_in", "by_appointment", "around_the_clock")
PHONE_TYPES = ("voice", "cell", "fax")
FREE = "Kostenlos"


# --- export -----------------------------------------------------------------------------------


def export_tables() -> dict[str, list[dict]]:
    """All content as HSDS tables, in a stable order (the same data gives the same export)."""
    tables: dict[str, list[dict]] = {table: [] for table in TABLES}
    for kind, (name, description) in TAXONOMIES.items():
        tables["taxonomy"].append({"id": TAXONOMY_IDS[kind], "name": name, "description": description})
    for flag, (kind, name) in FLAGS.items():
        tables["taxonomy_term"].append(_term(FLAG_IDS[flag], flag, name, "", kind))
    kind_order = {kind: index for index, kind in enumerate((OFFER, HELP, AUDIENCE))}
    categories = sorted(Category.select(),
                        key=lambda c: (kind_order.get(c.kind, 9), c.position, c.name, c.uid))
    for category in categories:
        tables["taxonomy_term"].append(
            _term(category.uid, category.key, category.name, category.description, category.kind))
    for organization in Organization.select().order_by(Organization.name, Organization.uid):
        tables["organization"].append(_without_empty({
            "id": organization.uid, "name": organization.name,
            "description": organization.description, "email": organization.email,
            "website": organization.website}, keep=("description",)))
    for location in Location.select().order_by(Location.name, Location.uid):
        _export_location(location, tables)
    links = {}
    for link in ServiceCategory.select(ServiceCategory, Category).join(Category):
        links.setdefault(link.service_id, []).append(link.category)
    for service in Service.select().order_by(Service.name, Service.uid):
        _export_service(service, sorted(links.get(service.id, []),
                                        key=lambda c: (kind_order.get(c.kind, 9), c.position, c.uid)),
                        tables)
    return tables


def _term(term_id, code, name, description, kind):
    return {"id": term_id, "code": code, "name": name, "description": description,
            "taxonomy": TAXONOMIES[kind][0], "taxonomy_id": TAXONOMY_IDS[kind]}


def _without_empty(row, keep=()):
    return {key: value for key, value in row.items() if value not in ("", None) or key in keep}


def _attribute(owner_uid, entity, link_type, term_id):
    return {"id": derived_id("attribute", owner_uid, term_id), "link_id": owner_uid,
            "link_type": link_type, "link_entity": entity, "taxonomy_term_id": term_id}


def _export_location(location, tables):
    tables["location"].append(_without_empty({
        "id": location.uid, "location_type": "physical",
        "organization_id": location.organization.uid if location.organization else "",
        "name": location.name, "transportation": location.transportation}))
    if location.street or location.postcode or location.city:
        tables["address"].append({
            "id": derived_id("address", location.uid), "location_id": location.uid,
            "address_1": location.street, "city": location.city,
            # HSDS wants a state; the kiosk serves Berlin, a city and state of its own.
            "state_province": "Berlin" if location.city == "Berlin" else "",
            "postal_code": location.postcode, "country": "DE", "address_type": "physical"})
    if location.accessibility:
        tables["accessibility"].append({"id": derived_id("accessibility", location.uid),
                                        "location_id": location.uid,
                                        "description": location.accessibility})
    if location.step_free:
        tables["attribute"].append(
            _attribute(location.uid, "location", "accessibility", FLAG_IDS["step_free"]))


def _export_service(service, categories, tables):
    uid = service.uid
    flags = [flag for flag in SERVICE_FLAGS if getattr(service, flag)]
    tables["service"].append(_without_empty({
        "id": uid,
        "organization_id": service.organization.uid if service.organization else "",
        "name": service.name, "description": service.description, "url": service.url,
        "email": service.email,
        "status": "inactive" if service.hidden else service.status,
        "alert": service.alert, "fees_description": service.fees,
        "application_process": ", ".join(FLAGS[flag][1] for flag in flags),
        "assured_date": service.last_checked.isoformat() if service.last_checked else ""}))
    if service.location:
        tables["service_at_location"].append({
            "id": derived_id("service_at_location", uid, service.location.uid),
            "service_id": uid, "location_id": service.location.uid})
    for phone in service.phones.order_by(Phone.position, Phone.id):
        tables["phone"].append(_without_empty({
            "id": phone.uid, "service_id": uid, "number": phone.number, "type": phone.kind,
            "description": phone.description}))
    tables["schedule"] += to_hsds(Schedule.from_dict(json.loads(service.schedule)), service_id=uid)
    for code in filter(None, service.languages.split(",")):
        tables["language"].append({"id": derived_id("language", uid, code), "service_id": uid,
                                   "name": Locale.parse(code).get_display_name("en"), "code": code})
    if service.free:
        tables["cost_option"].append({"id": derived_id("cost_option", uid, "free"), "service_id": uid,
                                      "option": FREE, "amount": 0, "currency": "EUR"})
    for number, document in enumerate(filter(None, map(str.strip, service.what_to_bring.splitlines()))):
        tables["required_document"].append({"id": derived_id("required_document", uid, number),
                                             "service_id": uid, "document": document})
    for category in categories:
        tables["attribute"].append(_attribute(uid, "service", TAXONOMIES[category.kind][0], category.uid))
    for flag in flags:
        tables["attribute"].append(_attribute(uid, "service", "access", FLAG_IDS[flag]))


def as_json(tables) -> bytes:
    return json.dumps(tables, ensure_ascii=False, indent=2).encode("utf-8")


def as_json_zip(tables) -> bytes:
    return _zip({f"{table}.json": json.dumps(rows, ensure_ascii=False, indent=2)
                 for table, rows in tables.items()})


def as_csv_zip(tables) -> bytes:
    files = {}
    for table, rows in tables.items():
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=COLUMNS[table], lineterminator="\r\n")
        writer.writeheader()
        writer.writerows({key: csv_cell(value) for key, value in row.items()} for row in rows)
        files[f"{table}.csv"] = buffer.getvalue()
    return _zip(files)


def _zip(files) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)),
                             text.encode("utf-8"), zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


# --- reading a file -------------------------------------------------------------------------


class ImportRejected(Exception):
    """The file was not imported; `problems` says where and why, in words for staff."""

    def __init__(self, problems):
        super().__init__("; ".join(problems))
        self.problems = problems[:MAX_PROBLEMS_SHOWN]
        self.more = max(0, len(problems) - MAX_PROBLEMS_SHOWN)


@dataclass
class Row:
    where: str  # "service.csv, Zeile 4" or "service.json, Eintrag 3", for the staff
    data: dict


def read_upload(filename: str, payload: bytes) -> dict[str, list[Row]]:
    """Tables from an uploaded .json or .zip (of .json or .csv tables); ImportRejected if unreadable."""
    name = filename.lower()
    if name.endswith(".json"):
        return _tables_from_json_object(_json(payload, filename), filename)
    if name.endswith(".zip"):
        return _tables_from_zip(payload)
    if name.endswith(".csv"):
        raise ImportRejected([f"{filename}: CSV-Tabellen bitte zusammen als ZIP-Datei hochladen "
                              "(so wie beim Export), eine Tabelle allein reicht nicht."])
    raise ImportRejected([f"{filename}: nur .json oder .zip (wie beim Export) können eingelesen werden."])


def _json(payload, where):
    try:
        return json.loads(payload.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ImportRejected([f"{where}: die Datei ist nicht in UTF-8 geschrieben."]) from None
    except json.JSONDecodeError as error:
        raise ImportRejected([f"{where}, Zeile {error.lineno}: kein gültiges JSON ({error.msg})."]) from None
    except RecursionError:  # HSDS rows are flat: thousands of nested brackets are no export of ours
        raise ImportRejected([f"{where}: zu tief verschachtelt, das ist keine HSDS-Tabelle."]) from None


def _tables_from_json_object(data, where):
    if not isinstance(data, dict):
        raise ImportRejected([f"{where}: erwartet ein Objekt mit Tabellen, z. B. {{\"service\": [...]}}."])
    unknown = sorted(set(data) - set(TABLES))
    if unknown:
        raise ImportRejected([f"{where}: unbekannte Tabelle(n) {', '.join(map(str, unknown))}."])
    return {table: _json_rows(rows, f"{table}, Eintrag") for table, rows in data.items()}


def _json_rows(rows, label):
    if not isinstance(rows, list):
        raise ImportRejected([f"{label.split(',')[0]}: erwartet eine Liste von Einträgen."])
    return [Row(f"{label} {number}", row) for number, row in enumerate(rows, 1)]


def _tables_from_zip(payload):
    try:
        archive = zipfile.ZipFile(io.BytesIO(payload))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError):
        raise ImportRejected(["Die ZIP-Datei lässt sich nicht öffnen."]) from None
    if len(members) > MAX_ZIP_MEMBERS:
        raise ImportRejected([f"Die ZIP-Datei enthält {len(members)} Dateien; erwartet sind höchstens "
                              f"{len(TABLES)} Tabellen."])
    tables, budget = {}, MAX_UNPACKED_BYTES
    for member in members:
        match = re.fullmatch(r"([a-z_]+)\.(json|csv)", member.filename)
        if match is None or match[1] not in TABLES:
            raise ImportRejected([f"{member.filename!r} in der ZIP-Datei ist keine Tabelle "
                                  "(erwartet z. B. service.json oder service.csv, ohne Ordner)."])
        if match[1] in tables:
            raise ImportRejected([f"Die Tabelle {match[1]} steht zweimal in der ZIP-Datei."])
        # Read at most what is left of the budget: a zip bomb stops here, whatever its header says.
        try:
            with archive.open(member) as file:
                content = file.read(budget + 1)
        except (zipfile.BadZipFile, RuntimeError, NotImplementedError, EOFError):
            raise ImportRejected([f"{member.filename}: lässt sich nicht entpacken."]) from None
        budget -= len(content)
        if budget < 0:
            raise ImportRejected([f"Die ZIP-Datei ist entpackt größer als "
                                  f"{MAX_UNPACKED_BYTES // (1024 * 1024)} MB."])
        if match[2] == "json":
            tables[match[1]] = _json_rows(_json(content, member.filename), f"{member.filename}, Eintrag")
        else:
            tables[match[1]] = _csv_rows(content, member.filename)
    return tables


def _csv_rows(content, filename):
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRejected([f"{filename}: die Datei ist nicht in UTF-8 geschrieben."]) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows = []
    try:
        for row in reader:
            if None in row:
                raise ImportRejected(
                    [f"{filename}, Zeile {reader.line_num}: mehr Spalten als Überschriften."])
            data = {key: _csv_value(key, value) for key, value in row.items() if value not in ("", None)}
            rows.append(Row(f"{filename}, Zeile {reader.line_num}", data))
    except csv.Error as error:
        raise ImportRejected([f"{filename}, Zeile {reader.line_num}: {error}"]) from None
    return rows


def _csv_value(key, value):
    value = from_csv_cell(value)
    if key in NUMBER_FIELDS:
        try:
            number = float(value)
        except ValueError:
            return value  # reported by the row check
        return int(number) if number.is_integer() else number
    return value


# --- checking and writing -------------------------------------------------------------------


class _Checker:
    """Collects the problems of every row, so staff see them all at once."""

    def __init__(self):
        self.problems: list[str] = []

    def fail(self, row: Row, reason: str):
        self.problems.append(f"{row.where}: {reason}")

    def text(self, row, field, required=False, max_length=2000):
        value = row.data.get(field, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.fail(row, f"{field} muss Text sein, nicht {value!r}.")
            return ""
        if required and not value.strip():
            self.fail(row, f"{field} fehlt.")
        elif len(value) > max_length:
            self.fail(row, f"{field} ist länger als {max_length} Zeichen.")
        return value.strip()

    def uid(self, row, field="id", required=True):
        value = self.text(row, field, required)
        if value:
            try:
                return str(uuid.UUID(value))
            except ValueError:
                self.fail(row, f"{field} {value!r} ist keine UUID.")
        return ""


def import_tables(tables: dict[str, list[Row]]) -> dict[str, int]:
    """Check everything, then write it in one transaction; ImportRejected (nothing written) otherwise.

    Rows with an id that exists are updated, others added; nothing is deleted.
    """
    if not isinstance(tables, dict) or not tables.get("service") and not tables.get("taxonomy_term") \
            and not tables.get("organization"):
        raise ImportRejected(["Die Datei enthält keine Angebote, Kategorien oder Organisationen."])
    check = _Checker()
    for table, rows in tables.items():
        for row in rows:
            if not isinstance(row.data, dict):
                check.fail(row, "erwartet ein Objekt mit Feldern.")
    if check.problems:
        raise ImportRejected(check.problems)
    plan = _Plan(check, tables)
    plan.read()
    if check.problems:
        raise ImportRejected(check.problems)
    try:
        with database.atomic():
            return plan.write()
    except IntegrityError:
        # Rolled back: an id used twice (in the file, or by another entry in the database).
        raise ImportRejected(["Eine id steht doppelt in der Datei oder gehört schon zu einem "
                              "anderen Eintrag. Es wurde nichts geändert."]) from None


def import_upload(filename: str, payload: bytes) -> dict[str, int]:
    return import_tables(read_upload(filename, payload))


class _Plan:
    """What an import will write, built from the checked rows."""

    def __init__(self, check, tables):
        self.check = check
        self.tables = {table: tables.get(table, []) for table in TABLES}
        self.categories, self.organizations, self.locations, self.services = {}, {}, {}, {}

    def rows(self, table):
        return self.tables[table]

    def read(self):
        self._read_terms()
        self._read_organizations()
        self._read_locations()
        self._read_services()
        self._read_service_details()
        self._read_attributes()

    # taxonomy terms: our categories (by taxonomy) and the fixed flag terms
    def _read_terms(self):
        positions = {}
        for row in self.rows("taxonomy_term"):
            uid = self.check.uid(row)
            kind = (KIND_OF_TAXONOMY.get(_plain(row.data.get("taxonomy_id")))
                    or KIND_OF_TAXONOMY.get(_plain(row.data.get("taxonomy"))))
            if uid in FLAG_OF_ID:
                continue
            if kind not in (OFFER, HELP, AUDIENCE):
                self.check.fail(row, "unbekannte Taxonomie (erwartet sind die Kategorien, Themen und "
                                     "Zielgruppen des Kiez+ Kiosks).")
                continue
            key = self.check.text(row, "code", required=True, max_length=40)
            if key and not re.fullmatch(KEY_PATTERN, key):
                self.check.fail(row, f"code {key!r}: nur Kleinbuchstaben, Ziffern und -, "
                                     "vorne ein Buchstabe.")
            name = self.check.text(row, "name", required=True, max_length=100)
            existing = Category.get_or_none((Category.kind == kind) & (Category.key == key))
            if existing and existing.uid != uid:
                self.check.fail(row, f"die Kategorie {key!r} gibt es schon mit einer anderen id.")
            positions[kind] = positions.get(kind, -1) + 1
            self.categories[uid] = {"uid": uid, "kind": kind, "key": key, "name": name,
                                    "description": self.check.text(row, "description"),
                                    "position": positions[kind] * 10}

    def _read_organizations(self):
        for row in self.rows("organization"):
            uid = self.check.uid(row)
            fields = {"uid": uid, "name": self.check.text(row, "name", True, 200),
                      "description": self.check.text(row, "description"),
                      "email": self._email(row, "email"), "website": self._web(row, "website")}
            self.organizations[uid] = fields

    def _read_locations(self):
        for row in self.rows("location"):
            uid = self.check.uid(row)
            self.locations[uid] = {
                "uid": uid, "name": self.check.text(row, "name", True, 200),
                "organization": self._reference(row, "organization_id", self.organizations, Organization),
                "transportation": self.check.text(row, "transportation"),
                "street": "", "postcode": "", "city": "", "accessibility": "", "step_free": False}
        for row in self.rows("address"):
            location = self._owner(row, "location_id", self.locations, "address")
            if location is not None:
                location["street"] = self.check.text(row, "address_1", max_length=200)
                location["postcode"] = self.check.text(row, "postal_code", max_length=10)
                location["city"] = self.check.text(row, "city", max_length=100)
        for row in self.rows("accessibility"):
            location = self._owner(row, "location_id", self.locations, "accessibility")
            if location is not None:
                location["accessibility"] = self.check.text(row, "description")

    def _read_services(self):
        for row in self.rows("service"):
            uid = self.check.uid(row)
            status = row.data.get("status")
            if status not in ("active", "temporarily closed", "inactive", "defunct"):
                self.check.fail(row, f"status {status!r}: erwartet active, temporarily closed oder inactive.")
            self.services[uid] = {
                "uid": uid, "name": self.check.text(row, "name", True, 200),
                "organization": self._reference(row, "organization_id", self.organizations, Organization),
                "location": None,
                "description": self.check.text(row, "description"),
                "url": self._web(row, "url"), "email": self._email(row, "email"),
                "status": "temporarily closed" if status == "temporarily closed" else "active",
                "hidden": status in ("inactive", "defunct"),
                "alert": self.check.text(row, "alert", max_length=200),
                "fees": self.check.text(row, "fees_description", max_length=200),
                "last_checked": self._date(row, "assured_date"),
                "languages": [], "free": False, "what_to_bring": [], "schedule": [],
                "walk_in": False, "by_appointment": False, "around_the_clock": False,
                "categories": [], "phones": []}

    def _read_service_details(self):
        for row in self.rows("service_at_location"):
            service = self._owner(row, "service_id", self.services, "service_at_location")
            location = self._reference(row, "location_id", self.locations, Location, required=True)
            if service is not None and location:
                if service["location"]:
                    self.check.fail(row, "der Kiosk kennt nur einen Ort pro Angebot.")
                service["location"] = location
        for row in self.rows("phone"):
            service = self._owner(row, "service_id", self.services, "phone")
            kind = row.data.get("type", "voice")
            if kind not in PHONE_TYPES:
                self.check.fail(row, f"type {kind!r}: erwartet voice, cell oder fax.")
            number = self.check.text(row, "number", required=True, max_length=40)
            try:
                number = normalise_phone(number) if number else ""
            except ValueError:
                self.check.fail(row, f"{number!r} ist keine Telefonnummer (mit Vorwahl, z. B. 030 …).")
            if service is not None:
                service["phones"].append({"uid": self.check.uid(row), "number": number, "kind": kind,
                                          "description": self.check.text(row, "description", max_length=200)})
        for row in self.rows("schedule"):
            service = self._owner(row, "service_id", self.services, "schedule")
            try:
                from_hsds([row.data])
            except (ValueError, TypeError) as error:
                self.check.fail(row, f"Öffnungszeit: {error}")
                continue
            if service is not None:
                service["schedule"].append(row.data)
        for row in self.rows("language"):
            service = self._owner(row, "service_id", self.services, "language")
            code = row.data.get("code")
            if not isinstance(code, str) or not is_language_code(code):
                self.check.fail(row, f"code {code!r}: erwartet ein Sprachkürzel wie de, tr oder ar.")
            elif service is not None and code not in service["languages"]:
                service["languages"].append(code)
        for row in self.rows("cost_option"):
            service = self._owner(row, "service_id", self.services, "cost_option")
            amount = row.data.get("amount")
            if amount is not None and (isinstance(amount, bool) or not isinstance(amount, (int, float))):
                self.check.fail(row, f"amount {amount!r} ist keine Zahl.")
            elif service is not None and amount == 0:
                service["free"] = True
        for row in self.rows("required_document"):
            service = self._owner(row, "service_id", self.services, "required_document")
            document = self.check.text(row, "document", required=True, max_length=200)
            if service is not None and document:
                service["what_to_bring"].append(document)

    def _read_attributes(self):
        for row in self.rows("attribute"):
            self.check.uid(row)
            term = self.check.uid(row, "taxonomy_term_id")
            entity = _plain(row.data.get("link_entity"))
            owners = {"service": self.services, "location": self.locations}.get(entity)
            if owners is None:
                self.check.fail(row, f"link_entity {entity!r}: erwartet service oder location.")
                continue
            owner = self._owner(row, "link_id", owners, "attribute")
            if owner is None:
                continue
            flag = FLAG_OF_ID.get(term)
            if flag == "step_free" and entity == "location":
                owner["step_free"] = True
            elif flag in SERVICE_FLAGS and entity == "service":
                owner[flag] = True
            elif entity == "service" and (term in self.categories
                                          or Category.get_or_none(Category.uid == term)):
                owner["categories"].append(term)
            else:
                self.check.fail(row, f"taxonomy_term_id {term!r} passt zu keiner Kategorie.")

    # helpers ---------------------------------------------------------------------------------

    def _reference(self, row, field, in_file, model, required=False):
        """The uid of another row, from this file or already in the database."""
        uid = self.check.uid(row, field, required)
        if uid and uid not in in_file and not model.get_or_none(model.uid == uid):
            self.check.fail(row, f"{field} {uid} gibt es weder in der Datei noch in der Datenbank.")
        return uid or None

    def _owner(self, row, field, owners, table):
        uid = self.check.uid(row, field)
        if uid and uid not in owners:
            self.check.fail(row, f"{table} gehört zu {field} {uid}, der in der Datei fehlt.")
            return None
        return owners.get(uid)

    def _email(self, row, field):
        value = self.check.text(row, field, max_length=254)
        if value and not is_email(value):
            self.check.fail(row, f"{field} {value!r} ist keine E-Mail-Adresse.")
        return value

    def _web(self, row, field):
        value = self.check.text(row, field, max_length=500)
        if value and not is_web_address(value):
            self.check.fail(row, f"{field} {value!r}: nur Webadressen mit http:// oder https://.")
        return value

    def _date(self, row, field):
        value = self.check.text(row, field)
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.check.fail(row, f"{field} {value!r} ist kein Datum wie 2026-03-31.")
            return None

    def write(self) -> dict[str, int]:
        for fields in self.categories.values():
            _upsert(Category, fields)
        for fields in self.organizations.values():
            _upsert(Organization, fields)
        for fields in self.locations.values():
            organization = fields.pop("organization")
            _upsert(Location, {**fields, "organization": _by_uid(Organization, organization)})
        for fields in self.services.values():
            self._write_service(dict(fields))
        return {"Kategorien": len(self.categories), "Organisationen": len(self.organizations),
                "Orte": len(self.locations), "Angebote": len(self.services)}

    def _write_service(self, fields):
        categories, phones = fields.pop("categories"), fields.pop("phones")
        fields["organization"] = _by_uid(Organization, fields["organization"])
        fields["location"] = _by_uid(Location, fields["location"])
        fields["languages"] = ",".join(fields["languages"])
        fields["what_to_bring"] = "\n".join(fields["what_to_bring"])
        fields["schedule"] = json.dumps(from_hsds(fields["schedule"]).to_dict())
        service = _upsert(Service, fields)
        ServiceCategory.delete().where(ServiceCategory.service == service).execute()
        for uid in dict.fromkeys(categories):
            ServiceCategory.create(service=service, category=_by_uid(Category, uid))
        Phone.delete().where(Phone.service == service).execute()
        for position, phone in enumerate(phones):
            Phone.create(service=service, position=position, **phone)


def _plain(value):
    """A field value usable as a dictionary key; lists and objects where text belongs are not."""
    return value if isinstance(value, str) else None


def _by_uid(model, uid):
    return model.get(model.uid == uid) if uid else None


def _upsert(model, fields):
    row = model.get_or_none(model.uid == fields["uid"])
    if row is None:
        return model.create(**fields)
    model.update(**fields).where(model.id == row.id).execute()
    return model.get_by_id(row.id)
