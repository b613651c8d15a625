"""HSDS 3.0.1 export (validated against the published schemas), round trips, and bad imports."""

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from kiosk import create_app
from kiosk.db import database
from kiosk.migrations import create_tables
from kiosk.models import Category, Organization, Phone, Service
from kiosk.offers import hsds
from kiosk.offers import seed as content_seed
from kiosk.spreadsheet import FORMULA_STARTS, csv_cell, from_csv_cell

HSDS_SCHEMAS = Path("/work/shared/hsds-3.0.1/schema")


@pytest.fixture(scope="module")
def validators():
    """One validator per table, as tests/test_schedules.py builds them: $refs resolve by file name."""
    resources = [(path.name, Resource.from_contents(json.loads(path.read_text()), DRAFT202012))
                 for path in HSDS_SCHEMAS.glob("*.json")]
    registry = Registry().with_resources(resources)
    return {table: Draft202012Validator(json.loads((HSDS_SCHEMAS / f"{table}.json").read_text()),
                                        registry=registry, format_checker=FormatChecker())
            for table in hsds.TABLES}


def fresh_app(path, demo=False):
    """An app on a new database file (the one database proxy is pointed at it)."""
    if database.obj is not None:
        database.close()
    path.mkdir(exist_ok=True)
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "DEMO": demo,
                      "DATABASE_URL": f"sqlite:///{path / 'db.sqlite3'}"}, instance_path=str(path))
    with app.app_context():
        create_tables()
    return app


@pytest.fixture
def exported(tmp_path):
    """The shipped content plus the demo examples, exported: (tables, its three file forms)."""
    app = fresh_app(tmp_path / "source", demo=True)
    with app.app_context():
        content_seed.seed_content()
        content_seed.add_demo_offers()
        location = Organization.get(Organization.name == "Wassertor e.V.").locations.get()
        location.accessibility = "Beispiel: Klingel unten"
        location.save()
        tables = hsds.export_tables()
    yield tables, {"all.json": hsds.as_json(tables), "tables.zip": hsds.as_json_zip(tables),
                   "csv.zip": hsds.as_csv_zip(tables)}
    database.close()


def test_every_exported_row_is_valid_hsds(exported, validators):
    tables, _ = exported
    for table, rows in tables.items():
        assert rows, f"{table} is empty: the test data should use every table"
        for row in rows:
            validators[table].validate(row)


def test_schema_validation_is_not_a_no_op(exported, validators):
    tables, _ = exported
    service = tables["service"][0]
    assert not validators["service"].is_valid({**service, "status": "open"})
    assert not validators["service"].is_valid({**service, "id": "7"})
    assert not validators["phone"].is_valid({"id": tables["phone"][0]["id"]})  # no number
    assert not validators["address"].is_valid({**tables["address"][0], "address_type": "home"})


def test_export_holds_the_shipped_facts(exported):
    tables, _ = exported
    kiez_plus = next(s for s in tables["service"] if s["id"] == content_seed.KIEZ_PLUS_UID)
    assert kiez_plus["status"] == "active" and kiez_plus["email"] == "info@wassertor.org"
    phones = [p["number"] for p in tables["phone"] if p["service_id"] == kiez_plus["id"]]
    assert phones == ["+493067796086", "+493061656486"]
    (drop_in,) = [s for s in tables["schedule"] if s["service_id"] == kiez_plus["id"]]
    assert (drop_in["byday"], drop_in["opens_at"], drop_in["closes_at"]) == ("TH", "11:00", "12:30")
    address = next(a for a in tables["address"] if a["address_1"] == "Oranienstr. 72")
    assert (address["postal_code"], address["city"], address["country"]) == ("10969", "Berlin", "DE")
    closed = next(s for s in tables["service"] if s["name"] == "Beispiel: Schuldenberatung")
    assert closed["status"] == "temporarily closed" and closed["alert"]


@pytest.mark.parametrize("filename", ["all.json", "tables.zip", "csv.zip"])
def test_round_trip_into_an_empty_database_gives_the_same_export(exported, tmp_path, filename):
    tables, files = exported
    app = fresh_app(tmp_path / "target")
    with app.app_context():
        summary = hsds.import_upload(filename, files[filename])
        assert summary["Angebote"] == len(tables["service"])
        assert hsds.export_tables() == tables
        assert hsds.as_json(hsds.export_tables()) == files["all.json"]
        # Importing the same file again changes nothing (ids are kept, rows updated in place).
        hsds.import_upload(filename, files[filename])
        assert hsds.export_tables() == tables
        assert Service.select().count() == len(tables["service"])


