"""Staff translate their own content; visitors see their language, else German marked as such."""

import json

import pytest

from kiosk import translated
from kiosk.db import database
from kiosk.models import CraftSheet, Service
from kiosk.offers import seed as content_seed
from tests.conftest import form_value
from tests.test_content_admin import category_ids, entry_form, page


def choose_language(client, code):
    home = client.get("/").get_data(as_text=True)
    client.post(f"/language/{code}", data={"csrf_token": form_value(home, "csrf_token")})


def seeded_service(app, **translations):
    """The Kiez+ drop-in entry, with the given translations stored."""
    with app.app_context():
        content_seed.seed_content()
        service = Service.get(Service.name.contains("Kiez+"))
        Service.update(translations=translated.encode(translations)).where(Service.id == service.id).execute()
        return service.id


def test_visitor_sees_their_language_where_staff_wrote_it(app, client):
    service_id = seeded_service(app, tr={"name": "Kiez+ danışma saati", "description": "Her perşembe"})
    choose_language(client, "tr")
    detail = client.get(f"/offers/{service_id}").get_data(as_text=True)
    assert "Kiez+ danışma saati" in detail and "Her perşembe" in detail
    assert "(Almanca)" not in detail.split("detail-description")[1][:200]


def test_german_is_shown_and_marked_where_no_translation_exists(app, client):
    service_id = seeded_service(app, tr={"name": "Kiez+ danışma saati"})
    choose_language(client, "ar")
    with app.app_context():
        german_name = Service.get_by_id(service_id).name
    detail = client.get(f"/offers/{service_id}").get_data(as_text=True)
    assert f'<span lang="de" dir="ltr">{german_name}</span>' in detail
    assert 'class="in-german"' in detail


def test_german_visitors_see_no_marks(app, client):
    service_id = seeded_service(app, tr={"name": "Kiez+ danışma saati"})
    detail = client.get(f"/offers/{service_id}").get_data(as_text=True)
    assert 'class="in-german"' not in detail and "danışma" not in detail


def test_staff_enter_translations_in_the_entry_form(app, client, auth):
    with app.app_context():
        content_seed.seed_content()
    auth.login()
    form_html = page(client, "/admin/content/entries/new")
    assert 'name="translations-2-lang"' in form_html and 'lang="ar"' in form_html
    (language,) = category_ids(app, ("offer", "language"))
    data = entry_form(client, name="Beispiel: Sprachcafé", offer_categories=language, **{
        "translations-0-lang": "en", "translations-0-name": "Example: language café",
        "translations-0-description": "",
        "translations-1-lang": "tr", "translations-1-name": "", "translations-1-description": "",
        "translations-2-lang": "xx", "translations-2-name": "tampered", "translations-2-description": "",
    })
    assert client.post("/admin/content/entries/new", data=data).status_code == 302
    with app.app_context():
        service = Service.get(Service.name == "Beispiel: Sprachcafé")
        assert service.translations == {"en": {"name": "Example: language café"}}
        edit = page(client, f"/admin/content/entries/{service.id}")
    assert 'value="Example: language café"' in edit


def test_craft_titles_are_translated_too(app, client, auth):
    with app.app_context():
        sheet = CraftSheet.create(title="Papierschiff falten", materials="Papier",
                                  translations=translated.encode({"tr": {"title": "Kâğıttan gemi"}}))
    auth.login()
    assert 'name="translations-0-lang"' in page(client, f"/admin/crafts/{sheet.id}/edit")
    choose_language(client, "tr")
    assert "Kâğıttan gemi" in client.get("/activities/crafts").get_data(as_text=True)
    choose_language(client, "en")
    crafts = client.get("/activities/crafts").get_data(as_text=True)
    assert '<span lang="de" dir="ltr">Papierschiff falten</span>' in crafts


def stored_text(column, service_id):
    """The column's text as SQLite holds it, past the model's field."""
    sql = f"SELECT {column} FROM service WHERE id = {database.param}"
    return database.execute_sql(sql, (service_id,)).fetchone()[0]


def store_text(column, service_id, text):
    database.execute_sql(f"UPDATE service SET {column} = {database.param} WHERE id = {database.param}",
                         (text, service_id))


