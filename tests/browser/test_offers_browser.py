"""Offers and help with a finger, in Chromium with touch, against the production server."""

import re
import subprocess
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect

from kiosk.models import Service
from kiosk.offers import seed as content_seed
from kiosk.offers.directory import AUDIENCE, OFFER
from tests.browser.conftest import tap_language, tap_large_text
from tests.browser.test_checkin_browser import assert_no_axe_violations, staff_login

OPEN_ALL_WEEK = {"weekly": [{"weekday": day, "opens": "00:00", "closes": "23:59"} for day in range(7)]}
PAGE_WEIGHT_LIMIT = 100 * 1024
# The slip opens the print dialog by itself; here it only counts, so page.pdf() can print.
COUNT_PRINT_CALLS = "window.print = () => { window.printCalls = (window.printCalls || 0) + 1; };"


@pytest.fixture
def content(live_app):
    with live_app.app_context():
        content_seed.seed_content()
        offer = content_seed.add_service(
            {"name": "Beispiel: Tischtennis", "languages": "de,tr", "free": True, "walk_in": True,
             "url": "https://example.org/tischtennis", "schedule": OPEN_ALL_WEEK,
             "what_to_bring": "Turnschuhe"},
            [(OFFER, "sport"), (AUDIENCE, "seniors")], [("030 123 456 78", "voice", "")])
        later = content_seed.add_service(
            {"name": "Beispiel: Yoga", "schedule": {"monthly": [{"nth": 1, "weekday": 0,
                                                   "opens": "10:00", "closes": "11:00"}]}},
            [(OFFER, "sport")], [])
        kiez_plus = Service.get(Service.uid == content_seed.KIEZ_PLUS_UID)
        seelsorge = Service.get(Service.name == "TelefonSeelsorge")
        return {"offer": offer.id, "later": later.id, "kiez_plus": kiez_plus.id,
                "seelsorge": seelsorge.id}


def test_find_an_offer_open_today_by_tapping(page, server, content):
    page.goto(server + "/")
    page.get_by_role("link", name="Angebote im Kiez").tap()
    page.get_by_role("link", name=re.compile("Sport & Bewegung")).tap()
    open_now = page.locator("section.card-group", has=page.get_by_role("heading", name="Jetzt geöffnet"))
    expect(open_now.get_by_role("link", name=re.compile("Beispiel: Tischtennis"))).to_contain_text(
        "jetzt geöffnet bis")
    expect(page.locator(".service-card").first).to_contain_text("Tischtennis")  # open now comes first
    page.get_by_role("link", name="Kostenlos", exact=True).tap()  # a filter by touch: Yoga is not marked free
    expect(page.get_by_role("link", name=re.compile("Beispiel: Yoga"))).to_have_count(0)
    page.get_by_role("link", name=re.compile("Beispiel: Tischtennis")).tap()
    expect(page.get_by_role("heading", name="Beispiel: Tischtennis", level=1)).to_be_visible()
    expect(page.get_by_text("Turnschuhe")).to_be_visible()
    contact_code = page.get_by_role("img", name=re.compile("Kontakt Beispiel: Tischtennis speichern"))
    expect(contact_code).to_be_visible()


@time_machine.travel(datetime(2027, 5, 4, 20, 0, tzinfo=ZoneInfo("Europe/Berlin")))
def test_one_tap_shows_what_is_open_now_over_all_categories(page, server, content):
    """Tuesday evening: one tap from the offers screen, not one per category."""
    page.goto(server + "/offers/")
    page.get_by_role("link", name=re.compile("Jetzt geöffnet & heute")).tap()
    open_now = page.locator("section.card-group", has=page.get_by_role("heading", name="Jetzt geöffnet"))
    expect(open_now.get_by_role("link", name=re.compile("Beispiel: Tischtennis"))).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Beispiel: Yoga"))).to_have_count(0)  # not today
    expect(page.get_by_role("link", name=re.compile("Kiez\\+ Sprechstunde"))).to_have_count(0)  # Thursday


def test_open_a_help_contact_and_reach_the_emergency_numbers_from_every_help_screen(page, server, content):
    page.goto(server + "/")
    page.get_by_role("link", name="Hilfe & Beratung").tap()
    page.get_by_role("link", name=re.compile("Gewalt & Krise")).tap()
    page.get_by_role("link", name=re.compile("TelefonSeelsorge")).tap()
    expect(page.get_by_role("heading", name="TelefonSeelsorge", level=1)).to_be_visible()
    expect(page.get_by_text("0800 111 0111")).to_be_visible()
    expect(page.get_by_text("Rund um die Uhr erreichbar")).to_be_visible()
    for path in ("/help/", "/help/violence", "/help/money", f"/help/{content['seelsorge']}",
                 f"/help/{content['seelsorge']}/qr"):
        page.goto(server + path)
        page.get_by_role("link", name="Notruf & Hilfe sofort").tap()
        expect(page.get_by_role("heading", name="Notruf & Hilfe sofort")).to_be_visible()
        for number in ("110", "112", "116 117", "0800 111 0111", "0800 111 0222", "116 016"):
            expect(page.get_by_role("link", name=number, exact=True)).to_be_visible()


