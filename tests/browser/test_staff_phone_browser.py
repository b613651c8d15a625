"""Every staff page on a phone (360–430 px wide, touch): the Tuesday outreach is counted in the street.

The walk builds one URL per GET endpoint under /admin from the URL map (ids of rows that exist),
so a staff page added later is checked without touching this file.
"""

from datetime import date

import pytest
from playwright.sync_api import expect

from kiosk.activities.crafts import add_demo_craft_sheets
from kiosk.checkin import counting
from kiosk.models import Activity, CraftSheet, FundingPeriod, Location, Poll, PollAnswer, Service, Staff, Target
from kiosk.offers import seed as content_seed
from tests.browser.conftest import touch_page

PHONE = {"width": 390, "height": 844}
MIN_TARGET = 48
NOT_PAGES = ("csv", "xlsx", "download", "export", "file", "logout", "login")

# Every visible control, by the box a finger hits: a checkbox or radio by its label. Links inside a
# sentence are exempt (WCAG 2.5.8 "inline"); a link that stands alone in a cell or a list is not.
TOO_SMALL_TARGETS = """() => Array.from(document.querySelectorAll(
    'a[href], button, summary, select, textarea, input:not([type=hidden])'))
  .filter(el => el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden')
  .filter(el => !(el.matches('a') && el.closest('p')))
  .map(el => [el, (el.matches('[type=checkbox], [type=radio]') && el.closest('label') || el).getBoundingClientRect()])
  .filter(([el, box]) => box.height < %d || box.width < %d)
  .map(([el, box]) => el.outerHTML.slice(0, 90) + ` ${Math.round(box.width)}x${Math.round(box.height)}`)""" % (
    MIN_TARGET, MIN_TARGET)

# A select shows its choice on one line: each option's text must fit beside the arrow.
CUT_OFF_OPTIONS = """() => {
  const context = document.createElement('canvas').getContext('2d');
  const cut = [];
  for (const select of document.querySelectorAll('select')) {
    if (!select.getClientRects().length) continue;
    const style = getComputedStyle(select);
    context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 24;
    for (const option of select.options) {
      if (context.measureText(option.text).width > room) cut.push(`${select.name}: ${option.text}`);
    }
  }
  return cut;
}"""


@pytest.fixture
def content(live_app):
    with live_app.app_context():
        content_seed.seed_content()
        add_demo_craft_sheets()
        Staff.update(is_admin=True).execute()  # the Team page and its actions
        for day, people in ((date(2026, 1, 8), 12), (date(2026, 1, 15), 1234)):
            counting.increment("people", people, day=day, hour=11)
        counting.increment("manual:outreach", 17, day=date(2026, 1, 13), hour=-1, source="staff")
        period = FundingPeriod.create(name="Beispiel: Förderzeitraum 2025–2027", first=date(2025, 1, 1),
                                      last=date(2027, 12, 31), results="Beispieltext")
        for metric, per in (("visits", "year"), ("outreach", "month"), ("kaffeeklatsch_sessions", "period")):
            Target.create(period=period, metric=metric, amount=900, per=per)
        Activity.create(day=date(2026, 1, 13), kind="outreach", participants=17, note="Beispiel: Flyer am Kotti")
        poll = Poll.create(question="Was wünscht ihr euch im Winter? (Beispiel)", first=date(2026, 11, 1),
                           last=date(2026, 11, 30))
        for position, (pictogram, word) in enumerate((("coffee", "Kaffee & Tee"), ("music", "Musik"))):
            PollAnswer.create(poll=poll, position=position, pictogram=pictogram, word=word)


@pytest.fixture
def phone(browser, server):
    with touch_page(browser, PHONE, is_mobile=True) as page:
        yield page


def log_in(page, server):
    page.goto(server + "/admin/login")
    page.get_by_label("Name").fill("anna")
    page.get_by_label("Passwort").fill("a long test password")
    page.get_by_role("button", name="Anmelden").tap()
    expect(page).to_have_url(server + "/admin/")


