"""Every HSDS 3.0 example Open Referral publishes imports, keeps every field, and exports valid HSDS 3.0.1.

The files are in tests/data/hsds-examples (README there: source commits, licence). The `csv/` folders
travel as the zip a data package is sent in.
"""

import io
import zipfile
from pathlib import Path

import pytest

from kiosk.db import database
from kiosk.offers import hsds, hsds_import, hsds_read
from kiosk.offers.vcard import normalise_phone
from tests.test_hsds import fresh_app, validators  # noqa: F401 (a fixture)

EXAMPLES = Path(__file__).parent / "data" / "hsds-examples"
FILES = sorted(path.relative_to(EXAMPLES).as_posix() for source in ("specification", "uk-profile")
               for path in (EXAMPLES / source).iterdir()
               if path.name not in ("LICENSE", "base.json"))


def upload_of(relative):
    """(file name, bytes) as staff would upload the example: a folder of CSV files as a zip."""
    path = EXAMPLES / relative
    if path.is_dir():
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for member in sorted(path.iterdir()):
                archive.write(member, member.name)
        return f"{path.name}.zip", buffer.getvalue()
    return path.name, path.read_bytes()


@pytest.fixture
def empty(tmp_path):
    app = fresh_app(tmp_path / "target")
    with app.app_context():
        yield
    database.close()


def same_value(table, key, given, exported):
    if isinstance(given, str) and isinstance(exported, str):
        if table == "phone" and key == "number":
            try:
                return normalise_phone(given) == exported
            except ValueError:
                return given == exported
        return given.strip() == exported.strip()
    if isinstance(given, (int, float)) and isinstance(exported, str):
        return str(given) == exported  # a number where HSDS wants text: written as that text
    return given == exported


@pytest.mark.parametrize("relative", FILES)
def test_every_published_example_imports_and_keeps_every_field(empty, relative):
    name, payload = upload_of(relative)
    given = hsds_read.read_upload(name, payload).tables
    summary = hsds_import.import_upload(name, payload)
    assert summary["Angebote"] == len(given.get("service", []))
    exported = hsds.export_tables()
    missing = []
    for table, rows in given.items():
        by_id = {row["id"]: row for row in exported[table]}
        for row in rows:
            out = by_id.get(row.data["id"])
            if out is None:
                missing.append(f"{row.where}: row {table} {row.data['id']} not exported")
                continue
            for key, value in row.data.items():
                if value in (None, ""):
                    continue
                if key not in out or not same_value(table, key, value, out[key]):
                    missing.append(f"{row.where}: {table}.{key} {value!r} -> {out.get(key)!r}")
    assert not missing, "\n".join(missing)
    hsds_import.import_upload(name, payload)  # again: rows updated in place, nothing doubled
    assert hsds.export_tables() == exported


@pytest.mark.parametrize("relative", FILES)
@pytest.mark.parametrize("form", ["hsds.json", "hsds-json.zip", "hsds-csv.zip"])
def test_the_export_of_every_example_is_valid_hsds_and_imports_back_the_same(
        empty, tmp_path, validators, relative, form):  # noqa: F811
    hsds_import.import_upload(*upload_of(relative))
    tables = hsds.export_tables()
    write = {"hsds.json": hsds.as_json, "hsds-json.zip": hsds.as_json_zip, "hsds-csv.zip": hsds.as_csv_zip}[form]
    payload = write(tables)
    for table, rows in hsds_read.read_upload(form, payload).tables.items():
        for row in rows:
            validators[table].validate(row.data)
    database.close()
    app = fresh_app(tmp_path / "again")
    with app.app_context():
        hsds_import.import_upload(form, payload)
        assert hsds.export_tables() == tables


def test_the_api_description_is_no_data_and_says_so(empty):
    with pytest.raises(hsds_read.ImportRejected) as caught:
        hsds_import.import_upload(*upload_of("specification/base.json"))
    assert "enthält keine Einträge" in caught.value.problems[0]
