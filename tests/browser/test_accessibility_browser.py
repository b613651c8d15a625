"""Every visitor page, in every language, at every tablet size: axe-core, touch targets, reflow.

The walk follows links from the start screen and visits one page per Flask endpoint, so a page
added later is checked without touching this file. The check-in questions (reached by POST) and
the error page are added by hand.
"""

from datetime import date

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
from werkzeug.exceptions import HTTPException

from kiosk.models import Activity, FundingPeriod, Poll, PollAnswer, Service, Staff, Target
from kiosk.offers.seed import KIEZ_PLUS_UID
from tests.browser.conftest import tap_language

LANGUAGES = ("de", "en", "tr", "ar")
SIZES = ({"width": 1280, "height": 800}, {"width": 800, "height": 1280}, {"width": 1024, "height": 768},
         # the browser's zoom at 200 % on a 1280×800 tablet: half the CSS pixels
         {"width": 640, "height": 400})
NOT_VISITOR = ("/admin", "/static", "/sw.js", "/language", "/display", "/health")
MIN_TARGET = 48  # CSS px, for every button and link a finger may need
MIN_TEXT = 20  # CSS px, body text on the kiosk
# An A4 sheet's preview keeps its printed size (a two-dimensional layout), so it may scroll sideways
# on a screen narrower than the paper.
A4_SHEETS = {"activities.print_puzzle", "activities.print_craft", "offers.slip", "offers.saved_slip"}

TOO_SMALL_TARGETS = """() => Array.from(document.querySelectorAll(
    'main a[href], main button, header a[href], header button, main label.choice'))
  .filter(el => el.offsetParent !== null && !el.closest('p, li, td, figcaption'))
  .map(el => [el, el.getBoundingClientRect()])
  .filter(([el, box]) => box.width < %d || box.height < %d)
  .map(([el, box]) => el.outerHTML.slice(0, 90) + ` ${Math.round(box.width)}x${Math.round(box.height)}`)""" % (
    MIN_TARGET, MIN_TARGET)


def visitor_pages(page, server, app):
    """One path per visitor endpoint, found by following links from the start screen:
    {path: endpoint}."""
    adapter = app.url_map.bind("localhost")
    seen, found, queue = set(), {}, ["/"]
    while queue:
        path = queue.pop(0)
        try:
            endpoint, _ = adapter.match(path.split("?")[0], method="GET")
        except HTTPException:
            continue
        if endpoint in seen:
            continue
        seen.add(endpoint)
        found[path] = endpoint
        page.goto(server + path)
        links = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
        queue += [link for link in links if link.startswith("/") and not link.startswith(NOT_VISITOR)]
    return found


def problems_on(page):
    """axe-core violations, too small touch targets, too small body text, sideways scrolling."""
    found = []
    results = Axe().run(page)
    if results.violations_count:
        found.append(results.generate_report())
    small = page.evaluate(TOO_SMALL_TARGETS)
    if small:
        found.append(f"touch targets under {MIN_TARGET} px: {small}")
    text_size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    if text_size < MIN_TEXT:
        found.append(f"body text {text_size}px")
    return found


def sideways_scrolling(page):
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def choose_language(page, server, code):
    page.goto(server + "/?reset=1")
    if code != "de":
        tap_language(page, code)
    expect(page.locator("html")).to_have_attribute("lang", code)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_visitor_page_is_accessible(page, server, live_app, content, lang):
    choose_language(page, server, lang)
    assert A4_SHEETS <= set(live_app.view_functions)  # a renamed view must not lose its exemption
    paths = visitor_pages(page, server, live_app)
    assert len(paths) >= 15, paths  # home, activities, puzzles, crafts, offers, help, slips ...
    assert "offers.slip_sentence" in paths.values()  # the sentence picked before a slip
    report = {}
    for path, endpoint in {**paths, "/no-such-page": None}.items():
        page.set_viewport_size(SIZES[0])
        page.goto(server + path)
        problems = problems_on(page)
        for size in SIZES:
            if size["width"] < 800 and endpoint in A4_SHEETS:
                continue
            page.set_viewport_size(size)
            if sideways_scrolling(page) > 1:
                problems.append(f"scrolls sideways at {size['width']}x{size['height']}")
        if problems:
            report[path] = problems
    assert report == {}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_check_in_questions_are_accessible(page, server, lang):
    choose_language(page, server, lang)
    with page.expect_navigation():
        page.locator(".tile-checkin").tap()
    for _ in range(3):
        expect(page.locator("form.question")).to_be_visible()
        assert problems_on(page) == []
        with page.expect_navigation():
            page.locator("button[name=skip]").tap()
    expect(page.locator(".thanks")).to_be_visible()
    assert problems_on(page) == []


def test_arabic_is_right_to_left_everywhere(page, server, live_app, content):
    choose_language(page, server, "ar")
    for path in visitor_pages(page, server, live_app):
        page.goto(server + path)
        assert page.evaluate("getComputedStyle(document.body).direction") == "rtl", path


