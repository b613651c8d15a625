"""Sudoku: every puzzle a visitor can ask for is valid, unique, honestly graded and repeatable."""

import dataclasses
import json
import os
import random
import subprocess
import sys
from pathlib import Path
from statistics import median

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from puzzles import Check, PuzzleError, sudoku
from tests.latin_grids import drawn_answer

ROOT = Path(__file__).resolve().parent.parent
BOXES = {4: (2, 2), 6: (2, 3), 9: (3, 3)}
SINGLES = {"naked single", "hidden single"}
PAIRS_AND_TRIPLES = {"naked pair", "hidden pair", "naked triple", "hidden triple"}
FISH_AND_WINGS = {"X-wing", "swordfish", "turbot fish", "XY-wing", "XYZ-wing"}  # HoDoKu: HARD

# What the module docstring promises, written out again so the tests do not read LEVEL_RULES:
# (size, level) -> (grades allowed, a technique whose solver must get stuck or None,
#                   fewest givens, most givens)
PROMISES = {
    (9, "easy"): (SINGLES, None, 41, 81),
    (9, "medium"): ({"locked candidates"}, "hidden single", 17, 40),
    (9, "hard"): (FISH_AND_WINGS, "hidden triple", 17, 80),
    (6, "easy"): (SINGLES, None, 18, 36),
    (6, "medium"): ({"naked single"}, None, 13, 17),
    (6, "hard"): ({"locked candidates", *PAIRS_AND_TRIPLES}, "hidden single", 1, 36),
    (4, "easy"): ({"naked single"}, None, 8, 16),
    (4, "medium"): ({"naked single"}, None, 6, 7),
    (4, "hard"): ({"naked single"}, None, 1, 5),
}

seeds = st.text(st.characters(codec="utf-8", categories=("L", "N", "P", "S")),
                min_size=1, max_size=20)


