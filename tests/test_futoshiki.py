"""Futoshiki: every puzzle is a valid, unique, honestly graded and repeatable Latin square."""

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

from puzzles import Check, PuzzleError, futoshiki
from tests.latin_grids import drawn_answer

ROOT = Path(__file__).resolve().parent.parent
SUBSETS = {"naked pair", "hidden pair", "naked triple", "hidden triple"}

# What the module docstring promises, written out again so the tests do not read LEVEL_RULES:
# (size, level) -> (grades allowed, a technique whose solver must get stuck,
#                   fewest givens, most givens, fewest signs)
PROMISES = {
    (4, "easy"): ({"inequality"}, "naked single", 5, 16, 4),
    (4, "medium"): ({"inequality"}, "naked single", 0, 4, 1),
    (4, "hard"): ({"hidden single"} | SUBSETS, "inequality", 0, 2, 1),
    (5, "easy"): ({"inequality"}, "naked single", 8, 25, 6),
    (5, "medium"): ({"hidden single"}, "inequality", 2, 3, 12),
    (5, "hard"): (SUBSETS, "hidden single", 0, 3, 1),
}

seeds = st.text(st.characters(codec="utf-8", categories=("L", "N", "P", "S")),
                min_size=1, max_size=20)


def count_solutions(givens, relations, limit=2):
    """Plain backtracking (no shared code with the library), stopping once ``limit`` are found."""
    return backtrack(givens, relations, limit)[0]


def backtrack(givens, relations, limit):
    """(solutions found, up to ``limit``; digits the search placed to find them)."""
    size = len(givens)
    grid = [list(row) for row in givens]
    smaller_than = {}  # cell -> cells it must be smaller than, and the other way round
    bigger_than = {}
    for r1, c1, r2, c2, sign in relations:
        assert sign == "<"
        smaller_than.setdefault((r1, c1), []).append((r2, c2))
        bigger_than.setdefault((r2, c2), []).append((r1, c1))

    def fits(r, c, digit):
        if any(grid[r][k] == digit for k in range(size) if k != c):
            return False
        if any(grid[k][c] == digit for k in range(size) if k != r):
            return False
        if any(grid[a][b] and not digit < grid[a][b] for a, b in smaller_than.get((r, c), [])):
            return False
        return all(not grid[a][b] or grid[a][b] < digit for a, b in bigger_than.get((r, c), []))

    if any(grid[r][c] and not fits(r, c, grid[r][c]) for r in range(size) for c in range(size)):
        return 0, 0
    placed = 0

    def search(cell):
        nonlocal placed
        if cell == size * size:
            return 1
        r, c = divmod(cell, size)
        if grid[r][c]:
            return search(cell + 1)
        found = 0
        for digit in range(1, size + 1):
            if fits(r, c, digit):
                grid[r][c] = digit
                placed += 1
                found += search(cell + 1)
                grid[r][c] = 0
                if found >= limit:
                    break
        return found

    return search(0), placed


def assert_fair_puzzle(puzzle, size, level):
    givens, relations, solution = puzzle.data["givens"], puzzle.data["relations"], puzzle.solution
    assert (puzzle.kind, puzzle.level, puzzle.size, puzzle.data["size"]) == (
        "futoshiki", level, size, size)
    digits = set(range(1, size + 1))
    assert all(set(row) == digits for row in solution)
    assert all({solution[r][c] for r in range(size)} == digits for c in range(size))
    for r in range(size):
        for c in range(size):
            assert givens[r][c] in (0, solution[r][c])
    for r1, c1, r2, c2, sign in relations:
        assert sign == "<" and abs(r1 - r2) + abs(c1 - c2) == 1  # neighbours
        assert solution[r1][c1] < solution[r2][c2]
    assert len({tuple(sorted([(r1, c1), (r2, c2)])) for r1, c1, r2, c2, _ in relations}) == len(
        relations)
    assert count_solutions(givens, relations) == 1

    grades, must_stump, fewest, most, fewest_signs = PROMISES[size, level]
    assert fewest <= sum(1 for row in givens for d in row if d) <= most
    assert len(relations) >= fewest_signs
    assert puzzle.grade in grades
    technique = futoshiki.TECHNIQUES.index(puzzle.grade)
    assert futoshiki.solve_logically(size, givens, relations, technique) == (solution, technique)
    stump = futoshiki.TECHNIQUES.index(must_stump)
    assert futoshiki.solve_logically(size, givens, relations, stump)[0] is None
    # The signs matter: without them the same solver gets stuck.
    assert futoshiki.solve_logically(size, givens, [], technique)[0] is None


