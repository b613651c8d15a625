"""History against the same range a year before, and History as XLSX."""

import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from kiosk.checkin import counting
from kiosk.staff.reports import a_year_before


@pytest.mark.parametrize("day, before", [
    (date(2026, 11, 19), date(2025, 11, 19)),
    (date(2024, 2, 29), date(2023, 2, 28)),  # a leap day has no twin: the day before it
    (date(2025, 3, 1), date(2024, 3, 1)),
    (date(2026, 1, 1), date(2025, 1, 1)),
])
def test_a_year_before(day, before):
    assert a_year_before(day) == before


def test_history_compares_with_the_same_range_a_year_before(app, client, auth):
    with app.app_context():
        counting.increment("people", 10, day=date(2026, 1, 8), hour=11)
        counting.increment("people", 8, day=date(2025, 1, 9), hour=11)
        counting.increment("people", 99, day=date(2025, 1, 12), hour=11)  # outside the range a year before
    auth.login()
    page = client.get("/admin/history?range=custom&from=2026-01-05&to=2026-01-11").get_data(as_text=True)
    assert "Gleicher Zeitraum ein Jahr davor (05.01.2025 – 11.01.2025): 8 Personen" in page
    assert "+2 (+25 %)" in page


def test_history_as_xlsx_with_german_formats(app, client, auth):
    with app.app_context():
        counting.increment("people", 1234, day=date(2026, 1, 8), hour=11)
        counting.increment("manual:outreach", 4, day=date(2026, 2, 3), hour=-1, source="staff")
    auth.login()
    response = client.get("/admin/history.xlsx?range=custom&from=2026-01-05&to=2026-02-11")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    days = book["Pro Tag"]
    assert [c.value for c in days[1]][:3] == ["Datum", "Wochentag", "Personen"]
    assert days.max_row == 1 + 38
    assert days["A5"].value == datetime(2026, 1, 8) and days["A5"].number_format == "DD.MM.YYYY"
    assert days["B5"].value == "Donnerstag"
    assert days["C5"].value == 1234 and days["C5"].number_format == "#,##0"
    assert days.freeze_panes == "A2"
    months = book["Pro Monat"]
    assert months["A2"].value == datetime(2026, 1, 1) and months["A2"].number_format == "MM.YYYY"
    assert months["B2"].value == 1234
    assert months["F3"].value == 4  # Kontakte unterwegs in February


@pytest.mark.parametrize("query", ["range=forever", "range=custom&from=2026-02-01&to=2026-01-01"])
def test_bad_xlsx_ranges_are_400(client, auth, query):
    auth.login()
    assert client.get(f"/admin/history.xlsx?{query}").status_code == 400