def staff_pages(app):
    """One URL per staff GET endpoint, with the id of a row that exists for each <int:…>."""
    with app.app_context():
        ids = {"service_id": Service.select().first().id, "sheet_id": CraftSheet.select().first().id,
               "staff_id": Staff.select().first().id, "row_id": Location.select().first().id,
               "period_id": FundingPeriod.select().first().id, "activity_id": Activity.select().first().id,
               "poll_id": Poll.select().first().id}
    adapter = app.url_map.bind("localhost")
    urls = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/admin") or "GET" not in rule.methods or rule.endpoint.endswith(NOT_PAGES):
            continue
        values = {name: ids.get(name) for name in rule.arguments}
        if "table" in values:
            values["table"] = "locations"
        urls.append(adapter.build(rule.endpoint, values))
    urls.append("/admin/history?range=custom&from=2026-01-01&to=2026-12-31")  # a year: the widest tables
    return urls


@pytest.mark.parametrize("width, height", [(390, 844), (360, 740), (430, 932)])
def test_every_staff_page_fits_a_phone_with_targets_a_finger_can_hit(phone, server, live_app, content, width, height):
    phone.set_viewport_size({"width": width, "height": height})
    log_in(phone, server)
    pages = staff_pages(live_app)
    assert len(pages) > 15
    report = {}
    for url in pages:
        phone.goto(server + url)
        problems = []
        overflow = phone.evaluate("document.documentElement.scrollWidth") - width
        if overflow > 0:
            problems.append(f"scrolls sideways by {overflow} px")
        problems += phone.evaluate(TOO_SMALL_TARGETS)
        problems += [f"cut off: {option}" for option in phone.evaluate(CUT_OFF_OPTIONS)]
        if problems:
            report[url] = problems
    assert report == {}, "\n".join(f"{url}: {problem}" for url, problems in report.items() for problem in problems)


def test_the_menu_folds_away_on_a_phone_and_opens_with_one_tap(phone, server, live_app, content):
    log_in(phone, server)
    phone.goto(server + "/admin/history")
    menu = phone.get_by_role("link", name="Zählungen nachtragen")
    expect(menu).to_be_hidden()
    heading = phone.get_by_role("heading", level=1)
    assert heading.bounding_box()["y"] < 250  # the page's own content starts on the first screen
    phone.locator("summary").filter(has_text="Menü").tap()
    expect(menu).to_be_visible()
    assert menu.bounding_box()["height"] >= MIN_TARGET and menu.bounding_box()["width"] > 300
    menu.tap()
    expect(phone).to_have_url(server + "/admin/counts")
    expect(menu).to_be_hidden()  # folded again on the next page
    assert phone.get_by_role("heading", level=1).bounding_box()["y"] < 250


def test_on_a_wide_screen_the_menu_is_open_without_a_tap(page, server, live_app, content):
    log_in(page, server)
    expect(page.locator("summary").filter(has_text="Menü")).to_be_hidden()
    expect(page.get_by_role("link", name="Verlauf")).to_be_visible()


def test_a_history_table_reflows_into_labelled_cells(phone, server, live_app, content):
    log_in(phone, server)
    phone.goto(server + "/admin/history?range=custom&from=2026-01-01&to=2026-01-31")
    row = phone.locator("table.daily tbody tr").filter(has_text="15.01.2026")
    people = row.locator("td[data-label=Personen]")
    assert people.evaluate("el => getComputedStyle(el, '::before').content") == '"Personen"'
    assert people.inner_text().split() == ["Personen", "1.234"] or people.inner_text() == "1.234"
    assert row.bounding_box()["width"] <= PHONE["width"]


@pytest.mark.parametrize("media", ["screen", "print"])
def test_no_chart_label_is_clipped(page, server, live_app, content, media):
    """The value over the tallest bar and the top figure lie inside the chart, on screen and in print."""
    log_in(page, server)
    page.emulate_media(media=media)
    page.goto(server + "/admin/history?range=custom&from=2026-01-05&to=2026-01-18")
    clipped = page.evaluate("""() => Array.from(document.querySelectorAll('svg.chart-svg')).flatMap(svg => {
        const chart = svg.getBoundingClientRect();
        return Array.from(svg.querySelectorAll('text')).filter(text => {
          const box = text.getBoundingClientRect();
          return box.top < chart.top || box.left < chart.left || box.right > chart.right || box.bottom > chart.bottom;
        }).map(text => text.textContent);
      })""")
    assert clipped == []
    tallest = page.locator("svg.chart-svg text[data-value]").filter(has_text="1.234")
    assert tallest.count() >= 1
