"""Guessing limits: per client address (cheap, before any hash), per account (growing waits that
never keep the owner's own device out), one answer in about one time for every refusal, and the
same limits on the password page's old-password check."""

import re
import statistics
import threading
import time
from datetime import datetime, timedelta, timezone

import pytest
import time_machine

from kiosk import security
from kiosk.clock import utcnow
from kiosk.models import Staff
from kiosk.security import create_staff
from kiosk.staff import team as staff_admin
from kiosk.staff.auth import BUSY, LOGIN_REFUSED, TOO_MANY_HERE
from kiosk.staff.login_limits import MAX_CLIENTS, ClientLimiter, FloodGuard, client_key, delay_after
from tests.conftest import STAFF_PASSWORD, AuthActions, form_value

START = datetime(2026, 3, 5, 10, 0, tzinfo=timezone.utc)


def from_address(app, address):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


@pytest.fixture
def hashes(monkeypatch):
    """Counts the password checks made (a check is one scrypt hash in production)."""
    made = []
    real = security.check_password_hash

    def counting(stored, password):
        made.append(1)
        return real(stored, password)

    monkeypatch.setattr(security, "check_password_hash", counting)
    monkeypatch.setattr(staff_admin, "check_password_hash", counting)
    return made


def error_of(response):
    match = re.search(r'<p class="error-message" role="alert">([^<]*)</p>', response.get_data(as_text=True))
    return match and match.group(1)


# --- per client address -------------------------------------------------------------------------

def test_a_client_over_its_limit_is_refused_before_any_hash(app, hashes):
    laptop = AuthActions(from_address(app, "192.168.1.66"))
    app.config["LOGIN_FREE_FAILURES"] = 100  # every guess below is really checked
    for number in range(10):
        assert error_of(laptop.login("anna", f"guess {number}")) == LOGIN_REFUSED
    assert len(hashes) == 10
    response = laptop.login()  # even the right password
    assert response.status_code == 429 and error_of(response) == TOO_MANY_HERE
    assert len(hashes) == 10  # refused without hashing
    assert AuthActions(from_address(app, "192.168.1.20")).login().status_code == 302  # others still can


def test_a_flood_is_refused_in_german_with_retry_after_and_no_session(app, hashes):
    """Refused in front of the app (kiosk/staff/login_limits.py FloodGuard): a small German page,
    a 429 that says when to come back, no cookie, no hash, never a 500, whatever is posted."""
    flooder = from_address(app, "192.168.1.66")
    app.config["LOGIN_FREE_FAILURES"] = 100  # every guess below is really checked
    for number in range(10):
        AuthActions(flooder).login("anna", f"guess {number}")
    for form in ({"username": "anna", "password": "x"}, {}, {"csrf_token": "forged"}, {"username": "\x00" * 5000}):
        response = flooder.post("/admin/login", data=form)
        assert response.status_code == 429 and error_of(response) == TOO_MANY_HERE
        assert 'lang="de"' in response.get_data(as_text=True) and "Bitte warten" in response.get_data(as_text=True)
        assert 1 <= int(response.headers["Retry-After"]) <= app.config["LOGIN_CLIENT_WINDOW_SECONDS"]
        assert "Set-Cookie" not in response.headers
    assert len(hashes) == 10


def test_the_retry_after_is_when_the_oldest_attempt_leaves_the_window():
    now = [1000.0]
    limiter = ClientLimiter(2, 600, clock=lambda: now[0])
    limiter.take("10.0.0.1")
    now[0] += 100
    limiter.take("10.0.0.1")
    now[0] += 50
    assert limiter.retry_after("10.0.0.1") == 450
    assert limiter.retry_after("10.0.0.2") == 1  # a client without attempts may try at once