def test_hidden_entries_travel_as_inactive(exported, tmp_path):
    tables, files = exported
    app = fresh_app(tmp_path / "target")
    with app.app_context():
        hsds.import_upload("all.json", files["all.json"])
        Service.update(hidden=True).where(Service.name == "TelefonSeelsorge").execute()
        again = hsds.export_tables()
    row = next(s for s in again["service"] if s["name"] == "TelefonSeelsorge")
    assert row["status"] == "inactive"


# --- bad imports: reported with where and why, and nothing written --------------------------


@pytest.fixture
def target(tmp_path):
    app = fresh_app(tmp_path / "target")
    with app.app_context():
        content_seed.seed_content()
        yield
    database.close()


def rejected(filename, payload):
    before = (Service.select().count(), Phone.select().count(), Category.select().count())
    with pytest.raises(hsds.ImportRejected) as caught:
        hsds.import_upload(filename, payload)
    assert (Service.select().count(), Phone.select().count(), Category.select().count()) == before
    return " | ".join(caught.value.problems)


def with_changes(tables, table, index, **changes):
    changed = json.loads(json.dumps(tables))
    changed[table][index].update(changes)
    return json.dumps(changed).encode()


def test_invalid_json_names_the_line(target):
    assert "Zeile 3" in rejected("x.json", b'{\n "service": [\n  {"id": }\n ]\n}')


@pytest.mark.parametrize("payload, reason", [
    (b"[]", "erwartet ein Objekt"),
    (b'{"services": []}', "unbekannte Tabelle"),
    (b'{"service": {"id": "x"}}', "erwartet eine Liste"),
    (b'{"service": ["text"]}', "erwartet ein Objekt mit Feldern"),
    (b'{}', "enthält keine Angebote"),
])
def test_wrong_shape_is_rejected(target, payload, reason):
    assert reason in rejected("x.json", payload)


@pytest.mark.parametrize("table, changes, reason", [
    ("service", {"name": ""}, "service, Eintrag 1: name fehlt"),
    ("service", {"status": "open"}, "status 'open'"),
    ("service", {"id": "not-a-uuid"}, "ist keine UUID"),
    ("service", {"name": ["a", "list"]}, "name muss Text sein"),
    ("service", {"url": "javascript:alert(1)"}, "nur Webadressen mit http:// oder https://"),
    ("service", {"email": "info at wassertor"}, "keine E-Mail-Adresse"),
    ("service", {"assured_date": "31.12.2025"}, "kein Datum"),
    ("service", {"organization_id": "6c3f1f8e-2b7a-4d0e-9a51-8f3f5b7d2c99"}, "gibt es weder"),
    ("phone", {"number": "030 abc"}, "phone, Eintrag 1: '030 abc' ist keine Telefonnummer"),
    ("phone", {"number": "677 960 86"}, "keine Telefonnummer"),
    ("phone", {"type": "pager"}, "type 'pager'"),
    ("schedule", {"opens_at": "25:00"}, "schedule, Eintrag 1: Öffnungszeit"),
    ("schedule", {"freq": "DAILY"}, "Öffnungszeit"),
    ("schedule", {"opens_at": "10:00", "closes_at": "10:00"}, "Öffnungszeit"),  # no length
    ("language", {"code": "klingon"}, "Sprachkürzel"),
    ("taxonomy_term", {"taxonomy": "x", "taxonomy_id": "y"}, "unbekannte Taxonomie"),
    ("attribute", {"link_entity": {"nested": 1}}, "link_entity"),
])
def test_a_bad_row_is_reported_and_nothing_is_written(target, exported, table, changes, reason):
    tables, _ = exported
    index = 5 if table == "taxonomy_term" else 0
    assert reason in rejected("x.json", with_changes(tables, table, index, **changes))


def test_all_problems_are_listed_at_once(target, exported):
    tables, _ = exported
    changed = json.loads(json.dumps(tables))
    changed["phone"][0]["number"] = "nope"
    changed["phone"][1]["number"] = "also nope"
    problems = rejected("x.json", json.dumps(changed).encode())
    assert "phone, Eintrag 1" in problems and "phone, Eintrag 2" in problems


