"""Puzzles made ahead (kiosk/activities/ready.py): faster, and still the seed's very own puzzle."""

import puzzles
from kiosk.activities.ready import AHEAD, ReadyPuzzles

SUDOKU = "/activities/sudoku/medium/9"


def test_a_seed_made_ahead_is_the_puzzle_its_address_builds():
    ready = ReadyPuzzles(in_background=False)
    seed = ready.take_seed("sudoku", "medium", 9)  # none ready yet: a fresh seed, and two made
    for _ in range(AHEAD):
        seed = ready.take_seed("sudoku", "medium", 9)
        assert ready.puzzle("sudoku", seed, "medium", 9) == puzzles.generate("sudoku", seed, "medium", 9)


def test_made_puzzles_are_not_built_again():
    built = []

    def build(kind, seed, level, size, lang):
        built.append(seed)
        return puzzles.generate(kind, seed, level, size)

    ready = ReadyPuzzles(build=build, in_background=False)
    ready.take_seed("maze", "easy", 6)
    assert len(built) == AHEAD  # made ahead
    seed = ready.take_seed("maze", "easy", 6)
    ready.puzzle("maze", seed, "easy", 6)
    ready.puzzle("maze", seed, "easy", 6)
    assert built.count(seed) == 1 and len(built) == AHEAD + 1  # the one taken was made again ahead


def test_a_shape_the_library_refuses_is_dropped():
    ready = ReadyPuzzles(in_background=False)
    ready.take_seed("sudoku", "medium", 7)
    assert ready.make_ahead() == 0 and not ready._ahead


def test_a_new_puzzle_page_is_the_same_after_a_restart(app, client):
    """The address is the whole truth: a server without the kept puzzle builds the same one."""
    address = client.get(f"{SUDOKU}/new").headers["Location"]
    first = client.get(address).get_data(as_text=True)
    app.extensions["ready_puzzles"] = ReadyPuzzles(in_background=False)
    again = client.get(address).get_data(as_text=True)
    board = first[first.index('<div class="board'):first.index("</div>", first.index('<div class="board'))]
    assert board and board in again


def test_a_word_search_from_the_ready_puzzles_keeps_its_language(app, client):
    address = client.get("/activities/wordsearch/easy/8/new?lang=tr").headers["Location"]
    assert "lang=tr" in address
    seed = address.split("/")[5].split("?")[0]
    made = app.extensions["ready_puzzles"].puzzle("wordsearch", seed, "easy", 8, "tr")
    assert made == puzzles.puzzle_type("wordsearch").generate(seed, "easy", 8, lang="tr")
    assert client.get(address).status_code == 200
