"""Sudoku in 4x4, 6x6 and 9x9 with a grade a human can trust.

How a puzzle is made
--------------------
1. Fill a random complete grid (seeded through ``base.rng_for``, so a seed always gives the same
   puzzle, in every process).
2. Visit the cells in random order and blank each one *only if* a logical solver that knows just
   the techniques of the requested level still fills the whole grid. A grid that such a solver
   completes has exactly one solution (every step it takes is forced), so uniqueness holds by
   construction, never by luck. Where the solver's answer is known beforehand it is not asked
   (``_carve``): a blank that is a naked single at once is accepted, a blank that leaves two
   digits free to swap, or for which a short search finds a second solution, is refused. The
   puzzle is the same as when the solver is asked every time; it is only made sooner.
3. The grade is the hardest technique the solver needed, using easiest techniques first. If it is
   not hard enough for the level (see ``LEVEL_RULES``) we start again from a new grid.

What each level means
---------------------
Techniques from easiest to hardest: naked single, hidden single, locked candidates (pointing and
claiming), naked pair, hidden pair, naked triple, hidden triple, then the patterns HoDoKu rates
HARD (in ``sudoku_patterns``): X-wing, swordfish, turbot fish (skyscraper, two-string kite),
XY-wing, XYZ-wing. None of them guesses. Techniques that assume the puzzle has one solution
(unique rectangles, BUG) are left out on purpose: the solver is what proves that it has one.

* 9x9
    - easy:   singles only (naked and hidden), and at least 41 of the 81 cells stay given.
      Many of our visitors find a newspaper's "easy" hard, so easy really is easy.
    - medium: needs locked candidates (the singles solver gets stuck), fewer than 41 givens.
      Needing only a hidden single, as it once did, HoDoKu rated three in four medium puzzles
      EASY; locked candidates are what HoDoKu calls MEDIUM. One carving in four needs them:
      about 20 ms of CPU live (p95 60 ms), still served from the pool.
    - hard:   needs X-wing, swordfish, turbot fish, XY-wing or XYZ-wing: a solver that knows
      everything up to hidden triples gets stuck on it. Needing only a pair or triple, as it once
      did, HoDoKu rated every one MEDIUM; now HoDoKu rates them HARD. About one carved grid in
      five needs such a pattern: about 35 ms of CPU live (p95 80 ms), served from the pool.
* 6x6 (2x3 boxes):
    - easy:   singles only, at least 18 of the 36 cells given.
    - medium: naked singles only, 13 to 17 givens.
    - hard:   needs locked candidates or a pair or triple (the singles solver gets stuck), as few
      givens as possible: pencil marks become necessary, which a person notices at once. A hidden
      single alone, as hard once asked for, hardly differs from medium to a solver. Only about
      1 in 200 minimal 6x6 puzzles needs more than singles (about 150 ms of CPU live, p95
      360 ms), so this level is pooled too.
* 4x4 (2x2 boxes). Every uniquely solvable 4x4 grid we tried falls to naked singles alone, so
  the levels differ only in how much is given:
    - easy: at least 8 of 16 cells, medium: 6 or 7, hard: as few as possible (4 or 5).

Pool for slow levels
--------------------
Levels that cannot be made quickly enough live (see ``POOLED``) are served from
``data/sudoku_pool.json``, made ahead of time by ``bench/make_sudoku_pool.py`` with this very
module. The seed picks a pool entry and a random symmetry (relabelled digits, shuffled rows within
bands, bands, columns within stacks, stacks, a transposition for square boxes). Symmetries keep
the solution unique and the grade unchanged, and the choice is still deterministic per seed.
"""

from __future__ import annotations

import json
from functools import cache
from itertools import combinations
from pathlib import Path
from typing import NamedTuple

from .base import Check, Puzzle, PuzzleError, check_level, check_seed, rng_for
from .sudoku_patterns import basic_fish, digits_in, turbot_fish, xy_wing, xyz_wing

NAME = "sudoku"
SIZES = (4, 6, 9)
DEFAULT_SIZE = 9
BOX_SHAPES = {4: (2, 2), 6: (2, 3), 9: (3, 3)}  # size -> (rows, columns) of one box

