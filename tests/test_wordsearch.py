"""Word search: every word placed once, only where the level allows, no blocked word anywhere,
and check() is fair."""

from functools import cache
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from puzzles import LEVELS, Check, Puzzle, PuzzleError
from puzzles import wordsearch as ws

SEEDS = st.text(st.characters(categories=("L", "N", "P")), min_size=1, max_size=20)
ALL_STEPS = [(dr, dc) for dr in (-1, 0, 1) for dc in (-1, 0, 1) if (dr, dc) != (0, 0)]
ALLOWED_STEPS = {
    "easy": {(0, 1), (1, 0)},
    "medium": {(0, 1), (1, 0), (1, 1)},
    "hard": set(ALL_STEPS),
}
GRID_ALPHABET = {
    "de": set("ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÜ"),
    "tr": set("ABCÇDEFGĞHIİJKLMNOÖPRSŞTUÜVYZ"),
    "en": set("ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
}
# Whose blocked words each grid must avoid: the room reads German and Turkish whatever the grid's
# language; English ones are kept out of English grids only (ASS hides in WASSER).
READERS = {"de": ("de", "tr"), "tr": ("tr", "de"), "en": ("en", "de", "tr")}


def upper(word, lang):
    """Written apart from the module on purpose, so a casing bug there shows up here."""
    if lang == "tr":
        return "".join({"i": "İ", "ı": "I"}.get(ch, ch.upper()) for ch in word)
    return word.upper()  # Python upper-cases ß as SS


def segments_reading(grid, word):
    """Every {start, end} where ``word`` can be read, by brute force over cells and directions."""
    size = len(grid)
    found = set()
    for r in range(size):
        for c in range(size):
            for dr, dc in ALL_STEPS:
                cells = [(r + i * dr, c + i * dc) for i in range(len(word))]
                if all(0 <= y < size and 0 <= x < size for y, x in cells) and all(
                    grid[y][x] == letter for (y, x), letter in zip(cells, word)
                ):
                    found.add(frozenset({cells[0], cells[-1]}))
    return found


def step_of(start, end):
    (r1, c1), (r2, c2) = start, end
    return (r2 > r1) - (r2 < r1), (c2 > c1) - (c2 < c1)


@settings(max_examples=300, deadline=None)
@given(
    seed=SEEDS,
    level=st.sampled_from(LEVELS),
    lang=st.sampled_from(ws.LANGS),
    theme=st.sampled_from((None, *ws.THEMES)),
)
@example(seed="2026-11-26", level="hard", lang="tr", theme="tiere")
def test_every_word_is_placed_once_in_an_allowed_direction(seed, level, lang, theme):
    puzzle = ws.generate(seed, level, theme=theme, lang=lang)
    data, size = puzzle.data, puzzle.size
    assert size == ws.LEVEL_SIZES[level] == data["rows"] == data["cols"]
    assert len(data["grid"]) == size and all(len(row) == size for row in data["grid"])
    assert {letter for row in data["grid"] for letter in row} <= GRID_ALPHABET[lang]
    assert data["lang"] == lang and data["theme"] in ws.THEMES
    assert theme in (None, data["theme"])
    count, _ = ws.WORD_COUNT_AND_LENGTH[size]
    assert len(data["words"]) == len(set(data["words"])) == count
    assert [entry["word"] for entry in puzzle.solution] == data["words"]
    assert set(data["words"]) <= set(ws.load_words(lang, data["theme"]))

    for entry in puzzle.solution:
        letters = upper(entry["word"], lang)
        start, end = tuple(entry["start"]), tuple(entry["end"])
        step = step_of(start, end)
        assert step in ALLOWED_STEPS[level]
        assert len(letters) <= size
        assert max(abs(end[0] - start[0]), abs(end[1] - start[1])) == len(letters) - 1
        # exactly one place, in any of the 8 directions, and it is the solution's
        assert segments_reading(data["grid"], letters) == {frozenset({start, end})}


BLOCKLIST_DIR = Path(ws.__file__).parent / "blocklist"
SCANNED_SEEDS = 3000  # per language and level: 27,000 grids in all


def blocklist_file(lang):
    """The file's words, read apart from the module so that a loader bug shows up here."""
    lines = (BLOCKLIST_DIR / f"{lang}.txt").read_text(encoding="utf-8").splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


@cache
def blocked_for(lang):
    """Every blocked word of the grid's readers that its letters can spell."""
    words = set().union(*(blocklist_file(reader) for reader in READERS[lang]))
    return frozenset(word for word in words if set(word) <= GRID_ALPHABET[lang])


def all_lines(grid):
    """Every full line of the grid in all 8 directions, joined by a letter no grid has."""
    size = len(grid)
    lines = []
    for r in range(size):
        for c in range(size):
            for dr, dc in ALL_STEPS:
                if 0 <= r - dr < size and 0 <= c - dc < size:
                    continue  # not the first cell of its line in this direction
                cells = []
                while 0 <= r < size and 0 <= c < size:
                    cells.append(grid[r][c])
                    r, c = r + dr, c + dc
                r, c = r - len(cells) * dr, c - len(cells) * dc
                lines.append("".join(cells))
    return "|".join(lines)


def blocked_in(grid, lang):
    text = all_lines(grid)
    return sorted(word for word in blocked_for(lang) if word in text)


@pytest.mark.slow
@pytest.mark.parametrize("lang", ws.LANGS)
@pytest.mark.parametrize("level", LEVELS)
def test_no_grid_spells_a_blocked_word(lang, level):
    """The whole grid, placed letters included, forwards and backwards, over thousands of seeds."""
    assert {"NEGER", "TOD", "TOT", "KOT", "AMK", "AMCIK", "YARAK", "AMINA", "GEBER"} <= blocked_for(lang)
    found = {}
    for n in range(SCANNED_SEEDS):
        grid = ws.generate(f"scan-{n}", level, lang=lang).data["grid"]
        if words := blocked_in(grid, lang):
            found[n] = words
    assert found == {}


@pytest.mark.parametrize(
    "seed, level, lang, word",
    [
        ("fbf9509f87", "hard", "de", "NEGER"),
        ("ea38f3bdd5", "hard", "tr", "AMCIK"),
        ("e3022edb3b", "hard", "tr", "YARAK"),
        ("8af72407da", "medium", "tr", "GEBER"),
    ],
)
def test_the_grids_named_in_the_issue_are_clean_now(seed, level, lang, word):
    for any_lang in ws.LANGS:
        puzzle = ws.generate(seed, level, lang=any_lang)
        assert blocked_in(puzzle.data["grid"], any_lang) == []
    assert "ÖLÜ" in blocked_for("tr") and word in blocked_for(lang)


def test_a_list_word_that_spells_a_blocked_word_is_never_placed(monkeypatch):
    """REGEN read backwards is NEGER: such a word could never stand in a clean grid."""
    words = ("Regen", "Regenbogen", "Baum", "Blume", "Wald", "Berg", "Wiese", "Sonne", "Mond",
             "Stern", "Wind", "Wolke", "Rose", "Meer", "Insel", "Stein")
    monkeypatch.setattr(ws, "load_words", lambda lang, theme: words)
    assert ws.spells_blocked_word("REGEN", "de") and not ws.spells_blocked_word("WOLKE", "de")
    for n in range(200):
        puzzle = ws.generate(str(n), "hard", theme="natur")
        assert not {"Regen", "Regenbogen"} & set(puzzle.data["words"])
        assert blocked_in(puzzle.data["grid"], "de") == []


def test_hard_level_uses_backwards_and_diagonal_directions():
    steps = {
        step_of(entry["start"], entry["end"])
        for seed in range(20)
        for entry in ws.generate(str(seed), "hard").solution
    }
    assert steps == set(ALL_STEPS)


@pytest.mark.parametrize(
    "word, lang, letters",
    [
        ("kedi", "tr", "KEDİ"),
        ("ıspanak", "tr", "ISPANAK"),
        ("yıldız", "tr", "YILDIZ"),
        ("çiçek", "tr", "ÇİÇEK"),
        ("gökkuşağı", "tr", "GÖKKUŞAĞI"),
        ("Straße", "de", "STRASSE"),
        ("Bäckerei", "de", "BÄCKEREI"),
        ("Löwe", "de", "LÖWE"),
    ],
)
def test_grid_letters_follow_the_language(word, lang, letters):
    assert ws.grid_letters(word, lang) == letters


@pytest.mark.parametrize("level", ["easy", "medium", "hard"])
def test_same_arguments_give_the_same_puzzle(level):
    first = ws.generate("2026-11-26", level, lang="tr")
    assert ws.generate("2026-11-26", level, lang="tr") == first
    assert ws.generate("2026-11-26", level, theme=first.data["theme"], lang="tr") == first
    assert ws.generate("2026-11-27", level, lang="tr").data != first.data


def test_theme_and_language_change_the_puzzle():
    base = ws.generate("7", "medium", theme="tiere")
    assert ws.generate("7", "medium", theme="natur").data["words"] != base.data["words"]
    assert ws.generate("7", "medium", theme="tiere", lang="tr").data["lang"] == "tr"


@pytest.mark.parametrize(
    "kwargs",
    [{"theme": "sport"}, {"lang": "ar"}, {"size": 9}, {"size": True}, {"size": "8"}],
)
def test_unknown_options_are_refused(kwargs):
    with pytest.raises(PuzzleError):
        ws.generate("1", "easy", **kwargs)


def test_other_sizes_can_be_asked_for():
    puzzle = ws.generate("1", "easy", size=12)
    assert puzzle.size == 12 and len(puzzle.data["words"]) == 12


# --- check() -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def puzzle():
    return ws.generate("check", "hard", theme="essen")


def segments(puzzle, reverse=False):
    return [[e["end"], e["start"]] if reverse else [e["start"], e["end"]] for e in puzzle.solution]


def test_all_words_found_in_either_direction_is_solved(puzzle):
    assert ws.check(puzzle, segments(puzzle)) == Check(solved=True, wrong=[], missing=0)
    assert ws.check(puzzle, segments(puzzle, reverse=True)).solved


def test_partial_answer_counts_missing_words(puzzle):
    found = segments(puzzle)[:5]
    assert ws.check(puzzle, found + found) == Check(solved=False, wrong=[], missing=7)
    assert ws.check(puzzle, []) == Check(solved=False, wrong=[], missing=12)


def test_segment_that_is_no_word_is_wrong(puzzle):
    first = puzzle.solution[0]
    too_short = [first["start"], first["start"]]
    result = ws.check(puzzle, segments(puzzle) + [too_short])
    assert result.wrong == [too_short] and result.missing == 0 and result.solved


@pytest.mark.parametrize(
    "answer",
    [
        None,
        "[[0,0],[0,3]]",
        {"start": [0, 0]},
        [[0, 0]],
        [[[0, 0], [0, 3], [0, 4]]],
        [[[0, 0], [0]]],
        [[[0, 0], [0, 12]]],
        [[[-1, 0], [0, 3]]],
        [[[True, 0], [0, 3]]],
        [[["0", 0], [0, 3]]],
        [[[0.0, 0], [0, 3]]],
        [[None, [0, 3]]],
    ],
)
def test_malformed_answers_are_refused(puzzle, answer):
    with pytest.raises(PuzzleError):
        ws.check(puzzle, answer)


def test_check_refuses_another_kind_of_puzzle(puzzle):
    other = Puzzle("maze", "easy", "1", 8, puzzle.data, puzzle.solution)
    with pytest.raises(PuzzleError):
        ws.check(other, segments(puzzle))


# A staff list for the autumn, as the team might type it (14 words, enough for every size).
AUTUMN = ["Laterne", "Kürbis", "Drachen", "Apfel", "Nebel", "Kastanie", "Blätter", "Pilz", "Igel",
          "Herbst", "Sturm", "Wind", "Ernte", "Straße"]


def test_refused_words_name_each_reason():
    words = ["Laterne", "ab", "Straßenbahnhaltestelle", "Kiez 36", "Реген", "Regen", "neger", "Igel"]
    assert ws.refused_words(words, "de") == [
        ("ab", "short"), ("Straßenbahnhaltestelle", "long"), ("Kiez 36", "letters"),
        ("Реген", "letters"), ("Regen", "blocked"), ("neger", "blocked"),
    ]


def test_refused_words_follow_the_language():
    # Turkish has no Q or W, German no Ş; a Turkish grid also avoids German blocked words.
    assert ws.refused_words(["Quiz", "şeker"], "tr") == [("Quiz", "letters")]
    assert ws.refused_words(["şeker"], "de") == [("şeker", "letters")]
    assert ws.refused_words(["Straße"], "en") == [("Straße", "letters")]
    assert ws.refused_words(["regen"], "tr") == [("regen", "blocked")]
    assert ws.refused_words(AUTUMN, "de") == []
    with pytest.raises(PuzzleError):
        ws.refused_words(AUTUMN, "fr")


def test_fitting_sizes_count_only_words_that_hide_in_no_other():
    assert ws.fitting_sizes(AUTUMN, "de") == (8, 10, 12)
    assert ws.fitting_sizes(AUTUMN[:9], "de") == (10,)  # only five of them have six letters or fewer
    # "Hof" hides in "Bahnhof", so of these seven only five can be counted on: too few for 8×8.
    assert ws.fitting_sizes(["Hof", "Bahnhof", "Igel", "Pilz", "Wind", "Nebel", "Sturm"], "de") == ()
    # refused words do not count either
    assert ws.fitting_sizes(["Regen", "ab", "Igel", "Pilz", "Wind", "Nebel", "Sturm"], "de") == ()


@settings(max_examples=60, deadline=None)
@given(seed=SEEDS, level=st.sampled_from(LEVELS))
def test_a_staff_list_gives_a_grid_of_its_words_only(seed, level):
    p = ws.generate(seed, level, lang="de", theme="list7", words=AUTUMN)
    assert set(p.data["words"]) <= set(AUTUMN)
    assert p.data["theme"] == "list7"
    assert p.data["grid"] == ws.generate(seed, level, lang="de", theme="list7", words=AUTUMN).data["grid"]
    for placed in p.solution:
        (found,) = segments_reading(p.data["grid"], ws.grid_letters(placed["word"], "de"))
        assert found == {tuple(placed["start"]), tuple(placed["end"])}


def test_a_staff_list_too_small_for_the_size_is_refused():
    with pytest.raises(PuzzleError):
        ws.generate("x", "hard", 12, words=AUTUMN[:9])
    with pytest.raises(PuzzleError):
        ws.generate("x", "easy", 8, lang="fr", words=AUTUMN)
