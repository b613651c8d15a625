"""Backups: online copies, 14 days and 12 months kept, made daily by themselves, restored by a round trip."""

import os
import shutil
import sqlite3
import threading
from datetime import date, timedelta

import pytest

from kiosk import clock, migrations
from kiosk.checkin import counting
from kiosk.models import AuditEntry, Count, Staff
from kiosk.staff import backup, reports
from tests.conftest import form_value
from tests.fixtures.make_schema_v1 import FIXTURE


def live_file(app):
    return backup.sqlite_file(app)


def checkins_in(path):
    connection = sqlite3.connect(path)
    try:
        return connection.execute("SELECT COALESCE(SUM(value), 0) FROM count WHERE metric='checkin'").fetchone()[0]
    finally:
        connection.close()


def add_checkins(app, amount, day=date(2026, 1, 8)):
    with app.app_context():
        counting.increment("checkin", amount, day=day, hour=11)


def test_keeps_14_days_and_the_first_of_12_months():
    days = [date(2025, 1, 1) + timedelta(n) for n in range(500)]  # 2025-01-01 .. 2026-05-15
    keep = backup.days_to_keep(days)
    newest = sorted(days)[-14:]
    months = {(d.year, d.month) for d in keep if d not in newest}
    assert set(newest) <= keep
    assert len(months) == 12  # June 2025 .. May 2026, each by its first day
    assert all(d.day == 1 for d in keep if d not in newest)
    assert date(2025, 6, 1) in keep and date(2025, 5, 1) not in keep
    assert len(keep) == 14 + 12


def test_keeping_works_with_gaps():
    days = [date(2026, 1, 8), date(2026, 1, 15), date(2026, 3, 5)]  # a kiosk switched on Thursdays only
    assert backup.days_to_keep(days) == set(days)


def test_backup_is_a_whole_single_file_with_the_data(app):
    add_checkins(app, 7)
    path = backup.make_backup(app, date(2026, 1, 8))
    assert os.path.basename(path) == "kiosk-2026-01-08.sqlite3"
    assert checkins_in(path) == 7
    connection = sqlite3.connect(path)
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # no -wal file needed
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    connection.close()
    assert sorted(os.listdir(os.path.dirname(path))) == ["kiosk-2026-01-08.sqlite3"]  # no .part left
    assert oct(os.stat(os.path.dirname(path)).st_mode & 0o777) == "0o700"


def test_backup_while_tablets_write_is_consistent(app):
    stop = threading.Event()

    def tablet():
        with app.app_context():
            while not stop.is_set():
                counting.increment("checkin", 1, day=date(2026, 1, 8), hour=11)

    writer = threading.Thread(target=tablet)
    writer.start()
    try:
        paths = [backup.make_backup(app, date(2026, 1, d)) for d in range(1, 6)]
    finally:
        stop.set()
        writer.join()
    seen = [checkins_in(p) for p in paths]
    assert seen == sorted(seen)  # each a consistent snapshot, later ones never behind
    for path in paths:
        assert sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_old_backups_are_pruned(app):
    folder = backup.backup_folder(app)
    os.makedirs(folder)
    for n in range(60):
        open(os.path.join(folder, f"kiosk-{date(2025, 11, 1) + timedelta(n)}.sqlite3"), "w").close()
    open(os.path.join(folder, "notes.txt"), "w").close()  # not ours: never touched
    open(os.path.join(folder, "kiosk-2026-13-45.sqlite3"), "w").close()  # nor this
    backup.make_backup(app, date(2026, 1, 8))
    kept = sorted(os.listdir(folder))
    assert "notes.txt" in kept and "kiosk-2026-13-45.sqlite3" in kept
    assert "kiosk-2025-11-01.sqlite3" in kept and "kiosk-2025-12-01.sqlite3" in kept
    assert "kiosk-2025-11-02.sqlite3" not in kept
    assert len([k for k in kept if k.startswith("kiosk-2025") or k == "kiosk-2026-01-08.sqlite3"]) == 14 + 2


