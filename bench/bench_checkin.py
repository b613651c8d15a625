"""Check-in throughput through the production server, against a trivial route of the same app.

The app runs under waitress in a separate process (as `kiosk serve` does), so the load
generator does not share its interpreter; four client threads play four tablets. The figure that
matters is the ratio (goal: check-ins reach at least half the trivial route's rate).

    .venv/bin/python bench/bench_checkin.py
"""

import http.client
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = 4  # like four tablets
REQUESTS_PER_CLIENT = 200
ROUNDS = 3


def serve(folder, port):
    """The server process: the kiosk app plus one trivial route, on waitress."""
    sys.path.insert(0, str(ROOT))
    import logging

    from waitress import serve as waitress_serve

    from kiosk import create_app
    from kiosk.migrations import create_tables

    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    app = create_app({
        "SECRET_KEY": "bench", "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
        "DROPIN_HOURS": [[d, "00:00", "23:59"] for d in range(7)], "BURST_LIMIT": 10**9,
    }, instance_path=folder)
    app.add_url_rule("/bench-trivial", "bench_trivial", lambda: "ok")
    with app.app_context():
        create_tables()
    waitress_serve(app, host="127.0.0.1", port=port, threads=4)


class Tablet:
    """One client with its own session cookie, as a tablet's browser has."""

    def __init__(self, port):
        self.connection = http.client.HTTPConnection("127.0.0.1", port)
        self.cookie = ""

    def request(self, method, path, body=None):
        headers = {"Cookie": self.cookie}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        data = response.read()
        if response.getheader("Set-Cookie"):
            self.cookie = response.getheader("Set-Cookie").split(";", 1)[0]
        return response.status, data

    def home_form(self):
        _, page = self.request("GET", "/")
        html = page.decode()
        csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
        ticket = re.search(r'name="ticket" type="hidden" value="([^"]+)"', html).group(1)
        return f"csrf_token={csrf}&ticket={ticket}"


def measure(port, prepare, send):
    """Requests per second of ``send`` from CLIENTS threads at once, and the statuses."""
    tablets = [Tablet(port) for _ in range(CLIENTS)]
    prepared = [[prepare(t) for _ in range(REQUESTS_PER_CLIENT)] for t in tablets]
    statuses = []
    lock = threading.Lock()

    def client(tablet, items):
        got = [send(tablet, item) for item in items]
        with lock:
            statuses.extend(got)

    threads = [threading.Thread(target=client, args=pair) for pair in zip(tablets, prepared)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(statuses) / (time.perf_counter() - start), statuses


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stored_checkins(folder):
    import sqlite3

    with sqlite3.connect(f"{folder}/bench.sqlite3") as connection:
        return connection.execute("SELECT SUM(value) FROM count WHERE metric = 'checkin'").fetchone()[0]


def main():
    folder, port = tempfile.mkdtemp(dir=ROOT / "bench"), free_port()
    server = subprocess.Popen([sys.executable, __file__, "--serve", folder, str(port)])
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.1)
        trivial_rates, checkin_rates, sent = [], [], 0
        for _ in range(ROUNDS):
            rate, statuses = measure(port, lambda t: None, lambda t, _: t.request("GET", "/bench-trivial")[0])
            assert set(statuses) == {200}
            trivial_rates.append(rate)
            rate, statuses = measure(port, Tablet.home_form, lambda t, body: t.request("POST", "/checkin", body)[0])
            assert set(statuses) == {302}, set(statuses)
            checkin_rates.append(rate)
            sent += len(statuses)
    finally:
        server.terminate()
        server.wait()
    trivial, checkin = statistics.median(trivial_rates), statistics.median(checkin_rates)
    stored = stored_checkins(folder)
    print(f"clients={CLIENTS} waitress threads=4 requests/client={REQUESTS_PER_CLIENT} rounds={ROUNDS}")
    print(f"trivial route    : {trivial:7.0f} requests/s (median of rounds)")
    print(f"POST /checkin    : {checkin:7.0f} check-ins/s (median of rounds)")
    print(f"ratio            : {checkin / trivial:7.2f} (goal >= 0.50)")
    print(f"stored check-ins : {stored} of {sent} accepted")
    shutil.rmtree(folder)
    return 0 if stored == sent else 1


if __name__ == "__main__":
    if sys.argv[1:2] == ["--serve"]:
        serve(sys.argv[2], int(sys.argv[3]))
    else:
        sys.exit(main())
