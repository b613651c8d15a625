"""The optional age-band question by touch, in German and in Arabic (right to left), with the
screen language counted beside the check-in: each counted alone."""

import re

import pytest
from playwright.sync_api import expect

from kiosk import clock
from kiosk.models import Setting
from kiosk.staff import reports
from tests.browser.test_accessibility_browser import (
    choose_language,
    problems_on,
    sideways_scrolling,
)
from tests.browser.test_languages_browser import said

pytestmark = pytest.mark.usefixtures("enrolled")


@pytest.mark.parametrize("lang, band, german", [("de", "senior", "Ab 65 Jahren"), ("ar", "child", "Kind")])
def test_the_age_question_by_touch(page, server, live_app, lang, band, german):
    with live_app.app_context():
        Setting.put("age_question", "1")
    choose_language(page, server, lang)
    text = (lambda g: g) if lang == "de" else (lambda g: said(live_app, lang, g))
    page.get_by_role("button", name=re.compile(text("Ich bin da"))).tap()
    for _ in range(3):  # group, first visit, reasons: skipped
        page.get_by_role("button", name=re.compile(text("Überspringen"))).tap()
    expect(page.get_by_role("heading", name=text("Zu welcher Altersgruppe gehören Sie?"))).to_be_visible()
    expect(page.get_by_text(text("Frage %(n)s von %(total)s").replace("%(n)s", "4").replace("%(total)s", "4"))).to_be_visible()
    assert problems_on(page) == []  # axe, as for the other questions
    for width, height in ((1280, 800), (800, 1280)):
        page.set_viewport_size({"width": width, "height": height})
        assert not sideways_scrolling(page)
    page.get_by_role("button", name=re.compile(text(german))).tap()
    expect(page.get_by_role("heading", name=text("Schön, dass Sie da sind!"))).to_be_visible()
    with live_app.app_context():
        day = clock.berlin_now().date()
        assert reports.counted_by_key("age", day, day) == {band: 1}
        assert reports.counted_by_key("language", day, day) == {lang: 1}
