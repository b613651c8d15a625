"""Take-home slips and on-screen codes that hold any real entry (issue 15).

Slips are printed to PDF by Chromium in all four languages on A4 and A6, rasterised with pdftoppm
and every code decoded with zbarimg: each must be whole and hold exactly what the page offers.
On screen, the largest entry the staff forms allow must fit its box at 1280x800 and 800x1280 and
decode from a screenshot. All entries here are examples, marked as such; the numbers are dummies.
"""

import os
import re
import subprocess

import pytest
from flask import session
from playwright.sync_api import expect

from kiosk import clock
from kiosk.models import Location, Organization, Service
from kiosk.offers import seed as content_seed
from kiosk.offers import views
from kiosk.offers.directory import HELP, OFFER
from kiosk.offers.phones import tel_uri
from kiosk.qr import MIN_SCREEN_SCALE
from tests.browser.conftest import touch_page
from tests.browser.test_accessibility_browser import choose_language, sideways_scrolling

LANGUAGES = ("de", "en", "tr", "ar")
# Where to keep the PNGs to look at (unset: only the test's own tmp folder).
KEEP = os.environ.get("KIOSK_KEEP_SLIP_IMAGES")
SPLIT_HOURS = {"weekly": [
    {"weekday": day, "opens": opens, "closes": closes}
    for day in range(5) for opens, closes in (("09:00", "12:00"), ("13:00", "17:30"))
] + [{"weekday": 5, "opens": "10:00", "closes": "13:00"}]}


def add_long_entry():
    """A realistic long entry: long names, a 52-character e-mail address, a long street, a web
    address with commas and semicolons, two numbers, split hours every weekday, translations."""
    organisation = Organization.create(name="Beispiel-Nachbarschaftsverein Wassertorkiez e.V. (kein echter Eintrag)")
    place = Location.create(
        organization=organisation, name="Beispiel: Nachbarschaftshaus am Wassertorplatz, Seitenflügel",
        street="Wassertorstraße 48, Hinterhaus, Aufgang C, 3. Obergeschoss", postcode="10969",
        city="Berlin", transportation="U1 und U3 Kottbusser Tor, U8 Moritzplatz, Bus M29 und 140")
    return content_seed.add_service({
        "name": "Beispiel: Beratungsstelle für Mietschulden, Energieschulden und Wohnungssicherung",
        "organization": organisation, "location": place, "free": True, "by_appointment": True,
        "description": "Beratung bei Mietschulden und Stromschulden.\nTermine auch auf Türkisch und Arabisch.",
        "email": "mietschulden.beratung@beispiel-nachbarschaft.example",
        "url": "https://beispiel-nachbarschaft.example/beratung;wohnen,mietschulden?sprache=de;tr,ar",
        "what_to_bring": "Mietvertrag\nMahnungen und Briefe vom Vermieter\nKontoauszüge der letzten drei Monate",
        "schedule": SPLIT_HOURS,
        "translations": {
            "tr": {"name": "Örnek: Kira borçları, enerji borçları ve konut güvencesi danışma merkezi"},
            "ar": {"name": "مثال: مركز استشارات ديون الإيجار وديون الطاقة والحفاظ على السكن"},
            "en": {"name": "Example: advice centre for rent arrears, energy debts and keeping your home"},
        },
    }, [(HELP, "housing"), (OFFER, "counselling")],
        [("030 123 456 78", "voice", ""), ("0152 01234567", "cell", "")])


def add_largest_entry():
    """The most the staff forms let through: every text at its limit, 20 numbers, 20 hours rows."""
    place = Location.create(name="ش" * 200, street="ß" * 200, postcode="10969", city="ü" * 100)
    return content_seed.add_service({
        "name": "Beispiel " + "ğ" * 191, "location": place,
        "email": "a" * 230 + "@beispiel-verein.example",
        "url": "https://beispiel-verein.example/" + "a;b," * 117,
        "schedule": {"weekly": [{"weekday": row % 7, "opens": f"{row:02d}:00",
                                 "closes": f"{row:02d}:30"} for row in range(20)]},
    }, [(HELP, "housing")], [(f"030 123 456 {row:02d}", "voice", "") for row in range(20)])


@pytest.fixture
def entries(live_app):
    with live_app.app_context():
        content_seed.seed_content()
        long_entry = add_long_entry()
        largest = add_largest_entry()
        kiez_plus = Service.get(Service.uid == content_seed.KIEZ_PLUS_UID)
        return {"long": long_entry.id, "largest": largest.id, "ordinary": kiez_plus.id}


def expected_codes(app, service_id, lang):
    """What the codes of one entry must hold, as the app builds them in that language."""
    with app.test_request_context():
        session["lang"] = lang  # as the language button sets it (English: en_GB formats)
        service = Service.get_by_id(service_id)
        facts = views.service_facts(service, clock.berlin_now())
        codes = {facts["vcard"]}
        if facts["dialable"]:
            codes.add(tel_uri(facts["dialable"].number))
        if facts["web"]:
            codes.add(facts["web"])
        return codes


