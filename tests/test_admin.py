"""Staff pages: login (limits: tests/test_login_limits.py), every admin page behind the login, figures, manual counts."""

import re
from datetime import date, datetime, timedelta, timezone
from html import unescape
from pathlib import Path

import pytest
import time_machine

from kiosk import clock
from kiosk.checkin import counting
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


def test_today_shows_a_visitors_group(app, client, auth, enrolled):
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
    day = clock.berlin_now().date()
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
    day = clock.berlin_now().date()
    post_counts(client, **{"add-day": day.isoformat(), "add-hour": "-1", "add-kind": "people",
                           "add-number": "4", "add-submit": "1"})
    assert 'data-figure="people">4<' in client.get("/admin/").get_data(as_text=True)


@time_machine.travel(datetime(2026, 1, 8, 15, 0, tzinfo=timezone.utc), tick=False)
def test_correction_needs_a_reason_and_is_logged(app, client, auth):
    with app.app_context():
        counting.increment("people", 5, day=date(2026, 1, 8), hour=11)
    auth.login()
    base = {"fix-day": "2026-01-08", "fix-hour": "11", "fix-metric": "people", "fix-change": "-2", "fix-submit": "1"}
    assert post_counts(client, **base).status_code == 400
    with app.app_context():
        assert Count.select().count() == 1
    assert post_counts(client, **base, **{"fix-reason": "Kinder haben gespielt"}).status_code == 302
    with app.app_context():
        assert Count.get(Count.source == "staff").value == -2
        assert "Kinder haben gespielt" in AuditEntry.get().detail


@time_machine.travel(datetime(2026, 1, 8, 15, 0, tzinfo=timezone.utc), tick=False)
@pytest.mark.parametrize("hour, change, message", [
    ("11", "-6", "Personen am 08.01.2026, 11:00–12:00 wären dann -1 (gezählt sind 5)"),
    ("11", "-10000", "wären dann -9.995 (gezählt sind 5)"),
    ("-1", "-2", "ohne Uhrzeit wären dann -2 (gezählt sind 0). Eine Zahl kann nicht unter null sinken. "
                 "An diesem Tag gezählt: 11:00–12:00: 5."),
    ("12", "-1", "12:00–13:00 wären dann -1"),
])
def test_a_correction_below_zero_is_refused_and_writes_nothing(app, client, auth, hour, change, message):
    with app.app_context():
        counting.increment("people", 5, day=date(2026, 1, 8), hour=11)
        before = [(c.hour, c.source, c.value) for c in Count.select()]
    auth.login()
    response = post_counts(client, **{"fix-day": "2026-01-08", "fix-hour": hour, "fix-metric": "people",
                                      "fix-change": change, "fix-reason": "Kinder haben gespielt", "fix-submit": "1"})
    assert response.status_code == 400
    assert message in unescape(response.get_data(as_text=True))
    with app.app_context():
        assert [(c.hour, c.source, c.value) for c in Count.select()] == before
        assert AuditEntry.select().count() == 0
    csv = client.get("/admin/history.csv?range=custom&from=2026-01-08&to=2026-01-08").get_data(as_text=True)
    assert "08.01.2026;Donnerstag;5;" in csv


@time_machine.travel(datetime(2026, 1, 8, 15, 0, tzinfo=timezone.utc), tick=False)
def test_a_correction_down_to_exactly_zero_is_allowed(app, client, auth):
    with app.app_context():
        counting.increment("manual:flyers", 40, day=date(2026, 1, 8), hour=-1, source="staff")
    auth.login()
    response = post_counts(client, **{"fix-day": "2026-01-08", "fix-hour": "-1", "fix-metric": "manual:flyers",
                                      "fix-change": "-40", "fix-reason": "doppelt eingetragen", "fix-submit": "1"})
    assert response.status_code == 302
    with app.app_context():
        assert Count.get().value == 0


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
    assert '<th scope="row">03/2026</th><td data-label="Personen">6</td>' in page
    assert '<th scope="row">02/2026</th><td data-label="Personen">0</td>' in page
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


@time_machine.travel(datetime(2026, 1, 8, 15, 0, tzinfo=timezone.utc), tick=False)
def test_the_change_log_names_each_change_in_german(app, client, auth):
    auth.login()
    post_counts(client, **{"add-day": "2026-01-08", "add-hour": "11", "add-kind": "flyers", "add-number": "40",
                           "add-submit": "1"})
    post_counts(client, **{"fix-day": "2026-01-08", "fix-hour": "11", "fix-metric": "manual:flyers",
                           "fix-change": "-5", "fix-reason": "doppelt gezählt", "fix-submit": "1"})
    page = client.get("/admin/log").get_data(as_text=True)
    cells = re.findall(r'<td data-label="Was">([^<]*)</td>', page)
    assert "Nachgetragen" in cells and "Korrektur" in cells
    assert "manual" not in cells and "correction" not in cells


def test_every_audit_action_in_the_code_has_a_german_label():
    """The actions written anywhere (audit("…"), action = "…"), content tables included."""
    from kiosk.offers.forms import TABLES
    from kiosk.staff.views import AUDIT_ACTIONS

    found = set()
    for source in Path("kiosk").rglob("*.py"):
        text = source.read_text()
        found |= set(re.findall(r'audit\(\s*"([a-z_]+)"', text))
        for pair in re.findall(r'audit\("([a-z_]+)" if [^"\n]+ else "([a-z_]+)"', text):
            found |= set(pair)
        found |= set(re.findall(r'\baction = "([a-z]+_[a-z_]+)"', text))  # not the tables' "add", "edit"
        found |= {f"content_{table}_{action}" for table in TABLES for action in ("add", "edit", "delete")
                  if 'audit(f"content_{table}_' in text}
    found |= {"manual", "correction"}  # record_staff_count(…, "manual" / "correction", …)
    assert len(found) > 20
    assert sorted(found - set(AUDIT_ACTIONS)) == []


