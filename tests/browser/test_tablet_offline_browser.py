"""Never stuck: the tablet on plain HTTP on a LAN name (no secure context, so no service worker),
against a real ``kiosk serve`` process that is stopped and started again on the same port."""

import re

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, TABLET
from tests.tablet import free_port, start_kiosk

HOST = "kiosk.test"  # resolved to 127.0.0.1 by Chromium itself: not localhost, so not secure
AWAY = {"de": "Einen Moment bitte", "tr": "Bir dakika lütfen", "ar": "لحظة من فضلك", "en": "One moment, please"}


@pytest.fixture(scope="module")
def lan_browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=CHROMIUM_ARGS + [f"--host-resolver-rules=MAP {HOST} 127.0.0.1"])
        yield browser
        browser.close()


class Kiosk:
    """One kiosk process that a test stops and starts again on the same port and database."""

    def __init__(self, folder, **settings):
        self.folder, self.settings = folder, settings
        self.url = f"sqlite:///{folder / 'kiosk.sqlite3'}"
        self.port = free_port()
        self.process = None
        self.start()

    @property
    def base(self):
        return f"http://{HOST}:{self.port}"

    def start(self):
        self.process, _ = start_kiosk(self.folder, self.url, port=self.port, **self.settings)

    def stop(self):
        self.process.terminate()
        self.process.wait(10)


@pytest.fixture
def kiosk(tmp_path, request):
    served = Kiosk(tmp_path, **getattr(request, "param", {}))
    yield served
    served.stop()


@pytest.fixture
def tablet(lan_browser):
    context = lan_browser.new_context(viewport=TABLET, has_touch=True, locale="de-DE")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def came_back_home(tablet, kiosk):
    """The overlay left by itself: a new page (the marker is gone), the start screen, no error page."""
    tablet.wait_for_function("() => window.stillTheOldPage === undefined", timeout=20_000)
    expect(tablet.get_by_role("button", name=re.compile("Ich bin da"))).to_be_visible()
    expect(tablet.get_by_role("alert")).to_be_hidden()
    assert tablet.url == kiosk.base + "/"


def stays_with_overlay(tablet, kiosk, text):
    expect(tablet.get_by_role("alert")).to_contain_text(text)
    tablet.wait_for_timeout(5000)  # a few retries later: still on our page, never Chromium's error page
    assert tablet.url.startswith(kiosk.base)
    expect(tablet.get_by_role("alert")).to_be_visible()
    tablet.screenshot(path=f"/tmp/i12/away-{tablet.viewport_size['width']}.png")


def test_a_tap_while_the_server_is_away_waits_calmly_and_goes_home(tablet, kiosk):
    tablet.goto(kiosk.base + "/")
    assert tablet.evaluate("window.isSecureContext") is False
    assert tablet.evaluate("'serviceWorker' in navigator") is False
    tablet.evaluate("window.stillTheOldPage = true")
    kiosk.stop()
    tablet.get_by_role("button", name=re.compile("Ich bin da")).tap()
    stays_with_overlay(tablet, kiosk, AWAY["de"])
    kiosk.start()
    came_back_home(tablet, kiosk)


def test_a_tile_tapped_in_turkish_shows_the_overlay_in_turkish(tablet, kiosk):
    tablet.goto(kiosk.base + "/")
    tablet.get_by_role("button", name="Türkçe").tap()
    expect(tablet.locator("html")).to_have_attribute("lang", "tr")
    tablet.evaluate("window.stillTheOldPage = true")
    kiosk.stop()
    tablet.locator("a.tile").first.tap()
    stays_with_overlay(tablet, kiosk, AWAY["tr"])
    kiosk.start()
    came_back_home(tablet, kiosk)


@pytest.mark.parametrize("kiosk", [{"IDLE_SECONDS": 3, "IDLE_WARNING_SECONDS": 1}], indirect=True)
def test_the_idle_reset_waits_for_the_server_too(tablet, kiosk):
    tablet.goto(kiosk.base + "/")
    tablet.locator("a.tile").nth(1).tap()  # Angebote im Kiez
    expect(tablet).to_have_url(re.compile(r"/offers"))
    tablet.evaluate("window.stillTheOldPage = true")
    kiosk.stop()
    stays_with_overlay(tablet, kiosk, AWAY["de"])  # the idle reset came and found no server
    kiosk.start()
    came_back_home(tablet, kiosk)


@pytest.mark.parametrize("kiosk", [{"THANKS_SECONDS": 1}], indirect=True)
def test_the_thank_you_page_goes_home_only_when_the_server_answers(tablet, kiosk):
    tablet.goto(kiosk.base + "/checkin/thanks")
    tablet.evaluate("window.stillTheOldPage = true")
    kiosk.stop()
    stays_with_overlay(tablet, kiosk, AWAY["de"])
    kiosk.start()
    came_back_home(tablet, kiosk)
