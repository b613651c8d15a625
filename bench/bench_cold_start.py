"""Cold start: `kiosk serve` from starting the process to its first answers, against the start of a
bare interpreter (`python -c pass`) and of one that imports Flask, in the same run.

Per trial, one after the other: `python -c pass`, `python -c "import flask"`, then `kiosk serve`
on a fresh copy of an existing database (as after a restart), timed to the first answer of
`/health` (what the tablet asks first) and then to the first answer of `/` (the first visitor's
start screen, so that a lazy import does not make the first tap slow instead). Medians over the
trials; the ratios carry over between machines better than the seconds (goal: < 1 s).

    .venv/bin/python bench/bench_cold_start.py [--trials 7]
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

from bench_login_flood import KIOSK, kiosk_env  # noqa: E402

from tests.tablet import Tablet, free_port  # noqa: E402


def interpreter(code) -> float:
    began = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - began


def kiosk_serve(template) -> tuple[float, float]:
    """Seconds from starting `kiosk serve` to the first answer of /health, and of / after it."""
    folder = tempfile.mkdtemp(prefix="bench-cold-")
    try:
        shutil.copy(Path(template) / "bench.sqlite3", folder)
        port = free_port()
        began = time.perf_counter()
        server = subprocess.Popen([*KIOSK, "serve", "--host", "127.0.0.1", "--port", str(port)], cwd=folder,
                                  env=kiosk_env(folder), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            tablet = Tablet(f"http://127.0.0.1:{port}", timeout=30)
            while True:
                try:
                    if tablet.request("GET", "/health")[0] == 200:
                        break
                except OSError:
                    tablet = Tablet(f"http://127.0.0.1:{port}", timeout=30)
                    time.sleep(0.002)
                if time.perf_counter() - began > 60:
                    raise RuntimeError("the kiosk did not start: " + server.stderr.read().decode())
            health = time.perf_counter() - began
            assert tablet.request("GET", "/")[0] == 200
            return health, time.perf_counter() - began
        finally:
            server.terminate()
            server.wait(10)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def make_database(folder):
    """A database as `kiosk serve` leaves it: made by one start, so each trial only opens it."""
    env = kiosk_env(folder)
    subprocess.run([*KIOSK, "init-db"], cwd=folder, env=env, check=True, stdout=subprocess.DEVNULL)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=7)
    args = parser.parse_args()
    # An installed kiosk starts from bytecode (pip compiles it, or the first start writes it).
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(BENCH.parent / "kiosk"),
                    str(BENCH.parent / "puzzles")], check=True)
    template = tempfile.mkdtemp(prefix="bench-cold-db-")
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    try:
        make_database(template)
        figures = {"python -c pass": [], "python -c 'import flask'": [], "kiosk serve: first /health": [],
                   "kiosk serve: then first /": []}
        for _ in range(args.trials):
            figures["python -c pass"].append(interpreter("pass"))
            figures["python -c 'import flask'"].append(interpreter("import flask"))
            health, home = kiosk_serve(template)
            figures["kiosk serve: first /health"].append(health)
            figures["kiosk serve: then first /"].append(home)
    finally:
        shutil.rmtree(template, ignore_errors=True)
    print(f"{args.trials} trials; load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} "
          f"on {os.cpu_count()} cores")
    bare = statistics.median(figures["python -c pass"])
    print(f"{'':28} | median s | × python -c pass")
    for name, seconds in figures.items():
        print(f"{name:28} | {statistics.median(seconds):8.3f} | {statistics.median(seconds) / bare:8.1f}")
    health = statistics.median(figures["kiosk serve: first /health"])
    print(f"cold start to the first answer: {health:.2f} s (goal < 1 s): {'ok' if health < 1 else 'MISSED'}")
    return 0 if health < 1 else 1


if __name__ == "__main__":
    sys.exit(main())
