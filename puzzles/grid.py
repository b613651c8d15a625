"""Helpers shared by the grid puzzles (word search, maze, nonogram).

Answers arrive from the web app as JSON, so every value is checked here before it is trusted: a
malformed answer must become a ``PuzzleError`` (a 400 for the app), never a crash.
"""

from __future__ import annotations

from .base import Puzzle, PuzzleError


def pick_size(kind: str, level: str, size, sizes: tuple, level_sizes: dict) -> int:
    """The grid side for ``level``; an explicit ``size`` must be one of ``sizes``."""
    if size is None:
        return level_sizes[level]
    if not is_int(size) or size not in sizes:
        raise PuzzleError(f"{kind} comes in sizes {sizes}, not {size!r}")
    return size


def check_kind(puzzle: Puzzle, kind: str) -> None:
    if not isinstance(puzzle, Puzzle) or puzzle.kind != kind:
        raise PuzzleError(f"not a {kind} puzzle")


def is_int(value) -> bool:
    """True for a real int; JSON ``true`` arrives as a bool, which Python counts as an int."""
    return isinstance(value, int) and not isinstance(value, bool)


def as_list(value, what: str) -> list:
    if not isinstance(value, (list, tuple)):
        raise PuzzleError(f"{what} must be a list, not {type(value).__name__}")
    return list(value)


def as_cell(value, rows: int, cols: int) -> tuple[int, int]:
    """``[row, col]`` inside the grid, as a tuple."""
    pair = as_list(value, "a cell")
    if len(pair) != 2 or not all(is_int(n) for n in pair):
        raise PuzzleError(f"a cell is [row, column], not {value!r}")
    row, col = pair
    if not (0 <= row < rows and 0 <= col < cols):
        raise PuzzleError(f"cell {value!r} is outside the {rows}x{cols} grid")
    return row, col
