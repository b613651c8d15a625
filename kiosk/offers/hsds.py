"""Export of offers and help services as Open Referral HSDS 3.0.1, and the vocabulary an import shares.

The data travels as HSDS tables (organization, location, service, phone, schedule, …), each a list
of flat objects that validate against HSDS's schema/<table>.json. Three file forms carry the same
tables: one JSON object {"service": [...], ...}; a zip of one JSON file per table; and the tabular
data package of the specification: a zip of CSV files named as its datapackage.json says
(`services.csv`, …) with a datapackage.json describing each file's columns.

What HSDS has no field for travels as taxonomy terms linked by `attribute` rows: categories, help
topics and target groups (our Category rows), walk-in / by appointment / around the clock, and
step-free access. Staff translations of a service travel in one extension field of the service,
`kiez_plus_translations` (docs/hsds.md says why). Ids are kept, so export → import elsewhere →
export gives the same file. What an import brought that the kiosk does not show (HsdsKept, see
kiosk/offers/hsds_import.py) is written again: the record's other fields, the original rows a kiosk
field came from while that field is unchanged, and whole rows of tables the kiosk does not use.
"""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
import zipfile

from babel import Locale

from kiosk.models import Category, HsdsKept, Location, Organization, Phone, Service, ServiceCategory
from kiosk.offers.directory import AUDIENCE, HELP, OFFER, is_language_code
from kiosk.offers.hsds_read import FILE_NAMES, SPEC, SPEC_TABLES
from kiosk.schedules import Schedule, from_hsds, to_hsds
from kiosk.spreadsheet import csv_cell

HSDS_NAMESPACE = uuid.UUID("6c3f1f8e-2b7a-4d0e-9a51-8f3f5b7d2c10")
TRANSLATIONS = "kiez_plus_translations"  # {"tr": {"name": …, "description": …}}: our extension field

# The tables the kiosk writes itself, in the order they are written; the others come only from imports.
OWN_TABLES = ("taxonomy", "taxonomy_term", "organization", "location", "address", "accessibility",
              "service", "service_at_location", "phone", "schedule", "language", "cost_option",
              "required_document", "attribute")
TABLES = OWN_TABLES + tuple(table for table in SPEC_TABLES if table not in OWN_TABLES)
READ_TABLES = OWN_TABLES  # an import reads these (and keeps what it cannot show); the rest it keeps whole
TABLES_WITH_CONTENT = ("service", "taxonomy_term", "organization", "location", "taxonomy")
COLUMN_ORDER = {table: [name for name, _, _ in SPEC[table]["fields"]] for table in SPEC_TABLES}
FIELD_TYPES = {table: {name: kind for name, kind, _ in SPEC[table]["fields"]} for table in SPEC_TABLES}


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


def is_flag_text(value) -> bool:
    """The application_process text our export writes from the flags ("Ohne Anmeldung, …")."""
    names = {name for _, name in FLAGS.values()}
    return isinstance(value, str) and bool(value) and set(value.split(", ")) <= names


def shown_schedule_row(row: dict) -> dict:
    """The part of an HSDS schedule row the kiosk reads: times are Berlin wall-clock times anyway."""
    return {key: value for key, value in row.items() if key != "timezone"}


SCHEDULE_REASONS = (  # kiosk/schedules.py explains in English; staff read German
    (r"not supported: (.*)", r"nicht unterstützt: \1"),
    (r".*only interval 1 is supported.*", "nur wöchentlich oder monatlich (interval 1)"),
    (r".*freq must be WEEKLY or MONTHLY.*", "freq ist weder WEEKLY noch MONTHLY"),
    (r".*opens_at and closes_at are both needed.*", "opens_at und closes_at fehlen"),
    (r".*byday is needed.*", "byday fehlt"),
    (r".*byday of a WEEKLY schedule.*", "byday enthält andere Angaben als Wochentage"),
    (r".*dated hours must apply to every day.*", "Zeiten in einem Zeitraum gelten nicht für alle Tage"),
    (r".*a date range needs both.*", "valid_from und valid_to nur zusammen"),
)
BAD_VALUE_REASONS = (
    (r".*'(.*)' is not a time of day.*", r"\1 ist keine Uhrzeit (00:00 bis 23:59)"),
    (r".*'(.*)' is not a (calendar )?date.*", r"\1 ist kein Datum wie 2026-03-31"),
    (r".*both (\d\d:\d\d): a window needs a length.*", r"öffnet und schließt um \1"),
    (r".*is after last.*", "valid_from liegt nach valid_to"),
)


