"""The staff import page: upload, the summary of what is taken over and what is only kept, confirm."""

import io
import json
import os
import re
import zipfile

from kiosk.models import HsdsKept, Service
from tests.conftest import form_value
from tests.test_content_admin import audit_actions, confirm, page, staff, upload  # noqa: F401 (staff: fixture)
from tests.test_hsds_examples import EXAMPLES, upload_of


def test_a_published_example_shows_its_summary_and_writes_nothing_before_confirming(app, staff):
    name, payload = upload_of("specification/service_full.json")
    response = upload(staff, name, payload)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Einlesen bestätigen" in html
    assert "Aufbewahrt, aber nicht angezeigt" in html
    assert "eligibility_description" in html and "interpretation_services" in html
    assert "1 Kontaktpersonen (contact)" in html
    assert "nicht unterstützt: until, count, byweekno, bymonthday, byyearday, dtstart" in html
    with app.app_context():
        assert not Service.select().where(Service.name == "Community Counselling").exists()
        assert HsdsKept.select().count() == 0
    assert "content_import" not in audit_actions(app)
    done = confirm(staff, response)
    assert done.status_code == 302 and done.headers["Location"].endswith("/admin/content/")
    with app.app_context():
        assert Service.select().where(Service.name == "Community Counselling").exists()
        assert HsdsKept.select().count() > 0
    assert audit_actions(app)[-1] == "content_import"
    assert "Eingelesen: 1 Organisationen, 1 Orte, 1 Angebote" in page(staff, "/admin/content/")


def test_files_left_unread_are_listed_as_not_taken_over(staff):
    name, payload = upload_of("uk-profile/csv")
    html = upload(staff, name, payload).get_data(as_text=True)
    assert "Nicht übernommen" in html
    assert "address.csv: nicht gelesen, die Tabelle address stand schon in addresses.csv" in html


def test_a_confirmation_token_works_once_and_only_with_csrf(app, staff):
    response = upload(staff, *upload_of("specification/location.json"))
    html = response.get_data(as_text=True)
    action = re.search(r'action="(/admin/content/transfer/[0-9a-f]+)"', html)[1]
    assert staff.post(action, data={}).status_code == 400  # no CSRF token
    assert confirm(staff, response).status_code == 302
    again = staff.post(action, data={"csrf_token": form_value(html, "csrf_token")})
    assert again.status_code == 302 and again.headers["Location"].endswith("/admin/content/transfer")
    assert "nicht mehr da" in page(staff, "/admin/content/transfer")
    assert not os.listdir(os.path.join(app.instance_path, "pending-imports"))


def test_an_unknown_or_malformed_token_is_a_calm_redirect(staff):
    token = form_value(page(staff, "/admin/content/transfer"), "csrf_token")
    for bad in ("0" * 32, "../../etc", "x" * 32):
        response = staff.post(f"/admin/content/transfer/{bad}", data={"csrf_token": token})
        assert response.status_code in (302, 404)


def test_an_import_refused_at_confirmation_writes_nothing(app, staff):
    """The database changed between summary and confirmation: checked again, refused, nothing written."""
    tables = {"service": [{"id": "6c3f1f8e-2b7a-4d0e-9a51-8f3f5b7d2c10", "name": "Beispiel: Beratung",
                           "status": "active"}],
              "service_at_location": [{"id": "6c3f1f8e-2b7a-4d0e-9a51-8f3f5b7d2c11",
                                       "service_id": "6c3f1f8e-2b7a-4d0e-9a51-8f3f5b7d2c10",
                                       "location_id": "6c3f1f8e-2b7a-4d0e-9a51-8f3f5b7d2c12"}],
              "location": [{"id": "6c3f1f8e-2b7a-4d0e-9a51-8f3f5b7d2c12", "name": "Beispielort",
                            "location_type": "physical"}]}
    response = upload(staff, "x.json", json.dumps(tables).encode())
    assert response.status_code == 200
    folder = os.path.join(app.instance_path, "pending-imports")
    (stored,) = [name for name in os.listdir(folder) if name.endswith(".upload")]
    del tables["location"]
    with open(os.path.join(folder, stored), "w") as file:
        json.dump(tables, file)
    refused = confirm(staff, response)
    assert refused.status_code == 400 and "gibt es weder in der Datei noch in der Datenbank" in refused.get_data(
        as_text=True)
    with app.app_context():
        assert not Service.select().where(Service.name == "Beispiel: Beratung").exists()
        assert HsdsKept.select().count() == 0


def test_a_german_excel_csv_package_goes_through_the_page(app, staff):
    rows = "\ufeffid;name;description;status\r\n6c3f1f8e-2b7a-4d0e-9a51-8f3f5b7d2c20;Beispiel: Sprechstunde;Mit Umlauten: ä ö ü;active\r\n"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("services.csv", rows.encode("utf-8"))
    response = upload(staff, "excel.zip", buffer.getvalue())
    assert response.status_code == 200 and "<strong>1</strong> Angebote" in response.get_data(as_text=True)
    assert confirm(staff, response).status_code == 302
    with app.app_context():
        assert Service.get(Service.uid == "6c3f1f8e-2b7a-4d0e-9a51-8f3f5b7d2c20").description == "Mit Umlauten: ä ö ü"


def test_every_example_file_passes_the_page(staff):
    for source in ("specification", "uk-profile"):
        for path in sorted((EXAMPLES / source).iterdir()):
            if path.name in ("LICENSE", "base.json"):
                continue
            response = upload(staff, *upload_of(f"{source}/{path.name}"))
            assert response.status_code == 200, path
