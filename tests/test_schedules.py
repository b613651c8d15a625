"""Opening times: open now, next opening, exceptions, midnight and summer time, texts, HSDS."""

import json
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from kiosk.clock import BERLIN
from kiosk.schedules import (
    DatedException,
    MonthlyRule,
    Phrases,
    Schedule,
    WeeklyRule,
    describe_next,
    from_hsds,
    to_hsds,
    weekly_summary,
)

HSDS = Path("/work/shared/hsds-3.0.1")
NNBSP = "\u202f"  # CLDR puts a narrow no-break space between time and AM/PM

# The Kiez+ drop-in hour: Thursdays 11:00–12:30 (from the project sheet).
DROP_IN = Schedule(weekly=[WeeklyRule(3, time(11), time(12, 30))])

ENGLISH = Phrases(
    today="today {hours}",
    tomorrow="tomorrow {hours}",
    hours="{start}–{end}",
    open_until="open now until {time}",
    monthly="{nth} {weekday} of the month {hours}",
    ordinals=("1st", "2nd", "3rd", "4th"),
    last="last",
)


def berlin(year, month, day, hour=0, minute=0, fold=0):
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN, fold=fold)


def utc(year, month, day, hour=0, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=timezone.utc)


# --- open now and next opening ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (berlin(2026, 12, 3, 10, 59), False),
        (berlin(2026, 12, 3, 11, 0), True),  # start is inclusive
        (berlin(2026, 12, 3, 12, 29), True),
        (berlin(2026, 12, 3, 12, 30), False),  # end is exclusive
        (berlin(2026, 12, 4, 11, 30), False),  # a Friday
    ],
)
def test_is_open_on_the_drop_in_hour(moment, expected):
    assert DROP_IN.is_open(moment) is expected


def test_is_open_accepts_any_time_zone_but_not_a_naive_time():
    assert DROP_IN.is_open(utc(2026, 12, 3, 10, 15))  # 11:15 in Berlin (winter)
    with pytest.raises(ValueError, match="no time zone"):
        DROP_IN.is_open(datetime(2026, 12, 3, 11, 15))


def test_next_opening_is_the_current_window_while_open():
    window = DROP_IN.next_opening(berlin(2026, 12, 3, 12, 0))
    assert window == (berlin(2026, 12, 3, 11, 0), berlin(2026, 12, 3, 12, 30))


def test_next_opening_after_closing_is_next_week():
    window = DROP_IN.next_opening(berlin(2026, 12, 3, 12, 30))
    assert window.start == berlin(2026, 12, 10, 11, 0)


def test_next_opening_none_beyond_horizon():
    only_last_year = Schedule(
        exceptions=[DatedException(date(2026, 1, 1), date(2026, 12, 31), closed=True)]
    )
    assert only_last_year.next_opening(berlin(2026, 6, 1)) is None
    assert DROP_IN.next_opening(berlin(2026, 12, 4), horizon_days=3) is None


def test_split_hours_on_one_day():
    schedule = Schedule(
        weekly=[WeeklyRule(0, time(14), time(17)), WeeklyRule(0, time(9), time(12))]
    )
    monday = date(2026, 12, 7)
    assert [(w.start.hour, w.end.hour) for w in schedule.windows_on(monday)] == [(9, 12), (14, 17)]
    assert not schedule.is_open(berlin(2026, 12, 7, 13))
    assert schedule.next_opening(berlin(2026, 12, 7, 12, 30)).start == berlin(2026, 12, 7, 14)
    assert schedule.open_today(monday)
    assert not schedule.open_today(monday + timedelta(days=1))


def test_overlapping_rules_merge_into_one_window():
    schedule = Schedule(
        weekly=[WeeklyRule(1, time(9), time(12))], monthly=[MonthlyRule(2, 1, time(11), time(14))]
    )
    second_tuesday = date(2026, 12, 8)
    assert schedule.windows_on(second_tuesday) == [
        (berlin(2026, 12, 8, 9), berlin(2026, 12, 8, 14))
    ]


# --- monthly rules ----------------------------------------------------------------------------

# March 2026 has five Tuesdays (3, 10, 17, 24, 31); February 2026 has four (3, 10, 17, 24).


@pytest.mark.parametrize(
    ("nth", "march_day", "february_day"),
    [(1, 3, 3), (2, 10, 10), (3, 17, 17), (4, 24, 24), (-1, 31, 24)],
)
def test_monthly_rule_picks_the_nth_tuesday(nth, march_day, february_day):
    rule = MonthlyRule(nth, 1, time(10), time(12))
    march_tuesdays = [day for day in range(1, 32) if rule.falls_on(date(2026, 3, day))]
    february_tuesdays = [day for day in range(1, 29) if rule.falls_on(date(2026, 2, day))]
    assert march_tuesdays == [march_day]
    assert february_tuesdays == [february_day]


