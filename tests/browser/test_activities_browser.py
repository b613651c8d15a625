"""Rätsel & Basteln with a finger, in Chromium with touch, against the production server."""

import re
import subprocess
from datetime import datetime
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect

import puzzles
from kiosk import clock
from kiosk.activities import crafts
from kiosk.staff import reports
from tests.browser.conftest import tap_large_text, wait_until_settled
from tests.browser.test_checkin_browser import assert_no_axe_violations, staff_login


def counted(app, prefix):
    with app.app_context():
        today = clock.berlin_now().date()
        return dict(reports.most_counted(prefix, today, today))


def well_done(page):
    return page.get_by_role("dialog").get_by_text("Geschafft! Gut gemacht!")


def test_solve_a_4x4_sudoku_by_tapping(page, server, live_app):
    p = puzzles.generate("sudoku", "browser", "easy", 4)
    page.goto(f"{server}/activities/sudoku/easy/4/browser")
    open_cells = [(r, c) for r in range(4) for c in range(4) if not p.data["givens"][r][c]]
    pad = page.locator("[data-number-pad]")
    (r, c), *rest = open_cells
    page.locator(f'button.cell[data-r="{r}"][data-c="{c}"]').tap()
    pad.locator(f'[data-digit="{p.solution[r][c] % 4 + 1}"]').tap()  # a wrong digit first
    page.get_by_role("button", name="Prüfen").tap()
    expect(page.locator("#check-message")).to_have_text("1 Feld stimmt nicht.")
    expect(page.locator(f'button.cell[data-r="{r}"][data-c="{c}"]')).to_have_class(re.compile(r"\bwrong\b"))
    pad.get_by_role("button", name="Löschen").tap()
    expect(page.locator(f'button.cell[data-r="{r}"][data-c="{c}"]')).not_to_have_class(re.compile(r"\bwrong\b"))
    for r, c in open_cells:  # the last digit checks the full grid by itself
        page.locator(f'button.cell[data-r="{r}"][data-c="{c}"]').tap()
        pad.locator(f'[data-digit="{p.solution[r][c]}"]').tap()
    expect(well_done(page)).to_be_visible()
    assert counted(live_app, "puzzle_solved") == {"sudoku": 1}


