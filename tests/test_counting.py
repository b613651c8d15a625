"""Counting in hourly Berlin buckets: atomic increments, day and hour boundaries, summer time."""

from datetime import date, datetime, timezone

import pytest

from kiosk import clock
from kiosk.checkin import counting
from kiosk.models import Count
from kiosk.staff import reports


def utc(*args):
    return datetime(*args, tzinfo=timezone.utc)


@pytest.mark.parametrize("moment, bucket", [
    (utc(2026, 11, 25, 22, 59), (date(2026, 11, 25), 23)),  # winter: UTC+1
    (utc(2026, 11, 25, 23, 0), (date(2026, 11, 26), 0)),  # midnight in Berlin, still the 25th in UTC
    (utc(2026, 7, 1, 21, 59), (date(2026, 7, 1), 23)),  # summer: UTC+2
    (utc(2026, 7, 1, 22, 0), (date(2026, 7, 2), 0)),
    (utc(2026, 3, 29, 0, 59), (date(2026, 3, 29), 1)),  # spring forward: 01:59 CET ...
    (utc(2026, 3, 29, 1, 0), (date(2026, 3, 29), 3)),  # ... is followed by 03:00 CEST
])
def test_bucket_is_berlin_local_hour(moment, bucket):
    assert counting.bucket_for(moment) == bucket


def test_autumn_night_keeps_both_hours_of_two_oclock(app):
    """On 25 Oct 2026, 02:00–03:00 happens twice: both land in hour 2, none lost, none doubled."""
    moments = [utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 1, 30)]  # 02:30 CEST and 02:30 CET
    assert {counting.bucket_for(m) for m in moments} == {(date(2026, 10, 25), 2)}
    with app.app_context():
        for moment in moments + [utc(2026, 10, 25, 2, 30)]:  # and 03:30 CET
            counting.count_now({"checkin": 1, "people": 1}, counting.NORMAL, moment)
        hours, _ = reports.people_by_hour(date(2026, 10, 25))
        assert hours[2] == 2 and hours[3] == 1 and sum(hours) == 3
        assert reports.totals(date(2026, 10, 25), date(2026, 10, 25))["checkins"] == 3


def test_spring_night_counts_every_checkin(app):
    with app.app_context():
        for moment in (utc(2026, 3, 29, 0, 30), utc(2026, 3, 29, 1, 30)):  # 01:30 CET, 03:30 CEST
            counting.count_now({"people": 1}, counting.NORMAL, moment)
        hours, _ = reports.people_by_hour(date(2026, 3, 29))
        assert (hours[1], hours[2], hours[3]) == (1, 0, 1)


def test_increment_adds_in_sql_to_one_row(app):
    with app.app_context():
        for amount in (1, 2, 3):
            counting.increment("people", amount, day=date(2026, 1, 8), hour=11)
        rows = list(Count.select())
        assert len(rows) == 1 and rows[0].value == 6


def test_sources_and_flags_are_separate_buckets(app):
    day = date(2026, 1, 8)
    with app.app_context():
        counting.increment("people", 4, day=day, hour=11)
        counting.increment("people", 2, day=day, hour=11, source="staff")
        counting.increment("people", 7, day=day, hour=11, flag=counting.DOUBTFUL)
        counting.increment("people", 1, day=day, hour=18, flag=counting.OFF_HOURS)
        assert Count.select().count() == 4
        assert reports.totals(day, day)["people"] == 6
        assert reports.totals(day, day, reports.flags_shown(doubtful=True))["people"] == 13
        assert reports.totals(day, day, reports.flags_shown(True, True))["people"] == 14


def test_burst_detector_flags_only_what_exceeds_the_limit():
    detector = counting.BurstDetector()
    verdicts = [detector.is_burst(5, 60, now=t) for t in (0, 5, 10, 15, 20, 25, 30)]
    assert verdicts == [False] * 5 + [True, True]
    assert detector.is_burst(5, 60, now=200) is False  # a minute of calm clears it


def test_day_boundary_in_reports(app):
    with app.app_context():
        counting.count_now({"people": 1}, counting.NORMAL, utc(2026, 11, 25, 22, 59))
        counting.count_now({"people": 1}, counting.NORMAL, utc(2026, 11, 25, 23, 0))
        per_day = reports.daily(date(2026, 11, 25), date(2026, 11, 26))
        assert per_day[date(2026, 11, 25)]["people"] == 1
        assert per_day[date(2026, 11, 26)]["people"] == 1


def test_count_event_respects_test_mode(app):
    from kiosk.models import Setting

    with app.app_context():
        counting.count_event("offer:12")
        counting.count_event("offer:12")
        counting.count_event("offer:7")
        Setting.put("test_mode", "1")
        counting.count_event("offer:7")
        day = clock.berlin_now().date()
        assert reports.most_counted("offer", day, day) == [("12", 2), ("7", 1)]


def test_a_range_added_up_from_its_days_equals_the_range_queried_at_once(app):
    with app.app_context():
        counting.increment("people", 4, day=date(2026, 1, 8), hour=11)
        counting.increment("reason:crafts", 2, day=date(2026, 1, 9), hour=11)
        counting.increment("manual:flyers", 30, day=date(2026, 1, 13), hour=-1, source="staff")
        counting.increment("group_size:3", 1, day=date(2026, 1, 8), hour=11)
        first, last = date(2026, 1, 1), date(2026, 1, 31)
        days = reports.every_day(first, last)
        assert reports.added_up(fig for _, fig in days) == reports.totals(first, last)
        assert reports.by_month(days) == [(first, reports.totals(first, last))]
