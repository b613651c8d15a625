"""What a visitor does with a finger, in Chromium with touch, against the production server."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from kiosk import clock
from kiosk.staff import reports
from tests.browser.conftest import double_tap

pytestmark = pytest.mark.usefixtures("enrolled")  # the room's tablet: its check-ins count

STAFF = ("anna", "a long test password")


def people_today(app, **flags):
    with app.app_context():
        day = clock.berlin_now().date()
        return reports.totals(day, day, reports.flags_shown(**flags))


def staff_login(page, server):
    page.goto(f"{server}/admin/login")
    page.get_by_label("Name").fill(STAFF[0])
    page.get_by_label("Passwort").fill(STAFF[1])
    page.get_by_role("button", name="Anmelden").tap()
    expect(page).to_have_url(f"{server}/admin/")


def test_checkin_with_a_group_of_three_by_tapping(page, server, live_app):
    page.goto(server + "/")
    page.get_by_role("button", name=re.compile("Ich bin da")).tap()
    expect(page.get_by_role("heading", name="Wie viele sind Sie?")).to_be_visible()
    page.get_by_role("button", name="3 Personen").tap()
    expect(page.get_by_role("heading", name="Sind Sie zum ersten Mal hier?")).to_be_visible()
    page.get_by_role("button", name="Ja, zum ersten Mal").tap()
    expect(page.get_by_role("heading", name="Was führt Sie heute her?")).to_be_visible()
    page.get_by_text("Basteln & Rätsel").tap()
    page.get_by_text("Leute treffen & Kaffee").tap()
    page.get_by_role("button", name="Fertig").tap()
    expect(page.get_by_role("heading", name="Schön, dass Sie da sind!")).to_be_visible()
    figures = people_today(live_app)
    assert (figures["checkins"], figures["people"], figures["groups"], figures["first_visits"]) == (1, 3, 1, 1)
    assert figures["reasons"]["crafts"] == 1 and figures["reasons"]["meeting"] == 1

    staff_login(page, server)
    expect(page.locator('[data-figure="people"]')).to_have_text("3")
    expect(page.locator('[data-figure="groups"]')).to_have_text("1")


@pytest.mark.no_service_worker
def test_double_tap_counts_once(page, server, live_app):
    page.goto(server + "/")
    double_tap(page, page.get_by_role("button", name=re.compile("Ich bin da")))
    expect(page.get_by_role("heading", name="Wie viele sind Sie?")).to_be_visible()
    page.get_by_role("button", name="2 Personen").dblclick()
    expect(page.get_by_role("heading", name="Sind Sie zum ersten Mal hier?")).to_be_visible()
    page.go_back()
    page.reload()  # the question again, with its used ticket: counts nothing
    page.get_by_role("button", name="5 Personen").tap()
    figures = people_today(live_app)
    assert (figures["checkins"], figures["people"]) == (1, 2)


# Holds a page's first 0.4 s without touch (static/css/kiosk.css) for as long as a test needs, on
# every page after sessionStorage's "hold-settle" is set, and counts the clicks the page receives.
HOLD_THE_SETTLING = """
window.clicksSeen = 0;
document.addEventListener("click", () => { window.clicksSeen += 1; }, true);
document.addEventListener("animationstart", (event) => {
  if (event.animationName !== "settle" || !sessionStorage.getItem("hold-settle")) { return; }
  document.getAnimations().forEach((a) => { if (a.animationName === "settle") { a.pause(); } });
}, true);
window.releaseSettle = () => document.getAnimations().forEach((a) => a.play());
"""


def test_the_ghost_of_a_double_tap_answers_nothing(page, server, live_app):
    """A double tap's second touch can land on the page the first one opened, on the group size
    under the finger: it must answer nothing, and the same touch once the page has settled must."""
    page.add_init_script(HOLD_THE_SETTLING)
    page.goto(server + "/")
    page.evaluate("sessionStorage.setItem('hold-settle', '1')")
    page.get_by_role("button", name=re.compile("Ich bin da")).tap()
    expect(page.get_by_role("heading", name="Wie viele sind Sie?")).to_be_visible()
    expect(page.locator("body")).to_have_css("pointer-events", "none")
    box = page.get_by_role("button", name="2 Personen").bounding_box()
    finger = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    before_the_ghost = people_today(live_app)

    page.touchscreen.tap(*finger)
    page.wait_for_function("window.clicksSeen > 0")
    assert page.locator("form[data-sent]").count() == 0
    assert people_today(live_app) == before_the_ghost

    page.evaluate("releaseSettle()")
    expect(page.locator("body")).to_have_css("pointer-events", "auto")
    page.touchscreen.tap(*finger)
    expect(page.get_by_role("heading", name="Sind Sie zum ersten Mal hier?")).to_be_visible()
    figures = people_today(live_app)
    assert (figures["checkins"], figures["people"]) == (1, 2)


def test_a_new_page_settles_under_reduced_motion_too(page, server):
    """Reduced motion turns animations off; the settling is not motion and stays."""
    page.emulate_media(reduced_motion="reduce")
    page.goto(server + "/")
    expect(page.locator("body")).to_have_css("animation-name", "settle")


def test_thanks_page_returns_home_by_itself(page, server, live_app):
    live_app.config["THANKS_SECONDS"] = 1
    page.goto(server + "/checkin/thanks")
    expect(page.get_by_role("button", name=re.compile("Ich bin da"))).to_be_visible(timeout=5000)


@time_machine.travel(datetime(2027, 5, 6, 11, 30, tzinfo=ZoneInfo("Europe/Berlin")))
def test_on_a_holiday_thursday_the_kiosk_says_when_the_team_is_there(page, server, live_app):
    """Ascension Day 2027 is a Thursday: no "jetzt geöffnet", no promise the team comes at once."""
    live_app.config.update(DROPIN_HOURS=[[3, "11:00", "12:30"]], DROPIN_HOLIDAYS="BE")
    page.goto(server + "/")
    dropin = page.locator(".dropin")
    expect(dropin).to_have_text(re.compile(r"Heute keine Sprechstunde \(Feiertag\) · Nächste Sprechstunde: "
                                           r"Donnerstag, 13\. Mai 2027, 11:00\u2060–\u206012:30"))
    page.get_by_role("button", name=re.compile("Ich bin da")).tap()
    for _ in range(3):
        page.get_by_role("button", name="Überspringen").tap()
    expect(page.get_by_role("heading", name="Schön, dass Sie da sind!")).to_be_visible()
    expect(page.get_by_text("Danke. Gerade ist keine Sprechstunde.")).to_be_visible()
    expect(page.get_by_text(re.compile("Nächste Sprechstunde: Donnerstag, 13\\. Mai 2027"))).to_be_visible()
    expect(page.get_by_text("Das Team ist gleich für Sie da")).to_have_count(0)
    figures = people_today(live_app, off_hours=True)
    assert figures["checkins"] == 1 and people_today(live_app)["checkins"] == 0


@time_machine.travel(datetime(2027, 5, 12, 18, 0, tzinfo=ZoneInfo("Europe/Berlin")))
def test_the_drop_in_time_never_breaks_after_the_dash(page, server, live_app):
    """Turkish with large text, at every width from phone to portrait tablet: "11:00–12:30"
    stays on one line (it split as "11:00–" / "12:30" at 650–740 px)."""
    live_app.config["DROPIN_HOURS"] = [[3, "11:00", "12:30"]]
    page.goto(server + "/")
    page.locator("button[lang=tr]").tap()
    page.get_by_role("button", name="Büyük yazı").tap()
    expect(page.locator(".dropin")).to_contain_text("yarın")
    split = []
    for width in range(320, 810, 10):
        page.set_viewport_size({"width": width, "height": 1280})
        lines = page.locator(".dropin span").evaluate("""span => {
            const text = span.firstChild, range = document.createRange(), at = text.data.indexOf("–");
            range.setStart(text, at - 5); range.setEnd(text, Math.min(at + 7, text.length));
            return new Set(Array.from(range.getClientRects()).map(r => Math.round(r.top))).size; }""")
        if lines > 1:
            split.append(width)
    assert split == []


def test_the_home_button_says_home_in_every_language(page, server, live_app):
    """Turkish "Giriş" read as entrance or login; the button leads to the start screen."""
    page.goto(server + "/activities/")
    for code, word in (("tr", "Ana sayfa"), ("ar", "الرئيسية"), ("en", "Home"), ("de", "Start")):
        page.locator(f"button[lang={code}]").tap()
        expect(page.locator(".home-button")).to_have_text(word)
    page.locator(".home-button").tap()
    expect(page.get_by_role("button", name=re.compile("Ich bin da"))).to_be_visible()


def test_idle_reset_warns_then_returns_home(page, server, live_app):
    live_app.config.update(IDLE_SECONDS=4, IDLE_WARNING_SECONDS=3)
    page.goto(server + "/")
    page.get_by_role("button", name=re.compile("Ich bin da")).tap()
    expect(page.get_by_role("heading", name="Wie viele sind Sie?")).to_be_visible()
    notice = page.get_by_role("alertdialog")
    expect(notice).to_be_visible(timeout=4000)
    page.get_by_role("button", name="Ja, ich bin noch da").tap()  # one tap extends
    expect(notice).to_be_hidden()
    expect(page.get_by_role("heading", name="Wie viele sind Sie?")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("Ich bin da"))).to_be_visible(timeout=8000)
    assert people_today(live_app)["checkins"] == 1  # the unanswered question counted nothing more


def assert_no_axe_violations(page):
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_axe_finds_no_violations_on_visitor_and_admin_pages(page, server):
    page.goto(server + "/")
    assert_no_axe_violations(page)
    page.get_by_role("button", name=re.compile("Ich bin da")).tap()
    for heading in ("Wie viele sind Sie?", "Sind Sie zum ersten Mal hier?", "Was führt Sie heute her?"):
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
        assert_no_axe_violations(page)
        page.get_by_role("button", name=re.compile("Überspringen")).tap()
    expect(page.get_by_role("heading", name="Schön, dass Sie da sind!")).to_be_visible()
    assert_no_axe_violations(page)
    page.goto(server + "/admin/login")
    assert_no_axe_violations(page)
    staff_login(page, server)
    for path in ("/admin/", "/admin/history?range=month", "/admin/counts", "/admin/log"):
        page.goto(server + path)
        assert_no_axe_violations(page)