def test_fifth_tuesday_is_not_a_fourth_tuesday():
    fourth = Schedule(monthly=[MonthlyRule(4, 1, time(10), time(12))])
    assert fourth.windows_on(date(2026, 3, 31)) == []
    assert fourth.next_opening(berlin(2026, 3, 24, 13)).start == berlin(2026, 4, 28, 10)


# --- dated exceptions -------------------------------------------------------------------------

CHRISTMAS = Schedule(
    weekly=DROP_IN.weekly,
    exceptions=[
        DatedException(date(2026, 12, 24), date(2027, 1, 2), note="Weihnachtspause"),
        DatedException(date(2026, 12, 30), date(2026, 12, 30), False, time(10), time(12)),
    ],
)


def test_closed_range_across_new_year():
    assert CHRISTMAS.windows_on(date(2026, 12, 24)) == []  # a Thursday
    assert CHRISTMAS.windows_on(date(2026, 12, 31)) == []  # a Thursday
    assert not CHRISTMAS.is_open(berlin(2026, 12, 31, 11, 30))
    assert CHRISTMAS.windows_on(date(2027, 1, 7)) == [
        (berlin(2027, 1, 7, 11), berlin(2027, 1, 7, 12, 30))
    ]


def test_special_hours_inside_a_closed_range_replace_it():
    assert CHRISTMAS.is_open(berlin(2026, 12, 30, 11))
    assert CHRISTMAS.next_opening(berlin(2026, 12, 23, 12)).start == berlin(2026, 12, 30, 10)
    assert CHRISTMAS.next_opening(berlin(2026, 12, 30, 12)).start == berlin(2027, 1, 7, 11)


def test_special_hours_replace_the_regular_hours_of_that_day():
    schedule = Schedule(
        weekly=DROP_IN.weekly,
        exceptions=[
            DatedException(date(2026, 12, 3), date(2026, 12, 3), False, time(14), time(15))
        ],
    )
    assert schedule.windows_on(date(2026, 12, 3)) == [
        (berlin(2026, 12, 3, 14), berlin(2026, 12, 3, 15))
    ]


# --- midnight and summer time -----------------------------------------------------------------

LATE_FRIDAY = Schedule(weekly=[WeeklyRule(4, time(22), time(2))])


def test_window_past_midnight_counts_for_the_next_morning():
    assert LATE_FRIDAY.is_open(berlin(2026, 12, 4, 23))
    assert LATE_FRIDAY.is_open(berlin(2026, 12, 5, 1))  # Saturday 01:00
    assert not LATE_FRIDAY.is_open(berlin(2026, 12, 5, 2))
    assert not LATE_FRIDAY.is_open(berlin(2026, 12, 4, 1))  # Friday morning: Thursday is shut
    assert LATE_FRIDAY.next_opening(berlin(2026, 12, 5, 1)).end == berlin(2026, 12, 5, 2)


def test_spring_forward_window_lasts_two_real_hours():
    night = Schedule(weekly=[WeeklyRule(6, time(1), time(4))])  # Sunday 29 March 2026
    (window,) = night.windows_on(date(2026, 3, 29))
    assert window.duration == timedelta(hours=2)
    assert (window.start, window.end) == (utc(2026, 3, 29, 0), utc(2026, 3, 29, 2))
    assert night.is_open(utc(2026, 3, 29, 1, 30))  # 03:30 summer time
    assert not night.is_open(utc(2026, 3, 29, 2))  # 04:00 summer time


def test_times_in_the_skipped_spring_hour_move_one_hour_later():
    skipped = Schedule(weekly=[WeeklyRule(6, time(2, 15), time(2, 45))])
    assert skipped.windows_on(date(2026, 3, 29)) == [
        (berlin(2026, 3, 29, 3, 15), berlin(2026, 3, 29, 3, 45))
    ]
    nothing_left = Schedule(weekly=[WeeklyRule(6, time(2, 30), time(3))])
    assert nothing_left.windows_on(date(2026, 3, 29)) == []
    assert len(nothing_left.windows_on(date(2026, 4, 5))) == 1


def test_fall_back_night_window_lasts_one_hour_longer():
    night = Schedule(weekly=[WeeklyRule(5, time(23), time(4))])  # Sat 24 → Sun 25 October 2026
    (window,) = night.windows_on(date(2026, 10, 24))
    assert window.duration == timedelta(hours=6)
    assert night.is_open(berlin(2026, 10, 25, 2, 30, fold=0))  # first 02:30 (summer time)
    assert night.is_open(berlin(2026, 10, 25, 2, 30, fold=1))  # second 02:30 (winter time)
    assert night.is_open(berlin(2026, 10, 25, 3, 59))
    assert not night.is_open(berlin(2026, 10, 25, 4, 0))


def test_weekly_rule_keeps_wall_clock_time_across_the_change():
    before = DROP_IN.next_opening(berlin(2026, 3, 25))
    after = DROP_IN.next_opening(berlin(2026, 4, 1))
    assert before.start == utc(2026, 3, 26, 10)  # 11:00 winter time
    assert after.start == utc(2026, 4, 2, 9)  # 11:00 summer time
    assert before.start.hour == after.start.hour == 11


