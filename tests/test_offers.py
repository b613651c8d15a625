"""Visitor routes for local offers and help: every screen, what is counted, and what is refused."""

import html
import re
import subprocess
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

from kiosk import clock
from kiosk.models import Category, Count, Location, Service, Setting
from kiosk.offers import directory, takehome
from kiosk.offers import seed as content_seed
from kiosk.offers import views as offers
from kiosk.offers.directory import AUDIENCE, HELP, OFFER
from kiosk.offers.phones import tel_uri
from kiosk.offers.vcard import build_vcard
from kiosk.qr import MIN_SCREEN_SCALE, encode, qr_png, qr_svg
from kiosk.staff import reports
from tests.conftest import form_value

TURKISH_NAME = "Kadın Danışma Merkezi – Beispiel"


@pytest.fixture
def content(app):
    """The shipped content plus two example entries (one offer, one help service)."""
    with app.app_context():
        content_seed.seed_content()
        offer = content_seed.add_service(
            {"name": "Beispiel: Sprachcafé", "languages": "de,tr", "free": True, "walk_in": True,
             "url": "https://example.org/sprachcafe",
             "schedule": {"weekly": [{"weekday": 0, "opens": "15:00", "closes": "17:00"}]}},
            [(OFFER, "language"), (AUDIENCE, "seniors")], [])
        helper = content_seed.add_service(
            {"name": TURKISH_NAME, "languages": "tr", "by_appointment": True},
            [(HELP, "family")], [("030 123 456 78", "voice", "")])
        kiez_plus = Service.get(Service.uid == content_seed.KIEZ_PLUS_UID)
        return {"offer": offer.id, "help": helper.id, "kiez_plus": kiez_plus.id}


def counted(app, prefix):
    with app.app_context():
        day = clock.berlin_now().date()
        return dict(reports.most_counted(prefix, day, day))


def text(response):
    return response.get_data(as_text=True)


def test_home_has_the_two_tiles(client):
    page = text(client.get("/"))
    assert 'href="/offers/"' in page and "Angebote im Kiez" in page
    assert 'href="/help/"' in page and "Hilfe & Beratung" in page


def test_offer_tiles_name_every_category_with_a_pictogram(client, content):
    page = text(client.get("/offers/"))
    for label in ("Beratung", "Familie &amp; Kinder", "Seniorinnen &amp; Senioren", "Sprache &amp; Lernen",
                  "Kultur &amp; Basteln", "Sport &amp; Bewegung", "Essen", "Handy &amp; Computer"):
        assert label in page
    assert "/static/img/cat-language.svg" in page


def test_help_topics_without_entries_say_the_team_helps_in_person(client, content):
    page = text(client.get("/help/"))
    assert "Geld &amp; Schulden" in page and "/static/img/topic-money.svg" in page
    assert "Das Kiez+-Team hilft persönlich" in page  # money & debt has no entry yet
    empty = text(client.get("/help/money"))
    assert "Hier gibt es noch keine Einträge." in empty
    assert "Sprechstunde" in empty
    assert f'href="/help/{content["kiez_plus"]}"' in empty


@pytest.mark.parametrize("path", ["/help/", "/help/family", "/help/money", "/help/{help}",
                                  "/help/{help}/qr"])
def test_every_help_screen_has_the_emergency_button(client, content, path):
    page = text(client.get(path.format(**content)))
    assert 'href="/help/emergency"' in page and "Notruf & Hilfe sofort" in page


def test_emergency_page_has_every_nationwide_number_as_link_and_code(client):
    page = text(client.get("/help/emergency"))
    for number in ("110", "112", "116117", "08001110111", "08001110222", "116016"):
        uri = tel_uri(number)
        assert f'href="{uri}"' in page
        assert qr_svg(uri, f"QR-Code: {_name_for(number)} anrufen", offers.SMALL_SCALE) in page
    assert "0800 111 0111" in page and "116 016" in page


def _name_for(number):
    entry = next(e for e in content_seed.EMERGENCY_NUMBERS if number in e.numbers)
    return html.escape(str(entry.name))