def test_refusals_are_held_back_but_never_more_than_so_many_at_once():
    """A held refusal sleeps in its server thread; beyond ``held_at_once`` they are answered at
    once, so a flood never takes the threads the tablets need."""
    limiter = ClientLimiter(1, 600)
    limiter.take("10.0.0.9")  # this client is over its limit now
    asleep, wake = [], threading.Event()

    def sleep(seconds):
        asleep.append(seconds)
        wake.wait(10)

    guard = FloodGuard(lambda environ, start: [b"app"], limiter, ["/admin/login"], "<p>Bitte warten</p>",
                       hold_seconds=2.0, held_at_once=2, sleep=sleep)
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/admin/login", "REMOTE_ADDR": "10.0.0.9"}
    answers = []

    def ask():
        answers.append(guard(environ, lambda status, headers: answers.append(status)))

    held = [threading.Thread(target=ask) for _ in range(2)]
    for thread in held:
        thread.start()
    for _ in range(1000):  # until both are held (a hang here would be a bug, so bounded)
        if len(asleep) == 2:
            break
        time.sleep(0.01)
    ask()  # a third while two are held: answered at once
    assert asleep == [2.0, 2.0] and answers[0] == "429 Too Many Requests"
    wake.set()
    for thread in held:
        thread.join()
    assert answers.count("429 Too Many Requests") == 3
    get = {**environ, "REQUEST_METHOD": "GET"}
    assert guard(get, lambda *a: None) == [b"app"]  # only a password form's POST is refused here


def test_one_hash_at_a_time_and_the_rest_are_told_to_wait(app, hashes):
    """While a check is hashing, another is answered at once: a flood takes one core at most."""
    slots = app.extensions["password_check_slots"]
    assert slots.acquire(blocking=False)  # a check running in another thread
    laptop = AuthActions(from_address(app, "192.168.1.66"))
    for _ in range(3):
        response = laptop.login()
        assert response.status_code == 429 and error_of(response) == BUSY
    assert not hashes
    slots.release()
    assert laptop.login().status_code == 302
    assert slots.acquire(blocking=False)
    flood = AuthActions(from_address(app, "192.168.1.67"))
    for _ in range(10):
        assert error_of(flood.login()) == BUSY  # each counts as an attempt ...
    assert error_of(flood.login()) == TOO_MANY_HERE  # ... so the flood meets the cheap refusal
    slots.release()


def test_the_client_limit_is_a_sliding_window(app):
    with time_machine.travel(START, tick=False) as clock:
        laptop = AuthActions(from_address(app, "192.168.1.66"))
        for number in range(10):
            laptop.login("nobody", f"guess {number}")
        clock.shift(timedelta(minutes=9, seconds=59))
        assert laptop.login().status_code == 429
        clock.shift(timedelta(seconds=2))
        assert laptop.login().status_code == 302


def test_successful_logins_and_forms_without_a_token_use_no_budget(app):
    office = AuthActions(from_address(app, "192.168.1.20"))
    for _ in range(12):
        assert office.login().status_code == 302
        office.logout()
    client = from_address(app, "192.168.1.20")
    for _ in range(12):
        client.post("/admin/login", data={"username": "anna", "password": "x"})  # no CSRF token
    assert office.login().status_code == 302


def test_ipv6_clients_count_by_their_network():
    assert client_key("2001:db8:1:2:aaaa::1") == client_key("2001:db8:1:2:ffff::9") == "2001:db8:1:2::/64"
    assert client_key("2001:db8:1:3::1") != client_key("2001:db8:1:2::1")
    assert client_key("::ffff:192.168.1.5") == client_key("192.168.1.5") == "192.168.1.5"
    assert client_key(None) == "-" and client_key("not an address") == "not an address"


def test_the_limiter_remembers_a_bounded_number_of_clients():
    now = [1000.0]
    limiter = ClientLimiter(attempts=1, window_seconds=60, clock=lambda: now[0])
    assert limiter.take("10.0.0.1") and not limiter.take("10.0.0.1")
    for number in range(MAX_CLIENTS + 10):
        limiter.take(f"10.1.{number // 256}.{number % 256}")
    assert len(limiter._seen) <= MAX_CLIENTS
    now[0] += 61
    assert limiter.take("10.0.0.1")


def test_no_address_is_written_anywhere(app, tmp_path, caplog):
    for number in range(12):
        AuthActions(from_address(app, "203.0.113.77")).login("anna", f"guess {number}")
    files = [path for path in tmp_path.rglob("*") if path.is_file()]
    assert files and not any(b"203.0.113.77" in path.read_bytes() for path in files)
    assert "203.0.113.77" not in caplog.text


