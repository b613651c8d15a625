"""Brain teasers for the Kiez+ kiosk: a pure Python library (no Flask, no database).

Usage::

    import puzzles
    p = puzzles.generate("sudoku", seed="2026-11-26", level="easy", size=4)
    puzzles.check(p, answer)        # -> Check(solved=..., wrong=[...], missing=...)
    puzzles.puzzle_of_the_day("maze", date(2026, 11, 26), "medium")
"""

from __future__ import annotations

import importlib
from datetime import date

from .base import LEVELS, Check, Puzzle, PuzzleError, check_level, check_seed

# kind -> module name; each module offers NAME, SIZES, generate(seed, level, size) and check().
_MODULES = {
    "sudoku": "sudoku",
    "wordsearch": "wordsearch",
    "maze": "maze",
    "nonogram": "nonogram",
    "futoshiki": "futoshiki",
}


def puzzle_type(kind: str):
    """The module implementing ``kind``; PuzzleError for anything else."""
    if kind not in _MODULES:
        raise PuzzleError(f"unknown puzzle type {kind!r}")
    return importlib.import_module(f".{_MODULES[kind]}", __name__)


def kinds() -> list[str]:
    return list(_MODULES)


def generate(kind: str, seed, level: str, size: int | None = None) -> Puzzle:
    return puzzle_type(kind).generate(check_seed(seed), check_level(level), size)


def check(puzzle: Puzzle, answer) -> Check:
    return puzzle_type(puzzle.kind).check(puzzle, answer)


def puzzle_of_the_day(kind: str, day: date, level: str, size: int | None = None) -> Puzzle:
    """The same puzzle for everybody on that day: the date is the seed."""
    return generate(kind, day.isoformat(), level, size)


__all__ = ["LEVELS", "Check", "Puzzle", "PuzzleError", "generate", "check", "kinds",
           "puzzle_type", "puzzle_of_the_day"]