def test_an_empty_topic_points_to_the_team(page, server, content):
    page.goto(server + "/help/")
    page.get_by_role("link", name=re.compile("Geld & Schulden")).tap()
    expect(page.get_by_text("Hier gibt es noch keine Einträge.")).to_be_visible()
    page.get_by_role("link", name="Kiez+ Sprechstunde ansehen").tap()
    expect(page.get_by_role("heading", name="Kiez+ Sprechstunde", level=1)).to_be_visible()


def test_print_a_slip_to_pdf_and_read_its_codes(page, server, content, tmp_path):
    page.add_init_script(COUNT_PRINT_CALLS)
    page.goto(f"{server}/offers/{content['offer']}")
    page.get_by_role("link", name="Auf Papier ausdrucken").tap()
    expect(page.get_by_role("heading", name="Einen Satz dazu drucken?")).to_be_visible()
    page.get_by_role("link", name="Ohne Satz drucken").tap()
    expect(page).to_have_url(re.compile(r"/slip$"))  # the tablet asks /health first, then goes
    expect(page.get_by_role("heading", name="Beispiel: Tischtennis")).to_be_visible()
    page.wait_for_load_state("load")
    assert page.evaluate("window.printCalls") == 1  # the print dialog opened by itself
    page.get_by_role("button", name="Jetzt drucken").tap()
    assert page.evaluate("window.printCalls") == 2
    pdf = tmp_path / "slip.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Beispiel: Tischtennis" in text and "030 123 456 78" in text and "Turnschuhe" in text
    assert "Zurück" not in text and "Jetzt drucken" not in text  # screen-only buttons
    pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Pages:\s+1\n", pages)
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-singlefile", str(pdf), str(tmp_path / "slip")],
                   check=True)
    decoded = subprocess.run(["zbarimg", "--raw", "-q", str(tmp_path / "slip.png")],
                             capture_output=True, check=True).stdout.decode()
    assert "FN:Beispiel: Tischtennis" in decoded
    assert "tel:+493012345678" in decoded and "https://example.org/tischtennis" in decoded


def test_merken_several_and_print_them_together(page, server, content, tmp_path):
    page.add_init_script(COUNT_PRINT_CALLS)
    page.goto(f"{server}/offers/{content['offer']}")
    page.get_by_role("button", name="Merken").tap()
    expect(page.get_by_role("link", name=re.compile("Gemerkt ✓"))).to_be_visible()
    page.goto(f"{server}/help/{content['seelsorge']}")
    page.get_by_role("button", name="Merken").tap()
    expect(page.locator(".saved-badge .count")).to_have_text("2")
    page.locator(".saved-badge").tap()
    page.get_by_role("link", name="Alle ausdrucken").tap()
    expect(page.get_by_role("heading", name="Einen Satz dazu drucken?")).to_be_visible()
    page.get_by_role("link", name="Ohne Satz drucken").tap()
    expect(page.locator(".slip")).to_have_count(2)
    pdf = tmp_path / "saved.pdf"
    page.pdf(path=str(pdf), format="A4")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Beispiel: Tischtennis" in text and "TelefonSeelsorge" in text


VISITOR_PAGES = ("/offers/", "/offers/now", "/offers/sport", "/offers/sport?free=1&lang=tr", "/offers/{offer}",
                 "/offers/{offer}/qr", "/offers/{offer}/slip/sentence", "/offers/{offer}/slip",
                 "/offers/{offer}/slip?say=join", "/help/", "/help/violence",
                 "/help/money", "/help/{seelsorge}", "/help/emergency", "/offers/saved")


def test_axe_and_page_weight_on_every_visitor_page(page, server, content):
    """No accessibility violations, under 100 KB in all, and nothing from another host."""
    page.add_init_script(COUNT_PRINT_CALLS)
    weights = {}
    for path in VISITOR_PAGES:
        responses = []

        def listener(response):
            responses.append(response)

        page.on("response", listener)
        page.goto(server + path.format(**content))
        page.wait_for_load_state("networkidle")
        page.remove_listener("response", listener)
        assert all(r.url.startswith(server) for r in responses), [r.url for r in responses]
        weights[path] = sum(len(r.body()) for r in responses if r.status < 300)
        assert_no_axe_violations(page)
    assert max(weights.values()) < PAGE_WEIGHT_LIMIT, weights


def test_axe_on_the_staff_pages(page, server, content):
    staff_login(page, server)
    for path in ("/admin/content/", "/admin/content/entries", f"/admin/content/entries/{content['offer']}",
                 "/admin/content/entries/new", f"/admin/content/entries/{content['offer']}/delete",
                 "/admin/content/organisations", "/admin/content/locations/new",
                 "/admin/content/categories", "/admin/content/transfer"):
        page.goto(server + path)
        assert_no_axe_violations(page)
    page.goto(server + "/admin/content/transfer")
    page.set_input_files("input[type=file]", files=[{"name": "x.json", "mimeType": "application/json",
                                                     "buffer": b'{"service": [{"id": "1"}]}'}])
    page.get_by_role("button", name="Prüfen").tap()
    expect(page.get_by_role("heading", name=re.compile("Nicht eingelesen"))).to_be_visible()
    assert_no_axe_violations(page)