@settings(max_examples=200, deadline=None)
@given(st.datetimes(datetime(2026, 1, 1), datetime(2027, 12, 31), timezones=st.just(timezone.utc)))
def test_is_open_agrees_with_next_opening(moment):
    schedule = Schedule(
        weekly=[*LATE_FRIDAY.weekly, *DROP_IN.weekly, WeeklyRule(6, time(1), time(4))],
        monthly=[MonthlyRule(-1, 5, time(23), time(3))],
        exceptions=CHRISTMAS.exceptions,
    )
    window = schedule.next_opening(moment)
    assert schedule.is_open(moment) == (window is not None and window.contains(moment))


# --- card texts -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (berlin(2026, 12, 3, 9), "heute 11–12:30 Uhr"),
        (berlin(2026, 12, 3, 11, 30), "jetzt geöffnet bis 12:30 Uhr"),
        (berlin(2026, 12, 2, 18), "morgen 11–12:30 Uhr"),
        (berlin(2026, 11, 30, 9), "Do 11–12:30 Uhr"),
        (berlin(2026, 11, 26, 13), "Do, 3.12. 11–12:30 Uhr"),  # 7 days away
    ],
)
def test_describe_next_in_german(now, expected):
    assert describe_next(DROP_IN, now) == expected


def test_describe_next_on_the_hour_and_past_midnight():
    afternoon = Schedule(weekly=[WeeklyRule(3, time(13), time(17))])
    assert describe_next(afternoon, berlin(2026, 12, 3, 9)) == "heute 13–17 Uhr"
    assert describe_next(afternoon, berlin(2026, 12, 3, 14)) == "jetzt geöffnet bis 17 Uhr"
    assert describe_next(LATE_FRIDAY, berlin(2026, 12, 4, 9)) == "heute 22–2 Uhr"
    until_midnight = Schedule(weekly=[WeeklyRule(4, time(20), time(0))])
    assert describe_next(until_midnight, berlin(2026, 12, 4, 9)) == "heute 20–24 Uhr"


def test_describe_next_with_nothing_ahead():
    nothing = Schedule()
    assert describe_next(nothing, berlin(2026, 12, 3)) == ""
    closed = Phrases(closed="zurzeit keine Termine")
    assert describe_next(nothing, berlin(2026, 12, 3), phrases=closed) == "zurzeit keine Termine"


@pytest.mark.parametrize(
    ("now", "locale", "expected"),
    [
        (berlin(2026, 12, 3, 9), "en", f"today 11:00{NNBSP}AM–12:30{NNBSP}PM"),
        (berlin(2026, 12, 3, 12), "en", f"open now until 12:30{NNBSP}PM"),
        (berlin(2026, 11, 30), "en", f"Thu 11:00{NNBSP}AM–12:30{NNBSP}PM"),
        (berlin(2026, 11, 26, 13), "en", f"Thu, 12/3 11:00{NNBSP}AM–12:30{NNBSP}PM"),
        (berlin(2026, 11, 30), "tr", "Per 11:00–12:30"),
        (berlin(2026, 11, 30), "ar", "الخميس 11:00\u00a0ص–12:30\u00a0م"),
    ],
)
def test_describe_next_uses_the_phrases_and_locale_given(now, locale, expected):
    assert describe_next(DROP_IN, now, locale, ENGLISH) == expected


def test_weekly_summary_lines():
    schedule = Schedule(
        weekly=[
            WeeklyRule(3, time(11), time(12, 30)),
            WeeklyRule(0, time(14), time(17)),
            WeeklyRule(0, time(9), time(12)),
        ],
        monthly=[MonthlyRule(2, 1, time(10), time(12)), MonthlyRule(-1, 4, time(18), time(20))],
    )
    assert weekly_summary(schedule) == [
        "Mo 09:00–12:00, 14:00–17:00",
        "Do 11:00–12:30",
        "2. Di im Monat 10:00–12:00",
        "letzter Fr im Monat 18:00–20:00",
    ]
    assert weekly_summary(schedule, "en", ENGLISH)[1:3] == [
        f"Thu 11:00{NNBSP}AM–12:30{NNBSP}PM",
        f"2nd Tue of the month 10:00{NNBSP}AM–12:00{NNBSP}PM",
    ]


# --- JSON storage and validation --------------------------------------------------------------


def test_to_dict_from_dict_round_trip():
    data = CHRISTMAS.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert Schedule.from_dict(data) == CHRISTMAS
    assert data["weekly"] == [{"weekday": 3, "opens": "11:00", "closes": "12:30"}]


def test_from_dict_defaults():
    assert Schedule.from_dict({}) == Schedule()
    exception = Schedule.from_dict({"exceptions": [{"first": "2026-12-24", "last": "2026-12-26"}]})
    assert exception.exceptions == (DatedException(date(2026, 12, 24), date(2026, 12, 26)),)


