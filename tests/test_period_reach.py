"""Reach in the funder's report ("Wen wir erreichen"), languages and ages in History's downloads,
and deleting a funding period. The clock is the suite's fixed 19.11.2026 (tests/conftest.py)."""

import csv
import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from kiosk.checkin.counting import DOUBTFUL, add_to_buckets, increment
from kiosk.models import AuditEntry, FundingPeriod, Target
from kiosk.staff import period_reach, period_report
from tests.conftest import BEN_PASSWORD, form_value
from tests.test_funding import add_period, add_target, audit_actions, csrf, period_id

PERIOD = dict(name="QM 2026", first=date(2026, 1, 1), last=date(2026, 12, 31))


def checkins(day, **languages):
    """Check-ins of one hour with their screen languages, as the kiosk counts them."""
    total = sum(languages.values())
    add_to_buckets({"checkin": total, "people": total} | {f"language:{code}": n for code, n in languages.items()},
                   day=day, hour=11)


@pytest.fixture
def db(app):
    with app.app_context():
        yield


def reach_of(period):
    return period_report.build(period, date(2026, 11, 19)).reach


def test_the_period_report_counts_languages_and_ages_with_shares_in_plain_words(db):
    period = FundingPeriod.create(**PERIOD)
    checkins(date(2026, 3, 5), de=40, tr=12, ar=8)
    checkins(date(2026, 10, 1), de=22, tr=10, en=8)
    add_to_buckets({"age:child": 5, "age:adult": 12, "age:senior": 3}, day=date(2026, 10, 1), hour=11)
    increment("checkin", 20, day=date(2025, 12, 31), hour=11)  # before the period
    add_to_buckets({"checkin": 9, "language:ar": 9}, day=date(2026, 10, 1), hour=11, flag=DOUBTFUL)  # left out
    increment("checkin", 10, day=date(2026, 2, 1), hour=11)  # before the language was counted
    reach = reach_of(period)
    assert [(s.key, s.total) for s in reach.languages] == [("de", 62), ("en", 8), ("tr", 22), ("ar", 8)]
    assert reach.language_total == 100 and reach.checkins == 110
    assert [round(s.percent, 1) for s in reach.languages] == [62.0, 8.0, 22.0, 8.0]
    assert reach.lines[0] == ("Von 100 Check-ins waren 62 % auf Deutsch und 38 % in einer anderen Sprache "
                              "(38 Check-ins): 22 % auf Türkisch, 8 % auf Englisch und 8 % auf Arabisch.")
    assert reach.lines[1] == ("Für 10 weitere Check-ins ist keine Sprache gespeichert "
                              "(aus der Zeit, bevor die Sprache mitgezählt wurde).")
    assert [(s.key, s.total, s.percent) for s in reach.ages] == [
        ("child", 5, 25.0), ("adult", 12, 60.0), ("senior", 3, 15.0)]
    assert reach.lines[2] == ("Die freiwillige Altersfrage haben 20 von 110 Check-ins (18 %) beantwortet. "
                              "Von diesen Antworten: 25 % Kinder und Jugendliche (0–17), 60 % Erwachsene (18–64) "
                              "und 15 % Menschen ab 65.")


def test_the_months_run_from_the_periods_start_to_today_with_empty_months(db):
    period = FundingPeriod.create(**PERIOD)
    checkins(date(2026, 3, 5), de=4, tr=2)
    checkins(date(2026, 3, 26), tr=1)
    add_to_buckets({"age:senior": 2}, day=date(2026, 11, 19), hour=11)
    months = reach_of(period).months
    assert [m for m, _, _ in months] == [date(2026, n, 1) for n in range(1, 12)]
    assert months[2] == (date(2026, 3, 1), [4, 0, 3, 0], [0, 0, 0])
    assert months[10] == (date(2026, 11, 1), [0, 0, 0, 0], [0, 0, 2])