TECHNIQUES = (
    "naked single",
    "hidden single",
    "locked candidates",
    "naked pair",
    "hidden pair",
    "naked triple",
    "hidden triple",
    "X-wing",
    "swordfish",
    "turbot fish",
    "XY-wing",
    "XYZ-wing",
)
NAKED_SINGLE, HIDDEN_SINGLE, LOCKED_CANDIDATES, NAKED_PAIR = 0, 1, 2, 3
HIDDEN_TRIPLE, X_WING = 6, 7
HARDEST = len(TECHNIQUES) - 1


class Rule(NamedTuple):
    """What one level promises for one size (techniques are indices into TECHNIQUES)."""

    hardest_allowed: int  # the solver that carves the puzzle knows techniques up to this one
    must_need: int  # ... and a solver stopping just below this one gets stuck
    fewest_givens: int  # carving stops when this few givens are left
    givens_below: int  # the finished puzzle has fewer givens than this


LEVEL_RULES = {
    (9, "easy"): Rule(HIDDEN_SINGLE, NAKED_SINGLE, fewest_givens=41, givens_below=82),
    (9, "medium"): Rule(LOCKED_CANDIDATES, LOCKED_CANDIDATES, fewest_givens=0, givens_below=41),
    (9, "hard"): Rule(HARDEST, X_WING, fewest_givens=0, givens_below=82),
    (6, "easy"): Rule(HIDDEN_SINGLE, NAKED_SINGLE, fewest_givens=18, givens_below=37),
    (6, "medium"): Rule(NAKED_SINGLE, NAKED_SINGLE, fewest_givens=13, givens_below=18),
    (6, "hard"): Rule(HIDDEN_TRIPLE, LOCKED_CANDIDATES, fewest_givens=0, givens_below=37),
    (4, "easy"): Rule(NAKED_SINGLE, NAKED_SINGLE, fewest_givens=8, givens_below=17),
    (4, "medium"): Rule(NAKED_SINGLE, NAKED_SINGLE, fewest_givens=6, givens_below=8),
    (4, "hard"): Rule(NAKED_SINGLE, NAKED_SINGLE, fewest_givens=0, givens_below=6),
}

POOLED = {(9, "hard"), (9, "medium"), (6, "hard")}  # (size, level) served from the pool file
POOL_FILE = Path(__file__).parent / "data" / "sudoku_pool.json"


class Shape:
    """Where the rows, columns and boxes of one grid size are, as flat cell indices."""

    def __init__(self, size: int):
        self.size = size
        self.box_rows, self.box_cols = BOX_SHAPES[size]
        self.cells = size * size
        self.all_digits = (1 << size) - 1  # bit d-1 stands for digit d
        rows = [tuple(r * size + c for c in range(size)) for r in range(size)]
        cols = [tuple(r * size + c for r in range(size)) for c in range(size)]
        boxes = [
            tuple(
                (top + r) * size + left + c
                for r in range(self.box_rows)
                for c in range(self.box_cols)
            )
            for top in range(0, size, self.box_rows)
            for left in range(0, size, self.box_cols)
        ]
        self.units = tuple(rows + cols + boxes)
        self.peers = tuple(
            tuple(sorted({p for unit in self.units if cell in unit for p in unit} - {cell}))
            for cell in range(self.cells)
        )
        self.units_of = tuple(  # per cell: its row, column and box, as indices into units
            tuple(index for index, unit in enumerate(self.units) if cell in unit)
            for cell in range(self.cells)
        )
        # Where a box meets a row or column: (shared cells, rest of the line, rest of the box).
        self.intersections = tuple(
            (
                tuple(shared),
                tuple(c for c in line if c not in shared),
                tuple(c for c in box if c not in shared),
            )
            for box in boxes
            for line in rows + cols
            if len(shared := [c for c in line if c in box]) > 1
        )


@cache
def shape_of(size: int) -> Shape:
    return Shape(size)


