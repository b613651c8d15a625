"""Fixtures in the Flask tutorial's shape: an app on a temporary database, a client, a runner.

With KIOSK_TEST_DATABASE_URL=postgresql://… the tests run on that PostgreSQL database instead,
emptied before each test; SQLite in the test's own folder is the default.

No test depends on the real date, the clock or the machine's time zone: every test starts at the
same Berlin moment (``FIXED_NOW``, the clock ticking on from there), tests about time move it with
``time_machine``, and the process runs in a zone that is neither UTC nor Berlin, so code that
leans on the machine's local time fails here rather than on a tablet somewhere else.
"""

import os
import re
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

# Before anything reads the zone: Auckland is 12–13 hours from Berlin, so its local date is another
# day than Berlin's for half of every day; at FIXED_NOW it is 23:30 there.
os.environ["TZ"] = "Pacific/Auckland"
time.tzset()

import pytest
import time_machine
from playhouse.db_url import connect


def _keeping_the_process_zone(extract):
    """time-machine switches TZ to the zone of a destination with a ZoneInfo (a test travelling
    to a Berlin moment would run in Berlin, where a forgotten ``astimezone(BERLIN)`` is
    invisible): travel moves the clock only, the process stays in Auckland.
    tests/test_counting.py checks that this still holds after a time-machine upgrade."""
    def timestamp_only(destination):
        timestamp, _zone = extract(destination)
        return timestamp, None
    return timestamp_only


time_machine.extract_timestamp_tzname = _keeping_the_process_zone(time_machine.extract_timestamp_tzname)

from kiosk import create_app
from kiosk.checkin import tablets
from kiosk.checkin.counting import bursts
from kiosk.db import database
from kiosk.migrations import create_tables
from kiosk.models import Staff
from kiosk.security import create_staff

STAFF_PASSWORD = "a long test password"
BEN_PASSWORD = "bens own long password"
# A Thursday in the drop-in hour (11:00–12:30), far from midnight and from a clock change.
FIXED_NOW = datetime(2026, 11, 19, 11, 30, tzinfo=ZoneInfo("Europe/Berlin"))
TEST_DATABASE_URL = os.environ.get("KIOSK_TEST_DATABASE_URL")


BROWSER_TESTS = Path(__file__).parent / "browser"


@pytest.hookimpl(tryfirst=True)  # before ``-m`` deselects by marker
def pytest_collection_modifyitems(items):
    """Every test under tests/browser/ is a ``browser`` test, so ``-m "not browser"`` leaves them
    out; no file has to remember the marker."""
    for item in items:
        if BROWSER_TESTS in item.path.parents:
            item.add_marker(pytest.mark.browser)
    # Heavy files first: ``--dist loadfile --no-loadscope-reorder`` (make test) hands out whole
    # files in this order; otherwise xdist sends the files with the most tests first, and the
    # browser files (few tests, minutes each) ran last, one worker busy while the other sat idle.
    # Browser files first (tests/browser/ sorts first), then every file with a slow test, then
    # the many small ones that fill the gaps. The sort is stable and the same on every worker,
    # and no test depends on the order.
    heavy = {item.path for item in items
             if BROWSER_TESTS in item.path.parents or item.get_closest_marker("slow")}
    items.sort(key=lambda item: (item.path not in heavy, BROWSER_TESTS not in item.path.parents))


def pytest_configure(config):
    if TEST_DATABASE_URL and getattr(config.option, "numprocesses", None):
        raise pytest.UsageError("KIOSK_TEST_DATABASE_URL is one database that every test empties: "
                                "run these tests without -n (pytest-xdist workers would clear each other's)")


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


@pytest.fixture(autouse=True)
def fixed_clock(request):
    """Every test starts at FIXED_NOW; ``fixed_clock.move_to(...)`` moves it for a test about time.

    A test marked ``real_clock`` talks to a ``kiosk serve`` process and its browser on the machine's
    real clock, which cannot be frozen from here; such a test reads the hour from that clock itself.
    """
    if request.node.get_closest_marker("real_clock"):
        yield None
        return
    with time_machine.travel(FIXED_NOW, tick=True) as traveller:
        yield traveller


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
        "DROPIN_HOLIDAYS": "",  # ... on holidays too, so no test depends on the date
        "LOGIN_REFUSAL_HOLD_SECONDS": 0,  # a refused flood is answered at once (tests/test_login_limits.py)
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


def enrolled_tablet(app, name="Tablet Eingang"):
    """A tablet enrolled through the code staff would give it: (tablet, device cookie value)."""
    with app.app_context():
        _, code = tablets.add_tablet(name)
        return tablets.redeem(code)


def enrol(app, client, name="Tablet Eingang"):
    """Make a test client an enrolled tablet: its check-ins then count as normal."""
    tablet, secret = enrolled_tablet(app, name)
    client.set_cookie(tablets.COOKIE, secret)
    return tablet


@pytest.fixture
def enrolled(app, client):
    """The ``client`` is the project's enrolled tablet."""
    return enrol(app, client)


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


@pytest.fixture
def team(app):
    """anna is the admin, ben a colleague; returns {username: id}."""
    with app.app_context():
        Staff.update(is_admin=True).where(Staff.username == "anna").execute()
        create_staff("ben", BEN_PASSWORD)
        return {s.username: s.id for s in Staff.select()}