def weekly(**changes):
    return {"weekly": [{"weekday": 3, "opens": "11:00", "closes": "12:30", **changes}]}


def monthly(**changes):
    return {"monthly": [{"nth": 2, "weekday": 1, "opens": "10:00", "closes": "12:00", **changes}]}


def dated(**changes):
    return {"exceptions": [{"first": "2026-12-24", "last": "2027-01-02", **changes}]}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (weekly(weekday=7), r"weekly\[0\]: weekday must be 0 \(Monday\) to 6 \(Sunday\), got 7"),
        (weekly(weekday=-1), "weekday must be 0"),
        (weekly(weekday="3"), "weekday must be 0"),
        (weekly(weekday=True), "weekday must be 0"),
        (weekly(opens="25:00"), "not a time of day"),
        (weekly(opens="11"), "HH:MM"),
        (weekly(opens="11:00+01:00"), "HH:MM"),
        (weekly(closes=None), "HH:MM"),
        (weekly(closes="11:00"), "both 11:00"),
        (weekly(day="Thursday"), "unknown field"),
        ({"weekly": [{"weekday": 3}]}, "missing field.*opens"),
        ({"weekly": "Thursday"}, "must be a list"),
        ({"weekly": [["3", "11:00", "12:30"]]}, "expected an object"),
        ({"yearly": []}, "unknown field"),
        (monthly(nth=5), r"monthly\[0\]: nth must be 1, 2, 3, 4 or -1"),
        (monthly(nth=0), "nth must be"),
        (monthly(nth=-2), "nth must be"),
        (dated(last="2026-12-23"), r"exceptions\[0\]: first \(2026-12-24\) is after last"),
        (dated(first="24.12.2026"), "YYYY-MM-DD"),
        (dated(first="2026-02-30"), "not a calendar date"),
        (dated(closed=False), "opens must be a local time"),
        (dated(closed=True, opens="10:00", closes="12:00"), "closed exception has no"),
        (dated(closed="no"), "closed must be true or false"),
        (dated(note=3), "note must be text"),
    ],
)
def test_from_dict_rejects_bad_data(data, message):
    with pytest.raises(ValueError, match=message):
        Schedule.from_dict(data)


def test_rules_reject_seconds_and_time_zones():
    with pytest.raises(ValueError, match="whole minutes"):
        WeeklyRule(3, time(11, 0, 30), time(12))
    with pytest.raises(ValueError, match="without time zone"):
        WeeklyRule(3, time(11, tzinfo=BERLIN), time(12))
    with pytest.raises(TypeError, match="WeeklyRule"):
        Schedule(weekly=[MonthlyRule(1, 1, time(10), time(12))])


# --- Open Referral HSDS 3.0.1 -----------------------------------------------------------------

FULL = Schedule(
    weekly=[*DROP_IN.weekly, *LATE_FRIDAY.weekly],
    monthly=[MonthlyRule(2, 1, time(10), time(12)), MonthlyRule(-1, 4, time(18), time(20))],
    exceptions=CHRISTMAS.exceptions,
)


def test_hsds_round_trip_is_identical():
    assert from_hsds(to_hsds(FULL, service_id="ac148810-d857-441c-9679-408f346de14b")) == FULL
    assert from_hsds(to_hsds(Schedule())) == Schedule()


def test_hsds_entries_use_rrule_fields():
    entries = to_hsds(FULL)
    assert [entry.get("freq") for entry in entries] == [
        "WEEKLY", "WEEKLY", "MONTHLY", "MONTHLY", None, "WEEKLY"
    ]
    assert [entry.get("byday") for entry in entries[:4]] == ["TH", "FR", "2TU", "-1FR"]
    assert entries[0]["opens_at"] == "11:00" and entries[0]["closes_at"] == "12:30"
    assert entries[4]["valid_from"] == "2026-12-24" and entries[4]["valid_to"] == "2027-01-02"
    assert entries[4]["description"] == "Weihnachtspause"
    assert "opens_at" not in entries[4]  # closed
    assert "timezone" not in entries[0]  # a fixed UTC offset would be wrong half the year


def test_hsds_ids_are_stable_and_differ_between_owners():
    first = [entry["id"] for entry in to_hsds(FULL, service_id="a")]
    assert first == [entry["id"] for entry in to_hsds(FULL, service_id="a")]
    assert set(first).isdisjoint(entry["id"] for entry in to_hsds(FULL, service_id="b"))
    assert len(set(first)) == len(first)


def schedule_validator():
    """Validator for schema/schedule.json; its $refs (attribute.json, …) resolve in the folder."""
    resources = [
        (path.name, Resource.from_contents(json.loads(path.read_text()), DRAFT202012))
        for path in (HSDS / "schema").glob("*.json")
    ]
    registry = Registry().with_resources(resources)
    schema = json.loads((HSDS / "schema" / "schedule.json").read_text())
    return Draft202012Validator(schema, registry=registry, format_checker=FormatChecker())


