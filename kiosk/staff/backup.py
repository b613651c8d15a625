"""Backups: SQLite's online backup into instance/backups/, one file a day, 14 days and 12 months kept.

The online backup API copies a consistent snapshot while tablets keep writing (a plain file copy
of a live WAL database can be torn). A backup is written beside its final name and renamed only
when complete, so a file named like a backup is always a whole one. The first request of each day
makes that day's backup: no timer to forget, and a kiosk that is switched on at 10:55 on a
Thursday still gets one.
"""

import os
import re
import shutil
import sqlite3
import threading
from datetime import date, datetime

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    send_file,
    url_for,
)

from kiosk import clock
from kiosk.activities.uploads import uploads_dir
from kiosk.db import database, database_url, make_private, protect_sqlite_files, sqlite_path
from kiosk.forms import EmptyForm
from kiosk.security import audit, staff_only

KEEP_DAILY = 14
KEEP_MONTHLY = 12
BACKUP_NAME = re.compile(r"^kiosk-(\d{4}-\d{2}-\d{2})\.sqlite3$")
SQLITE_HEADER = b"SQLite format 3\x00"
REQUIRED_TABLES = {"count", "staff", "audit_entry"}

bp = Blueprint("backup", __name__, url_prefix="/admin/backup")


class BackupError(Exception):
    """A backup that cannot be made, or a file that is not a sound kiosk backup."""


# --- files -------------------------------------------------------------------------------------


def sqlite_file(app):
    """The path of the app's SQLite database, or None on another database (PostgreSQL: pg_dump)."""
    return sqlite_path(database_url(app))


def backup_folder(app):
    """instance/backups; the demo keeps its own, so a demo copy never stands in for a real one."""
    default = "demo-backups" if app.config["DEMO"] else "backups"
    return app.config.get("BACKUP_DIR") or os.path.join(app.instance_path, default)


def stored_backups(folder):
    """[(day, path, size in bytes)] of the daily backups in ``folder``, newest first."""
    if not os.path.isdir(folder):
        return []
    found = []
    for name in os.listdir(folder):
        match = BACKUP_NAME.match(name)
        try:
            day = date.fromisoformat(match.group(1)) if match else None
        except ValueError:  # "kiosk-2026-13-45.sqlite3": not one of ours
            day = None
        if day:
            path = os.path.join(folder, name)
            found.append((day, path, os.path.getsize(path)))
    return sorted(found, reverse=True)


def days_to_keep(days, daily=KEEP_DAILY, monthly=KEEP_MONTHLY):
    """The newest ``daily`` days, and the first day of each of the newest ``monthly`` months."""
    newest_first = sorted(set(days), reverse=True)
    keep = set(newest_first[:daily])
    first_of_month = {}
    for day in newest_first:
        first_of_month[(day.year, day.month)] = day  # ends as the earliest day of each month
    for month in sorted(first_of_month, reverse=True)[:monthly]:
        keep.add(first_of_month[month])
    return keep


def prune(folder):
    keep = days_to_keep(day for day, _, _ in stored_backups(folder))
    for day, path, _ in stored_backups(folder):
        if day not in keep:
            os.remove(path)


