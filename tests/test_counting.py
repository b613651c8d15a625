"""Counting in hourly Berlin buckets: atomic increments, day and hour boundaries, summer time."""

import time
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import time_machine
from itsdangerous import TimestampSigner

from kiosk import clock
from kiosk.checkin import counting
from kiosk.models import Count, LateCheckin, Setting, Ticket
from kiosk.staff import reports
from tests.conftest import enrolled_tablet


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


# --- the clock, the buckets' defaults, who is asking -----------------------------------------

BERLIN = ZoneInfo("Europe/Berlin")
THU = date(2026, 11, 19)  # the suite's fixed day (tests/conftest.py): 11:30 in Berlin


def test_the_tests_run_in_auckland_even_when_travelling_to_a_berlin_moment(fixed_clock):
    assert time.tzname == ("NZST", "NZDT")
    fixed_clock.move_to(datetime(2026, 7, 1, 9, 0, tzinfo=BERLIN))
    assert time.tzname == ("NZST", "NZDT")
    assert datetime.now().hour == 19  # 09:00 in Berlin (UTC+2) is 19:00 in Auckland (UTC+12)


def test_berlin_now_is_berlin_wall_time_not_the_machines():
    """The tests run in Auckland (23:30 on the 19th at this moment): the hour must be Berlin's."""
    now = clock.berlin_now()
    assert (now.date(), now.hour, now.minute) == (THU, 11, 30)
    assert now.utcoffset() == timedelta(hours=1)


def test_berlin_now_keeps_berlins_date_when_auckland_is_a_day_ahead(fixed_clock):
    fixed_clock.move_to(datetime(2026, 11, 19, 13, 5, tzinfo=BERLIN))  # Auckland: 01:05 on the 20th
    assert clock.berlin_now().date() == THU


def test_an_increment_is_one_from_the_kiosk_with_the_normal_flag_unless_told(app):
    with app.app_context():
        counting.increment("people", day=THU, hour=11)
        assert [(c.metric, c.value, c.source, c.flag) for c in Count.select()] == [
            ("people", 1, "kiosk", counting.NORMAL)]


def test_count_now_counts_in_this_berlin_hour(app):
    with app.app_context():
        counting.count_now({"people": 2, "checkin": 1}, counting.DOUBTFUL)
        assert sorted((str(c.day), c.hour, c.metric, c.value, c.source, c.flag) for c in Count.select()) == [
            ("2026-11-19", 11, "checkin", 1, "kiosk", "doubtful"),
            ("2026-11-19", 11, "people", 2, "kiosk", "doubtful")]


def test_add_to_buckets_writes_normal_kiosk_counts_unless_told(app):
    with app.app_context():
        counting.add_to_buckets({"people": 2, "checkin": 1}, day=THU, hour=12)
        counting.add_to_buckets({"people": 3}, day=THU, hour=12, source="staff", flag=counting.OFF_HOURS)
        assert sorted((c.metric, c.value, c.source, c.flag) for c in Count.select()) == [
            ("checkin", 1, "kiosk", ""), ("people", 2, "kiosk", ""), ("people", 3, "staff", "off_hours")]


@pytest.mark.parametrize("method, headers, person", [
    ("GET", {}, True),
    ("POST", {}, True),
    ("HEAD", {}, False),
    ("GET", {"Sec-Purpose": "prefetch;prerender"}, False),
    ("GET", {"Purpose": "prefetch"}, False),
    ("GET", {"X-Moz": "Prefetch"}, False),  # any case
    ("GET", {"Sec-Purpose": "something else"}, True),
    ("GET", {"X-Other": "prefetch"}, True),
])
def test_is_a_person_asking(app, method, headers, person):
    with app.test_request_context("/", method=method, headers=headers):
        assert counting.is_a_person_asking() is person


def test_code_outside_a_request_counts_on_purpose(app):
    with app.app_context():
        assert counting.is_a_person_asking() is True


def test_a_prefetch_counts_no_event(app):
    with app.test_request_context("/", headers={"Sec-Purpose": "prefetch"}):
        counting.count_event("offer:3")
        assert Count.select().count() == 0


