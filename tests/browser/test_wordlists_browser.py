"""A staff word list in Chromium: the team saves it on a phone, a visitor solves a grid of it."""

import os
from pathlib import Path

from playwright.sync_api import expect

import puzzles
from kiosk.models import WordList
from tests.browser.test_activities_browser import well_done
from tests.browser.test_checkin_browser import staff_login

WORDS = "Laterne, Kürbis, Drachen, Apfel, Nebel, Kastanie, Blätter, Pilz, Igel, Herbst, Sturm, Wind"
SHOTS = Path(os.environ.get("SCREENSHOTS", "/tmp/i11w"))


def test_staff_save_a_list_on_a_phone_and_a_visitor_solves_it_by_tapping(page, server, live_app):
    page.set_viewport_size({"width": 390, "height": 844})
    staff_login(page, server)
    page.goto(f"{server}/admin/wordlists/")
    page.get_by_label("Titel").fill("Herbst")
    page.get_by_label("Wörter (eins pro Zeile").fill(WORDS + ", Regen")
    page.get_by_role("button", name="Liste speichern").tap()
    expect(page.get_by_text("„Regen“: enthält ein gesperrtes Wort")).to_be_visible()
    page.get_by_label("Wörter (eins pro Zeile").fill(WORDS)
    page.get_by_role("button", name="Liste speichern").tap()
    expect(page.get_by_text("Gespeichert: Herbst")).to_be_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / "wordlists-390x844.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.screenshot(path=SHOTS / "wordlists-1280x800.png", full_page=True)

    with live_app.app_context():
        entry = WordList.get()
    wordsearch = puzzles.puzzle_type("wordsearch")
    p = wordsearch.generate("browser", "medium", 10, theme=f"list-{entry.id}", lang="de",
                            words=entry.word_list())
    page.set_viewport_size({"width": 800, "height": 1280})
    page.goto(f"{server}/activities/wordsearch/medium/10/browser?lang=de&list={entry.id}")
    page.screenshot(path=SHOTS / "wordsearch-list-800x1280.png")
    letter = lambda cell: page.locator(f'button.cell[data-r="{cell[0]}"][data-c="{cell[1]}"]')
    for found in p.solution:
        letter(found["start"]).tap()
        letter(found["end"]).tap()
        expect(page.locator(".word-list li.found", has_text=wordsearch.grid_letters(found["word"], "de"))).to_be_visible()
    expect(well_done(page)).to_be_visible()
