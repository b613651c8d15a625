"""Tablets' check-in latency while six clients flood the staff login, as a ratio to the tablets alone.

`kiosk serve` runs in its own process (waitress, 4 threads, SQLite, the real scrypt cost). Two
tablet threads each start a whole check-in (tap, group size, first visit, reasons: 8 requests)
every half second, a pace set in advance (open loop: a slow answer does not slow the arrivals,
and the server is not saturated before the flood), and the time of each whole check-in is recorded. Phases, each against the same server, same run:

1. tablets alone;
2. tablets while six flooding clients post wrong passwords for a real staff name as fast as the
   server answers, each from its own loopback address (127.0.0.11 … 16), so the per-client limit
   sees six clients, as six laptops on the room's Wi-Fi would be. They run in one process with a
   selector (as wrk or ab would), so the flood costs the server rather than the shared cores.

A second server with the per-client limit and the hashing slot lifted (LOGIN_CLIENT_ATTEMPTS and
PASSWORD_CHECKS_AT_ONCE very large) shows what the flood did before them; a flood of GET /health,
the cheapest page, on the first server shows what any flood of that many clients costs. Goal:
median ratio ≤ 2 with the limits.

    .venv/bin/python bench/bench_login_flood.py
"""

import http.client
import json
import multiprocessing
import os
import re
import selectors
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.tablet import HIDDEN, Tablet, free_port  # noqa: E402

TABLETS = 2
EVERY = 0.5  # seconds between visitors on one tablet: far busier than a real room, yet not saturating
FLOODERS = 6
SECONDS = 20  # per phase
LATE = 10  # seconds into the flood after which the per-client budgets are spent (reported apart)
GOAL = 2.0
# `kiosk serve` as the console script runs it (the project need not be installed in this Python).
KIOSK = [sys.executable, "-c", "import sys; from kiosk.__main__ import main; sys.argv[0] = 'kiosk'; main()"]
STAFF, PASSWORD = "bench", "a long bench password"


def kiosk_env(folder, **settings):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "KIOSK_DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
           "KIOSK_SECRET_KEY": "bench", "KIOSK_AUTO_BACKUP": "false", "KIOSK_BURST_LIMIT": str(10**9),
           "KIOSK_DROPIN_HOURS": json.dumps([[day, "00:00", "23:59"] for day in range(7)])}
    env.update({f"KIOSK_{name}": json.dumps(value) for name, value in settings.items()})
    return env


