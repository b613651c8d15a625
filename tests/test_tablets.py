"""Enrolled tablets: a one-time code from staff, a hashed device cookie, counted apart otherwise,
per-tablet bursts, and a heartbeat that Today shows."""

import hashlib
import re
from datetime import datetime, timedelta, timezone

import pytest
import time_machine

from kiosk import clock
from kiosk.checkin import counting, tablets
from kiosk.models import AuditEntry, Count, LateCheckin, Tablet
from kiosk.staff import reports
from tests.conftest import enrol, form_value

THURSDAY_11_30 = datetime(2026, 11, 26, 10, 30, tzinfo=timezone.utc)  # 11:30 in Berlin


def add_tablet_as_staff(client, auth, name="Tablet Eingang"):
    """Staff add a tablet on the admin page; returns the page and the code it shows once."""
    auth.login()
    page = client.get("/admin/tablets").get_data(as_text=True)
    response = client.post("/admin/tablets", data={"csrf_token": form_value(page, "csrf_token"), "add-name": name})
    html = response.get_data(as_text=True)
    code = re.search(r"data-code>([A-Z0-9-]+)<", html).group(1)
    return html, code


def enrol_with(app, code):
    """The tablet (a browser of its own) opens the enrolment address and types the code."""
    device = app.test_client()
    page = device.get("/tablet/enrol").get_data(as_text=True)
    response = device.post("/tablet/enrol", data={"csrf_token": form_value(page, "csrf_token"), "code": code})
    return device, response


def checkin(client):
    home = client.get("/").get_data(as_text=True)
    return client.post("/checkin", data={"csrf_token": form_value(home, "csrf_token"),
                                         "ticket": form_value(home, "ticket")})


def today(app, **flags):
    with app.app_context():
        day = clock.berlin_now().date()
        return reports.totals(day, day, reports.flags_shown(**flags))


def audit_actions(app):
    with app.app_context():
        return [(e.action, e.detail) for e in AuditEntry.select().order_by(AuditEntry.id)]


def test_staff_add_a_tablet_and_get_a_code_and_its_qr_code(app, client, auth):
    html, code = add_tablet_as_staff(client, auth)
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", code)
    assert "gilt 15 Minuten" in html and "http://localhost/tablet/enrol" in html
    assert '<svg width="' in html and 'aria-label="Anmeldeadresse mit Code für das Tablet"' in html
    with app.app_context():
        tablet = Tablet.get()
        assert tablet.name == "Tablet Eingang" and tablet.code_hash == hashlib.sha256(
            code.replace("-", "").encode()).hexdigest()
        assert code.replace("-", "") not in str(list(Tablet.select().tuples()))
    assert audit_actions(app) == [("tablet_add", "Tablet Eingang")]


def test_the_code_makes_a_long_lived_httponly_device_cookie_stored_hashed(app, client, auth):
    _, code = add_tablet_as_staff(client, auth)
    device, response = enrol_with(app, code.lower())  # typed in small letters: the same code
    assert response.status_code == 200 and "Tablet „Tablet Eingang“" in response.get_data(as_text=True)
    header = response.headers["Set-Cookie"]
    assert header.startswith(f"{tablets.COOKIE}=") and "HttpOnly" in header and "SameSite=Lax" in header
    assert "Max-Age=34560000" in header  # 400 days, renewed by every heartbeat
    secret = device.get_cookie(tablets.COOKIE).value
    with app.app_context():
        tablet = Tablet.get()
        assert tablet.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
        assert tablet.code_hash is None and tablet.enrolled is not None
        assert secret not in str(list(Tablet.select().tuples()))
    assert ("tablet_enrolled", "Tablet Eingang") in audit_actions(app)
    assert 'data-tablet="1"' in device.get("/").get_data(as_text=True)
    assert 'data-tablet="1"' not in app.test_client().get("/").get_data(as_text=True)


def test_opening_the_address_with_the_code_only_fills_it_in(app, client, auth):
    _, code = add_tablet_as_staff(client, auth)
    device = app.test_client()
    page = device.get(f"/tablet/enrol?code={code}")
    assert f'value="{code}"' in page.get_data(as_text=True)
    assert device.get_cookie(tablets.COOKIE) is None  # a GET enrols nothing
    assert enrol_with(app, code)[1].status_code == 200