def test_staff_edit_opening_times_by_selects_and_the_card_follows(page, server, content, live_app):
    staff_login(page, server)
    page.goto(f"{server}/admin/content/entries/{content['later']}")
    page.get_by_label("Woche, Zeile 1: Wochentag").select_option(label="Montag")
    page.get_by_label("Woche, Zeile 1: von").fill("09:00")
    page.get_by_label("Woche, Zeile 1: bis").fill("12:00")
    page.get_by_role("button", name="Speichern").tap()
    expect(page.get_by_text("Gespeichert: Beispiel: Yoga")).to_be_visible()
    page.goto(f"{server}/offers/{content['later']}")
    expect(page.get_by_text("Mo 09:00–12:00")).to_be_visible()


TABLET_SIZES = [(1280, 800), (1024, 768), (800, 1280)]


def decode_screen(page, tmp_path) -> str:
    """What a phone camera pointed at the tablet would read: zbarimg on the visible screen only."""
    shot = tmp_path / "screen.png"
    page.screenshot(path=str(shot))  # the viewport, not the full page
    result = subprocess.run(["zbarimg", "--raw", "-q", str(shot)], capture_output=True, timeout=20,
                            check=False)  # exit 4: no code found, which the assertion reports
    return result.stdout.decode("utf-8")


def assert_inside_viewport(page, locator):
    box = locator.bounding_box()
    size = page.viewport_size
    assert box["y"] >= 0 and box["y"] + box["height"] <= size["height"], (box, size)
    assert box["x"] >= 0 and box["x"] + box["width"] <= size["width"], (box, size)


@pytest.mark.parametrize("large_text", [False, True], ids=["normal", "large-text"])
@pytest.mark.parametrize("width,height", TABLET_SIZES, ids=lambda v: str(v))
def test_the_enlarged_code_fits_the_screen_and_scans(page, server, content, tmp_path, width, height,
                                                     large_text):
    page.set_viewport_size({"width": width, "height": height})
    for path in (f"/help/{content['kiez_plus']}/qr", f"/offers/{content['offer']}/qr"):
        page.goto(server + path)
        if large_text and page.get_by_role("button", name="Große Schrift", pressed=False).count():
            tap_large_text(page)
        code = page.locator(".code-enlarged svg")
        assert_inside_viewport(page, code)
        assert code.bounding_box()["width"] >= 300  # bigger than on the detail page
        assert "BEGIN:VCARD" in decode_screen(page, tmp_path), path


@pytest.mark.parametrize("large_text", [False, True], ids=["normal", "large-text"])
def test_the_take_home_code_is_on_the_first_portrait_screen(page, server, content, tmp_path, large_text):
    """A touch novice does not scroll: the contact code is in view when a detail page opens."""
    page.set_viewport_size({"width": 800, "height": 1280})
    for path in (f"/help/{content['kiez_plus']}", f"/offers/{content['offer']}",
                 f"/help/{content['seelsorge']}"):
        page.goto(server + path)
        if large_text and page.get_by_role("button", name="Große Schrift", pressed=False).count():
            tap_large_text(page)
        assert page.evaluate("window.scrollY") == 0
        assert_inside_viewport(page, page.locator(".code-vcard svg"))
        assert "BEGIN:VCARD" in decode_screen(page, tmp_path), path
        expect(page.get_by_role("link", name="Auf Papier ausdrucken")).to_be_in_viewport()


CLIPPED = """() => Array.from(document.querySelectorAll(
    '.home-button, .card-name, .tile-word, .bar-button, .detail-name, .page-title, .fact-row dd'))
  .filter(el => el.scrollWidth > el.clientWidth + 1 || el.getBoundingClientRect().right > innerWidth)
  .map(el => el.className + ': ' + el.textContent.trim().slice(0, 40))"""


@pytest.mark.parametrize("lang", ["de", "tr"])
def test_large_text_in_portrait_neither_clips_nor_scrolls_sideways(page, server, content, lang):
    page.set_viewport_size({"width": 800, "height": 1280})
    page.goto(server + "/help/health")
    if lang != "de":
        tap_language(page, lang)
    tap_large_text(page)
    for path in ("/help/health", "/help/", "/offers/", "/offers/now", "/offers/sport",
                 f"/help/{content['seelsorge']}", f"/offers/{content['offer']}", "/help/emergency",
                 "/activities/", "/checkin/thanks"):
        page.goto(server + path)
        assert page.evaluate("document.documentElement.scrollWidth - innerWidth") <= 0, path
        assert page.evaluate(CLIPPED) == [], path
