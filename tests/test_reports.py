"""The figures the funder reads, each checked against a value worked out by hand.

Every test stores a handful of counts with ``increment`` and compares a report's output with the
number a person would get by adding them up on paper, so a query that picks the wrong metric, the
wrong flag, the wrong days or the wrong direction in time fails here.
"""

from datetime import date, datetime, timedelta, timezone

import pytest
import time_machine
from werkzeug.exceptions import HTTPException

from kiosk.checkin.counting import DOUBTFUL, NORMAL, OFF_HOURS, UNENROLLED, increment
from kiosk.clock import BERLIN
from kiosk.models import WHOLE_DAY, Activity, Category, LateCheckin, Poll, PollAnswer, Service, Tablet
from kiosk.offers.directory import HELP, OFFER
from kiosk.staff import reports

THU = date(2026, 11, 19)  # the suite's fixed day, a Thursday
NO_REASONS = {"counselling": 0, "crafts": 0, "meeting": 0, "digital": 0, "information": 0}
NO_MANUAL = {"outreach": 0, "kaffeeklatsch": 0, "flyers": 0, "referrals": 0, "digital_help": 0}


def empty_figures(**changes):
    figures = {"people": 0, "checkins": 0, "groups": 0, "first_visits": 0, "returning": 0,
               "reasons": dict(NO_REASONS), "manual": dict(NO_MANUAL)}
    for key, value in changes.items():
        if key in ("reasons", "manual"):
            figures[key].update(value)
        else:
            figures[key] = value
    return figures


@pytest.fixture
def db(app):
    with app.app_context():
        yield


def staff_entry(metric, value, day):
    """A figure the team typed in for a whole day (no hour)."""
    increment(metric, value, day=day, hour=WHOLE_DAY, source="staff")


# --- which flags a report shows ------------------------------------------------------------------


@pytest.mark.parametrize("choice, flags", [
    ({}, [NORMAL]),
    ({"doubtful": True}, [NORMAL, DOUBTFUL]),
    ({"off_hours": True}, [NORMAL, OFF_HOURS]),
    ({"unenrolled": True}, [NORMAL, UNENROLLED]),
    ({"doubtful": True, "off_hours": True, "unenrolled": True}, [NORMAL, DOUBTFUL, OFF_HOURS, UNENROLLED]),
])
def test_flags_shown_adds_exactly_the_chosen_kinds(choice, flags):
    assert reports.flags_shown(**choice) == flags


# --- the headline figures ------------------------------------------------------------------------


def test_figures_of_nothing_are_all_zero():
    assert reports.figures({}) == empty_figures()


def test_figures_read_each_metric_into_its_own_place():
    values = {
        "people": 17, "checkin": 9,
        # groups: sizes 2..6 are groups (3 + 1 + 2 + 4 + 5 = 15), a party of one is not
        "group_size:1": 100, "group_size:2": 3, "group_size:3": 1, "group_size:4": 2,
        "group_size:5": 4, "group_size:6": 5,
        "first_visit:yes": 6, "first_visit:no": 11,
        "reason:counselling": 21, "reason:crafts": 22, "reason:meeting": 23, "reason:digital": 24,
        "reason:information": 25,
        "manual:people": 40,  # the team's people go to "people" (staff views): never a manual figure
        "manual:outreach": 31, "manual:kaffeeklatsch": 32, "manual:flyers": 33,
        "manual:referrals": 34, "manual:digital_help": 35,
        "offer:12": 99,  # not a headline figure
    }
    assert reports.figures(values) == {
        "people": 17, "checkins": 9, "groups": 15, "first_visits": 6, "returning": 11,
        "reasons": {"counselling": 21, "crafts": 22, "meeting": 23, "digital": 24, "information": 25},
        "manual": {"outreach": 31, "kaffeeklatsch": 32, "flyers": 33, "referrals": 34,
                   "digital_help": 35},
    }


def test_totals_add_up_hours_days_and_sources_in_the_range_only(db):
    increment("people", 3, day=THU, hour=11)
    increment("people", 2, day=THU, hour=12)
    increment("people", 4, day=date(2026, 11, 20), hour=11)
    staff_entry("people", 5, date(2026, 11, 21))
    increment("people", 50, day=date(2026, 11, 18), hour=11)  # the day before the range
    increment("people", 60, day=date(2026, 11, 22), hour=11)  # the day after it
    increment("first_visit:no", 7, day=THU, hour=11)
    staff_entry("manual:outreach", 12, THU)
    staff_entry("manual:flyers", 40, date(2026, 11, 21))
    staff_entry("manual:flyers", 8, date(2026, 11, 20))
    fig = reports.totals(THU, date(2026, 11, 21))
    assert fig["people"] == 3 + 2 + 4 + 5
    assert fig["returning"] == 7
    assert fig["manual"] == dict(NO_MANUAL, outreach=12, flyers=48)