def test_to_hsds_output_is_valid_against_the_schedule_schema():
    validator = schedule_validator()
    for entry in to_hsds(FULL, service_id="ac148810-d857-441c-9679-408f346de14b"):
        validator.validate(entry)
        # The schema only marks dates with "datapackage_type", so check them here.
        for key in ("valid_from", "valid_to"):
            if key in entry:
                date.fromisoformat(entry[key])


def test_schedule_schema_validation_is_not_a_no_op():
    validator = schedule_validator()
    (entry,) = to_hsds(DROP_IN)
    assert not validator.is_valid({**entry, "freq": "DAILY"})
    assert not validator.is_valid({**entry, "id": "not-a-uuid"})
    assert not validator.is_valid({key: value for key, value in entry.items() if key != "id"})
    assert not validator.is_valid({**entry, "attributes": [{"id": "x"}]})  # resolved via $ref


def test_to_hsds_output_is_valid_inside_a_compiled_service():
    compiled = json.loads((HSDS / "compiled" / "service_with_definitions.json").read_text())
    service_id = "ac148810-d857-441c-9679-408f346de14b"
    service = {
        "id": service_id,
        "name": "Kiez+ Sprechstunde",
        "status": "active",
        "schedules": to_hsds(FULL, service_id=service_id),
    }
    Draft202012Validator(compiled, format_checker=FormatChecker()).validate(service)


def test_from_hsds_reads_comma_lists_and_seconds():
    schedule = from_hsds(
        [{"freq": "WEEKLY", "byday": "MO,TU", "opens_at": "09:00:00", "closes_at": "17:00"}]
    )
    assert schedule.weekly == (
        WeeklyRule(0, time(9), time(17)),
        WeeklyRule(1, time(9), time(17)),
    )


NINE_TO_FIVE = {"opens_at": "09:00", "closes_at": "17:00"}


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"freq": "DAILY", **NINE_TO_FIVE}, "freq must be"),
        ({"freq": "WEEKLY", "byday": "TH", "interval": 2, **NINE_TO_FIVE}, "interval"),
        ({"freq": "WEEKLY", "byday": "TH", "timezone": 1, **NINE_TO_FIVE}, "timezone"),
        ({"freq": "MONTHLY", "bymonthday": "1", **NINE_TO_FIVE}, "bymonthday"),
        ({"freq": "WEEKLY", "byday": "THU", **NINE_TO_FIVE}, "day codes"),
        ({"freq": "MONTHLY", "byday": "TU", **NINE_TO_FIVE}, "2TU"),
        ({"freq": "MONTHLY", "byday": "5TU", **NINE_TO_FIVE}, "nth"),
        ({"freq": "WEEKLY", "byday": "TH"}, "opens_at and closes_at"),
        ({"freq": "WEEKLY", "byday": "TH", "opens_at": "09:00Z", "closes_at": "17:00"}, "HH:MM"),
        ({"valid_from": "2026-12-24"}, "both valid_from and valid_to"),
        (  # a summer-only schedule
            {"valid_from": "2026-06-01", "valid_to": "2026-08-31", "freq": "WEEKLY", "byday": "TH",
             **NINE_TO_FIVE},
            "every day",
        ),
    ],
)
def test_from_hsds_rejects_what_a_schedule_cannot_express(entry, message):
    with pytest.raises(ValueError, match=rf"HSDS schedule 0 \(e94c9f38-.*\): .*{message}"):
        from_hsds([{"id": "e94c9f38-1e8f-4564-91d4-d53501ab1765", **entry}])


def test_every_kind_of_rule_is_stored_as_plain_json_and_read_back():
    data = FULL.to_dict()
    assert data == {
        "weekly": [{"weekday": 3, "opens": "11:00", "closes": "12:30"},
                   {"weekday": 4, "opens": "22:00", "closes": "02:00"}],
        "monthly": [{"nth": 2, "weekday": 1, "opens": "10:00", "closes": "12:00"},
                    {"nth": -1, "weekday": 4, "opens": "18:00", "closes": "20:00"}],
        "exceptions": [
            {"first": "2026-12-24", "last": "2027-01-02", "closed": True, "opens": None, "closes": None,
             "note": "Weihnachtspause"},
            {"first": "2026-12-30", "last": "2026-12-30", "closed": False, "opens": "10:00",
             "closes": "12:00", "note": ""},
        ],
    }
    assert Schedule.from_dict(json.loads(json.dumps(data))) == FULL


def test_a_window_from_the_day_before_is_found_on_a_berlin_afternoon():
    """Friday 22:00 to Saturday 14:00: at Saturday 13:00 in Berlin it is already Sunday in the
    suite's Auckland, so a day taken from the machine's zone would miss Friday's window."""
    overnight = Schedule(weekly=[WeeklyRule(4, time(22), time(14))])
    assert overnight.is_open(berlin(2026, 12, 5, 13))
    window = overnight.next_opening(berlin(2026, 12, 5, 13))
    assert (window.start, window.end) == (berlin(2026, 12, 4, 22), berlin(2026, 12, 5, 14))
    assert describe_next(overnight, berlin(2026, 12, 5, 13)) == "jetzt geöffnet bis 14 Uhr"