def test_first_request_of_a_day_makes_the_backup(app, client, monkeypatch):
    app.config["AUTO_BACKUP"] = True
    daily_app_client = _fresh_app_with_auto_backup(app)
    thursday = date(2026, 1, 8)
    monkeypatch.setattr(clock, "berlin_now", lambda: _at(thursday))
    daily_app_client.get("/health")
    path = os.path.join(backup.backup_folder(app), "kiosk-2026-01-08.sqlite3")
    assert os.path.exists(path)
    made = os.stat(path).st_mtime_ns
    add_checkins(app, 3)
    daily_app_client.get("/")
    assert os.stat(path).st_mtime_ns == made  # once a day, not on every request
    monkeypatch.setattr(clock, "berlin_now", lambda: _at(thursday + timedelta(1)))
    daily_app_client.get("/health")
    assert checkins_in(os.path.join(backup.backup_folder(app), "kiosk-2026-01-09.sqlite3")) == 3


def _fresh_app_with_auto_backup(app):
    from kiosk import create_app

    config = {key: app.config[key] for key in ("SECRET_KEY", "DATABASE_URL", "DROPIN_HOURS")}
    return create_app({**config, "TESTING": True, "AUTO_BACKUP": True}, instance_path=app.instance_path).test_client()


def _at(day):
    from datetime import datetime

    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=clock.BERLIN)


def test_a_failing_daily_backup_does_not_stop_the_kiosk(app, tmp_path, caplog):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the backup folder should be")
    app.config["BACKUP_DIR"] = str(blocked)
    client = _fresh_app_with_auto_backup(app)
    client.application.config["BACKUP_DIR"] = str(blocked)
    assert client.get("/").status_code == 200
    assert "daily backup failed" in caplog.text


def test_backup_command(app, runner):
    add_checkins(app, 4)
    result = runner.invoke(args=["backup"])
    assert result.exit_code == 0, result.output
    path = result.output.split("Backup written: ")[1].strip()
    assert checkins_in(path) == 4


def test_restore_round_trip(app, runner):
    add_checkins(app, 5)
    saved = runner.invoke(args=["backup"]).output.split("Backup written: ")[1].strip()
    add_checkins(app, 100)
    with app.app_context():
        Staff.delete().execute()
    result = runner.invoke(args=["restore", saved, "--yes"])
    assert result.exit_code == 0, result.output
    assert "5 check-ins, 1 staff account(s)" in result.output
    with app.app_context():
        assert sum(c.value for c in Count.select().where(Count.metric == "checkin")) == 5
        assert [s.username for s in Staff.select()] == ["anna"]
    before = result.output.split("kept in ")[1].strip().rstrip(".")
    assert checkins_in(before) == 105  # what was replaced is kept too
    assert sqlite3.connect(live_file(app)).execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def checkins_reported(app, day=date(2026, 1, 8)):
    with app.app_context():
        return reports.totals(day, day)["checkins"]


@pytest.mark.parametrize("made_before_day_sums", [False, True])
def test_a_restore_brings_back_the_backups_figures_and_keeps_them_right(app, runner, made_before_day_sums):
    """The reports read the kept day sums: after a restore they are the backup's, also from a
    backup made before there were any (schema 6), and they follow what is counted next."""
    add_checkins(app, 5)
    saved = backup.make_backup(app)
    if made_before_day_sums:
        old = sqlite3.connect(saved)
        old.executescript("DROP TABLE day_sum; DROP TRIGGER count_added; DROP TRIGGER count_changed; "
                          "DROP TRIGGER count_moved; DROP TRIGGER count_removed; UPDATE schema_version SET version = 6;")
        old.close()
    add_checkins(app, 100)
    assert checkins_reported(app) == 105
    assert runner.invoke(args=["restore", saved, "--yes"]).exit_code == 0
    assert checkins_reported(app) == 5
    add_checkins(app, 2)
    assert checkins_reported(app) == 7


