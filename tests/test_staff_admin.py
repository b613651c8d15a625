"""The team page: accounts listed, disabled and removed by an admin, own password changed, all audited;
and no route at all can change the audit log."""

import re
from pathlib import Path

import pytest

from kiosk.models import AuditEntry, Staff
from tests.conftest import BEN_PASSWORD, STAFF_PASSWORD, AuthActions, form_value
from tests.routes import rules, sample_url

ROOT = Path(__file__).resolve().parent.parent


def csrf(client, path="/admin/staff/"):
    return form_value(client.get(path).get_data(as_text=True), "csrf_token")


def test_everyone_sees_the_team_but_only_the_admin_gets_buttons(client, auth, team):
    auth.login()
    page = client.get("/admin/staff/").get_data(as_text=True)
    assert "anna" in page and "ben" in page and "Verwaltung" in page and "Sperren" in page
    auth.logout()
    auth.login("ben", BEN_PASSWORD)
    page = client.get("/admin/staff/").get_data(as_text=True)
    assert "ben (Sie)" in page and "Sperren" not in page and "Entfernen" not in page


def test_admin_disables_and_enables_an_account(app, client, auth, team):
    auth.login()
    response = client.post(f"/admin/staff/{team['ben']}/active", data={"csrf_token": csrf(client)})
    assert response.status_code == 302
    with app.app_context():
        assert not Staff.get_by_id(team["ben"]).active
        assert (AuditEntry.get().action, AuditEntry.get().detail) == ("staff_disable", "ben")
    other = app.test_client()
    assert "Name oder Passwort falsch" in _login(other, "ben", BEN_PASSWORD).get_data(as_text=True)
    client.post(f"/admin/staff/{team['ben']}/active", data={"csrf_token": csrf(client)})
    assert _login(other, "ben", BEN_PASSWORD).status_code == 302
    with app.app_context():
        assert [e.action for e in AuditEntry.select().order_by(AuditEntry.id)] == ["staff_disable", "staff_enable"]


def _login(client, username, password):
    page = client.get("/admin/login").get_data(as_text=True)
    return client.post("/admin/login", data={"username": username, "password": password,
                                             "csrf_token": form_value(page, "csrf_token")})


def test_removing_asks_first_and_keeps_the_log(app, client, auth, team):
    with app.app_context():
        AuditEntry.create(username="ben", action="manual", detail="Flyer: +10")
    auth.login()
    page = client.get(f"/admin/staff/{team['ben']}/remove").get_data(as_text=True)
    assert "„ben“ entfernen?" in page
    with app.app_context():
        assert Staff.select().count() == 2  # looking at the question removes nothing
    response = client.post(f"/admin/staff/{team['ben']}/remove", data={"csrf_token": form_value(page, "csrf_token")})
    assert response.status_code == 302
    with app.app_context():
        assert [s.username for s in Staff.select()] == ["anna"]
        assert [(e.username, e.action) for e in AuditEntry.select().order_by(AuditEntry.id)] == [
            ("ben", "manual"), ("anna", "staff_remove")]


@pytest.mark.parametrize("action", ["active", "remove"])
def test_a_colleague_cannot_disable_or_remove(app, client, auth, team, action):
    auth.login("ben", BEN_PASSWORD)
    response = client.post(f"/admin/staff/{team['anna']}/{action}", data={"csrf_token": csrf(client)})
    assert response.status_code == 403
    with app.app_context():
        assert Staff.get_by_id(team["anna"]).active and AuditEntry.select().count() == 0


@pytest.mark.parametrize("action", ["active", "remove"])
def test_an_admin_cannot_lock_themselves_out(app, client, auth, team, action):
    auth.login()
    response = client.post(f"/admin/staff/{team['anna']}/{action}", data={"csrf_token": csrf(client)})
    assert response.status_code == 400
    assert client.post(f"/admin/staff/999/{action}", data={"csrf_token": csrf(client)}).status_code == 404
    with app.app_context():
        assert Staff.get_by_id(team["anna"]).active and AuditEntry.select().count() == 0


def test_staff_actions_need_the_csrf_token(app, client, auth, team):
    auth.login()
    assert client.post(f"/admin/staff/{team['ben']}/active").status_code == 400
    assert client.post(f"/admin/staff/{team['ben']}/remove", data={"csrf_token": "forged"}).status_code == 400
    with app.app_context():
        assert Staff.get_by_id(team["ben"]).active and Staff.select().count() == 2