def test_describe_next_six_days_ahead_names_the_weekday_only():
    assert describe_next(DROP_IN, berlin(2026, 11, 27, 9)) == "Do 11–12:30 Uhr"  # Friday to Thursday


def test_describe_next_open_until_midnight_says_24():
    until_midnight = Schedule(weekly=[WeeklyRule(4, time(20), time(0))])
    assert describe_next(until_midnight, berlin(2026, 12, 4, 21)) == "jetzt geöffnet bis 24 Uhr"


def test_describe_next_looks_seventy_days_ahead_unless_told():
    """From Thursday 3 Dec the horizon's last day is 11 Feb (day 70); a special day on 12 Feb is beyond."""
    def special(day):
        return Schedule(exceptions=[DatedException(day, day, False, time(10), time(12))])
    assert describe_next(special(date(2027, 2, 11)), berlin(2026, 12, 3, 9)) == "Do, 11.2. 10–12 Uhr"
    assert describe_next(special(date(2027, 2, 12)), berlin(2026, 12, 3, 9)) == ""
    assert describe_next(special(date(2026, 12, 7)), berlin(2026, 12, 3, 9), horizon_days=3) == ""


def test_describe_next_opening_at_midnight_says_0():
    after_midnight = Schedule(weekly=[WeeklyRule(5, time(0), time(2))])  # Saturday 00:00–02:00
    assert describe_next(after_midnight, berlin(2026, 12, 4, 9)) == "morgen 0–2 Uhr"


def test_touching_windows_join_into_one():
    split = Schedule(weekly=[WeeklyRule(3, time(12), time(14)), WeeklyRule(3, time(9), time(12))])
    assert [(w.start, w.end) for w in split.windows_on(date(2026, 12, 3))] == [
        (berlin(2026, 12, 3, 9), berlin(2026, 12, 3, 14))]


def test_an_hour_that_the_spring_night_skips_entirely_is_no_window():
    """02:00–03:00 on 29 March 2026: both ends are the real moment 03:00, nothing is left."""
    skipped = Schedule(weekly=[WeeklyRule(6, time(2), time(3))])
    assert skipped.windows_on(date(2026, 3, 29)) == []
    assert describe_next(skipped, berlin(2026, 3, 28, 9)) == "So, 5.4. 2–3 Uhr"


def test_a_time_zone_that_gives_no_offset_is_refused():
    class NoOffset(tzinfo):
        def utcoffset(self, moment):
            return None

    with pytest.raises(ValueError, match="has no time zone"):
        DROP_IN.is_open(datetime(2026, 12, 3, 11, tzinfo=NoOffset()))


# --- the exact words of a refusal ---------------------------------------------------------------
# The HSDS import shows these messages to staff as they are (kiosk/offers/hsds_import.py), and the
# content form's errors come from the same checks: each must name the faulty entry and field and
# quote the value, so the whole text is pinned here, not just a fragment of it.


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (weekly(weekday=7), "weekly[0]: weekday must be 0 (Monday) to 6 (Sunday), got 7"),
        (weekly(opens="25:00"), "weekly[0]: '25:00' is not a time of day (00:00 to 23:59)"),
        (weekly(opens="11:60"), "weekly[0]: '11:60' is not a time of day (00:00 to 23:59)"),
        (weekly(opens="24:00"), "weekly[0]: '24:00' is not a time of day (00:00 to 23:59)"),
        (weekly(opens="11"), "weekly[0]: '11' is not a time of day written as HH:MM"),
        (weekly(opens=1100), "weekly[0]: 1100 is not a time of day written as HH:MM"),
        (weekly(closes="11:00"), "weekly[0]: opens and closes are both 11:00: a window needs a length"),
        (weekly(day="Do", a=1), "weekly[0]: unknown field(s): a, day"),
        ({"weekly": [{"weekday": 3}]}, "weekly[0]: missing field(s): opens, closes"),
        ({"weekly": "Thursday"}, "weekly must be a list, got 'Thursday'"),
        ({"weekly": [["3", "11:00", "12:30"]]}, "weekly[0]: expected an object with fields, got ['3', '11:00', '12:30']"),
        ({"yearly": [], "daily": []}, "unknown field(s): daily, yearly"),
        (monthly(nth=5), "monthly[0]: nth must be 1, 2, 3, 4 or -1 (last), got 5"),
        (dated(last="2026-12-23"), "exceptions[0]: first (2026-12-24) is after last (2026-12-23)"),
        (dated(first="24.12.2026"), "exceptions[0]: '24.12.2026' is not a date written as YYYY-MM-DD"),
        (dated(first="2026-02-30"), "exceptions[0]: '2026-02-30' is not a calendar date"),
        (dated(closed=False), "exceptions[0]: opens must be a local time of day without time zone, got None"),
        (dated(closed=False, opens="10:00"),
         "exceptions[0]: closes must be a local time of day without time zone, got None"),
        (dated(closed=True, opens="10:00", closes="12:00"), "exceptions[0]: a closed exception has no opens/closes times"),
        (dated(closed=True, closes="12:00"), "exceptions[0]: a closed exception has no opens/closes times"),
        (dated(closed="no"), "exceptions[0]: closed must be true or false, got 'no'"),
        (dated(note=3), "exceptions[0]: note must be text, got 3"),
    ],
)
def test_from_dict_says_exactly_what_is_wrong_and_where(data, message):
    with pytest.raises(ValueError) as refused:
        Schedule.from_dict(data)
    assert str(refused.value) == message


