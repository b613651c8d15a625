"""'Meine Zustellung' in Chromium, by touch: a team member asks for the report e-mails with their
own address, a wrong address is shown beside the field, and axe finds nothing on the page."""

import os

from playwright.sync_api import expect

from datetime import date

from kiosk.models import FundingPeriod, Staff, Target
from tests.browser.test_checkin_browser import assert_no_axe_violations, staff_login

SCREENSHOTS = os.environ.get("KIOSK_SCREENSHOTS")  # a folder: the page is also saved as PNG there


def test_a_team_member_asks_for_the_report_mails_by_tapping(page, server, live_app):
    with live_app.app_context():  # the preview gives the period's target lines (an example period)
        period = FundingPeriod.create(name="Beispiel-Förderung 2026", first=date(2026, 1, 1), last=date(2026, 12, 31))
        Target.create(period=period, metric="visits", amount=900, per="year")
    staff_login(page, server)
    page.goto(server + "/admin/staff/")
    page.get_by_role("link", name="Berichtsmails bestellen").tap()
    expect(page.get_by_role("heading", name="Meine Zustellung")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Meine E-Mail-Adresse").fill("anna@beispiel")
    page.get_by_label("Wochenmail: jeden Montag die Zahlen der Vorwoche").tap()
    page.get_by_role("button", name="Zustellung speichern").tap()
    expect(page.get_by_text("Das ist keine E-Mail-Adresse")).to_be_visible()
    assert_no_axe_violations(page)  # with the error shown
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, "report-mail-error-1280.png"), full_page=True)
    page.get_by_label("Meine E-Mail-Adresse").fill("anna@example.org")
    page.get_by_label("Monatsmail: nach jedem Monat die Zahlen des Monats").tap()
    page.get_by_role("button", name="Zustellung speichern").tap()
    expect(page.get_by_text("Ihre Zustellung ist gespeichert.")).to_be_visible()
    expect(page.get_by_label("Meine E-Mail-Adresse")).to_have_value("anna@example.org")
    expect(page.get_by_text("aus dem Team: anna").first).to_be_visible()
    expect(page.get_by_text("Ziel 900 Besuche im Jahr 2026:")).to_be_visible()
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, "report-mail-1280.png"), full_page=True)
        page.set_viewport_size({"width": 800, "height": 1280})
        page.screenshot(path=os.path.join(SCREENSHOTS, "report-mail-800.png"), full_page=True)
    with live_app.app_context():
        anna = Staff.get(Staff.username == "anna")
        assert (anna.email, anna.wants_weekly, anna.wants_monthly) == ("anna@example.org", True, True)
