"""The kiosk on a slow machine: `kiosk serve` limited to 25 % of one core, beside the same unlimited.

A Raspberry Pi or an old laptop runs Python several times slower than a development machine. This
bench runs the production server (`kiosk serve`, waitress, 4 threads) twice over the same database
with five years of counts (bench_history.synthetic_rows): once as it is, once in a cgroup v1 `cpu`
controller that grants it 2.5 ms of every 10 ms (a short period slows each request rather than
pausing it for most of 100 ms). Without root or without the controller it says so and measures
the unlimited server only. For each server, in one run:

- cold start: from starting the process to the first answer of /health, and its RSS then;
- the room: four tablets, each starting a visitor every 2 s (a pace set in advance, so a slow
  answer does not slow the arrivals): a whole check-in (home, tap, group size, first visit, reasons)
  and a new 9×9 medium sudoku, while one admin reads Today and the year's History every 0.5 s
  (both paces can be set; see EVERY);
  p95 of every visitor request, of the puzzle pages and of the staff pages;
- memory: RSS after a fixed number of visitor requests (home, offers, health, puzzle pages).

The check-in rate against the trivial route is bench/bench_checkin.py. Goals (issue 18), at 25 % of
a core: visitor p95 < 100 ms, staff p95 < 300 ms, puzzle p95 < 100 ms; cold start < 1 s; RSS < 60 MB
after start and no growth over 10,000 requests.

    .venv/bin/python bench/bench_pi.py [--requests 10000] [--seconds 20] [--every 2 --admin-every 0.5]
"""

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

from bench_history import synthetic_rows  # noqa: E402
from bench_login_flood import KIOSK, PASSWORD, STAFF, kiosk_env, whole_checkin  # noqa: E402

from tests.tablet import Tablet, free_port  # noqa: E402

CGROUP = Path("/sys/fs/cgroup/cpu/kiosk-bench-pi")
PERIOD_US, QUOTA_US = 10_000, 2_500  # 25 % of one core
TABLETS = 4
# The default pace is a stress test: a whole check-in every 2 s on each tablet is 7,200 visitors
# an hour, and an admin reading two pages every 0.5 s. --every 10 --admin-every 5 is a pace a
# crowded room and a person clicking through pages can still produce.
EVERY = 2.0  # seconds between visitors on one tablet
ADMIN_EVERY = 0.5  # seconds between the admin's reads of Today and History
SUDOKU = "/activities/sudoku/medium/9"
ADMIN_PAGES = ("/admin/", "/admin/history?range=year")
MEMORY_PAGES = ("/", "/offers/", "/health", f"{SUDOKU}/new", f"{SUDOKU}/bench", "/activities/", "/help/")
GOALS = {"visitor p95 ms": 100, "puzzle p95 ms": 100, "staff p95 ms": 300, "cold start s": 1.0,
         "RSS after start MB": 60}


def cpu_limit_available(cgroup=CGROUP) -> str | None:
    """None when a server can be limited here (``cgroup`` made, granting 25 % of one core), else
    why not (said plainly in the output)."""
    if os.geteuid() != 0:
        return "not root"
    if not cgroup.parent.joinpath("cpu.cfs_quota_us").exists():
        return f"no cgroup v1 cpu controller at {cgroup.parent}"
    try:
        cgroup.mkdir(exist_ok=True)
        cgroup.joinpath("cpu.cfs_period_us").write_text(str(PERIOD_US))
        cgroup.joinpath("cpu.cfs_quota_us").write_text(str(QUOTA_US))
    except OSError as error:
        return f"cannot set up {cgroup}: {error}"
    return None


def joining(cgroup):
    """A Popen preexec_fn that puts the new process into ``cgroup`` before it runs the server."""
    return lambda: cgroup.joinpath("cgroup.procs").write_text(str(os.getpid()))