# --- per account --------------------------------------------------------------------------------

@pytest.mark.parametrize("failures, seconds", [(0, 0), (4, 0), (5, 15), (6, 30), (7, 60), (9, 240), (10, 300), (99, 300)])
def test_waits_grow_and_stay_bounded(failures, seconds):
    assert delay_after(failures, free=5, first_seconds=15, max_seconds=300) == timedelta(seconds=seconds)


def strangers(app, count):
    """Guesses from several addresses, as someone going round the per-client limit would."""
    for number in range(count):
        AuthActions(from_address(app, f"10.0.{number}.1")).login("anna", f"guess {number}")


def test_an_account_slows_down_instead_of_locking(app):
    with time_machine.travel(START, tick=False) as clock:
        strangers(app, 5)
        new_phone = AuthActions(from_address(app, "10.9.9.9"))
        assert error_of(new_phone.login()) == LOGIN_REFUSED  # even the right password, for 15 s
        clock.shift(timedelta(seconds=16))
        assert new_phone.login().status_code == 302
        with app.app_context():
            assert Staff.get().failed_logins == 0 and Staff.get().locked_until is None


def test_waits_double_with_each_further_failure(app):
    with time_machine.travel(START, tick=False) as clock:
        strangers(app, 5)
        for wait, next_wait in ((15, 30), (30, 60), (60, 120), (120, 240), (240, 300)):
            clock.shift(timedelta(seconds=wait))
            strangers(app, 1)  # one more wrong guess, as soon as the wait is over
            with app.app_context():
                assert Staff.get().locked_until - utcnow() == timedelta(seconds=next_wait)


def test_guesses_during_a_wait_are_not_checked(app, hashes):
    with time_machine.travel(START, tick=False):
        strangers(app, 5)
        real = len(hashes)
        strangers(app, 5)
        with app.app_context():
            assert Staff.get().failed_logins == 5  # the guesses in the wait changed nothing ...
        assert len(hashes) == real  # ... and cost no hash: they wait as long as one takes


def test_unknown_names_cost_no_hash_after_the_first(app, hashes):
    for number in range(8):
        AuthActions(from_address(app, f"10.2.{number}.1")).login(f"nobody{number}", "a guess")
    assert len(hashes) == 1  # the one that measured how long a check takes here


def test_the_owners_own_device_is_never_slowed(app):
    with time_machine.travel(START, tick=False):
        office = from_address(app, "192.168.1.20")
        AuthActions(office).login()
        AuthActions(office).logout()
        strangers(app, 30)
        assert error_of(AuthActions(from_address(app, "10.9.9.9")).login()) == LOGIN_REFUSED
        assert AuthActions(office).login().status_code == 302  # the device cookie from last time


def test_a_device_cookie_for_another_account_or_forged_does_not_help(app):
    with app.app_context():
        create_staff("ben", "bens own long password")
    with time_machine.travel(START, tick=False):
        bens = from_address(app, "192.168.1.30")
        AuthActions(bens).login("ben", "bens own long password")
        strangers(app, 6)
        assert error_of(AuthActions(bens).login()) == LOGIN_REFUSED
        forged = from_address(app, "192.168.1.31")
        forged.set_cookie("kiosk_staff_device", "1.forged.signature", path="/admin/login")
        assert error_of(AuthActions(forged).login()) == LOGIN_REFUSED


def test_the_owners_typos_do_not_slow_their_account(app):
    office = from_address(app, "192.168.1.20")
    AuthActions(office).login()
    AuthActions(office).logout()
    for number in range(8):
        AuthActions(office).login(password=f"typo {number}")
    with app.app_context():
        assert Staff.get().locked_until is None
    assert AuthActions(from_address(app, "10.9.9.9")).login().status_code == 302


def test_an_admin_lifts_a_wait_without_disabling(app, client):
    with app.app_context():
        create_staff("ben", "bens own long password")
        Staff.update(is_admin=True).where(Staff.username == "ben").execute()
    strangers(app, 5)
    AuthActions(client).login("ben", "bens own long password")
    page = client.get("/admin/staff/").get_data(as_text=True)
    assert "Anmeldung verlangsamt" in page
    with app.app_context():
        anna = Staff.get(Staff.username == "anna")
    client.post(f"/admin/staff/{anna.id}/active", data={"csrf_token": form_value(page, "csrf_token")})
    with app.app_context():
        anna = Staff.get(Staff.username == "anna")
        assert anna.active and anna.locked_until is None