@pytest.mark.parametrize("size, level", list(PROMISES))
@settings(max_examples=50, deadline=None)
@given(seed=seeds)
def test_every_puzzle_is_valid_unique_and_graded_for_its_level(size, level, seed):
    assert_fair_puzzle(futoshiki.generate(seed, level, size), size, level)


def test_medium_5x5_gives_more_clues_and_takes_a_plain_search_far_fewer_steps_than_hard():
    """Both were once carved to the fewest clues: no digit, 9 or 10 signs, the same effort."""
    def clues_and_steps(level):
        puzzles = [futoshiki.generate(f"level-{n}", level, 5) for n in range(30)]
        clues = [sum(d > 0 for row in p.data["givens"] for d in row) + len(p.data["relations"])
                 for p in puzzles]
        steps = [backtrack(p.data["givens"], p.data["relations"], 2)[1] for p in puzzles]
        return median(clues), median(steps)

    (medium_clues, medium_steps), (hard_clues, hard_steps) = map(clues_and_steps, ("medium", "hard"))
    assert medium_clues >= hard_clues + 3
    assert medium_steps * 3 <= hard_steps, (medium_steps, hard_steps)


# Two hand-checked 4x4 puzzles: the first needs "smaller than the biggest option on the other
# side", the second "bigger than the smallest option on the other side".
BOTH_SIDES_OF_A_SIGN = [
    ([[3, 1, 2, 0], [0, 4, 0, 0], [0, 0, 0, 0], [0, 0, 0, 1]],
     [[2, 1, 1, 1, "<"], [2, 2, 2, 1, "<"], [3, 1, 3, 2, "<"], [3, 3, 2, 3, "<"]]),
    ([[0, 0, 0, 3], [0, 0, 0, 0], [0, 0, 0, 2], [3, 4, 2, 0]],
     [[0, 1, 0, 2, "<"], [1, 0, 0, 0, "<"], [1, 1, 2, 1, "<"], [3, 2, 3, 1, "<"]]),
]


@pytest.mark.parametrize("givens, relations", BOTH_SIDES_OF_A_SIGN)
def test_inequality_technique_prunes_from_both_sides_of_a_sign(givens, relations):
    assert count_solutions(givens, relations) == 1
    solved, hardest = futoshiki.solve_logically(4, givens, relations, futoshiki.INEQUALITY)
    assert solved is not None and futoshiki.TECHNIQUES[hardest] == "inequality"
    assert futoshiki.solve_logically(4, givens, relations, futoshiki.NAKED_SINGLE)[0] is None


def carve_asking_the_solver_every_time(size, solution, rng, rule):
    """Carving as the module docstring describes it, without any of the shortcuts."""
    givens = list(solution)
    relations = [(a, b) if solution[a] < solution[b] else (b, a)
                 for a, b in futoshiki._neighbour_pairs(size)]
    cells, signs = list(range(size * size)), list(relations)
    rng.shuffle(cells)
    rng.shuffle(signs)
    given_count = size * size

    def solves(givens, relations):
        rows = [givens[r * size:(r + 1) * size] for r in range(size)]
        signs = [[*divmod(a, size), *divmod(b, size), "<"] for a, b in relations]
        return futoshiki.solve_logically(size, rows, signs, rule.hardest_allowed)[0] is not None

    for cell in cells:
        if given_count <= rule.fewest_givens:
            break
        givens[cell] = 0
        if solves(givens, relations):
            given_count -= 1
        else:
            givens[cell] = solution[cell]
    for sign in signs:
        if len(relations) <= rule.fewest_signs:
            break
        fewer = [pair for pair in relations if pair != sign]
        if solves(givens, fewer):
            relations = fewer
    return givens, relations, given_count


@pytest.mark.parametrize("size, level", list(PROMISES))
def test_carving_shortcuts_give_the_puzzle_the_solver_gives(size, level):
    """Accepting naked singles at once and signs the solver never used must only save time."""
    rule = futoshiki.LEVEL_RULES[size, level]
    for n in range(12):
        solution = futoshiki._random_latin_square(size, random.Random(f"square-{n}"))
        fast = futoshiki._carve(size, solution, random.Random(f"order-{n}"), rule)
        plain = carve_asking_the_solver_every_time(size, solution, random.Random(f"order-{n}"),
                                                   rule)
        assert fast == plain


