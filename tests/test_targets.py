"""Targets and pace without Flask or a database (kiosk/staff/targets.py)."""

import ast
import pathlib
from datetime import date, timedelta

import pytest

from kiosk.staff import targets
from kiosk.staff.targets import month_ranges, planned, plain_line, progress


def every_day(first, last, value=1):
    return {first + timedelta(n): value for n in range((last - first).days + 1)}


def test_the_module_needs_neither_flask_nor_a_database():
    tree = ast.parse(pathlib.Path(targets.__file__).read_text())
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not imported & {"flask", "peewee", "kiosk"}


def test_a_yearly_target_is_spread_over_the_days_of_each_year():
    assert planned(365, "year", date(2025, 1, 1), date(2025, 12, 31), date(2025, 1, 1), date(2025, 12, 31)) == 365
    assert planned(365, "year", date(2025, 2, 1), date(2025, 2, 28), date(2025, 1, 1), date(2025, 12, 31)) == 28


def test_a_leap_year_has_366_days_of_plan():
    whole = (date(2024, 1, 1), date(2024, 12, 31))
    assert planned(366, "year", date(2024, 2, 1), date(2024, 2, 29), *whole) == 29
    assert planned(366, "year", *whole, *whole) == pytest.approx(366)
    # 29 February is a day of its own: planned, counted, and part of February's row
    rows = targets.monthly(366, "year", *whole, every_day(*whole), date(2024, 3, 31))
    assert [(r.month, round(r.planned), r.counted) for r in rows[1:3]] == [
        (date(2024, 2, 1), 29, 29), (date(2024, 3, 1), 31, 31)]


def test_a_monthly_target_plans_each_month_in_full_and_a_broken_month_in_part():
    period = (date(2026, 1, 15), date(2026, 3, 31))
    assert planned(62, "month", date(2026, 1, 15), date(2026, 1, 31), *period) == pytest.approx(34)
    assert planned(28, "month", date(2026, 2, 1), date(2026, 2, 28), *period) == 28


def test_a_period_target_is_spread_over_the_period():
    period = (date(2020, 1, 1), date(2022, 12, 31))  # 1,096 days (2020 is a leap year)
    assert planned(1096, "period", date(2020, 1, 1), date(2020, 12, 31), *period) == 366
    assert planned(1096, "period", *period, *period) == 1096


def test_nothing_is_planned_outside_the_period():
    period = (date(2026, 3, 1), date(2026, 3, 31))
    assert planned(100, "year", date(2026, 1, 1), date(2026, 2, 28), *period) == 0
    assert planned(310, "month", date(2026, 1, 1), date(2026, 12, 31), *period) == 310


def test_an_unknown_unit_is_an_error():
    with pytest.raises(ValueError):
        planned(1, "week", date(2026, 1, 1), date(2026, 1, 2), date(2026, 1, 1), date(2026, 1, 2))


def test_months_are_cut_at_the_period_boundaries():
    assert month_ranges(date(2026, 1, 15), date(2026, 3, 2)) == [
        (date(2026, 1, 15), date(2026, 1, 31)), (date(2026, 2, 1), date(2026, 2, 28)), (date(2026, 3, 1), date(2026, 3, 2))]
    assert month_ranges(date(2026, 12, 31), date(2027, 1, 1)) == [
        (date(2026, 12, 31), date(2026, 12, 31)), (date(2027, 1, 1), date(2027, 1, 1))]


def test_the_first_and_last_day_of_a_period_are_counted_and_the_days_around_them_are_not():
    period = (date(2026, 1, 1), date(2026, 12, 31))
    daily = {date(2025, 12, 31): 100, date(2026, 1, 1): 1, date(2026, 12, 31): 2, date(2027, 1, 1): 100}
    result = progress(3, "period", *period, daily, date(2027, 2, 1), date(2025, 12, 31))
    assert (result.so_far, result.status, result.as_of) == (3, "reached", date(2026, 12, 31))


