"""Regenerate puzzles/data/sudoku_pool.json: ready-made puzzles for levels too slow to carve live.

Run from the repository root:  .venv/bin/python bench/make_sudoku_pool.py [--count 240]

Every entry is carved by puzzles.sudoku.generate_fresh from the seed "pool-<n>", so the file is
the same on every run and machine. It takes a few minutes (it uses all cores).
"""

from __future__ import annotations

import argparse
import json
import sys
from multiprocessing import Pool
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from puzzles import sudoku  # noqa: E402


def _carve(job):
    size, level, number = job
    puzzle = sudoku.generate_fresh(f"pool-{number}", level, size)
    return {
        "givens": "".join(str(d) for row in puzzle.data["givens"] for d in row),
        "solution": "".join(str(d) for row in puzzle.solution for d in row),
        "grade": puzzle.grade,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=240, help="puzzles per pooled level")
    args = parser.parse_args()
    pool = {}
    with Pool() as workers:
        for size, level in sorted(sudoku.POOLED):
            jobs = [(size, level, n) for n in range(args.count)]
            pool[f"{size}/{level}"] = workers.map(_carve, jobs, chunksize=8)
            print(f"{size}x{size} {level}: {args.count} puzzles", file=sys.stderr)
    sudoku.POOL_FILE.parent.mkdir(exist_ok=True)
    with sudoku.POOL_FILE.open("w", encoding="utf-8") as file:
        json.dump(pool, file, indent=1)
        file.write("\n")


if __name__ == "__main__":
    main()