# --- the logical solver --------------------------------------------------------------------
# A board is anything with ``cells``, ``all_digits``, ``units`` (cells that must all differ) and
# ``peers`` (per cell, the cells sharing a unit with it): sudoku's Shape, or futoshiki's Board,
# which reuses the steps for rows and columns. The state is two flat lists: values (0 = empty) and
# candidate bitmasks (bit d-1 for digit d, 0 once a cell is filled). Every step returns True if
# it learned something, so the solver can go back to the easiest step.


def place(board, values, candidates, cell, digit):
    values[cell] = digit
    candidates[cell] = 0
    keep = ~(1 << (digit - 1))
    for peer in board.peers[cell]:
        candidates[peer] &= keep


def _lacking(board, givens):
    """Per unit, the bitmask of the digits it still lacks."""
    lacking = []
    for unit in board.units:
        used = 0
        for cell in unit:
            if givens[cell]:
                used |= 1 << (givens[cell] - 1)
        lacking.append(board.all_digits & ~used)
    return lacking


def start(board, givens):
    """The solver's state for a flat list of givens: each empty cell's candidates are the digits
    that every unit it lies in still lacks (the same as placing each given, in one pass)."""
    candidates = [0 if digit else board.all_digits for digit in givens]
    for unit, lacking in zip(board.units, _lacking(board, givens)):
        for cell in unit:
            candidates[cell] &= lacking
    return list(givens), candidates


def apply_steps(board, values, candidates, steps):
    """Use the easiest step that still learns something until the grid is full or all are stuck.

    Returns the index of the hardest step used (-1 for none): with easiest-first, that is the
    hardest technique the puzzle really needs. The first step must leave nothing for itself to
    do when it returns (``naked_singles`` runs to its end), so it is not called twice in a row.
    """
    hardest = -1
    first, harder = steps[0], steps[1:]
    while True:
        if first(board, values, candidates):
            hardest = max(hardest, 0)
        if 0 not in values:
            break
        for index, step in enumerate(harder, 1):
            if step(board, values, candidates):
                hardest = max(hardest, index)
                break
        else:
            break
    return hardest


def solves_after_blanking(board, values, candidates, steps, cell, rival=None):
    """Whether the solver still fills the grid (state just started) once ``cell`` is blanked
    from givens it filled.

    Carving asks this for every cell. If naked singles alone fill ``cell`` again, they end where
    they ended with it given, and from there the solver goes the way it went then: to the end.
    Only otherwise are the harder steps run. ``rival(values, candidates)``, if given, may say
    that the puzzle has a second solution once the cheap steps (singles, locked candidates) are
    stuck: then no logic can fill it, and the pairs, fish and wings, which cost most when they
    fail, are not tried at all.
    """
    steps[0](board, values, candidates)
    if values[cell]:
        return True
    if len(steps) == 1:  # naked singles only: they have done all there is to do
        return 0 not in values
    cheap = LOCKED_CANDIDATES + 1
    if rival is not None and len(steps) > cheap:
        apply_steps(board, values, candidates, steps[:cheap])  # the solver's own first moves
        if 0 not in values:
            return True
        if not values[cell] and rival(values, candidates):
            return False
    apply_steps(board, values, candidates, steps)
    return 0 not in values


def naked_singles(board, values, candidates):
    """A cell with one candidate left must hold it; placing it may leave a peer one, and so on.

    Runs until no cell has a single candidate: only the peers of a placed cell are looked at
    again, instead of a pass over every cell per round. With the puzzle sound (givens from a
    solution), the cells placed do not depend on the order, so the grade does not either.
    """
    peers = board.peers
    todo = [cell for cell, mask in enumerate(candidates) if mask and not mask & (mask - 1)]
    found = bool(todo)
    while todo:
        cell = todo.pop()
        mask = candidates[cell]
        if not mask:  # placed already, or a contradiction struck its last candidate
            continue
        values[cell] = mask.bit_length()
        candidates[cell] = 0
        for peer in peers[cell]:
            left = candidates[peer]
            if left & mask:
                left ^= mask
                candidates[peer] = left
                if left and not left & (left - 1):
                    todo.append(peer)
    return found