def test_totals_keep_each_flag_apart_until_asked_for(db):
    increment("checkin", 2, day=THU, hour=11)
    increment("checkin", 3, day=THU, hour=11, flag=DOUBTFUL)
    increment("checkin", 5, day=THU, hour=20, flag=OFF_HOURS)
    increment("checkin", 7, day=THU, hour=11, flag=UNENROLLED)
    assert reports.totals(THU, THU)["checkins"] == 2
    assert reports.totals(THU, THU, reports.flags_shown(off_hours=True))["checkins"] == 7
    assert reports.totals(THU, THU, reports.flags_shown(unenrolled=True))["checkins"] == 9
    assert reports.totals(THU, THU, reports.flags_shown(True, True, True))["checkins"] == 17


def test_set_apart_counts_each_kind_of_kept_apart_check_in(db):
    increment("checkin", 4, day=THU, hour=11)  # normal: not set apart
    increment("checkin", 3, day=THU, hour=11, flag=DOUBTFUL)
    increment("checkin", 2, day=date(2026, 11, 20), hour=11, flag=DOUBTFUL)
    increment("checkin", 5, day=THU, hour=20, flag=OFF_HOURS)
    increment("checkin", 6, day=THU, hour=11, flag=UNENROLLED)
    increment("people", 30, day=THU, hour=11, flag=DOUBTFUL)  # people are not check-ins
    increment("checkin", 40, day=date(2026, 11, 18), hour=11, flag=DOUBTFUL)  # before the range
    increment("checkin", 50, day=date(2026, 11, 21), hour=11, flag=OFF_HOURS)  # after it
    assert reports.set_apart(THU, date(2026, 11, 20)) == {"doubtful": 5, "off_hours": 5, "unenrolled": 6}


def test_set_apart_of_a_quiet_range_is_zero_for_each_kind(db):
    increment("checkin", 4, day=THU, hour=11)
    assert reports.set_apart(THU, THU) == {"doubtful": 0, "off_hours": 0, "unenrolled": 0}


# --- rankings and single days --------------------------------------------------------------------


def test_most_counted_ranks_by_total_then_name_within_the_limit(db):
    increment("offer:b", 3, day=THU, hour=11)
    increment("offer:b", 2, day=date(2026, 11, 20), hour=11)  # b: 5
    increment("offer:a", 5, day=THU, hour=12)  # a: 5, ties with b and comes first by name
    increment("offer:c", 7, day=THU, hour=11)
    increment("offer:d", 1, day=THU, hour=11)
    increment("offer:e", 9, day=THU, hour=11, flag=DOUBTFUL)  # not a normal count
    increment("offer:f", 9, day=date(2026, 11, 21), hour=11)  # outside the range
    increment("offers:g", 9, day=THU, hour=11)  # another prefix that merely starts alike
    increment("puzzle:h", 9, day=THU, hour=11)
    assert reports.most_counted("offer", THU, date(2026, 11, 20)) == [("c", 7), ("a", 5), ("b", 5), ("d", 1)]
    assert reports.most_counted("offer", THU, date(2026, 11, 20), limit=2) == [("c", 7), ("a", 5)]


def test_most_counted_shows_at_most_ten_by_default(db):
    for n in range(12):
        increment(f"puzzle:p{n:02d}", n + 1, day=THU, hour=11)
    ranking = reports.most_counted("puzzle", THU, THU)
    assert ranking == [(f"p{n:02d}", n + 1) for n in range(11, 1, -1)]


def test_per_hour_of_one_metric_on_one_day(db):
    increment("checkin", 2, day=THU, hour=11)
    increment("checkin", 1, day=THU, hour=11, source="demo")  # every source
    increment("checkin", 4, day=THU, hour=12)
    staff_entry("checkin", 6, THU)
    increment("checkin", 8, day=THU, hour=12, flag=DOUBTFUL)  # not the drop-in hour's flag
    increment("checkin", 16, day=date(2026, 11, 20), hour=11)  # another day
    increment("people", 32, day=THU, hour=11)  # another metric
    assert reports.per_hour(THU, "checkin") == {11: 3, 12: 4, WHOLE_DAY: 6}


def test_people_by_hour_fills_every_hour_and_keeps_the_whole_day_apart(db):
    increment("people", 1, day=THU, hour=0)
    increment("people", 3, day=THU, hour=11)
    increment("people", 2, day=THU, hour=11, source="staff")
    increment("people", 4, day=THU, hour=23)
    staff_entry("people", 5, THU)
    staff_entry("people", 2, THU)  # a second entry without an hour adds to the first
    increment("people", 7, day=THU, hour=15, flag=OFF_HOURS)
    increment("checkin", 9, day=THU, hour=10)
    increment("people", 9, day=date(2026, 11, 20), hour=10)
    hours, without_hour = reports.people_by_hour(THU)
    assert hours == [1] + [0] * 10 + [5] + [0] * 11 + [4]
    assert without_hour == 7
    hours, _ = reports.people_by_hour(THU, reports.flags_shown(off_hours=True))
    assert hours[15] == 7 and sum(hours) == 17