def test_on_track_close_and_behind():
    period = (date(2026, 1, 1), date(2026, 12, 31))
    today = date(2026, 7, 2)  # day 183 of 365
    for per_day, status in ((1.0, "on_track"), (0.92, "close"), (0.5, "behind")):
        daily = {day: per_day for day in every_day(period[0], today)}
        result = progress(365, "year", *period, daily, today, period[0])
        assert result.status == status, per_day
        assert result.projected == pytest.approx(per_day * 365)
    assert progress(365, "year", *period, every_day(period[0], today, 2), today, period[0]).status == "reached"


def test_the_pace_starts_when_the_kiosk_came_into_use():
    """The period began on 1 January, the kiosk on 1 July: half a year at 2 a day is on course for 365."""
    period = (date(2026, 1, 1), date(2026, 12, 31))
    began = date(2026, 7, 1)
    today = date(2026, 9, 30)
    daily = every_day(began, today, 2)
    result = progress(365, "year", *period, daily, today, began)
    assert result.so_far == 184
    assert result.expected_so_far == pytest.approx(273)  # the plan still counts from 1 January
    assert result.projected == pytest.approx(184 + 2 * 92)
    assert result.status == "on_track"
    assert progress(365, "year", *period, {}, today, None).status == "no_data"


def test_a_yearly_target_speaks_of_the_current_year_of_the_period():
    period = (date(2020, 1, 1), date(2022, 12, 31))
    daily = every_day(date(2020, 1, 1), date(2021, 10, 31), 2)
    result = progress(900, "year", *period, daily, date(2021, 10, 31), date(2020, 1, 1))
    assert (result.first, result.last, result.so_far) == (date(2021, 1, 1), date(2021, 12, 31), 608)
    assert plain_line("Besuche", 900, "year", result) == (
        "Ziel 900 Besuche im Jahr 2021: 608 bis Ende Oktober 2021, hinter dem Plan "
        "(beim jetzigen Tempo 730 bis 31.12.2021).")  # 730 of 900 is below 90 %
    on_course = progress(900, "year", *period, every_day(date(2021, 1, 1), date(2021, 10, 31), 2.5),
                         date(2021, 10, 31), date(2020, 1, 1))
    assert plain_line("Besuche", 900, "year", on_course) == (
        "Ziel 900 Besuche im Jahr 2021: 760 bis Ende Oktober 2021, auf Kurs (beim jetzigen Tempo 912 bis 31.12.2021).")
    ahead = progress(900, "year", *period, every_day(date(2021, 1, 1), date(2021, 10, 31), 3), date(2021, 10, 31),
                     date(2020, 1, 1))
    assert plain_line("Besuche", 900, "year", ahead).startswith("Ziel 900 Besuche im Jahr 2021: 912 bis Ende Oktober 2021, erreicht")


def test_plain_lines_for_each_state():
    period = (date(2026, 4, 1), date(2027, 3, 31))
    started = progress(100, "period", *period, {}, date(2026, 3, 1), None)
    assert plain_line("Besuche", 100, "period", started) == (
        "Ziel 100 Besuche im ganzen Zeitraum: der Zeitraum hat noch nicht begonnen (Beginn 01.04.2026).")
    part = progress(900, "year", *period, {date(2026, 5, 1): 10}, date(2026, 5, 19), date(2026, 5, 1))
    assert plain_line("Besuche", 900, "year", part).startswith(
        "Ziel 900 Besuche im Jahr 2026 (anteilig 01.04.–31.12.: 678): 10 bis zum 19.05.2026, hinter dem Plan")
    over = progress(100, "period", *period, {date(2026, 5, 1): 60}, date(2027, 6, 1), date(2026, 5, 1))
    assert plain_line("Besuche", 100, "period", over) == (
        "Ziel 100 Besuche im ganzen Zeitraum: 60 bis zum Ende (31.03.2027), nicht erreicht (60 % des Ziels).")
    monthly = progress(10, "month", *period, {date(2026, 5, 1): 200}, date(2026, 6, 30), date(2026, 5, 1))
    assert plain_line("Besuche", 10, "month", monthly) == (
        "Ziel 10 Besuche im Monat (120 im ganzen Zeitraum): 200 bis Ende Juni 2026, erreicht.")
