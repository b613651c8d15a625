"""How often do nonograms repeat? Distinct puzzles and the commonest one over many seeds per level.

Run from the repository root:  .venv/bin/python bench/bench_nonogram_variety.py [--seeds 1000]
    [--before REV]

A puzzle is its clues (two puzzles with the same clues are the same puzzle for a visitor). With
``--before REV`` the generator and pictures of that git revision are measured in the same run, so
the two columns come from one machine and one set of seeds.
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from puzzles import LEVELS, nonogram  # noqa: E402


def module_at(rev: str, workdir: Path):
    """puzzles/nonogram.py and its pictures as they were at ``rev``, imported beside today's."""
    (workdir / "data").mkdir()
    for name in ("nonogram.py", "data/nonogram_pictures.json"):
        text = subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:puzzles/{name}"],
                              check=True, capture_output=True, text=True).stdout
        (workdir / name).write_text(text, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("puzzles.nonogram_before", workdir / "nonogram.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def variety(module, level: str, seeds: int) -> tuple[int, int, int]:
    """(distinct puzzles, count of the commonest, distinct pictures among the titled ones)."""
    counts, pictures = Counter(), set()
    for seed in range(seeds):
        puzzle = module.generate(str(seed), level)
        counts[repr((puzzle.data["row_clues"], puzzle.data["col_clues"]))] += 1
        if "title" in puzzle.data:
            pictures.add(puzzle.data["title"])
    return len(counts), counts.most_common(1)[0][1], len(pictures)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=1000)
    parser.add_argument("--before", help="a git revision to measure in the same run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        versions = [("after", nonogram)]
        if args.before:
            versions.insert(0, (f"before ({args.before})", module_at(args.before, Path(tmp))))
        print(f"{args.seeds} seeds per level; a puzzle = its clues")
        print(f"{'version':22} {'level':7} {'size':>4} | {'distinct':>8} {'commonest':>9} "
              f"{'titles':>6}")
        for label, module in versions:
            for level in LEVELS:
                distinct, commonest, titles = variety(module, level, args.seeds)
                size = module.LEVEL_SIZES[level]
                print(f"{label:22} {level:7} {size:>4} | {distinct:>8} {commonest:>9} {titles:>6}")


if __name__ == "__main__":
    main()