def change_password(client, old, new, repeat=None):
    token = csrf(client, "/admin/staff/password")
    return client.post("/admin/staff/password", data={
        "csrf_token": token, "old_password": old, "new_password": new, "repeat": new if repeat is None else repeat})


@pytest.mark.parametrize("old, new, repeat, message", [
    ("wrong old password", "a brand new password", None, "Das bisherige Passwort stimmt nicht."),
    (STAFF_PASSWORD, "short", None, "Mindestens 10 Zeichen."),
    (STAFF_PASSWORD, "a brand new password", "a different new one", "verschieden"),
])
def test_password_change_refused(app, client, auth, old, new, repeat, message):
    auth.login()
    response = change_password(client, old, new, repeat)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    with app.app_context():
        assert AuditEntry.select().count() == 0
    auth.logout()
    assert auth.login().status_code == 302  # the old password still works


def test_password_change(app, client, auth):
    auth.login()
    assert change_password(client, STAFF_PASSWORD, "a brand new password").status_code == 302
    with app.app_context():
        entry = AuditEntry.get()
        assert (entry.username, entry.action) == ("anna", "password_change")
        assert "brand new" not in Staff.get().password_hash
    auth.logout()
    assert auth.login().status_code == 200  # refused
    assert auth.login(password="a brand new password").status_code == 302


def test_password_change_ends_the_other_logins_but_not_this_one(app, auth):
    tablet, office = app.test_client(), app.test_client()
    AuthActions(tablet).login()
    AuthActions(office).login()
    assert change_password(office, STAFF_PASSWORD, "a brand new password").status_code == 302
    assert office.get("/admin/").status_code == 200
    assert tablet.get("/admin/").status_code == 302  # logged out: the old password is gone


def test_first_account_from_the_command_line_is_admin(app, runner):
    with app.app_context():
        Staff.delete().execute()
    env = {"KIOSK_STAFF_PASSWORD": "another long one"}
    assert "(admin)" in runner.invoke(args=["add-staff", "cem"], env=env).output
    assert "(admin)" not in runner.invoke(args=["add-staff", "dila"], env=env).output
    assert "(admin)" in runner.invoke(args=["add-staff", "emre", "--admin"], env=env).output
    with app.app_context():
        assert {s.username: s.is_admin for s in Staff.select()} == {"cem": True, "dila": False, "emre": True}


def test_no_route_changes_the_audit_log(app, client, auth, team):
    """Every route, every method that could write, as the admin with a valid CSRF token: the entries
    already written stay exactly as they were (new ones may be added)."""
    with app.app_context():
        for n in range(3):
            AuditEntry.create(username="anna", action="manual", detail=f"entry {n}")
        before = {e.id: (e.at, e.username, e.action, e.detail) for e in AuditEntry.select()}
    first_entry = min(before)
    for rule in rules(app):
        for method in ("POST", "PUT", "PATCH", "DELETE"):
            if client.get("/admin/").status_code != 200:  # logged out by /admin/logout
                auth.login()
            url = sample_url(app, rule, **{name: first_entry for name in rule.arguments
                                           if "Integer" in type(rule._converters[name]).__name__})
            data = {"csrf_token": csrf(client, "/admin/"), "id": str(first_entry), "action": "changed",
                    "detail": "changed", "username": "changed", "at": "2020-01-01 00:00:00", "delete": "1"}
            response = client.open(url, method=method, data=data)
            assert response.status_code != 500, (method, url)
    with app.app_context():
        after = {e.id: (e.at, e.username, e.action, e.detail) for e in AuditEntry.select()}
    assert {key: after.get(key) for key in before} == before


def test_no_code_outside_security_audit_writes_audit_entries():
    """A second guard: the only write to AuditEntry in the app is the insert in security.audit."""
    writes = re.compile(r"AuditEntry\s*\.\s*(update|delete|insert|insert_many|replace|create|bulk_update|"
                        r"bulk_create)\b|(DELETE\s+FROM|UPDATE|INSERT\s+INTO)\s+\W?audit_entry", re.I)
    offenders = []
    for path in (ROOT / "kiosk").rglob("*.py"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if writes.search(line) and not (path.name == "security.py" and "AuditEntry.create(" in line):
                offenders.append(f"{path.name}:{number}: {line.strip()}")
    assert offenders == []