def start_server(folder, **settings):
    port = free_port()
    server = subprocess.Popen([*KIOSK, "serve", "--host", "127.0.0.1", "--port", str(port)], cwd=folder,
                              env=kiosk_env(folder, **settings), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if Tablet(base, timeout=1).request("GET", "/health")[0] == 200:
                return server, port
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("the kiosk did not start: " + server.stderr.read().decode())


def whole_checkin(tablet):
    """One visitor: tap, then answer the three questions. True when every step was accepted."""
    status, headers, _ = tablet.request("POST", "/checkin", tablet.home())
    location = headers.get("Location", "")
    ok = status == 302
    for answer in ({"size": "2"}, {"first": "no"}, {"reasons": ["crafts", "meeting"]}):
        _, _, html = tablet.request("GET", location)
        form = {name: re.search(HIDDEN.format(name), html).group(1) for name in ("csrf_token", "ticket")}
        status, headers, _ = tablet.request("POST", f"/checkin/{location.split('/')[2]}", {**form, **answer})
        location = headers.get("Location", "")
        ok &= status == 302
    return ok


def tablets(port, seconds):
    """(seconds into the phase, seconds taken) of every whole check-in, from every tablet thread."""
    start = time.perf_counter()
    stop = start + seconds
    times, failed, lock = [], [], threading.Lock()

    def run():
        tablet = Tablet(f"http://127.0.0.1:{port}")
        due = time.perf_counter()
        while due < stop:
            time.sleep(max(0.0, due - time.perf_counter()))
            began = time.perf_counter()
            ok = whole_checkin(tablet)
            with lock:
                (times if ok else failed).append((began - start, time.perf_counter() - began))
            due = max(due + EVERY, time.perf_counter())  # one visitor every EVERY s, none skipped

    threads = [threading.Thread(target=run) for _ in range(TABLETS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failed, f"{len(failed)} check-ins failed"
    return times


def login_form(port, address):
    """(cookie, CSRF token) of the login page, fetched as the given client."""
    connection = http.client.HTTPConnection("127.0.0.1", port, source_address=(address, 0), timeout=30)
    connection.request("GET", "/admin/login")
    response = connection.getresponse()
    html = response.read().decode()
    connection.close()
    return response.headers["Set-Cookie"].split(";", 1)[0], re.search(HIDDEN.format("csrf_token"), html).group(1)


def login_flood_request(port, address):
    cookie, token = login_form(port, address)
    body = urlencode({"username": STAFF, "password": "a wrong guess", "csrf_token": token}).encode()
    return (f"POST /admin/login HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\n"
            f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n\r\n"
            ).encode() + body


def health_flood_request(port, address):
    """The cheapest page there is, for comparison: what any flood costs the server."""
    return b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"


def flood(port, stop_at, results, make_request):
    """Six clients, one keep-alive connection each from its own address, each sending its request
    (a wrong password for a real staff name) as soon as the last answer is in. One process with a
    selector, like a load generator (wrk, ab): the flood should cost the server, not the cores."""
    selector = selectors.DefaultSelector()
    statuses = {}
    for number in range(FLOODERS):
        address = f"127.0.0.{11 + number}"
        request = make_request(port, address)
        sock = socket.create_connection(("127.0.0.1", port), source_address=(address, 0))
        sock.sendall(request)
        selector.register(sock, selectors.EVENT_READ, [request, b""])
    while time.time() < stop_at:
        for key, _ in selector.select(timeout=0.5):
            request, buffer = key.data
            buffer += key.fileobj.recv(65536)
            head, _, rest = buffer.partition(b"\r\n\r\n")
            length = re.search(rb"Content-Length: (\d+)", head, re.IGNORECASE)
            if not _ or length is None or len(rest) < int(length.group(1)):
                key.data[1] = buffer
                continue
            status = int(head.split(b" ", 2)[1])
            statuses[status] = statuses.get(status, 0) + 1
            key.data[1] = rest[int(length.group(1)):]
            key.fileobj.sendall(request)
    results.put(statuses)


def flooded_tablets(port, make_request):
    results = multiprocessing.Queue()
    stop_at = time.time() + SECONDS + 1
    flooder = multiprocessing.Process(target=flood, args=(port, stop_at, results, make_request))
    flooder.start()
    time.sleep(1)  # the flood is under way before the tablets start
    times = tablets(port, SECONDS)
    statuses = results.get(timeout=60)
    flooder.join()
    return times, statuses


def summary(times, after=0.0):
    ms = sorted(taken * 1000 for began, taken in times if began >= after)
    return statistics.median(ms), ms[max(0, int(len(ms) * 0.95) - 1)], len(ms)


def bench(folder, label, compare=False, **settings):
    server, port = start_server(folder, **settings)
    try:
        alone = tablets(port, SECONDS)
        flooded, statuses = flooded_tablets(port, login_flood_request)
        health = flooded_tablets(port, health_flood_request) if compare else None
    finally:
        server.terminate()
        server.wait(10)
    (median_alone, p95_alone, n_alone), (median_flood, p95_flood, n_flood) = summary(alone), summary(flooded)
    print(f"\n{label}")
    print(f"  tablets alone  : median {median_alone:7.1f} ms, p95 {p95_alone:7.1f} ms, {n_alone / SECONDS:5.1f} check-ins/s")
    print(f"  during flood   : median {median_flood:7.1f} ms, p95 {p95_flood:7.1f} ms, {n_flood / SECONDS:5.1f} check-ins/s")
    print(f"  ratio          : median × {median_flood / median_alone:.2f}, p95 × {p95_flood / p95_alone:.2f}, "
          f"throughput × {n_flood / n_alone:.2f}")
    if any(began >= LATE for began, _ in flooded):
        median_late, p95_late, _ = summary(flooded, after=LATE)
        print(f"  flood after {LATE} s: median {median_late:7.1f} ms, p95 {p95_late:7.1f} ms, "
              f"ratio × {median_late / median_alone:.2f}")
    else:
        print(f"  flood after {LATE} s: no check-in got started")
    print(f"  flood answers  : {dict(sorted(statuses.items()))} (200 = refused after a hash, 429 = refused before any)")
    if health:
        median_health, p95_health, n_health = summary(health[0])
        print(f"  /health flood  : median {median_health:7.1f} ms, p95 {p95_health:7.1f} ms, ratio × "
              f"{median_health / median_alone:.2f}, {sum(health[1].values()) / SECONDS:.0f} requests/s "
              f"(login flood: {sum(statuses.values()) / SECONDS:.0f} requests/s)")
    return median_flood / median_alone


def main():
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run([*KIOSK, "add-staff", STAFF], check=True, capture_output=True, cwd=folder,
                       env={**kiosk_env(folder), "KIOSK_STAFF_PASSWORD": PASSWORD})
        print(f"kiosk serve (waitress, 4 threads, SQLite), {TABLETS} tablets each starting a whole check-in "
          f"every {EVERY} s, "
              f"{FLOODERS} clients flooding POST /admin/login, {SECONDS} s per phase, scrypt as in production")
        ratio = bench(folder, "with the login limits (defaults)", compare=True)
        bench(folder, "without them (per-client limit and hashing slot lifted, as before issue 13)",
              LOGIN_CLIENT_ATTEMPTS=10**9, PASSWORD_CHECKS_AT_ONCE=64)
    print(f"\ngoal: median ratio ≤ {GOAL} with the limits: {'ok' if ratio <= GOAL else 'MISSED'}")
    sys.exit(0 if ratio <= GOAL else 1)


if __name__ == "__main__":
    main()