def schedule_reason(error) -> tuple[bool, str]:
    """(is the value wrong, German reason) for an error from kiosk.schedules.from_hsds."""
    message = str(error).split(": ", 1)[-1] if str(error).startswith("HSDS schedule") else str(error)
    message = re.sub(r"^\w+ \d+ \([^)]*\): ", "", message)
    for pattern, german in BAD_VALUE_REASONS:
        if re.fullmatch(pattern, message):
            return True, re.sub(pattern, german, message)
    for pattern, german in SCHEDULE_REASONS:
        if re.fullmatch(pattern, message):
            return False, re.sub(pattern, german, message)
    return False, "Angaben, die der Kiosk nicht auswerten kann"


# --- export -----------------------------------------------------------------------------------


class _Kept:
    """The HsdsKept rows, by table and uid, for the export to write again."""

    def __init__(self, exported_uids):
        self.records, self.rows = {}, {}
        for kept in HsdsKept.select().order_by(HsdsKept.table, HsdsKept.uid):
            data = json.loads(kept.data)
            if kept.owner and kept.owner not in exported_uids:
                continue  # its kiosk record was deleted
            if set(data) == {"fields", "rows"}:
                self.records[(kept.table, kept.uid)] = data
            else:
                self.rows.setdefault(kept.table, []).append(data)

    def fields(self, table, uid):
        return self.records.get((table, uid), {}).get("fields", {})

    def source(self, table, uid, source):
        return self.records.get((table, uid), {}).get("rows", {}).get(source, [])


def export_tables() -> dict[str, list[dict]]:
    """All content as HSDS tables, in a stable order (the same data gives the same export)."""
    tables: dict[str, list[dict]] = {table: [] for table in TABLES}
    exported_uids = {uid for model in (Organization, Location, Service) for (uid,) in model.select(model.uid).tuples()}
    kept = _Kept(exported_uids)
    for kind, (name, description) in TAXONOMIES.items():
        tables["taxonomy"].append({"id": TAXONOMY_IDS[kind], "name": name, "description": description})
    for flag, (kind, name) in FLAGS.items():
        tables["taxonomy_term"].append(_term(FLAG_IDS[flag], flag, name, name, kind))
    kind_order = {kind: index for index, kind in enumerate((OFFER, HELP, AUDIENCE))}
    categories = sorted(Category.select(),
                        key=lambda c: (kind_order.get(c.kind, 9), c.position, c.name, c.uid))
    for category in categories:
        tables["taxonomy_term"].append(_term(category.uid, category.key, category.name,
                                             category.description or category.name, category.kind))
    for organization in Organization.select().order_by(Organization.name, Organization.uid):
        tables["organization"].append({**kept.fields("organization", organization.uid), **_without_empty({
            "id": organization.uid, "name": organization.name,
            # HSDS requires a description; an empty one would be an empty required CSV cell.
            "description": organization.description or organization.name,
            "email": organization.email, "website": organization.website})})
    for location in Location.select().order_by(Location.name, Location.uid):
        _export_location(location, tables, kept)
    links = {}
    for link in ServiceCategory.select(ServiceCategory, Category).join(Category):
        links.setdefault(link.service_id, []).append(link.category)
    for service in Service.select().order_by(Service.name, Service.uid):
        _export_service(service, sorted(links.get(service.id, []),
                                        key=lambda c: (kind_order.get(c.kind, 9), c.position, c.uid)),
                        tables, kept)
    for table, rows in kept.rows.items():
        tables[table] += rows
    return {table: [_as_specified(table, row) for row in rows] for table, rows in tables.items()}


def _as_specified(table, row):
    """The row's fields in the specification's order (extension fields after them, by name), and a
    number where HSDS wants text (tabular.json's external_identifier) written as that text."""
    types = FIELD_TYPES[table]
    return {key: str(row[key]) if types.get(key) == "string" and isinstance(row[key], (int, float))
            and not isinstance(row[key], bool) else row[key] for key in columns_of(table, [row])}