def test_the_totals_stay_exact_below_the_small_number_threshold(db):
    """Only an hour's cell is a small number; a period's one Arabic check-in is a 1, not "< 3"."""
    period = FundingPeriod.create(**PERIOD)
    checkins(date(2026, 3, 5), de=1, ar=1)
    reach = reach_of(period)
    assert [s.total for s in reach.languages] == [1, 0, 0, 1]
    assert reach.lines[0] == ("Von 2 Check-ins waren 50 % auf Deutsch und 50 % in einer anderen Sprache "
                              "(1 Check-in): 50 % auf Arabisch.")


def test_nothing_counted_yet_says_so(db):
    reach = reach_of(FundingPeriod.create(**PERIOD))
    assert reach.lines == ["Im Berichtszeitraum wurde noch kein Check-in mit Bildschirmsprache gezählt.",
                           "Die freiwillige Altersfrage wurde im Berichtszeitraum nicht beantwortet "
                           "(sie war ausgeschaltet oder wurde übersprungen)."]
    assert reach.months[0] == (date(2026, 1, 1), [0, 0, 0, 0], [0, 0, 0])


def test_only_german_and_a_share_below_one_percent(db):
    period = FundingPeriod.create(**PERIOD)
    checkins(date(2026, 3, 5), de=50)
    assert reach_of(period).lines[0] == "Alle 50 Check-ins waren auf Deutsch."
    checkins(date(2026, 3, 6), de=249, tr=1)
    assert "unter 1 % auf Türkisch" in reach_of(period).lines[0]
    assert period_reach.percent(0.0) == "0 %" and period_reach.percent(37.6) == "38 %"


def test_a_language_no_longer_configured_is_still_shown(db):
    period = FundingPeriod.create(**PERIOD)
    checkins(date(2026, 3, 5), de=3, uk=2)
    reach = period_report.build(period, date(2026, 11, 19), ["de", "tr"]).reach
    assert [(s.key, s.total) for s in reach.languages] == [("de", 3), ("tr", 0), ("uk", 2)]


# --- the report's page and XLSX -----------------------------------------------------------------


@pytest.fixture
def staff(client, auth):
    auth.login()
    return client


def a_period_with_reach(app, client):
    add_period(client)
    pid = period_id(app)
    with app.app_context():
        checkins(date(2026, 3, 5), de=31, tr=12, ar=7)
        add_to_buckets({"age:child": 1, "age:adult": 9}, day=date(2026, 3, 5), hour=11)
    return pid


def test_the_report_page_has_the_reach_section(app, staff):
    pid = a_period_with_reach(app, staff)
    page = staff.get(f"/admin/funding/{pid}/report").get_data(as_text=True)
    assert '<h2 id="reach">Wen wir erreichen</h2>' in page
    assert "62 % auf Deutsch und 38 % in einer anderen Sprache (19 Check-ins): 24 % auf Türkisch und 14 % auf Arabisch" in page
    assert 'data-language="tr">12</td><td>24 %</td>' in page
    assert 'data-age="child">1</td><td>10 %</td>' in page
    assert "Die freiwillige Altersfrage haben 10 von 50 Check-ins (20 %) beantwortet." in page
    assert "sagt nichts über Herkunft" in page and "nur für die, die geantwortet haben" in page