def test_count_event_adds_the_amount(app):
    with app.app_context():
        counting.count_event("puzzle:sudoku", 3)
        assert [(c.metric, c.value, c.flag) for c in Count.select()] == [("puzzle:sudoku", 3, "")]


def test_test_mode_is_off_until_switched_on(app):
    with app.app_context():
        assert counting.test_mode() is False
        Setting.put("test_mode", "1")
        assert counting.test_mode() is True
        Setting.put("test_mode", "0")
        assert counting.test_mode() is False


# --- the check-in's flag ---------------------------------------------------------------------


def test_checkin_flag_from_a_browser_that_is_no_tablet(app):
    with app.app_context():
        assert counting.checkin_flag(clock.berlin_now(), None) == counting.UNENROLLED


def test_one_tablets_burst_does_not_mark_another_tablets_visitors(app):
    app.config.update(BURST_LIMIT=2, BURST_WINDOW_SECONDS=60)
    with app.app_context():
        now = clock.berlin_now()
        assert [counting.checkin_flag(now, 1) for _ in range(3)] == ["", "", counting.DOUBTFUL]
        assert counting.checkin_flag(now, 2) == counting.NORMAL


def test_checkin_flag_outside_the_drop_in_hour(app):
    app.config["DROPIN_HOURS"] = [[3, "11:00", "12:30"]]  # Thursdays
    with app.app_context():
        assert counting.checkin_flag(datetime(2026, 11, 19, 12, 29, tzinfo=BERLIN), 1) == counting.NORMAL
        assert counting.checkin_flag(datetime(2026, 11, 19, 12, 30, tzinfo=BERLIN), 1) == counting.OFF_HOURS


def test_burst_window_forgets_taps_older_than_the_window():
    detector = counting.BurstDetector()
    assert [detector.is_burst(1, 10, now=t) for t in (0, 10, 20.5)] == [False, True, False]
    detector.reset()
    assert detector.is_burst(0, 10, now=21) is True  # a limit of 0: every tap is too many


# --- the check-in's steps, without the pages around them -------------------------------------

CHECKIN = {"checkin": 1, "people": 1}


def kiosk_rows():
    return sorted((c.metric, c.flag, c.value) for c in Count.select())


def test_take_step_counts_once_and_leads_to_the_same_next_ticket(app):
    with app.app_context():
        token = counting.home_ticket()
        group = counting.take_step(token, "checkin", CHECKIN, tablet_id=1)
        assert group == counting.next_token(token)
        assert counting.take_step(token, "checkin", CHECKIN, tablet_id=1) == group  # a double tap
        stored = {t.token: (t.step, t.used) for t in Ticket.select()}  # as anyone reading the table sees it
        assert stored == {token: ("checkin", True), group: ("group", False)}
        first = counting.take_step(group, "group", {"people": 2, "group_size:3": 1})
        assert first == counting.next_token(group)
        assert counting.take_step(group, "group", {"people": 2}) == first  # a resubmit
        reasons = counting.take_step(first, "first", {"first_visit:no": 1})
        age = counting.take_step(reasons, "reasons", {"reason:crafts": 1})
        done = counting.take_step(age, "age", {})
        assert done == counting.next_token(age)
        assert [t.step for t in Ticket.select().where(Ticket.token == done)] == []  # nothing follows
        assert kiosk_rows() == [("checkin", "", 1), ("first_visit:no", "", 1), ("group_size:3", "", 1),
                                ("people", "", 3), ("reason:crafts", "", 1)]


def test_take_step_refuses_tickets_it_never_issued(app):
    with app.app_context():
        assert counting.take_step("made-up", "checkin", CHECKIN, tablet_id=1) is None
        token = counting.home_ticket()
        assert counting.take_step(token, "group", {"people": 2}) is None  # a start ticket is no group ticket
        assert counting.take_step(counting.next_token(token), "group", {"people": 2}) is None  # not yet issued
        counting.take_step(token, "checkin", CHECKIN, tablet_id=1)
        assert counting.take_step(counting.next_token(token), "first", {"first_visit:yes": 1}) is None
        assert kiosk_rows() == [("checkin", "", 1), ("people", "", 1)]