def test_same_weekday_before_is_the_four_thursdays_before_oldest_first(db):
    counted = {date(2026, 10, 22): 4, date(2026, 10, 29): 6, date(2026, 11, 12): 9}  # 5 Nov: none
    for day, people in counted.items():
        increment("people", people, day=day, hour=11)
    increment("people", 3, day=THU, hour=11)  # the day itself is not "before"
    increment("people", 20, day=date(2026, 11, 26), hour=11)  # a week later is not before
    increment("people", 30, day=date(2026, 10, 15), hour=11)  # five weeks back
    increment("people", 40, day=date(2026, 11, 13), hour=11)  # a Friday in between
    increment("people", 50, day=date(2026, 11, 12), hour=11, flag=DOUBTFUL)
    assert reports.same_weekday_before(THU) == [
        (date(2026, 10, 22), 4), (date(2026, 10, 29), 6), (date(2026, 11, 5), 0), (date(2026, 11, 12), 9)]
    assert reports.same_weekday_before(THU, weeks=2) == [(date(2026, 11, 5), 0), (date(2026, 11, 12), 9)]
    assert reports.same_weekday_before(THU, weeks=1, flags=reports.flags_shown(doubtful=True)) == [
        (date(2026, 11, 12), 59)]


def test_daily_has_only_the_days_with_counts_in_date_order(db):
    increment("people", 2, day=date(2026, 11, 21), hour=11)
    increment("people", 3, day=THU, hour=11)
    increment("reason:crafts", 1, day=THU, hour=11)
    increment("people", 9, day=date(2026, 11, 22), hour=11)  # after the range
    per_day = reports.daily(THU, date(2026, 11, 21))
    assert list(per_day) == [THU, date(2026, 11, 21)]
    assert per_day[THU] == empty_figures(people=3, reasons={"crafts": 1})
    assert per_day[date(2026, 11, 21)] == empty_figures(people=2)


def test_every_day_includes_the_empty_days_of_the_range(db):
    increment("people", 3, day=THU, hour=11)
    increment("people", 2, day=date(2026, 11, 21), hour=11)
    days = reports.every_day(date(2026, 11, 18), date(2026, 11, 21))
    assert [day for day, _ in days] == [date(2026, 11, 18), THU, date(2026, 11, 20), date(2026, 11, 21)]
    assert [fig["people"] for _, fig in days] == [0, 3, 0, 2]
    assert days[0][1] == empty_figures()


@pytest.mark.parametrize("changes", [
    {"people": 1}, {"checkins": 1}, {"reasons": {"information": 1}}, {"manual": {"digital_help": 1}},
])
def test_any_one_figure_makes_a_day_with_counts(changes):
    assert reports.has_counts(empty_figures(**changes)) is True


def test_a_day_with_only_zeros_has_no_counts():
    assert reports.has_counts(empty_figures(groups=3, first_visits=2, returning=1)) is False


def test_by_weekday_averages_over_the_days_with_counts_only():
    days = [
        (date(2026, 11, 16), empty_figures(people=4)),  # Monday
        (date(2026, 11, 23), empty_figures(people=8)),  # Monday
        (date(2026, 11, 30), empty_figures()),  # a Monday without counts: does not dilute
        (date(2026, 11, 17), empty_figures(checkins=1)),  # Tuesday: counted, but no people
        (THU, empty_figures(people=5)),
        (date(2026, 11, 22), empty_figures(people=3)),  # Sunday
    ]
    assert reports.by_weekday(days) == [
        {"weekday": "Montag", "people": 12, "days": 2, "mean": 6.0},
        {"weekday": "Dienstag", "people": 0, "days": 1, "mean": 0.0},
        {"weekday": "Mittwoch", "people": 0, "days": 0, "mean": None},
        {"weekday": "Donnerstag", "people": 5, "days": 1, "mean": 5.0},
        {"weekday": "Freitag", "people": 0, "days": 0, "mean": None},
        {"weekday": "Samstag", "people": 0, "days": 0, "mean": None},
        {"weekday": "Sonntag", "people": 3, "days": 1, "mean": 3.0},
    ]


def test_added_up_sums_every_figure():
    one = empty_figures(people=3, checkins=2, groups=1, first_visits=1, returning=1,
                        reasons={"crafts": 2}, manual={"flyers": 10})
    two = empty_figures(people=5, checkins=4, groups=2, first_visits=3, returning=1,
                        reasons={"crafts": 1, "digital": 4}, manual={"flyers": 5, "outreach": 7})
    assert reports.added_up([one, two]) == empty_figures(
        people=8, checkins=6, groups=3, first_visits=4, returning=2,
        reasons={"crafts": 3, "digital": 4}, manual={"flyers": 15, "outreach": 7})
    assert reports.added_up([]) == empty_figures()


def test_by_month_adds_the_days_of_each_month():
    days = [
        (date(2026, 10, 30), empty_figures(people=2)),
        (date(2026, 10, 31), empty_figures(people=3, returning=1)),
        (date(2026, 11, 1), empty_figures(people=7)),
    ]
    assert reports.by_month(days) == [
        (date(2026, 10, 1), empty_figures(people=5, returning=1)),
        (date(2026, 11, 1), empty_figures(people=7)),
    ]


def test_as_date_reads_a_date_a_database_returned_as_text():
    assert reports._as_date("2026-11-19") == THU
    assert reports._as_date(THU) is THU


