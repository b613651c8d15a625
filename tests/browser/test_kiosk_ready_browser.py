"""The tablet side of being a kiosk: offline screen, language switch by touch, large text."""

import re

from playwright.sync_api import expect


def test_offline_screen_then_back_by_itself(page, server):
    page.goto(server + "/")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # now controlled by the service worker
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.context.set_offline(True)
    page.goto(server + "/checkin/thanks", wait_until="commit")
    expect(page.get_by_role("heading", name="Einen Moment bitte.")).to_be_visible()
    assert page.locator("form").count() == 0
    page.context.set_offline(False)
    expect(page.get_by_role("button", name=re.compile("Ich bin da"))).to_be_visible(timeout=15_000)


LARGE_TEXT_AND_SIZE = """() => document.documentElement.classList.contains("large-text")
  && [true, parseFloat(getComputedStyle(document.documentElement).fontSize)]"""


def test_language_and_large_text_by_touch_until_idle_reset(page, server, live_app):
    # Long enough that a busy machine never resets between two taps (each navigation asks /health
    # first; at load 17 in CI, 8 s once did), short enough to wait for.
    live_app.config.update(IDLE_SECONDS=15, IDLE_WARNING_SECONDS=2)
    page.goto(server + "/")
    page.get_by_role("button", name="العربية").tap()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    size_before = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    page.locator(".text-size-button").tap()
    # The class and the size read in one moment, so an idle reset cannot fall between them.
    large, size = page.wait_for_function(LARGE_TEXT_AND_SIZE).json_value()
    assert large and size > size_before
    expect(page.locator("html")).to_have_attribute("dir", "ltr", timeout=30_000)  # idle reset
    expect(page.locator("html")).not_to_have_class("large-text")