def _term(term_id, code, name, description, kind):
    return {"id": term_id, "code": code, "name": name, "description": description,
            "taxonomy": TAXONOMIES[kind][0], "taxonomy_id": TAXONOMY_IDS[kind]}


def _without_empty(row, keep=()):
    return {key: value for key, value in row.items() if value not in ("", None) or key in keep}


def _attribute(owner_uid, entity, link_type, term_id):
    return {"id": derived_id("attribute", owner_uid, term_id), "link_id": owner_uid,
            "link_type": link_type, "link_entity": entity, "taxonomy_term_id": term_id}


def _first_merged(source_rows, ours):
    """The rows a field was read from, the first one carrying the field's value now."""
    if not source_rows:
        return [ours] if ours else []
    first = {**source_rows[0], **{key: value for key, value in (ours or {}).items() if key != "id"}}
    return ([first] if ours else []) + source_rows[1:]


def _export_location(location, tables, kept):
    uid = location.uid
    tables["location"].append({"location_type": "physical", **kept.fields("location", uid), **_without_empty({
        "id": uid, "organization_id": location.organization.uid if location.organization else "",
        "name": location.name, "transportation": location.transportation})})
    address = None
    if location.street or location.postcode or location.city:
        address = {"id": derived_id("address", uid), "location_id": uid, "address_1": location.street,
                   "city": location.city,
                   # HSDS wants a state; the kiosk serves Berlin, a city and state of its own.
                   "state_province": "Berlin" if location.city == "Berlin" else "",
                   "postal_code": location.postcode, "country": "DE", "address_type": "physical"}
        if kept.source("location", uid, "address"):
            address = {"address_1": location.street, "city": location.city, "postal_code": location.postcode}
    tables["address"] += _first_merged(kept.source("location", uid, "address"), address)
    sources = kept.source("location", uid, "accessibility")
    if sources:
        unchanged = location.accessibility == "\n".join(str(row.get("description") or "").strip() for row in sources)
        tables["accessibility"] += sources if unchanged else (
            [{**sources[0], "description": location.accessibility}] if location.accessibility else [])
    elif location.accessibility:
        tables["accessibility"].append({"id": derived_id("accessibility", uid), "location_id": uid,
                                        "description": location.accessibility})
    if location.step_free:
        tables["attribute"].append(_attribute(uid, "location", "accessibility", FLAG_IDS["step_free"]))


def _export_service(service, categories, tables, kept):
    uid = service.uid
    flags = [flag for flag in SERVICE_FLAGS if getattr(service, flag)]
    tables["service"].append({**kept.fields("service", uid), **_without_empty({
        "id": uid,
        "organization_id": service.organization.uid if service.organization else "",
        "name": service.name, "description": service.description, "url": service.url,
        "email": service.email,
        "status": "inactive" if service.hidden else service.status,
        "alert": service.alert, "fees_description": service.fees,
        "application_process": ", ".join(FLAGS[flag][1] for flag in flags),
        "assured_date": service.last_checked.isoformat() if service.last_checked else "",
        TRANSLATIONS: service.translations or ""})})
    located = kept.source("service", uid, "service_at_location")
    here = service.location.uid if service.location else None
    if located and here and located[0].get("location_id") == here:
        tables["service_at_location"] += located
    else:
        if here:
            tables["service_at_location"].append({"id": derived_id("service_at_location", uid, here),
                                                  "service_id": uid, "location_id": here})
        tables["service_at_location"] += located[1:]
    for phone in service.phones.order_by(Phone.position, Phone.id):
        tables["phone"].append({**kept.fields("phone", phone.uid), **_without_empty({
            "id": phone.uid, "service_id": uid, "number": phone.number, "type": phone.kind,
            "description": phone.description})})
    schedule = Schedule.from_dict(service.schedule)
    tables["schedule"] += _kept_or_new(kept.source("service", uid, "schedule"), _shown_schedule,
                                       schedule, lambda: to_hsds(schedule, service_id=uid))
    languages = [code for code in service.languages.split(",") if code]
    tables["language"] += _kept_or_new(kept.source("service", uid, "language"), _language_codes, languages,
                                       lambda: [{"id": derived_id("language", uid, code), "service_id": uid,
                                                 "name": Locale.parse(code).get_display_name("en"), "code": code}
                                                for code in languages])
    free_row = {"id": derived_id("cost_option", uid, "free"), "service_id": uid, "option": FREE,
                "amount": 0, "currency": "EUR"}
    costs = kept.source("service", uid, "cost_option")
    tables["cost_option"] += _kept_or_new(costs, _is_free, service.free, lambda: (
        [free_row] if service.free else []) + [row for row in costs if row.get("amount") != 0])
    documents = [line for line in map(str.strip, service.what_to_bring.splitlines()) if line]
    tables["required_document"] += _kept_or_new(
        kept.source("service", uid, "required_document"), _documents, documents,
        lambda: [{"id": derived_id("required_document", uid, number), "service_id": uid, "document": document}
                 for number, document in enumerate(documents)])
    for category in categories:
        tables["attribute"].append(_attribute(uid, "service", TAXONOMIES[category.kind][0], category.uid))
    for flag in flags:
        tables["attribute"].append(_attribute(uid, "service", "access", FLAG_IDS[flag]))