def touch_trace(page, points):
    """Drag one finger through ``points`` (page pixels) with real touch events, on a settled page."""
    wait_until_settled(page)
    cdp = page.context.new_cdp_session(page)
    (x, y), *rest = points
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for (x0, y0), (x1, y1) in zip(points, rest):
        for step in (0.5, 1):  # a point between cells too, as a real finger slides
            cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [
                {"x": x0 + (x1 - x0) * step, "y": y0 + (y1 - y0) * step}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def maze_centres(page, cells, size):
    box = page.locator("svg.maze-board").bounding_box()
    unit = box["width"] / (size + 0.2)
    return [(box["x"] + (c + 0.6) * unit, box["y"] + (r + 0.6) * unit) for r, c in cells]


def traced_cells(page):
    return page.locator(".maze-way").get_attribute("points").split()


def test_solve_a_maze_by_tracing_with_a_finger(page, server, live_app):
    p = puzzles.generate("maze", "browser", "medium")
    page.goto(f"{server}/activities/maze/medium/{p.size}/browser")
    walls, size = p.data["walls"], p.size
    index, behind_wall = next(  # the first cell of the way with a wall to a neighbour
        (i, [r + dr, c + dc]) for i, (r, c) in enumerate(p.solution)
        for bit, dr, dc in ((1, -1, 0), (2, 0, 1), (4, 1, 0), (8, 0, -1))
        if walls[r][c] & bit and 0 <= r + dr < size and 0 <= c + dc < size)
    touch_trace(page, maze_centres(page, p.solution[:index + 1] + [behind_wall], size))
    assert len(traced_cells(page)) == index + 1  # the line stopped at the wall
    expect(well_done(page)).to_be_hidden()
    touch_trace(page, maze_centres(page, p.solution, p.size))
    expect(well_done(page)).to_be_visible()
    assert len(traced_cells(page)) == len(p.solution)
    assert counted(live_app, "puzzle_solved") == {"maze": 1}


def centre(locator):
    box = locator.bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def test_find_words_by_dragging_or_tapping_first_and_last_letter(page, server):
    p = puzzles.generate("wordsearch", "browser", "easy")
    page.goto(f"{server}/activities/wordsearch/easy/{p.size}/browser?lang=de")
    letter = lambda cell: page.locator(f'button.cell[data-r="{cell[0]}"][data-c="{cell[1]}"]')  # noqa: E731
    letter([0, 0]).tap()
    letter([0, 1]).tap()  # two letters: never a word
    expect(page.locator("#check-message")).to_have_text("Das ist leider keines der Wörter.")
    (dragged, *tapped) = p.solution
    touch_trace(page, [centre(letter(dragged["start"])), centre(letter(dragged["end"]))])
    expect(page.locator(".word-list li.found", has_text=dragged["word"])).to_be_visible()
    for found in tapped:
        letter(found["start"]).tap()
        letter(found["end"]).tap()
        expect(page.locator(".word-list li.found", has_text=found["word"])).to_be_visible()
    expect(well_done(page)).to_be_visible()


@time_machine.travel(datetime(2027, 5, 5, 10, 0, tzinfo=ZoneInfo("Europe/Berlin")))
def test_a_turkish_visitor_gets_a_turkish_word_search_of_the_day(page, server):
    """2027-05-05 is a word-search day; the menu's language rule holds for the day's puzzle too."""
    page.goto(f"{server}/activities/")
    page.locator("button[lang=tr]").tap()
    expect(page.get_by_role("heading", name=re.compile("Günün bulmacası"))).to_be_visible()
    page.locator("a[href='/activities/today/easy']").tap()
    expect(page).to_have_url(re.compile(r"/activities/wordsearch/easy/8/2027-05-05\?lang=tr$"))
    wordsearch = puzzles.puzzle_type("wordsearch")
    for word in wordsearch.generate("2027-05-05", "easy", 8, lang="tr").data["words"]:
        expect(page.locator(".word-list li", has_text=wordsearch.grid_letters(word, "tr"))).to_be_visible()


def test_paint_a_nonogram_by_tapping(page, server):
    p = puzzles.generate("nonogram", "browser", "easy")
    page.goto(f"{server}/activities/nonogram/easy/{p.size}/browser")
    free = next(page.locator(f'button.cell[data-r="{r}"][data-c="{c}"]')
                for r in range(p.size) for c in range(p.size) if not p.solution[r][c])
    for state in ("filled", "marked"):  # each tap moves a cell on: painted, marked free, blank
        free.tap()
        expect(free).to_have_class(re.compile(rf"\b{state}\b"))
    free.tap()
    expect(free).not_to_have_class(re.compile(r"\b(filled|marked)\b"))
    cells = [(r, c) for r in range(p.size) for c in range(p.size) if p.solution[r][c]]
    for r, c in cells:
        page.locator(f'button.cell[data-r="{r}"][data-c="{c}"]').tap()
    expect(well_done(page)).to_be_visible()


CLUE_BOXES = """() => Array.from(document.querySelectorAll('.nonogram-board .clue')).map(clue =>
  Array.from(clue.children).map(n => { const b = n.getBoundingClientRect(), s = getComputedStyle(n);
    return {x: b.x, y: b.y, right: b.right, bottom: b.bottom, font: parseFloat(s.fontSize), bg: s.backgroundColor}; }))"""


@pytest.mark.parametrize("width,height", [(1280, 800), (1024, 768), (800, 1280)], ids=str)
def test_nonogram_clues_read_apart_and_the_10x10_cells_take_a_finger(page, server, width, height):
    """Seed s6 has five blocks in a row and in a column: the widest clues a 10×10 can have."""
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{server}/activities/nonogram/hard/10/s6")
    first, last = page.locator("button.cell").first.bounding_box(), page.locator("button.cell").last.bounding_box()
    assert first["width"] >= 48 and first["height"] >= 48, first
    assert last["y"] + last["height"] <= height and last["x"] + last["width"] <= width, last  # no scrolling
    for numbers in page.evaluate(CLUE_BOXES):
        for number in numbers:
            assert number["font"] >= 22 and number["bg"] not in ("rgba(0, 0, 0, 0)", "transparent"), number
        for before, after in pairwise(numbers):  # "3 1" never reads as "31"
            assert after["x"] - before["right"] >= 6 or after["y"] - before["bottom"] >= 4, (before, after)


def test_a_12x12_word_search_keeps_48px_letters_at_1024x768_and_says_to_tap(page, server):
    page.set_viewport_size({"width": 1024, "height": 768})
    page.goto(f"{server}/activities/wordsearch/hard/12/browser?lang=de")
    first, last = page.locator("button.cell").first.bounding_box(), page.locator("button.cell").last.bounding_box()
    assert first["width"] >= 48 and first["height"] >= 48, first
    assert last["y"] + last["height"] <= 768, last
    rules = page.locator(".rules").inner_text()
    assert "Kreisen" not in rules and "unten" not in rules  # the paper's words, not the screen's
    expect(page.locator(".rules")).to_contain_text("in der Liste")


THUMBNAIL_TEXT = """() => Array.from(document.querySelectorAll('svg.example')).flatMap(svg => {
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  return Array.from(svg.querySelectorAll('text')).map(t => parseFloat(getComputedStyle(t).fontSize) * scale); })"""


def test_the_overview_thumbnails_use_letters_of_20px_at_least(page, server):
    page.goto(f"{server}/activities/")
    sizes = page.evaluate(THUMBNAIL_TEXT)
    assert sizes and min(sizes) >= 20, sorted(set(sizes))


def test_touch_targets_are_big_enough_on_a_9x9_sudoku(page, server):
    page.goto(f"{server}/activities/sudoku/easy/9/browser")
    for locator in (page.locator("button.cell").first, page.locator("[data-digit]").first,
                    page.get_by_role("button", name="Prüfen")):
        box = locator.bounding_box()
        assert box["width"] >= 48 and box["height"] >= 48


def pdf_pages(path):
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))