def test_the_second_faulty_rule_is_named_by_its_position():
    data = {"weekly": [{"weekday": 3, "opens": "11:00", "closes": "12:30"},
                       {"weekday": 9, "opens": "11:00", "closes": "12:30"}]}
    with pytest.raises(ValueError) as refused:
        Schedule.from_dict(data)
    assert str(refused.value) == "weekly[1]: weekday must be 0 (Monday) to 6 (Sunday), got 9"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: WeeklyRule(3, time(11, 0, 30), time(12)), "opens must be whole minutes, got 11:00:30"),
        (lambda: WeeklyRule(3, time(11), time(12, 0, 0, 5)), "closes must be whole minutes, got 12:00:00.000005"),
        (lambda: WeeklyRule(3, time(11), "12:00"), "closes must be a local time of day without time zone, got '12:00'"),
        (lambda: DatedException(datetime(2026, 12, 24), date(2026, 12, 26)),
         "first must be a date, got datetime.datetime(2026, 12, 24, 0, 0)"),
        (lambda: DatedException(date(2026, 12, 24), "2026-12-26"), "last must be a date, got '2026-12-26'"),
    ],
)
def test_rules_made_in_code_say_exactly_what_is_wrong(make, message):
    with pytest.raises(ValueError) as refused:
        make()
    assert str(refused.value) == message


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"freq": "DAILY", **NINE_TO_FIVE}, "freq must be WEEKLY or MONTHLY, got 'DAILY'"),
        (NINE_TO_FIVE, "freq must be WEEKLY or MONTHLY, got None"),
        ({"freq": "WEEKLY", "byday": "TH", "interval": 2, **NINE_TO_FIVE}, "only interval 1 is supported, got 2"),
        ({"freq": "WEEKLY", "byday": "TH", "timezone": 1, "until": "2027-01-01", **NINE_TO_FIVE},
         "not supported: timezone, until"),
        ({"freq": "WEEKLY", "byday": "TH", "opens_at": "09:00"}, "opens_at and closes_at are both needed"),
        ({"freq": "WEEKLY", "byday": "TH", "closes_at": "17:00"}, "opens_at and closes_at are both needed"),
        ({"freq": "WEEKLY", "byday": " ", **NINE_TO_FIVE}, "byday is needed, e.g. 'TH' or '2TU'"),
        ({"freq": "WEEKLY", **NINE_TO_FIVE}, "byday is needed, e.g. 'TH' or '2TU'"),
        ({"freq": "WEEKLY", "byday": "TH,THU,X", **NINE_TO_FIVE},
         "byday of a WEEKLY schedule must be day codes like TH, got ['THU', 'X']"),
        ({"freq": "MONTHLY", "byday": "2TU,TU", **NINE_TO_FIVE},
         "byday of a MONTHLY schedule must be like 2TU or -1FR, got 'TU'"),
        ({"valid_to": "2026-12-24"}, "a date range needs both valid_from and valid_to"),
        ({"valid_from": "2026-06-01", "valid_to": "2026-08-31", "freq": "WEEKLY", "byday": "TH", **NINE_TO_FIVE},
         "dated hours must apply to every day (freq WEEKLY, byday all seven days)"),
        ({"valid_from": "2026-06-01", "valid_to": "2026-08-31", "freq": "MONTHLY",
          "byday": "MO,TU,WE,TH,FR,SA,SU", **NINE_TO_FIVE},
         "dated hours must apply to every day (freq WEEKLY, byday all seven days)"),
        ({"valid_from": "2026-12-24", "valid_to": "2026-12-24", "freq": "WEEKLY",
          "byday": "MO,TU,WE,TH,FR,SA,SU", "opens_at": "09:00"}, "opens_at and closes_at are both needed"),
        ({"valid_from": "2026-12-24", "valid_to": "2026-12-24", "freq": "WEEKLY",  # not read as closed
          "byday": "MO,TU,WE,TH,FR,SA,SU", "closes_at": "12:00"}, "opens_at and closes_at are both needed"),
    ],
)
def test_from_hsds_says_exactly_what_it_cannot_read(entry, message):
    with pytest.raises(ValueError) as refused:
        from_hsds([{"id": "a", "freq": "WEEKLY", "byday": "MO", **NINE_TO_FIVE}, {"id": "b", **entry}])
    assert str(refused.value) == f"HSDS schedule 1 (b): {message}"


