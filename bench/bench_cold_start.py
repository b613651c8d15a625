"""Cold start: `kiosk serve` from starting the process to its first answers, against the start of a
bare interpreter (`python -c pass`) and of one that imports Flask, in the same run.

Per trial, one after the other: `python -c pass`, `python -c "import flask"`, then `kiosk serve`
on a fresh copy of an existing database (as after a restart), timed to the first answer of
`/health` (what the tablet asks first) and then to the first answer of `/` (the first visitor's
start screen, so that a lazy import does not make the first tap slow instead). Medians over the
trials; the ratios carry over between machines better than the seconds (goal: < 1 s). Beside the
seconds it gives the CPU time the server had used by its first answer (all its threads, from
/proc): what a loaded machine disturbs least, and what a slow one multiplies.

With --limited (root and a cgroup v1 `cpu` controller, as bench/bench_pi.py) the server runs at
25 % of one core (2.5 ms of every 10 ms), as on a Raspberry Pi or an old laptop; the goal is
< 1 s there, which leaves it about 0.25 s of CPU.

    .venv/bin/python bench/bench_cold_start.py [--trials 7] [--limited]
"""

import argparse
import os
import resource
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
from bench_pi import PERIOD_US, QUOTA_US, cpu_limit_available, joining  # noqa: E402

from tests.tablet import Tablet, free_port  # noqa: E402

# Not bench_pi's group: the two benches may run at the same time.
CGROUP = Path("/sys/fs/cgroup/cpu/kiosk-bench-cold")


def interpreter(code) -> tuple[float, float]:
    """Seconds and CPU seconds of `python -c code`."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    seconds = time.perf_counter() - began
    now = resource.getrusage(resource.RUSAGE_CHILDREN)
    return seconds, now.ru_utime + now.ru_stime - used.ru_utime - used.ru_stime


def cpu_seconds(pid) -> float:
    """CPU time of every thread of the process so far (nanoseconds on the CPU, /proc schedstat)."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        total += int(task.joinpath("schedstat").read_text().split()[0])
    return total / 1e9


def kiosk_serve(template, limited=False) -> tuple[float, float, float]:
    """Seconds from starting `kiosk serve` to the first answer of /health, the server's CPU
    seconds by then, and the seconds to the first answer of / after it."""
    folder = tempfile.mkdtemp(prefix="bench-cold-")
    try:
        shutil.copy(Path(template) / "bench.sqlite3", folder)
        port = free_port()
        began = time.perf_counter()
        server = subprocess.Popen([*KIOSK, "serve", "--host", "127.0.0.1", "--port", str(port)], cwd=folder,
                                  env=kiosk_env(folder), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                  preexec_fn=joining(CGROUP) if limited else None)
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
            cpu = cpu_seconds(server.pid)
            assert tablet.request("GET", "/")[0] == 200
            return health, cpu, time.perf_counter() - began
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
    parser.add_argument("--limited", action="store_true", help="run the server at 25 %% of one core")
    args = parser.parse_args()
    if args.limited and (why_not := cpu_limit_available(CGROUP)):
        print(f"cannot run the server at 25 % of one core: {why_not}")
        return 2
    # An installed kiosk starts from bytecode (pip compiles it, or the first start writes it).
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(BENCH.parent / "kiosk"),
                    str(BENCH.parent / "puzzles")], check=True)
    template = tempfile.mkdtemp(prefix="bench-cold-db-")
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    try:
        make_database(template)
        figures = {"python -c pass": [], "python -c 'import flask'": [], "kiosk serve: first /health": [],
                   "kiosk serve: then first /": [], "CPU: python -c 'import flask'": [],
                   "CPU: kiosk serve to /health": []}
        for _ in range(args.trials):
            figures["python -c pass"].append(interpreter("pass")[0])
            seconds, cpu = interpreter("import flask")
            figures["python -c 'import flask'"].append(seconds)
            figures["CPU: python -c 'import flask'"].append(cpu)
            health, cpu, home = kiosk_serve(template, args.limited)
            figures["kiosk serve: first /health"].append(health)
            figures["CPU: kiosk serve to /health"].append(cpu)
            figures["kiosk serve: then first /"].append(home)
    finally:
        shutil.rmtree(template, ignore_errors=True)
        if args.limited:
            CGROUP.rmdir()
    limit = f"server at {QUOTA_US / PERIOD_US:.0%} of one core" if args.limited else "server unlimited"
    print(f"{limit}; {args.trials} trials; load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} "
          f"on {os.cpu_count()} cores")
    median = {name: statistics.median(values) for name, values in figures.items()}
    print(f"{'':30} | median s | × python -c pass")
    for name in list(median)[:4]:
        print(f"{name:30} | {median[name]:8.3f} | {median[name] / median['python -c pass']:8.1f}")
    flask_cpu = median["CPU: python -c 'import flask'"]
    print(f"{'':30} | median s | × CPU of import flask")
    for name in list(median)[4:]:
        print(f"{name:30} | {median[name]:8.3f} | {median[name] / flask_cpu:8.1f}")
    health = statistics.median(figures["kiosk serve: first /health"])
    print(f"cold start to the first answer: {health:.2f} s (goal < 1 s): {'ok' if health < 1 else 'MISSED'}")
    return 0 if health < 1 else 1


if __name__ == "__main__":
    sys.exit(main())
