"""Fixtures in the Flask tutorial's shape: an app on a temporary database, a client, a runner.

With KIOSK_TEST_DATABASE_URL=postgresql://… the tests run on that PostgreSQL database instead,
emptied before each test; SQLite in the test's own folder is the default.
"""

import os
import re

import pytest
from playhouse.db_url import connect

from kiosk import create_app
from kiosk.auth import create_staff
from kiosk.counting import bursts
from kiosk.db import create_tables, database

STAFF_PASSWORD = "a long test password"
TEST_DATABASE_URL = os.environ.get("KIOSK_TEST_DATABASE_URL")


def fresh_database_url(tmp_path):
    """An empty database for one test: a new SQLite file, or the PostgreSQL database wiped clean."""
    if not TEST_DATABASE_URL:
        return f"sqlite:///{tmp_path / 'test.sqlite3'}"
    server = connect(TEST_DATABASE_URL)
    server.execute_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    server.close()
    return TEST_DATABASE_URL


def close_database():
    """Close every connection of the test's database, pooled ones too (PostgreSQL counts them)."""
    database.close()
    if hasattr(database.obj, "close_all"):  # a connection pool keeps connections open
        database.obj.close_all()


@pytest.fixture
def app(tmp_path):
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test",
        "DATABASE_URL": fresh_database_url(tmp_path),
        # A cheap hash keeps hundreds of fixtures fast; tests/test_login_limits.py uses scrypt.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",
        "AUTO_BACKUP": False,  # tests/test_backup.py switches it on where it is the subject
        # Counting is open all week in tests unless a test says otherwise.
        "DROPIN_HOURS": [[d, "00:00", "23:59"] for d in range(7)],
    }, instance_path=str(tmp_path))
    with app.app_context():
        create_tables()
        create_staff("anna", STAFF_PASSWORD)
    bursts.reset()
    yield app
    close_database()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def form_value(html: str, name: str) -> str:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', html) or re.search(
        rf'<input[^>]*value="([^"]*)"[^>]*name="{name}"', html)
    return match.group(1)


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, username="anna", password=STAFF_PASSWORD):
        page = self._client.get("/admin/login").get_data(as_text=True)
        return self._client.post("/admin/login", data={
            "username": username, "password": password, "csrf_token": form_value(page, "csrf_token"),
        })

    def logout(self):
        page = self._client.get("/admin/").get_data(as_text=True)
        return self._client.post("/admin/logout", data={"csrf_token": form_value(page, "csrf_token")})


@pytest.fixture
def auth(client):
    return AuthActions(client)