def test_admin_pages_are_accessible(page, server, live_app, content):
    page.goto(server + "/admin/login")
    assert Axe().run(page).violations_count == 0
    page.get_by_label("Name").fill("anna")
    page.get_by_label("Passwort").fill("a long test password")
    page.get_by_role("button", name="Anmelden").tap()
    expect(page).to_have_url(server + "/admin/")
    adapter = live_app.url_map.bind("localhost")
    report = {}
    for rule in live_app.url_map.iter_rules():
        if not rule.rule.startswith("/admin") or "GET" not in rule.methods or rule.arguments:
            continue
        if rule.endpoint.endswith(("csv", "xlsx", "download", "export")) or "logout" in rule.endpoint:
            continue
        page.goto(server + adapter.build(rule.endpoint))
        page.wait_for_load_state()
        results = Axe().run(page)
        if results.violations_count:
            report[rule.rule] = results.generate_report()
    with live_app.app_context():  # the funder's pages, which need a row to show
        period = FundingPeriod.create(name="Beispiel: Förderzeitraum", first=date(2026, 1, 1), last=date(2026, 12, 31))
        Target.create(period=period, metric="visits", amount=900, per="year")
        activity = Activity.create(day=date(2026, 3, 3), kind="outreach", participants=9)
        Staff.update(is_admin=True).execute()  # the delete page is an admin's
    for path in (f"/admin/funding/{period.id}/", f"/admin/funding/{period.id}/report", f"/admin/activities/{activity.id}/",
                 f"/admin/funding/{period.id}/delete"):
        page.goto(server + path)
        results = Axe().run(page)
        if results.violations_count:
            report[path] = results.generate_report()
    assert report == {}


VOICES_STUB = """
Object.defineProperty(window, 'speechSynthesis', {configurable: true, value: {
  getVoices: () => ['de-DE', 'en-GB', 'tr-TR', 'ar-SA'].map(lang => ({lang: lang, name: lang})),
  speak: () => {}, cancel: () => {}, addEventListener: () => {}}});
window.SpeechSynthesisUtterance = function (text) { this.text = text; };
"""


@pytest.fixture
def running_poll(live_app):
    """A wish poll that runs on the suite's fixed day (tests/conftest.py), translated into Turkish
    only, so the other languages show its German, marked."""
    with live_app.app_context():
        poll = Poll.create(question="Was wünscht ihr euch im Winter?", first=date(2026, 11, 1),
                           last=date(2026, 11, 30), translations='{"tr": {"question": "Kışın ne istersiniz?"}}')
        for position, (pictogram, word) in enumerate(
                [("coffee", "Kaffee"), ("music", "Musik"), ("outing", "Ausflug"), ("good", "Gut")], 1):
            PollAnswer.create(poll=poll, position=position, pictogram=pictogram, word=word)


def problems_at_every_size(page):
    problems = problems_on(page)
    for size in SIZES:
        page.set_viewport_size(size)
        if sideways_scrolling(page) > 1:
            problems.append(f"scrolls sideways at {size['width']}x{size['height']}")
    page.set_viewport_size(SIZES[0])
    return problems


@pytest.mark.parametrize("lang", LANGUAGES)
def test_voice_pages_are_accessible(page, server, live_app, content, running_poll, lang):
    """The poll, its thanks, an entry with its flag and read-aloud buttons, the flag's thanks,
    a check-in question and its thanks, a list of cards, the emergency numbers and a puzzle's rules,
    with the speaker buttons shown (a stubbed voice)."""
    page.add_init_script(VOICES_STUB)
    choose_language(page, server, lang)
    with live_app.app_context():
        entry = Service.get(Service.uid == KIEZ_PLUS_UID).id
    report = {}
    page.locator(".tile-poll").tap()
    expect(page.locator("form.poll .speak-button")).to_be_visible()
    report["/poll"] = problems_at_every_size(page)
    page.locator(".answer-button").first.tap()
    expect(page.locator("#poll-thanks")).to_be_visible()
    report["/poll/thanks"] = problems_at_every_size(page)
    page.goto(f"{server}/help/{entry}")
    expect(page.locator(".flag-button")).to_be_visible()
    report["/help/<id>"] = problems_at_every_size(page)
    page.locator(".flag-button").tap()
    expect(page.locator("#flag-thanks")).to_be_visible()
    report["/help/<id>/flagged"] = problems_at_every_size(page)
    page.goto(server + "/")
    page.locator(".tile-checkin").tap()
    expect(page.locator("#checkin-question .speak-button")).to_be_visible()
    report["/checkin/group"] = problems_at_every_size(page)
    for _ in range(3):
        with page.expect_navigation():
            page.locator("button[name=skip]").tap()
    expect(page.locator("#checkin-thanks .speak-button")).to_be_visible()
    report["/checkin/thanks"] = problems_at_every_size(page)
    for path in ("/help/emergency", "/offers/counselling", "/activities/today/easy"):
        page.goto(server + path)
        expect(page.locator(".speak-button").first).to_be_visible()
        report[path] = problems_at_every_size(page)
    assert {path: found for path, found in report.items() if found} == {}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_sentence_pages_are_accessible(page, server, live_app, content, lang):
    """The sentence picker before the "Merken" list's printout, which the walk cannot reach (its
    list is empty there), and the printout with a sentence, reached by touch."""
    choose_language(page, server, lang)
    with live_app.app_context():
        entry = Service.get(Service.uid == KIEZ_PLUS_UID).id
    page.goto(f"{server}/help/{entry}")
    page.locator("form[action$='/save'] button").tap()
    expect(page.locator("a.action-button.is-done")).to_be_visible()
    page.locator(".saved-badge").tap()
    expect(page.locator(".saved-item")).to_have_count(1)
    page.locator(".saved-actions a.big-button").tap()
    expect(page.locator(".sentence-choice").first).to_be_visible()
    report = {"/offers/saved/sentence": problems_at_every_size(page)}
    page.locator(".sentence-choice img").first.tap()
    expect(page.locator(".slip-sentence")).to_be_visible()
    problems = problems_on(page)
    for size in SIZES:
        page.set_viewport_size(size)
        if size["width"] >= 800 and sideways_scrolling(page) > 1:  # an A4 sheet (A4_SHEETS)
            problems.append(f"scrolls sideways at {size['width']}x{size['height']}")
    report["/offers/saved/slip?say=…"] = problems
    assert {path: found for path, found in report.items() if found} == {}