def test_the_report_xlsx_has_reach_per_month(app, staff):
    pid = a_period_with_reach(app, staff)
    book = load_workbook(io.BytesIO(staff.get(f"/admin/funding/{pid}/report.xlsx").data))
    sheet = book["Reichweite pro Monat"]
    assert [c.value for c in sheet[1]] == [
        "Monat", "Check-ins mit Sprache", "Sprache: Deutsch", "Sprache: Englisch", "Sprache: Türkisch",
        "Sprache: Arabisch", "Antworten Altersfrage", "Alter: Kind (0–17)", "Alter: Erwachsen (18–64)",
        "Alter: 65 und älter"]
    assert sheet.freeze_panes == "A2" and sheet.max_row == 1 + 11 + 2  # January to November, totals, shares
    assert sheet["A4"].value == datetime(2026, 3, 1) and sheet["A4"].number_format == "MM.YYYY"
    assert [c.value for c in sheet[4]][1:] == [50, 31, 0, 12, 7, 10, 1, 9, 0]
    assert [c.value for c in sheet[2]][1:] == [0] * 9
    assert sheet["B4"].number_format == "#,##0"
    assert [c.value for c in sheet[13]] == ["Zeitraum bisher", 50, 31, 0, 12, 7, 10, 1, 9, 0]
    assert [c.value for c in sheet[14]] == ["Anteil in %", None, 62.0, 0.0, 24.0, 14.0, None, 10.0, 90.0, 0.0]
    text = [row[1].value for row in book["Bericht"].iter_rows(min_row=2) if row[0].value == "Wen wir erreichen"]
    assert text[0].startswith("Von 50 Check-ins waren 62 % auf Deutsch")
    assert any("sagt nichts über Herkunft" in line for line in text)


# --- History's CSV and XLSX ---------------------------------------------------------------------


def test_the_history_csv_has_a_column_per_language_and_age_band(app, client, auth):
    with app.app_context():
        checkins(date(2026, 11, 17), de=2, ar=1)
        add_to_buckets({"age:senior": 1}, day=date(2026, 11, 17), hour=11)
        add_to_buckets({"language:uk": 1}, day=date(2026, 11, 18), hour=11)  # no longer configured
    auth.login()
    body = client.get("/admin/history.csv?range=custom&from=2026-11-17&to=2026-11-18").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    header = rows[0]
    assert header[-8:] == ["Sprache: Deutsch", "Sprache: Englisch", "Sprache: Türkisch", "Sprache: Arabisch",
                           "Sprache: uk", "Alter: Kind (0–17)", "Alter: Erwachsen (18–64)", "Alter: 65 und älter"]
    assert rows[1][0] == "17.11.2026" and rows[1][-8:] == ["2", "0", "0", "1", "0", "0", "0", "1"]
    assert rows[2][-8:] == ["0", "0", "0", "0", "1", "0", "0", "0"]


def test_the_history_xlsx_has_languages_and_ages_per_day_and_month(app, client, auth):
    with app.app_context():
        checkins(date(2026, 1, 8), tr=4)
        checkins(date(2026, 2, 3), de=2)
        add_to_buckets({"age:child": 3}, day=date(2026, 1, 8), hour=11)
    auth.login()
    book = load_workbook(io.BytesIO(client.get("/admin/history.xlsx?range=custom&from=2026-01-05&to=2026-02-11").data))
    days = book["Pro Tag"]
    header = [c.value for c in days[1]]
    column = header.index("Sprache: Türkisch")
    assert days.cell(5, column + 1).value == 4 and days.cell(5, column + 1).number_format == "#,##0"
    assert days.cell(5, header.index("Alter: Kind (0–17)") + 1).value == 3
    months = book["Pro Monat"]
    header = [c.value for c in months[1]]
    assert months.cell(2, header.index("Sprache: Türkisch") + 1).value == 4
    assert months.cell(3, header.index("Sprache: Deutsch") + 1).value == 2
    assert months.cell(2, header.index("Alter: Kind (0–17)") + 1).value == 3


# --- deleting a funding period ------------------------------------------------------------------


@pytest.fixture
def admin(app, client, auth, team):
    auth.login()
    return client


def a_period_with_targets(app, client):
    add_period(client, results="Viele kamen zum ersten Mal.")
    pid = period_id(app)
    add_target(client, pid, "visits", "900", "year")
    add_target(client, pid, "outreach", "40", "month")
    return pid