def test_the_kind_of_a_manual_count_is_a_radio_per_choice_with_its_full_label(client, auth):
    auth.login()
    page = unescape(client.get("/admin/counts").get_data(as_text=True))
    kinds = re.findall(r'<input type="radio" name="add-kind" value="([a-z_]+)"( checked)?> ([^<]+)</label>', page)
    assert [kind for kind, _, _ in kinds] == list(counting.MANUAL_KINDS)
    assert kinds[0][1] == " checked"
    assert kinds[0][2] == "Besucher:innen in der Sprechstunde, die nicht getippt haben"


@pytest.fixture
def a_year_of_thursdays(app):
    """Counts from October on only: three Thursdays with people, one with a referral only, one
    with 1234 people; Tuesday outreach once; 100 people in the year before."""
    with app.app_context():
        for day, people in ((date(2026, 10, 1), 10), (date(2026, 10, 8), 20), (date(2026, 10, 15), 30),
                            (date(2026, 11, 5), 1234)):
            counting.increment("people", people, day=day, hour=11)
        counting.increment("manual:referrals", 1, day=date(2026, 10, 22), hour=-1, source="staff")
        counting.increment("manual:outreach", 12, day=date(2026, 10, 20), hour=-1, source="staff")
        counting.increment("people", 100, day=date(2025, 6, 5), hour=11)


YEAR_END = datetime(2026, 12, 31, 12, 0, tzinfo=timezone.utc)


def history_page(client, query="range=year"):
    return unescape(client.get(f"/admin/history?{query}").get_data(as_text=True))


@time_machine.travel(YEAR_END, tick=False)
def test_history_averages_over_the_days_with_counts_only(client, auth, a_year_of_thursdays):
    auth.login()
    page = history_page(client)
    rows = {name: (people, days, mean) for name, people, days, mean in re.findall(
        r'<tr><th scope="row">(\w+)</th><td data-label="Personen">([^<]*)</td><td data-label="Tage mit Zahlen">([^<]*)</td>'
        r'<td data-label="im Schnitt\*" data-mean="\d">([^<]*)</td></tr>', page)}
    # 1294 people over the 5 Thursdays that have a count, not over the year's 53 Thursdays (24,4).
    assert rows["Donnerstag"] == ("1.294", "5", "258,8")
    assert rows["Dienstag"] == ("0", "1", "0,0")
    assert rows["Montag"] == ("0", "0", "–")
    assert 'id="mean-note"' in page and "Tage ganz ohne Zahlen" in page


@time_machine.travel(YEAR_END, tick=False)
def test_history_numbers_are_in_german(client, auth, a_year_of_thursdays):
    auth.login()
    page = history_page(client)
    assert 'data-figure="people">1.294<' in page
    assert "Zeitraum davor (gleich lang): 100 Personen" in page
    assert "Veränderung +1.194 (+1.194 %)" in page
    assert '<td data-label="Personen">1.234</td>' in page  # the day's row
    assert re.search(r"<text [^>]*data-top>1\.294</text>", page)
    assert "258.8" not in page and "258,8" in page


def chart_texts(page):
    """(x, y, font size, anchor, text) of every text in the page's charts, and each chart's viewBox."""
    charts = []
    for view_box, inner in re.findall(r'<svg viewBox="([^"]+)"[^>]*class="chart-svg[^"]*">(.*?)</svg>', page, re.S):
        texts = [(float(x), float(y), float(size), anchor, text) for x, y, anchor, size, text in re.findall(
            r'<text x="([\d.]+)" y="([\d.]+)" text-anchor="(\w+)" font-size="(\d+)"[^>]*>([^<]*)</text>', inner)]
        charts.append((tuple(map(float, view_box.split())), texts))
    return charts


@time_machine.travel(YEAR_END, tick=False)
@pytest.mark.parametrize("query", ["range=custom&from=2026-11-02&to=2026-11-08", "range=year"])
def test_no_chart_label_runs_past_the_top_or_the_left_edge(client, auth, a_year_of_thursdays, query):
    auth.login()
    charts = chart_texts(history_page(client, query))
    assert len(charts) == 2
    for (_, _, width, height), texts in charts:
        assert any(text == "1.234" or text == "1.294" for *_, text in texts)
        for x, y, drawn, anchor, text in texts:
            for size in (drawn, 20):  # admin.css draws the letters at 20 on a phone
                assert y - size >= 0 and y <= height, text  # the letters' top is inside the chart
                half = len(text) * size * 0.6 / (1 if anchor == "end" else 2)
                assert x - half >= 0 and x + (0 if anchor == "end" else half) <= width, text


@pytest.mark.parametrize("value", [0, 7, -7, 999, 1000, -1234, 1234567, 10**12])
def test_whole_numbers_are_formatted_as_babel_formats_them(value):
    """The direct path for whole numbers (the History page shows thousands) writes what babel would."""
    from babel.numbers import format_decimal

    from kiosk.staff.views import format_number

    assert format_number(value) == format_decimal(value, "#,##0", locale="de_DE")
    assert format_number(value, signed=True) == format_decimal(value, "+#,##0;-#,##0", locale="de_DE")
