"""The visitor's way through the kiosk in Turkish and Arabic, by touch, as the issue lists it."""

import re

import pytest
from flask_babel import force_locale, gettext
from playwright.sync_api import expect

import puzzles
from kiosk import clock
from kiosk.offers import seed as content_seed
from kiosk.staff import reports
from tests.browser.test_accessibility_browser import SIZES, choose_language, sideways_scrolling

pytestmark = pytest.mark.usefixtures("enrolled")  # the room's tablet: its check-ins count


def said(app, lang, german):
    """What the kiosk shows for ``german`` in ``lang``; it must really be translated."""
    with app.test_request_context(), force_locale(lang):
        text = gettext(german)
    assert text != german, f"{german!r} has no {lang} translation"
    return text


def today(app):
    with app.app_context():
        day = clock.berlin_now().date()
        return reports.totals(day, day)


@pytest.mark.parametrize("lang", ["ar", "tr"])
def test_check_in_flow(page, server, live_app, lang):
    choose_language(page, server, lang)
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if lang == "ar" else "ltr")
    page.get_by_role("button", name=re.compile(said(live_app, lang, "Ich bin da"))).tap()
    expect(page.get_by_role("heading", name=said(live_app, lang, "Wie viele sind Sie?"))).to_be_visible()
    page.locator("button[name=size][value='3']").tap()
    expect(page.get_by_role("heading", name=said(live_app, lang, "Sind Sie zum ersten Mal hier?"))).to_be_visible()
    page.get_by_role("button", name=said(live_app, lang, "Ja, zum ersten Mal")).tap()
    expect(page.get_by_role("heading", name=said(live_app, lang, "Was führt Sie heute her?"))).to_be_visible()
    page.get_by_text(said(live_app, lang, "Hilfe mit Handy & Computer")).tap()
    page.get_by_role("button", name=said(live_app, lang, "Fertig")).tap()
    expect(page.get_by_role("heading", name=said(live_app, lang, "Schön, dass Sie da sind!"))).to_be_visible()
    figures = today(live_app)
    assert (figures["people"], figures["first_visits"], figures["reasons"]["digital"]) == (3, 1, 1)


def test_a_puzzle_in_arabic(page, server, live_app):
    choose_language(page, server, "ar")
    p = puzzles.generate("sudoku", "arabic", "easy", 4)
    page.goto(f"{server}/activities/sudoku/easy/4/arabic")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    board = page.locator("button.cell").first.bounding_box()
    last = page.locator("button.cell").last.bounding_box()
    assert board["x"] < last["x"]  # the grid itself stays left to right, as digits are written
    for r in range(4):
        for c in range(4):
            if not p.data["givens"][r][c]:
                page.locator(f'button.cell[data-r="{r}"][data-c="{c}"]').tap()
                page.locator(f'[data-number-pad] [data-digit="{p.solution[r][c]}"]').tap()
    expect(page.get_by_role("dialog").get_by_text(said(live_app, "ar", "Geschafft! Gut gemacht!"))).to_be_visible()


def test_a_help_contact_in_turkish(page, server, live_app):
    with live_app.app_context():
        content_seed.seed_content()
    choose_language(page, server, "tr")
    page.get_by_role("link", name=re.compile(said(live_app, "tr", "Hilfe & Beratung"))).tap()
    page.get_by_role("link", name=re.compile(said(live_app, "tr", "Gewalt & Krise"))).tap()
    page.get_by_role("link", name=re.compile("TelefonSeelsorge")).first.tap()
    expect(page.get_by_role("heading", name=re.compile("TelefonSeelsorge"), level=1)).to_be_visible()
    expect(page.locator("svg[role=img]").first).to_be_visible()  # the code to take home
    expect(page.get_by_role("link", name=re.compile(said(live_app, "tr", "Notruf & Hilfe sofort")))).to_be_visible()


@pytest.mark.parametrize("lang", ["de", "en", "tr", "ar"])
def test_home_screen_in_every_language_at_every_size(page, server, live_app, lang, tmp_path):
    choose_language(page, server, lang)
    for size in SIZES:
        page.set_viewport_size(size)
        if size["width"] < 800:  # zoomed to 200 %: scrolling down is fine, sideways is not
            assert sideways_scrolling(page) <= 1
            continue
        for tile in ("Ich bin da", "Rätsel & Basteln", "Angebote im Kiez", "Hilfe & Beratung"):
            name = tile if lang == "de" else said(live_app, lang, tile)
            expect(page.locator(".tile").filter(has_text=name).first).to_be_in_viewport(ratio=0.2)
        assert sideways_scrolling(page) <= 1
        page.screenshot(path=tmp_path / f"home-{lang}-{size['width']}x{size['height']}.png")