def test_restore_asks_and_a_no_changes_nothing(app, runner):
    add_checkins(app, 5)
    saved = backup.make_backup(app)
    add_checkins(app, 1)
    for answer in ("n\n", ""):  # "no", and no answer at all (a script without --yes)
        result = runner.invoke(args=["restore", saved], input=answer)
        assert result.exit_code != 0 and "Replace everything" in result.output
    assert checkins_in(live_file(app)) == 6


def _not_a_kiosk_database(path):
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE recipes (name TEXT)")
    connection.commit()
    connection.close()


def _from_a_newer_kiosk(path, app):
    shutil.copy(backup.make_backup(app), path)
    connection = sqlite3.connect(path)
    connection.execute("UPDATE schema_version SET version = ?", (migrations.LATEST + 1,))
    connection.commit()
    connection.close()


def _damaged(path, app):
    """The page holding the counts overwritten, as a failing SD card might."""
    shutil.copy(backup.make_backup(app), path)
    connection = sqlite3.connect(path)
    root = connection.execute("SELECT rootpage FROM sqlite_master WHERE name='count'").fetchone()[0]
    page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    connection.close()
    with open(path, "r+b") as f:
        f.seek((root - 1) * page_size)
        f.write(b"\x0d\xff\xff" + b"\x42" * 61)


@pytest.mark.parametrize("make, message", [
    (lambda path, app: open(path, "w").write("just text"), "not an SQLite database"),
    (lambda path, app: _not_a_kiosk_database(path), "not a kiosk database"),
    (_from_a_newer_kiosk, "newer kiosk"),
    (_damaged, "candidate.sqlite3"),
])
def test_restore_refuses_a_doubtful_file(app, runner, tmp_path, make, message):
    add_checkins(app, 5)
    candidate = str(tmp_path / "candidate.sqlite3")
    make(candidate, app)
    result = runner.invoke(args=["restore", candidate, "--yes"])
    assert result.exit_code != 0 and message in result.output
    assert "Restored" not in result.output
    assert checkins_in(live_file(app)) == 5


