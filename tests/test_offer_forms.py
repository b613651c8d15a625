"""The staff entry form's phone, web-address and time checks (issues 14 and 15), in German."""

import pytest

from kiosk.models import Organization, Service
from tests.conftest import form_value
from tests.test_content_admin import category_ids, entry_form, page
from tests.test_content_admin import staff  # noqa: F401 - the fixture


def post_entry(app, client, **fields):
    data = entry_form(client, name="Beispiel: Formular", offer_categories=category_ids(app, ("offer", "sport")))
    data.update(fields)
    return client.post("/admin/content/entries/new", data=data)


def test_digits_of_any_script_are_stored_as_ascii_e164(app, staff):
    response = post_entry(app, staff, **{
        "phones-0-number": "+٤٩ ٣٠ ٦٧٧٩٦٠٨٦", "phones-0-kind": "voice",
        "phones-1-number": "０１５２ ０１２３４５６７", "phones-1-kind": "cell"})
    assert response.status_code == 302
    with app.app_context():
        service = Service.get(Service.name == "Beispiel: Formular")
        assert [p.number for p in service.phones.order_by("position", "id")] == ["+493067796086", "+4915201234567"]
    edit = page(staff, f"/admin/content/entries/{service.id}")
    assert 'value="030 677 960 86"' in edit and 'value="01520 123 4567"' in edit


def test_web_addresses_are_stored_as_valid_uris(app, staff):
    response = post_entry(app, staff, url="https://bürgeramt.example/straße?a=1,2;b")
    assert response.status_code == 302
    with app.app_context():
        assert Service.get(Service.name == "Beispiel: Formular").url == (
            "https://xn--brgeramt-65a.example/stra%C3%9Fe?a=1,2;b")
    token = form_value(page(staff, "/admin/content/organisations/new"), "csrf_token")
    response = staff.post("/admin/content/organisations/new", data={
        "csrf_token": token, "name": "Beispiel e.V.", "website": "https://exämple.org"})
    assert response.status_code == 302
    with app.app_context():
        assert Organization.get(Organization.name == "Beispiel e.V.").website == "https://xn--exmple-cua.org"


@pytest.mark.parametrize(("fields", "message"), [
    ({"url": 'https://example.org/"x"'}, "ohne Leerzeichen, Anführungszeichen und spitze Klammern"),
    ({"url": "https://example.org/<b>"}, "ohne Leerzeichen, Anführungszeichen und spitze Klammern"),
    ({"url": "www.example.org"}, "mit http:// oder https://"),
    ({"phones-0-number": "0800-ＦＬＯＷＥＲＳ"}, "Keine Telefonnummer"),
    ({"phones-0-number": "030 677 960 86 ext. 5"}, "Keine Telefonnummer"),
    ({"weekly-0-weekday": "3", "weekly-0-opens": "25:99", "weekly-0-closes": "12:00"},
     "Bitte eine Uhrzeit wie 09:30 angeben."),
    ({"exceptions-0-first": "2026-13-45"}, "Bitte ein Datum angeben."),
])
def test_refusals_are_german(app, staff, fields, message):
    response = post_entry(app, staff, **fields)
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert message in body
    assert "Not a valid" not in body