def decoded(png_path) -> list[str]:
    """Every QR code zbarimg finds in the image, as text.

    zbarimg ends each code's data with a newline. The payloads here hold no bare newline (a vCard
    uses CRLF), so a newline not after a CR separates two codes. (Its XML output is no help: zbar
    0.23 garbles the base64 of non-ASCII data there.)
    """
    found = subprocess.run(["zbarimg", "--raw", "-q", "--nodbus", str(png_path)], capture_output=True,
                           timeout=60)
    assert found.returncode in (0, 4), found.stderr  # 4: no code found
    return [text for text in re.split(r"(?<!\r)\n", found.stdout.decode("utf-8")) if text]


def printed_pages(page, tmp_path, name):
    """The page printed by Chromium as the printer would get it; the PNG files at 300 dpi."""
    pdf = print_to_pdf(page, tmp_path, name)
    subprocess.run(["pdftoppm", "-r", "300", "-png", str(pdf), str(tmp_path / name)], check=True, timeout=120)
    pngs = sorted(tmp_path.glob(f"{name}-*.png"))
    if KEEP:
        os.makedirs(KEEP, exist_ok=True)
        for png in pngs:
            subprocess.run(["cp", str(png), KEEP], check=True)
    return pngs


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("paper", ["A4", "A6"])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_code_on_a_slip_is_whole_and_decodes(page, server, live_app, entries, lang, paper, tmp_path):
    live_app.config["SLIP_PAPER"] = paper
    page.add_init_script("window.print = () => {};")
    choose_language(page, server, lang)
    for kind in ("ordinary", "long"):
        page.goto(f"{server}/help/{entries[kind]}/slip")
        expect(page.locator(".slip")).to_have_count(1)
        pages = printed_pages(page, tmp_path, f"slip-{kind}-{lang}-{paper}")
        # Every code whole on the first page; a long entry's text may go on to a second A6 page.
        assert sorted(decoded(pages[0])) == sorted(expected_codes(live_app, entries[kind], lang)), (
            kind, lang, paper)
        longest = 2 if (kind, paper) == ("long", "A6") else 1
        assert len(pages) <= longest, (kind, lang, paper, len(pages))


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("paper", ["A4", "A6"])
def test_the_merken_list_prints_several_entries_a_page_and_every_code_decodes(
        page, server, live_app, entries, paper, tmp_path):
    live_app.config["SLIP_PAPER"] = paper
    page.add_init_script("window.print = () => {};")
    choose_language(page, server, "ar")
    with live_app.app_context():
        saved = [entries["long"], entries["ordinary"]] + [
            service.id for service in Service.select().where(Service.name.in_(["TelefonSeelsorge"]))]
    for service_id in saved:
        page.goto(f"{server}/help/{service_id}")
        page.locator("form[action$='/save'] button").tap()
        expect(page.locator("a.action-button.is-done")).to_be_visible()
    page.goto(f"{server}/offers/saved/slip")
    expect(page.locator(".slip")).to_have_count(len(saved))
    pages = printed_pages(page, tmp_path, f"saved-{paper}")
    found = [text for png in pages for text in decoded(png)]
    expected = set().union(*(expected_codes(live_app, service_id, "ar") for service_id in saved))
    assert sorted(found) == sorted(expected)
    # A4: several slips a page; A6: a slip a page, the long entry's text on two
    assert len(pages) < len(saved) if paper == "A4" else len(pages) == len(saved) + 1


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 800}, {"width": 800, "height": 1280}])
@pytest.mark.parametrize("kind", ["largest", "long"])
def test_codes_on_screen_fit_their_box_and_decode(browser, server, live_app, entries, kind, viewport, tmp_path):
    with touch_page(browser, viewport) as page:
        choose_language(page, server, "ar")
        page.goto(f"{server}/help/{entries[kind]}")
        assert sideways_scrolling(page) == 0
        take_home = page.locator(".detail-take").bounding_box()
        for code in page.locator(".detail-take svg.qr").all():
            box = code.bounding_box()
            assert box["x"] >= take_home["x"] - 0.5
            assert box["x"] + box["width"] <= take_home["x"] + take_home["width"] + 0.5
            modules = int(code.get_attribute("viewBox").split()[2])
            assert box["width"] / modules >= MIN_SCREEN_SCALE, (kind, viewport, box["width"], modules)
        if kind == "long":  # staff line breaks stay (issue 15)
            assert "\n" in page.locator(".detail-description").inner_text()
        title = page.locator(".detail-name").bounding_box()
        assert title["x"] >= 0 and title["x"] + title["width"] <= viewport["width"]
        shot = tmp_path / f"detail-{kind}-{viewport['width']}.png"
        page.screenshot(path=str(shot), full_page=True)
        if KEEP:
            subprocess.run(["cp", str(shot), KEEP], check=True)
        assert sorted(decoded(shot)) == sorted(expected_codes(live_app, entries[kind], "ar"))


