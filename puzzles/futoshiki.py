"""Futoshiki: fill a Latin square (each digit once per row and column) that obeys "<" signs.

How a puzzle is made
--------------------
1. A random Latin square, seeded through ``base.rng_for`` (same seed, same puzzle, any process).
2. Start from every clue there could be (all cells given, a sign between every pair of
   neighbours) and drop clues in random order *only if* a solver limited to the level's
   techniques still fills the grid. Every step of that solver is forced, so the puzzle has exactly
   one solution by construction.
3. The grade is the hardest technique the solver needed, easiest techniques first; a puzzle that
   is not hard enough for its level is thrown away and we start again.

Techniques, easiest first: naked single (one digit left for a cell), inequality (the cell on the
small side of "<" stays below the biggest digit still possible on the big side and vice versa;
repeated, this walks along chains of signs), hidden single (a digit with one place left in a row
or column), naked pair, hidden pair, naked triple, hidden triple.

Every level needs the signs: easy and 4x4 medium must need the inequality technique, and the
other levels give at most size - 2 digits, so two digits never appear among them and swapping
those two in the solution would fit the givens just as well; only the signs tell them apart.
(Carving leaves so few digits anyway: the givens go first, while every sign is still there.)

What each level means (see ``LEVEL_RULES``)
* 4x4 (the default for easy; pairs are rarely needed on so small a grid, so hard asks for less)
    - easy:   naked singles and inequalities, at least 5 digits and 4 signs given.
    - medium: naked singles and inequalities, fewer than 5 digits given.
    - hard:   needs a hidden single or more (up to hidden triples): the medium solver gets
              stuck; at most 2 digits given.
* 5x5 (the default for medium and hard)
    - easy:   naked singles and inequalities, at least 8 digits and 6 signs given.
    - medium: needs a hidden single, nothing harder; 2 or 3 digits and at least 12 signs given.
    - hard:   needs a naked or hidden pair or triple: the medium solver gets stuck; at most 3
              digits given, and signs only as many as it needs (about 10).
  Carved down to the fewest clues, medium and hard looked alike (no digit, 9 or 10 signs) and took
  a plain search as long; medium keeping more clues makes the difference visible, and a plain
  backtracking search needs several times fewer steps for it (bench/bench_puzzles_levels.py).

``data["relations"]`` lists ``[r1, c1, r2, c2, "<"]``: the cell (r1, c1) is smaller than its
neighbour (r2, c2).
"""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

from .base import Check, Puzzle, PuzzleError, check_level, check_seed, rng_for
from .sudoku import (apply_steps, check_grid_answer, hidden_singles, hidden_subsets,
                     naked_singles, naked_subsets, solves_after_blanking, start)

NAME = "futoshiki"
SIZES = (4, 5)
DEFAULT_SIZES = {"easy": 4, "medium": 5, "hard": 5}

TECHNIQUES = (
    "naked single",
    "inequality",
    "hidden single",
    "naked pair",
    "hidden pair",
    "naked triple",
    "hidden triple",
)
NAKED_SINGLE, INEQUALITY, HIDDEN_SINGLE, NAKED_PAIR = 0, 1, 2, 3
HIDDEN_TRIPLE = len(TECHNIQUES) - 1


class Rule(NamedTuple):
    """What one level promises for one size (techniques are indices into TECHNIQUES)."""

    hardest_allowed: int  # the solver that carves the puzzle knows techniques up to this one
    must_need: int  # ... and a solver stopping just below this one gets stuck
    fewest_givens: int  # carving stops taking digits away when this few are left
    givens_below: int  # the finished puzzle has fewer given digits than this
    fewest_signs: int = 0  # carving stops taking signs away when this few are left


LEVEL_RULES = {
    (4, "easy"): Rule(INEQUALITY, INEQUALITY, fewest_givens=5, givens_below=17, fewest_signs=4),
    (4, "medium"): Rule(INEQUALITY, INEQUALITY, fewest_givens=0, givens_below=5),
    (4, "hard"): Rule(HIDDEN_TRIPLE, HIDDEN_SINGLE, fewest_givens=0, givens_below=3),
    (5, "easy"): Rule(INEQUALITY, INEQUALITY, fewest_givens=8, givens_below=26, fewest_signs=6),
    (5, "medium"): Rule(HIDDEN_SINGLE, HIDDEN_SINGLE, fewest_givens=2, givens_below=4,
                        fewest_signs=12),
    (5, "hard"): Rule(HIDDEN_TRIPLE, NAKED_PAIR, fewest_givens=0, givens_below=4),
}


