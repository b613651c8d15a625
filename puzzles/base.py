"""The small interface every puzzle type shares.

A puzzle type is a module with ``NAME``, ``generate(seed, level, size=None)`` and
``check(puzzle, answer)``. Everything a puzzle carries is plain JSON-able data so the web app can
render it, store nothing, and rebuild the same puzzle from its seed at any time.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from typing import Any

LEVELS = ("easy", "medium", "hard")


class PuzzleError(ValueError):
    """An unknown type, level, size or a seed we refuse (the web app turns this into a 400)."""


@dataclass(frozen=True)
class Puzzle:
    kind: str
    level: str
    seed: str
    size: int
    data: dict  # what the visitor sees: givens, grid, clues, walls ...
    solution: Any  # the one solution, same shape as an answer
    grade: str = ""  # what a human needs to solve it (e.g. the hardest sudoku technique)


@dataclass(frozen=True)
class Check:
    """The verdict on a proposed answer, helpful without giving the solution away."""

    solved: bool
    wrong: list = field(default_factory=list)  # positions/items that contradict the solution
    missing: int = 0  # how many cells/words are still open


def check_level(level: str) -> str:
    if level not in LEVELS:
        raise PuzzleError(f"unknown level {level!r}")
    return level


def check_seed(seed) -> str:
    seed = str(seed)
    if not 0 < len(seed) <= 64 or not seed.isprintable():
        raise PuzzleError("a seed is 1 to 64 printable characters")
    return seed


def rng_for(kind: str, seed: str, level: str, size: int | None = None) -> random.Random:
    """A random generator that depends only on its arguments, so a seed always gives one puzzle.

    Python's ``hash()`` of a str changes between processes, so the seed goes through SHA-256.
    """
    key = f"{kind}|{level}|{size}|{seed}".encode()
    return random.Random(int.from_bytes(hashlib.sha256(key).digest()[:8], "big"))
