"""Nonogram: clues match the picture, the line solver alone finds it, and it is the only one."""

from collections import Counter
from itertools import product

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from puzzles import LEVELS, Check, Puzzle, PuzzleError, nonogram

SEEDS = st.text(st.characters(categories=("L", "N", "P")), min_size=1, max_size=20)


def runs(line):
    """Block lengths of a 0/1 line, written apart from the module ([0] for an empty line)."""
    text = "".join(str(cell) for cell in line)
    return [len(block) for block in text.split("0") if block] or [0]


def count_solutions(row_clues, col_clues, stop_at=2):
    """Brute force: try every combination of rows that fit their clues, check the columns."""
    width = len(col_clues)
    rows_fitting = [
        [line for line in product((0, 1), repeat=width) if runs(line) == clue] for clue in row_clues
    ]
    count = 0
    for grid in product(*rows_fitting):
        if all(runs(col) == clue for col, clue in zip(zip(*grid), col_clues)):
            count += 1
            if count == stop_at:
                break
    return count


@settings(max_examples=150, deadline=None)
@given(seed=SEEDS, level=st.sampled_from(LEVELS))
@example(seed="2026-11-26", level="hard")
def test_clues_match_and_the_line_solver_finds_the_picture(seed, level):
    puzzle = nonogram.generate(seed, level)
    size = nonogram.LEVEL_SIZES[level]
    data, cells = puzzle.data, puzzle.solution
    assert puzzle.size == data["rows"] == data["cols"] == size
    assert len(cells) == size and all(len(row) == size for row in cells)
    assert {cell for row in cells for cell in row} <= {0, 1}
    assert data["row_clues"] == [runs(row) for row in cells]
    assert data["col_clues"] == [runs(col) for col in zip(*cells)]
    assert nonogram.line_solve(data["row_clues"], data["col_clues"])[0] == cells
    assert puzzle.grade.startswith("line solving")
    assert nonogram.check(puzzle, cells) == Check(solved=True, wrong=[], missing=0)


@settings(max_examples=100, deadline=None)
@given(seed=SEEDS)
def test_easy_puzzles_have_exactly_one_solution(seed):
    puzzle = nonogram.generate(seed, "easy")
    assert count_solutions(puzzle.data["row_clues"], puzzle.data["col_clues"]) == 1


def test_line_solver_gives_up_instead_of_guessing():
    # a 2x2 diagonal: two solutions, no line tells which
    assert nonogram.line_solve([[1], [1]], [[1], [1]])[0] is None
    # one solution, but finding it needs a guess the line solver never makes
    cells = [[0, 0, 0, 0], [0, 0, 0, 0], [0, 1, 1, 0], [1, 0, 0, 1]]
    row_clues, col_clues = [runs(r) for r in cells], [runs(c) for c in zip(*cells)]
    assert count_solutions(row_clues, col_clues) == 1
    assert nonogram.line_solve(row_clues, col_clues)[0] is None


def test_designed_pictures_are_line_solvable_and_unique():
    pictures = nonogram.load_pictures()
    assert set(pictures) == set(nonogram.SIZES)
    for size, entries in pictures.items():
        assert len(entries) >= 30, size
        for title, cells in entries:
            assert title and len(cells) == size and all(len(row) == size for row in cells)
            row_clues, col_clues = [runs(r) for r in cells], [runs(c) for c in zip(*cells)]
            assert nonogram.line_solve(row_clues, col_clues)[0] == cells, title
            if size == 5:
                assert count_solutions(row_clues, col_clues) == 1, title


def test_designed_pictures_differ_even_when_mirrored():
    for size, entries in nonogram.load_pictures().items():
        seen = {}
        for title, cells in entries:
            drawn = tuple(map(tuple, cells))
            for other in (drawn, tuple(row[::-1] for row in drawn)):
                assert other not in seen, f"{size}: {title} repeats {seen[other]}"
            seen[drawn] = title


@pytest.mark.parametrize("level", LEVELS)
def test_random_pictures_are_mirror_symmetric(level):
    random_ones = [p.solution for p in (nonogram.generate(str(s), level) for s in range(40))
                   if "title" not in p.data]
    assert len(random_ones) > 5
    for cells in random_ones:
        assert all(row == row[::-1] for row in cells)


