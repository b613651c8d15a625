"""Rätsel & Basteln for visitors: every screen, the check endpoint, bad input, what is counted."""

import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

import puzzles
from kiosk import clock
from kiosk.activities import crafts
from kiosk.activities.labels import KIND_NAMES
from kiosk.activities.views import size_for_level
from kiosk.models import CraftSheet, Setting
from kiosk.staff import reports

ROOT = Path(__file__).resolve().parent.parent
KIND_SIZES = {"sudoku": 4, "wordsearch": 8, "maze": 6, "nonogram": 5, "futoshiki": 4}


def counted(app, prefix):
    with app.app_context():
        today = clock.berlin_now().date()
        return dict(reports.most_counted(prefix, today, today, limit=100))


def csrf_token(client, url):
    page = client.get(url).get_data(as_text=True)
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)


def post_check(client, url, body, token=None):
    """POST an answer as puzzles.js does: JSON, with the page's CSRF token in a header."""
    token = token or csrf_token(client, url)
    path, _, query = url.partition("?")
    return client.post(f"{path}/check?{query}", json=body, headers={"X-CSRFToken": token})


def test_overview_shows_every_kind_with_an_example_and_the_puzzle_of_the_day(client):
    page = client.get("/activities/").get_data(as_text=True)
    for kind in puzzles.kinds():
        assert f'href="/activities/{kind}"' in page
        assert f"img/puzzle-{kind}.svg" in page
    assert page.count('<svg class="example"') == len(puzzles.kinds())
    assert "Rätsel des Tages" in page
    for level in ("easy", "medium", "hard"):
        assert f'href="/activities/today/{level}"' in page
    for word in ("Leicht", "Mittel", "Schwer", "●●●"):
        assert word in page


def test_home_has_the_activities_tile(client):
    page = client.get("/").get_data(as_text=True)
    assert 'href="/activities/"' in page and "Rätsel & Basteln" in page


def test_sudoku_asks_for_the_size_first_then_the_level(client):
    page = client.get("/activities/sudoku").get_data(as_text=True)
    for size in (4, 6, 9):
        assert f'href="/activities/sudoku?size={size}"' in page
    page = client.get("/activities/sudoku?size=6").get_data(as_text=True)
    for level in ("easy", "medium", "hard"):
        assert f'href="/activities/sudoku/{level}/6/new"' in page


@pytest.mark.parametrize("kind", ["maze", "nonogram", "wordsearch", "futoshiki"])
def test_other_kinds_go_straight_to_the_level_and_the_level_sets_the_size(client, kind):
    page = client.get(f"/activities/{kind}").get_data(as_text=True)
    module = puzzles.puzzle_type(kind)
    sizes = getattr(module, "LEVEL_SIZES", None) or module.DEFAULT_SIZES
    for level, size in sizes.items():
        assert f'href="/activities/{kind}/{level}/{size}/new"' in page


def test_picking_a_puzzle_makes_a_fresh_seed_and_counts_once(app, client):
    first = client.get("/activities/maze/easy/6/new")
    second = client.get("/activities/maze/easy/6/new")
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] != second.headers["Location"]
    assert re.fullmatch(r"/activities/maze/easy/6/[0-9a-f]{10}", first.headers["Location"])
    client.get(first.headers["Location"])  # opening (or reloading) the puzzle counts nothing more
    client.get(first.headers["Location"])
    assert counted(app, "activity") == {"maze:easy": 2}


@pytest.mark.parametrize("days_ahead", range(5))
def test_puzzle_of_the_day_is_the_same_for_everybody(app, client, monkeypatch, days_ahead):
    """Five days in a row bring each kind once; every visitor gets the date as the seed."""
    moment = clock.berlin_now() + timedelta(days=days_ahead)
    monkeypatch.setattr(clock, "berlin_now", lambda: moment)
    response = client.get("/activities/today/medium")
    kind, level, size, seed = response.headers["Location"].split("?")[0].split("/")[2:]
    assert (level, seed) == ("medium", moment.date().isoformat())
    rebuilt = puzzles.generate(kind, seed, level, int(size))
    assert rebuilt == puzzles.puzzle_of_the_day(kind, moment.date(), "medium", int(size))
    assert client.get("/activities/today/medium").headers["Location"] == response.headers["Location"]
    assert counted(app, "activity") == {f"{kind}:medium": 2}
    assert "Rätsel des Tages" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Rätsel des Tages: {KIND_NAMES[kind]}" in client.get("/activities/").get_data(as_text=True)