def copy_database(source, target):
    """Copy the SQLite database ``source`` to ``target`` with the online backup API.

    The copy is a single self-contained file (rollback journal, not WAL), fsynced before it gets
    its name.
    """
    if not os.path.exists(source):
        raise BackupError(f"There is no database at {source}.")
    partial = target + ".part"
    reader = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    writer = sqlite3.connect(partial)
    try:
        reader.backup(writer)
        writer.execute("PRAGMA journal_mode=DELETE")
    except sqlite3.Error as error:
        raise BackupError(f"The backup failed: {error}") from error
    finally:
        writer.close()
        reader.close()
    try:
        make_private(partial)
        with open(partial, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(partial, target)
    finally:
        if os.path.exists(partial):
            os.remove(partial)


def make_backup(app, day=None):
    """Back up the database now into the day's file (replacing an earlier one of that day), then prune."""
    source = sqlite_file(app)
    if source is None:
        raise BackupError("Backups here are for SQLite; back up PostgreSQL with pg_dump.")
    folder = backup_folder(app)
    os.makedirs(folder, mode=0o700, exist_ok=True)
    target = os.path.join(folder, f"kiosk-{(day or clock.berlin_now().date()).isoformat()}.sqlite3")
    copy_database(source, target)
    copy_uploads(app, from_folder=None, to_folder=os.path.join(folder, "uploads"))
    prune(folder)
    return target


def copy_uploads(app, from_folder, to_folder):
    """Copy the craft sheets' files that the other folder lacks (None: the instance's uploads).

    Upload names are random and a file is never changed under its name, so copying what is
    missing keeps a complete set: every file any kept backup of the database may name.
    """

    with app.app_context():
        live = uploads_dir()
    source, target = from_folder or live, to_folder or live
    missing = [name for name in (os.listdir(source) if os.path.isdir(source) else [])
               if not os.path.exists(os.path.join(target, name))]
    if missing:
        os.makedirs(target, mode=0o700, exist_ok=True)
    for name in missing:
        shutil.copy2(os.path.join(source, name), os.path.join(target, name))
        make_private(os.path.join(target, name))


class DailyBackup:
    """Makes the day's backup on the first request of a day; the check per request is one comparison."""

    def __init__(self):
        self.done_for = None
        self._lock = threading.Lock()

    def run_if_due(self, app, today):
        if self.done_for == today or not self._lock.acquire(blocking=False):
            return
        try:
            if not any(day == today for day, _, _ in stored_backups(backup_folder(app))):
                make_backup(app, today)
        except (BackupError, OSError) as error:
            # A full disk must not stop the check-in; staff see the missing backup on the backup page.
            app.logger.error("daily backup failed: %s", error)
        finally:
            self.done_for = today
            self._lock.release()


# --- restore -----------------------------------------------------------------------------------


def inspect_backup(path):
    """Facts about a backup file, or BackupError when it is not a sound kiosk database.

    Returns {"version": schema version, "checkins": check-ins stored, "staff": accounts}.
    """
    from kiosk.migrations import FIRST_RELEASED, LATEST

    try:
        with open(path, "rb") as f:
            if f.read(16) != SQLITE_HEADER:
                raise BackupError(f"{path} is not an SQLite database.")
    except OSError as error:
        raise BackupError(f"{path} cannot be read: {error}") from error
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        if connection.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError(f"{path} is damaged (integrity check failed).")
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not REQUIRED_TABLES <= tables:
            raise BackupError(f"{path} is not a kiosk database.")
        version = FIRST_RELEASED
        if "schema_version" in tables:
            version = connection.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] or FIRST_RELEASED
        if version > LATEST:
            raise BackupError(f"{path} comes from a newer kiosk (schema {version}); update the kiosk first.")
        checkins = connection.execute("SELECT COALESCE(SUM(value), 0) FROM count WHERE metric='checkin'").fetchone()[0]
        staff = connection.execute("SELECT COUNT(*) FROM staff").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} cannot be read as a kiosk database: {error}") from error
    finally:
        connection.close()
    return {"version": version, "checkins": checkins, "staff": staff}


def restore_backup(app, path):
    """Replace the database's content with the backup's, after keeping a copy of the current one.

    The online backup API writes into the live database under its lock, so a running kiosk sees
    either the old or the restored data, never a mix. Then the restored data gets the migrations.
    Returns the path of the copy made before the restore.
    """
    from kiosk.migrations import upgrade

    inspect_backup(path)
    live = sqlite_file(app)
    folder = backup_folder(app)
    os.makedirs(folder, mode=0o700, exist_ok=True)
    before = os.path.join(folder, f"before-restore-{datetime.now():%Y-%m-%d-%H%M%S}.sqlite3")
    if os.path.exists(live):
        copy_database(live, before)
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    target = sqlite3.connect(live, timeout=30)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()
    protect_sqlite_files(live)
    copy_uploads(app, from_folder=os.path.join(os.path.dirname(os.path.abspath(path)), "uploads"),
                 to_folder=None)
    with app.app_context():
        database.close()  # connections opened before the restore must not keep old pages
        database.connect(reuse_if_open=True)
        upgrade()
    return before


# --- staff page ----------------------------------------------------------------------------------


bp.before_request(staff_only)  # Backups hold staff accounts and all figures: staff only.


@bp.get("/")
def overview():
    app = current_app._get_current_object()
    backups = stored_backups(backup_folder(app))
    today = clock.berlin_now().date()
    return render_template(
        "admin/backup.html",
        backups=backups,
        sqlite=sqlite_file(app) is not None,
        stale=not backups or (today - backups[0][0]).days > 1,
        form=EmptyForm(),
    )


@bp.post("/download")
def download():
    """A fresh backup as a file to keep elsewhere (a USB stick, the Träger's server)."""
    if not g.staff.is_admin:
        abort(403)
    app = current_app._get_current_object()
    try:
        path = make_backup(app)
    except BackupError as error:
        app.logger.error("backup download failed: %s", error)
        flash(f"Die Sicherung ist fehlgeschlagen: {error}")
        return redirect(url_for(".overview"))
    with database.atomic():
        audit("backup_download", os.path.basename(path))
    return send_file(path, mimetype="application/vnd.sqlite3", as_attachment=True,
                     download_name=f"kiez-plus-{os.path.basename(path).removeprefix('kiosk-')}")


def init_app(app):
    app.register_blueprint(bp)
    if app.config.get("AUTO_BACKUP", True):
        daily = DailyBackup()

        @app.before_request
        def _daily_backup():
            daily.run_if_due(app, clock.berlin_now().date())