def hidden_singles(board, values, candidates):
    """A digit that fits in only one cell of a unit goes there."""
    found = False
    for unit in board.units:
        once = twice = 0
        for cell in unit:
            mask = candidates[cell]
            twice |= once & mask
            once |= mask
        lonely = once & ~twice
        while lonely:
            bit = lonely & -lonely
            lonely ^= bit
            for cell in unit:
                if candidates[cell] & bit:
                    place(board, values, candidates, cell, bit.bit_length())
                    found = True
                    break
    return found


def _union(candidates, cells):
    mask = 0
    for cell in cells:
        mask |= candidates[cell]
    return mask


def _remove(candidates, cells, digits):
    """Strike ``digits`` from ``cells``; True if any was there."""
    changed = False
    for cell in cells:
        if candidates[cell] & digits:
            candidates[cell] &= ~digits
            changed = True
    return changed


def _locked_candidates(shape, values, candidates):
    """Pointing: a digit confined to one line inside a box leaves the rest of that line.
    Claiming: a digit confined to one box inside a line leaves the rest of that box."""
    found = False
    for shared, line_rest, box_rest in shape.intersections:
        in_shared = _union(candidates, shared)
        if not in_shared:
            continue
        pointing = in_shared & ~_union(candidates, box_rest)
        if pointing and _remove(candidates, line_rest, pointing):
            found = True
        claiming = in_shared & ~_union(candidates, line_rest)
        if claiming and _remove(candidates, box_rest, claiming):
            found = True
    return found


def naked_subsets(count):
    """The step for naked pairs (count 2) or triples (count 3)."""

    def step(board, values, candidates):
        """``count`` cells of a unit that share ``count`` candidates own those digits."""
        found = False
        for unit in board.units:
            open_cells = [cell for cell in unit if candidates[cell]]
            if len(open_cells) <= count:  # they hold exactly the digits missing: nothing to strike
                continue
            small = [cell for cell in open_cells if candidates[cell].bit_count() <= count]
            for group in combinations(small, count):
                digits = _union(candidates, group)
                if digits.bit_count() == count:
                    others = [cell for cell in open_cells if cell not in group]
                    found |= _remove(candidates, others, digits)
        return found

    return step


def hidden_subsets(count):
    """The step for hidden pairs (count 2) or triples (count 3)."""

    def step(board, values, candidates):
        """``count`` digits that fit only in the same ``count`` cells of a unit fill them."""
        found = False
        digits_of = digits_in(board.size)
        for unit in board.units:
            spots = [0] * board.size  # digit - 1 -> bitmask of positions within the unit
            position_bit, open_cells = 1, 0
            for cell in unit:
                mask = candidates[cell]
                if mask:
                    open_cells += 1
                    for digit in digits_of[mask]:
                        spots[digit] |= position_bit
                position_bit <<= 1
            if open_cells <= count:  # those cells hold exactly the digits missing: nothing to strike
                continue
            few = [digit for digit, where in enumerate(spots) if 0 < where.bit_count() <= count]
            for group in combinations(few, count):
                where = 0
                for digit in group:
                    where |= spots[digit]
                if where.bit_count() == count:
                    digits = sum(1 << digit for digit in group)
                    for position, cell in enumerate(unit):
                        if where >> position & 1 and candidates[cell] & ~digits:
                            candidates[cell] &= digits
                            found = True
        return found

    return step


_STEPS = (  # in the order of TECHNIQUES
    naked_singles,
    hidden_singles,
    _locked_candidates,
    naked_subsets(2),
    hidden_subsets(2),
    naked_subsets(3),
    hidden_subsets(3),
    basic_fish(2),
    basic_fish(3),
    turbot_fish,
    xy_wing,
    xyz_wing,
)


def solve_logically(size: int, givens: list[list[int]], hardest_allowed: int = HARDEST):
    """Solve like a person who knows only techniques up to ``hardest_allowed``.

    Returns ``(grid or None if stuck, index of the hardest technique used)``.
    """
    shape = shape_of(_check_size(size))
    flat, hardest = _solve(shape, [d for row in givens for d in row], hardest_allowed)
    return (None if flat is None else _rows(flat, size)), hardest