@pytest.mark.parametrize("kind", sorted(KIND_SIZES))
@pytest.mark.parametrize("level", ["easy", "medium", "hard"])
def test_every_kind_and_level_has_a_puzzle_a_solution_and_a_print_sheet(client, kind, level):
    size = KIND_SIZES[kind] if kind == "sudoku" else size_for_level(kind, level)
    url = client.get(f"/activities/{kind}/{level}/{size}/new").headers["Location"].split("?")[0]
    html = client.get(url).get_data(as_text=True)
    assert 'data-board="' in html and 'data-action="check"' in html
    assert client.get(url + "/solution").status_code == 200
    sheet = client.get(url + "/print").get_data(as_text=True)
    assert 'class="sheet solution-sheet' in sheet


def test_reload_shows_the_same_puzzle(client):
    url = "/activities/sudoku/medium/6/abc123"
    first = re.findall(r'data-given="(\d)"', client.get(url).get_data(as_text=True))
    second = re.findall(r'data-given="(\d)"', client.get(url).get_data(as_text=True))
    p = puzzles.generate("sudoku", "abc123", "medium", 6)
    assert first == second == [str(d) for row in p.data["givens"] for d in row if d]


@pytest.mark.parametrize("url", [
    "/activities/chess",
    "/activities/sudoku?size=5",
    "/activities/sudoku?size=x",
    "/activities/chess/easy/4/new",
    "/activities/sudoku/trivial/4/new",
    "/activities/sudoku/easy/5/new",
    "/activities/maze/easy/99/abc",
    "/activities/maze/easy/-6/abc",
    "/activities/maze/easy/six/abc",
    "/activities/chess/easy/4/abc",
    "/activities/sudoku/easy/4/" + "a" * 33,
    "/activities/sudoku/easy/4/a%20b",
    "/activities/sudoku/easy/4/%C3%A4",
    "/activities/sudoku/easy/4/a.b",
    "/activities/sudoku/easy/4/abc/print/more",
    "/activities/today/trivial",
])
def test_unknown_kind_level_size_or_seed_is_a_calm_404(app, client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Diese Seite gibt es nicht" in response.get_data(as_text=True)
    assert counted(app, "activity") == {}


def test_word_search_keeps_its_language_in_the_address(client):
    turkish = client.get("/activities/wordsearch/easy/8/abc?lang=tr").get_data(as_text=True)
    german = client.get("/activities/wordsearch/easy/8/abc?lang=xx").get_data(as_text=True)
    assert "/activities/wordsearch/easy/8/abc/check?lang=tr" in turkish
    assert "/activities/wordsearch/easy/8/abc/check?lang=de" in german
    wordsearch = puzzles.puzzle_type("wordsearch")
    p = wordsearch.generate("abc", "easy", 8, lang="tr")
    assert all(wordsearch.grid_letters(word, "tr") in turkish for word in p.data["words"])


@pytest.mark.parametrize("page", ["", "/print"])
def test_word_list_shows_the_words_as_the_grid_spells_them(client, page):
    """Turkish "simit" is "SİMİT" in the grid and German "Straße" is "STRASSE": so is the list."""
    wordsearch = puzzles.puzzle_type("wordsearch")
    german = next(seed for seed in map(str, range(1000))
                  if "Straße" in wordsearch.generate(seed, "hard", 12, lang="de").data["words"])
    for seed, lang in (("abc", "tr"), (german, "de")):
        html = client.get(f"/activities/wordsearch/hard/12/{seed}{page}?lang={lang}").get_data(as_text=True)
        for word in wordsearch.generate(seed, "hard", 12, lang=lang).data["words"]:
            assert f">{wordsearch.grid_letters(word, lang)}</li>" in html
            assert f">{word}</li>" not in html


# --- the check endpoint --------------------------------------------------------------------------


def test_a_solved_sudoku_says_well_done_and_counts_once(app, client):
    url = "/activities/sudoku/easy/4/abc"
    p = puzzles.generate("sudoku", "abc", "easy", 4)
    token = csrf_token(client, url)
    for _ in range(2):
        response = post_check(client, url, {"answer": p.solution}, token)
        assert response.status_code == 200
        assert response.json == {"solved": True, "wrong": [], "missing": 0,
                                 "message": "Geschafft! Gut gemacht!"}
    assert counted(app, "puzzle_solved") == {"sudoku": 1}


def test_a_wrong_sudoku_names_the_wrong_cells_not_the_solution(app, client):
    url = "/activities/sudoku/easy/4/abc"
    p = puzzles.generate("sudoku", "abc", "easy", 4)
    answer = [row[:] for row in p.data["givens"]]
    open_cells = [(r, c) for r in range(4) for c in range(4) if not answer[r][c]]
    (r, c), *_ = open_cells
    answer[r][c] = p.solution[r][c] % 4 + 1  # a digit that is not the solution's
    verdict = post_check(client, url, {"answer": answer}).json
    assert verdict["solved"] is False and verdict["wrong"] == [[r, c]]
    assert verdict["missing"] == len(open_cells) - 1
    assert verdict["message"] == "1 Feld stimmt nicht."
    assert "solution" not in verdict
    assert counted(app, "puzzle_solved") == {}


@pytest.mark.parametrize("kind", sorted(KIND_SIZES))
def test_every_kind_accepts_its_solution(app, client, kind):
    p = puzzles.generate(kind, "seed1", "easy", KIND_SIZES[kind])
    answer = p.solution
    if kind == "wordsearch":
        answer = [[found["start"], found["end"]] for found in p.solution]
    url = f"/activities/{kind}/easy/{p.size}/seed1"
    assert post_check(client, url, {"answer": answer}).json["solved"] is True
    assert counted(app, "puzzle_solved") == {kind: 1}


def test_maze_and_word_search_messages(client):
    maze = puzzles.generate("maze", "m", "easy", 6)
    verdict = post_check(client, "/activities/maze/easy/6/m", {"answer": maze.solution[:3]}).json
    assert verdict["solved"] is False and verdict["message"] == "Der Weg ist noch nicht am Ziel."
    search = puzzles.generate("wordsearch", "w", "easy", 8)
    found = search.solution[0]
    verdict = post_check(client, "/activities/wordsearch/easy/8/w?lang=de",
                         {"answer": [[found["start"], found["end"]]]}).json
    assert verdict["message"] == "Noch 5 Wörter zu finden."
    two_letters = [[0, 0], [0, 1]]  # never a word: every word has at least 3 letters
    verdict = post_check(client, "/activities/wordsearch/easy/8/w?lang=de", {"answer": [two_letters]}).json
    assert verdict["wrong"] == [two_letters]
    assert verdict["message"] == "Das ist leider keines der Wörter."


@pytest.mark.parametrize("body", [
    None, "just text", [], {"no": "answer"}, {"answer": None}, {"answer": "1234"},
    {"answer": [[1, 2], [3, 4]]}, {"answer": [[True] * 4] * 4}, {"answer": [[9] * 4] * 4},
    {"answer": [["1"] * 4] * 4},
])
def test_a_malformed_check_is_a_400_json(client, body):
    url = "/activities/sudoku/easy/4/abc"
    token = csrf_token(client, url)
    if body is None:
        response = client.post(url + "/check", data="{not json", content_type="application/json",
                               headers={"X-CSRFToken": token})
    else:
        response = client.post(url + "/check", json=body, headers={"X-CSRFToken": token})
    assert response.status_code == 400
    assert response.is_json and "error" in response.json


def test_check_needs_the_csrf_token_and_a_post(client):
    url = "/activities/sudoku/easy/4/abc"
    p = puzzles.generate("sudoku", "abc", "easy", 4)
    assert client.post(url + "/check", json={"answer": p.solution}).status_code == 400
    assert client.post(url + "/check", json={"answer": p.solution},
                       headers={"X-CSRFToken": "forged"}).status_code == 400
    assert client.get(url + "/check").status_code == 405


def test_check_of_an_unknown_puzzle_is_a_404(client):
    token = csrf_token(client, "/activities/sudoku/easy/4/abc")
    response = client.post("/activities/sudoku/easy/5/abc/check", json={"answer": []},
                           headers={"X-CSRFToken": token})
    assert response.status_code == 404


def test_printing_is_counted_per_kind(app, client):
    client.get("/activities/nonogram/easy/5/abc/print")
    client.get("/activities/nonogram/hard/10/xyz/print")
    assert counted(app, "puzzle_printed") == {"nonogram": 2}


def test_test_mode_counts_nothing(app, client):
    with app.app_context():
        Setting.put("test_mode", "1")
    client.get("/activities/maze/easy/6/new")
    client.get("/activities/maze/easy/6/abc/print")
    p = puzzles.generate("maze", "abc", "easy", 6)
    assert post_check(client, "/activities/maze/easy/6/abc", {"answer": p.solution}).json["solved"]
    for prefix in ("activity", "puzzle_printed", "puzzle_solved"):
        assert counted(app, prefix) == {}


def test_without_script_the_page_still_shows_the_puzzle_solution_and_print_links(client):
    page = client.get("/activities/sudoku/easy/9/abc").get_data(as_text=True)
    assert 'data-action="check" hidden' in page  # puzzles.js reveals it
    assert 'href="/activities/sudoku/easy/9/abc/solution"' in page
    assert 'href="/activities/sudoku/easy/9/abc/print"' in page
    assert 'href="/activities/sudoku/easy/9/new"' in page
    assert page.count('class="cell given') + page.count('class="cell open') == 81


def test_templates_and_script_keep_the_content_security_policy():
    """No inline script, no event attributes, no style attributes, no eval."""
    files = list((ROOT / "templates" / "visitor" / "activities").glob("*.html"))
    files += list((ROOT / "templates" / "print").glob("*.html"))
    files += list((ROOT / "templates" / "admin" / "crafts").glob("*.html"))
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), path
        assert not re.search(r"\son[a-z]+=", text), path
        assert not re.search(r"\sstyle=", text), path
    script = (ROOT / "static" / "js" / "puzzles.js").read_text(encoding="utf-8")
    assert "eval(" not in script and "innerHTML" not in script and "new Function" not in script


