"""The database connection: one deferred peewee database, opened per request.

SQLite (the default, in the instance folder) gets WAL, durable commits, foreign keys and a busy
timeout; a DATABASE_URL such as ``postgresql://…`` points the same models at another server.
The check-in's path keeps its statements' SQL (Prepared) and shares durable commits between
tablets that write at once (GroupCommit): docs/benchmarks.md, "Check-in throughput".
"""

import contextlib
import json
import logging
import os
import threading

from peewee import DatabaseProxy, Node, SqliteDatabase, TextField
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


class Param(Node):
    """A value of a Prepared statement, given each time it runs."""

    def __init__(self, name):
        super().__init__()
        self.name = name

    def __sql__(self, ctx):
        return ctx.value(_Slot(self.name), converter=False)


class _Slot:
    """Where a Param's value goes among the parameters of the built SQL."""

    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name


class Prepared:
    """A peewee query whose SQL is built once per kind of database; each run only binds values.

    peewee builds the SQL of a query again every time it runs, and that costs many times what
    SQLite needs to run a short statement (a check-in step's three statements: most of its
    Python time). On the check-in's path the SQL is kept. ``build(*shape)`` makes the query with
    a Param for every value that changes; ``shape`` is what the SQL itself depends on (a number
    of rows, say). Values are given as the database takes them (str, int, bool, date, naive UTC
    datetime), since no field converts them.
    """

    def __init__(self, build):
        self.build = build
        self._built = {}

    def sql(self, shape=()) -> tuple[str, list]:
        key = (type(database.obj), shape)
        if key not in self._built:
            self._built[key] = self.build(*shape).sql()
        return self._built[key]

    def execute(self, shape=(), **values):
        """The cursor, as ``database.execute_sql`` gives it."""
        sql, params = self.sql(shape)
        return database.execute_sql(sql, [values[p.name] if isinstance(p, _Slot) else p for p in params])


class _Write:
    """One thread's part of a GroupCommit: its function, and what came of it."""

    def __init__(self, write):
        self.write = write
        self.woken = threading.Event()  # its result is there, or it is to commit the next group
        self.finished = False
        self.result = self.error = None


class GroupCommit:
    """Writes from threads that arrive together, in one transaction with one durable commit.

    With synchronous=FULL every commit waits for the disk (a few milliseconds here, far more on an
    SD card), and SQLite lets one writer at a time hold its lock through that wait. A write that
    arrives while another commits waits for it, then goes in with all the others that waited:
    one commit for the group. Each caller still gets its result only once its own writes are on
    disk, and each write is a savepoint of its own, so one that fails undoes only itself.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._waiting = []
        self._committing = False

    def run(self, write):
        """``write()`` inside a transaction; its result once that transaction is committed.

        ``write`` may run in another thread (the one committing the group): it must use only the
        database and what it was given, not the request or the app."""
        mine = _Write(write)
        with self._lock:
            self._waiting.append(mine)
            leads = not self._committing
            self._committing = True
        if not leads:
            mine.woken.wait()
        if not mine.finished:
            self._commit_group()
        if mine.error is not None:
            raise mine.error
        return mine.result

    def _commit_group(self):
        with self._lock:
            group, self._waiting = self._waiting, []
        # Alone, a write needs no savepoint: the transaction is its own.
        savepoint = database.atomic if len(group) > 1 else contextlib.nullcontext
        committed = False
        try:
            with database.atomic():
                for each in group:
                    try:
                        with savepoint():
                            each.result = each.write()
                    except Exception as error:
                        if len(group) == 1:
                            raise
                        each.error = error  # raised in the thread it belongs to
            committed = True
        except Exception as error:  # the commit failed: nothing of the group is kept
            for each in group:
                each.error = each.error or error
        finally:
            with self._lock:
                if self._waiting:
                    self._waiting[0].woken.set()  # it commits the next group
                else:
                    self._committing = False
            for each in group:
                if not committed:
                    each.result = None
                    each.error = each.error or RuntimeError("the group's commit did not finish")
                each.finished = True
                each.woken.set()


write_together = GroupCommit().run


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