def _start(shape, givens, lacking=None):
    """``start`` for a sudoku, faster: each cell's candidates are the digits its row, column and
    box lack (one pass over the units), instead of striking every given from 20 peers. Carving
    keeps ``lacking`` up to date itself and passes it in."""
    if lacking is None:
        lacking = _lacking(shape, givens)
    candidates = [0 if digit else lacking[a] & lacking[b] & lacking[c]
                  for digit, (a, b, c) in zip(givens, shape.units_of)]
    return list(givens), candidates


def _solve(shape, givens, hardest_allowed, lacking=None):
    """(filled flat grid or None if stuck, index of the hardest technique used)."""
    values, candidates = _start(shape, givens, lacking)
    hardest = apply_steps(shape, values, candidates, _STEPS[: hardest_allowed + 1])
    return (None if 0 in values else values), hardest


# --- making puzzles ------------------------------------------------------------------------


def _random_full_grid(shape, rng):
    """A random valid complete grid: backtracking, always filling the most constrained cell.

    Each row, column and box keeps a bitmask of the digits it holds, so a cell's options are
    one expression instead of a walk over its 20 peers.
    """
    values = [0] * shape.cells
    used = [0] * len(shape.units)
    all_digits, units_of, digits_of = shape.all_digits, shape.units_of, digits_in(shape.size)
    empty = list(range(shape.cells))  # the empty cells in order, so ties go to the first

    def fill():
        best, best_options, fewest, position = None, 0, shape.size + 1, 0
        for index, cell in enumerate(empty):
            a, b, c = units_of[cell]
            options = all_digits & ~(used[a] | used[b] | used[c])
            count = options.bit_count()
            if count < fewest:
                best, best_options, fewest, position = cell, options, count, index
                if count <= 1:
                    break
        if best is None:
            return True
        digits = [d + 1 for d in digits_of[best_options]]
        rng.shuffle(digits)
        a, b, c = units_of[best]
        del empty[position]
        for digit in digits:
            bit = 1 << (digit - 1)
            values[best] = digit
            used[a] |= bit
            used[b] |= bit
            used[c] |= bit
            if fill():
                return True
            used[a] &= ~bit
            used[b] &= ~bit
            used[c] &= ~bit
        values[best] = 0
        empty.insert(position, best)
        return False

    fill()
    return values


def _swap_sets(shape, solution):
    """Per cell, the cell sets it belongs to whose two digits could trade places.

    Take two digits: in every row, column and box the cell holding one and the cell holding the
    other are linked. Swapping the two digits in a connected group of such cells gives another
    valid grid, so a puzzle that leaves such a group without a given has two solutions. Returns
    (per cell: indices of its groups, size of every group).
    """
    groups_of = [[] for _ in range(shape.cells)]
    sizes = []
    holding = [[0] * (shape.size + 1) for _ in shape.units]  # unit -> digit -> its cell there
    for unit, cells in zip(holding, shape.units):
        for cell in cells:
            unit[solution[cell]] = cell
    where = [[] for _ in range(shape.size + 1)]  # digit -> the cells holding it
    for cell, digit in enumerate(solution):
        where[digit].append(cell)
    units_of = shape.units_of
    for low, high in combinations(range(1, shape.size + 1), 2):
        seen = set()
        for first in where[low]:
            if first in seen:
                continue
            seen.add(first)
            group = [first]
            for cell in group:  # grows while it is walked: a breadth-first search
                other = high if solution[cell] == low else low
                for unit in units_of[cell]:
                    linked = holding[unit][other]
                    if linked not in seen:
                        seen.add(linked)
                        group.append(linked)
            for cell in group:
                groups_of[cell].append(len(sizes))
            sizes.append(len(group))
    return groups_of, sizes


RIVAL_SEARCH_NODES = 40  # a search for a second solution gives up after this many guesses