@time_machine.travel(datetime(2027, 5, 5, 10, 0, tzinfo=ZoneInfo("Europe/Berlin")), tick=False)
def test_the_word_search_of_the_day_speaks_the_visitors_language(client):
    """2027-05-05 is a word-search day: a Turkish screen gets Turkish words, as in the menu."""
    with client.session_transaction() as session:
        session["lang"] = "tr"
    where = client.get("/activities/today/easy").headers["Location"]
    assert where == "/activities/wordsearch/easy/8/2027-05-05?lang=tr"
    turkish = puzzles.puzzle_type("wordsearch").generate("2027-05-05", "easy", 8, lang="tr")
    page = client.get(where).get_data(as_text=True)
    grid_letters = puzzles.puzzle_type("wordsearch").grid_letters  # the list shows them as the grid does
    assert all(grid_letters(word, "tr") in page for word in turkish.data["words"])
    assert "Rätsel des Tages" not in page  # the Turkish screen says it in Turkish


def test_every_demo_craft_step_has_a_picture_a_visitor_can_open(app, client):
    """Nine German steps alone help nobody without German: each step shows what to fold."""
    with app.app_context():
        crafts.add_demo_craft_sheets()
        sheets = [(sheet.id, [step.picture for step in sheet.steps]) for sheet in CraftSheet.select()]
    assert sorted(len(pictures) for _, pictures in sheets) == [6, 9]
    for sheet_id, pictures in sheets:
        page = client.get(f"/activities/crafts/{sheet_id}").get_data(as_text=True)
        for number, picture in enumerate(pictures, 1):
            assert picture and f'src="/activities/crafts/files/{picture}"' in page
            assert f'alt="Bild zu Schritt {number}"' in page
            response = client.get(f"/activities/crafts/files/{picture}")
            assert response.status_code == 200 and response.mimetype == "image/png"
            assert response.data.startswith(b"\x89PNG")
