"""Importing HSDS 3.0 tables: check every row, tell staff what the kiosk will show and what it only
keeps, then write everything in one transaction.

The kiosk shows a part of HSDS (a service's name, texts, one place, phones, opening hours …).
Nothing else of a file is dropped: the other fields of a record, the rows of tables the kiosk does
not use (contacts, funding, programs, terms of other taxonomies …) and the original rows a kiosk
field was read from (schedules with dtstart or timezone, addresses with country and address_2 …)
are stored in HsdsKept and written again by the export (kiosk/offers/hsds.py). `preview` lists
them in German for the staff to confirm; only what could not be read at all is "nicht übernommen".
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import date

from peewee import IntegrityError

from kiosk.db import database
from kiosk.models import Category, HsdsKept, Location, Organization, Phone, Service, ServiceCategory
from kiosk.offers import hsds
from kiosk.offers.directory import (
    AUDIENCE,
    HELP,
    KEY_PATTERN,
    OFFER,
    is_email,
    is_language_code,
    is_web_address,
)
from kiosk.offers.hsds_read import ImportRejected, Row, Upload, read_upload
from kiosk.offers.vcard import normalise_phone
from kiosk.schedules import from_hsds

# Fields of a row the kiosk reads into its own columns; every other field is kept as given.
OWNED = {
    "organization": {"id", "name", "description", "email", "website"},
    "location": {"id", "organization_id", "name", "transportation"},
    "service": {"id", "organization_id", "name", "description", "url", "email", "status", "alert",
                "fees_description", "assured_date", hsds.TRANSLATIONS},
    "phone": {"id", "service_id", "number", "type", "description"},
}
TABLE_NAMES = {  # German, for the summary
    "organization": "Organisationen", "location": "Orte", "service": "Angebote", "phone": "Telefonnummern",
    "address": "Adressen", "schedule": "Öffnungszeiten", "contact": "Kontaktpersonen",
    "funding": "Förderungen", "program": "Programme", "service_area": "Einzugsgebiete",
    "organization_identifier": "Kennungen von Organisationen", "metadata": "Änderungsprotokolle",
    "meta_table_description": "Tabellenbeschreibungen", "taxonomy": "Taxonomien",
    "taxonomy_term": "Begriffe anderer Taxonomien", "attribute": "Zuordnungen zu Begriffen",
    "language": "Sprachen", "cost_option": "Kosten", "required_document": "Unterlagen",
    "accessibility": "Angaben zur Barrierefreiheit", "service_at_location": "Angebot-an-Ort-Verknüpfungen",
}


@dataclass
class Preview:
    """What an import will do, for the staff to confirm before anything is written."""

    counts: dict[str, int]
    kept: list[str] = field(default_factory=list)  # kept and exported again, not shown
    not_kept: list[str] = field(default_factory=list)  # not read at all


def preview_upload(filename: str, payload: bytes) -> Preview:
    """Everything an import would do, checked, without writing; ImportRejected if the file has errors."""
    return _plan(read_upload(filename, payload)).preview


def import_upload(filename: str, payload: bytes) -> dict[str, int]:
    """Check everything, then write it in one transaction; ImportRejected (nothing written) otherwise.

    Rows with an id that exists are updated, others added; nothing is deleted.
    """
    plan = _plan(read_upload(filename, payload))
    try:
        with database.atomic():
            return plan.write()
    except IntegrityError:
        raise ImportRejected(["Eine id gehört schon zu einem anderen Eintrag in der Datenbank "
                              "(z. B. eine Kategorie mit demselben Kürzel). Es wurde nichts geändert."]) from None


def _plan(upload: Upload) -> _Plan:
    tables = upload.tables
    if not any(tables.get(table) for table in hsds.TABLES_WITH_CONTENT):
        raise ImportRejected(["Die Datei enthält keine Angebote, Orte, Kategorien oder Organisationen."])
    check = _Checker()
    for rows in tables.values():
        for row in rows:
            if not isinstance(row.data, dict):
                check.fail(row, "erwartet ein Objekt mit Feldern.")
    if check.problems:
        raise ImportRejected(check.problems)
    plan = _Plan(check, tables, upload.unread)
    plan.read()
    if check.problems:
        raise ImportRejected(check.problems)
    return plan


class _Checker:
    """Collects the problems of every row, so staff see them all at once."""

    def __init__(self):
        self.problems: list[str] = []

    def fail(self, row: Row, reason: str):
        self.problems.append(f"{row.where}: {reason}")

    def text(self, row, field, required=False, max_length=20000):
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


class _Plan:
    """What an import will write, built from the checked rows."""

    def __init__(self, check, tables, unread):
        self.check = check
        self.tables = tables
        self.categories, self.organizations, self.locations, self.services = {}, {}, {}, {}
        self.phones = {}  # uid -> fields, with "service"
        self.kept: dict[tuple[str, str], tuple[str | None, dict]] = {}  # whole rows
        self.extras: dict[tuple[str, str], dict] = {}  # other fields and source rows of kiosk records
        self.kept_notes: list[str] = []
        self.unread = list(unread)

    def rows(self, table):
        return self.tables.get(table, [])

    def read(self):
        self._read_taxonomies()
        self._read_organizations()
        self._read_locations()
        self._read_services()
        self._read_service_at_location()
        self._read_phones()
        self._read_service_lists()
        self._read_attributes()
        for table in self.tables:
            if table not in hsds.READ_TABLES:
                for row in self.rows(table):
                    self._keep(table, row)

    # --- records the kiosk has ----------------------------------------------------------------

    def _read_taxonomies(self):
        for row in self.rows("taxonomy"):
            if self.check.uid(row) not in hsds.TAXONOMY_IDS.values():
                self._keep("taxonomy", row)
        positions = {}
        for row in self.rows("taxonomy_term"):
            uid = self.check.uid(row)
            kind = (hsds.KIND_OF_TAXONOMY.get(_plain(row.data.get("taxonomy_id")))
                    or hsds.KIND_OF_TAXONOMY.get(_plain(row.data.get("taxonomy"))))
            if uid in hsds.FLAG_OF_ID:
                continue
            if kind not in (OFFER, HELP, AUDIENCE):
                self._keep("taxonomy_term", row)  # another taxonomy: kept as given
                continue
            key = self.check.text(row, "code", required=True, max_length=40)
            if key and not re.fullmatch(KEY_PATTERN, key):
                self.check.fail(row, f"code {key!r}: nur Kleinbuchstaben, Ziffern und -, vorne ein Buchstabe.")
            name = self.check.text(row, "name", required=True, max_length=100)
            existing = Category.get_or_none((Category.kind == kind) & (Category.key == key))
            if existing and existing.uid != uid:
                self.check.fail(row, f"die Kategorie {key!r} gibt es schon mit einer anderen id.")
            positions[kind] = positions.get(kind, -1) + 1
            self.categories[uid] = {"uid": uid, "kind": kind, "key": key, "name": name,
                                    "description": _unless_name(self.check.text(row, "description"), name),
                                    "position": positions[kind] * 10}

    def _read_organizations(self):
        for row in self.rows("organization"):
            uid = self.check.uid(row)
            name = self.check.text(row, "name", True, 200)
            self.organizations[uid] = {
                "uid": uid, "name": name,
                "description": _unless_name(self.check.text(row, "description"), name),
                "email": self._email(row, "email"), "website": self._web(row, "website")}
            self._extra_fields("organization", uid, row)

    def _read_locations(self):
        for row in self.rows("location"):
            uid = self.check.uid(row)
            self.locations[uid] = {
                "uid": uid, "name": self.check.text(row, "name", True, 200),
                "organization": self._reference(row, "organization_id", self.organizations, Organization),
                "transportation": self.check.text(row, "transportation"),
                "street": "", "postcode": "", "city": "", "accessibility": "", "step_free": False}
            self._extra_fields("location", uid, row, keep_dangling="organization_id")
        for row in self.rows("address"):
            location = self._owner(row, "location_id", self.locations, "address")
            if location is None:
                continue
            if not self._source_rows("location", location["uid"], "address", row):
                location["street"] = self.check.text(row, "address_1", max_length=200)
                location["postcode"] = self.check.text(row, "postal_code", max_length=10)
                location["city"] = self.check.text(row, "city", max_length=100)
            else:
                self.kept_notes.append(f"{row.where}: eine weitere Adresse des Ortes (der Kiosk zeigt die erste).")
        for row in self.rows("accessibility"):
            location = self._owner(row, "location_id", self.locations, "accessibility")
            if location is None:
                continue
            description = self.check.text(row, "description")
            if not self._source_rows("location", location["uid"], "accessibility", row):
                location["accessibility"] = description
            elif description:
                location["accessibility"] += "\n" + description

    def _read_services(self):
        for row in self.rows("service"):
            uid = self.check.uid(row)
            status = row.data.get("status")
            if status not in ("active", "temporarily closed", "inactive", "defunct"):
                self.check.fail(row, f"status {status!r}: erwartet active, temporarily closed, inactive "
                                     "oder defunct.")
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
                "translations": self._translations(row),
                "languages": [], "free": False, "what_to_bring": [], "schedule": [],
                "walk_in": False, "by_appointment": False, "around_the_clock": False,
                "categories": []}
            extra = self._extra_fields("service", uid, row, keep_dangling="organization_id")
            if hsds.is_flag_text(extra.get("application_process")):
                del extra["application_process"]  # written by our export from the flags, which travel as attributes

    def _read_service_at_location(self):
        for row in self.rows("service_at_location"):
            service = self.services.get(self.check.uid(row, "service_id", required=False))
            location = self._reference(row, "location_id", self.locations, Location, required=True)
            if service is None or not location:
                self._keep("service_at_location", row)
                continue
            if service["location"] is None:
                service["location"] = location
            else:
                self.kept_notes.append(f"{row.where}: ein weiterer Ort des Angebots (der Kiosk zeigt einen).")
            self._source_rows("service", service["uid"], "service_at_location", row)

    def _read_phones(self):
        for row in self.rows("phone"):
            uid = self.check.uid(row)
            service = self.services.get(self.check.uid(row, "service_id", required=False))
            number = self.check.text(row, "number", required=True, max_length=40)
            kind = row.data.get("type", "voice")
            if service is None:
                self._keep("phone", row)
                continue
            try:
                number = normalise_phone(number)
            except ValueError:
                self.kept_notes.append(f"{row.where}: {number!r} kann der Kiosk nicht als Telefonnummer zeigen.")
                self._keep("phone", row, owner=service["uid"])
                continue
            if kind not in hsds.PHONE_TYPES:
                self.kept_notes.append(f"{row.where}: Telefon der Art {kind!r} (der Kiosk kennt voice, cell, fax).")
                self._keep("phone", row, owner=service["uid"])
                continue
            self.phones[uid] = {"uid": uid, "service": service["uid"], "number": number, "kind": kind,
                                "description": self.check.text(row, "description", max_length=200)}
            self._extra_fields("phone", uid, row, owner=service["uid"])

    def _read_service_lists(self):
        """Schedules, languages, costs and documents: read into a service field, their rows kept."""
        for row in self.rows("schedule"):
            service = self.services.get(self.check.uid(row, "service_id", required=False))
            if service is None:
                self._keep("schedule", row)
                continue
            self.check.uid(row)
            self._source_rows("service", service["uid"], "schedule", row)
            try:
                from_hsds([hsds.shown_schedule_row(row.data)])
            except (ValueError, TypeError) as error:
                wrong, reason = hsds.schedule_reason(error)
                if wrong:
                    self.check.fail(row, f"Öffnungszeit: {reason}.")
                else:
                    self.kept_notes.append(f"{row.where}: Öffnungszeit, die der Kiosk nicht anzeigen kann ({reason}).")
                continue
            service["schedule"].append(hsds.shown_schedule_row(row.data))
        for row in self.rows("language"):
            service = self.services.get(self.check.uid(row, "service_id", required=False))
            if service is None:
                self._keep("language", row)
                continue
            self.check.uid(row)
            self._source_rows("service", service["uid"], "language", row)
            code = row.data.get("code")
            if not isinstance(code, str) or not is_language_code(code):
                self.kept_notes.append(f"{row.where}: Sprache {row.data.get('name') or code or '(ohne Namen)'} ohne "
                                       "Sprachkürzel wie de oder tr.")
            elif code not in service["languages"]:
                service["languages"].append(code)
        for row in self.rows("cost_option"):
            service = self.services.get(self.check.uid(row, "service_id", required=False))
            amount = row.data.get("amount")
            if amount is not None and (isinstance(amount, bool) or not isinstance(amount, (int, float))):
                self.check.fail(row, f"amount {amount!r} ist keine Zahl.")
            if service is None:
                self._keep("cost_option", row)
                continue
            self.check.uid(row)
            self._source_rows("service", service["uid"], "cost_option", row)
            if amount == 0:
                service["free"] = True
        for row in self.rows("required_document"):
            service = self.services.get(self.check.uid(row, "service_id", required=False))
            if service is None:
                self._keep("required_document", row)
                continue
            self.check.uid(row)
            self._source_rows("service", service["uid"], "required_document", row)
            document = self.check.text(row, "document", required=True)
            if document:
                service["what_to_bring"].append(document)

    def _read_attributes(self):
        for row in self.rows("attribute"):
            self.check.uid(row)
            term = self.check.uid(row, "taxonomy_term_id", required=False)
            entity = row.data.get("link_entity")
            owners = {"service": self.services, "location": self.locations}.get(_plain(entity))
            flag = hsds.FLAG_OF_ID.get(term)
            ours = flag is not None or term in self.categories or Category.get_or_none(Category.uid == term)
            if not ours:
                self._keep("attribute", row)
                continue
            if owners is None:
                self.check.fail(row, f"link_entity {entity!r}: erwartet service oder location.")
                continue
            owner = self._owner(row, "link_id", owners, "attribute")
            if owner is None:
                continue
            if flag == "step_free" and entity == "location":
                owner["step_free"] = True
            elif flag in hsds.SERVICE_FLAGS and entity == "service":
                owner[flag] = True
            elif entity == "service" and flag is None:
                owner["categories"].append(term)
            else:
                self.check.fail(row, f"taxonomy_term_id {term!r} passt nicht zu {entity}.")

    # --- what is kept ---------------------------------------------------------------------------

    def _keep(self, table, row, owner=None):
        """A row the kiosk does not show, kept whole; its owner is the kiosk record it belongs to."""
        uid = self.check.text(row, "id", required=True, max_length=200)
        if owner is None:
            for link, records in (("service_id", self.services), ("location_id", self.locations),
                                  ("organization_id", self.organizations), ("link_id", self.services),
                                  ("link_id", self.locations), ("link_id", self.organizations)):
                if _plain(row.data.get(link)) in records:
                    owner = row.data[link]
                    break
        self.kept[(table, uid)] = (owner, row.data)

    def _extra_fields(self, table, uid, row, owner=None, keep_dangling=None):
        """The fields of a kiosk record the kiosk has no column for, kept to be exported again."""
        fields = {key: value for key, value in row.data.items()
                  if key not in OWNED[table] and value not in (None, "")}
        dangling = _plain(row.data.get(keep_dangling)) if keep_dangling else None
        if dangling and dangling not in self.organizations and not Organization.get_or_none(
                Organization.uid == dangling):
            fields[keep_dangling] = dangling  # a link to an organisation the file does not hold: kept as given
        extra = self.extras.setdefault((table, uid), {"owner": owner or uid, "fields": {}, "rows": {}})
        extra["fields"] = fields
        return fields

    def _source_rows(self, table, uid, source, row):
        """Keep `row` as one the field of a kiosk record was read from; True if one came before."""
        extra = self.extras.setdefault((table, uid), {"owner": uid, "fields": {}, "rows": {}})
        rows = extra["rows"].setdefault(source, [])
        rows.append(row.data)
        return len(rows) > 1

    @property
    def preview(self) -> Preview:
        counts = {"Kategorien": len(self.categories), "Organisationen": len(self.organizations),
                  "Orte": len(self.locations), "Angebote": len(self.services),
                  "Telefonnummern": len(self.phones),
                  "aufbewahrte weitere HSDS-Einträge": len(self.kept)}
        kept = []
        for table in sorted({table for (table, _) in self.extras}):
            names = sorted({name for (t, _), extra in self.extras.items() if t == table for name in extra["fields"]})
            if names:
                kept.append(f"{TABLE_NAMES[table]}, Felder: {', '.join(names)}")
        by_table = {}
        for (table, _) in self.kept:
            by_table[table] = by_table.get(table, 0) + 1
        if by_table:
            kept.append("Ganze Einträge: " + ", ".join(
                f"{count} {TABLE_NAMES.get(table, table)} ({table})" for table, count in sorted(by_table.items())))
        return Preview(counts, kept + self.kept_notes, self.unread)

    # --- helpers --------------------------------------------------------------------------------

    def _reference(self, row, field, in_file, model, required=False):
        """The uid of another row, from this file or already in the database; None if neither."""
        uid = self.check.uid(row, field, required)
        if uid and uid not in in_file and not model.get_or_none(model.uid == uid):
            if required:
                self.check.fail(row, f"{field} {uid} gibt es weder in der Datei noch in der Datenbank.")
            return None
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

    def _translations(self, row):
        value = row.data.get(hsds.TRANSLATIONS)
        if value in (None, ""):
            return {}
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except json.JSONDecodeError:
                value = None
        if not isinstance(value, dict) or not all(
                isinstance(texts, dict) and all(isinstance(text, str) for text in texts.values())
                for texts in value.values()):
            self.check.fail(row, f"{hsds.TRANSLATIONS}: erwartet {{\"tr\": {{\"name\": …, \"description\": …}}}}.")
            return {}
        return value

    # --- writing --------------------------------------------------------------------------------

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
        for (table, uid), extra in self.extras.items():
            _keep_row(table, uid, extra["owner"], {"fields": extra["fields"], "rows": extra["rows"]})
        for (table, uid), (owner, data) in self.kept.items():
            _keep_row(table, uid, owner, data)
        return self.preview.counts

    def _write_service(self, fields):
        categories = fields.pop("categories")
        fields["organization"] = _by_uid(Organization, fields["organization"])
        fields["location"] = _by_uid(Location, fields["location"])
        fields["languages"] = ",".join(fields["languages"])
        fields["what_to_bring"] = "\n".join(fields["what_to_bring"])
        fields["schedule"] = from_hsds(fields["schedule"]).to_dict()
        service = _upsert(Service, fields)
        ServiceCategory.delete().where(ServiceCategory.service == service).execute()
        for uid in dict.fromkeys(categories):
            ServiceCategory.create(service=service, category=_by_uid(Category, uid))
        Phone.delete().where(Phone.service == service).execute()
        phones = [phone for phone in self.phones.values() if phone["service"] == service.uid]
        for position, phone in enumerate(phones):
            Phone.create(service=service, position=position,
                         **{key: value for key, value in phone.items() if key != "service"})


def _keep_row(table, uid, owner, data):
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    HsdsKept.insert(table=table, uid=uid, owner=owner, data=text).on_conflict(
        conflict_target=[HsdsKept.table, HsdsKept.uid],
        update={HsdsKept.owner: owner, HsdsKept.data: text}).execute()


def _unless_name(description, name):
    """Our export writes the name where a required description is empty; read back, it is empty again."""
    return "" if description == name else description


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