def test_category_list_shows_cards_and_counts_the_tile_once(app, client, content):
    page = text(client.get("/offers/language"))
    assert "Beispiel: Sprachcafé" in page and "Mo 15–17 Uhr" in page
    client.get("/offers/language?free=1")  # a filter changed: not a new tap on the tile
    client.get("/help/family")
    assert counted(app, "offer_category") == {"language": 1}
    assert counted(app, "help_topic") == {"family": 1}


def test_filters_narrow_the_list(client, content):
    assert "Sprachcafé" in text(client.get("/offers/language?lang=tr&free=1&group=seniors"))
    stepfree = text(client.get("/offers/language?stepfree=1"))
    assert "Sprachcafé" not in stepfree and "Mit dieser Auswahl gibt es hier nichts." in stepfree


@pytest.mark.parametrize("query", ["lang=xx", "lang=", "group=%3Cscript%3E", "free=maybe",
                                   "stepfree=1&stepfree=2", "lang=de&lang=tr", "page=-1"])
def test_bad_filter_values_are_ignored_calmly(client, content, query):
    response = client.get(f"/offers/language?{query}")
    assert response.status_code == 200
    assert "<script>" not in text(response)


@pytest.mark.parametrize("path", ["/offers/nope", "/help/nope", "/offers/999", "/help/999",
                                  "/offers/999/qr", "/offers/999/slip", "/elsewhere/1",
                                  "/offers/{help}", "/help/{offer}", "/offers/-1", "/help/1.5"])
def test_unknown_category_topic_or_entry_is_404(client, content, path):
    assert client.get(path.format(**content)).status_code == 404


def test_hidden_entries_are_404(app, client, content):
    with app.app_context():
        Service.update(hidden=True).where(Service.id == content["offer"]).execute()
    assert client.get(f"/offers/{content['offer']}").status_code == 404
    assert "Sprachcafé" not in text(client.get("/offers/language"))


def test_detail_shows_the_essentials_and_counts_a_view(app, client, content):
    page = text(client.get(f"/offers/{content['kiez_plus']}"))
    for fact in ("Kiez+ Sprechstunde", "Wassertor e.V.", "Bona Peiser", "Oranienstr. 72",
                 "10969 Berlin", "030 677 960 86", "info@wassertor.org", "Do 11:00–12:30",
                 "Ohne Anmeldung", "Für alle", "Deutsch", "scan-hint.svg"):
        assert fact in page
    assert counted(app, "service_viewed") == {str(content["kiez_plus"]): 1}


def zbarimg(png, tmp_path):
    image = tmp_path / "code.png"
    image.write_bytes(png)
    result = subprocess.run(["zbarimg", "--raw", "-q", str(image)], capture_output=True,
                            check=True, timeout=20)
    return result.stdout[:-1].decode("utf-8")


def test_detail_codes_decode_to_exactly_the_vcard_and_the_call(app, client, content, tmp_path):
    """The page's SVG is the cached code of the expected payload; a real decoder reads it back."""
    page = text(client.get(f"/help/{content['help']}"))
    with app.test_request_context():
        service = Service.get_by_id(content["help"])
        phones = directory.phones_of(service)
        expected = build_vcard(directory.contact_for(service, phones, "Nach Vereinbarung"))
    assert "FN:Kadın Danışma Merkezi – Beispiel" in expected
    label = html.escape(f"QR-Code: Kontakt {TURKISH_NAME} speichern")
    assert offers._sized_svg(expected, label, offers.VCARD_BOX, offers.LARGE_SCALE) in page
    assert zbarimg(qr_png(expected, 4), tmp_path) == expected
    call = tel_uri("030 123 456 78")
    assert offers._sized_svg(call, html.escape(f"QR-Code: {TURKISH_NAME} anrufen"), offers.SMALL_BOX,
                             offers.SMALL_SCALE) in page
    assert zbarimg(qr_png(call, 4), tmp_path) == "tel:+493012345678"


def test_web_code_only_where_there_is_a_web_address(client, content):
    with_web = text(client.get(f"/offers/{content['offer']}"))
    without = text(client.get(f"/offers/{content['kiez_plus']}"))
    assert "Webseite" in with_web and "QR-Code: Webseite von" in with_web
    assert "QR-Code: Webseite von" not in without