class TimedTablet(Tablet):
    """A tablet that notes how long each answer took, by the kind of page asked for."""

    def __init__(self, base, times):
        super().__init__(base, timeout=60)
        self.times = times

    def request(self, method, path, form=None):
        began = time.perf_counter()
        answer = super().request(method, path, form)
        kind = "staff" if path.startswith("/admin") else "puzzle" if path.startswith("/activities/") else "visitor"
        self.times.setdefault(kind, []).append(time.perf_counter() - began)
        if kind == "puzzle":  # a puzzle page is a visitor request too
            self.times.setdefault("visitor", []).append(time.perf_counter() - began)
        return answer


def make_database(folder):
    """Five years of counts and a staff account, made once and copied for each server."""
    from kiosk import create_app
    from kiosk.db import database
    from kiosk.migrations import create_tables
    from kiosk.models import Count
    from kiosk.security import create_staff

    app = create_app({"SECRET_KEY": "bench", "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3"},
                     instance_path=folder)
    with app.app_context():
        create_tables()
        create_staff(STAFF, PASSWORD)
        rows = list(synthetic_rows(random.Random(5)))
        with database.atomic():
            for start in range(0, len(rows), 500):
                Count.insert_many(rows[start:start + 500]).execute()
        database.close()
    return len(rows)


def rss_mb(pid) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def start(folder, limited):
    """(process, port, seconds from start to the first answer)."""
    port = free_port()
    env = kiosk_env(folder)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: the bytecode is on disk (see main)
    began = time.perf_counter()
    server = subprocess.Popen([*KIOSK, "serve", "--host", "127.0.0.1", "--port", str(port)], cwd=folder,
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              preexec_fn=joining(CGROUP) if limited else None)
    while time.perf_counter() - began < 60:
        try:
            if Tablet(f"http://127.0.0.1:{port}", timeout=5).request("GET", "/health")[0] == 200:
                return server, port, time.perf_counter() - began
        except OSError:
            time.sleep(0.005)
    server.kill()
    raise RuntimeError("the kiosk did not start: " + server.stderr.read().decode())