def test_the_checkins_flag_follows_its_answers_even_when_the_hour_ends_between(app, fixed_clock):
    """Tapped at 12:29 in the drop-in hour, the group answered at 12:31: both count as normal."""
    app.config["DROPIN_HOURS"] = [[3, "11:00", "12:30"]]
    with app.app_context():
        fixed_clock.move_to(datetime(2026, 11, 19, 12, 29, tzinfo=BERLIN))
        token = counting.home_ticket()
        group = counting.take_step(token, "checkin", CHECKIN, tablet_id=1)
        fixed_clock.move_to(datetime(2026, 11, 19, 12, 31, tzinfo=BERLIN))
        counting.take_step(group, "group", {"people": 1, "group_size:2": 1}, tablet_id=1)
        assert kiosk_rows() == [("checkin", "", 1), ("group_size:2", "", 1), ("people", "", 2)]


def test_an_unenrolled_checkins_answers_stay_apart(app):
    with app.app_context():
        token = counting.home_ticket()
        group = counting.take_step(token, "checkin", CHECKIN)
        counting.take_step(group, "group", {"people": 1})
        assert kiosk_rows() == [("checkin", "unenrolled", 1), ("people", "unenrolled", 2)]


def test_in_test_mode_the_steps_lead_on_and_count_nothing(app):
    with app.app_context():
        Setting.put("test_mode", "1")
        token = counting.home_ticket()
        group = counting.take_step(token, "checkin", CHECKIN, tablet_id=1)
        assert counting.take_step(group, "group", {"people": 1}) == counting.next_token(group)
        assert kiosk_rows() == []


def test_a_step_without_answers_counts_nothing_and_leads_on(app):
    with app.app_context():
        token = counting.home_ticket()
        group = counting.take_step(token, "checkin", CHECKIN, tablet_id=1)
        assert counting.take_step(group, "group", {}) == counting.next_token(group)
        assert kiosk_rows() == [("checkin", "", 1), ("people", "", 1)]


def test_a_start_ticket_is_good_for_a_day(app, fixed_clock):
    with app.app_context():
        token = counting.home_ticket()
        assert counting.is_fresh_home_ticket(token) is True
        assert counting.is_fresh_home_ticket(token + "x") is False
        fixed_clock.shift(timedelta(hours=23, minutes=59))
        assert counting.is_fresh_home_ticket(token) is True
        fixed_clock.shift(timedelta(minutes=2))
        assert counting.is_fresh_home_ticket(token) is False
        assert counting.take_step(token, "checkin", CHECKIN, tablet_id=1) is None


def test_start_tickets_are_random_and_signed_with_the_apps_key(app):
    with app.app_context():
        one, two = counting.home_ticket(), counting.home_ticket()
        assert one != two
        assert len(one.split(".")[0]) == 22  # 128 random bits, URL-safe, then time and signature
    other = type(app)("other")
    other.config["SECRET_KEY"] = "another key"
    with other.app_context():
        assert counting.is_fresh_home_ticket(one) is False


def test_a_start_screen_loaded_before_an_update_still_checks_in(app):
    """The ticket's signature (key, salt, timestamp) is what a tablet holds across a restart."""
    earlier = TimestampSigner("test", salt="kiosk.checkin-ticket").sign("a-start-screen-ticket").decode()
    with app.app_context():
        assert counting.is_fresh_home_ticket(earlier) is True


def test_next_token_is_a_keyed_hash_of_the_ticket(app):
    with app.app_context():
        token = counting.next_token("abc")
        assert len(token) == 32 and counting.next_token("abc") == token
        assert counting.next_token("abd") != token
        app.config["SECRET_KEY"] = b"test"  # a key given as bytes gives the same hash
        assert counting.next_token("abc") == token
        app.config["SECRET_KEY"] = "another key"
        assert counting.next_token("abc") != token