# --- the CSV download ----------------------------------------------------------------------------


def test_csv_report_has_one_row_per_day_in_german_spreadsheet_form(db):
    increment("people", 3, day=THU, hour=11)
    increment("checkin", 2, day=THU, hour=11)
    increment("group_size:2", 1, day=THU, hour=11)
    increment("first_visit:yes", 1, day=THU, hour=11)
    increment("reason:counselling", 1, day=THU, hour=11)
    increment("reason:information", 2, day=THU, hour=11)
    staff_entry("manual:outreach", 4, THU)
    staff_entry("manual:digital_help", 6, THU)
    increment("people", 9, day=THU, hour=11, flag=DOUBTFUL)
    csv = reports.csv_report(THU, date(2026, 11, 20))
    assert csv.startswith("\ufeff")
    assert csv[1:].split("\r\n") == [
        "Datum;Wochentag;Personen;Check-ins;Gruppen;Erstbesuche;Anlass: Beratung;"
        "Anlass: Basteln & Rätsel;Anlass: Treffen & Kaffee;Anlass: Digitale Hilfe;"
        "Anlass: Infos zu Angeboten;Kontakte unterwegs;Kaffeeklatsch;Flyer;Vermittlungen;"
        "Digitale Hilfe (Team);Sprache: Deutsch;Sprache: Englisch;Sprache: Türkisch;Sprache: Arabisch;"
        "Alter: Kind (0–17);Alter: Erwachsen (18–64);Alter: 65 und älter",
        "19.11.2026;Donnerstag;3;2;1;1;1;0;0;0;2;4;0;0;0;6;0;0;0;0;0;0;0",
        "20.11.2026;Freitag;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0",
        "",
    ]
    with_doubtful = reports.csv_report(THU, THU, reports.flags_shown(doubtful=True))
    assert "19.11.2026;Donnerstag;12;" in with_doubtful


# --- screen languages and age bands (the reach section of Today and History) -------------------


def test_counted_by_key_sums_each_name_of_a_prefix_over_the_range(db):
    increment("language:tr", 2, day=THU, hour=11)
    increment("language:tr", 3, day=date(2026, 11, 20), hour=12, source="staff")  # every source
    increment("language:ar", 1, day=THU, hour=12)
    increment("language:ar", 8, day=THU, hour=12, flag=DOUBTFUL)  # kept apart unless asked for
    increment("language:de", 9, day=date(2026, 11, 21), hour=11)  # after the range
    increment("languages:xx", 9, day=THU, hour=11)  # a prefix that merely starts alike
    increment("age:child", 9, day=THU, hour=11)
    assert reports.counted_by_key("language", THU, date(2026, 11, 20)) == {"tr": 5, "ar": 1}
    assert reports.counted_by_key("language", THU, THU, reports.flags_shown(doubtful=True)) == {"tr": 2, "ar": 9}
    assert reports.counted_by_key("age", THU, THU) == {"child": 9}


def test_counted_by_key_and_hour_is_one_day_per_name_and_hour(db):
    increment("language:tr", 2, day=THU, hour=11)
    increment("language:tr", 1, day=THU, hour=11, source="staff")
    increment("language:tr", 4, day=THU, hour=12)
    staff_entry("language:ar", 3, THU)
    increment("language:ar", 7, day=THU, hour=12, flag=OFF_HOURS)
    increment("language:de", 9, day=date(2026, 11, 20), hour=11)  # another day
    increment("languages:xx", 9, day=THU, hour=11)
    assert reports.counted_by_key_and_hour("language", THU) == {"tr": {11: 3, 12: 4}, "ar": {WHOLE_DAY: 3}}
    assert reports.counted_by_key_and_hour("language", THU, reports.flags_shown(off_hours=True)) == {
        "tr": {11: 3, 12: 4}, "ar": {WHOLE_DAY: 3, 12: 7}}


def test_reach_lists_the_kiosk_languages_first_then_others_and_every_age_band(db):
    increment("language:tr", 3, day=THU, hour=11)
    increment("language:fa", 1, day=THU, hour=12)  # a language a later version offered
    increment("language:de", 4, day=THU, hour=12)
    increment("language:ku", 2, day=THU, hour=11)
    increment("age:senior", 2, day=THU, hour=11)
    increment("age:child", 1, day=THU, hour=11, flag=DOUBTFUL)
    found = reports.reach(THU, THU)
    assert found["languages"] == [("de", "Deutsch", 4), ("en", "Englisch", 0), ("tr", "Türkisch", 3),
                                  ("ar", "Arabisch", 0), ("fa", "fa", 1), ("ku", "ku", 2)]
    assert found["language_total"] == 10
    assert found["ages"] == [("child", "Kind (0–17)", 0), ("adult", "Erwachsen (18–64)", 0),
                             ("senior", "65 und älter", 2)]
    assert found["language_hours"] == []  # only asked for with hours_of
    increment("language:tr", 5, day=THU, hour=11, flag=DOUBTFUL)
    doubtful = reports.reach(THU, THU, reports.flags_shown(doubtful=True), languages=("tr",))
    assert doubtful["languages"] == [("tr", "Türkisch", 8), ("de", "Deutsch", 4), ("fa", "fa", 1), ("ku", "ku", 2)]
    assert doubtful["ages"][0] == ("child", "Kind (0–17)", 1)


