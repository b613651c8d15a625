"""The year in pictures in Chromium: the SVG pictures are drawn with a cell per day and per hour
of the week, and the printed page (a PDF read back with pdftotext) carries the numbers."""

import subprocess
from datetime import date

from playwright.sync_api import expect

from kiosk.checkin import counting
from tests.browser.test_checkin_browser import staff_login


def test_the_pictures_on_screen_and_in_print(page, server, live_app, tmp_path):
    with live_app.app_context():
        counting.add_to_buckets({"people": 17}, day=date(2026, 11, 19), hour=11)
        counting.add_to_buckets({"people": 4}, day=date(2026, 3, 5), hour=12)
    staff_login(page, server)
    page.goto(server + "/admin/pictures/?year=2026")
    heat_map = page.get_by_role("img", name="Personen pro Tag im Jahr 2026")
    expect(heat_map).to_be_visible()
    assert heat_map.locator("rect[data-day]").count() == 365
    grid = page.get_by_role("img", name="Personen nach Wochentag und Uhrzeit im Jahr 2026")
    expect(grid).to_be_visible()
    assert grid.locator("rect[data-cell]").count() == 7 * 12  # 8–19 Uhr
    pdf = tmp_path / "pictures.pdf"
    page.pdf(path=str(pdf), format="A4")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Das Jahr 2026 in Bildern" in text and "Besuchszahlen 2026 in Bildern" in text
    assert "Personen pro Tag 2026" in text and "Personen 2026 nach Wochentag und Stunde" in text
    assert "17" in text and "Drucken" not in text  # the numbers, without the buttons