@pytest.mark.parametrize("level, size", [("easy", 4), ("medium", 5), ("hard", 5)])
def test_default_size_depends_on_level(level, size):
    assert futoshiki.generate("s", level) == futoshiki.generate("s", level, size)


@pytest.mark.parametrize("level", ["easy", "medium", "hard"])
@pytest.mark.parametrize("size", [4, 5])
def test_same_seed_same_puzzle_other_seed_other_puzzle(size, level):
    seed = "2026-11-26"
    assert futoshiki.generate(seed, level, size) == futoshiki.generate(seed, level, size)
    different = {json.dumps(futoshiki.generate(f"day-{n}", level, size).data) for n in range(5)}
    assert len(different) == 5


def test_same_seed_same_puzzle_in_another_process():
    code = ("import dataclasses, json; from puzzles import futoshiki; "
            "print(json.dumps([dataclasses.asdict(futoshiki.generate('x', level, size)) "
            "for size in (4, 5) for level in ('easy', 'medium', 'hard')]))")
    env = dict(os.environ, PYTHONHASHSEED="12345")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True).stdout
    here = [dataclasses.asdict(futoshiki.generate("x", level, size))
            for size in (4, 5) for level in ("easy", "medium", "hard")]
    assert json.loads(out) == here


@pytest.mark.parametrize("size", [0, 3, 6, 9, -4, "4", 4.0, True, [4]])
def test_unknown_size_is_a_puzzle_error(size):
    with pytest.raises(PuzzleError):
        futoshiki.generate("s", "easy", size)


@pytest.mark.parametrize("seed, level", [("s", "expert"), ("", "easy"), ("x" * 65, "easy")])
def test_unknown_level_or_bad_seed_is_a_puzzle_error(seed, level):
    with pytest.raises(PuzzleError):
        futoshiki.generate(seed, level, 4)


# --- check() -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def puzzle5():
    return futoshiki.generate("check", "easy", 5)


def test_the_solution_is_solved(puzzle5):
    assert futoshiki.check(puzzle5, puzzle5.solution) == Check(True, [], 0)


def test_the_bare_givens_are_only_missing(puzzle5):
    givens = puzzle5.data["givens"]
    assert futoshiki.check(puzzle5, givens) == Check(False, [], sum(row.count(0) for row in givens))


@pytest.mark.parametrize("size", [4, 5])
@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_check_names_wrong_cells_and_counts_missing_ones(size, data):
    puzzle = futoshiki.generate(data.draw(seeds), "medium", size)
    answer, expected_wrong, expected_missing = drawn_answer(puzzle, data, st.integers(0, size))
    verdict = futoshiki.check(puzzle, answer)
    assert verdict.wrong == expected_wrong
    assert verdict.missing == expected_missing
    assert verdict.solved == (not expected_wrong and not expected_missing)


def _cell(puzzle, given):
    return next((r, c) for r, row in enumerate(puzzle.data["givens"]) for c, d in enumerate(row)
                if bool(d) == given)


def _with(grid, cell, value):
    grid = [list(row) for row in grid]
    grid[cell[0]][cell[1]] = value
    return grid


def _given_changed(puzzle):
    r, c = _cell(puzzle, given=True)
    return _with(puzzle.solution, (r, c), puzzle.solution[r][c] % puzzle.size + 1)


BAD_ANSWERS = {
    "none": lambda p: None,
    "a string": lambda p: "12345",
    "no rows": lambda p: [],
    "a row missing": lambda p: p.solution[:-1],
    "a short row": lambda p: [p.solution[0][:-1]] + p.solution[1:],
    "a digit as text": lambda p: _with(p.solution, _cell(p, given=False), "3"),
    "a float": lambda p: _with(p.solution, _cell(p, given=False), 2.0),
    "a bool": lambda p: _with(p.solution, _cell(p, given=False), False),
    "negative": lambda p: _with(p.solution, _cell(p, given=False), -2),
    "too big": lambda p: _with(p.solution, _cell(p, given=False), 6),
    "a given changed": _given_changed,
    "a given erased": lambda p: _with(p.solution, _cell(p, given=True), 0),
}


@pytest.mark.parametrize("name", list(BAD_ANSWERS))
def test_malformed_answers_are_puzzle_errors(puzzle5, name):
    with pytest.raises(PuzzleError):
        futoshiki.check(puzzle5, BAD_ANSWERS[name](puzzle5))


def test_checking_another_kind_is_a_puzzle_error(puzzle5):
    with pytest.raises(PuzzleError):
        futoshiki.check(dataclasses.replace(puzzle5, kind="sudoku"), puzzle5.solution)
