"""How long generate() takes for word search, maze and nonogram, per level, over 100 seeds.

Run from the repository root:  .venv/bin/python bench/bench_puzzles_grid.py

Baseline, measured in the same run for the same seeds and sizes: the cheapest "puzzle" possible,
an unconstrained random grid of the same side drawn with the same seeded generator
(``rng_for`` plus one ``random()`` per cell). The ratio says how much the real work (placing words,
carving the maze, proving the nonogram line-solvable) costs on top of just drawing a grid, which
stays comparable across machines; the absolute times are printed too, because the kiosk's goal
is absolute: median ≤ 20 ms and p95 ≤ 100 ms per puzzle.

Caches (word lists, pictures, line arrangements) are warmed by one call first, as in the
long-running kiosk process.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from puzzles import LEVELS, maze, nonogram, wordsearch  # noqa: E402
from puzzles.base import rng_for  # noqa: E402

SEEDS = [f"seed-{n}" for n in range(100)]
GOAL_MEDIAN_MS, GOAL_P95_MS = 20.0, 100.0

CASES = [
    ("wordsearch de", wordsearch, wordsearch.LEVEL_SIZES, {"lang": "de"}),
    ("wordsearch tr", wordsearch, wordsearch.LEVEL_SIZES, {"lang": "tr"}),
    ("wordsearch en", wordsearch, wordsearch.LEVEL_SIZES, {"lang": "en"}),
    ("maze", maze, maze.LEVEL_SIZES, {}),
    ("nonogram", nonogram, nonogram.LEVEL_SIZES, {}),
]


def random_grid(kind, seed, level, size):
    rng = rng_for(kind, seed, level, size)
    return [[rng.random() < 0.5 for _ in range(size)] for _ in range(size)]


def timings_ms(make):
    """Milliseconds for ``make(seed)`` over all seeds."""
    result = []
    for seed in SEEDS:
        start = time.perf_counter_ns()
        make(seed)
        result.append((time.perf_counter_ns() - start) / 1e6)
    return result


def median_and_p95(values):
    ordered = sorted(values)
    return statistics.median(ordered), ordered[int(0.95 * (len(ordered) - 1))]


def main():
    header = (f"{'type':<14} {'level':<6} {'size':>4} | {'median ms':>9} {'p95 ms':>7} | "
              f"{'baseline µs':>11} | {'median ×':>8} {'p95 ×':>7} | goal")
    print(header)
    print("-" * len(header))
    all_met = True
    for label, module, level_sizes, options in CASES:
        for level in LEVELS:
            size = level_sizes[level]
            module.generate("warm-up", level, **options)
            real = timings_ms(lambda seed: module.generate(seed, level, **options))
            base = timings_ms(lambda seed: random_grid(module.NAME, seed, level, size))
            real_median, real_p95 = median_and_p95(real)
            base_median, base_p95 = median_and_p95(base)
            met = real_median <= GOAL_MEDIAN_MS and real_p95 <= GOAL_P95_MS
            all_met &= met
            print(f"{label:<14} {level:<6} {size:>4} | {real_median:>9.2f} {real_p95:>7.2f} | "
                  f"{base_median * 1000:>11.1f} | {real_median / base_median:>8.1f} "
                  f"{real_p95 / base_p95:>7.1f} | {'ok' if met else 'MISSED'}")
    print(f"\n{len(SEEDS)} seeds per row; goal: median ≤ {GOAL_MEDIAN_MS:g} ms, "
          f"p95 ≤ {GOAL_P95_MS:g} ms; Python {sys.version.split()[0]}")
    return 0 if all_met else 1


if __name__ == "__main__":
    sys.exit(main())
