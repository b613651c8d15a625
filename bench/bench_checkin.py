"""Check-in throughput through the production server, against a trivial route of the same app.

The app runs under waitress in a separate process (as `kiosk serve` does), so the load
generator does not share its interpreter; four client threads play four tablets. The figure that
matters is the ratio (goal: check-ins reach at least half the trivial route's rate).

    .venv/bin/python bench/bench_checkin.py
"""

import http.client
import os
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
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = 4  # like four tablets
REQUESTS_PER_CLIENT = 200
ROUNDS = 5


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
        self.last_location = urlsplit(response.getheader("Location") or "").path
        if response.getheader("Set-Cookie"):
            self.cookie = response.getheader("Set-Cookie").split(";", 1)[0]
        return response.status, data

    def request_location(self, method, path, body=None):
        """(status, the path a redirect leads to)."""
        status, _ = self.request(method, path, body)
        return status, self.last_location

    def home_form(self):
        _, page = self.request("GET", "/")
        html = page.decode()
        csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
        ticket = re.search(r'name="ticket" type="hidden" value="([^"]+)"', html).group(1)
        return f"csrf_token={csrf}&ticket={ticket}"


def server_cpu_seconds(pid):
    """User and system CPU time the server process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(port, prepare, send, pid):
    """Requests per second of ``send`` from CLIENTS threads at once, the server's CPU
    milliseconds per request, and the statuses."""
    tablets = [Tablet(port) for _ in range(CLIENTS)]
    prepared = [[prepare(t) for _ in range(REQUESTS_PER_CLIENT)] for t in tablets]
    statuses = []
    lock = threading.Lock()

    def client(tablet, items):
        got = [send(tablet, item) for item in items]
        with lock:
            statuses.extend(got)

    threads = [threading.Thread(target=client, args=pair) for pair in zip(tablets, prepared)]
    start, cpu = time.perf_counter(), server_cpu_seconds(pid)
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    cpu_ms = (server_cpu_seconds(pid) - cpu) * 1000 / len(statuses)
    return len(statuses) / (time.perf_counter() - start), cpu_ms, statuses


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stored_checkins(folder):
    import sqlite3

    with sqlite3.connect(f"{folder}/bench.sqlite3") as connection:
        return connection.execute("SELECT SUM(value) FROM count WHERE metric = 'checkin'").fetchone()[0]


def whole_checkin(tablet, body):
    """The rest of a check-in after the tap: each question's page and its answer, then thanks.
    The status of the last answer (302 to the thank-you page)."""
    status, location = tablet.request_location("POST", "/checkin", body)
    csrf = body.split("&", 1)[0]
    for answer in ANSWERS:
        _, page = tablet.request("GET", location)
        ticket = re.search(r'name="ticket" type="hidden" value="([^"]+)"', page.decode()).group(1)
        status, location = tablet.request_location("POST", location.rsplit("/", 1)[0],
                                                   f"{csrf}&ticket={ticket}&{answer}")
    tablet.request("GET", location)
    return status


ANSWERS = ("size=2", "first=yes", "reasons=crafts&reasons=meeting")
WHOLE_REQUESTS = 2 * len(ANSWERS) + 2  # the tap, each question and its answer, thanks


def main():
    folder, port = tempfile.mkdtemp(dir=ROOT / "bench"), free_port()
    server = subprocess.Popen([sys.executable, __file__, "--serve", folder, str(port)])
    phases = {
        "trivial route": (lambda t: None, lambda t, _: t.request("GET", "/bench-trivial")[0], 200, 1),
        "POST /checkin": (Tablet.home_form, lambda t, body: t.request("POST", "/checkin", body)[0], 302, 1),
        "whole check-in": (Tablet.home_form, whole_checkin, 302, WHOLE_REQUESTS),
    }
    figures = {name: [] for name in phases}
    sent = 0
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.1)
        for _ in range(ROUNDS):
            for name, (prepare, send, expected, _) in phases.items():
                rate, cpu_ms, statuses = measure(port, prepare, send, server.pid)
                assert set(statuses) == {expected}, (name, set(statuses))
                figures[name].append((rate, cpu_ms))
                sent += len(statuses) if name != "trivial route" else 0
    finally:
        server.terminate()
        server.wait()
    stored = stored_checkins(folder)
    print(f"clients={CLIENTS} waitress threads=4 requests/client={REQUESTS_PER_CLIENT} rounds={ROUNDS}; "
          f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    print("Each ratio is taken within a round (the phases run one after the other), then the median.")
    print(f"{'phase':16} | {'per second':>10} | {'rate ratio':>10} | {'server CPU ms':>13} | {'CPU ratio':>9}")
    trivial = figures["trivial route"]
    for name, rounds in figures.items():
        requests = phases[name][3]
        rate_ratio = statistics.median(r[0] / t[0] for r, t in zip(rounds, trivial))
        cpu_ratio = statistics.median(r[1] / t[1] for r, t in zip(rounds, trivial))
        unit = "check-ins" if name != "trivial route" else "requests"
        print(f"{name:16} | {statistics.median(r[0] for r in rounds):10.0f} | {rate_ratio:10.2f} | "
              f"{statistics.median(r[1] for r in rounds):13.2f} | {cpu_ratio:9.2f}"
              + (f"   ({requests} requests, {unit}/s)" if requests > 1 else f"   ({unit}/s)"))
    checkin_ratio = statistics.median(r[0] / t[0] for r, t in zip(figures["POST /checkin"], trivial))
    print(f"POST /checkin against the trivial route: {checkin_ratio:.2f} (goal >= 0.50)")
    print(f"stored check-ins : {stored} of {sent} accepted")
    shutil.rmtree(folder)
    return 0 if stored == sent else 1


if __name__ == "__main__":
    if sys.argv[1:2] == ["--serve"]:
        serve(sys.argv[2], int(sys.argv[3]))
    else:
        sys.exit(main())