@pytest.mark.parametrize("address", [
    "sudoku/easy/9/browser", "sudoku/easy/4/browser", "wordsearch/hard/12/browser", "maze/hard/15/browser",
    "nonogram/hard/10/browser", "futoshiki/medium/5/browser",
])
def test_print_sheet_is_one_a4_page_and_the_solution_another(page, server, live_app, tmp_path, address):
    page.goto(f"{server}/activities/{address}")
    page.get_by_role("link", name="Drucken").tap()
    expect(page.get_by_role("button", name="Jetzt drucken")).to_be_visible()
    pdf = tmp_path / "sheet.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    assert pdf_pages(pdf) == 2
    assert counted(live_app, "puzzle_printed") == {address.split("/")[0]: 1}


def test_craft_sheet_opens_and_prints(page, server, live_app, tmp_path):
    with live_app.app_context():
        crafts.add_demo_craft_sheets()
    page.goto(f"{server}/activities/")
    page.get_by_role("link", name=re.compile("Basteln")).tap()
    page.get_by_role("link", name="Papierschiff falten").tap()
    expect(page.get_by_role("heading", name="Papierschiff falten")).to_be_visible()
    page.get_by_role("link", name="Drucken").tap()
    expect(page.get_by_role("button", name="Jetzt drucken")).to_be_visible()
    pdf = tmp_path / "craft.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    assert pdf_pages(pdf) >= 1
    assert len(counted(live_app, "craft_opened")) == len(counted(live_app, "craft_printed")) == 1


def test_axe_finds_no_violations_on_the_activities_pages(page, server, live_app):
    with live_app.app_context():
        crafts.add_demo_craft_sheets()
    for path in ("/activities/", "/activities/sudoku", "/activities/sudoku?size=6", "/activities/maze",
                 "/activities/sudoku/easy/9/axe", "/activities/futoshiki/easy/4/axe",
                 "/activities/wordsearch/medium/10/axe?lang=de", "/activities/maze/easy/6/axe",
                 "/activities/nonogram/medium/8/axe", "/activities/maze/easy/6/axe/solution",
                 "/activities/sudoku/easy/6/axe/print", "/activities/crafts", "/activities/crafts/1",
                 "/activities/crafts/1/print"):
        page.goto(server + path)
        assert_no_axe_violations(page)
    staff_login(page, server)
    for path in ("/admin/crafts/", "/admin/crafts/new", "/admin/crafts/1/edit", "/admin/crafts/1/delete"):
        page.goto(server + path)
        assert_no_axe_violations(page)


@pytest.mark.parametrize("width,height", [(1280, 800), (1024, 768), (800, 1280)], ids=str)
def test_puzzle_pages_in_large_text_never_scroll_sideways(page, server, width, height):
    """The side column beside the board: its buttons and word list fit in large text too."""
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{server}/activities/")
    tap_large_text(page)
    for path in ("nonogram/easy/5/browser", "nonogram/hard/10/s6", "sudoku/hard/9/browser",
                 "wordsearch/hard/12/browser?lang=de", "maze/hard/15/browser", "futoshiki/hard/5/browser"):
        page.goto(f"{server}/activities/{path}")
        assert page.evaluate("document.documentElement.scrollWidth - innerWidth") <= 0, path
