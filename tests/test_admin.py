"""Staff pages: login (limits: tests/test_login_limits.py), every admin page behind the login, figures, manual counts."""

from datetime import date, timedelta

import pytest

from kiosk import counting
from kiosk.models import AuditEntry, Count, Staff
from tests.conftest import STAFF_PASSWORD, form_value
from tests.routes import sample_url
from tests.test_checkin import answer, tap_checkin


def admin_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/admin")
            and rule.endpoint not in ("auth.login",)]


def test_every_admin_route_needs_a_login(app, client):
    """Walks the URL map, so a new admin route cannot be forgotten."""
    rules = admin_rules(app)
    assert len(rules) >= 6
    for rule in rules:
        url = sample_url(app, rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = client.open(url, method=method)
            assert response.status_code in (302, 400), (method, url)
            if response.status_code == 302:
                assert response.headers["Location"].endswith("/admin/login")


def test_login_and_logout(client, auth):
    assert auth.login().headers["Location"].endswith("/admin/")
    assert "Heute" in client.get("/admin/").get_data(as_text=True)
    auth.logout()
    assert client.get("/admin/").status_code == 302


@pytest.mark.parametrize("username, password", [("anna", "wrong password"), ("nobody", STAFF_PASSWORD), ("", "")])
def test_wrong_login_is_refused(client, auth, username, password):
    response = auth.login(username, password)
    assert response.status_code == 200
    assert client.get("/admin/").status_code == 302


def test_login_starts_a_new_session(app, client, auth):
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    auth.login()
    with client.session_transaction() as session:
        assert "planted" not in session and session.permanent


def test_session_expires_after_idle_time(app, client, auth):
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(seconds=-1)
    auth.login()
    assert client.get("/admin/").status_code == 302


def test_disabled_staff_is_logged_out(app, client, auth):
    auth.login()
    with app.app_context():
        Staff.update(active=False).execute()
    assert client.get("/admin/").status_code == 302


def test_today_shows_a_visitors_group(app, client, auth):
    response, _ = tap_checkin(client)
    answer(client, response, size="3")
    auth.login()
    page = client.get("/admin/").get_data(as_text=True)
    assert 'data-figure="people">3<' in page
    assert 'data-figure="checkins">1<' in page
    assert 'data-figure="groups">1<' in page
    assert "<svg" in page  # the hourly chart


def test_test_mode_toggle_is_logged(app, client, auth):
    auth.login()
    page = client.get("/admin/").get_data(as_text=True)
    client.post("/admin/test-mode", data={"csrf_token": form_value(page, "csrf_token")})
    with app.app_context():
        assert counting.test_mode()
        assert AuditEntry.get().action == "test_mode"
    assert "Testbetrieb" in client.get("/").get_data(as_text=True)


def post_counts(client, **data):
    page = client.get("/admin/counts").get_data(as_text=True)
    return client.post("/admin/counts", data={"csrf_token": form_value(page, "csrf_token"), **data})


def test_manual_count_is_added_and_logged(app, client, auth):
    auth.login()
    day = counting.berlin_now().date()
    response = post_counts(client, **{"add-day": day.isoformat(), "add-hour": "11", "add-kind": "flyers",
                                      "add-number": "40", "add-note": "Oranienstraße", "add-submit": "1"})
    assert response.status_code == 302
    with app.app_context():
        row = Count.get()
        assert (row.metric, row.source, row.hour, row.value) == ("manual:flyers", "staff", 11, 40)
        entry = AuditEntry.get()
        assert entry.username == "anna" and "+40" in entry.detail and "Oranienstraße" in entry.detail
    assert "Oranienstraße" in client.get("/admin/log").get_data(as_text=True)


def test_untapped_visitors_raise_the_people_count(app, client, auth):
    auth.login()
    day = counting.berlin_now().date()
    post_counts(client, **{"add-day": day.isoformat(), "add-hour": "-1", "add-kind": "people",
                           "add-number": "4", "add-submit": "1"})
    assert 'data-figure="people">4<' in client.get("/admin/").get_data(as_text=True)


def test_correction_needs_a_reason_and_is_logged(app, client, auth):
    auth.login()
    day = counting.berlin_now().date().isoformat()
    base = {"fix-day": day, "fix-hour": "-1", "fix-metric": "people", "fix-change": "-2", "fix-submit": "1"}
    assert post_counts(client, **base).status_code == 400
    with app.app_context():
        assert Count.select().count() == 0
    assert post_counts(client, **base, **{"fix-reason": "Kinder haben gespielt"}).status_code == 302
    with app.app_context():
        assert Count.get().value == -2
        assert "Kinder haben gespielt" in AuditEntry.get().detail


@pytest.mark.parametrize("data", [
    {"add-day": "not a date", "add-hour": "11", "add-kind": "flyers", "add-number": "4"},
    {"add-day": "2026-01-08", "add-hour": "25", "add-kind": "flyers", "add-number": "4"},
    {"add-day": "2026-01-08", "add-hour": "11", "add-kind": "coffee", "add-number": "4"},
    {"add-day": "2026-01-08", "add-hour": "11", "add-kind": "flyers", "add-number": "-4"},
    {"add-day": "2026-01-08", "add-hour": "11", "add-kind": "flyers", "add-number": "abc"},
    {"add-day": "2999-01-08", "add-hour": "11", "add-kind": "flyers", "add-number": "4"},
    {"add-day": "2026-01-08", "add-hour": "11", "add-kind": "flyers", "add-number": "4", "add-note": "x" * 300},
])
def test_bad_manual_counts_are_refused_and_change_nothing(app, client, auth, data):
    auth.login()
    response = post_counts(client, **data, **{"add-submit": "1"})
    assert response.status_code == 400
    with app.app_context():
        assert Count.select().count() == 0 and AuditEntry.select().count() == 0


def test_history_csv_opens_in_german_excel(app, client, auth):
    with app.app_context():
        counting.increment("people", 12, day=date(2026, 1, 8), hour=11)
        counting.increment("reason:crafts", 3, day=date(2026, 1, 8), hour=11)
    auth.login()
    response = client.get("/admin/history.csv?range=custom&from=2026-01-05&to=2026-01-11")
    body = response.data.decode("utf-8")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    assert body.startswith("\ufeffDatum;Wochentag;Personen")
    lines = body.split("\r\n")
    assert len(lines) == 1 + 7 + 1  # header, 7 days, final empty after CRLF
    assert lines[4].startswith("08.01.2026;Donnerstag;12;0;0;0;0;3")


def test_history_page_compares_with_the_period_before(app, client, auth):
    with app.app_context():
        counting.increment("people", 10, day=date(2026, 1, 8), hour=11)
        counting.increment("people", 5, day=date(2026, 1, 1), hour=11)
    auth.login()
    page = client.get("/admin/history?range=custom&from=2026-01-05&to=2026-01-11").get_data(as_text=True)
    assert 'data-figure="people">10<' in page
    assert "5 Personen" in page and "+5 (+100 %)" in page


@pytest.mark.parametrize("query", [
    "range=forever", "range=custom&from=2026-02-01&to=2026-01-01", "range=custom&from=abc&to=2026-01-01",
    "range=custom&from=1900-01-01&to=2026-01-01", "range=custom",
])
def test_bad_history_ranges_are_400(client, auth, query):
    auth.login()
    assert client.get(f"/admin/history?{query}").status_code == 400
    assert client.get(f"/admin/history.csv?{query}").status_code == 400


@pytest.mark.parametrize("pick", ["week", "month", "last_month", "year"])
def test_quick_picks(client, auth, pick):
    auth.login()
    assert client.get(f"/admin/history?range={pick}").status_code == 200


def test_add_staff_command(app, runner):
    result = runner.invoke(args=["add-staff", "ben"], env={"KIOSK_STAFF_PASSWORD": "another long one"})
    assert result.exit_code == 0, result.output
    with app.app_context():
        stored = Staff.get(Staff.username == "ben").password_hash
        assert "another long one" not in stored and stored.startswith(("scrypt:", "pbkdf2:"))
    assert runner.invoke(args=["add-staff", "ben"], env={"KIOSK_STAFF_PASSWORD": "another long one"}).exit_code != 0
    assert runner.invoke(args=["add-staff", "cem"], env={"KIOSK_STAFF_PASSWORD": "short"}).exit_code != 0


def test_kiosk_pages_show_no_way_into_the_admin(client):
    assert "/admin" not in client.get("/").get_data(as_text=True)


def test_a_year_report_has_a_table_per_month(app, client, auth):
    with app.app_context():
        counting.increment("people", 7, day=date(2026, 1, 8), hour=11)
        counting.increment("people", 4, day=date(2026, 3, 5), hour=11)
        counting.increment("people", 2, day=date(2026, 3, 12), hour=11)
    auth.login()
    page = client.get("/admin/history?range=custom&from=2026-01-01&to=2026-04-30").get_data(as_text=True)
    assert "Pro Monat" in page
    assert "<th scope=\"row\">03/2026</th><td>6</td>" in page
    assert "<th scope=\"row\">02/2026</th><td>0</td>" in page
    assert "Do 08.01.2026" in page


def test_today_shows_what_visitors_used(app, client, auth):
    with app.app_context():
        counting.count_event("activity:sudoku:easy")
        counting.count_event("activity:sudoku:easy")
        counting.count_event("activity:maze:hard")
    auth.login()
    page = client.get("/admin/").get_data(as_text=True)
    assert "Heute am Tablet genutzt" in page
    assert "<td>Sudoku (Leicht)</td><td>2</td>" in page and "<td>Labyrinth (Schwer)</td><td>1</td>" in page