def test_the_confirmation_names_what_goes_and_what_stays(app, admin):
    pid = a_period_with_targets(app, admin)
    assert 'href="/admin/funding/%d/delete"' % pid in admin.get(f"/admin/funding/{pid}/").get_data(as_text=True)
    page = admin.get(f"/admin/funding/{pid}/delete").get_data(as_text=True)
    assert "Förderzeitraum „QM-Projektfonds 2026“ löschen?" in page
    assert "2 Ziele: 900 Besuche im Jahr; 40 Kontakte unterwegs im Monat" in page
    assert "der Text „Was erreicht wurde“" in page
    assert "die Aktivitäten und die Umfragen (sie gehören zu keinem Zeitraum)" in page
    with app.app_context():
        assert FundingPeriod.select().count() == 1  # a GET deletes nothing


def test_delete_a_period_with_its_targets_and_log_it(app, admin):
    pid = a_period_with_targets(app, admin)
    with app.app_context():
        increment("people", 5, day=date(2026, 3, 5), hour=11)
    token = csrf(admin, f"/admin/funding/{pid}/delete")
    response = admin.post(f"/admin/funding/{pid}/delete", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/funding/")
    with app.app_context():
        assert FundingPeriod.select().count() == 0 and Target.select().count() == 0
        entry = AuditEntry.select().order_by(AuditEntry.id.desc()).get()
    assert entry.action == "funding_period_delete"
    assert entry.detail == ("QM-Projektfonds 2026 (01.01.2026–31.12.2026), "
                            "Ziele: 900 Besuche im Jahr; 40 Kontakte unterwegs im Monat")
    assert "Zahlen und Aktivitäten bleiben" in admin.get("/admin/funding/").get_data(as_text=True)
    assert "Förderzeitraum gelöscht" in admin.get("/admin/log").get_data(as_text=True)
    assert admin.post(f"/admin/funding/{pid}/delete", data={"csrf_token": token}).status_code == 404
    assert admin.get(f"/admin/funding/{pid}/report").status_code == 404


@pytest.mark.parametrize("data", [{}, {"csrf_token": "tampered"}, {"csrf_token": ""}])
def test_a_missing_or_tampered_csrf_deletes_nothing(app, admin, data):
    pid = a_period_with_targets(app, admin)
    before = audit_actions(app)
    assert admin.post(f"/admin/funding/{pid}/delete", data=data).status_code == 400
    with app.app_context():
        assert FundingPeriod.select().count() == 1 and Target.select().count() == 2
    assert audit_actions(app) == before


def test_a_token_from_another_session_deletes_nothing(app, admin, auth):
    pid = a_period_with_targets(app, admin)
    token = csrf(admin, f"/admin/funding/{pid}/delete")
    other = app.test_client()
    page = other.get("/admin/login").get_data(as_text=True)
    other.post("/admin/login", data={"username": "anna", "password": "a long test password",
                                     "csrf_token": form_value(page, "csrf_token")})
    assert other.post(f"/admin/funding/{pid}/delete", data={"csrf_token": token}).status_code == 400
    with app.app_context():
        assert FundingPeriod.select().count() == 1


def test_unknown_periods_are_404_for_the_delete(admin):
    assert admin.get("/admin/funding/99/delete").status_code == 404
    token = csrf(admin, "/admin/funding/")
    assert admin.post("/admin/funding/99/delete", data={"csrf_token": token}).status_code == 404


def test_a_colleague_cannot_delete_a_period(app, client, auth, team):
    auth.login()
    pid = a_period_with_targets(app, client)
    auth.logout()
    auth.login("ben", BEN_PASSWORD)
    assert "Förderzeitraum löschen" not in client.get(f"/admin/funding/{pid}/").get_data(as_text=True)
    assert client.get(f"/admin/funding/{pid}/delete").status_code == 403
    token = csrf(client, f"/admin/funding/{pid}/")
    assert client.post(f"/admin/funding/{pid}/delete", data={"csrf_token": token}).status_code == 403
    with app.app_context():
        assert FundingPeriod.select().count() == 1


def test_the_delete_page_needs_a_login(client):
    assert client.get("/admin/funding/1/delete").status_code == 302
