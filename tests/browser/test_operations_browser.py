"""The team and backup pages in Chromium, by touch: an admin disables and removes an account,
changes their password and downloads a backup; axe finds nothing on any of these pages."""

import re

from playwright.sync_api import expect

from kiosk.models import AuditEntry, Staff
from kiosk.security import create_staff
from tests.browser.test_checkin_browser import assert_no_axe_violations, staff_login


def make_team(live_app):
    with live_app.app_context():
        Staff.update(is_admin=True).where(Staff.username == "anna").execute()
        create_staff("ben", "bens own long password")


def test_admin_disables_and_removes_an_account_by_tapping(page, server, live_app):
    make_team(live_app)
    staff_login(page, server)
    page.get_by_role("link", name="Team", exact=True).tap()
    expect(page).to_have_url(f"{server}/admin/staff/")
    expect(page.get_by_role("heading", name="Team", exact=True)).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Sperren ben").tap()
    expect(page.get_by_text("ben kann sich nicht mehr anmelden.")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("ben")).get_by_text("gesperrt")).to_be_visible()
    page.get_by_role("link", name="Entfernen ben").tap()
    expect(page.get_by_role("heading", name="Zugang „ben“ entfernen?")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Ja, entfernen").tap()
    expect(page.get_by_text("Der Zugang ben ist entfernt.")).to_be_visible()
    with live_app.app_context():
        assert [s.username for s in Staff.select()] == ["anna"]
        assert [e.action for e in AuditEntry.select().order_by(AuditEntry.id)] == ["staff_disable", "staff_remove"]


def test_password_change_by_tapping(page, server, live_app):
    staff_login(page, server)
    page.goto(server + "/admin/staff/")
    page.get_by_role("link", name="Eigenes Passwort ändern").tap()
    expect(page.get_by_role("heading", name="Eigenes Passwort ändern")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Bisheriges Passwort").fill("a long test password")
    page.get_by_label("Neues Passwort", exact=True).fill("a new long password")
    page.get_by_label("Neues Passwort noch einmal").fill("another new password")
    page.get_by_role("button", name="Passwort ändern").tap()
    expect(page.get_by_text("Die beiden neuen Passwörter sind verschieden.")).to_be_visible()
    assert_no_axe_violations(page)  # with the error shown
    page.get_by_label("Bisheriges Passwort").fill("a long test password")
    page.get_by_label("Neues Passwort", exact=True).fill("a new long password")
    page.get_by_label("Neues Passwort noch einmal").fill("a new long password")
    page.get_by_role("button", name="Passwort ändern").tap()
    expect(page.get_by_text("Ihr Passwort ist geändert.")).to_be_visible()


def test_backup_page_and_download(page, server, live_app):
    make_team(live_app)
    staff_login(page, server)
    page.get_by_role("link", name="Sicherung", exact=True).tap()
    expect(page).to_have_url(f"{server}/admin/backup/")
    expect(page.get_by_role("heading", name="Sicherung", exact=True)).to_be_visible()
    assert_no_axe_violations(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Jetzt sichern und herunterladen").tap()
    assert re.fullmatch(r"kiez-plus-\d{4}-\d{2}-\d{2}\.sqlite3", download.value.suggested_filename)
    with open(download.value.path(), "rb") as f:
        assert f.read(16) == b"SQLite format 3\x00"
    page.reload()
    expect(page.get_by_role("cell", name=re.compile(r"\d\d\.\d\d\.\d{4}"))).to_be_visible()
