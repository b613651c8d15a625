"""The figures the funder reads, each checked against a value worked out by hand.

Every test stores a handful of counts with ``increment`` and compares a report's output with the
number a person would get by adding them up on paper, so a query that picks the wrong metric, the
wrong flag, the wrong days or the wrong direction in time fails here.
"""

from datetime import date

import pytest

from kiosk.checkin.counting import DOUBTFUL, NORMAL, OFF_HOURS, UNENROLLED, increment
from kiosk.models import WHOLE_DAY
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
