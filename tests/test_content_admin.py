"""Staff pages for offers and help services: forms, rejections, audit, import and export."""

import io
import json
import re
from datetime import date, timedelta

import pytest

from kiosk import clock
from kiosk.checkin import counting
from kiosk.models import AuditEntry, Category, Location, Organization, Phone, Service, ServiceCategory
from kiosk.offers import directory, hsds
from kiosk.offers import seed as content_seed
from kiosk.schedules import DatedException, MonthlyRule, WeeklyRule
from tests.conftest import form_value
from tests.routes import rules, sample_url


@pytest.fixture
def staff(app, client, auth):
    with app.app_context():
        content_seed.seed_content()
    auth.login()
    return client


def page(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def category_ids(app, *pairs):
    with app.app_context():
        return [str(directory.category_by_key(kind, key).id) for kind, key in pairs]


def entry_form(client, path="/admin/content/entries/new", **fields):
    """A complete form as the browser would send it: every row, with the fields given."""
    html = page(client, path)
    data = {"csrf_token": form_value(html, "csrf_token"), "status": "active", "organization": "0",
            "location": "0"}
    for name in re.findall(r'name="((?:phones|weekly|monthly|exceptions)-\d+-\w+)"', html):
        data.setdefault(name, "voice" if name.endswith("-kind") else "")
    data.update(fields)
    return data


def audit_actions(app):
    with app.app_context():
        return [entry.action for entry in AuditEntry.select().order_by(AuditEntry.id)]


def test_every_content_page_needs_a_login(app, client):
    for rule in rules(app, "/admin/content"):
        response = client.get(sample_url(app, rule)) if "GET" in rule.methods else \
            client.post(sample_url(app, rule))
        assert response.status_code in (302, 400), rule.rule
        if response.status_code == 302:
            assert "/admin/login" in response.headers["Location"]


def test_nav_entry_and_overview(staff):
    html = page(staff, "/admin/")
    assert 'href="/admin/content/"' in html and "Angebote &amp; Hilfe" in html
    overview = page(staff, "/admin/content/")
    assert "Zu prüfen" in overview and "Kiez+ Sprechstunde" in overview  # never checked yet


def test_create_an_entry_with_phones_and_opening_times(app, staff):
    language, seniors = category_ids(app, ("offer", "language"), ("audience", "seniors"))
    data = entry_form(
        staff, name="Beispiel: Sprachcafé", description="Deutsch sprechen", offer_categories=language,
        audiences=seniors, languages=["de", "tr"], free="y", walk_in="y", url="https://example.org/x",
        email="beispiel@example.org", **{
            "phones-0-number": "030 / 123 456-78", "phones-0-kind": "voice",
            "weekly-0-weekday": "0", "weekly-0-opens": "09:00", "weekly-0-closes": "12:00",
            "weekly-1-weekday": "0", "weekly-1-opens": "14:00", "weekly-1-closes": "17:00",
            "monthly-0-nth": "-1", "monthly-0-weekday": "4", "monthly-0-opens": "18:00",
            "monthly-0-closes": "20:00",
            "exceptions-0-first": "2026-12-24", "exceptions-0-last": "2027-01-02",
            "exceptions-0-note": "Weihnachten",
            "exceptions-1-first": "2026-12-30", "exceptions-1-opens": "10:00",
            "exceptions-1-closes": "12:00",
        })
    response = staff.post("/admin/content/entries/new", data=data)
    assert response.status_code == 302
    with app.app_context():
        service = Service.get(Service.name == "Beispiel: Sprachcafé")
        assert [p.number for p in service.phones] == ["+493012345678"]
        schedule = directory.schedule_of(service)
        assert len(schedule.weekly) == 2 and schedule.weekly[1] == WeeklyRule(0, *_times("14:00", "17:00"))
        assert schedule.monthly == (MonthlyRule(-1, 4, *_times("18:00", "20:00")),)
        christmas = DatedException(date(2026, 12, 24), date(2027, 1, 2), note="Weihnachten")
        assert schedule.exceptions[0] == christmas
        assert schedule.exceptions[1].closed is False and schedule.exceptions[1].last == date(2026, 12, 30)
        assert service.languages == "de,tr" and service.free and service.walk_in
        assert directory.kinds_of(service) == {"offer"}
        assert service.last_checked is None
    assert audit_actions(app)[-1] == "content_entry_add"
    edit = page(staff, f"/admin/content/entries/{service.id}")
    assert 'value="030 123 456 78"' in edit  # shown readable
    assert 'value="14:00"' in edit


def _times(opens, closes):
    from datetime import time

    return time.fromisoformat(opens), time.fromisoformat(closes)


def test_edit_marks_checked_and_audits(app, staff):
    with app.app_context():
        kiez_plus = Service.get(Service.uid == content_seed.KIEZ_PLUS_UID)
    path = f"/admin/content/entries/{kiez_plus.id}"
    html = page(staff, path)
    assert 'value="030 677 960 86"' in html and "checked" in html
    data = entry_form(staff, path, name="Kiez+ Sprechstunde", checked_today="y",
                      offer_categories=category_ids(app, ("offer", "counselling")),
                      **{"phones-0-number": "030 677 960 86", "weekly-0-weekday": "3",
                         "weekly-0-opens": "11:00", "weekly-0-closes": "12:30"})
    assert staff.post(path, data=data).status_code == 302
    with app.app_context():
        service = Service.get_by_id(kiez_plus.id)
        assert service.last_checked == clock.berlin_now().date()
        linked = Category.select().join(ServiceCategory).where(ServiceCategory.service == service)
        assert [category.key for category in linked] == ["counselling"]
    assert audit_actions(app)[-1] == "content_entry_edit"


@pytest.mark.parametrize("fields, message", [
    ({"name": ""}, "Bitte ausfüllen."),
    ({"url": "javascript:alert(1)"}, "http:// oder https://"),
    ({"url": "ftp://example.org"}, "http:// oder https://"),
    ({"email": "info at wassertor"}, "keine E-Mail-Adresse"),
    ({"phones-0-number": "12345 abc"}, "Keine Telefonnummer"),
    ({"phones-0-number": "677 960 86"}, "Keine Telefonnummer"),
    ({"weekly-0-weekday": "3", "weekly-0-opens": "11:00"}, "alle Felder dieser Zeile"),
    ({"weekly-0-weekday": "3", "weekly-0-opens": "11:00", "weekly-0-closes": "11:00"},
     "Beginn und Ende sind gleich"),
    ({"exceptions-0-first": "2026-05-02", "exceptions-0-last": "2026-05-01"}, "Enddatum liegt vor"),
    ({"exceptions-0-last": "2026-05-01"}, "Datum „vom“"),
    ({"offer_categories": [], "help_topics": []}, "mindestens eine Kategorie"),
])
def test_bad_input_is_shown_again_and_nothing_is_written(app, staff, fields, message):
    data = entry_form(staff, name="Beispiel: Neu", offer_categories=category_ids(app, ("offer", "sport")))
    data.update(fields)
    response = staff.post("/admin/content/entries/new", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert not Service.select().where(Service.name == "Beispiel: Neu").exists()
    assert "content_entry_add" not in audit_actions(app)


@pytest.mark.parametrize("fields", [
    {"csrf_token": "forged"},
    {"organization": "9999"},
    {"offer_categories": "9999"},
    {"languages": "xx"},
    {"status": "open"},
    {"weekly-0-weekday": "9", "weekly-0-opens": "11:00", "weekly-0-closes": "12:00"},
    {"phones-0-kind": "pager", "phones-0-number": "030 123 456 78"},
    {"weekly-0-opens": "25:99"},
])
def test_tampered_forms_are_refused(app, staff, fields):
    data = entry_form(staff, name="Beispiel: Neu", offer_categories=category_ids(app, ("offer", "sport")))
    data.update(fields)
    assert staff.post("/admin/content/entries/new", data=data).status_code == 400
    with app.app_context():
        assert not Service.select().where(Service.name == "Beispiel: Neu").exists()


def test_unknown_entries_are_404(staff):
    assert staff.get("/admin/content/entries/999").status_code == 404
    assert staff.get("/admin/content/locations/999").status_code == 404
    assert staff.get("/admin/content/elsewhere").status_code == 404
    assert staff.get("/admin/content/entries?show=everything").status_code == 400


def test_hide_show_checked_and_delete(app, staff):
    with app.app_context():
        service = Service.get(Service.name == "TelefonSeelsorge")
    token = form_value(page(staff, "/admin/content/entries"), "csrf_token")
    assert staff.post(f"/admin/content/entries/{service.id}/hide").status_code == 400  # no CSRF
    staff.post(f"/admin/content/entries/{service.id}/hide", data={"csrf_token": token})
    assert staff.get(f"/help/{service.id}").status_code == 404
    staff.post(f"/admin/content/entries/{service.id}/hide", data={"csrf_token": token})
    assert staff.get(f"/help/{service.id}").status_code == 200
    staff.post(f"/admin/content/entries/{service.id}/checked", data={"csrf_token": token})
    assert ">TelefonSeelsorge</a>" not in page(staff, "/admin/content/entries?show=check")
    confirm = page(staff, f"/admin/content/entries/{service.id}/delete")
    assert "wirklich gelöscht" in confirm
    staff.post(f"/admin/content/entries/{service.id}/delete", data={"csrf_token": token})
    with app.app_context():
        assert Service.get_or_none(Service.id == service.id) is None
        assert Phone.select().where(Phone.service == service.id).count() == 0
    assert audit_actions(app)[-4:] == ["content_entry_hide", "content_entry_show",
                                       "content_entry_checked", "content_entry_delete"]


def test_needs_checking_lists_entries_older_than_six_months(app, staff):
    today = clock.berlin_now().date()
    with app.app_context():
        Service.update(last_checked=today).execute()
        long_ago = today - timedelta(days=200)
        Service.update(last_checked=long_ago).where(Service.name == "TelefonSeelsorge").execute()
    listed = page(staff, "/admin/content/entries?show=check")
    assert ">TelefonSeelsorge</a>" in listed and ">Kiez+ Sprechstunde</a>" not in listed


def test_organisations_locations_and_categories(app, staff):
    token = form_value(page(staff, "/admin/content/organisations/new"), "csrf_token")
    staff.post("/admin/content/organisations/new", data={
        "csrf_token": token, "name": "Beispiel-Verein", "website": "https://example.org"})
    with app.app_context():
        org = Organization.get(Organization.name == "Beispiel-Verein")
    response = staff.post("/admin/content/locations/new", data={
        "csrf_token": token, "name": "Beispielhaus", "organization": str(org.id), "street": "Weg 1",
        "postcode": "10969", "city": "Berlin", "step_free": "y"})
    assert response.status_code == 302
    assert staff.post("/admin/content/locations/new", data={
        "csrf_token": token, "name": "X", "organization": "0", "postcode": "1096"}).status_code == 400
    assert staff.post("/admin/content/categories/new", data={
        "csrf_token": token, "kind": "offer", "key": "garden", "name": "Garten"}).status_code == 302
    for key in ("Garden", "1garden", "saved", "garden", "../x"):
        response = staff.post("/admin/content/categories/new", data={
            "csrf_token": token, "kind": "offer", "key": key, "name": "Doppelt"})
        assert response.status_code == 400, key
    assert "Garten" in page(staff, "/offers/")
    assert page(staff, "/offers/garden")  # a new category works at once, with the general pictogram
    assert "cat-other.svg" in page(staff, "/offers/garden")
    with app.app_context():
        assert Location.get(Location.name == "Beispielhaus").step_free
    actions = audit_actions(app)
    assert {"content_organisations_add", "content_locations_add", "content_categories_add"} <= set(actions)


def test_things_in_use_cannot_be_deleted(app, staff):
    with app.app_context():
        wassertor = Organization.get(Organization.name == "Wassertor e.V.")
        counselling = directory.category_by_key("offer", "counselling")
    confirm = page(staff, f"/admin/content/organisations/{wassertor.id}/delete")
    assert "lässt sich nicht löschen" in confirm
    token = form_value(page(staff, "/admin/content/entries"), "csrf_token")
    assert staff.post(f"/admin/content/organisations/{wassertor.id}/delete",
                      data={"csrf_token": token}).status_code == 400
    assert staff.post(f"/admin/content/categories/{counselling.id}/delete",
                      data={"csrf_token": token}).status_code == 400
    with app.app_context():
        assert Organization.get_or_none(Organization.id == wassertor.id)


def test_most_asked_for(app, staff):
    with app.app_context():
        kiez_plus = Service.get(Service.uid == content_seed.KIEZ_PLUS_UID)
        for metric in (f"service_viewed:{kiez_plus.id}", f"service_viewed:{kiez_plus.id}",
                       "service_viewed:999", "help_topic:money", f"slip_printed:{kiez_plus.id}"):
            counting.count_event(metric)
    html = page(staff, "/admin/content/")
    assert re.search(r"<td>Kiez\+ Sprechstunde</td><td>2</td>", html)
    assert "gelöscht (#999)" in html and re.search(r"<td>Geld &amp; Schulden</td><td>1</td>", html)


# --- import and export through the pages ----------------------------------------------------


def upload(client, filename, payload):
    token = form_value(page(client, "/admin/content/transfer"), "csrf_token")
    return client.post("/admin/content/transfer", content_type="multipart/form-data",
                       data={"csrf_token": token, "file": (io.BytesIO(payload), filename)})


@pytest.mark.parametrize("name, mimetype", [("hsds.json", "application/json"),
                                            ("hsds-json.zip", "application/zip"),
                                            ("hsds-csv.zip", "application/zip")])
def test_export_downloads_and_imports_back(app, staff, name, mimetype):
    response = staff.get(f"/admin/content/export/{name}")
    assert response.status_code == 200 and response.mimetype == mimetype
    assert "attachment" in response.headers["Content-Disposition"]
    before = hsds.as_json(_tables(app))
    assert upload(staff, name, response.data).status_code == 302
    assert hsds.as_json(_tables(app)) == before
    assert audit_actions(app)[-1] == "content_import"


def _tables(app):
    with app.app_context():
        return hsds.export_tables()


def test_a_bad_import_shows_the_line_and_writes_nothing(app, staff):
    tables = _tables(app)
    tables["phone"][1]["number"] = "keine Nummer"
    response = upload(staff, "x.json", json.dumps(tables).encode())
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Nicht eingelesen" in html and "phone, Eintrag 2: &#39;keine Nummer&#39;" in html
    assert _tables(app)["phone"][1]["number"] != "keine Nummer"
    assert "content_import" not in audit_actions(app)


@pytest.mark.parametrize("filename, payload", [
    ("x.json", b"{not json"),
    ("x.json", b'{"service": [{"id": "1", "name": "x", "status": "active"}]}'),
    ("x.zip", b"not a zip"),
    ("../../etc/passwd.json", b"{}"),
])
def test_bad_files_get_a_400_with_reasons(staff, filename, payload):
    response = upload(staff, filename, payload)
    assert response.status_code == 400 and "Nicht eingelesen" in response.get_data(as_text=True)


def test_an_oversized_upload_is_refused_calmly(app, staff):
    response = upload(staff, "big.json", b" " * (app.config["MAX_CONTENT_LENGTH"] + 1))
    assert response.status_code == 413


def test_upload_without_file_or_csrf(staff):
    token = form_value(page(staff, "/admin/content/transfer"), "csrf_token")
    assert staff.post("/admin/content/transfer", data={"csrf_token": token}).status_code == 400
    assert staff.post("/admin/content/transfer", content_type="multipart/form-data",
                      data={"file": (io.BytesIO(b"{}"), "x.json")}).status_code == 400


def test_seed_content_command_is_idempotent(app, runner):
    first = runner.invoke(args=["seed-content"])
    again = runner.invoke(args=["seed-content"])
    assert "21 categories and 4 entries added" in first.output
    assert "0 categories and 0 entries added" in again.output
    with app.app_context():
        assert Service.select().count() == 4
        assert not Service.select().where(Service.name.contains("Beispiel")).exists()


def test_demo_examples_only_in_demo_mode(app):
    with app.app_context():
        with pytest.raises(RuntimeError):
            content_seed.add_demo_offers()
        app.config["DEMO"] = True
        assert content_seed.add_demo_offers() == len(content_seed.DEMO_SERVICES)
        assert content_seed.add_demo_offers() == 0
        examples = Service.select().where(Service.uid.not_in(
            [fields["uid"] for fields, _, _ in content_seed.TRUE_SERVICES]))
        assert all(service.name.startswith("Beispiel") for service in examples)