def _rival_exists(shape, values, candidates, cell, digit):
    """True if a search finds a solution with ``digit`` not in ``cell`` (state of the solver,
    whose strikes hold for every solution); False if it finds none within its guesses.

    Blanking ``cell`` from a puzzle with one solution, any second solution differs there.
    A plain search (naked singles, then guessing in the cell with fewest candidates) finds one
    in a few guesses where a sparse grid has many, far cheaper than every technique failing.
    """
    nodes = 0

    def search(values, candidates):
        nonlocal nodes
        nodes += 1
        if nodes > RIVAL_SEARCH_NODES:
            return None
        naked_singles(shape, values, candidates)
        best, fewest = -1, shape.size + 1
        for spot, value in enumerate(values):
            if not value:
                count = candidates[spot].bit_count()
                if count < fewest:
                    if not count:
                        return False
                    best, fewest = spot, count
        if best < 0:
            return True  # every cell filled from its candidates: a valid grid
        mask = candidates[best]
        while mask:
            bit = mask & -mask
            mask ^= bit
            guess = list(candidates)
            guess[best] = bit
            found = search(list(values), guess)
            if found is not False:
                return found
        return False

    others = list(candidates)
    others[cell] &= ~(1 << (digit - 1))
    return search(list(values), others) is True


def _carve(shape, solution, rng, rule):
    """Blank cells in random order while the level's solver can still fill the grid.

    A blank that would leave a swappable group (``_swap_sets``) without a given is refused
    without asking the solver: the puzzle would have two solutions, which no logic can fill,
    so the solver's answer is known and the puzzle is the same as when it is asked.

    Returns (flat givens, number of givens).
    """
    givens = list(solution)
    remaining = shape.cells
    order = list(range(shape.cells))
    rng.shuffle(order)
    # Worth its cost only where carving goes on to the fewest givens, which ends in refusals,
    # and not at 4x4, where a solver run costs about as little as finding the groups.
    worth_it = rule.fewest_givens == 0 and shape.size > 4
    groups_of, given_in_group = (_swap_sets(shape, solution) if worth_it
                                 else ([()] * shape.cells, []))
    lacking = [0] * len(shape.units)  # per unit, the digits blanked so far
    steps = _STEPS[: rule.hardest_allowed + 1]
    for cell in order:
        if remaining <= rule.fewest_givens:
            break
        groups = groups_of[cell]
        # (``groups and``: no generator per cell where no groups are kept, as at 4x4)
        if groups and any(given_in_group[group] == 1 for group in groups):
            continue
        givens[cell] = 0
        bit = 1 << (solution[cell] - 1)
        units = shape.units_of[cell]
        for unit in units:
            lacking[unit] |= bit
        a, b, c = units
        if lacking[a] & lacking[b] & lacking[c] != bit:  # else a naked single: solved as before
            values, candidates = _start(shape, givens, lacking)
            digit = solution[cell]
            if not solves_after_blanking(
                    shape, values, candidates, steps, cell,
                    lambda values, candidates: _rival_exists(shape, values, candidates, cell, digit)):
                givens[cell] = solution[cell]
                for unit in units:
                    lacking[unit] ^= bit
                continue
        remaining -= 1
        for group in groups:
            given_in_group[group] -= 1
    return givens, remaining


def _make(shape, level, rng):
    """Return (givens, solution, technique index) for one freshly carved puzzle."""
    rule = LEVEL_RULES[shape.size, level]
    while True:
        solution = _random_full_grid(shape, rng)
        givens, count = _carve(shape, solution, rng, rule)
        if count >= rule.givens_below:
            continue
        technique = _solve(shape, givens, rule.hardest_allowed)[1]
        if technique >= rule.must_need:
            return givens, solution, technique


def _rows(flat, size):
    return [list(flat[r * size : (r + 1) * size]) for r in range(size)]


def _check_size(size):
    size = DEFAULT_SIZE if size is None else size
    if isinstance(size, bool) or not isinstance(size, int) or size not in SIZES:
        raise PuzzleError(f"sudoku comes in sizes {SIZES}, not {size!r}")
    return size


def generate_fresh(seed, level: str, size: int | None = None) -> Puzzle:
    """Carve a new puzzle now, never from the pool (the pool script uses this)."""
    seed, level, size = check_seed(seed), check_level(level), _check_size(size)
    shape = shape_of(size)
    givens, solution, technique = _make(shape, level, rng_for(NAME, seed, level, size))
    return _puzzle(seed, level, shape, givens, solution, technique)


