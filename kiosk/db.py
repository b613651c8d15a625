"""The database connection: one deferred peewee database, opened per request.

SQLite (the default, in the instance folder) gets WAL, durable commits, foreign keys and a busy
timeout; a DATABASE_URL such as ``postgresql://…`` points the same models at another server.
"""

import os

import click
from peewee import DatabaseProxy, SqliteDatabase
from playhouse.db_url import connect

database = DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": "full",  # a check-in that was answered "thank you" survives a power cut
    "foreign_keys": 1,
    "busy_timeout": 5000,  # milliseconds; several tablets and an admin may write at once
}


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


def create_tables():
    """Create missing tables and bring an older database up to date (kiosk/migrations.py)."""
    from .migrations import upgrade

    upgrade()


def is_sqlite() -> bool:
    return isinstance(database.obj, SqliteDatabase)


@click.command("init-db")
def init_db_command():
    """Create the tables (safe to run again: existing data is kept)."""
    create_tables()
    click.echo("Database ready.")


def init_app(app):
    database.initialize(open_database(database_url(app)))

    @app.before_request
    def _connect():
        database.connect(reuse_if_open=True)

    @app.teardown_request
    def _close(exc):
        if not database.is_closed():
            database.close()

    app.cli.add_command(init_db_command)