def test_reach_of_a_range_without_languages_shows_no_rows_and_divides_by_one(db):
    increment("age:adult", 2, day=THU, hour=11)
    found = reports.reach(THU, THU, hours_of=THU)
    assert (found["languages"], found["language_total"], found["language_hours"]) == ([], 1, [])
    assert found["ages"][1] == ("adult", "Erwachsen (18–64)", 2)


def test_reach_per_hour_has_a_row_for_each_counted_hour_in_the_order_of_the_columns(db):
    increment("language:tr", 3, day=THU, hour=9)
    increment("language:de", 1, day=THU, hour=11)
    increment("language:de", 2, day=THU, hour=9)
    staff_entry("language:ar", 5, THU)
    increment("language:en", 6, day=THU, hour=23)
    increment("language:tr", 7, day=THU, hour=10, flag=DOUBTFUL)  # not a normal count: no row
    increment("language:ku", 9, day=date(2026, 11, 20), hour=12)  # in the range, not on that day
    found = reports.reach(THU, date(2026, 11, 20), hours_of=THU)
    assert [code for code, _, _ in found["languages"]] == ["de", "en", "tr", "ar", "ku"]
    assert found["language_hours"] == [
        ("ohne Uhrzeit", [0, 0, 0, 5, 0]),  # WHOLE_DAY (-1) sorts first
        ("09:00–10:00", [2, 0, 3, 0, 0]),
        ("11:00–12:00", [1, 0, 0, 0, 0]),
        ("23:00–24:00", [0, 6, 0, 0, 0]),
    ]
    doubtful = reports.reach(THU, THU, reports.flags_shown(doubtful=True), hours_of=THU)
    assert doubtful["language_hours"][2] == ("10:00–11:00", [0, 0, 7, 0])


@pytest.mark.parametrize("value, threshold, shown", [
    (0, 3, 0),  # zero names nobody
    (1, 3, "< 3"), (2, 3, "< 3"),
    (3, 3, 3),  # the threshold itself is shown
    (4, 5, "< 5"), (12, 5, 12),
    (1, 1, 1), (1, 0, 1),  # 0 and 1 switch the rule off
])
def test_small_number_hides_counts_below_the_threshold_except_zero(value, threshold, shown):
    assert reports.small_number(value, threshold) == shown


def test_people_by_weekday_and_hour_adds_the_weeks_into_one_grid_without_whole_day_entries(db):
    increment("people", 3, day=THU, hour=11)
    increment("people", 2, day=date(2026, 11, 26), hour=11)  # the next Thursday, same hour
    increment("people", 1, day=date(2026, 11, 26), hour=11, source="staff")
    increment("people", 4, day=date(2026, 11, 23), hour=0)  # a Monday at midnight
    increment("people", 8, day=date(2026, 11, 23), hour=11)  # Monday at Thursday's hour: its own cell
    increment("people", 5, day=date(2026, 11, 29), hour=23)  # a Sunday, the last hour
    staff_entry("people", 40, THU)  # no hour: no place in the grid
    increment("people", 50, day=THU, hour=12, flag=DOUBTFUL)
    increment("checkin", 60, day=THU, hour=12)
    increment("people", 70, day=date(2026, 11, 30), hour=11)  # after the range
    increment("people", 80, day=date(2026, 11, 18), hour=11)  # before it
    grid = reports.people_by_weekday_and_hour(THU, date(2026, 11, 29))
    expected = [[0] * 24 for _ in range(7)]
    expected[3][11] = 6
    expected[0][0] = 4
    expected[0][11] = 8
    expected[6][23] = 5
    assert grid == expected
    assert reports.people_by_weekday_and_hour(THU, THU, reports.flags_shown(doubtful=True))[3][12] == 50


# --- the History page's range --------------------------------------------------------------------


def range_of(today, **args):
    return reports.history_range(args, today)


@pytest.mark.parametrize("today, first", [
    (THU, date(2026, 11, 16)),  # the Monday of the week
    (date(2026, 11, 16), date(2026, 11, 16)),  # a Monday: just that day
    (date(2026, 11, 22), date(2026, 11, 16)),  # a Sunday still belongs to the week from Monday
])
def test_history_range_is_this_week_from_monday_by_default(today, first):
    assert range_of(today) == (first, today)
    assert range_of(today, range="week") == (first, today)


def test_history_range_quick_picks():
    assert range_of(THU, range="month") == (date(2026, 11, 1), THU)
    assert range_of(THU, range="year") == (date(2026, 1, 1), THU)
    assert range_of(THU, range="last_month") == (date(2026, 10, 1), date(2026, 10, 31))
    # in January, last month is December of the year before; February's end is the 28th or 29th
    assert range_of(date(2027, 1, 5), range="last_month") == (date(2026, 12, 1), date(2026, 12, 31))
    assert range_of(date(2028, 3, 31), range="last_month") == (date(2028, 2, 1), date(2028, 2, 29))