class Board:
    """Rows, columns and "<" signs of one puzzle as flat cell indices, for the shared solver."""

    def __init__(self, size: int, relations):
        self.size = size
        self.cells = size * size
        self.all_digits = (1 << size) - 1
        self.units, self.peers = _lines(size)
        self.below_highest, self.above_lowest = _bounds(size)
        self.relations = relations  # (smaller cell, bigger cell) pairs
        self.signs_used = set()  # the relations that struck a candidate while solving


@cache
def _lines(size):
    """The rows and columns (each holds every digit once) and, per cell, the cells sharing one."""
    rows = [tuple(r * size + c for c in range(size)) for r in range(size)]
    cols = [tuple(r * size + c for r in range(size)) for c in range(size)]
    peers = tuple(
        tuple(sorted(set(rows[cell // size] + cols[cell % size]) - {cell}))
        for cell in range(size * size)
    )
    return tuple(rows + cols), peers


@cache
def _bounds(size):
    """For every set of options (a bitmask): the digits below its highest and above its lowest.

    Looked up by the inequality step, the hottest loop of carving: cheaper than bit arithmetic.
    """
    masks = range(1 << size)
    below_highest = tuple((1 << (mask.bit_length() - 1)) - 1 if mask else 0 for mask in masks)
    above_lowest = tuple(((1 << size) - 1) & ~((mask & -mask) * 2 - 1) for mask in masks)
    return below_highest, above_lowest


def _neighbour_pairs(size):
    """Every pair of cells side by side or one above the other."""
    pairs = []
    for cell in range(size * size):
        if cell % size < size - 1:
            pairs.append((cell, cell + 1))
        if cell // size < size - 1:
            pairs.append((cell, cell + size))
    return pairs


# --- the futoshiki-only steps ----------------------------------------------------------------


def _inequalities(board, values, candidates):
    """The smaller cell stays below the bigger cell's highest option, the bigger above the
    smaller's lowest one (repeated, this also walks along chains of signs)."""
    found = False
    below_highest, above_lowest = board.below_highest, board.above_lowest
    for small, big in board.relations:
        small_candidates, big_candidates = candidates[small], candidates[big]
        if not (small_candidates or big_candidates):
            continue  # both filled: nothing to strike
        # A filled cell has no candidates left: its one option is its digit.
        small_options = small_candidates or 1 << (values[small] - 1)
        big_options = big_candidates or 1 << (values[big] - 1)
        struck = False
        below = below_highest[big_options]
        if small_candidates & ~below:
            candidates[small] = small_candidates & below
            struck = True
        above = above_lowest[small_options]
        if big_candidates & ~above:
            candidates[big] = big_candidates & above
            struck = True
        if struck:
            board.signs_used.add((small, big))
            found = True
    return found


_STEPS = (  # in the order of TECHNIQUES
    naked_singles,
    _inequalities,
    hidden_singles,
    naked_subsets(2),
    hidden_subsets(2),
    naked_subsets(3),
    hidden_subsets(3),
)


def _solve(board, givens, hardest_allowed):
    """(filled flat grid or None if stuck, index of the hardest technique used)."""
    values, candidates = start(board, givens)
    hardest = apply_steps(board, values, candidates, _STEPS[: hardest_allowed + 1])
    return (None if 0 in values else values), hardest


def solve_logically(size: int, givens, relations, hardest_allowed: int = HIDDEN_TRIPLE):
    """Solve like a person who knows techniques up to ``hardest_allowed`` (for tests and tools).

    ``givens`` and ``relations`` are in the shape of ``Puzzle.data``. Returns
    ``(grid or None if stuck, index of the hardest technique used)``.
    """
    board = Board(size, _pairs_of(relations, size))
    flat, hardest = _solve(board, [d for row in givens for d in row], hardest_allowed)
    return (None if flat is None else _rows(flat, size)), hardest


# --- making puzzles --------------------------------------------------------------------------


def _random_latin_square(size, rng):
    """Fill row by row with shuffled digits, backing up when a cell has no digit left."""
    values = [0] * (size * size)

    def fill(cell):
        if cell == len(values):
            return True
        row, col = divmod(cell, size)
        used = {values[row * size + c] for c in range(col)}
        used |= {values[r * size + col] for r in range(row)}
        digits = [d for d in range(1, size + 1) if d not in used]
        rng.shuffle(digits)
        for digit in digits:
            values[cell] = digit
            if fill(cell + 1):
                return True
        values[cell] = 0
        return False

    fill(0)
    return values


def _carve(size, solution, rng, rule):
    """Drop clues in random order while the level's solver still fills the grid.

    Returns (flat givens, relations as (smaller, bigger) cell pairs, number of givens).
    """
    givens = list(solution)
    relations = [(a, b) if solution[a] < solution[b] else (b, a)
                 for a, b in _neighbour_pairs(size)]
    # Givens go first, so the signs carry the puzzle: that is what makes it a futoshiki.
    cells, signs = list(range(size * size)), list(relations)
    rng.shuffle(cells)
    rng.shuffle(signs)
    given_count = size * size
    steps = _STEPS[: rule.hardest_allowed + 1]
    row_lacks, col_lacks = [0] * size, [0] * size  # per row and column, the digits blanked
    for cell in cells:
        if given_count <= rule.fewest_givens:
            break
        givens[cell] = 0
        row, col = divmod(cell, size)
        bit = 1 << (solution[cell] - 1)
        row_lacks[row] |= bit
        col_lacks[col] |= bit
        if row_lacks[row] & col_lacks[col] != bit:  # else a naked single: solved as before
            board = Board(size, relations)
            values, candidates = start(board, givens)
            if not solves_after_blanking(board, values, candidates, steps, cell):
                givens[cell] = solution[cell]
                row_lacks[row] ^= bit
                col_lacks[col] ^= bit
                continue
        given_count -= 1
    # A sign that struck nothing while the solver filled the grid can go without asking it
    # again: the solver goes the same way without it. Only the others need a new run.
    board = Board(size, relations)
    _solve(board, givens, rule.hardest_allowed)
    for sign in signs:
        if len(relations) <= rule.fewest_signs:
            break
        fewer = [pair for pair in relations if pair != sign]
        if sign not in board.signs_used:
            relations = fewer
            continue
        fewer_board = Board(size, fewer)
        if _solve(fewer_board, givens, rule.hardest_allowed)[0] is not None:
            relations, board = fewer, fewer_board
    return givens, relations, given_count


def _make(size, level, rng):
    """(givens, relations, solution, technique index) of a puzzle that fits the level."""
    rule = LEVEL_RULES[size, level]
    while True:
        solution = _random_latin_square(size, rng)
        givens, relations, given_count = _carve(size, solution, rng, rule)
        if given_count >= rule.givens_below:
            continue
        technique = _solve(Board(size, relations), givens, rule.hardest_allowed)[1]
        if technique >= rule.must_need:
            return givens, relations, solution, technique


def _rows(flat, size):
    return [list(flat[r * size : (r + 1) * size]) for r in range(size)]


def _pairs_of(relations, size):
    return [(r1 * size + c1, r2 * size + c2) for r1, c1, r2, c2, _ in relations]


def generate(seed, level: str, size: int | None = None) -> Puzzle:
    """The puzzle for (seed, level, size), always the same; size defaults per level."""
    seed, level = check_seed(seed), check_level(level)
    size = DEFAULT_SIZES[level] if size is None else size
    if isinstance(size, bool) or not isinstance(size, int) or size not in SIZES:
        raise PuzzleError(f"futoshiki comes in sizes {SIZES}, not {size!r}")
    givens, relations, solution, technique = _make(size, level, rng_for(NAME, seed, level, size))
    data = {
        "size": size,
        "givens": _rows(givens, size),
        "relations": [[*divmod(small, size), *divmod(big, size), "<"]
                      for small, big in sorted(relations)],
    }
    return Puzzle(NAME, level, seed, size, data, _rows(solution, size), TECHNIQUES[technique])


def check(puzzle: Puzzle, answer) -> Check:
    """Wrong cells and the number of empty ones; PuzzleError for a malformed answer."""
    if puzzle.kind != NAME:
        raise PuzzleError(f"not a futoshiki: {puzzle.kind!r}")
    return check_grid_answer(puzzle, answer)