def test_a_spent_start_ticket_is_forgotten_after_a_day(app, fixed_clock):
    with app.app_context():
        counting.take_step(counting.home_ticket(), "checkin", CHECKIN, tablet_id=1)
        assert Ticket.select().count() == 2  # the spent start ticket and the group ticket
        fixed_clock.shift(timedelta(hours=23))
        counting.forget_old_tickets()
        assert Ticket.select().count() == 2
        fixed_clock.shift(timedelta(hours=2))
        counting.take_step(counting.home_ticket(), "checkin", CHECKIN, tablet_id=1)  # forgets on the way
        assert Ticket.select().count() == 2


# --- check-ins a tablet kept while the server was away ---------------------------------------


@pytest.fixture
def two_tablets(app):
    """Tablets 1 and 2, so that a late check-in can name the tablet it came from."""
    assert [enrolled_tablet(app, name)[0].id for name in ("Eingang", "Flur")] == [1, 2]


def berlin_hour(day, hour):
    return datetime(2026, 11, day, hour, tzinfo=BERLIN).astimezone(timezone.utc)


def late_rows():
    return sorted((str(c.day), c.hour, c.metric, c.flag, c.value) for c in Count.select())


def test_a_late_checkin_counts_in_the_hour_it_was_tapped_once(app, two_tablets):
    app.config["DROPIN_HOURS"] = [[3, "11:00", "12:30"]]
    with app.app_context():
        assert counting.count_late_checkin("a" * 32, berlin_hour(18, 12), 1) is True  # Wednesday
        assert counting.count_late_checkin("a" * 32, berlin_hour(18, 12), 1) is False
        assert counting.count_late_checkin("b" * 32, berlin_hour(19, 12), 1) is True  # Thursday
        assert late_rows() == [
            ("2026-11-18", 12, "checkin", "off_hours", 1), ("2026-11-18", 12, "people", "off_hours", 1),
            ("2026-11-19", 12, "checkin", "", 1), ("2026-11-19", 12, "people", "", 1)]


@pytest.mark.parametrize("hours, tapped_hour, in_hour", [
    ([[3, "11:00", "12:30"]], 10, False),  # the hour before: 10:00–11:00 ends as it opens
    ([[3, "10:30", "12:30"]], 10, True),  # opens within the hour
    ([[3, "11:00", "12:30"]], 11, True),
    ([[3, "11:00", "12:30"]], 12, True),  # open for its first half
    ([[3, "11:00", "12:30"]], 13, False),
    ([[2, "11:00", "12:30"]], 12, False),  # Wednesdays only
])
def test_a_late_checkin_in_the_drop_in_hour_or_apart(app, two_tablets, hours, tapped_hour, in_hour):
    app.config["DROPIN_HOURS"] = hours
    with app.app_context():
        counting.count_late_checkin("c" * 32, berlin_hour(19, tapped_hour), 1)
        assert {flag for *_, flag, _ in late_rows()} == {"" if in_hour else "off_hours"}


def test_a_late_checkin_in_test_mode_is_taken_and_not_counted(app, two_tablets):
    with app.app_context():
        Setting.put("test_mode", "1")
        assert counting.count_late_checkin("d" * 32, berlin_hour(19, 11), 1) is True
        assert counting.count_late_checkin("d" * 32, berlin_hour(19, 11), 1) is False
        assert late_rows() == []


def test_late_checkin_ids_are_kept_four_days(app, two_tablets, fixed_clock):
    with app.app_context():
        counting.count_late_checkin("e" * 32, berlin_hour(19, 11), 1)
        fixed_clock.move_to(datetime(2026, 11, 23, 11, 0, tzinfo=BERLIN))  # received + 4 days: kept
        counting.count_late_checkin("f" * 32, berlin_hour(23, 10), 2)
        assert sorted((c.id[0], c.tablet_id, str(c.received)) for c in LateCheckin.select()) == [
            ("e", 1, "2026-11-19"), ("f", 2, "2026-11-23")]
        fixed_clock.move_to(datetime(2026, 11, 24, 11, 0, tzinfo=BERLIN))
        counting.count_late_checkin("g" * 32, berlin_hour(24, 10), 1)
        assert sorted(c.id[0] for c in LateCheckin.select()) == ["f", "g"]


