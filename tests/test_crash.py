"""Crash safety: the server killed mid-stream loses no answered check-in and leaves a sound database;
a full disk or a read-only database gives calm pages and writes nothing by half."""

import signal
import sqlite3
import threading

import pytest

from kiosk import db
from kiosk.db import database
from kiosk.models import AuditEntry, Count, Setting
from tests.conftest import close_database, form_value
from tests.tablet import Tablet, start_kiosk


def stored_checkins(database_file):
    connection = sqlite3.connect(database_file)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return connection.execute("SELECT COALESCE(SUM(value), 0) FROM count WHERE metric='checkin'").fetchone()[0]
    finally:
        connection.close()


@pytest.mark.slow  # a kiosk serve process, killed and started again
def test_sigkill_in_the_middle_of_check_ins_loses_no_answered_one(tmp_path):
    database_file = tmp_path / "crash.sqlite3"
    server, base = start_kiosk(tmp_path, f"sqlite:///{database_file}")
    sent, answered = [0], [0]
    lock = threading.Lock()
    ten_answered = threading.Event()

    def tablet():
        client = Tablet(base, timeout=5)
        for _ in range(2000):  # bounded; the kill ends it long before
            try:
                form = client.home()
                with lock:
                    sent[0] += 1
                if client.checkin(form):
                    with lock:
                        answered[0] += 1
                        if answered[0] >= 10:
                            ten_answered.set()
            except Exception:  # the server is gone: this tablet stops
                return

    tablets = [threading.Thread(target=tablet) for _ in range(3)]
    for t in tablets:
        t.start()
    try:
        # Killed while check-ins stream in, once ten are answered: a busy machine answers fewer a
        # second, so the test waits for answers, not for a time.
        assert ten_answered.wait(60)
        server.send_signal(signal.SIGKILL)
        server.wait(10)
    finally:
        server.kill()
        for t in tablets:
            t.join(20)
    print(f"answered {answered[0]}, stored {stored_checkins(database_file)}, sent {sent[0]}")
    assert answered[0] <= stored_checkins(database_file) <= sent[0]

    # The kiosk starts again on the same database and counts on.
    server, base = start_kiosk(tmp_path, f"sqlite:///{database_file}")
    try:
        assert Tablet(base).checkin()
    finally:
        server.terminate()
        server.wait(10)
    assert answered[0] + 1 <= stored_checkins(database_file) <= sent[0] + 1


# --- a full disk, a read-only database --------------------------------------------------------


def reopen(app, **pragmas):
    """Open the test database again with extra SQLite pragmas on every connection."""
    close_database()
    database.initialize(db.open_database(db.database_url(app)))
    database.obj._pragmas = list(database.obj._pragmas) + list(pragmas.items())


@pytest.fixture
def sqlite_app(app):
    if not db.is_sqlite():
        pytest.fail("these tests simulate SQLite's own full-disk and read-only errors; run them on SQLite")
    return app


def fill_up(app):
    """Make the database file full: no page may be added, and every page of the counts is packed."""
    with app.app_context():
        database.connect(reuse_if_open=True)
        pages = database.execute_sql("PRAGMA page_count").fetchone()[0]
    reopen(app, max_page_count=pages + 2)
    with app.app_context():
        from datetime import date, timedelta

        day = date(2000, 1, 1)
        with pytest.raises(Exception, match="full"):
            for n in range(100_000):
                Count.insert(day=day + timedelta(n), hour=0, metric="filler" * 8, source="staff").execute()


def rows(app):
    with app.app_context():
        return sorted((c.day, c.hour, c.metric, c.flag, c.value) for c in Count.select()), AuditEntry.select().count()


def test_full_disk_gives_a_calm_page_and_writes_nothing_by_half(sqlite_app, client):
    app = sqlite_app
    home = client.get("/").get_data(as_text=True)
    form = {"csrf_token": form_value(home, "csrf_token"), "ticket": form_value(home, "ticket")}
    fill_up(app)
    before = rows(app)
    response = client.post("/checkin", data=form)
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "Einen Moment bitte" in page and "Traceback" not in page and "full" not in page
    assert rows(app) == before
    reopen(app)  # space again: the same tap counts now, once
    with app.app_context():
        Count.delete().where(Count.metric == "filler" * 8).execute()
    assert client.post("/checkin", data=form).status_code == 302
    assert client.post("/checkin", data=form).status_code == 302
    with app.app_context():
        assert Count.get(Count.metric == "checkin").value == 1


def test_full_disk_tells_staff_what_to_check(sqlite_app, client, auth):
    app = sqlite_app
    auth.login()
    page = client.get("/admin/counts").get_data(as_text=True)
    fill_up(app)
    before = rows(app)
    response = client.post("/admin/counts", data={
        "csrf_token": form_value(page, "csrf_token"), "add-day": "2026-01-08", "add-hour": "11",
        "add-kind": "flyers", "add-number": "40", "add-submit": "1"})
    assert response.status_code == 503
    text = response.get_data(as_text=True)
    assert "Der Speicher des Kiosk-Rechners ist voll." in text and "Nichts wurde halb gespeichert" in text
    assert rows(app) == before  # neither the count nor its audit entry


def test_read_only_database(sqlite_app, client, auth):
    app = sqlite_app
    auth.login()
    page = client.get("/admin/").get_data(as_text=True)
    reopen(app, query_only=1)
    before = rows(app)
    visitor = app.test_client()
    home = visitor.get("/")  # viewing the start screen writes nothing, so it still shows
    assert home.status_code == 200
    home = home.get_data(as_text=True)
    response = visitor.post("/checkin", data={"csrf_token": form_value(home, "csrf_token"),
                                              "ticket": form_value(home, "ticket")})
    assert response.status_code == 503 and "Einen Moment bitte" in response.get_data(as_text=True)
    assert 'data-reload-after="10"' in response.get_data(as_text=True)  # it tries again by itself
    assert client.get("/admin/").status_code == 200  # staff can still read the figures
    response = client.post("/admin/test-mode", data={"csrf_token": form_value(page, "csrf_token")})
    assert response.status_code == 503 and "schreibgeschützt" in response.get_data(as_text=True)
    assert rows(app) == before
    with app.app_context():
        assert Setting.get_value("test_mode", "0") == "0"
