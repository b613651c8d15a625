"""Reading an uploaded HSDS 3.0 file into flat tables, in every form the standard's tools write.

- the tabular data package: a zip of CSV files named as the specification's datapackage.json says
  (`organizations.csv`, `services.csv`, …, optionally with that datapackage.json); the singular
  names of our older exports are read too. A CSV from German Excel (BOM, semicolons, decimal
  commas) is read as it is.
- single JSON: one object of tables (`{"service": [...]}`, or keyed by file name as the
  specification's tabular.json), or a zip of one JSON file per table;
- the nested form of the HSDS API: one object (`service_full.json`, `organization_full.json`,
  `service_at_location_full.json`, a location, a taxonomy or a term), a list of them, or a page of
  a list (`{"contents": [...]}`); nested objects become rows of their own table with the link to
  their parent filled in.

Refused here, each with its place: unreadable files, an id twice in one table, an id shared by two
tables, a NUL byte in any text. Everything else about the rows is checked by hsds_import.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.spreadsheet import from_csv_cell

SPEC = json.loads(Path(__file__).with_name("hsds_tables.json").read_text(encoding="utf-8"))["tables"]
SPEC_TABLES = tuple(SPEC)
FILE_NAMES = {table: SPEC[table]["path"] for table in SPEC_TABLES}  # "organization" -> "organizations.csv"
NUMBER_COLUMNS = {table: {name for name, kind, _ in SPEC[table]["fields"] if kind in ("number", "integer")}
                  for table in SPEC_TABLES}
MAX_UNPACKED_BYTES = 8 * 1024 * 1024  # all files of one zip together, unpacked
MAX_ZIP_MEMBERS = 60
MAX_PROBLEMS_SHOWN = 20


def table_of(name: str) -> str | None:
    """The HSDS table a file or key name stands for: "services.csv", "service", "service.json" …"""
    stem = re.sub(r"\.(csv|json)$", "", name)
    for table in SPEC_TABLES:
        if stem in (table, FILE_NAMES[table][:-len(".csv")]):
            return table
    return None


class ImportRejected(Exception):
    """The file was not imported; `problems` says where and why, in words for staff."""

    def __init__(self, problems):
        super().__init__("; ".join(problems))
        self.problems = problems[:MAX_PROBLEMS_SHOWN]
        self.more = max(0, len(problems) - MAX_PROBLEMS_SHOWN)


@dataclass
class Row:
    where: str  # "services.csv, Zeile 4" or "service_full.json, phones[0]", for the staff
    data: dict


@dataclass
class Upload:
    """The rows of a file by table, and what was left unread (said to staff before anything is written)."""

    tables: dict[str, list[Row]] = field(default_factory=dict)
    unread: list[str] = field(default_factory=list)


def read_upload(filename: str, payload: bytes) -> Upload:
    name = filename.lower()
    if name.endswith(".json"):
        upload = _from_json(_json(payload, filename), filename)
    elif name.endswith(".zip"):
        upload = _from_zip(payload)
    elif name.endswith(".csv"):
        raise ImportRejected([f"{filename}: CSV-Tabellen bitte zusammen als ZIP-Datei hochladen "
                              "(so wie beim Export), eine Tabelle allein reicht nicht."])
    else:
        raise ImportRejected([f"{filename}: nur .json oder .zip (wie beim Export) können eingelesen werden."])
    try:
        _refuse_nul_bytes(upload)
    except RecursionError:  # values nested a thousand deep are no HSDS record
        raise ImportRejected([f"{filename}: zu tief verschachtelt, das ist keine HSDS-Datei."]) from None
    _refuse_shared_ids(upload)
    return upload


# --- JSON -----------------------------------------------------------------------------------


JSON_ERRORS = {  # the json module's messages, for staff
    "Expecting value": "hier fehlt ein Wert",
    "Expecting ',' delimiter": "hier fehlt ein Komma",
    "Expecting ':' delimiter": "hier fehlt ein Doppelpunkt",
    "Expecting property name enclosed in double quotes": "hier fehlt ein Feldname in doppelten Anführungszeichen",
    "Extra data": "nach dem Ende der Daten steht noch etwas",
    "Unterminated string": "ein Text in Anführungszeichen endet nicht",
    "Invalid control character": "ein Steuerzeichen (z. B. ein Zeilenumbruch) mitten in einem Text",
    "Invalid \\escape": "ein ungültiges \\-Zeichen in einem Text",
}


def _json(payload, where):
    try:
        return json.loads(payload.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ImportRejected([f"{where}: die Datei ist nicht in UTF-8 geschrieben."]) from None
    except json.JSONDecodeError as error:
        reason = next((german for english, german in JSON_ERRORS.items() if error.msg.startswith(english)),
                      "hier stimmt die Schreibweise nicht")
        raise ImportRejected([f"{where}, Zeile {error.lineno}, Zeichen {error.colno}: kein gültiges JSON "
                              f"({reason})."]) from None
    except RecursionError:
        raise ImportRejected([f"{where}: zu tief verschachtelt, das ist keine HSDS-Datei."]) from None


def _from_json(data, where) -> Upload:
    if isinstance(data, list):
        return _from_nested(data, where)
    if not isinstance(data, dict):
        raise ImportRejected([f"{where}: erwartet ein Objekt mit Tabellen, z. B. {{\"service\": [...]}}, "
                              "oder ein HSDS-Objekt wie in service_full.json."])
    if isinstance(data.get("contents"), list):  # a page of an API list
        return _from_nested(data["contents"], where, "contents")
    if "id" in data:
        return _from_nested([data], where, None)
    if "openapi_url" in data and "version" in data:
        raise ImportRejected([f"{where}: beschreibt nur eine HSDS-Schnittstelle (Version "
                              f"{data.get('version')}) und enthält keine Einträge."])
    unknown = [str(key) for key in data if table_of(str(key)) is None]
    if unknown:
        raise ImportRejected([f"{where}: unbekannte Tabelle(n) {', '.join(sorted(unknown))} "
                              f"(HSDS kennt {', '.join(SPEC_TABLES)})."])
    upload = Upload()
    for key, rows in data.items():
        _add_table(upload, table_of(key), _json_rows(rows, f"{where}, {key}"), key)
    return upload


def _json_rows(rows, label):
    if not isinstance(rows, list):
        raise ImportRejected([f"{label}: erwartet eine Liste von Einträgen."])
    return [Row(f"{label}, Eintrag {number}", row) for number, row in enumerate(rows, 1)]


def _add_table(upload, table, rows, source):
    """Rows of one table from one source; a second source of the same table is left unread, said."""
    if table in upload.tables:
        upload.unread.append(f"{source}: nicht gelesen, die Tabelle {table} stand schon in "
                             f"{upload.tables[table][0].where.split(',')[0] if upload.tables[table] else 'der Datei'}.")
        return
    _refuse_duplicate_ids(rows)
    upload.tables[table] = rows


def _refuse_duplicate_ids(rows):
    seen, problems = {}, []
    for row in rows:
        key = row.data.get("id") if isinstance(row.data, dict) else None
        if isinstance(key, str) and key:
            if key in seen:
                problems.append(f"{row.where}: die id {key} steht schon in {seen[key]}; "
                                "jede id darf nur einmal vorkommen.")
            else:
                seen[key] = row.where
    if problems:
        raise ImportRejected(problems)


# The nested form: which key of an object holds which table, and how a child links to its parent.
NESTED_LISTS = {
    "phones": "phone", "schedules": "schedule", "service_areas": "service_area",
    "service_at_locations": "service_at_location", "languages": "language", "funding": "funding",
    "cost_options": "cost_option", "required_documents": "required_document", "contacts": "contact",
    "attributes": "attribute", "metadata": "metadata", "addresses": "address",
    "accessibility": "accessibility", "locations": "location", "programs": "program",
    "organization_identifiers": "organization_identifier", "services": "service",
    "taxonomy_terms": "taxonomy_term",
}
NESTED_OBJECTS = {  # key -> (table, the field of the parent that names it)
    "organization": ("organization", "organization_id"), "location": ("location", "location_id"),
    "service": ("service", "service_id"), "program": ("program", "program_id"),
    "taxonomy_term": ("taxonomy_term", "taxonomy_term_id"), "taxonomy_detail": ("taxonomy", "taxonomy_id"),
}


def kind_of_object(data: dict) -> str | None:
    """Which HSDS object a top-level nested object is, from the fields only it has."""
    keys = set(data)
    if {"service", "location"} & keys and not {"status", "location_type"} & keys:
        return "service_at_location"
    if "status" in keys:
        return "service"
    if "location_type" in keys:
        return "location"
    if {"code", "term", "parent_id", "term_uri", "taxonomy", "taxonomy_id", "taxonomy_detail"} & keys:
        return "taxonomy_term"
    if {"version", "taxonomy_terms"} & keys:
        return "taxonomy"
    if {"website", "email", "logo", "uri", "legal_status", "tax_status", "year_incorporated",
            "services", "parent_organization_id", "organization_identifiers"} & keys:
        return "organization"
    return None


def _from_nested(objects, where, path="") -> Upload:
    upload = Upload()
    rows: dict[str, dict[str, Row]] = {}
    for index, data in enumerate(objects):
        label = f"{path}[{index}]" if path is not None else ""
        if not isinstance(data, dict):
            raise ImportRejected([f"{where}, {label or 'oben'}: erwartet ein HSDS-Objekt."])
        kind = kind_of_object(data)
        if kind is None:
            raise ImportRejected([f"{where}, {label or 'oben'}: nicht erkannt, welches HSDS-Objekt das ist "
                                  "(Angebot, Organisation, Ort, Taxonomie …)."])
        try:
            _flatten(data, kind, f"{where}, {label or kind}", rows)
        except RecursionError:
            raise ImportRejected([f"{where}: zu tief verschachtelt, das ist keine HSDS-Datei."]) from None
    upload.tables = {table: list(by_id.values()) for table, by_id in rows.items()}
    return upload


def _flatten(data, table, where, rows):
    """Add `data` as a row of `table` and its nested objects as rows of theirs; returns its id."""
    flat = {}
    children = []
    for key, value in data.items():
        if key in NESTED_LISTS and isinstance(value, list):
            children += [(NESTED_LISTS[key], item, f"{where}.{key}[{n}]", None) for n, item in enumerate(value)]
        elif key in NESTED_OBJECTS and isinstance(value, dict):
            child_table, link = NESTED_OBJECTS[key]
            children.append((child_table, value, f"{where}.{key}", link))
        else:
            flat[key] = value
    row_id = flat.get("id")
    for child_table, child, child_where, link in children:
        if not isinstance(child, dict):
            raise ImportRejected([f"{child_where}: erwartet ein Objekt."])
        if link is None:
            child = {**_parent_link(child_table, table, row_id), **child}
        child_id = _flatten(child, child_table, child_where, rows)
        if link is not None and child_id is not None and flat.get(link) in (None, ""):
            flat[link] = child_id
    by_id = rows.setdefault(table, {})
    key = row_id if isinstance(row_id, str) and row_id else f"#{len(by_id)}"
    if key in by_id:  # the same object nested twice (a location in its organisation and its service)
        for name, value in flat.items():
            by_id[key].data.setdefault(name, value)
    else:
        by_id[key] = Row(where, flat)
    return row_id


def _parent_link(child_table, parent_table, parent_id):
    """The fields that tie a nested child to its parent, when the child does not say it itself."""
    columns = {name for name, _, _ in SPEC[child_table]["fields"]}
    if child_table == "attribute":
        return {"link_id": parent_id, "link_entity": parent_table}
    if child_table == "metadata":
        return {"resource_id": parent_id, "resource_type": parent_table}
    if f"{parent_table}_id" in columns:
        return {f"{parent_table}_id": parent_id}
    return {}


# --- zip files ------------------------------------------------------------------------------


def _from_zip(payload) -> Upload:
    try:
        archive = zipfile.ZipFile(io.BytesIO(payload))
        members = [member for member in archive.infolist() if not member.is_dir()]
    except (zipfile.BadZipFile, ValueError):
        raise ImportRejected(["Die ZIP-Datei lässt sich nicht öffnen."]) from None
    if len(members) > MAX_ZIP_MEMBERS:
        raise ImportRejected([f"Die ZIP-Datei enthält {len(members)} Dateien; erwartet sind höchstens "
                              f"{len(SPEC_TABLES)} Tabellen und eine datapackage.json."])
    names = _member_names(members)
    contents, budget = {}, MAX_UNPACKED_BYTES
    for member in members:
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
        contents[names[member.filename]] = content
    package = contents.pop("datapackage.json", None)
    paths = _package_paths(package) if package is not None else {}
    upload = Upload()
    # The name the specification gives a table first, so an older singular copy beside it is the one left.
    for name in sorted(contents, key=lambda name: (paths.get(name, table_of(name)), name not in paths,
                                                   name != FILE_NAMES.get(table_of(name)))):
        table = paths.get(name) or table_of(name)
        content = contents[name]
        rows = _csv_rows(content, name, table) if name.endswith(".csv") else \
            _json_rows(_json(content, name), name)
        _add_table(upload, table, rows, name)
    return upload


def _member_names(members):
    """Each member's name without the one folder all share; refused: other folders, other files."""
    folders = {member.filename.split("/")[0] for member in members if "/" in member.filename}
    common = next(iter(folders)) + "/" if len(folders) == 1 and all(
        member.filename.startswith(next(iter(folders)) + "/") for member in members) else ""
    names = {}
    for member in members:
        name = member.filename[len(common):]
        table = table_of(name) if re.fullmatch(r"[a-z_]+\.(json|csv)", name) else None
        if name != "datapackage.json" and table is None or common in ("../", "/") or ".." in name:
            raise ImportRejected([f"{member.filename!r} in der ZIP-Datei ist keine Tabelle "
                                  "(erwartet z. B. services.csv oder service.json und datapackage.json, "
                                  "ohne weitere Ordner)."])
        names[member.filename] = name
    return names


