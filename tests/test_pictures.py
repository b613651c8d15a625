"""The year in pictures: the heat map and the hours-of-the-week grid are SVG with a title, a text
alternative and a titled cell per day or hour, and the page holds the same numbers in tables."""

import re
from datetime import date

import pytest

from kiosk.checkin import counting
from kiosk.staff import pictures, reports


def test_the_heat_map_has_a_titled_cell_for_every_day_of_the_year():
    svg = str(pictures.year_heat_map(2024, {date(2024, 11, 14): 12, date(2024, 2, 29): 1}))
    assert svg.count("<rect") == 366 + 5  # every day of the leap year, and the legend's 5 steps
    assert 'role="img"' in svg and "<title id=\"heat-title\">Personen pro Tag im Jahr 2024</title>" in svg
    assert "<title>Do 14.11.2024: 12 Personen</title>" in svg
    assert "<title>Do 29.02.2024: 1 Person</title>" in svg
    assert "<title>Mo 01.01.2024: 0 Personen</title>" in svg
    assert "2 Tage mit Zahlen, zusammen 13 Personen; am meisten am 14.11.2024 (12 Personen)." in svg
    darkest = re.search(r'fill="([^"]+)" data-day="2024-11-14"', svg).group(1)
    assert darkest == pictures.STEP_COLOURS[4]


def test_a_week_starts_on_monday_in_the_calendar():
    svg = str(pictures.year_heat_map(2026, {}))
    # 1 January 2026 is a Thursday: fourth row of the first column; 5 January a Monday, next column.
    assert re.search(r'<rect x="30" y="71"[^>]*data-day="2026-01-01"', svg)
    assert re.search(r'<rect x="47" y="20"[^>]*data-day="2026-01-05"', svg)


@pytest.mark.parametrize("value, top, step", [(0, 10, 0), (1, 10, 1), (3, 10, 2), (10, 10, 4), (1, 1, 4), (5, 0, 0)])
def test_colour_steps(value, top, step):
    assert pictures.colour_step(value, top) == step


def test_the_week_grid_has_a_titled_cell_for_each_weekday_and_hour():
    grid = [[0] * 24 for _ in range(7)]
    grid[3][11] = 9
    grid[1][21] = 1  # an evening hour widens the grid
    svg = str(pictures.week_grid(grid, "Personen nach Wochentag und Uhrzeit"))
    assert svg.count("data-cell=") == 7 * len(range(8, 22))
    assert "<title>Do 11–12 Uhr: 9 Personen</title>" in svg and "<title>Di 21–22 Uhr: 1 Person</title>" in svg
    assert "Am meisten Do 11–12 Uhr (9 Personen)." in svg


def test_the_weekday_and_hour_query(app):
    with app.app_context():
        counting.add_to_buckets({"people": 3}, day=date(2026, 11, 19), hour=11)
        counting.add_to_buckets({"people": 2}, day=date(2026, 11, 12), hour=11)
        counting.add_to_buckets({"people": 4}, day=date(2026, 11, 17), hour=-1)  # no hour: not in the grid
        counting.add_to_buckets({"people": 5}, day=date(2026, 11, 17), hour=10, flag=counting.OFF_HOURS)
        grid = reports.people_by_weekday_and_hour(date(2026, 1, 1), date(2026, 12, 31))
    assert grid[3][11] == 5 and sum(map(sum, grid)) == 5


def test_the_pictures_page_shows_both_pictures_and_their_tables(app, client, auth):
    with app.app_context():
        counting.add_to_buckets({"people": 7}, day=date(2026, 11, 19), hour=11)
    auth.login()
    page = client.get("/admin/pictures/").get_data(as_text=True)
    assert 'class="heat-map"' in page and 'class="week-grid"' in page
    assert "<title>Do 19.11.2026: 7 Personen</title>" in page
    assert "Personen pro Tag 2026" in page and "Personen 2026 nach Wochentag und Stunde" in page
    assert client.get("/admin/pictures/?year=2025").status_code == 200


@pytest.mark.parametrize("year", ["abc", "1999", "2027", ""])
def test_a_year_that_cannot_be_shown_is_a_400(client, auth, year):
    auth.login()
    assert client.get(f"/admin/pictures/?year={year}").status_code == 400


def test_the_pictures_need_a_login(client):
    assert client.get("/admin/pictures/").status_code == 302
