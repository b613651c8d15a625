"""One tap on a print button opens the print dialog once."""

from playwright.sync_api import expect

# window.print replaced by a counter before any of the page's scripts run.
COUNT_PRINTS = "window.printCalls = 0; window.print = function () { window.printCalls += 1; };"


def test_one_tap_prints_once(page, server, content):
    """Puzzle and craft sheets load kiosk.js and puzzles.js; only one of them may print."""
    page.add_init_script(COUNT_PRINTS)
    page.goto(server + "/activities/crafts")
    craft = page.locator("main a[href^='/activities/crafts/']").first.get_attribute("href")
    for path in ("/activities/sudoku/easy/4/abc123/print", craft.split("?")[0] + "/print"):
        page.goto(server + path)
        button = page.locator("[data-print]").first
        expect(button).to_be_visible()
        button.tap()
        page.wait_for_timeout(300)
        assert page.evaluate("window.printCalls") == 1, path