def test_history_range_custom_dates_up_to_ten_years():
    assert range_of(THU, range="custom", **{"from": "2026-11-02", "to": "2026-11-08"}) == (
        date(2026, 11, 2), date(2026, 11, 8))
    assert range_of(THU, range="custom", **{"from": "2026-11-02", "to": "2026-11-02"}) == (
        date(2026, 11, 2), date(2026, 11, 2))  # one day
    longest = date(2016, 1, 1) + timedelta(days=3700)
    assert range_of(THU, range="custom", **{"from": "2016-01-01", "to": longest.isoformat()}) == (
        date(2016, 1, 1), longest)


@pytest.mark.parametrize("args", [
    {"range": "custom", "from": "2026-11-08", "to": "2026-11-02"},  # backwards
    {"range": "custom", "from": "2016-01-01", "to": "2026-02-18"},  # 3,700 days and one more
    {"range": "custom", "to": "2026-11-02"},  # no start
    {"range": "custom", "from": "2026-11-02"},  # no end
    {"range": "custom", "from": "2026-11-02", "to": "8.11.2026"},
    {"range": "custom", "from": "gestern", "to": "2026-11-02"},
    {"range": "decade"},
    {"range": ""},
])
def test_history_range_refuses_what_it_cannot_read_with_a_400(args):
    with pytest.raises(HTTPException) as refused:
        reports.history_range(args, THU)
    assert refused.value.code == 400


# --- what visitors asked for most (History) -----------------------------------------------------


def test_most_asked_names_entries_and_categories_and_keeps_the_rest_readable(db):
    mieter = Service.create(name="Mieterberatung")
    tafel = Service.create(name="Tafel")
    Category.create(kind=OFFER, key="food", name="Essen")
    Category.create(kind=HELP, key="food", name="Hunger (Hilfe)")  # same key, the other side
    Category.create(kind=HELP, key="housing", name="Wohnen")
    increment(f"service_viewed:{mieter.id}", 5, day=THU, hour=11)
    increment(f"service_viewed:{tafel.id}", 2, day=THU, hour=11)
    increment("service_viewed:999", 3, day=THU, hour=11)  # an entry deleted since
    increment("service_viewed:demo", 1, day=THU, hour=11)  # not an id: shown as it was counted
    increment(f"qr_shown:{tafel.id}", 4, day=THU, hour=11)
    increment(f"slip_printed:{mieter.id}", 1, day=THU, hour=12)
    increment("offer_category:food", 6, day=THU, hour=11)
    increment("offer_category:gone", 2, day=THU, hour=11)  # a category removed since
    increment("help_topic:food", 3, day=THU, hour=11)
    increment("help_topic:housing", 7, day=THU, hour=11)
    increment(f"service_viewed:{tafel.id}", 9, day=date(2026, 11, 20), hour=11)  # after the range
    assert reports.most_asked(THU, THU) == {
        "Einträge angesehen": [("Mieterberatung", 5), ("gelöscht (#999)", 3), ("Tafel", 2), ("demo", 1)],
        "QR-Code groß gezeigt": [("Tafel", 4)],
        "Zettel gedruckt": [("Mieterberatung", 1)],
        "Kategorien (Angebote)": [("Essen", 6), ("gone", 2)],
        "Themen (Hilfe)": [("Wohnen", 7), ("Hunger (Hilfe)", 3)],
    }


def test_most_asked_of_a_quiet_range_is_empty_lists(db):
    assert reports.most_asked(THU, THU) == {
        "Einträge angesehen": [], "QR-Code groß gezeigt": [], "Zettel gedruckt": [],
        "Kategorien (Angebote)": [], "Themen (Hilfe)": []}


# --- the tablets on Today -----------------------------------------------------------------------

# The shipped drop-in hour, Thursday 11:00–12:30 Berlin (the suite opens it all week); 19 November
# 2026 is a Thursday and no holiday in Berlin. Berlin is UTC+1 in November.
OPEN = datetime(2026, 11, 19, 11, 30, tzinfo=BERLIN)
CLOSED = datetime(2026, 11, 19, 14, 0, tzinfo=BERLIN)


@pytest.fixture
def thursday_dropin(app, db):
    app.config["DROPIN_HOURS"] = [[3, "11:00", "12:30"]]


def tablet(name, seen_minutes_ago=None, at=OPEN, **fields):
    utc = at.astimezone(timezone.utc).replace(tzinfo=None)
    seen = None if seen_minutes_ago is None else utc - timedelta(minutes=seen_minutes_ago)
    return Tablet.create(name=name, enrolled=utc - timedelta(days=30), last_seen=seen, **fields)


