"""Do the levels really differ? Independent measures per type, size and level, over 100 seeds.

Run from the repository root:  .venv/bin/python bench/bench_puzzles_levels.py [--seeds 100]

Sudoku and futoshiki: the givens (digits, and signs for futoshiki), the grades our solver gives,
and the nodes a naive backtracking search visits (first empty cell, digits in order, no logic):
code that shares nothing with the generator, so it measures the puzzle and not our grading.
9x9 sudoku is rated by HoDoKu (the ``hodoku-py`` port, a bench dependency) instead: too big for a
naive search in Python. Maze: moves from start to goal and dead ends. Medians, with the 10th and
90th percentile in brackets.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hodoku import Solver  # noqa: E402

from puzzles import LEVELS, futoshiki, maze, sudoku  # noqa: E402


def naive_nodes(size, givens, allowed):
    """Cells tried by plain backtracking until every solution is found.

    ``allowed(grid, cell, digit)`` says whether a digit may go in a cell.
    """
    grid = [d for row in givens for d in row]
    nodes = 0

    def search(cell):
        nonlocal nodes
        while cell < len(grid) and grid[cell]:
            cell += 1
        if cell == len(grid):
            return
        for digit in range(1, size + 1):
            if allowed(grid, cell, digit):
                nodes += 1
                grid[cell] = digit
                search(cell + 1)
                grid[cell] = 0

    search(0)
    return nodes


def sudoku_rule(size, box_rows, box_cols):
    def allowed(grid, cell, digit):
        r, c = divmod(cell, size)
        top, left = r - r % box_rows, c - c % box_cols
        return (all(grid[r * size + x] != digit for x in range(size))
                and all(grid[y * size + c] != digit for y in range(size))
                and all(grid[(top + y) * size + left + x] != digit
                        for y in range(box_rows) for x in range(box_cols)))
    return allowed


def futoshiki_rule(size, relations):
    smaller = [(r1 * size + c1, r2 * size + c2) for r1, c1, r2, c2, _ in relations]

    def allowed(grid, cell, digit):
        r, c = divmod(cell, size)
        if any(grid[r * size + x] == digit for x in range(size)):
            return False
        if any(grid[y * size + c] == digit for y in range(size)):
            return False
        grid[cell] = digit
        ok = all(not grid[a] or not grid[b] or grid[a] < grid[b] for a, b in smaller)
        grid[cell] = 0
        return ok
    return allowed


def spread(values):
    ordered = sorted(values)
    low, high = (ordered[int(share * (len(ordered) - 1))] for share in (0.1, 0.9))
    return f"{statistics.median(ordered):>6g} ({low:g}–{high:g})"


def hodoku_levels(puzzles):
    """HoDoKu's level names and the median of its score, for 9x9 puzzles."""
    solver = Solver()
    ratings = [solver.rate("".join(str(d) for row in p.data["givens"] for d in row)) for p in puzzles]
    levels = Counter(rating.level.name for rating in ratings).most_common()
    return f"HoDoKu {', '.join(f'{name} {count}' for name, count in levels)}; " \
           f"score {spread([rating.score for rating in ratings])}"


def grades(puzzles):
    return ", ".join(f"{name} {count}" for name, count in Counter(p.grade for p in puzzles).most_common())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=100)
    seeds = [f"level-{n}" for n in range(parser.parse_args().seeds)]

    print("sudoku       level   | givens          | naive nodes (9x9: HoDoKu) | our grades")
    for size in sudoku.SIZES:
        rule = sudoku_rule(size, *sudoku.BOX_SHAPES[size])
        for level in LEVELS:
            puzzles = [sudoku.generate(seed, level, size) for seed in seeds]
            givens = [sum(d > 0 for row in p.data["givens"] for d in row) for p in puzzles]
            if size < 9:
                measure = spread([naive_nodes(size, p.data["givens"], rule) for p in puzzles])
            else:
                measure = hodoku_levels(puzzles)
            print(f"{f'{size}x{size}':<12} {level:<7} | {spread(givens):<15} | {measure:<21} | "
                  f"{grades(puzzles)}")

    print("\nfutoshiki    level   | digits          | signs           | naive nodes           | grades")
    for size in futoshiki.SIZES:
        for level in LEVELS:
            puzzles = [futoshiki.generate(seed, level, size) for seed in seeds]
            digits = [sum(d > 0 for row in p.data["givens"] for d in row) for p in puzzles]
            signs = [len(p.data["relations"]) for p in puzzles]
            nodes = [naive_nodes(size, p.data["givens"], futoshiki_rule(size, p.data["relations"]))
                     for p in puzzles]
            print(f"{f'{size}x{size}':<12} {level:<7} | {spread(digits):<15} | {spread(signs):<15} | "
                  f"{spread(nodes):<21} | {grades(puzzles)}")

    print("\nmaze         level   | moves           | dead ends")
    for size in maze.SIZES:
        for level in LEVELS:
            puzzles = [maze.generate(seed, level, size) for seed in seeds]
            moves = [len(p.solution) - 1 for p in puzzles]
            dead = [maze.dead_ends(p.data["walls"]) for p in puzzles]
            print(f"{f'{size}x{size}':<12} {level:<7} | {spread(moves):<15} | {spread(dead)}")


if __name__ == "__main__":
    main()