def test_codes_have_at_least_four_pixels_per_module(client, content):
    page = text(client.get(f"/offers/{content['kiez_plus']}"))
    for width, box in re.findall(r'<svg width="(\d+)" height="\d+"[^>]*viewBox="0 0 (\d+) \d+"', page):
        assert int(width) / int(box) >= 4


def test_enlarged_code_counts_qr_shown(app, client, content):
    page = text(client.get(f"/offers/{content['kiez_plus']}/qr"))
    assert "Kontakt speichern" in page
    assert counted(app, "qr_shown") == {str(content["kiez_plus"]): 1}


def test_slip_has_large_type_essentials_and_counts(app, client, content):
    response = client.get(f"/help/{content['help']}/slip")
    page = text(response)
    assert TURKISH_NAME in page and "030 123 456 78" in page and "data-auto-print" in page
    assert "QR-Code: Kontakt" in page
    assert counted(app, "slip_printed") == {str(content["help"]): 1}


def test_nothing_is_counted_in_test_mode(app, client, content):
    with app.app_context():
        Setting.put("test_mode", "1")
    client.get("/offers/language")
    client.get(f"/offers/{content['offer']}")
    client.get(f"/offers/{content['offer']}/slip")
    with app.app_context():
        assert Count.select().count() == 0


def save(client, path):
    page = text(client.get(path))
    return client.post(path + "/save", data={"csrf_token": form_value(page, "csrf_token")})


def test_merken_collects_several_and_prints_them_together(app, client, content):
    assert save(client, f"/offers/{content['offer']}").status_code == 302
    save(client, f"/help/{content['help']}")
    save(client, f"/help/{content['help']}")  # twice is still once
    page = text(client.get("/offers/saved"))
    assert 'class="count">2<' in page
    assert "Sprachcafé" in page and TURKISH_NAME in page
    assert f'href="/help/{content["help"]}"' in page  # a help service opens on the help side
    slip = text(client.get("/offers/saved/slip"))
    assert slip.count('class="slip"') == 2
    assert counted(app, "slip_printed") == {str(content["offer"]): 1, str(content["help"]): 1}
    with client.session_transaction() as session:
        assert session["saved"] == [content["offer"], content["help"]]  # ids only


def test_merken_remove_clear_and_the_idle_reset(client, content):
    save(client, f"/offers/{content['offer']}")
    save(client, f"/help/{content['help']}")
    token = form_value(text(client.get("/offers/saved")), "csrf_token")
    client.post(f"/offers/saved/{content['offer']}/remove", data={"csrf_token": token})
    with client.session_transaction() as session:
        assert session["saved"] == [content["help"]]
    client.post("/offers/saved/clear", data={"csrf_token": token})
    assert "Noch nichts gemerkt." in text(client.get("/offers/saved"))
    save(client, f"/offers/{content['offer']}")
    client.get("/?reset=1")  # the next visitor does not see this list
    with client.session_transaction() as session:
        assert "saved" not in session


def test_merken_without_csrf_or_for_unknown_entries_is_refused(client, content):
    assert client.post(f"/offers/{content['offer']}/save").status_code == 400
    token = form_value(text(client.get(f"/offers/{content['offer']}")), "csrf_token")
    assert client.post("/offers/999/save", data={"csrf_token": token}).status_code == 404
    assert client.post(f"/help/{content['offer']}/save", data={"csrf_token": token}).status_code == 404
    assert client.post("/offers/saved/clear").status_code == 400


def test_the_list_is_limited(app, client, content):
    with app.app_context():
        ids = [content_seed.add_service({"name": f"Beispiel {n}"}, [(OFFER, "sport")], []).id
               for n in range(offers.SAVED_LIMIT + 1)]
    for service_id in ids:
        save(client, f"/offers/{service_id}")
    with client.session_transaction() as session:
        assert session["saved"] == ids[:offers.SAVED_LIMIT]
    # The 13th says so instead of doing nothing: the detail page, and a tap anyway
    assert "Merkliste ist voll" in text(client.get(f"/offers/{ids[-1]}"))
    response = save(client, f"/offers/{ids[-1]}")
    assert response.headers["Location"].endswith("/offers/saved")
    assert "Die Liste ist voll." in text(client.get("/offers/saved"))