def test_translations_are_stored_as_the_text_existing_databases_hold(app):
    """Byte for byte what translated.encode wrote before the field (keys sorted, Turkish and Arabic
    letters as they are, json's default separators): backups, exports and old rows compare equal."""
    by_language = {"tr": {"name": "Kiez+ danışma saati", "description": "Her perşembe"},
                   "ar": {"name": "ساعة استشارة"}}
    service_id = seeded_service(app, **by_language)
    with app.app_context():
        assert stored_text("translations", service_id) == (
            '{"ar": {"name": "ساعة استشارة"}, "tr": {"description": "Her perşembe", "name": "Kiez+ danışma saati"}}')
        assert stored_text("translations", service_id) == json.dumps(by_language, ensure_ascii=False, sort_keys=True)
        assert Service.get_by_id(service_id).translations == by_language


def test_schedules_are_stored_as_before_ascii_escaped_in_their_own_order(app):
    """The schedule column was written with a plain json.dumps: keys in the rules' order, ü as
    \\u00fc. The field keeps that, so a saved entry's text does not change under an old backup."""
    schedule = {"weekly": [{"weekday": 3, "opens": "11:00", "closes": "12:30"}],
                "exceptions": [{"first": "2026-12-24", "last": "2027-01-02", "closed": True,
                                "opens": None, "closes": None, "note": "Betriebsferien für alle"}]}
    with app.app_context():
        service = content_seed.add_service({"name": "Mieterberatung", "schedule": schedule}, [], [])
        assert stored_text("schedule", service.id) == json.dumps(schedule)
        assert '"weekly": [{"weekday": 3' in stored_text("schedule", service.id)
        assert "f\\u00fcr alle" in stored_text("schedule", service.id)
        assert Service.get_by_id(service.id).schedule == schedule


def test_a_new_row_stores_an_empty_object_as_before(app):
    with app.app_context():
        service = Service.create(name="Mieterberatung")
        assert (stored_text("translations", service.id), stored_text("schedule", service.id)) == ("{}", "{}")
        assert Service.get_by_id(service.id).translations == {}


@pytest.mark.parametrize("damaged", ["not json", '{"tr": ', "[]", '"tr"', "null", ""])
def test_damaged_stored_translations_read_as_empty_and_the_page_shows_german(app, client, damaged):
    """Text that is no JSON object (edited by hand, cut off) must not 500 a visitor page."""
    service_id = seeded_service(app)
    with app.app_context():
        store_text("translations", service_id, damaged)
        assert Service.get_by_id(service_id).translations == {}
    choose_language(client, "tr")
    response = client.get(f"/offers/{service_id}")
    assert response.status_code == 200
    assert 'class="in-german"' in response.get_data(as_text=True)


@pytest.mark.parametrize("damaged", ["not json", '{"weekly": [', '{"weekly": "Do 11-12"}', "[]"])
def test_a_damaged_stored_schedule_shows_the_entry_without_hours(app, client, damaged):
    service_id = seeded_service(app)
    with app.app_context():
        store_text("schedule", service_id, damaged)
    for path in (f"/offers/{service_id}", f"/offers/{service_id}/slip", "/offers/counselling"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "Do 11:00–12:30" not in response.get_data(as_text=True), path


def test_craft_materials_and_steps_in_the_visitors_language(app, client):
    from kiosk.models import CraftStep

    with app.app_context():
        sheet = CraftSheet.create(title="Papierschiff falten", materials="1 Blatt Papier", translations=translated.encode({
            "tr": {"title": "Kâğıttan gemi", "materials": "1 yaprak kâğıt",
                   "steps": "Kâğıdı ikiye katlayın.\n\nKöşeleri ortaya katlayın."},
            "ar": {"steps": "خطوة واحدة فقط"},  # one paragraph for two steps: not used
        }))
        CraftStep.create(sheet=sheet, number=1, text="Das Blatt in der Mitte falten.")
        CraftStep.create(sheet=sheet, number=2, text="Die Ecken zur Mitte falten.")
    choose_language(client, "tr")
    page = client.get(f"/activities/crafts/{sheet.id}").get_data(as_text=True)
    assert "1 yaprak kâğıt" in page and "Köşeleri ortaya katlayın." in page
    assert "Die Ecken zur Mitte falten." not in page and 'class="in-german"' not in page
    choose_language(client, "ar")
    page = client.get(f"/activities/crafts/{sheet.id}").get_data(as_text=True)
    assert "Die Ecken zur Mitte falten." in page and "خطوة واحدة فقط" not in page
    assert page.count('class="in-german"') == 3  # title, materials, steps
    printed = client.get(f"/activities/crafts/{sheet.id}/print").get_data(as_text=True)
    assert '<ol class="sheet-steps" lang="de" dir="ltr">' in printed