def test_an_expired_code_is_refused(app, client, auth):
    with time_machine.travel(THURSDAY_11_30, tick=False) as clock:
        _, code = add_tablet_as_staff(client, auth)
        clock.shift(timedelta(minutes=15, seconds=1))
        device, response = enrol_with(app, code)
    assert response.status_code == 400 and "abgelaufen" in response.get_data(as_text=True)
    assert device.get_cookie(tablets.COOKIE) is None


def test_a_code_works_once(app, client, auth):
    _, code = add_tablet_as_staff(client, auth)
    assert enrol_with(app, code)[1].status_code == 200
    device, again = enrol_with(app, code)
    assert again.status_code == 400 and device.get_cookie(tablets.COOKIE) is None


@pytest.mark.parametrize("typed", ["AAAA-AAAA", "", "x" * 33, "ABCD", "<script>", "ÄÖÜ-ßßßß"])
def test_a_wrong_code_is_refused(app, client, auth, typed):
    add_tablet_as_staff(client, auth)
    device, response = enrol_with(app, typed)
    assert response.status_code == 400 and device.get_cookie(tablets.COOKIE) is None
    with app.app_context():
        assert Tablet.get().enrolled is None


def revoke(client, tablet_id):
    page = client.get("/admin/tablets").get_data(as_text=True)
    return client.post(f"/admin/tablets/{tablet_id}/revoke", data={"csrf_token": form_value(page, "csrf_token")})


def test_a_revoked_tablets_code_and_cookie_no_longer_count(app, client, auth):
    _, code = add_tablet_as_staff(client, auth)
    with app.app_context():
        waiting = Tablet.get()
    assert revoke(client, waiting.id).status_code == 302
    assert enrol_with(app, code)[1].status_code == 400  # its code died with it

    _, code = add_tablet_as_staff(client, auth, "Tablet Flur")
    device, _ = enrol_with(app, code)
    assert checkin(device).status_code == 302
    with app.app_context():
        flur = Tablet.get(Tablet.name == "Tablet Flur")
    revoke(client, flur.id)
    assert checkin(device).status_code == 302  # the visitor notices nothing ...
    assert today(app)["checkins"] == 1  # ... but it counts apart now
    assert today(app, unenrolled=True)["checkins"] == 2
    assert [a for a, _ in audit_actions(app)].count("tablet_revoke") == 2
    assert revoke(client, flur.id).status_code == 400  # once is enough


def test_rename_is_logged(app, client, auth):
    add_tablet_as_staff(client, auth)
    with app.app_context():
        tablet = Tablet.get()
    page = client.get("/admin/tablets").get_data(as_text=True)
    response = client.post(f"/admin/tablets/{tablet.id}/rename",
                           data={"csrf_token": form_value(page, "csrf_token"), "rename-name": "Tablet Café"})
    assert response.status_code == 302
    with app.app_context():
        assert Tablet.get().name == "Tablet Café"
    assert ("tablet_rename", "Tablet Eingang → Tablet Café") in audit_actions(app)
    assert "Tablet umbenannt" in client.get("/admin/log").get_data(as_text=True)


@pytest.mark.parametrize("path, data, status", [
    ("/admin/tablets/1/rename", {"rename-name": ""}, 400),
    ("/admin/tablets/1/rename", {"rename-name": "x" * 65}, 400),
    ("/admin/tablets/999/rename", {"rename-name": "Neu"}, 404),
    ("/admin/tablets/999/revoke", {}, 404),
    ("/admin/tablets/999/code", {}, 404),
    ("/admin/tablets", {"add-name": ""}, 400),
])
def test_bad_staff_input_is_refused(app, client, auth, path, data, status):
    add_tablet_as_staff(client, auth)
    page = client.get("/admin/tablets").get_data(as_text=True)
    assert client.post(path, data={"csrf_token": form_value(page, "csrf_token"), **data}).status_code == status
    with app.app_context():
        assert [t.name for t in Tablet.select()] == ["Tablet Eingang"]