def test_a_tampered_session_list_is_ignored(client, content):
    with client.session_transaction() as session:
        session["saved"] = ["1; drop table", None, content["offer"], 999]
    page = text(client.get("/offers/saved"))
    assert "Sprachcafé" in page and 'class="count">2<' in page


@pytest.mark.parametrize("path", ["/offers/", "/help/", "/offers/language", "/help/money",
                                  "/offers/{kiez_plus}", "/offers/{kiez_plus}/qr",
                                  "/offers/{kiez_plus}/slip", "/help/emergency", "/offers/saved"])
def test_visitor_pages_are_small_and_have_no_inline_style(client, content, path):
    page = client.get(path.format(**content)).get_data()
    assert len(page) < 60_000
    assert b"style=" not in page and b"<script>" not in page


TUESDAY_EVENING = datetime(2027, 5, 4, 20, 0, tzinfo=ZoneInfo("Europe/Berlin"))


@time_machine.travel(TUESDAY_EVENING, tick=False)
def test_open_now_and_today_over_all_categories_says_what_opens_next_when_nothing_is(client, content):
    """Tuesday evening: nothing is open; the page says so and names the next openings."""
    index = text(client.get("/offers/"))
    assert 'href="/offers/now"' in index and "Jetzt geöffnet & heute" in index
    page = text(client.get("/offers/now"))
    assert "Heute ist kein Angebot mehr geöffnet." in page
    upcoming = page[page.index("Demnächst"):]
    assert "Kiez+ Sprechstunde" in upcoming and "Beispiel: Sprachcafé" in upcoming
    assert upcoming.index("Kiez+ Sprechstunde") < upcoming.index("Beispiel: Sprachcafé")  # Thursday first


@time_machine.travel(TUESDAY_EVENING.replace(day=10, hour=14), tick=False)
def test_open_now_and_today_lists_both_groups_across_categories(app, client, content):
    with app.app_context():
        content_seed.add_service(
            {"name": "Beispiel: Mittagstisch", "schedule": {"weekly": [{"weekday": 0, "opens": "12:00", "closes": "15:00"}]}},
            [(OFFER, "food")], [])
    page = text(client.get("/offers/now"))
    now_part, today_part = page.split("<h2 class=\"group-title\">Heute</h2>")
    assert "Jetzt geöffnet" in now_part and "Beispiel: Mittagstisch" in now_part
    assert "Beispiel: Sprachcafé" in today_part  # 15:00 today, from another category
    assert "Kiez+ Sprechstunde" not in page  # Thursday is not today
    assert "Heute ist kein Angebot mehr geöffnet." not in page


def test_now_cannot_be_a_category_key():
    assert "now" in offers.RESERVED_KEYS


GERMAN_STAFF_TEXT = ("Heute Vertretung im Raum 2", "2 € für Material", "Aufzug im Hof",
                     "Bus M29 bis Oranienplatz", "nur vormittags", "Betriebsferien")


@time_machine.travel(datetime(2027, 5, 10, 9, 0, tzinfo=ZoneInfo("Europe/Berlin")), tick=False)
@pytest.mark.parametrize("lang,mark", [("en", "(in German)"), ("tr", "(Almanca)")])
def test_every_german_staff_text_is_marked_for_other_languages(app, client, content, lang, mark):
    """Staff write German; a visitor of another language is told which lines are German."""
    with app.app_context():
        place = Location.create(name="Beispielhaus", accessibility="Aufzug im Hof",
                                transportation="Bus M29 bis Oranienplatz")
        service = content_seed.add_service(
            {"name": "Beispiel: Nähen", "alert": "Heute Vertretung im Raum 2", "fees": "2 € für Material",
             "what_to_bring": "Stoff, wenn vorhanden", "location": place,
             "schedule": {"weekly": [{"weekday": 0, "opens": "10:00", "closes": "12:00"}],
                          "exceptions": [{"first": "2027-05-17", "last": "2027-05-17", "note": "Betriebsferien"}]}},
            [(OFFER, "culture")], [("030 123 456 78", "voice", "nur vormittags")])
    with client.session_transaction() as session:
        session["lang"] = lang
    for path in (f"/offers/{service.id}", f"/offers/{service.id}/slip", "/offers/culture"):
        page = html.unescape(text(client.get(path)))
        for german in GERMAN_STAFF_TEXT:
            if german in page:
                after = page[page.index(german):][:len(german) + 60]
                assert mark in after, (path, german)
        if "Stoff, wenn vorhanden" in page:  # a list: the mark once, beside its heading
            heading = page[:page.index("Stoff, wenn vorhanden")].rsplit("<dt>", 1)[-1].rsplit("slip-label", 1)[-1]
            assert mark in heading, path
    with client.session_transaction() as session:
        session["lang"] = "de"
    assert "(auf Deutsch)" not in text(client.get(f"/offers/{service.id}"))