def _puzzle(seed, level, shape, givens, solution, technique):
    data = {
        "size": shape.size,
        "box": [shape.box_rows, shape.box_cols],
        "givens": _rows(givens, shape.size),
    }
    return Puzzle(NAME, level, seed, shape.size, data, _rows(solution, shape.size),
                  TECHNIQUES[technique])


def generate(seed, level: str, size: int | None = None) -> Puzzle:
    """The puzzle for (seed, level, size): carved live, or picked from the pool for slow levels."""
    seed, level, size = check_seed(seed), check_level(level), _check_size(size)
    if (size, level) not in POOLED:
        return generate_fresh(seed, level, size)
    rng = rng_for(NAME, seed, level, size)
    entry = rng.choice(load_pool()[f"{size}/{level}"])
    shape = shape_of(size)
    move = _random_symmetry(shape, rng)
    givens, solution = (move([int(ch) for ch in entry[key]]) for key in ("givens", "solution"))
    return _puzzle(seed, level, shape, givens, solution, TECHNIQUES.index(entry["grade"]))


@cache
def load_pool() -> dict:
    """{"<size>/<level>": [{"givens": "0305...", "solution": "1325...", "grade": name}, ...]}

    Grids are stored as strings of digits, row after row, 0 for an empty cell.
    """
    with POOL_FILE.open(encoding="utf-8") as file:
        return json.load(file)


def _random_symmetry(shape, rng):
    """A random sudoku symmetry, as a function from a flat grid to the moved flat grid.

    Rows move only within their band of boxes and bands move as a whole (the same for columns),
    so every row, column and box stays a row, column and box: the rules, the uniqueness and the
    techniques needed are all preserved. Digits are relabelled too.
    """
    size = shape.size

    def line_order(block):
        blocks = list(range(0, size, block))
        rng.shuffle(blocks)
        order = []
        for start in blocks:
            inside = list(range(start, start + block))
            rng.shuffle(inside)
            order += inside
        return order

    row_order, col_order = line_order(shape.box_rows), line_order(shape.box_cols)
    relabel = [0] + rng.sample(range(1, size + 1), size)  # keeps 0 = empty
    transpose = shape.box_rows == shape.box_cols and rng.random() < 0.5
    source = [row_order[r] * size + col_order[c] for r in range(size) for c in range(size)]
    if transpose:
        source = [source[c * size + r] for r in range(size) for c in range(size)]

    def move(flat):
        return [relabel[flat[cell]] for cell in source]

    return move


# --- checking answers ----------------------------------------------------------------------


def check_grid_answer(puzzle: Puzzle, answer) -> Check:
    """Compare a grid answer (0 = empty) with the solution; shared with futoshiki.

    Anything that is not a grid of the puzzle's size with digits 0..size and the givens
    untouched is a PuzzleError, so the web app can answer 400 instead of crashing.
    """
    size, givens, solution = puzzle.size, puzzle.data["givens"], puzzle.solution
    if not isinstance(answer, (list, tuple)) or len(answer) != size:
        raise PuzzleError(f"an answer is a list of {size} rows")
    wrong, missing = [], 0
    for r, row in enumerate(answer):
        if not isinstance(row, (list, tuple)) or len(row) != size:
            raise PuzzleError(f"row {r} is not a list of {size} numbers")
        for c, digit in enumerate(row):
            if isinstance(digit, bool) or not isinstance(digit, int) or not 0 <= digit <= size:
                raise PuzzleError(f"cell {r},{c} holds {digit!r}, not a number 0..{size}")
            if givens[r][c] and digit != givens[r][c]:
                raise PuzzleError(f"cell {r},{c} is given and cannot change")
            if digit == 0:
                missing += 1
            elif digit != solution[r][c]:
                wrong.append([r, c])
    return Check(solved=not wrong and not missing, wrong=wrong, missing=missing)


def check(puzzle: Puzzle, answer) -> Check:
    if puzzle.kind != NAME:
        raise PuzzleError(f"not a sudoku: {puzzle.kind!r}")
    return check_grid_answer(puzzle, answer)