def test_a_spent_start_ticket_is_kept_while_its_signature_is_still_good(app):
    """At exactly a day the signature still passes (itsdangerous refuses only older ones), so the
    spent ticket must still be there, or a tap at that second would count a second time."""
    with app.app_context(), time_machine.travel(datetime(2026, 11, 19, 11, 30, tzinfo=BERLIN), tick=False) as clock:
        token = counting.home_ticket()
        counting.take_step(token, "checkin", CHECKIN, tablet_id=1)
        clock.shift(counting.TICKET_MAX_AGE)
        counting.forget_old_tickets()
        assert Ticket.select().where(Ticket.token == token).exists()
        assert counting.take_step(token, "checkin", CHECKIN, tablet_id=1) == counting.next_token(token)
        assert kiosk_rows() == [("checkin", "", 1), ("people", "", 1)]


# --- what one check-in adds, and the one-tap answers (a poll, a flag on an entry) -------------


def test_the_age_question_is_off_until_staff_switch_it_on(app):
    with app.app_context():
        assert counting.age_question_on() is False
        Setting.put("age_question", "1")
        assert counting.age_question_on() is True
        Setting.put("age_question", "ja")  # only "1" switches it on
        assert counting.age_question_on() is False


def test_a_checkin_adds_one_visit_one_person_and_its_screen_language():
    assert counting.checkin_increments("tr") == {"checkin": 1, "people": 1, "language:tr": 1}


def test_a_one_tap_ticket_counts_once_and_only_for_its_own_purpose(app):
    with app.app_context():
        poll_ticket = counting.home_ticket("poll")
        assert counting.spend_one_tap_ticket(poll_ticket, "poll") is True
        assert counting.spend_one_tap_ticket(poll_ticket, "poll") is False  # a double tap, a reload
        (spent,) = Ticket.select()
        assert (spent.token, spent.step, spent.used) == (poll_ticket, "poll", True)
        assert counting.spend_one_tap_ticket(counting.home_ticket("checkin"), "poll") is None
        assert counting.spend_one_tap_ticket(poll_ticket + "x", "poll") is None  # changed
        assert counting.spend_one_tap_ticket(counting.home_ticket("flag"), "flag") is True


def test_spending_a_one_tap_ticket_forgets_the_tickets_of_yesterday(app, fixed_clock):
    with app.app_context():
        counting.spend_one_tap_ticket(counting.home_ticket("poll"), "poll")
        fixed_clock.shift(timedelta(hours=25))
        counting.spend_one_tap_ticket(counting.home_ticket("poll"), "poll")
        assert Ticket.select().count() == 1


def test_a_one_tap_answer_is_kept_apart_from_no_tablet_or_in_a_burst_at_any_hour(app):
    app.config.update(BURST_LIMIT=2, BURST_WINDOW_SECONDS=60, DROPIN_HOURS=[[3, "11:00", "12:30"]])
    with app.app_context(), time_machine.travel(datetime(2026, 11, 20, 20, 0, tzinfo=BERLIN), tick=False):
        assert counting.one_tap_flag("poll", None) == counting.UNENROLLED
        # Friday evening, no drop-in hour: a wish still counts as normal
        assert [counting.one_tap_flag("poll", 1) for _ in range(3)] == [counting.NORMAL, counting.NORMAL,
                                                                       counting.DOUBTFUL]
        assert counting.one_tap_flag("flag", 1) == counting.NORMAL  # each purpose its own window
        assert counting.one_tap_flag("poll", 2) == counting.NORMAL  # and each tablet


def test_a_late_checkin_keeps_the_screen_language_it_was_tapped_in(app, two_tablets):
    app.config["DROPIN_HOURS"] = [[3, "11:00", "12:30"]]
    with app.app_context():
        assert counting.count_late_checkin("c" * 32, berlin_hour(19, 11), 2, language="ar") is True
        assert late_rows() == [("2026-11-19", 11, "checkin", "", 1), ("2026-11-19", 11, "language:ar", "", 1),
                               ("2026-11-19", 11, "people", "", 1)]