def test_restoring_a_first_release_backup_upgrades_it(app, runner):
    result = runner.invoke(args=["restore", FIXTURE, "--yes"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert migrations.stored_version() == migrations.LATEST
        assert Staff.get(Staff.username == "anna").is_admin


def test_admin_downloads_a_fresh_backup(app, client, auth):
    with app.app_context():
        Staff.update(is_admin=True).execute()
    add_checkins(app, 9)
    auth.login()
    page = client.get("/admin/backup/").get_data(as_text=True)
    assert "Noch keine Sicherung" in page and "Seit mehr als einem Tag" in page
    response = client.post("/admin/backup/download", data={"csrf_token": form_value(page, "csrf_token")})
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.sqlite3"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=kiez-plus-")
    assert response.data.startswith(b"SQLite format 3\x00")
    downloaded = os.path.join(app.instance_path, "downloaded.sqlite3")
    with open(downloaded, "wb") as f:
        f.write(response.data)
    assert checkins_in(downloaded) == 9
    with app.app_context():
        assert AuditEntry.get().action == "backup_download"
    page = client.get("/admin/backup/").get_data(as_text=True)
    assert "Noch keine Sicherung" not in page and "Seit mehr als einem Tag" not in page


def test_only_an_admin_downloads(app, client, auth):
    auth.login()
    page = client.get("/admin/backup/").get_data(as_text=True)
    assert "Jetzt sichern" not in page
    token = form_value(page, "csrf_token")
    assert client.post("/admin/backup/download", data={"csrf_token": token}).status_code == 403
    assert client.post("/admin/backup/download").status_code == 400  # no CSRF token
    with app.app_context():
        assert AuditEntry.select().count() == 0


def test_the_demo_keeps_its_backups_apart(tmp_path):
    from kiosk import create_app
    from kiosk.staff.backup import backup_folder

    demo = create_app({"SECRET_KEY": "x", "DEMO": True}, instance_path=str(tmp_path))
    real = create_app({"SECRET_KEY": "x"}, instance_path=str(tmp_path))
    assert backup_folder(demo) != backup_folder(real)
    assert backup_folder(real) == str(tmp_path / "backups")


def test_craft_files_are_backed_up_and_come_back_with_a_restore(app, runner):
    uploads = os.path.join(app.instance_path, "uploads")
    os.makedirs(uploads, exist_ok=True)
    with open(os.path.join(uploads, "sheet-a.png"), "wb") as f:
        f.write(b"first picture")
    saved = runner.invoke(args=["backup"]).output.split("Backup written: ")[1].strip()
    assert os.listdir(os.path.join(os.path.dirname(saved), "uploads")) == ["sheet-a.png"]
    os.remove(os.path.join(uploads, "sheet-a.png"))  # lost, e.g. with a broken disk
    with open(os.path.join(uploads, "sheet-b.png"), "wb") as f:
        f.write(b"added after the backup")
    assert runner.invoke(args=["restore", saved, "--yes"]).exit_code == 0
    assert sorted(os.listdir(uploads)) == ["sheet-a.png", "sheet-b.png"]
    with open(os.path.join(uploads, "sheet-a.png"), "rb") as f:
        assert f.read() == b"first picture"


@pytest.fixture
def open_umask():
    """A process that would make files readable by everyone, as a plain shell or cron job does."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def modes(folder):
    """{path relative to folder: permission bits} of everything under it."""
    found = {".": oct(os.stat(folder).st_mode & 0o777)}
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = os.path.join(root, name)
            found[os.path.relpath(path, folder)] = oct(os.stat(path).st_mode & 0o777)
    return found


def test_files_are_private_after_init_db_backup_and_restore(tmp_path, open_umask):
    from kiosk import create_app
    from kiosk.db import database

    instance = tmp_path / "instance"
    app = create_app({"AUTO_BACKUP": False}, instance_path=str(instance))  # the real layout: no URL, no key
    runner = app.test_cli_runner()
    assert runner.invoke(args=["init-db"]).exit_code == 0
    uploads = instance / "uploads"
    uploads.mkdir(mode=0o755)
    (uploads / "sheet.png").write_bytes(b"a picture")
    os.chmod(uploads / "sheet.png", 0o644)  # as an older kiosk wrote it
    saved = runner.invoke(args=["backup"]).output.split("Backup written: ")[1].strip()
    shutil.rmtree(uploads)  # lost; comes back with the restore
    result = runner.invoke(args=["restore", saved, "--yes"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        Staff.select().count()  # the restored database in use: WAL and SHM exist
        found = modes(instance)
    database.close()
    database.obj.close_all()
    assert {"kiosk.sqlite3", "kiosk.sqlite3-wal", "kiosk.sqlite3-shm", "secret_key", "backups",
            os.path.join("uploads", "sheet.png"), os.path.join("backups", "uploads", "sheet.png")} <= set(found)
    assert any(name.startswith(os.path.join("backups", "before-restore-")) for name in found)
    assert any(name.startswith(os.path.join("backups", "kiosk-")) for name in found)
    wrong = {name: mode for name, mode in found.items()
             if mode != (oct(0o700) if os.path.isdir(instance / name) else oct(0o600))}
    assert not wrong


def test_an_older_installations_files_are_tightened_on_start(tmp_path):
    from kiosk import create_app
    from kiosk.db import database

    instance = tmp_path / "instance"
    instance.mkdir(mode=0o755)
    os.chmod(instance, 0o755)
    (instance / "kiosk.sqlite3").write_bytes(b"")
    os.chmod(instance / "kiosk.sqlite3", 0o644)
    create_app({"SECRET_KEY": "x"}, instance_path=str(instance))
    database.obj.close_all()
    assert modes(instance) == {".": oct(0o700), "kiosk.sqlite3": oct(0o600)}
