"""A real server (waitress on loopback) and Debian's Chromium driven by Playwright, with touch.

These tests never skip: without /usr/bin/chromium they fail, so CI cannot pass them silently.
"""

import logging
import threading

import pytest
from playwright.sync_api import sync_playwright
from waitress import wasyncore
from waitress.server import create_server

from kiosk import create_app
from kiosk.auth import create_staff
from kiosk.counting import bursts
from kiosk.db import create_tables, database

CHROMIUM = "/usr/bin/chromium"
logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # "task queue depth" is not news
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
TABLET = {"width": 1280, "height": 800}


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_app(tmp_path):
    app = create_app({
        "SECRET_KEY": "browser-tests",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'browser.sqlite3'}",
        "DROPIN_HOURS": [[d, "00:00", "23:59"] for d in range(7)],
        "DROPIN_HOLIDAYS": "",  # open on holidays too, so no test depends on the date
    }, instance_path=str(tmp_path))
    with app.app_context():
        create_tables()
        create_staff("anna", "a long test password")
    bursts.reset()
    return app


@pytest.fixture
def server(live_app):
    """The app served by waitress on a free loopback port, as in production."""
    wsgi = create_server(live_app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=wsgi.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{wsgi.effective_port}"
    # Close the sockets in the server's own thread, between two selects: closing them from here
    # could pull a socket from under a running select (EBADF in the server thread).
    wsgi.trigger.pull_trigger(lambda: wasyncore.close_all(wsgi._map))
    thread.join(timeout=5)
    wsgi.task_dispatcher.shutdown()
    database.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport=TABLET, has_touch=True, is_mobile=False, locale="de-DE")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