def count_solutions(grid, box_rows, box_cols, limit=2):
    """Plain backtracking (no shared code with the library), stopping once ``limit`` are found."""
    size = len(grid)
    grid = [list(row) for row in grid]
    rows = [set() for _ in range(size)]
    cols = [set() for _ in range(size)]
    boxes = [set() for _ in range(size)]

    def box(r, c):
        return (r // box_rows) * (size // box_cols) + c // box_cols

    for r in range(size):
        for c in range(size):
            digit = grid[r][c]
            if digit:
                if digit in rows[r] or digit in cols[c] or digit in boxes[box(r, c)]:
                    return 0
                rows[r].add(digit), cols[c].add(digit), boxes[box(r, c)].add(digit)

    def search():
        best, best_options = None, None
        for r in range(size):
            for c in range(size):
                if grid[r][c] == 0:
                    options = set(range(1, size + 1)) - rows[r] - cols[c] - boxes[box(r, c)]
                    if best is None or len(options) < len(best_options):
                        best, best_options = (r, c), options
        if best is None:
            return 1
        r, c = best
        found = 0
        for digit in best_options:
            grid[r][c] = digit
            rows[r].add(digit), cols[c].add(digit), boxes[box(r, c)].add(digit)
            found += search()
            rows[r].discard(digit), cols[c].discard(digit), boxes[box(r, c)].discard(digit)
            grid[r][c] = 0
            if found >= limit:
                break
        return found

    return search()


def assert_valid_full_grid(grid, box_rows, box_cols):
    size = len(grid)
    digits = set(range(1, size + 1))
    assert all(set(row) == digits for row in grid)
    assert all({grid[r][c] for r in range(size)} == digits for c in range(size))
    for top in range(0, size, box_rows):
        for left in range(0, size, box_cols):
            box = {grid[top + r][left + c] for r in range(box_rows) for c in range(box_cols)}
            assert box == digits


def assert_fair_puzzle(puzzle, size, level):
    box_rows, box_cols = BOXES[size]
    givens = puzzle.data["givens"]
    assert (puzzle.kind, puzzle.level, puzzle.size) == ("sudoku", level, size)
    assert puzzle.data["size"] == size and puzzle.data["box"] == [box_rows, box_cols]
    assert len(givens) == size and all(len(row) == size for row in givens)
    assert_valid_full_grid(puzzle.solution, box_rows, box_cols)
    for r in range(size):
        for c in range(size):
            assert givens[r][c] in (0, puzzle.solution[r][c])
    assert count_solutions(givens, box_rows, box_cols) == 1

    grades, must_stump, fewest, most = PROMISES[size, level]
    assert fewest <= sum(1 for row in givens for d in row if d) <= most
    assert puzzle.grade in grades
    # The solver that knows techniques up to the stated grade solves it, needing exactly that one.
    solved, hardest = sudoku.solve_logically(size, givens, sudoku.TECHNIQUES.index(puzzle.grade))
    assert solved == puzzle.solution
    assert sudoku.TECHNIQUES[hardest] == puzzle.grade
    if must_stump:
        stuck, _ = sudoku.solve_logically(size, givens, sudoku.TECHNIQUES.index(must_stump))
        assert stuck is None


@pytest.mark.parametrize("size, level", list(PROMISES))
@settings(max_examples=50, deadline=None)
@given(seed=seeds)
def test_every_puzzle_is_valid_unique_and_graded_for_its_level(size, level, seed):
    assert_fair_puzzle(sudoku.generate(seed, level, size), size, level)


POOLED = {(9, "hard"), (9, "medium"), (6, "hard")}  # what the docstring says is pooled


def test_the_pool_holds_the_pooled_levels():
    assert sudoku.POOLED == POOLED
    assert set(sudoku.load_pool()) == {f"{size}/{level}" for size, level in POOLED}


@pytest.mark.parametrize("size, level", sorted(POOLED))
@pytest.mark.parametrize("number", [0, 1])
def test_pool_is_what_the_pool_script_makes(size, level, number):
    entry = sudoku.load_pool()[f"{size}/{level}"][number]
    fresh = sudoku.generate_fresh(f"pool-{number}", level, size)
    assert entry["givens"] == "".join(str(d) for row in fresh.data["givens"] for d in row)
    assert entry["solution"] == "".join(str(d) for row in fresh.solution for d in row)
    assert entry["grade"] == fresh.grade


@pytest.mark.parametrize("size, level", sorted(POOLED))
def test_every_pool_entry_is_hard_and_solved_by_logic(size, level):
    entries = sudoku.load_pool()[f"{size}/{level}"]
    grades, must_stump, _, _ = PROMISES[size, level]
    assert len(entries) >= 200
    assert len({entry["givens"] for entry in entries}) == len(entries)
    for entry in entries:
        givens = [[int(ch) for ch in entry["givens"][r * size : (r + 1) * size]] for r in range(size)]
        solution = [[int(ch) for ch in entry["solution"][r * size : (r + 1) * size]]
                    for r in range(size)]
        assert entry["grade"] in grades
        technique = sudoku.TECHNIQUES.index(entry["grade"])
        assert sudoku.solve_logically(size, givens) == (solution, technique)
        assert sudoku.solve_logically(size, givens, sudoku.TECHNIQUES.index(must_stump))[0] is None


@pytest.mark.parametrize("size, level", sorted(POOLED))
def test_pooled_level_is_not_the_same_few_grids(size, level):
    puzzles = [sudoku.generate(f"day-{n}", level, size) for n in range(20)]
    assert len({json.dumps(p.data["givens"]) for p in puzzles}) == 20


def plain_search_steps(givens, box_rows, box_cols):
    """Digits placed by the plainest backtracking (first empty cell, digits in order) while it
    finds every solution: an effort measure that shares nothing with the library's grading."""
    size = len(givens)
    grid = [list(row) for row in givens]
    steps = 0

    def fits(r, c, digit):
        top, left = r - r % box_rows, c - c % box_cols
        return (digit not in grid[r] and all(grid[y][c] != digit for y in range(size))
                and all(grid[top + y][left + x] != digit
                        for y in range(box_rows) for x in range(box_cols)))

    def search(cell):
        nonlocal steps
        while cell < size * size and grid[cell // size][cell % size]:
            cell += 1
        if cell == size * size:
            return
        r, c = divmod(cell, size)
        for digit in range(1, size + 1):
            if fits(r, c, digit):
                steps += 1
                grid[r][c] = digit
                search(cell + 1)
                grid[r][c] = 0

    search(0)
    return steps


def test_6x6_levels_differ_in_givens_technique_and_effort():
    """Medium and hard 6x6 were once alike (10 givens, hidden singles, the same search effort)."""
    def measures(level):
        puzzles = [sudoku.generate(f"level-{n}", level, 6) for n in range(40)]
        givens = median(sum(d > 0 for row in p.data["givens"] for d in row) for p in puzzles)
        steps = median(plain_search_steps(p.data["givens"], 2, 3) for p in puzzles)
        return givens, steps, {p.grade for p in puzzles}

    (easy_givens, easy_steps, _), (medium_givens, medium_steps, medium_grades), \
        (hard_givens, hard_steps, hard_grades) = map(measures, ("easy", "medium", "hard"))
    assert easy_givens >= medium_givens + 3 >= hard_givens + 6
    assert easy_steps * 2 <= medium_steps and medium_steps * 2 <= hard_steps
    assert medium_grades <= SINGLES and not hard_grades & SINGLES  # hard needs pencil marks


@pytest.mark.parametrize("level", ["easy", "medium", "hard"])
@pytest.mark.parametrize("size", [4, 6, 9])
def test_same_seed_same_puzzle_other_seed_other_puzzle(size, level):
    seed = "2026-11-26"
    assert sudoku.generate(seed, level, size) == sudoku.generate(seed, level, size)
    different = {json.dumps(sudoku.generate(f"day-{n}", level, size).data) for n in range(5)}
    assert len(different) == 5


def test_same_seed_same_puzzle_in_another_process():
    code = ("import dataclasses, json; from puzzles import sudoku; "
            "print(json.dumps([dataclasses.asdict(sudoku.generate('x', level, size)) "
            "for size in (4, 6, 9) for level in ('easy', 'medium', 'hard')]))")
    env = dict(os.environ, PYTHONHASHSEED="12345")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True).stdout
    here = [dataclasses.asdict(sudoku.generate("x", level, size))
            for size in (4, 6, 9) for level in ("easy", "medium", "hard")]
    assert json.loads(out) == here


def carve_asking_the_solver_every_time(shape, solution, rng, rule):
    """Carving as the module docstring describes it, without any of the shortcuts."""
    givens, remaining = list(solution), shape.cells
    order = list(range(shape.cells))
    rng.shuffle(order)
    for cell in order:
        if remaining <= rule.fewest_givens:
            break
        givens[cell] = 0
        if sudoku.solve_logically(shape.size, [givens[r * shape.size:(r + 1) * shape.size]
                                               for r in range(shape.size)],
                                  rule.hardest_allowed)[0] is None:
            givens[cell] = solution[cell]
        else:
            remaining -= 1
    return givens, remaining


@pytest.mark.parametrize("size, level", list(PROMISES))
def test_carving_shortcuts_give_the_puzzle_the_solver_gives(size, level):
    """Accepting naked singles at once, refusing swappable digits and second solutions found by
    search must only save time: every blank is decided as the solver decides it. Checked on
    every grid carved while making real puzzles (hundreds for 6x6 hard, most thrown away)."""
    shape, rule = sudoku.shape_of(size), sudoku.LEVEL_RULES[size, level]
    for n in range(2 if level == "hard" else 6):
        rng = sudoku.rng_for(sudoku.NAME, f"pool-{n}", level, size)
        while True:  # the loop of sudoku._make, carving each grid both ways
            solution = sudoku._random_full_grid(shape, rng)
            plain_rng = random.Random()
            plain_rng.setstate(rng.getstate())
            givens, count = sudoku._carve(shape, solution, rng, rule)
            assert carve_asking_the_solver_every_time(shape, solution, plain_rng, rule) == (
                givens, count)
            if count < rule.givens_below and (
                    sudoku._solve(shape, givens, rule.hardest_allowed)[1] >= rule.must_need):
                break


def test_size_defaults_to_nine():
    assert sudoku.generate("s", "easy") == sudoku.generate("s", "easy", 9)


@pytest.mark.parametrize("size", [0, 1, 3, 5, 8, 10, 16, -9, "9", 9.0, True, [9]])
def test_unknown_size_is_a_puzzle_error(size):
    with pytest.raises(PuzzleError):
        sudoku.generate("s", "easy", size)


@pytest.mark.parametrize("seed, level", [
    ("s", "expert"), ("s", ""), ("", "easy"), ("x" * 65, "easy"), ("tab\there", "easy")])
def test_unknown_level_or_bad_seed_is_a_puzzle_error(seed, level):
    with pytest.raises(PuzzleError):
        sudoku.generate(seed, level, 4)


# --- check() -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def puzzle6():
    return sudoku.generate("check", "medium", 6)


def test_the_solution_is_solved(puzzle6):
    assert sudoku.check(puzzle6, puzzle6.solution) == Check(True, [], 0)


def test_the_bare_givens_are_only_missing(puzzle6):
    givens = puzzle6.data["givens"]
    empty = sum(row.count(0) for row in givens)
    assert sudoku.check(puzzle6, givens) == Check(False, [], empty)


@pytest.mark.parametrize("size", [4, 6, 9])
@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_check_names_wrong_cells_and_counts_missing_ones(size, data):
    puzzle = sudoku.generate(data.draw(seeds), "easy", size)
    answer, expected_wrong, expected_missing = drawn_answer(puzzle, data, st.integers(0, size))
    verdict = sudoku.check(puzzle, answer)
    assert verdict.wrong == expected_wrong
    assert verdict.missing == expected_missing
    assert verdict.solved == (not expected_wrong and not expected_missing)


def _first_cell(puzzle, given):
    return next((r, c) for r, row in enumerate(puzzle.data["givens"]) for c, d in enumerate(row)
                if bool(d) == given)


def _first_given(puzzle):
    return _first_cell(puzzle, given=True)


def _first_empty(puzzle):
    return _first_cell(puzzle, given=False)


def _with(grid, cell, value):
    grid = [list(row) for row in grid]
    grid[cell[0]][cell[1]] = value
    return grid


def _given_changed(puzzle):
    r, c = _first_given(puzzle)
    return _with(puzzle.solution, (r, c), puzzle.solution[r][c] % puzzle.size + 1)


BAD_ANSWERS = {
    "none": lambda p: None,
    "a string": lambda p: "123456",
    "a dict": lambda p: {"0": p.solution[0]},
    "no rows": lambda p: [],
    "a row missing": lambda p: p.solution[:-1],
    "a row too many": lambda p: p.solution + [p.solution[0]],
    "a short row": lambda p: [p.solution[0][:-1]] + p.solution[1:],
    "a row that is a string": lambda p: ["123456"] + p.solution[1:],
    "a digit as text": lambda p: _with(p.solution, _first_empty(p), "3"),
    "a float": lambda p: _with(p.solution, _first_empty(p), 3.0),
    "a bool": lambda p: _with(p.solution, _first_empty(p), True),
    "none in a cell": lambda p: _with(p.solution, _first_empty(p), None),
    "negative": lambda p: _with(p.solution, _first_empty(p), -1),
    "too big": lambda p: _with(p.solution, _first_empty(p), 7),
    "a huge number": lambda p: _with(p.solution, _first_empty(p), 10**30),
    "a given changed": _given_changed,
    "a given erased": lambda p: _with(p.solution, _first_given(p), 0),
}


@pytest.mark.parametrize("name", list(BAD_ANSWERS))
def test_malformed_answers_are_puzzle_errors(puzzle6, name):
    with pytest.raises(PuzzleError):
        sudoku.check(puzzle6, BAD_ANSWERS[name](puzzle6))


def test_checking_another_kind_is_a_puzzle_error(puzzle6):
    other = dataclasses.replace(puzzle6, kind="futoshiki")
    with pytest.raises(PuzzleError):
        sudoku.check(other, puzzle6.solution)
