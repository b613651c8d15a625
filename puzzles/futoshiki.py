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
from graphlib import CycleError, TopologicalSorter
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
    """Rows, columns and "<" signs of one puzzle as flat cell indices, for the shared solver.

    The signs come in chain order (``_in_chain_order``): each before the signs leaving its
    bigger cell. The inequality step relies on it to strike all it can in one call.
    """

    def __init__(self, size: int, relations):
        self.size = size
        self.cells = size * size
        self.all_digits = (1 << size) - 1
        self.units, self.peers = _lines(size)
        self.below_highest, self.above_lowest = _bounds(size)
        self.digit_bits = tuple(1 << digit >> 1 for digit in range(size + 1))  # 0 for no digit
        self.relations = relations  # (smaller cell, bigger cell) pairs, in chain order
        self.signs_used = set()  # the relations that struck a candidate while solving
        self.settled = None  # (values, candidates) where the inequality step struck all it could


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


def _in_chain_order(relations):
    """The (smaller, bigger) pairs sorted so that a pair comes before the pairs that start at its
    bigger cell; as given if the signs go round in a circle (no grid fits them anyway)."""
    chains = TopologicalSorter()
    for small, big in relations:
        chains.add(big, small)
    try:
        rank = {cell: n for n, cell in enumerate(chains.static_order())}
    except CycleError:
        return list(relations)
    return sorted(relations, key=lambda pair: rank[pair[0]])


def _sorted_by_digits(relations, solution):
    """The relations in chain order, cheaply when the solution is known: by the smaller digit."""
    return sorted(relations, key=lambda pair: solution[pair[0]])


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
    """The bigger cell stays above the smaller cell's lowest option, the smaller below the
    bigger cell's highest one, along chains of signs.

    Two sweeps: lowest options pushed up the signs in their (chain) order, highest options
    pushed down in reverse. A lowest option only moves by the first kind of strike and a
    highest only by the second, so one sweep each reaches the end of every chain and a call
    with nothing changed since the last one would strike nothing: it returns at once. Before,
    one pass struck one step along a chain and the solver called again for the next.
    """
    if board.settled == (values, candidates):
        return False  # nothing has changed since the last call ended
    found = False
    digit_bits, used = board.digit_bits, board.signs_used
    above_lowest = board.above_lowest
    for sign in board.relations:
        small, big = sign
        big_candidates = candidates[big]
        if big_candidates:  # a filled cell has no candidates left: its one option is its digit
            above = above_lowest[candidates[small] or digit_bits[values[small]]]
            if big_candidates & ~above:
                candidates[big] = big_candidates & above
                used.add(sign)
                found = True
    below_highest = board.below_highest
    for sign in reversed(board.relations):
        small, big = sign
        small_candidates = candidates[small]
        if small_candidates:
            below = below_highest[candidates[big] or digit_bits[values[big]]]
            if small_candidates & ~below:
                candidates[small] = small_candidates & below
                used.add(sign)
                found = True
    board.settled = (list(values), list(candidates))
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
    board = Board(size, _in_chain_order(_pairs_of(relations, size)))
    flat, hardest = _solve(board, [d for row in givens for d in row], hardest_allowed)
    return (None if flat is None else _rows(flat, size)), hardest


# --- making puzzles --------------------------------------------------------------------------


def _random_latin_square(size, rng):
    """Fill row by row with shuffled digits, backing up when a cell has no digit left.

    Rows and columns keep bitmasks of the digits they hold, so a cell's digits are one table
    look-up instead of two walks over the cells before it (a fifth of an easy puzzle's time).
    """
    values = [0] * (size * size)
    row_used, col_used = [0] * size, [0] * size
    digits_left = _digits_left(size)

    def fill(cell):
        if cell == len(values):
            return True
        row, col = divmod(cell, size)
        digits = list(digits_left[row_used[row] | col_used[col]])
        rng.shuffle(digits)
        for digit in digits:
            bit = 1 << (digit - 1)
            values[cell] = digit
            row_used[row] |= bit
            col_used[col] |= bit
            if fill(cell + 1):
                return True
            row_used[row] ^= bit
            col_used[col] ^= bit
        values[cell] = 0
        return False

    fill(0)
    return values