def test_a_new_code_enrols_a_tablet_again_and_its_old_cookie_dies(app, client, auth):
    _, code = add_tablet_as_staff(client, auth)
    old_device, _ = enrol_with(app, code)
    with app.app_context():
        tablet = Tablet.get()
    page = client.get("/admin/tablets").get_data(as_text=True)
    html = client.post(f"/admin/tablets/{tablet.id}/code",
                       data={"csrf_token": form_value(page, "csrf_token")}).get_data(as_text=True)
    new_device, response = enrol_with(app, re.search(r"data-code>([A-Z0-9-]+)<", html).group(1))
    assert response.status_code == 200
    checkin(old_device)
    checkin(new_device)
    assert today(app)["checkins"] == 1 and today(app, unenrolled=True)["checkins"] == 2


def test_staff_pages_need_a_login(client):
    assert client.get("/admin/tablets").status_code == 302
    page = client.get("/tablet/enrol").get_data(as_text=True)
    token = form_value(page, "csrf_token")
    assert client.post("/admin/tablets", data={"csrf_token": token, "add-name": "x"}).status_code == 302
    assert client.post("/admin/tablets/1/revoke", data={"csrf_token": token}).status_code == 302


# --- counting ---------------------------------------------------------------------------------


def test_checkins_from_other_browsers_are_counted_apart_and_left_out_of_reports(app, client, auth):
    for _ in range(3):
        assert checkin(app.test_client()).status_code == 302  # the thank-you as usual
    with app.app_context():
        assert {c.flag for c in Count.select()} == {counting.UNENROLLED}
    assert today(app)["checkins"] == 0
    assert today(app, unenrolled=True)["checkins"] == 3
    auth.login()
    page = client.get("/admin/").get_data(as_text=True)
    assert "<strong>3</strong> nicht vom Tablet" in page and 'data-figure="checkins">0<' in page
    assert 'data-figure="checkins">3<' in client.get("/admin/?unenrolled=1").get_data(as_text=True)


def test_the_answers_after_an_unenrolled_checkin_are_counted_apart_too(app):
    visitor = app.test_client()
    response = checkin(visitor)
    page = visitor.get(response.headers["Location"]).get_data(as_text=True)
    visitor.post("/checkin/group", data={"csrf_token": form_value(page, "csrf_token"),
                                         "ticket": form_value(page, "ticket"), "size": "4"})
    assert today(app)["people"] == 0 and today(app, unenrolled=True)["people"] == 4


def test_a_burst_on_one_tablet_never_marks_another_tablets_visitors(app):
    app.config["BURST_LIMIT"] = 2
    entrance, hallway = app.test_client(), app.test_client()
    enrol(app, entrance, "Tablet Eingang")
    enrol(app, hallway, "Tablet Flur")
    for _ in range(4):
        checkin(entrance)
    checkin(hallway)
    assert today(app)["checkins"] == 3  # 2 from the entrance, 1 from the hallway
    assert today(app, doubtful=True)["checkins"] == 5


def test_cookieless_posts_never_make_the_tablets_next_visitor_doubtful(app, client, enrolled):
    """The issue's case: five scripted POSTs from another machine, then a real visitor."""
    for _ in range(5 + 1):
        checkin(app.test_client())
    checkin(client)
    assert today(app)["checkins"] == 1
    assert today(app, unenrolled=True)["checkins"] == 1 + 6 and today(app, doubtful=True)["checkins"] == 1


def test_phones_still_browse_offers_and_puzzles(app):
    phone = app.test_client()
    for path in ("/", "/activities/", "/offers", "/help"):
        assert phone.get(path).status_code in (200, 308), path


# --- heartbeat and Today ----------------------------------------------------------------------


def beat(client):
    token = form_value(client.get("/").get_data(as_text=True), "csrf_token")
    return client.post("/tablet/alive", headers={"X-CSRFToken": token})


def test_heartbeat_from_an_enrolled_tablet_is_remembered(app, client):
    with time_machine.travel(THURSDAY_11_30, tick=False) as clock:
        enrol(app, client)
        clock.shift(timedelta(minutes=3))
        response = beat(client)
        assert response.status_code == 204 and response.get_data() == b""
        assert "Max-Age=34560000" in response.headers["Set-Cookie"]  # renewed
        with app.app_context():
            assert Tablet.get().last_seen == THURSDAY_11_30.replace(tzinfo=None) + timedelta(minutes=3)


