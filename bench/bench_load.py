"""A drop-in hour under load: four tablets doing whole check-ins while an admin reads reports.

`kiosk serve` runs in its own process exactly as in production (waitress, 4 threads). Three
phases of fixed length, each against the same server:

1. baseline: four clients asking /health (the cheapest request through the same stack);
2. tablets: four clients doing whole check-ins (tap, group size, first visit, reasons: 8 requests);
3. tablets + admin: the same, while one admin reads today, the year's history and its CSV.

Reported: requests/s and visitors/s per phase, the admin's page times, and that the stored
check-ins equal the accepted ones. With KIOSK_BENCH_DATABASE_URL=postgresql://… it runs on
PostgreSQL as well as on SQLite.

    .venv/bin/python bench/bench_load.py
"""

import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playhouse.db_url import connect  # noqa: E402

from tests.tablet import HIDDEN, Tablet, start_kiosk  # noqa: E402

TABLETS = 4
SECONDS = 5  # per phase
ADMIN_PAGES = ("/admin/", "/admin/history?range=year", "/admin/history.csv?range=year")


def whole_checkin(tablet):
    """One visitor: tap, then answer the three questions. True when the tap was accepted."""
    if not tablet.checkin():
        return False
    location = tablet.last_location
    for answer in ({"size": "2"}, {"first": "no"}, {"reasons": ["crafts", "meeting"]}):
        _, _, html = tablet.request("GET", location)
        form = {name: re.search(HIDDEN.format(name), html).group(1) for name in ("csrf_token", "ticket")}
        step = location.split("/")[2]
        status, headers, _ = tablet.request("POST", f"/checkin/{step}", {**form, **answer})
        location = headers.get("Location", "")
    return True


class RecordingTablet(Tablet):
    """Remembers where the last answer pointed, so the next question can follow it."""

    last_location = ""

    def request(self, method, path, form=None):
        status, headers, text = super().request(method, path, form)
        self.last_location = headers.get("Location", "")
        return status, headers, text


def run_phase(base, visitor_work, with_admin):
    stop = time.monotonic() + SECONDS
    done, accepted, requests, admin_times = [], [], [0], []
    lock = threading.Lock()

    def tablet():
        client = RecordingTablet(base)
        while time.monotonic() < stop:
            ok, sent = visitor_work(client)
            with lock:
                done.append(1)
                accepted.append(ok)
                requests[0] += sent

    def admin():
        client = Tablet(base)
        assert client.login("bench", "a long bench password")
        while time.monotonic() < stop:
            for page in ADMIN_PAGES:
                began = time.perf_counter()
                status, _, _ = client.request("GET", page)
                admin_times.append((page, time.perf_counter() - began))
                assert status == 200, (page, status)

    threads = [threading.Thread(target=tablet) for _ in range(TABLETS)]
    if with_admin:
        threads.append(threading.Thread(target=admin))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"visitors": len(done), "accepted": sum(accepted), "requests": requests[0], "admin": admin_times}


def health(client):
    return client.request("GET", "/health")[0] == 200, 1


def visitor(client):
    return whole_checkin(client), 8


def stored_checkins(database_url):
    database = connect(database_url)
    try:
        return database.execute_sql("SELECT COALESCE(SUM(value), 0) FROM count WHERE metric = 'checkin'").fetchone()[0]
    finally:
        database.close()


def bench(name, database_url, folder):
    kiosk = str(Path(sys.executable).parent / "kiosk")
    subprocess.run([kiosk, "add-staff", "bench"], check=True, capture_output=True, cwd=folder, env={
        **os.environ, "KIOSK_DATABASE_URL": database_url, "KIOSK_STAFF_PASSWORD": "a long bench password",
        "KIOSK_SECRET_KEY": "x", "KIOSK_AUTO_BACKUP": "false"})
    server, base = start_kiosk(folder, database_url, BURST_LIMIT=10**9, AUTO_BACKUP=False)
    try:
        results = {
            "baseline /health": run_phase(base, health, with_admin=False),
            "tablets": run_phase(base, visitor, with_admin=False),
            "tablets + admin": run_phase(base, visitor, with_admin=True),
        }
    finally:
        server.terminate()
        server.wait(10)
    print(f"\n{name}: kiosk serve (waitress, 4 threads), {TABLETS} tablet clients, {SECONDS} s per phase")
    print(f"{'phase':18} | {'requests/s':>10} | {'visitors/s':>10}")
    baseline = results["baseline /health"]["requests"] / SECONDS
    for phase, r in results.items():
        visitors = "" if phase.startswith("baseline") else f"{r['accepted'] / SECONDS:10.1f}"
        print(f"{phase:18} | {r['requests'] / SECONDS:10.0f} | {visitors:>10}")
    print(f"a whole check-in costs {baseline / (results['tablets']['accepted'] / SECONDS):.0f} /health requests")
    times = results["tablets + admin"]["admin"]
    for page in ADMIN_PAGES:
        ms = sorted(t * 1000 for p, t in times if p == page)
        p95 = ms[int(len(ms) * 0.95) - 1] if len(ms) >= 20 else max(ms)
        print(f"admin {page:32} under load: median {statistics.median(ms):6.1f} ms, p95 {p95:6.1f} ms, n={len(ms)}")
    accepted = sum(r["accepted"] for phase, r in results.items() if not phase.startswith("baseline"))
    stored = stored_checkins(database_url)
    print(f"stored check-ins: {stored} of {accepted} accepted")
    return stored == accepted


def main():
    ok = True
    with tempfile.TemporaryDirectory() as folder:
        ok &= bench("SQLite", f"sqlite:///{folder}/bench.sqlite3", folder)
    postgres = os.environ.get("KIOSK_BENCH_DATABASE_URL")
    if postgres:
        database = connect(postgres)
        database.execute_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        database.close()
        with tempfile.TemporaryDirectory() as folder:
            ok &= bench("PostgreSQL", postgres, folder)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