def room(port, seconds, every=EVERY, admin_every=ADMIN_EVERY):
    """Four paced tablets and one admin; the answer times by kind of page."""
    base = f"http://127.0.0.1:{port}"
    times, lock, failed = {}, threading.Lock(), []
    stop = time.perf_counter() + seconds

    def paced(work, every, client):
        due = time.perf_counter()
        while due < stop:
            time.sleep(max(0.0, due - time.perf_counter()))
            try:
                work(client)
            except Exception as error:  # noqa: BLE001 - counted and shown, the bench goes on
                failed.append(repr(error))
            due = max(due + every, time.perf_counter())

    def visitor(tablet):
        if not whole_checkin(tablet):
            failed.append("check-in refused")
        status, headers, _ = tablet.request("GET", f"{SUDOKU}/new")
        tablet.request("GET", headers["Location"])

    def admin(client):
        for page in ADMIN_PAGES:
            assert client.request("GET", page)[0] == 200, page

    per_thread = [{} for _ in range(TABLETS + 1)]
    staff = TimedTablet(base, per_thread[-1])
    assert staff.login(STAFF, PASSWORD), "the bench login failed"
    per_thread[-1].clear()  # the login's scrypt is not a page staff wait for each time
    threads = [threading.Thread(target=paced, args=(visitor, every, TimedTablet(base, per_thread[n])))
               for n in range(TABLETS)]
    threads.append(threading.Thread(target=paced, args=(admin, admin_every, staff)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with lock:
        for part in per_thread:
            for kind, seconds_list in part.items():
                times.setdefault(kind, []).extend(seconds_list)
    return times, failed


def many_requests(port, count):
    """`count` visitor requests from four clients, for the memory figure."""
    def run(n):
        tablet = Tablet(f"http://127.0.0.1:{port}", timeout=60)
        for i in range(n, count, 4):
            tablet.request("GET", MEMORY_PAGES[i % len(MEMORY_PAGES)])

    threads = [threading.Thread(target=run, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def p95(seconds):
    ms = sorted(s * 1000 for s in seconds)
    return ms[max(0, int(len(ms) * 0.95) - 1)]


def measure(template, limited, seconds, requests, every, admin_every):
    folder = tempfile.mkdtemp(prefix="bench-pi-")
    try:
        shutil.copy(Path(template) / "bench.sqlite3", folder)
        server, port, cold = start(folder, limited)
        try:
            figures = {"cold start s": cold, "RSS after start MB": rss_mb(server.pid)}
            times, failed = room(port, seconds, every, admin_every)
            for kind in ("visitor", "puzzle", "staff"):
                figures[f"{kind} median ms"] = statistics.median(times[kind]) * 1000
                figures[f"{kind} p95 ms"] = p95(times[kind])
                figures[f"{kind} requests"] = len(times[kind])
            figures["failed"] = len(failed)
            before = rss_mb(server.pid)
            began = time.perf_counter()
            many_requests(port, requests)
            figures["requests/s (memory run)"] = requests / (time.perf_counter() - began)
            figures["RSS before memory run MB"] = before
            figures[f"RSS after {requests} more MB"] = rss_mb(server.pid)
        finally:
            server.terminate()
            server.wait(10)
        return figures, failed
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=10_000, help="visitor requests for the memory figure")
    parser.add_argument("--seconds", type=float, default=20, help="length of the room phase")
    parser.add_argument("--every", type=float, default=EVERY, help="seconds between visitors on one tablet")
    parser.add_argument("--admin-every", type=float, default=ADMIN_EVERY,
                        help="seconds between the admin's reads of Today and History")
    args = parser.parse_args()
    print(f"load average at the start: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} cores)")
    why_not = cpu_limit_available()
    # An installed kiosk starts from bytecode (pip compiles it, or the first start writes it);
    # a checkout run with PYTHONDONTWRITEBYTECODE would compile every module on each start.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(BENCH.parent / "kiosk"),
                    str(BENCH.parent / "puzzles")], check=True)
    template = tempfile.mkdtemp(prefix="bench-pi-db-")
    try:
        rows = make_database(template)
        print(f"{rows} count rows over five years; {TABLETS} tablets each starting a visitor every {args.every:g} s "
              f"(whole check-in + new 9x9 medium sudoku), one admin every {args.admin_every:g} s "
              f"({', '.join(ADMIN_PAGES)}), {args.seconds:g} s")
        unlimited, failed = measure(template, False, args.seconds, args.requests, args.every, args.admin_every)
        if why_not:
            print(f"\nCPU LIMIT NOT APPLIED ({why_not}): only the unlimited server was measured.")
            limited = {}
        else:
            limited, failed_limited = measure(template, True, args.seconds, args.requests, args.every, args.admin_every)
            failed += failed_limited
    finally:
        shutil.rmtree(template, ignore_errors=True)
        if not why_not:
            CGROUP.rmdir()
    limit = f"{QUOTA_US / PERIOD_US:.0%} of a core ({QUOTA_US} of {PERIOD_US} µs)"
    print(f"\n{'figure':30} | {'unlimited':>10} | {limit if limited else 'not measured':>10} | ratio | goal")
    missed = []
    for name, value in unlimited.items():
        other = limited.get(name)
        ratio = f"{other / value:5.2f}" if other is not None and value else "    -"
        goal = GOALS.get(name)
        verdict = ""
        if goal is not None:
            judged = other if other is not None else value
            verdict = f"< {goal}: {'ok' if judged < goal else 'MISSED'}"
            if judged >= goal:
                missed.append(name)
        shown = f"{other:10.1f}" if other is not None else f"{'-':>10}"
        print(f"{name:30} | {value:10.1f} | {shown:>{max(10, len(limit))}} | {ratio} | {verdict}")
    for figures in (unlimited, limited):
        if figures:
            growth = figures[f"RSS after {args.requests} more MB"] - figures["RSS before memory run MB"]
            print(f"RSS growth over {args.requests} requests: {growth:+.1f} MB")
    if failed:
        print(f"failures: {len(failed)}, first: {failed[0]}")
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"goals missed: {', '.join(missed) or 'none'}")
    sys.exit(1 if missed or failed else 0)


if __name__ == "__main__":
    main()