@pytest.mark.parametrize("level", LEVELS)
def test_a_thousand_seeds_rarely_repeat_a_puzzle(level):
    """Before there were 8-9 pictures per size, the commonest puzzle came 63-70 times in 1,000.

    Measured with bench/bench_nonogram_variety.py: the commonest 23-31 times, 46-49 distinct
    picture puzzles, and 97-100 % of the random ones distinct (the 5x5 has fewest to choose from).
    """
    pictured, drawn_at_random = Counter(), Counter()
    for seed in range(1000):
        puzzle = nonogram.generate(str(seed), level)
        clue_key = repr((puzzle.data["row_clues"], puzzle.data["col_clues"]))
        (pictured if "title" in puzzle.data else drawn_at_random)[clue_key] += 1
    assert max((pictured + drawn_at_random).values()) <= 45
    assert len(pictured) >= 40
    assert len(drawn_at_random) >= 0.93 * drawn_at_random.total()


def test_seeds_mix_designed_and_random_pictures():
    titled = [("title" in nonogram.generate(str(s), "medium").data) for s in range(40)]
    assert 5 < sum(titled) < 35


def test_random_pictures_fall_back_to_a_designed_one(monkeypatch):
    monkeypatch.setattr(nonogram, "PICTURE_SHARE", 0.0)
    assert "title" not in nonogram.generate("1", "hard").data
    monkeypatch.setattr(nonogram, "MAX_RANDOM_TRIES", 0)
    assert "title" in nonogram.generate("1", "hard").data


@pytest.mark.parametrize("level", LEVELS)
def test_same_arguments_give_the_same_puzzle(level):
    first = nonogram.generate("2026-11-26", level)
    assert nonogram.generate("2026-11-26", level) == first
    others = [nonogram.generate(f"2026-11-{day}", level).solution for day in range(10, 20)]
    assert any(other != first.solution for other in others)


@pytest.mark.parametrize("size", [4, 9, False, "5"])
def test_unknown_sizes_are_refused(size):
    with pytest.raises(PuzzleError):
        nonogram.generate("1", "easy", size)


# --- check() -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def puzzle():
    return nonogram.generate("check", "medium")


def test_marked_empty_cells_count_as_empty(puzzle):
    marked = [[cell or 2 for cell in row] for row in puzzle.solution]
    assert nonogram.check(puzzle, marked).solved


def test_wrong_and_missing_cells_are_reported(puzzle):
    answer = [row[:] for row in puzzle.solution]
    filled = [(r, c) for r, row in enumerate(answer) for c, cell in enumerate(row) if cell]
    empty = [(r, c) for r, row in enumerate(answer) for c, cell in enumerate(row) if not cell]
    (fr, fc), (er, ec) = filled[0], empty[0]
    answer[fr][fc], answer[er][ec] = 0, 1
    assert nonogram.check(puzzle, answer) == Check(solved=False, wrong=[[er, ec]], missing=1)
    blank = [[0] * 8 for _ in range(8)]
    assert nonogram.check(puzzle, blank) == Check(solved=False, wrong=[], missing=len(filled))


@pytest.mark.parametrize(
    "answer",
    [
        None,
        "0" * 64,
        [[0] * 8] * 7,
        [[0] * 8] * 7 + [[0] * 7],
        [[0] * 8] * 7 + [[0] * 7 + [3]],
        [[0] * 8] * 7 + [[0] * 7 + [-1]],
        [[0] * 8] * 7 + [[0] * 7 + [True]],
        [[0] * 8] * 7 + [[0] * 7 + ["1"]],
        [[0] * 8] * 7 + [[0] * 7 + [1.0]],
        [[0] * 8] * 7 + ["00000000"],
    ],
)
def test_malformed_answers_are_refused(puzzle, answer):
    with pytest.raises(PuzzleError):
        nonogram.check(puzzle, answer)


def test_check_refuses_another_kind_of_puzzle(puzzle):
    other = Puzzle("sudoku", "medium", "1", 8, puzzle.data, puzzle.solution)
    with pytest.raises(PuzzleError):
        nonogram.check(other, puzzle.solution)
