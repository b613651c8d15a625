"""The database connection: one deferred peewee database, opened per request.

SQLite (the default, in the instance folder) gets WAL, durable commits, foreign keys and a busy
timeout; a DATABASE_URL such as ``postgresql://…`` points the same models at another server.
"""

import json
import logging
import os

from peewee import DatabaseProxy, SqliteDatabase, TextField
from playhouse.db_url import connect
from playhouse.db_url import parse as parse_url

database = DatabaseProxy()
log = logging.getLogger(__name__)

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": "full",  # a check-in that was answered "thank you" survives a power cut
    "foreign_keys": 1,
    "busy_timeout": 5000,  # milliseconds; several tablets and an admin may write at once
}


class JSONTextField(TextField):
    """A JSON object kept as text in a TEXT column (no schema change, any database).

    The text is written exactly as the modules wrote it by hand before (keys sorted, no escapes
    for non-ASCII; schedules with ``ensure_ascii=True, sort_keys=False``, as they always were),
    so existing databases, backups and exports compare byte for byte.
    Text that is not a JSON object reads as ``{}`` (and is logged): a row damaged by hand or by an
    old bug must not turn a visitor page into a 500. A ``str`` is taken as text already in the
    column's format and stored as it is (fixtures and tests write literal JSON).
    """

    def __init__(self, *args, ensure_ascii=False, sort_keys=True, **kwargs):
        kwargs.setdefault("default", dict)
        super().__init__(*args, **kwargs)
        self.ensure_ascii, self.sort_keys = ensure_ascii, sort_keys

    def db_value(self, value):
        if value is None or isinstance(value, str):
            return value
        return json.dumps(value, ensure_ascii=self.ensure_ascii, sort_keys=self.sort_keys)

    def python_value(self, value):
        try:
            data = json.loads(value) if value else {}
        except ValueError:
            data = None
        if isinstance(data, dict):
            return data
        log.warning("%s holds no JSON object, read as empty: %.80r", self.name, value)
        return {}


def database_url(app) -> str:
    if app.config["DATABASE_URL"]:
        return app.config["DATABASE_URL"]
    name = "demo.sqlite3" if app.config["DEMO"] else "kiosk.sqlite3"
    return "sqlite:///" + os.path.join(app.instance_path, name)


def open_database(url: str):
    """A pooled database: closing a request's connection hands it back instead of closing it.

    Closing the last SQLite connection checkpoints the WAL to disk every time, which made each
    check-in pay for a checkpoint; a pool keeps a few connections open across requests.
    """
    scheme, rest = url.split("://", 1)
    pooled = scheme if scheme.endswith("+pool") else scheme + "+pool"
    options = {"max_connections": 16, "stale_timeout": 300}
    if scheme.startswith("sqlite"):
        options.update(pragmas=SQLITE_PRAGMAS, check_same_thread=False)
    return connect(f"{pooled}://{rest}", **options)


def make_private(path):
    """Only the kiosk's own user may read it: a folder 0700, a file 0600 (backups and the database
    hold every password hash). Done after creation too, since SQLite and other programs create
    files with the process's umask; a path owned by someone else is left to its owner."""
    if os.path.exists(path) and os.stat(path).st_uid == os.getuid():
        os.chmod(path, 0o700 if os.path.isdir(path) else 0o600)


def sqlite_path(url: str) -> str | None:
    """The file of an SQLite database URL, else None (PostgreSQL, or an in-memory database)."""
    if not url.startswith("sqlite"):
        return None
    path = parse_url(url)["database"]
    return None if path in ("", ":memory:") else path


def protect_sqlite_files(path):
    """Create the database file 0600 before SQLite does (SQLite gives its WAL and SHM files the
    database's mode), and tighten the files of an older installation."""
    if not os.path.exists(path):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    for name in (path, path + "-wal", path + "-shm"):
        make_private(name)


def is_sqlite() -> bool:
    return isinstance(database.obj, SqliteDatabase)


def init_app(app):
    make_private(app.instance_path)
    url = database_url(app)
    if sqlite_path(url):
        protect_sqlite_files(sqlite_path(url))
    database.initialize(open_database(url))

    @app.before_request
    def _connect():
        database.connect(reuse_if_open=True)

    @app.teardown_request
    def _close(exc):
        if not database.is_closed():
            database.close()