def test_heartbeat_carries_nothing_and_writes_at_most_twice_a_minute(app, client):
    with time_machine.travel(THURSDAY_11_30, tick=False) as clock:
        enrol(app, client)
        clock.shift(timedelta(seconds=40))
        beat(client)
        clock.shift(timedelta(seconds=10))
        beat(client)  # too soon after the last one: nothing written
        with app.app_context():
            assert Tablet.get().last_seen == THURSDAY_11_30.replace(tzinfo=None) + timedelta(seconds=40)
    with app.app_context():
        assert Count.select().count() == 0


def test_heartbeat_from_another_browser_or_without_csrf_is_refused(app, client, enrolled):
    assert beat(app.test_client()).status_code == 403
    assert client.post("/tablet/alive").status_code == 400


@pytest.mark.parametrize("silent, shown, warned", [
    (timedelta(seconds=30), "zuletzt vor weniger als 1 Min.", False),
    (timedelta(minutes=2), "zuletzt vor 2 Min.", False),
    (timedelta(minutes=5), "zuletzt vor 5 Min.", False),
    (timedelta(minutes=6), "zuletzt vor 6 Min.", True),
    (timedelta(minutes=119), "zuletzt vor 119 Min.", True),
    (timedelta(hours=2), "zuletzt am 26.11.2026 09:30", True),
])
def test_today_shows_when_each_tablet_was_last_heard(app, client, auth, silent, shown, warned):
    app.config["DROPIN_HOURS"] = [[3, "11:00", "12:30"]]  # Thursday
    with time_machine.travel(THURSDAY_11_30 - silent, tick=False) as clock:
        enrol(app, app.test_client())
        clock.move_to(THURSDAY_11_30)
        auth.login()
        page = client.get("/admin/").get_data(as_text=True)
    assert f"<strong>Tablet Eingang</strong>:\n    {shown}" in page
    assert ("tablet-silent" in page) is warned and ("meldet sich nicht" in page) is warned


def test_no_warning_outside_the_drop_in_hour(app, client, auth):
    app.config["DROPIN_HOURS"] = [[3, "11:00", "12:30"]]
    with time_machine.travel(THURSDAY_11_30 - timedelta(hours=3), tick=False) as clock:
        enrol(app, app.test_client())
        clock.move_to(THURSDAY_11_30 + timedelta(hours=2))  # 13:30, after the drop-in hour
        auth.login()
        page = client.get("/admin/").get_data(as_text=True)
    assert "zuletzt am 26.11.2026 08:30" in page and "tablet-silent" not in page


# --- check-ins the tablet kept while the server was away ---------------------------------------

DELIVERED = datetime(2026, 11, 26, 11, 20, tzinfo=timezone.utc)  # Thursday 12:20 in Berlin


def hour_start(moment):
    return int(moment.replace(minute=0, second=0, microsecond=0).timestamp())


def deliver(client, checkin_id="0f3c9a7e5b2d4c1a8e6f9b0a1c2d3e4f", hour=None, csrf=True):
    token = form_value(client.get("/").get_data(as_text=True), "csrf_token")
    data = {"id": checkin_id, "hour": hour_start(DELIVERED) if hour is None else hour}
    return client.post("/checkin/late", data=data, headers={"X-CSRFToken": token} if csrf else {})


def buckets(app):
    with app.app_context():
        return sorted((str(c.day), c.hour, c.metric, c.flag, c.value) for c in Count.select())


@pytest.fixture
def thursday(app):
    app.config["DROPIN_HOURS"] = [[3, "11:00", "12:30"]]
    with time_machine.travel(DELIVERED, tick=False):
        yield


def test_a_kept_checkin_counts_once_in_the_hour_it_was_tapped(app, client, thursday):
    enrol(app, client)
    tapped = DELIVERED - timedelta(minutes=30)  # 11:50 in Berlin: the server came back 30 min later
    response = deliver(client, hour=hour_start(tapped))
    assert response.status_code == 201 and response.get_json() == {"status": "counted"}
    again = deliver(client, hour=hour_start(tapped))  # a repeated delivery, a reload
    assert again.status_code == 200 and again.get_json() == {"status": "counted before"}
    assert buckets(app) == [("2026-11-26", 11, "checkin", "", 1), ("2026-11-26", 11, "people", "", 1)]