def test_from_hsds_names_an_entry_without_id_and_refuses_one_that_is_no_object():
    with pytest.raises(ValueError) as refused:
        from_hsds([{"freq": "DAILY"}])
    assert str(refused.value) == "HSDS schedule 0 (no id): freq must be WEEKLY or MONTHLY, got 'DAILY'"
    with pytest.raises(ValueError) as refused:
        from_hsds([{"freq": "WEEKLY", "byday": "MO", **NINE_TO_FIVE}, "MO 09:00-17:00"])
    assert str(refused.value) == "HSDS schedule 1: expected an object, got 'MO 09:00-17:00'"


def test_from_hsds_reads_day_codes_written_by_hand_in_lower_case_with_spaces():
    """Other directories' exports come typed in spreadsheets: " th, fr " and "2tu" mean TH, FR, 2TU."""
    schedule = from_hsds([
        {"freq": "WEEKLY", "byday": " th, Fr ", "interval": 1, **NINE_TO_FIVE},
        {"freq": "MONTHLY", "byday": "2tu , -1fr,+1mo", "interval": "", "opens_at": "18:00:00", "closes_at": "20:00"},
        {"valid_from": "2026-12-24", "valid_to": "2026-12-26", "freq": "WEEKLY",
         "byday": "su,mo,tu,we,th,fr,sa", "opens_at": "10:00", "closes_at": "12:00", "description": "Feiertage"},
        {"valid_from": "2026-12-31", "valid_to": "2026-12-31", "description": "Silvester", "opens_at": ""},
    ])
    assert schedule == Schedule(
        weekly=[WeeklyRule(3, time(9), time(17)), WeeklyRule(4, time(9), time(17))],
        monthly=[MonthlyRule(2, 1, time(18), time(20)), MonthlyRule(-1, 4, time(18), time(20)),
                 MonthlyRule(1, 0, time(18), time(20))],
        exceptions=[DatedException(date(2026, 12, 24), date(2026, 12, 26), closed=False,
                                   opens=time(10), closes=time(12), note="Feiertage"),
                    DatedException(date(2026, 12, 31), date(2026, 12, 31), note="Silvester")])


def test_every_time_of_day_from_midnight_to_23_59_is_read():
    schedule = Schedule.from_dict({"weekly": [{"weekday": 0, "opens": "23:00", "closes": "23:59"},
                                              {"weekday": 1, "opens": "0:00", "closes": "9:05:00"}]})
    assert schedule.weekly == (WeeklyRule(0, time(23), time(23, 59)), WeeklyRule(1, time(0), time(9, 5)))


def test_to_hsds_writes_each_rule_as_one_schedule_object_of_its_owner():
    """What another directory reads from our export: the recurrence fields, and for dated
    exceptions the notes that say in words what HSDS cannot say in fields."""
    schedule = Schedule(
        weekly=[WeeklyRule(3, time(11), time(12, 30))],
        monthly=[MonthlyRule(-1, 4, time(18), time(20))],
        exceptions=[DatedException(date(2026, 12, 24), date(2027, 1, 2), note="Weihnachten"),
                    DatedException(date(2026, 12, 31), date(2026, 12, 31), closed=False,
                                   opens=time(10), closes=time(12))])
    recurrence = {"interval": 1, "wkst": "MO"}
    expected = [
        {"freq": "WEEKLY", **recurrence, "byday": "TH", "opens_at": "11:00", "closes_at": "12:30"},
        {"freq": "MONTHLY", **recurrence, "byday": "-1FR", "opens_at": "18:00", "closes_at": "20:00"},
        {"valid_from": "2026-12-24", "valid_to": "2027-01-02", "notes": "Closed on these dates.",
         "description": "Weihnachten"},
        {"valid_from": "2026-12-31", "valid_to": "2026-12-31", "freq": "WEEKLY", **recurrence,
         "byday": "MO,TU,WE,TH,FR,SA,SU", "opens_at": "10:00", "closes_at": "12:00",
         "notes": "Special opening hours on these dates; they replace the regular hours."},
    ]
    for owner in ({"service_id": "svc-1"}, {"location_id": "loc-1"}, {}):
        entries = to_hsds(schedule, **owner)
        assert [{key: value for key, value in entry.items() if key != "id"} for entry in entries] == [
            {**owner, **entry} for entry in expected]
    ids = [entry["id"] for entry in to_hsds(schedule, service_id="svc-1")]
    assert len(set(ids)) == 4 and ids == [entry["id"] for entry in to_hsds(schedule, service_id="svc-1")]
    assert not set(ids) & {entry["id"] for entry in to_hsds(schedule, service_id="svc-2")}
