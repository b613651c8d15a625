"""Staff sessions kept on the server: a copied cookie dies with logout, idle time, a new password and
a disabled account; each staff member sees and ends their own logins, an admin anyone's."""

from datetime import datetime, timedelta, timezone

import pytest
import time_machine

from kiosk.models import AuditEntry, Staff, StaffSession
from kiosk.security import browser_name
from tests.conftest import BEN_PASSWORD, STAFF_PASSWORD, AuthActions, form_value

FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
SAFARI_IPAD = ("Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
               "Version/17.5 Mobile/15E148 Safari/604.1")
CHROME_ANDROID = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/126.0.0.0 Mobile Safari/537.36")
START = datetime(2026, 3, 5, 10, 0, tzinfo=timezone.utc)


def device(app, user_agent=FIREFOX_WINDOWS):
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = user_agent
    return client


def copied_cookie(source, app):
    """A second browser holding exactly the first one's session cookie (as a thief on the Wi-Fi would)."""
    thief = app.test_client()
    cookie = source.get_cookie("session")
    thief.set_cookie("session", cookie.value)
    return thief


def csrf(client, path):
    return form_value(client.get(path).get_data(as_text=True), "csrf_token")


def test_a_copied_cookie_is_refused_after_logout(app, client, auth):
    auth.login()
    thief = copied_cookie(client, app)
    assert thief.get("/admin/").status_code == 200  # the copy works while the login lasts ...
    auth.logout()
    assert thief.get("/admin/").status_code == 302  # ... and not a moment after logout
    with app.app_context():
        assert StaffSession.select().count() == 0


def test_a_copied_cookie_is_refused_after_idle_time(app, client, auth):
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(minutes=5)
    with time_machine.travel(START, tick=False) as clock:
        auth.login()
        thief = copied_cookie(client, app)
        clock.shift(timedelta(minutes=4))
        assert thief.get("/admin/").status_code == 200  # used: the idle time starts again
        clock.shift(timedelta(minutes=4, seconds=59))
        assert thief.get("/admin/").status_code == 200
        clock.shift(timedelta(minutes=5))
        assert thief.get("/admin/").status_code == 302
        thief.set_cookie("session", client.get_cookie("session").value)  # even a cookie kept past its expiry
        assert thief.get("/admin/").status_code == 302
    with app.app_context():
        assert StaffSession.select().count() == 0  # the idle record is gone, not only refused


def test_idle_time_is_30_minutes_by_default(app, client, auth):
    with time_machine.travel(START, tick=False) as clock:
        auth.login()
        clock.shift(timedelta(minutes=29))
        assert client.get("/admin/").status_code == 200
        clock.shift(timedelta(minutes=30, seconds=1))
        assert client.get("/admin/").status_code == 302


def test_the_idle_time_may_be_set_in_seconds(app, client, auth):
    app.config["PERMANENT_SESSION_LIFETIME"] = 120  # as KIOSK_PERMANENT_SESSION_LIFETIME=120 gives it
    with time_machine.travel(START, tick=False) as clock:
        auth.login()
        assert "nach 2 Minuten" in client.get("/admin/staff/sessions").get_data(as_text=True)
        clock.shift(timedelta(seconds=121))
        assert client.get("/admin/").status_code == 302


def test_a_forged_or_old_style_cookie_gets_no_login(app, client):
    with client.session_transaction() as session:
        session["staff_session"] = "made-up-token"
    assert client.get("/admin/").status_code == 302
    with client.session_transaction() as session:
        session["staff_id"] = 1  # a cookie from before server-side sessions
    assert client.get("/admin/").status_code == 302


def test_the_database_keeps_no_token_and_no_address(app, client, auth):
    auth.login()
    token = client.get_cookie("session").value
    with app.app_context():
        record = StaffSession.get()
        columns = {column.name for column in StaffSession._meta.database.get_columns("staff_session")}
    assert record.token_hash not in token and len(record.token_hash) == 64
    assert not any("addr" in name or "ip" == name for name in columns)


def test_a_password_change_ends_every_other_login(app):
    office, phone = device(app), device(app, CHROME_ANDROID)
    AuthActions(office).login()
    AuthActions(phone).login()
    thief = copied_cookie(office, app)
    response = office.post("/admin/staff/password", data={
        "csrf_token": csrf(office, "/admin/staff/password"), "old_password": STAFF_PASSWORD,
        "new_password": "a brand new password", "repeat": "a brand new password"})
    assert response.status_code == 302
    assert office.get("/admin/").status_code == 200  # this device has a new login
    assert phone.get("/admin/").status_code == 302
    assert thief.get("/admin/").status_code == 302  # the copy was of the old login


def test_disabling_an_account_ends_its_logins(app, client, auth, team):
    ben = device(app, SAFARI_IPAD)
    AuthActions(ben).login("ben", BEN_PASSWORD)
    auth.login()
    client.post(f"/admin/staff/{team['ben']}/active", data={"csrf_token": csrf(client, "/admin/staff/")})
    with app.app_context():
        assert StaffSession.select().where(StaffSession.staff == team["ben"]).count() == 0
        Staff.update(active=True).execute()  # even enabled again, the old login stays over
    assert ben.get("/admin/").status_code == 302