def test_a_kept_checkin_outside_the_drop_in_hour_is_counted_apart(app, client, thursday):
    enrol(app, client)
    assert deliver(client, hour=hour_start(DELIVERED - timedelta(hours=3))).status_code == 201  # 09:00
    assert {flag for _, _, _, flag, _ in buckets(app)} == {counting.OFF_HOURS}


@pytest.mark.parametrize("age, status", [
    (timedelta(hours=47), 201), (timedelta(hours=48), 201),
    (timedelta(hours=49, minutes=30), 400), (timedelta(days=30), 400), (-timedelta(hours=1), 400),
])
def test_only_the_last_48_hours_are_accepted(app, client, thursday, age, status):
    enrol(app, client)
    response = deliver(client, hour=hour_start(DELIVERED - age))
    assert response.status_code == status
    assert (buckets(app) != []) is (status == 201)
    if status == 400:
        assert response.get_json() == {"status": "refused"}  # the tablet stops sending it


@pytest.mark.parametrize("checkin_id, hour", [
    ("short", None), ("x" * 37, None), ("<script>alert(1)</script>", None), ("", None),
    ("0f3c9a7e5b2d4c1a8e6f9b0a1c2d3e4f", hour_start(DELIVERED) + 60),  # not a whole hour
    ("0f3c9a7e5b2d4c1a8e6f9b0a1c2d3e4f", "eleven"),
    ("0f3c9a7e5b2d4c1a8e6f9b0a1c2d3e4f", 10**30),
    ("0f3c9a7e5b2d4c1a8e6f9b0a1c2d3e4f", -3600),
])
def test_malformed_late_checkins_are_refused(app, client, thursday, checkin_id, hour):
    enrol(app, client)
    response = deliver(client, checkin_id, hour)
    assert response.status_code == 400 and response.get_json() == {"status": "refused"}
    assert buckets(app) == []


def test_late_checkins_only_from_an_enrolled_tablet(app, client, thursday):
    response = deliver(client)
    assert response.status_code == 403 and response.get_json() == {"status": "refused"}
    assert buckets(app) == []


def test_without_csrf_the_tablet_keeps_it_and_tries_again(app, client, thursday):
    enrol(app, client)
    response = deliver(client, csrf=False)
    assert response.status_code == 400 and response.mimetype == "text/html"  # not "refused": kept
    assert buckets(app) == []
    assert deliver(client).status_code == 201


def test_today_says_how_many_arrived_late_and_from_which_tablet(app, client, auth, thursday):
    entrance, hallway = app.test_client(), app.test_client()
    enrol(app, entrance, "Tablet Eingang")
    enrol(app, hallway, "Tablet Flur")
    for n in range(2):
        deliver(entrance, f"{n:032x}")
    deliver(hallway, "f" * 32)
    deliver(hallway, "f" * 32)  # the same one again: counted once
    auth.login()
    page = client.get("/admin/").get_data(as_text=True)
    line = {name: re.search(rf"<strong>{name}</strong>(.*?)</p>", page, re.DOTALL).group(1) for name in ("Tablet Eingang", "Tablet Flur")}
    assert "<span data-late>2</span> Check-ins heute nachgeliefert" in line["Tablet Eingang"]
    assert "<span data-late>1</span> Check-in heute nachgeliefert" in line["Tablet Flur"]
    assert 'data-figure="checkins">3<' in page


def test_delivered_ids_are_remembered_longer_than_they_are_accepted(app, client):
    with time_machine.travel(DELIVERED, tick=False) as clock:
        enrol(app, client)
        assert deliver(client, "a" * 32).status_code == 201
        clock.shift(counting.LATE_MAX_AGE + timedelta(hours=2))
        # Too old to be accepted by now, and still known: either way it never counts twice.
        assert deliver(client, "a" * 32, hour=hour_start(DELIVERED)).status_code == 400
        clock.shift(counting.LATE_IDS_KEPT)
        assert deliver(client, "b" * 32, hour=hour_start(datetime.now(timezone.utc))).status_code == 201
        with app.app_context():
            assert [c.id for c in LateCheckin.select()] == ["b" * 32]  # the old id is forgotten
