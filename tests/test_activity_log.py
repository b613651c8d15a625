"""The activity log (kiosk/staff/activity_log.py): entries, their reasons, and the counts they feed."""

from datetime import date

import pytest

from kiosk.models import WHOLE_DAY, Activity, ActivityKind, AuditEntry, Count
from kiosk.staff import reports
from tests.conftest import form_value

LOG = "/admin/activities/"


@pytest.fixture
def staff(client, auth):
    auth.login()
    return client


def csrf(client, path, name="add-csrf_token"):
    return form_value(client.get(path).get_data(as_text=True), name)


def add(client, **fields):
    data = {"add-day": "2026-11-17", "add-kind": "outreach", "add-participants": "12", "add-note": "Flyer verteilt",
            "add-submit": "1", "add-csrf_token": csrf(client, LOG)}
    data.update(fields)
    return client.post(LOG, data=data)


def manual(app, kind, day=date(2026, 11, 17)):
    with app.app_context():
        return reports.totals(day, day)["manual"][kind]


def last_audit(app):
    with app.app_context():
        entry = AuditEntry.select().order_by(AuditEntry.id.desc()).first()
        return entry.username, entry.action, entry.detail


def test_the_page_needs_a_login(client):
    assert client.get(LOG).status_code == 302
    assert client.get(LOG + "1/").status_code == 302


def test_the_page_warns_not_to_write_names(staff):
    page = staff.get(LOG).get_data(as_text=True)
    assert "Keine Namen" in page and "Kaffeeklatsch im Treppenhaus" in page


def test_an_outreach_tuesday_counts_its_contacts_once(app, staff):
    assert add(staff).status_code == 302
    assert manual(app, "outreach") == 12
    with app.app_context():
        row = Count.get(Count.metric == "manual:outreach")
        assert (row.source, row.hour) == ("staff", WHOLE_DAY)
    assert last_audit(app) == ("anna", "activity_add", "17.11.2026 · Dienstag im Kiez (unterwegs) · 12 Personen · Flyer verteilt")
    assert "Flyer verteilt" in staff.get(LOG).get_data(as_text=True)


def test_a_workshop_adds_no_manual_count(app, staff):
    add(staff, **{"add-kind": "workshop"})
    with app.app_context():
        assert Activity.select().count() == 1 and Count.select().count() == 0


@pytest.mark.parametrize("fields", [
    {"add-participants": "-1"}, {"add-participants": "viele"}, {"add-kind": "party"},
    {"add-day": "2026-11-20"},  # tomorrow
    {"add-day": ""}, {"add-note": "x" * 201},
])
def test_bad_entries_are_refused(app, staff, fields):
    assert add(staff, **fields).status_code == 400
    with app.app_context():
        assert Activity.select().count() == 0 and Count.select().count() == 0


def test_a_post_without_a_form_or_csrf_is_refused(app, staff):
    assert staff.post(LOG, data={"add-csrf_token": csrf(staff, LOG)}).status_code == 400
    assert staff.post(LOG, data={"add-day": "2026-11-17", "add-kind": "outreach", "add-participants": "3",
                                 "add-submit": "1"}).status_code == 400
    with app.app_context():
        assert Activity.select().count() == 0


def change_page(app):
    with app.app_context():
        return f"{LOG}{Activity.get().id}/"


def test_a_change_needs_a_reason_and_moves_the_counts(app, staff):
    add(staff)
    page = change_page(app)
    data = {"change-day": "2026-11-10", "change-kind": "kaffeeklatsch", "change-participants": "7",
            "change-note": "", "change-submit": "1", "change-csrf_token": csrf(staff, page, "change-csrf_token")}
    refused = staff.post(page, data={**data, "change-reason": ""})
    assert refused.status_code == 400
    assert manual(app, "outreach") == 12
    assert staff.post(page, data={**data, "change-reason": "Falscher Tag"}).status_code == 302
    assert manual(app, "outreach") == 0
    assert manual(app, "kaffeeklatsch", date(2026, 11, 10)) == 7
    username, action, detail = last_audit(app)
    assert (username, action) == ("anna", "activity_edit")
    assert detail.endswith("10.11.2026 · Kaffeeklatsch im Treppenhaus · 7 Personen · Grund: Falscher Tag")


def test_a_removal_needs_a_reason_and_takes_the_counts_back(app, staff):
    add(staff)
    page = change_page(app)
    token = csrf(staff, page, "remove-csrf_token")
    assert staff.post(page, data={"remove-reason": "", "remove-submit": "1", "remove-csrf_token": token}).status_code == 400
    response = staff.post(page, data={"remove-reason": "doppelt", "remove-submit": "1", "remove-csrf_token": token})
    assert response.status_code == 302
    assert manual(app, "outreach") == 0
    with app.app_context():
        assert Activity.select().count() == 0
    assert last_audit(app)[1:] == ("activity_remove", "17.11.2026 · Dienstag im Kiez (unterwegs) · 12 Personen · Flyer verteilt · Grund: doppelt")
    assert staff.get(page).status_code == 404


def test_the_team_adds_a_kind_of_its_own(app, staff):
    token = csrf(staff, LOG, "kind-csrf_token")
    assert staff.post(LOG, data={"kind-name": "Nachbarschaftsfest", "kind-submit": "1",
                                 "kind-csrf_token": token}).status_code == 302
    assert staff.post(LOG, data={"kind-name": "workshop", "kind-submit": "1",
                                 "kind-csrf_token": token}).status_code == 400  # the built-in "Workshop"
    with app.app_context():
        key = f"own:{ActivityKind.get().id}"
    assert last_audit(app)[1:] == ("activity_kind_add", "Nachbarschaftsfest")
    assert add(staff, **{"add-kind": key, "add-participants": "40"}).status_code == 302
    assert "Nachbarschaftsfest" in staff.get(LOG).get_data(as_text=True)