def test_a_bad_csv_row_is_reported_with_its_line(target, exported):
    tables, _ = exported
    changed = json.loads(json.dumps(tables))
    changed["phone"][1]["number"] = "0 30 / keine Nummer"
    files = zipfile.ZipFile(io.BytesIO(hsds.as_csv_zip(changed)))
    assert "phone.csv, Zeile 3: '0 30 / keine Nummer' ist keine Telefonnummer" in rejected(
        "csv.zip", zip_of({name: files.read(name) for name in files.namelist()}))


def test_a_duplicate_id_is_rejected_after_rollback(target, exported):
    tables, _ = exported
    changed = json.loads(json.dumps(tables))
    changed["phone"][1]["id"] = changed["phone"][0]["id"]
    assert "doppelt" in rejected("x.json", json.dumps(changed).encode())


def zip_of(members, compression=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize("name", ["../service.json", "/etc/service.json", "export/service.json",
                                  "..\\service.json", "service.json.exe", "Service.JSON", "notes.txt"])
def test_zip_members_must_be_plain_table_names(target, exported, name):
    tables, _ = exported
    payload = zip_of({name: json.dumps(tables["service"])})
    assert "keine Tabelle" in rejected("x.zip", payload)


def test_a_zip_bomb_stops_at_the_unpacked_limit(target):
    bomb = zip_of({"service.json": b"[" + b" " * (hsds.MAX_UNPACKED_BYTES + 10) + b"]"})
    assert len(bomb) < 50_000
    assert "entpackt größer" in rejected("bomb.zip", bomb)


@pytest.mark.parametrize("filename, payload, reason", [
    ("x.zip", b"PK\x03\x04 not really", "lässt sich nicht öffnen"),
    ("x.csv", b"id,name\n", "als ZIP-Datei"),
    ("x.exe", b"MZ", "nur .json oder .zip"),
    ("x.json", "{\"service\": []}".encode("utf-16"), "UTF-8"),
])
def test_unreadable_files_are_rejected(target, filename, payload, reason):
    assert reason in rejected(filename, payload)


def test_too_many_zip_members_are_rejected(target):
    payload = zip_of({f"t{n}.json": b"[]" for n in range(hsds.MAX_ZIP_MEMBERS + 1)})
    assert "höchstens" in rejected("x.zip", payload)


# --- the CSV export opened in a spreadsheet -------------------------------------------------

FORMULAS = {"name": "=1+2", "description": "@SUM(A1)", "alert": "-2+3", "fees": "+5 € im Monat"}


def csv_table(zipped, table):
    with zipfile.ZipFile(io.BytesIO(zipped)) as archive:
        return list(csv.DictReader(io.StringIO(archive.read(f"{table}.csv").decode("utf-8"), newline="")))


@pytest.mark.parametrize("value, cell", [
    ("=1+2", "'=1+2"), ("+49 30 123", "'+49 30 123"), ("-x", "'-x"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("'=1", "''=1"), ("'plain", "'plain"), ("a=b", "a=b"), ("", ""),
    (-3, -3), (2.5, 2.5),
])
def test_a_csv_cell_never_starts_a_formula_and_reads_back_exactly(value, cell):
    assert csv_cell(value) == cell
    if isinstance(value, str):
        assert from_csv_cell(cell) == value


def test_the_hsds_csv_export_neutralises_formulas_and_imports_them_back(tmp_path):
    app = fresh_app(tmp_path / "source")
    with app.app_context():
        content_seed.seed_content()
        service = Service.get(Service.uid == content_seed.KIEZ_PLUS_UID)
        Service.update(**FORMULAS).where(Service.id == service.id).execute()
        tables = hsds.export_tables()
        zipped = hsds.as_csv_zip(tables)
    database.close()
    row = next(r for r in csv_table(zipped, "service") if r["id"] == content_seed.KIEZ_PLUS_UID)
    assert (row["name"], row["description"], row["alert"]) == ("'=1+2", "'@SUM(A1)", "'-2+3")
    for table in hsds.TABLES:
        for exported_row in csv_table(zipped, table):
            for value in exported_row.values():
                assert not value.startswith(FORMULA_STARTS), (table, value)
    app = fresh_app(tmp_path / "target")
    with app.app_context():
        hsds.import_upload("csv.zip", zipped)
        assert hsds.export_tables() == tables