def test_today_status_warns_of_a_tablet_silent_for_more_than_five_minutes_in_the_drop_in_hour(thursday_dropin):
    with time_machine.travel(OPEN, tick=False):
        tablet("C Flur", seen_minutes_ago=6)
        tablet("A Eingang", seen_minutes_ago=3)
        tablet("B Tresen", seen_minutes_ago=5)  # exactly five minutes: not yet
        tablet("D neu")  # no heartbeat since it was enrolled
        tablet("E alt", seen_minutes_ago=1, revoked=datetime(2026, 11, 1))  # revoked: not listed
        Tablet.create(name="F wartet", last_seen=None)  # waiting for its code: not listed
        rows = reports.today_status(OPEN)
    assert [(row["name"], row["minutes"], row["warning"]) for row in rows] == [
        ("A Eingang", 3, False), ("B Tresen", 5, False), ("C Flur", 6, True), ("D neu", None, True)]
    assert rows[0]["last_seen"] == datetime(2026, 11, 19, 10, 27)  # naive UTC, as stored


def test_today_status_never_warns_outside_the_drop_in_hour(thursday_dropin):
    with time_machine.travel(CLOSED, tick=False):
        tablet("A Eingang", seen_minutes_ago=90, at=CLOSED)
        tablet("B neu", at=CLOSED)
        rows = reports.today_status(CLOSED)
    assert [(row["name"], row["minutes"], row["warning"]) for row in rows] == [
        ("A Eingang", 90, False), ("B neu", None, False)]


def test_today_status_counts_the_check_ins_each_tablet_delivered_late_today(thursday_dropin):
    with time_machine.travel(OPEN, tick=False):
        first, second = tablet("A Eingang", seen_minutes_ago=1), tablet("B Tresen", seen_minutes_ago=1)
        for n in range(3):
            LateCheckin.create(id=f"a-{n}", tablet=first, received=THU)
        LateCheckin.create(id="a-old", tablet=first, received=date(2026, 11, 18))  # yesterday
        LateCheckin.create(id="b-old", tablet=second, received=date(2026, 11, 12))
        rows = reports.today_status(OPEN)
        assert [(row["name"], row["late"]) for row in rows] == [("A Eingang", 3), ("B Tresen", 0)]
        LateCheckin.create(id="b-1", tablet=second, received=THU)
        assert [row["late"] for row in reports.today_status(OPEN)] == [3, 1]  # each its own


# --- the funder's report ------------------------------------------------------------------------


@pytest.mark.parametrize("day, before", [
    (THU, date(2025, 11, 19)),
    (date(2028, 2, 29), date(2027, 2, 28)),  # a leap day has no twin: the day before it
    (date(2028, 3, 1), date(2027, 3, 1)),
    (date(2027, 1, 1), date(2026, 1, 1)),
])
def test_a_year_before_is_the_same_day_of_the_year_before(day, before):
    assert reports.a_year_before(day) == before


def test_funder_daily_takes_each_figure_from_its_own_count_of_the_drop_in_hour(db):
    friday = date(2026, 11, 20)
    increment("people", 3, day=THU, hour=11)
    increment("people", 2, day=THU, hour=12, source="staff")
    increment("people", 4, day=friday, hour=11)
    increment("people", 30, day=THU, hour=11, flag=DOUBTFUL)  # kept apart: never the funder's
    increment("people", 40, day=date(2026, 11, 21), hour=11)  # after the range
    increment("first_visit:yes", 1, day=THU, hour=11)
    increment("first_visit:no", 5, day=THU, hour=11)
    staff_entry("manual:outreach", 12, friday)
    staff_entry("manual:kaffeeklatsch", 8, THU)
    staff_entry("manual:referrals", 2, THU)
    staff_entry("manual:digital_help", 6, friday)
    staff_entry("manual:flyers", 99, THU)  # no target can be set for flyers
    keys = ["visits", "first_visits", "outreach", "kaffeeklatsch_people", "referrals", "digital_help"]
    assert reports.funder_daily(THU, friday, keys) == {
        "visits": {THU: 5, friday: 4}, "first_visits": {THU: 1}, "outreach": {friday: 12},
        "kaffeeklatsch_people": {THU: 8}, "referrals": {THU: 2}, "digital_help": {friday: 6}}
    assert reports.funder_daily(THU, friday, iter(["referrals"])) == {"referrals": {THU: 2}}


def test_funder_daily_counts_activities_one_each_all_kinds_or_one_kind(db):
    friday = date(2026, 11, 20)
    for day, kind in [(THU, "kaffeeklatsch"), (THU, "kaffeeklatsch"), (THU, "outreach"),
                      (friday, "outreach"), (friday, "own:3"), (date(2026, 11, 21), "outreach")]:
        Activity.create(day=day, kind=kind, participants=7)
    increment("people", 3, day=THU, hour=11)
    assert reports.funder_daily(THU, friday, ["activities", "kaffeeklatsch_sessions", "outreach_days"]) == {
        "activities": {THU: 3, friday: 2}, "kaffeeklatsch_sessions": {THU: 2},
        "outreach_days": {THU: 1, friday: 1}}
    assert reports.funder_daily(THU, friday, ["visits", "outreach_days"]) == {
        "visits": {THU: 3}, "outreach_days": {THU: 1, friday: 1}}
    assert reports.funder_daily(THU, friday, []) == {}


