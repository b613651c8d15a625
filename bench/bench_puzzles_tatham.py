"""Our sudoku, futoshiki and nonogram generators next to Simon Tatham's C and dokusan, one run.

Run from the repository root:  .venv/bin/python bench/bench_puzzles_tatham.py [--runs 60]

For every type, level and size a visitor can ask for, the CPU time of one puzzle:

* ours: ``generate(seed, level, size)`` over the seeds "bench-0", "bench-1", ... after one warm-up
  call (the kiosk is a long-running process). Levels served from the sudoku pool are timed twice:
  as served (a pick from the pool) and carved live (``generate_fresh``); the ratio uses the live
  carving, because the point is whether the pool could go.
* Tatham: Debian's ``sgt-puzzles`` (``/usr/games/sgt-solo``, ``sgt-unequal``, ``sgt-pattern``),
  ``--generate N <params>`` in a child process, without symmetry (ours have none either). Its
  CPU time per puzzle is (CPU of N puzzles - CPU of 1 puzzle) / (N - 1), so the process start
  does not count; N grows until the N puzzles take about a second. Tatham seeds from the clock,
  so its puzzles differ from run to run.
* dokusan (pure Python, ``generators.random_sudoku``) for 9x9 sudoku, avg_rank 50 / 150 / 300 for
  easy / medium / hard as in bench_puzzles_sudoku.py.

The levels are matched by the techniques they need (our module docstrings; Tatham's manual):
sudoku easy = singles = Tatham "Basic", medium = locked candidates = "Intermediate", 9x9 hard =
X-wing, turbot fish, XY-wing ... = "Extreme" (positional sets and forcing chains); 6x6 medium
(naked singles) = "Trivial", 6x6 hard (locked candidates or pairs) = "Intermediate"; 4x4 (naked
singles only) = "Trivial". Futoshiki easy 4x4 = unequal "Trivial", medium 5x5 (hidden single) =
"Easy", hard 5x5 (pairs) = "Tricky". Nonograms have no levels in Tatham's ``pattern``: the same
grid size. Ratios are mean CPU per puzzle, ours / Tatham's; the goal is at most 3.

Exits 1 if a Tatham binary is missing (the table is still printed). Not a test.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dokusan import generators

from puzzles import futoshiki, nonogram, sudoku

GOAL_RATIO = 3.0
DOKUSAN_RANKS = {"easy": 50, "medium": 150, "hard": 300}
SOLO = {"easy": "db", "medium": "di", "hard": "de"}  # 9x9 and 6x6 easy
SOLO_SMALL = {(6, "medium"): "dt", (6, "hard"): "di", (4, "easy"): "dt", (4, "medium"): "dt",
              (4, "hard"): "dt"}
UNEQUAL = {"easy": "dt", "medium": "de", "hard": "dk"}


def rows():
    """(name, level, size, ours(seed), Tatham binary, Tatham params, dokusan rank or None)."""
    for size in sudoku.SIZES:
        box_rows, box_cols = sudoku.BOX_SHAPES[size]
        for level in ("easy", "medium", "hard"):
            params = f"{box_rows}x{box_cols}a" + SOLO_SMALL.get((size, level), SOLO[level])
            rank = DOKUSAN_RANKS[level] if size == 9 else None
            if (size, level) in sudoku.POOLED:
                yield ("sudoku (pool)", level, size, sudoku.generate, None, None, None)
                yield ("sudoku (live)", level, size, sudoku.generate_fresh, "sgt-solo", params, rank)
            else:
                yield ("sudoku", level, size, sudoku.generate, "sgt-solo", params, rank)
    for level, size in futoshiki.DEFAULT_SIZES.items():
        yield ("futoshiki", level, size, futoshiki.generate, "sgt-unequal",
               f"{size}{UNEQUAL[level]}", None)
    for level, size in nonogram.LEVEL_SIZES.items():
        yield ("nonogram", level, size, nonogram.generate, "sgt-pattern", f"{size}x{size}", None)


def cpu_ms_per_call(make, count):
    """CPU milliseconds of each of make(0) .. make(count - 1), after one warm-up call."""
    make(-1)
    times = []
    for n in range(count):
        start = time.process_time()
        make(n)
        times.append((time.process_time() - start) * 1000)
    return times


def child_cpu_seconds(command):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def tatham_ms(binary, params):
    """Mean CPU ms per puzzle of Tatham's generator, the process start taken out."""
    path = shutil.which(binary) or shutil.which(binary, path="/usr/games")
    if path is None:
        return None
    one = min(child_cpu_seconds([path, "--generate", "1", params]) for _ in range(3))
    count = 20
    while True:
        total = child_cpu_seconds([path, "--generate", str(count), params])
        if total >= 1.0 or count >= 5000:
            return max(total - one, 0.0) / (count - 1) * 1000
        count = min(5000, int(count * max(2.0, 1.2 / max(total, 1e-3))))


def dokusan_ms(rank, count):
    random.seed(rank)  # dokusan draws from the global random module
    return cpu_ms_per_call(lambda n: generators.random_sudoku(avg_rank=rank), count)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=60, help="our seeds per row")
    parser.add_argument("--dokusan-runs", type=int, default=10, help="dokusan puzzles per rank")
    args = parser.parse_args()
    print(f"# {platform.python_implementation()} {platform.python_version()} on "
          f"{platform.machine()}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; "
          f"{args.runs} seeds per row, dokusan {args.dokusan_runs} per rank; CPU ms per puzzle")
    print("| puzzle | level | size | ours mean | ours median | ours p95 | Tatham (params) mean "
          "| ours ÷ Tatham | dokusan mean (avg_rank) | ours ÷ dokusan |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    missing, missed = False, []
    dokusan = {}
    for name, level, size, make, binary, params, rank in rows():
        times = cpu_ms_per_call(lambda n, make=make, level=level, size=size:
                                make(f"bench-{n}", level, size), args.runs)
        mean, ordered = statistics.fmean(times), sorted(times)
        p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
        line = f"| {name} | {level} | {size}x{size} | {mean:.2f} | {statistics.median(times):.2f} " \
               f"| {p95:.2f} |"
        if binary is None:
            line += " (not carved) | | | |"
        else:
            theirs = tatham_ms(binary, params)
            if theirs is None:
                missing = True
                line += f" {binary} not installed | | "
            else:
                ratio = mean / theirs if theirs else float("inf")
                if ratio > GOAL_RATIO:
                    missed.append(f"{name} {level} {size}x{size}")
                line += f" {theirs:.2f} ({params}) | {ratio:.1f} |"
            if rank is not None:
                if rank not in dokusan:
                    dokusan[rank] = statistics.fmean(dokusan_ms(rank, args.dokusan_runs))
                line += f" {dokusan[rank]:.1f} ({rank}) | {mean / dokusan[rank]:.2f} |"
            else:
                line += " | |"
        print(line, flush=True)
    print(f"# over {GOAL_RATIO:g}x Tatham: {', '.join(missed) or 'none'}")
    print(f"# load average at the end {os.getloadavg()[0]:.1f}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