# --- one answer, in about one time --------------------------------------------------------------

def answer_without_token(response):
    return response.status_code, re.sub(r'value="[^"]*"', "", response.get_data(as_text=True))


def test_the_same_answer_for_unknown_names_wrong_passwords_and_slowed_accounts(app):
    with time_machine.travel(START, tick=False):
        unknown = AuthActions(from_address(app, "10.1.0.1")).login("nobody", STAFF_PASSWORD)
        wrong = AuthActions(from_address(app, "10.1.0.2")).login("anna", "wrong password")
        strangers(app, 5)
        slowed = AuthActions(from_address(app, "10.1.0.3")).login()
    assert answer_without_token(unknown) == answer_without_token(wrong) == answer_without_token(slowed)
    assert error_of(unknown) == LOGIN_REFUSED


def median_seconds(attempt, times=5):
    durations = []
    for number in range(times):
        began = time.perf_counter()
        attempt(number)
        durations.append(time.perf_counter() - began)
    return statistics.median(durations)


def test_refusals_take_about_the_same_time(app):
    """With the real scrypt cost: an unknown name and a slowed account wait as long as a check
    takes, so they take about as long as a wrong password (within a generous factor: the machine
    may be busy); a client over its limit is refused far faster, before any hash."""
    app.config["PASSWORD_HASH_METHOD"] = "scrypt"
    app.config["LOGIN_FREE_FAILURES"] = 1000  # every wrong password below is really checked
    limiter = app.extensions["login_clients"]
    limiter.attempts = 1000
    with app.app_context():
        create_staff("clara", "claras own long password")
        create_staff("dora", "doras own long password")
        Staff.update(locked_until=datetime(2100, 1, 1)).where(Staff.username == "dora").execute()
    client = AuthActions(app.test_client())
    client.login("clara", "warm up")
    wrong = median_seconds(lambda n: client.login("clara", f"wrong {n}"))
    unknown = median_seconds(lambda n: client.login(f"nobody{n}", "wrong"))
    slowed = median_seconds(lambda n: client.login("dora", "doras own long password"))
    for other in (unknown, slowed):
        assert 0.5 < other / wrong < 2, (wrong, unknown, slowed)
    limiter.attempts = 0  # over the limit: turned away in front of the app
    refused = median_seconds(lambda n: client.login("clara", f"wrong {n}"))
    assert refused < wrong / 3, (refused, wrong)
    assert client.login("clara", "wrong").status_code == 429


# --- the old password on the password page ------------------------------------------------------

def change_password(client, old):
    token = form_value(client.get("/admin/staff/password").get_data(as_text=True), "csrf_token")
    return client.post("/admin/staff/password", data={
        "csrf_token": token, "old_password": old, "new_password": "a brand new password",
        "repeat": "a brand new password"})


def test_wrong_old_passwords_end_the_session(app):
    stolen = from_address(app, "192.168.1.66")
    AuthActions(stolen).login()
    for number in range(4):
        assert change_password(stolen, f"guess {number}").status_code == 400
    response = change_password(stolen, "guess 5")
    assert response.headers["Location"].endswith("/admin/login")
    assert stolen.get("/admin/").status_code == 302
    AuthActions(stolen).login()
    assert change_password(stolen, STAFF_PASSWORD).status_code == 302  # the owner still can


def test_the_old_password_check_has_the_client_limit(app, hashes):
    app.config["LOGIN_FREE_FAILURES"] = 100
    stolen = from_address(app, "192.168.1.66")
    AuthActions(stolen).login()
    for number in range(10):
        change_password(stolen, f"guess {number}")
    checked = len(hashes)
    response = change_password(stolen, STAFF_PASSWORD)
    assert response.status_code == 429 and TOO_MANY_HERE in response.get_data(as_text=True)
    assert len(hashes) == checked
