"""A real server (waitress on loopback) and Debian's Chromium driven by Playwright, with touch.

These tests never skip: without /usr/bin/chromium they fail, so CI cannot pass them silently.
"""

import logging
from contextlib import contextmanager
from datetime import timedelta

import pytest
from playwright.sync_api import expect, sync_playwright

from kiosk import create_app
from kiosk.activities.crafts import add_demo_craft_sheets
from kiosk.checkin import tablets
from kiosk.checkin.counting import bursts
from kiosk.db import database
from kiosk.migrations import create_tables
from kiosk.offers import seed as content_seed
from kiosk.security import create_staff
from tests.serving import served_in_a_thread

CHROMIUM = "/usr/bin/chromium"
logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # "task queue depth" is not news
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
TABLET = {"width": 1280, "height": 800}
PATIENCE_MS = 10_000  # for actions and for expect(): a loaded 2-core machine can take 5 s for a page

expect.set_options(timeout=PATIENCE_MS)


def tap_language(page, code):
    """Tap a language button and wait for the page in that language: a tap made before it arrives
    lands on the page being left, and its navigation is cancelled (seen in CI)."""
    page.locator(f"button[lang={code}]").tap()
    expect(page.locator("html")).to_have_attribute("lang", code)


def tap_large_text(page):
    """Tap "Große Schrift" and wait for the larger page to be laid out: the button posts a form,
    and the new page's button is visible before its style sheets have loaded (a QR code measured
    there was 6 px too tall in a full run)."""
    page.locator(".text-size-button").tap()
    expect(page.locator("html")).to_have_class("large-text")
    page.wait_for_load_state("load")


def wait_until_settled(page):
    """A new visitor page takes no touch for its first 0.4 s (static/css/kiosk.css, against the
    second touch of a double tap). A locator's tap waits for that by itself; a touch at a point
    does not, so a test that taps at a point first waits here, as a visitor who walked up would."""
    expect(page.locator("body")).to_have_css("pointer-events", "auto")


def double_tap(page, locator):
    """Two touches at the middle of ``locator``, both on this page: kiosk.js asks /health before a
    visitor page leaves, and that answer is held until both touches are in. A touch at a point
    sent while the page navigates can leave Playwright waiting for ever (a worker hung 24 min in
    this test once); the touch that lands on the next page is tested with the settling held
    (test_the_ghost_of_a_double_tap_answers_nothing)."""
    assert page.evaluate("() => !(navigator.serviceWorker && navigator.serviceWorker.controller)"), \
        "mark the test no_service_worker: the kiosk's service worker can pass /health by the route"
    wait_until_settled(page)
    box = locator.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    held = []
    page.route("**/health", lambda route: held.append(route))
    page.touchscreen.tap(x, y)
    page.touchscreen.tap(x, y)
    expect(page.locator("form[data-sent]")).to_have_count(1)
    for _ in range(500):  # the route reaches this thread a moment after the request starts
        if held:
            break
        page.wait_for_timeout(10)
    assert len(held) == 1, "the second touch asked to leave again"
    held[0].continue_()
    page.unroute("**/health")


@pytest.fixture(scope="session")
def playwright():
    """One Playwright for the whole run: a second one in the same thread is refused."""
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright):
    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def live_app(tmp_path):
    app = create_app({
        "SECRET_KEY": "browser-tests",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'browser.sqlite3'}",
        "DROPIN_HOURS": [[d, "00:00", "23:59"] for d in range(7)],
        # The server's clock starts at the suite's fixed moment (tests/conftest.py) while Chromium's
        # runs on the real date: a login cookie must outlive that gap, or Chromium drops it at once.
        # Idle expiry is tested through the test client, where both clocks are the same.
        "PERMANENT_SESSION_LIFETIME": timedelta(days=365 * 50),
        "DROPIN_HOLIDAYS": "",  # open on holidays too, so no test depends on the date
        # As in tests/conftest.py: scrypt cost 0.1 s of CPU in every browser test's set-up (and again
        # at each login) and is what tests/test_login_limits.py is about, not these pages.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",
    }, instance_path=str(tmp_path))
    with app.app_context():
        create_tables()
        create_staff("anna", "a long test password")
    bursts.reset()
    return app


@pytest.fixture
def server(live_app):
    """The app served by waitress on a free loopback port, as in production."""
    with served_in_a_thread(live_app) as url:
        yield url
    database.close()


@contextmanager
def touch_page(browser, viewport, is_mobile=False, service_workers="allow"):
    """A page in a fresh browser context with touch, in German, closed on leaving."""
    context = browser.new_context(viewport=viewport, has_touch=True, is_mobile=is_mobile, locale="de-DE",
                                  service_workers=service_workers)
    page = context.new_page()
    page.set_default_timeout(PATIENCE_MS)
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def page(request, browser, server):
    """A tablet-sized touch page; without the kiosk's service worker for a test marked
    ``no_service_worker``: Playwright's page.route cannot be relied on to see a request while a
    service worker takes the page over (its docs advise blocking them where requests are held)."""
    blocked = request.node.get_closest_marker("no_service_worker") is not None
    with touch_page(browser, TABLET, service_workers="block" if blocked else "allow") as page:
        yield page


@pytest.fixture
def enrolled(page, server, live_app):
    """The page's browser is the room's enrolled tablet, so its check-ins count as normal."""
    with live_app.app_context():
        _, code = tablets.add_tablet("Tablet Eingang")
        tablet, secret = tablets.redeem(code)
    page.context.add_cookies([{"name": tablets.COOKIE, "value": secret, "url": server, "httpOnly": True}])
    return tablet


@pytest.fixture
def content(live_app):
    """The shipped content (Kiez+ and the emergency numbers) and the demo craft sheets."""
    with live_app.app_context():
        content_seed.seed_content()
        add_demo_craft_sheets()
