"""The offer detail page with its QR codes: server time with a cold and a warm QR cache, against a
trivial route of the same app, and the page weight of every visitor page of offers and help.

Server time is measured in process (Flask test client), so it is the app's own work: routing,
database, schedule, vCard, QR codes, template. "Cold" empties the QR and schedule caches before
every request (the first visitor after a restart or an edit); "warm" is every later view.
Page weight loads each page in Chromium through waitress and sums every response body; any
request to another host fails the run.

    .venv/bin/python bench/bench_detail_page.py

Exits 1 if a goal is missed: warm p95 ≤ 50 ms, cold p95 ≤ 250 ms, every page < 100 KB in all.
"""

import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402
from waitress.server import create_server  # noqa: E402

from kiosk import create_app, qr
from kiosk.migrations import create_tables
from kiosk.models import Service, Setting  # noqa: E402
from kiosk.offers import directory  # noqa: E402
from kiosk.offers.seed import KIEZ_PLUS_UID, add_demo_offers, seed_content  # noqa: E402

REQUESTS = 200
GOALS = {"warm_p95_ms": 50, "cold_p95_ms": 250, "page_kb": 100}
VISITOR_PAGES = ("/", "/offers/", "/offers/digital", "/offers/{id}", "/offers/{id}/qr",
                 "/offers/{id}/slip", "/help/", "/help/violence", "/help/money", "/help/emergency",
                 "/offers/saved")


def make_app(folder):
    app = create_app({"SECRET_KEY": "bench", "DEMO": True,
                      "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3"}, instance_path=folder)
    app.add_url_rule("/bench-trivial", "bench_trivial", lambda: "ok")
    with app.app_context():
        create_tables()
        seed_content()
        add_demo_offers()
        Setting.put("test_mode", "1")  # the benchmark is no visitor: count nothing
        service_id = Service.get(Service.uid == KIEZ_PLUS_UID).id
    return app, service_id


def forget_caches():
    for cached in (qr.encode, qr.qr_svg, qr.qr_png, directory._parsed_schedule):
        cached.cache_clear()


def server_times(client, path, cold):
    """Milliseconds per request, REQUESTS of them, after a few untimed ones."""
    for _ in range(5):
        client.get(path)
    times = []
    for _ in range(REQUESTS):
        if cold:
            forget_caches()
        start = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return times


def p95(times):
    return statistics.quantiles(times, n=20)[18]


def page_weights(app, service_id):
    """{path: bytes of every response}; fails on a request to another host."""
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.effective_port}"
    weights = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.add_init_script("window.print = () => {};")  # the slip would open the print dialog
        for path in VISITOR_PAGES:
            responses = []

            def listener(response, found=responses):
                found.append(response)

            page.on("response", listener)
            page.goto(base + path.format(id=service_id))
            page.wait_for_load_state("networkidle")
            page.remove_listener("response", listener)
            elsewhere = [r.url for r in responses if not r.url.startswith(base)]
            if elsewhere:
                raise SystemExit(f"{path} loads from another host: {elsewhere}")
            weights[path] = (sum(len(r.body()) for r in responses if r.status < 300), len(responses))
        browser.close()
    server.close()
    return weights


def main():
    folder = tempfile.mkdtemp(prefix="bench-detail-")
    app, service_id = make_app(folder)
    client = app.test_client()
    detail = f"/offers/{service_id}"
    rows = {
        "trivial route": server_times(client, "/bench-trivial", cold=False),
        "detail, warm cache": server_times(client, detail, cold=False),
        "detail, cold cache": server_times(client, detail, cold=True),
    }
    trivial = statistics.median(rows["trivial route"])
    print(f"{'server time':<22} | median ms   p95 ms | median × trivial")
    print("-" * 62)
    for name, times in rows.items():
        print(f"{name:<22} | {statistics.median(times):9.2f} {p95(times):8.2f} | "
              f"{statistics.median(times) / trivial:10.1f}")
    warm, cold = p95(rows["detail, warm cache"]), p95(rows["detail, cold cache"])
    print(f"\ncold / warm (p95): {cold / warm:.1f}×   ({REQUESTS} requests each, in process)")

    weights = page_weights(app, service_id)
    print(f"\n{'visitor page':<22} | {'KB in all':>9} {'requests':>9}")
    print("-" * 45)
    for path, (size, count) in weights.items():
        print(f"{path.format(id=service_id):<22} | {size / 1024:9.1f} {count:9d}")
    heaviest = max(size for size, _ in weights.values()) / 1024
    print(f"\nheaviest page {heaviest:.1f} KB; no request to another host; Python {sys.version.split()[0]}")

    missed = [name for name, missed in (
        ("warm p95", warm > GOALS["warm_p95_ms"]), ("cold p95", cold > GOALS["cold_p95_ms"]),
        ("page weight", heaviest >= GOALS["page_kb"])) if missed]
    print(f"goals {GOALS}: " + (f"MISSED {missed}" if missed else "all met"))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