def _package_paths(content):
    """File name -> table, as the zip's own datapackage.json names its resources."""
    package = _json(content, "datapackage.json")
    resources = package.get("resources") if isinstance(package, dict) else None
    if not isinstance(resources, list):
        raise ImportRejected(["datapackage.json: erwartet \"resources\", eine Liste der Tabellen."])
    paths = {}
    for resource in resources:
        if isinstance(resource, dict) and isinstance(resource.get("path"), str) \
                and resource.get("name") in SPEC:
            paths[resource["path"].split("/")[-1]] = resource["name"]
    return paths


# --- CSV ------------------------------------------------------------------------------------


def _csv_rows(content, filename, table):
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRejected([f"{filename}: die Datei ist nicht in UTF-8 geschrieben. In Excel bitte "
                              "„Speichern unter“ → „CSV UTF-8 (durch Trennzeichen getrennt)“ wählen."]) from None
    header = text.split("\n", 1)[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    try:
        for row in reader:
            if None in row:
                raise ImportRejected([f"{filename}, Zeile {reader.line_num}: mehr Spalten als Überschriften"
                                      + (" (Trennzeichen ist das Semikolon: steht eines im Text, muss die Zelle "
                                         "in Anführungszeichen stehen)." if delimiter == ";" else ".")])
            data = {key: _csv_value(table, key, value, delimiter) for key, value in row.items()
                    if value not in ("", None)}
            if data:  # Excel keeps rows that only hold separators
                rows.append(Row(f"{filename}, Zeile {reader.line_num}", data))
    except csv.Error:
        raise ImportRejected([f"{filename}, Zeile {reader.line_num}: die CSV-Datei lässt sich hier nicht lesen "
                              "(z. B. ein Anführungszeichen ohne Gegenstück oder ein NUL-Zeichen). Bitte mit "
                              "Kommas (oder Semikolons) als Trennzeichen und in UTF-8 speichern."]) from None
    return rows


def _csv_value(table, key, value, delimiter):
    value = from_csv_cell(value)
    if key in NUMBER_COLUMNS.get(table, ()):
        written = value.replace(",", ".") if delimiter == ";" else value  # German Excel: 2,5
        try:
            number = float(written)
        except ValueError:
            return value  # reported by the row check
        return int(number) if number.is_integer() else number
    return value


# --- refusals across the whole file ---------------------------------------------------------


def _refuse_nul_bytes(upload):
    problems = []
    for rows in upload.tables.values():
        for row in rows:
            for key, value in _texts(row.data):
                if "\x00" in value:
                    problems.append(f"{row.where}: {key} enthält ein NUL-Zeichen (\\0); das ist kein Text, "
                                    "die Datei ist wohl beschädigt.")
    if problems:
        raise ImportRejected(problems)


def _texts(value, key=""):
    if isinstance(value, str):
        yield key, value
    elif isinstance(value, dict):
        for name, item in value.items():
            yield from _texts(name, f"Feldname {key}".strip())
            yield from _texts(item, name)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item, key)


def _refuse_shared_ids(upload):
    owner, problems = {}, []
    for table, rows in upload.tables.items():
        for row in rows:
            key = row.data.get("id") if isinstance(row.data, dict) else None
            if not isinstance(key, str) or not key:
                continue
            if key in owner and owner[key][0] != table:
                problems.append(f"{row.where}: die id {key} gehört schon zu {owner[key][1]} (Tabelle "
                                f"{owner[key][0]}); in HSDS hat jeder Eintrag eine eigene id.")
            owner.setdefault(key, (table, row.where))
    if problems:
        raise ImportRejected(problems)