def test_own_devices_are_listed_by_browser_name(app, team):
    office, tablet = device(app), device(app, SAFARI_IPAD)
    AuthActions(office).login()
    AuthActions(tablet).login()
    page = office.get("/admin/staff/sessions").get_data(as_text=True)
    assert "<strong>Firefox auf Windows</strong> (dieses Gerät)" in page
    assert "Safari auf iPad" in page
    assert "10.0" not in page and "127.0.0.1" not in page  # no version, no address


def test_ending_one_of_ones_own_logins(app, team):
    office, tablet = device(app), device(app, SAFARI_IPAD)
    AuthActions(office).login()
    AuthActions(tablet).login()
    with app.app_context():
        ipad = StaffSession.get(StaffSession.browser == "Safari auf iPad").id
    response = office.post(f"/admin/staff/sessions/{ipad}/end", data={"csrf_token": csrf(office, "/admin/staff/sessions")})
    assert response.status_code == 302
    assert tablet.get("/admin/").status_code == 302
    assert office.get("/admin/").status_code == 200
    with app.app_context():
        assert AuditEntry.select().count() == 0  # one's own logins are one's own business


def test_ending_all_other_logins(app, team):
    office, tablet, phone = device(app), device(app, SAFARI_IPAD), device(app, CHROME_ANDROID)
    for browser in (office, tablet, phone):
        AuthActions(browser).login()
    office.post("/admin/staff/sessions/end-others", data={"csrf_token": csrf(office, "/admin/staff/sessions")})
    assert [b.get("/admin/").status_code for b in (office, tablet, phone)] == [200, 302, 302]


def test_ending_this_login_from_the_list_logs_out(app, client, auth, team):
    auth.login()
    with app.app_context():
        mine = StaffSession.get().id
    response = client.post(f"/admin/staff/sessions/{mine}/end", data={"csrf_token": csrf(client, "/admin/staff/sessions")})
    assert response.headers["Location"].endswith("/admin/login")
    assert client.get("/admin/").status_code == 302


def test_a_colleague_cannot_end_someone_elses_login(app, client, auth, team):
    anna = device(app)
    AuthActions(anna).login()
    AuthActions(client).login("ben", BEN_PASSWORD)
    with app.app_context():
        annas = StaffSession.get(StaffSession.staff == team["anna"]).id
    token = csrf(client, "/admin/staff/sessions")
    assert client.post(f"/admin/staff/sessions/{annas}/end", data={"csrf_token": token}).status_code == 404
    assert client.post(f"/admin/staff/{team['anna']}/sessions/end", data={"csrf_token": token}).status_code == 403
    assert client.get(f"/admin/staff/{team['anna']}/sessions").status_code == 403
    assert anna.get("/admin/").status_code == 200


def test_an_admin_sees_and_ends_anyones_logins(app, client, auth, team):
    ben_phone, ben_tablet = device(app, CHROME_ANDROID), device(app, SAFARI_IPAD)
    AuthActions(ben_phone).login("ben", BEN_PASSWORD)
    AuthActions(ben_tablet).login("ben", BEN_PASSWORD)
    auth.login()
    team_page = client.get("/admin/staff/").get_data(as_text=True)
    assert "2 Geräte" in team_page and "Überall abmelden" in team_page
    page = client.get(f"/admin/staff/{team['ben']}/sessions").get_data(as_text=True)
    assert "Wo ben angemeldet ist" in page and "Chrome auf Android" in page
    with app.app_context():
        phone = StaffSession.get(StaffSession.browser == "Chrome auf Android").id
    client.post(f"/admin/staff/sessions/{phone}/end", data={"csrf_token": csrf(client, "/admin/staff/")})
    assert ben_phone.get("/admin/").status_code == 302 and ben_tablet.get("/admin/").status_code == 200
    client.post(f"/admin/staff/{team['ben']}/sessions/end", data={"csrf_token": csrf(client, "/admin/staff/")})
    assert ben_tablet.get("/admin/").status_code == 302
    assert client.get("/admin/").status_code == 200
    with app.app_context():
        assert [(e.action, e.detail) for e in AuditEntry.select().order_by(AuditEntry.id)] == [
            ("session_end", "ben"), ("sessions_end", "ben")]


def test_removing_an_account_removes_its_sessions(app, client, auth, team):
    AuthActions(device(app)).login("ben", BEN_PASSWORD)
    auth.login()
    client.post(f"/admin/staff/{team['ben']}/remove", data={"csrf_token": csrf(client, "/admin/staff/")})
    with app.app_context():
        assert StaffSession.select().where(StaffSession.staff == team["ben"]).count() == 0


@pytest.mark.parametrize("user_agent, name", [
    (FIREFOX_WINDOWS, "Firefox auf Windows"),
    (SAFARI_IPAD, "Safari auf iPad"),
    (CHROME_ANDROID, "Chrome auf Android"),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/17.5 Safari/605.1.15", "Safari auf macOS"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0", "Edge auf Windows"),
    ("Mozilla/5.0 (Linux; Android 14; SM-X200) AppleWebKit/537.36 (KHTML, like Gecko) "
     "SamsungBrowser/25.0 Chrome/121.0.0.0 Safari/537.36", "Samsung Internet auf Android"),
    ("curl/8.5.0", "Unbekannter Browser"),
    ("", "Unbekannter Browser"),
])
def test_browser_names(user_agent, name):
    assert browser_name(user_agent) == name
