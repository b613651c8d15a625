"""The drop-in hour's exceptions: Berlin's public holidays and the days staff close it, on the
home screen, the thank-you page and in which check-ins count as outside the hour."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from kiosk import clock
from kiosk.checkin.dropin import HOLIDAY, berlin_holidays, closed_today, dropin_status
from kiosk.models import AuditEntry, DropinClosure
from kiosk.staff import reports
from tests.conftest import form_value

BERLIN = ZoneInfo("Europe/Berlin")
THURSDAYS = [[3, "11:00", "12:30"]]
ASCENSION_2027 = datetime(2027, 5, 6, 11, 30, tzinfo=BERLIN)  # a Thursday, in the drop-in hour
NEXT_THURSDAY = datetime(2027, 5, 13, 11, 30, tzinfo=BERLIN)


pytestmark = pytest.mark.usefixtures("enrolled")  # the room's tablet: its check-ins count as normal


@pytest.fixture
def thursdays(app):
    app.config.update(DROPIN_HOURS=THURSDAYS, DROPIN_HOLIDAYS="BE")
    return app


def tap_checkin(client):
    home = client.get("/").get_data(as_text=True)
    sent = {"csrf_token": form_value(home, "csrf_token"), "ticket": form_value(home, "ticket")}
    client.post("/checkin", data=sent)


def checkins(app, day, off_hours):
    with app.app_context():
        return reports.totals(day, day, reports.flags_shown(off_hours=off_hours))["checkins"]


def test_berlin_knows_its_own_holidays(thursdays):
    with thursdays.app_context():
        spring = berlin_holidays(date(2027, 3, 1), date(2027, 5, 31))
    assert spring[date(2027, 5, 6)] == "Christi Himmelfahrt"
    assert spring[date(2027, 3, 8)] == "Frauentag"  # Berlin only
    assert date(2027, 5, 27) not in spring  # Corpus Christi is not a holiday in Berlin


@time_machine.travel(ASCENSION_2027, tick=False)
def test_on_ascension_day_the_home_screen_names_the_next_drop_in_hour(thursdays, client):
    with thursdays.test_request_context():
        status = dropin_status(clock.berlin_now())
        assert not status["open"] and status["closed_today"] == HOLIDAY
        assert status["start"] == datetime(2027, 5, 13, 11, 0, tzinfo=BERLIN)
    home = client.get("/").get_data(as_text=True)
    assert "Heute keine Sprechstunde (Feiertag)" in home and "jetzt geöffnet" not in home
    assert "Nächste Sprechstunde: Donnerstag, 13. Mai 2027, 11:00\u2060–\u206012:30" in home


@time_machine.travel(NEXT_THURSDAY, tick=False)
def test_an_ordinary_thursday_is_open(thursdays, client):
    home = client.get("/").get_data(as_text=True)
    assert "Sprechstunde heute 11:00\u2060–\u206012:30 · jetzt geöffnet" in home
    assert "Heute keine Sprechstunde" not in home


@time_machine.travel(ASCENSION_2027, tick=False)
def test_a_check_in_on_a_holiday_counts_as_outside_the_hour(thursdays, client):
    tap_checkin(client)
    assert checkins(thursdays, ASCENSION_2027.date(), off_hours=False) == 0
    assert checkins(thursdays, ASCENSION_2027.date(), off_hours=True) == 1


@time_machine.travel(NEXT_THURSDAY, tick=False)
def test_a_day_staff_closed_is_closed_everywhere(thursdays, client, auth):
    auth.login()
    page = client.get("/admin/dropin/").get_data(as_text=True)
    assert "Christi Himmelfahrt" not in page  # already past; the holidays ahead are listed
    assert "Pfingstmontag" in page
    response = client.post("/admin/dropin/", data={
        "csrf_token": form_value(page, "csrf_token"), "first": "2027-05-13", "last": "",
        "note": "Teamtag"}, follow_redirects=True)
    assert "Abgesagt: 13.05.2027" in response.get_data(as_text=True)
    with thursdays.app_context():
        assert closed_today(date(2027, 5, 13)) == "closure"
        assert AuditEntry.select().where(AuditEntry.action == "dropin_closed").count() == 1
    home = client.get("/").get_data(as_text=True)
    assert "Heute keine Sprechstunde ·" in home and "Teamtag" not in home  # the reason is staff's
    assert "Nächste Sprechstunde: Donnerstag, 20.05" not in home  # a week ahead says the date
    assert "20. Mai 2027" in home
    tap_checkin(client)
    assert checkins(thursdays, NEXT_THURSDAY.date(), off_hours=False) == 0
    with thursdays.app_context():
        closure = DropinClosure.get()
    page = client.get("/admin/dropin/").get_data(as_text=True)
    client.post(f"/admin/dropin/{closure.id}/remove", data={"csrf_token": form_value(page, "csrf_token")})
    assert "jetzt geöffnet" in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("first,last,message", [
    ("2027-05-20", "2027-05-13", "Das Ende liegt vor dem Anfang."),
    ("2027-05-20", "2029-05-13", "Höchstens ein Jahr auf einmal."),
    ("kein Datum", "", "Kein gültiges Datum."),
])
def test_a_closure_with_bad_dates_is_refused(app, client, auth, first, last, message):
    auth.login()
    page = client.get("/admin/dropin/").get_data(as_text=True)
    response = client.post("/admin/dropin/", data={"csrf_token": form_value(page, "csrf_token"),
                                                   "first": first, "last": last})
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    with app.app_context():
        assert DropinClosure.select().count() == 0


def test_removing_an_unknown_closure_is_a_404(client, auth):
    auth.login()
    page = client.get("/admin/dropin/").get_data(as_text=True)
    assert client.post("/admin/dropin/99/remove", data={"csrf_token": form_value(page, "csrf_token")}).status_code == 404


@time_machine.travel(ASCENSION_2027, tick=False)
def test_the_thank_you_page_tells_the_truth_outside_the_hour(thursdays, client):
    page = client.get("/checkin/thanks").get_data(as_text=True)
    assert "Das Team ist gleich für Sie da" not in page
    assert "Gerade ist keine Sprechstunde." in page and "13. Mai 2027" in page


@time_machine.travel(NEXT_THURSDAY, tick=False)
def test_the_thank_you_page_in_the_hour_promises_the_team(thursdays, client):
    assert "Das Team ist gleich für Sie da" in client.get("/checkin/thanks").get_data(as_text=True)


@time_machine.travel(ASCENSION_2027, tick=False)
def test_holidays_can_be_left_out_for_a_house_open_on_them(thursdays, client):
    thursdays.config["DROPIN_HOLIDAYS"] = ""
    assert "jetzt geöffnet" in client.get("/").get_data(as_text=True)


@time_machine.travel(NEXT_THURSDAY, tick=False)
def test_dropin_status_reads_closures_and_hours_as_they_are_now(thursdays):
    """The closures are read as plain rows and the weekly hours kept parsed per value: a closure
    spanning today closes it, and a change of DROPIN_HOURS is seen at once."""
    with thursdays.app_context():
        now = clock.berlin_now()
        assert dropin_status(now)["closed_today"] is None and dropin_status(now)["open"]
        DropinClosure.create(first=date(2027, 5, 12), last=date(2027, 5, 14), note="Fahrt")
        status = dropin_status(now)
        assert status["closed_today"] == "closure" and not status["open"]
        assert status["start"].date() == date(2027, 5, 20)
        thursdays.config["DROPIN_HOURS"] = [[4, "10:00", "11:00"]]  # Fridays only, from now on
        status = dropin_status(now)
        assert status["closed_today"] is None and status["start"].date() == date(2027, 5, 21)
