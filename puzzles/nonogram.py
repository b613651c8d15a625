"""Nonogram (Malen nach Zahlen): fill cells so that each row and column shows its clue's blocks.

Levels
------
The level sets the grid: easy 5×5, medium 8×8, hard 10×10 (another size from ``SIZES`` may be
asked for explicitly).

How a puzzle is made
--------------------
The seed chooses between a designed picture (heart, house, cup … from
``data/nonogram_pictures.json``, about thirty per size, maybe mirrored) and a random picture.
Pictures are nicer, and elderly visitors like to see what they painted; random ones keep the daily
puzzle from repeating. A random picture is mirror-symmetric left to right, so it looks drawn rather
than scattered: each cell of its left half is filled with a chance set by the level, the right half
mirrors it, and it is redrawn until it passes the test every puzzle passes:

A puzzle is accepted only when the *line solver* solves it completely. It looks at one row or
column at a time, lists every way the clue's blocks fit that line and the cells already known,
and marks the cells that are filled (or empty) in all of them; it repeats over all lines until
nothing changes, and never guesses. Each step is forced, so a grid it completes is the only
solution, and a visitor can solve it line by line without trial and error.

Clues
-----
A clue lists the block lengths from left to right (top to bottom); an empty line has the clue
``[0]``, shown as "0" as in printed nonograms.
"""

from __future__ import annotations

import json
from functools import cache, lru_cache
from pathlib import Path

from .base import Check, Puzzle, PuzzleError, check_level, check_seed, rng_for
from .grid import as_list, check_kind, is_int, pick_size

NAME = "nonogram"
SIZES = (5, 8, 10)
LEVEL_SIZES = {"easy": 5, "medium": 8, "hard": 10}
PICTURES_FILE = Path(__file__).parent / "data" / "nonogram_pictures.json"

PICTURE_SHARE = 0.5  # chance that a seed gets a designed picture
# level -> chance that a cell of a random picture is filled: denser grids have longer blocks and
# are solved in fewer passes, sparser ones need more line-by-line reasoning
RANDOM_DENSITY = {"easy": 0.65, "medium": 0.55, "hard": 0.5}
MAX_RANDOM_TRIES = 1000  # random pictures tried before falling back to a designed one

UNKNOWN, EMPTY, FILLED = -1, 0, 1
MARKED_EMPTY = 2  # an answer may mark a cell as "surely empty"; it counts as empty


def generate(seed, level: str, size: int | None = None) -> Puzzle:
    seed, level = check_seed(seed), check_level(level)
    size = pick_size(NAME, level, size, SIZES, LEVEL_SIZES)
    rng = rng_for(NAME, seed, level, size)
    pictures = load_pictures()[size]  # every size has pictures (the tests check)
    title, solved = None, None
    if rng.random() < PICTURE_SHARE:
        title, cells = _designed(pictures, rng)
    else:
        solved = _random_solvable(size, RANDOM_DENSITY[level], rng)
        if solved is None:
            title, cells = _designed(pictures, rng)
    if solved is None:
        row_clues, col_clues, passes = _designed_clues(tuple(map(tuple, cells)))
        row_clues, col_clues = [list(c) for c in row_clues], [list(c) for c in col_clues]
    else:
        cells, row_clues, col_clues, passes = solved
    data = {"rows": size, "cols": size, "row_clues": row_clues, "col_clues": col_clues}
    if title:
        data["title"] = title
    return Puzzle(NAME, level, seed, size, data, cells, f"line solving, {passes} passes")


@cache
def load_pictures() -> dict[int, list[tuple[str, list[list[int]]]]]:
    """side -> [(title, cells)]; the file draws each row as a string of '#' (filled) and '.'."""
    with PICTURES_FILE.open(encoding="utf-8") as file:
        pictures = json.load(file)["pictures"]
    by_size = {}
    for picture in pictures:
        cells = [[int(ch == "#") for ch in row] for row in picture["rows"]]
        by_size.setdefault(len(cells), []).append((picture["title"], cells))
    return by_size


def _designed(pictures, rng):
    """A random designed picture, mirrored left-right half of the time (it stays solvable)."""
    title, cells = rng.choice(pictures)
    if rng.random() < 0.5:
        cells = [row[::-1] for row in cells]
    return title, [row[:] for row in cells]


@cache
def _designed_clues(cells):
    """(row clues, column clues, line solver passes) of a designed picture, worked out once:
    there are only a few dozen of them (mirrored or not) per size. The caller copies the clues,
    which go into a puzzle's data."""
    row_clues, col_clues = clues(cells)
    return row_clues, col_clues, line_solve(row_clues, col_clues)[1]


def _random_solvable(size, density, rng):
    """(cells, row clues, column clues, passes) of a random picture, mirror-symmetric left to
    right, that the line solver completes; None if none was found.

    Symmetry makes a random picture look drawn (a vase, a face, a beetle) instead of like noise.
    """
    half = (size + 1) // 2  # an odd size keeps its middle column once
    for _ in range(MAX_RANDOM_TRIES):
        left = [[int(rng.random() < density) for _ in range(half)] for _ in range(size)]
        cells = [row + row[: size - half][::-1] for row in left]
        row_clues, col_clues = clues(cells)
        solved, passes = line_solve(row_clues, col_clues)
        if solved == cells:
            return cells, row_clues, col_clues, passes
    return None