def pdf_text(pdf) -> str:
    """The printed text with every run of white space as one space (names wrap beside the codes)."""
    found = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True, timeout=60)
    return " ".join(re.sub("[\u202a-\u202e]", "", found.stdout).split())  # without direction marks


def pdf_pages(pdf) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True, timeout=60).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))


def print_to_pdf(page, tmp_path, name):
    pdf = tmp_path / f"{name}.pdf"
    page.emulate_media(media="print")
    page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
    page.emulate_media(media="screen")
    if KEEP:
        os.makedirs(KEEP, exist_ok=True)
        subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), os.path.join(KEEP, name)], check=True, timeout=60)
        subprocess.run(["cp", str(pdf), KEEP], check=True)
    return pdf


# What the long entry's slip must hold in each language, and in German (its staff translation of
# the name, a fixed label, the prepared sentence about rent arrears from the catalogs). pdftotext
# gives Arabic in runs and splits the lam-alef ligature, so Arabic is checked by words without it.
IN_LANGUAGE = {
    "tr": ("Örnek: Kira borçları, enerji borçları ve konut güvencesi danışma merkezi", "Ne zaman",
           "Kira borçlarım için danışmanlığa ihtiyacım var."),
    "ar": ("مركز استشارات", "متى؟", "أحتاج إلى استشارة بخصوص"),
}
IN_GERMAN = ("Beispiel: Beratungsstelle für Mietschulden, Energieschulden und Wohnungssicherung", "Wann",
             "Ich brauche Beratung zu meinen Mietschulden.")


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["tr", "ar"])
def test_a_sentence_picked_by_its_pictogram_prints_in_both_languages_on_one_page(
        page, server, live_app, entries, lang, tmp_path):
    page.add_init_script("window.print = () => {};")
    choose_language(page, server, lang)
    page.goto(f"{server}/help/{entries['long']}")
    page.locator(".take-actions a[href$='/slip/sentence']").tap()
    expect(page.locator(".sentence-choice").first).to_be_visible()
    page.locator(".sentence-choice[href$='?say=rent-debt'] img").tap()
    expect(page.locator(".slip-sentence")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/slip\?say=rent-debt$"))
    # Arabic right to left, its German copy left to right, on the same page
    visitor_direction = "rtl" if lang == "ar" else "ltr"
    assert page.evaluate("getComputedStyle(document.querySelector('.slip-copy')).direction") == visitor_direction
    assert page.evaluate("getComputedStyle(document.querySelector('.slip-copy-german')).direction") == "ltr"
    assert page.evaluate("getComputedStyle(document.querySelector('.sentence-german')).direction") == "ltr"
    pdf = print_to_pdf(page, tmp_path, f"bilingual-{lang}")
    text = pdf_text(pdf)
    for expected in IN_LANGUAGE[lang] + IN_GERMAN:
        assert expected in text, (lang, expected)
    assert pdf_pages(pdf) == 1
    subprocess.run(["pdftoppm", "-r", "300", "-png", str(pdf), str(tmp_path / "bilingual")], check=True, timeout=120)
    assert sorted(decoded(tmp_path / "bilingual-1.png")) == sorted(expected_codes(live_app, entries["long"], lang))


@pytest.mark.browser
def test_the_merken_list_prints_both_languages_with_the_sentence_once_at_the_top(page, server, live_app, entries, tmp_path):
    page.add_init_script("window.print = () => {};")
    choose_language(page, server, "tr")
    for service_id in (entries["long"], entries["ordinary"]):
        page.goto(f"{server}/help/{service_id}")
        page.locator("form[action$='/save'] button").tap()
        expect(page.locator("a.action-button.is-done")).to_be_visible()
    page.locator(".saved-badge").tap()
    expect(page.locator(".saved-item")).to_have_count(2)
    page.locator(".saved-actions a.big-button").tap()
    expect(page.locator(".sentence-choice").first).to_be_visible()
    page.locator(".sentence-choice[href$='?say=appointment'] img").tap()
    expect(page.locator(".slip")).to_have_count(2)
    pdf = print_to_pdf(page, tmp_path, "saved-bilingual-tr")
    text = pdf_text(pdf)
    assert text.count("Randevuya ihtiyacım var.") == 1 and text.count("Ich brauche einen Termin.") == 1
    assert text.index("Randevuya ihtiyacım var.") < text.index(IN_LANGUAGE["tr"][0])
    for expected in IN_LANGUAGE["tr"][:2] + IN_GERMAN[:2] + ("Kiez+ Sprechstunde",):
        assert expected in text
    assert pdf_pages(pdf) < 2 * 2  # several entries a page, never one entry spread over two
