"""Word search: every word placed once, only where the level allows, and check() is fair."""

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
}


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


@settings(max_examples=100, deadline=None)
@given(seed=SEEDS, lang=st.sampled_from(ws.LANGS))
def test_filler_never_spells_a_rude_word(seed, lang):
    puzzle = ws.generate(seed, "hard", lang=lang)
    placed = set()
    for entry in puzzle.solution:
        (r1, c1), (r2, c2) = entry["start"], entry["end"]
        dr, dc = step_of((r1, c1), (r2, c2))
        placed |= {(r1 + i * dr, c1 + i * dc) for i in range(len(upper(entry["word"], lang)))}
    for word in ws.AVOID_IN_FILLER[lang]:
        for segment in segments_reading(puzzle.data["grid"], word):
            start, end = sorted(segment)
            dr, dc = step_of(start, end)
            cells = {(start[0] + i * dr, start[1] + i * dc) for i in range(len(word))}
            assert cells <= placed, f"{word} spelled by filler in {puzzle.data['grid']}"


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
    [{"theme": "sport"}, {"lang": "en"}, {"size": 9}, {"size": True}, {"size": "8"}],
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