def test_first_counted_day_is_the_earliest_normal_count_or_activity(db):
    assert reports.first_counted_day() is None
    increment("people", 1, day=date(2026, 3, 1), hour=11, flag=DOUBTFUL)  # a test tap does not count
    assert reports.first_counted_day() is None
    increment("people", 1, day=date(2026, 5, 7), hour=11)
    increment("people", 1, day=date(2026, 6, 4), hour=11)
    assert reports.first_counted_day() == date(2026, 5, 7)
    Activity.create(day=date(2026, 4, 28), kind="outreach")
    assert reports.first_counted_day() == date(2026, 4, 28)
    Activity.create(day=date(2026, 9, 1), kind="outreach")
    assert reports.first_counted_day() == date(2026, 4, 28)


def test_first_counted_day_with_activities_only(db):
    Activity.create(day=date(2026, 4, 28), kind="outreach")
    assert reports.first_counted_day() == date(2026, 4, 28)


def test_activities_in_are_those_of_the_range_oldest_first_then_as_entered(db):
    friday = date(2026, 11, 20)
    late = Activity.create(day=friday, kind="outreach")
    early = Activity.create(day=THU, kind="kaffeeklatsch")
    second = Activity.create(day=friday, kind="own:1")
    Activity.create(day=date(2026, 11, 18), kind="outreach")
    Activity.create(day=date(2026, 11, 21), kind="outreach")
    assert [a.id for a in reports.activities_in(THU, friday)] == [early.id, late.id, second.id]


def test_activities_per_kind_adds_sessions_and_participants_in_order_of_first_appearance():
    activities = [Activity(kind="outreach", participants=4), Activity(kind="kaffeeklatsch", participants=9),
                  Activity(kind="outreach", participants=0), Activity(kind="outreach", participants=3)]
    assert reports.activities_per_kind(activities) == [("outreach", 3, 7), ("kaffeeklatsch", 1, 9)]
    assert reports.activities_per_kind([]) == []


# --- rating polls in the funder's report (the rest is in tests/test_poll_rating.py) ---------------


def test_a_rating_poll_counts_up_to_the_earliest_of_its_last_day_its_end_and_the_range(db):
    """A poll that is over may have its last day corrected to before the day it was ended."""
    poll = Poll.create(question="Wie gefällt euch Kiez+?", first=date(2026, 11, 2), last=date(2026, 11, 5),
                       ended=date(2026, 11, 10), rating=True)
    rating = reports.rating_of(poll, date(2026, 11, 1), date(2026, 11, 30))
    assert (rating.first, rating.last) == (date(2026, 11, 2), date(2026, 11, 5))
    assert (reports.rating_of(poll, date(2026, 11, 3), date(2026, 11, 4)).first,
            reports.rating_of(poll, date(2026, 11, 3), date(2026, 11, 4)).last) == (date(2026, 11, 3), date(2026, 11, 4))


def test_a_rating_without_votes_has_no_shares():
    empty = reports.Rating(poll=None, first=THU, last=THU, rows=[], total=0, set_apart=0)
    assert empty.share(0) is None
    assert reports.Rating(poll=None, first=THU, last=THU, rows=[], total=4, set_apart=0).share(3) == 0.75


def rating_poll(first, last, ended=None):
    return Poll.create(question="Wie gefällt euch Kiez+?", first=first, last=last, ended=ended, rating=True)


def test_ratings_are_the_rating_polls_that_ran_on_a_day_of_the_range_by_their_first_day(db):
    first, last = date(2026, 11, 10), date(2026, 11, 20)
    later = rating_poll(date(2026, 11, 16), date(2026, 11, 30))  # made first, starts later
    earlier = rating_poll(date(2026, 11, 1), date(2026, 11, 10))  # ends on the range's first day
    ended_then = rating_poll(date(2026, 10, 1), date(2026, 11, 30), ended=date(2026, 11, 10))  # on the first day
    same_day = rating_poll(date(2026, 11, 12), date(2026, 11, 14), ended=date(2026, 11, 12))  # ended on its first day
    rating_poll(date(2026, 11, 1), date(2026, 11, 9))  # over before the range
    rating_poll(date(2026, 11, 21), date(2026, 11, 30))  # starts after it
    rating_poll(date(2026, 11, 1), date(2026, 11, 30), ended=date(2026, 11, 9))  # ended before it
    Poll.create(question="Was wünscht ihr euch?", first=first, last=last)  # a wish poll, no rating
    assert [rating.poll.id for rating in reports.ratings(first, last)] == [
        ended_then.id, earlier.id, same_day.id, later.id]


def test_a_rating_sets_apart_the_doubtful_and_the_other_devices_answers(db):
    poll = rating_poll(THU, THU)
    good = PollAnswer.create(poll=poll, position=1, pictogram="good", word="gut")
    increment(f"poll_answer:{good.id}", 4, day=THU, hour=11)
    increment(f"poll_answer:{good.id}", 2, day=THU, hour=11, flag=DOUBTFUL)
    increment(f"poll_answer:{good.id}", 1, day=THU, hour=11, flag=UNENROLLED)
    rating = reports.rating_of(poll, THU, THU)
    assert (rating.total, rating.set_apart) == (4, 3)