def clues(cells) -> tuple[list[list[int]], list[list[int]]]:
    """(row clues, column clues) of a 0/1 grid."""
    return [_line_clue(row) for row in cells], [_line_clue(col) for col in zip(*cells)]


def _line_clue(line) -> list[int]:
    blocks, run = [], 0
    for cell in (*line, 0):
        if cell:
            run += 1
        elif run:
            blocks.append(run)
            run = 0
    return blocks or [0]


# --- the line solver ---------------------------------------------------------------------------
# A line's cells are bits of an int (bit i = cell i), so "fits what we know" and "filled in every
# arrangement" are a few bit operations.


@cache
def _arrangements(blocks: tuple[int, ...], length: int) -> tuple[int, ...]:
    """Every way to place ``blocks`` in a line of ``length`` cells, as bitmasks of filled cells."""
    if not blocks:
        return (0,)
    first, rest = blocks[0], blocks[1:]
    room_for_rest = sum(rest) + len(rest)
    result = []
    for start in range(length - room_for_rest - first + 1):
        block = ((1 << first) - 1) << start
        skip = start + first + 1  # the rest starts after this block and one gap
        for tail in _arrangements(rest, max(length - skip, 0)):
            result.append(block | tail << skip)
    return tuple(result)


@lru_cache(maxsize=4096)
def _solve_line(blocks, length, filled, empty):
    """(filled, empty) bitmasks after this line's deductions, or None if nothing fits.

    Kept for the last lines seen: every line starts from nothing known, and the same few
    clues with the same few known cells come again and again."""
    fitting = [a for a in _arrangements(blocks, length) if not a & empty and a & filled == filled]
    if not fitting:
        return None
    always, ever = -1, 0
    for arrangement in fitting:
        always &= arrangement
        ever |= arrangement
    return always, ((1 << length) - 1) & ~ever


def line_solve(row_clues, col_clues) -> tuple[list[list[int]] | None, int]:
    """(the solved 0/1 grid or None if the line solver gets stuck, passes over all lines).

    Each row and column keeps its known cells as two bitmasks (filled, empty), and a line is
    solved again only when a crossing line has told it something new since its last turn (the
    same knowledge gives the same deductions).
    """
    rows, cols = len(row_clues), len(col_clues)
    # per line: [blocks, length, filled, empty, (filled, empty) when last solved]
    row_lines = [[tuple(b for b in clue if b), cols, 0, 0, None] for clue in row_clues]
    col_lines = [[tuple(b for b in clue if b), rows, 0, 0, None] for clue in col_clues]
    passes, changed = 0, True
    while changed:
        passes += 1
        changed = False
        for lines, crossing in ((row_lines, col_lines), (col_lines, row_lines)):
            for index, line in enumerate(lines):
                blocks, length, filled, empty, last = line
                if last == (filled, empty):
                    continue
                known = _solve_line(blocks, length, filled, empty)
                if known is None:
                    return None, passes
                new_filled, new_empty = known[0] & ~filled, known[1] & ~empty
                if new_filled or new_empty:
                    changed = True
                    line[2], line[3] = filled | new_filled, empty | new_empty
                    bit = 1 << index
                    for i in range(length):
                        if new_filled >> i & 1:
                            crossing[i][2] |= bit
                        elif new_empty >> i & 1:
                            crossing[i][3] |= bit
                line[4] = (line[2], line[3])
    if any(filled | empty != (1 << length) - 1 for _, length, filled, empty, _ in row_lines):
        return None, passes
    return [[filled >> c & 1 for c in range(cols)] for _, _, filled, _, _ in row_lines], passes


def check(puzzle: Puzzle, answer) -> Check:
    """``answer`` is the grid as painted: 1 filled, 0 empty, 2 marked empty (counts as 0).

    ``wrong`` lists filled cells that must stay empty, ``missing`` counts cells still to fill.
    """
    check_kind(puzzle, NAME)
    rows, cols = puzzle.data["rows"], puzzle.data["cols"]
    grid = as_list(answer, "an answer")
    if len(grid) != rows:
        raise PuzzleError(f"an answer has {rows} rows, not {len(grid)}")
    wrong, missing = [], 0
    for r, raw_row in enumerate(grid):
        row = as_list(raw_row, f"row {r}")
        if len(row) != cols:
            raise PuzzleError(f"row {r} has {cols} cells, not {len(row)}")
        for c, value in enumerate(row):
            if not is_int(value) or value not in (EMPTY, FILLED, MARKED_EMPTY):
                raise PuzzleError(f"cell {r},{c} holds {value!r}, not 0, 1 or 2")
            should_fill = puzzle.solution[r][c] == FILLED
            if value == FILLED and not should_fill:
                wrong.append([r, c])
            elif value != FILLED and should_fill:
                missing += 1
    return Check(solved=not wrong and not missing, wrong=wrong, missing=missing)