@cache
def _digits_left(size):
    """For every bitmask of digits used: the digits not in it, in increasing order."""
    return tuple(tuple(d for d in range(1, size + 1) if not used >> (d - 1) & 1)
                 for used in range(1 << size))


def _carve(size, solution, rng, rule):
    """Drop clues in random order while the level's solver still fills the grid.

    Returns (flat givens, relations as (smaller, bigger) cell pairs, number of givens).
    """
    relations = [(a, b) if solution[a] < solution[b] else (b, a)
                 for a, b in _neighbour_pairs(size)]
    # Givens go first, so the signs carry the puzzle: that is what makes it a futoshiki.
    cells, signs = list(range(size * size)), list(relations)
    rng.shuffle(cells)
    rng.shuffle(signs)
    steps = _STEPS[: rule.hardest_allowed + 1]
    chains = _sorted_by_digits(relations, solution)
    givens = _drop_givens(size, solution, chains, cells, steps, rule.fewest_givens)
    kept = set(_drop_signs(size, givens, chains, signs, steps, rule.fewest_signs))
    return givens, [pair for pair in relations if pair in kept], sum(map(bool, givens))


def _drop_givens(size, solution, relations, cells, steps, fewest):
    """The flat givens (0 for a blank) left after dropping ``cells`` in order, all signs given."""
    givens = list(solution)
    given_count = len(givens)
    board = Board(size, relations)
    row_lacks, col_lacks = [0] * size, [0] * size  # per row and column, the digits blanked
    for cell in cells:
        if given_count <= fewest:
            break
        givens[cell] = 0
        row, col = divmod(cell, size)
        bit = 1 << (solution[cell] - 1)
        row_lacks[row] |= bit
        col_lacks[col] |= bit
        if row_lacks[row] & col_lacks[col] != bit:  # else a naked single: solved as before
            # What start() gives, from the digits blanked so far: a row lacks exactly those.
            candidates = [0 if given else row_lacks[c // size] & col_lacks[c % size]
                          for c, given in enumerate(givens)]
            if not solves_after_blanking(board, list(givens), candidates, steps, cell):
                givens[cell] = solution[cell]
                row_lacks[row] ^= bit
                col_lacks[col] ^= bit
                continue
        given_count -= 1
    return givens


def _drop_signs(size, givens, relations, signs, steps, fewest):
    """The ``relations`` (in their order) left after dropping ``signs`` in order, the givens
    fixed."""
    # Every run starts from the state after the first naked singles, which ignore the signs.
    board = Board(size, relations)
    first_values, first_candidates = start(board, givens)
    naked_singles(board, first_values, first_candidates)

    def signs_used_to_fill(relations):
        """The signs that struck a candidate while the solver filled the grid; None if stuck."""
        board = Board(size, relations)
        values = list(first_values)
        apply_steps(board, values, list(first_candidates), steps)
        return None if 0 in values else board.signs_used

    used = signs_used_to_fill(relations)
    for sign in signs:
        if len(relations) <= fewest:
            break
        fewer = [pair for pair in relations if pair != sign]
        # A sign that struck nothing while the solver filled the grid can go without asking it
        # again: the solver goes the same way without it.
        if sign not in used:
            relations = fewer
        elif (fewer_used := signs_used_to_fill(fewer)) is not None:
            relations, used = fewer, fewer_used
    return relations


def _make(size, level, rng):
    """(givens, relations, solution, technique index) of a puzzle that fits the level."""
    rule = LEVEL_RULES[size, level]
    while True:
        solution = _random_latin_square(size, rng)
        givens, relations, given_count = _carve(size, solution, rng, rule)
        if given_count >= rule.givens_below:
            continue
        technique = _solve(Board(size, _sorted_by_digits(relations, solution)), givens,
                           rule.hardest_allowed)[1]
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