def _kept_or_new(source_rows, read, current, written):
    """The imported rows while the field they were read into is unchanged, else the field written anew."""
    if source_rows and read(source_rows) == current:
        return source_rows
    return written()


def _shown_schedule(rows):
    shown = []
    for row in rows:
        try:
            from_hsds([shown_schedule_row(row)])
        except (ValueError, TypeError):
            continue
        shown.append(shown_schedule_row(row))
    return from_hsds(shown)


def _language_codes(rows):
    codes = [row.get("code") for row in rows]
    return list(dict.fromkeys(code for code in codes if isinstance(code, str) and is_language_code(code)))


def _is_free(rows):
    return any(row.get("amount") == 0 for row in rows)


def _documents(rows):
    return [row["document"].strip() for row in rows if isinstance(row.get("document"), str) and row["document"].strip()]


# --- files ------------------------------------------------------------------------------------


def as_json(tables) -> bytes:
    return json.dumps(tables, ensure_ascii=False, indent=2).encode("utf-8")


def as_json_zip(tables) -> bytes:
    return _zip({_file_name(table, "json"): json.dumps(rows, ensure_ascii=False, indent=2)
                 for table, rows in tables.items() if rows})


def _file_name(table, extension):
    return FILE_NAMES[table].replace(".csv", f".{extension}")


def columns_of(table, rows) -> list[str]:
    """The CSV columns of a table: the specification's in its order, then any extension field."""
    present = {key for row in rows for key in row}
    known = [name for name in COLUMN_ORDER[table] if name in present]
    return known + sorted(present - set(known))


def as_csv_zip(tables) -> bytes:
    """The tabular data package: a CSV per table with rows, and a datapackage.json describing them."""
    files, resources = {}, []
    for table, rows in tables.items():
        if not rows:
            continue
        columns = columns_of(table, rows)
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows({key: csv_cell(_cell_value(value)) for key, value in row.items()} for row in rows)
        files[FILE_NAMES[table]] = buffer.getvalue()
        resources.append({
            "name": table, "path": FILE_NAMES[table], "profile": "tabular-data-resource", "format": "csv",
            "mediatype": "text/csv", "encoding": "utf-8",
            "schema": {"primaryKey": "id", "fields": [
                {"name": name, "type": FIELD_TYPES[table].get(name, "string")} for name in columns]}})
    package = {"name": "kiez-plus-kiosk", "title": "Kiez+ Kiosk: Angebote und Hilfe-Kontakte",
               "profile": "tabular-data-package", "version": "3.0.1",
               "homepage": "https://docs.openreferral.org/en/3.0/", "resources": resources}
    return _zip({"datapackage.json": json.dumps(package, ensure_ascii=False, indent=2), **files})


def _cell_value(value):
    """Lists and objects (an extension field such as our translations) as JSON text in their cell."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True) if isinstance(value, (dict, list)) else value


def _zip(files) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)),
                             text.encode("utf-8"), zipfile.ZIP_DEFLATED)
    return buffer.getvalue()
