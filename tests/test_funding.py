"""Funding periods, targets and the period report through the staff pages (kiosk/staff/funding.py)."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from kiosk.checkin import counting
from kiosk.models import AuditEntry, FundingPeriod, Target
from kiosk.staff import activity_kinds
from tests.conftest import form_value


@pytest.fixture
def staff(client, auth):
    auth.login()
    return client


def csrf(client, path):
    return form_value(client.get(path).get_data(as_text=True), "csrf_token")


def add_period(client, **fields):
    data = {"name": "QM-Projektfonds 2026", "funder": "Quartiersmanagement", "first": "2026-01-01",
            "last": "2026-12-31", "csrf_token": csrf(client, "/admin/funding/")}
    data.update(fields)
    return client.post("/admin/funding/", data=data)


def period_id(app, name="QM-Projektfonds 2026"):
    with app.app_context():
        return FundingPeriod.get(FundingPeriod.name == name).id


def add_target(client, pid, metric="visits", amount="900", per="year"):
    page = f"/admin/funding/{pid}/"
    return client.post(page, data={"target-metric": metric, "target-amount": amount, "target-per": per,
                                   "target-submit": "1", "target-csrf_token": csrf(client, page)})


def audit_actions(app):
    with app.app_context():
        return [entry.action for entry in AuditEntry.select().order_by(AuditEntry.id)]


def test_the_pages_need_a_login(client):
    for path in ("/admin/funding/", "/admin/funding/1/", "/admin/funding/1/report", "/admin/funding/1/report.xlsx"):
        assert client.get(path).status_code == 302


def test_the_staff_navigation_links_the_report(staff):
    page = staff.get("/admin/").get_data(as_text=True)
    assert 'href="/admin/funding/"' in page and "Förderbericht" in page
    assert 'href="/admin/activities/"' in page


def test_add_a_period_and_a_target_and_read_the_report(app, staff):
    assert add_period(staff).status_code == 302
    pid = period_id(app)
    assert add_target(staff, pid).status_code == 302
    with app.app_context():
        counting.increment("people", 612, day=date(2026, 10, 1), hour=11)
    page = staff.get(f"/admin/funding/{pid}/report").get_data(as_text=True)
    assert "Ziel 900 Besuche im Jahr 2026: 612 bis zum 19.11.2026" in page
    assert "Besuche, nicht Personen" in page and "Eine Gruppe zählt mit ihrer Größe" in page
    assert "10/2026" in page
    assert audit_actions(app) == ["funding_period_add", "funding_target_add"]


@pytest.mark.parametrize("fields, message", [
    ({"name": ""}, 'class="error-message"'),
    ({"last": "2025-12-31"}, "Das Ende liegt vor dem Anfang."),
    ({"first": "2000-01-01", "last": "2030-12-31"}, "Höchstens zehn Jahre."),
    ({"first": "kein Datum"}, 'class="error-message"'),
])
def test_a_bad_period_is_refused(app, staff, fields, message):
    response = add_period(staff, **fields)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert FundingPeriod.select().count() == 0


def test_a_post_without_csrf_is_refused(app, staff):
    response = staff.post("/admin/funding/", data={"name": "X", "first": "2026-01-01", "last": "2026-12-31"})
    assert response.status_code == 400
    with app.app_context():
        assert FundingPeriod.select().count() == 0


@pytest.mark.parametrize("metric, amount, per", [
    ("visits", "0", "year"), ("visits", "-5", "year"), ("visits", "viele", "year"),
    ("nonsense", "10", "year"), ("visits", "10", "week"),
])
def test_a_bad_target_is_refused(app, staff, metric, amount, per):
    add_period(staff)
    pid = period_id(app)
    response = add_target(staff, pid, metric, amount, per)
    assert response.status_code == 400
    assert "QM-Projektfonds 2026" in response.get_data(as_text=True)  # the period's fields stay filled
    with app.app_context():
        assert Target.select().count() == 0


def test_the_same_target_twice_is_refused(app, staff):
    add_period(staff)
    pid = period_id(app)
    add_target(staff, pid)
    response = add_target(staff, pid, amount="1000")
    assert response.status_code == 400 and "Dieses Ziel gibt es schon" in response.get_data(as_text=True)


def test_edit_the_period_and_its_narrative(app, staff):
    add_period(staff)
    pid = period_id(app)
    page = f"/admin/funding/{pid}/"
    response = staff.post(page, data={
        "period-name": "QM 2026", "period-funder": "QM", "period-first": "2026-01-01", "period-last": "2026-12-31",
        "period-results": "Viele kamen zum ersten Mal.", "period-deviations": "Im August geschlossen.",
        "period-outlook": "", "period-submit": "1", "period-csrf_token": csrf(staff, page)})
    assert response.status_code == 302
    report = staff.get(f"/admin/funding/{pid}/report").get_data(as_text=True)
    assert "Viele kamen zum ersten Mal." in report and "Abweichungen vom Plan und ihre Gründe" in report
    assert audit_actions(app)[-1] == "funding_period_edit"


def test_a_post_that_is_neither_form_is_refused(app, staff):
    add_period(staff)
    pid = period_id(app)
    page = f"/admin/funding/{pid}/"
    assert staff.post(page, data={"target-csrf_token": csrf(staff, page)}).status_code == 400


def test_remove_a_target(app, staff):
    add_period(staff)
    pid = period_id(app)
    add_target(staff, pid)
    with app.app_context():
        tid = Target.get().id
    page = f"/admin/funding/{pid}/"
    token = form_value(staff.get(page).get_data(as_text=True), "remove-csrf_token")
    assert staff.post(f"/admin/funding/{pid}/targets/{tid}/remove").status_code == 400
    response = staff.post(f"/admin/funding/{pid}/targets/{tid}/remove", data={"remove-csrf_token": token})
    assert response.status_code == 302
    with app.app_context():
        assert Target.select().count() == 0
    assert audit_actions(app)[-1] == "funding_target_remove"
    assert staff.post(f"/admin/funding/{pid}/targets/{tid}/remove",
                      data={"remove-csrf_token": token}).status_code == 404


def test_unknown_periods_are_404(staff):
    for path in ("/admin/funding/99/", "/admin/funding/99/report", "/admin/funding/99/report.xlsx"):
        assert staff.get(path).status_code == 404


def test_the_report_lists_and_counts_activities(app, staff):
    add_period(staff)
    pid = period_id(app)
    with app.test_request_context():
        from flask import g
        g.staff = None
        activity_kinds.record_activity(date(2026, 3, 3), "outreach", 14, "Flyer am Kotti")
        activity_kinds.record_activity(date(2026, 3, 10), "outreach", 9, "")
        activity_kinds.record_activity(date(2026, 3, 12), "kaffeeklatsch", 6, "")
    page = staff.get(f"/admin/funding/{pid}/report").get_data(as_text=True)
    assert "Flyer am Kotti" in page
    assert "<th scope=\"row\">Dienstag im Kiez (unterwegs)</th><td data-label=\"Anzahl\">2</td><td data-label=\"Teilnehmende\">23</td>" in page


def test_the_report_as_xlsx(app, staff):
    add_period(staff)
    pid = period_id(app)
    add_target(staff, pid, "visits", "900", "year")
    with app.app_context():
        counting.increment("people", 40, day=date(2026, 2, 5), hour=11)
    with app.test_request_context():
        from flask import g
        g.staff = None
        activity_kinds.record_activity(date(2026, 3, 3), "workshop", 8, "=HYPERLINK(\"x\")")
    response = staff.get(f"/admin/funding/{pid}/report.xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Ziele", "Pro Monat", "Aktivitäten", "Aktivitäten nach Art", "Reichweite pro Monat",
                               "Bewertungen", "Bewertungen je Antwort", "Bericht"]
    goals = book["Ziele"]
    assert goals["A2"].value == "Besuche" and goals["B2"].value == 900 and goals["B2"].number_format == "#,##0"
    assert goals["I2"].value.startswith("Ziel 900 Besuche im Jahr 2026: 40 bis zum 19.11.2026")
    months = book["Pro Monat"]
    assert months["C3"].value.date() == date(2026, 2, 1) and months["C3"].number_format == "MM.YYYY"
    assert months["E3"].value == 40 and months["G3"].value == 40
    activities = book["Aktivitäten"]
    assert activities["A2"].number_format == "DD.MM.YYYY" and activities["A2"].value.date() == date(2026, 3, 3)
    assert activities["D2"].value == "=HYPERLINK(\"x\")" and activities["D2"].data_type == "s"  # text, no formula
    text = [row[1].value for row in book["Bericht"].iter_rows(min_row=2)]
    assert any(isinstance(value, str) and "Besuche, nicht Personen" in value for value in text)