def test_a_category_staff_made_is_marked_german_for_other_languages(app, client, content):
    with app.app_context():
        Category.create(kind=OFFER, key="garten", name="Nachbarschaftsgarten", position=99)
    with client.session_transaction() as session:
        session["lang"] = "en"
    assert "Nachbarschaftsgarten <span class=\"in-german\">(in German)</span>" in text(client.get("/offers/"))
    assert "Nachbarschaftsgarten <span class=\"in-german\">(in German)</span>" in text(client.get("/offers/garten"))
    assert "Language & learning <span" not in text(client.get("/offers/"))  # shipped: translated


# --- issue 15: any real entry -----------------------------------------------------------------


def add_largest_entry(app):
    """Every text at the length the staff forms allow, 20 numbers, 20 rows of hours (an example)."""
    with app.app_context():
        place = Location.create(name="ش" * 200, street="ß" * 200, postcode="10969", city="ü" * 100)
        return content_seed.add_service({
            "name": "Beispiel " + "ğ" * 191, "location": place, "email": "a" * 230 + "@beispiel.example",
            "url": "https://beispiel.example/" + "a;b," * 118,
            "schedule": {"weekly": [{"weekday": row % 7, "opens": f"{row:02d}:00",
                                     "closes": f"{row:02d}:30"} for row in range(20)]},
        }, [(HELP, "housing")], [(f"030 123 456 {row:02d}", "voice", "") for row in range(20)]).id


def test_the_largest_entry_the_forms_allow_has_a_contact_code_of_at_most_version_20(app, client, content):
    """It would not fit any QR code whole (a 500 before): the vCard gets lighter, not the page."""
    service_id = add_largest_entry(app)
    page = text(client.get(f"/help/{service_id}"))
    with app.test_request_context():
        facts = offers.service_facts(Service.get_by_id(service_id), clock.berlin_now())
    assert encode(facts["vcard"]).version <= takehome.MAX_VCARD_VERSION
    assert "TEL;TYPE=WORK,VOICE:+4930123456" in facts["vcard"] and "BEGIN:VCARD" in facts["vcard"]
    for svg in re.findall(r'<svg [^>]*class="qr[^"]*"[^>]*>', page):
        width = int(re.search(r'width="(\d+)"', svg)[1])
        modules = int(re.search(r'viewBox="0 0 (\d+)', svg)[1])
        assert width // modules >= MIN_SCREEN_SCALE
    assert text(client.get(f"/help/{service_id}/slip")).count("<svg") == 3


def test_a_mobile_number_says_so(app, client, content):
    with app.app_context():
        service_id = content_seed.add_service(
            {"name": "Beispiel: Handy"}, [(HELP, "family")],
            [("0152 01234567", "voice", ""), ("030 123 456 78", "cell", ""), ("030 123 456 79", "voice", "")]).id
    page = text(client.get(f"/help/{service_id}"))
    assert page.count("Handy / mobil") == 2 and "01520 123 4567" in page
    assert "Telefon <span" in page


def test_staff_line_breaks_in_a_description_reach_the_page(app, client, content):
    with app.app_context():
        service_id = content_seed.add_service(
            {"name": "Beispiel: Zeilen", "description": "Erste Zeile\nZweite Zeile"}, [(HELP, "family")], []).id
    assert "Erste Zeile\nZweite Zeile" in text(client.get(f"/help/{service_id}"))
    css = (Path(app.static_folder) / "css" / "offers.css").read_text()
    assert re.search(r"\.detail-description \{[^}]*white-space: pre-line", css)
