"""Schema migrations: a database of the first released schema is upgraded and loses nothing."""

import shutil
import sqlite3
from datetime import date

import pytest
from peewee import IntegrityError

from kiosk import create_app, migrations
from kiosk.checkin import counting
from kiosk.db import database
from kiosk.migrations import create_tables
from kiosk.models import SchemaVersion, Staff
from tests.conftest import TEST_DATABASE_URL, close_database, form_value, fresh_database_url
from tests.test_day_sums import kept_sums, sums_from_counts
from tests.fixtures.make_schema_v1 import FIXTURE, ROWS, V1_MODELS, build_v1
from tests.fixtures.make_schema_v1 import Staff as V1Staff
from tests.tablet import Tablet, start_kiosk

V1_PASSWORD = "first release password"


def make_app(tmp_path, url):
    return create_app({"TESTING": True, "SECRET_KEY": "test", "DATABASE_URL": url, "AUTO_BACKUP": False},
                      instance_path=str(tmp_path))


@pytest.fixture
def v1_app(tmp_path):
    """An app on a database of schema version 1 with data: the kept SQLite file, or built on PostgreSQL."""
    if TEST_DATABASE_URL:
        app = make_app(tmp_path, fresh_database_url(tmp_path))
        with app.app_context():
            build_v1(database.obj)
    else:
        shutil.copy(FIXTURE, tmp_path / "v1.sqlite3")
        app = make_app(tmp_path, f"sqlite:///{tmp_path / 'v1.sqlite3'}")
    yield app
    close_database()


def v1_rows():
    """Every row of every version 1 table, in the version 1 columns only."""
    rows = {}
    for model in V1_MODELS:
        columns = ", ".join(f'"{f.column_name}"' for f in model._meta.sorted_fields)
        table = model._meta.table_name
        cursor = database.execute_sql(f'SELECT {columns} FROM "{table}" ORDER BY 1, 2')
        rows[table] = [tuple(str(value) for value in row) for row in cursor.fetchall()]
    return rows


def schema():
    """Tables, their columns and their indexes, as the database itself describes them."""
    described = {}
    for table in sorted(database.get_tables()):
        columns = sorted((c.name, c.data_type.lower(), c.null, c.primary_key) for c in database.get_columns(table))
        indexes = sorted((tuple(i.columns), i.unique) for i in database.get_indexes(table))
        described[table] = (columns, indexes)
    return described


def test_the_fixture_has_data_in_every_table(v1_app):
    with v1_app.app_context():
        assert migrations.stored_version() == migrations.FIRST_RELEASED
        assert all(len(rows) == len(ROWS[model]) > 0 for model, rows in zip(V1_MODELS, v1_rows().values()))


def test_upgrade_keeps_every_row(v1_app):
    with v1_app.app_context():
        before = v1_rows()
        assert migrations.upgrade() == sorted(migrations.STEPS)
        assert v1_rows() == before
        assert migrations.stored_version() == migrations.LATEST


def test_step_7_sums_the_counts_kept_so_far_and_keeps_summing(v1_app):
    """The reports read DaySum: an upgraded database has the sums of its old counts, and its
    triggers follow what is counted after the upgrade."""
    with v1_app.app_context():
        migrations.upgrade()
        assert kept_sums() == sums_from_counts() != []
        counting.increment("people", 4, day=date(2026, 11, 19), hour=11)
        assert kept_sums() == sums_from_counts()


def test_upgraded_schema_equals_a_fresh_one(v1_app, tmp_path):
    with v1_app.app_context():
        migrations.upgrade()
        upgraded = schema()
    close_database()
    fresh_dir = tmp_path / "fresh"
    fresh_dir.mkdir()
    fresh = make_app(fresh_dir, fresh_database_url(fresh_dir))
    with fresh.app_context():
        create_tables()
        assert schema() == upgraded


def test_the_oldest_active_account_becomes_admin_and_can_still_log_in(v1_app):
    with v1_app.app_context():
        migrations.upgrade()
        admins = [s.username for s in Staff.select().where(Staff.is_admin == True)]  # noqa: E712
        assert admins == ["anna"]
    client = v1_app.test_client()
    page = client.get("/admin/login").get_data(as_text=True)
    response = client.post("/admin/login", data={"username": "anna", "password": V1_PASSWORD,
                                                 "csrf_token": form_value(page, "csrf_token")})
    assert response.headers["Location"].endswith("/admin/")
    assert "Verwaltung" in client.get("/admin/staff/").get_data(as_text=True)


def test_upgrade_twice_changes_nothing(v1_app):
    with v1_app.app_context():
        migrations.upgrade()
        first = (schema(), v1_rows())
        assert migrations.upgrade() == []
        assert (schema(), v1_rows()) == first
        assert SchemaVersion.select().count() == 1


def test_a_failing_step_leaves_the_database_as_it_was(v1_app, monkeypatch):
    def broken(migrator):
        migrations.staff_admins(migrator)
        with database.bind_ctx([V1Staff]):  # the columns of step 2's time: later steps add more
            V1Staff.create(username="anna", password_hash="x")  # a duplicate: the step fails half-way

    monkeypatch.setitem(migrations.STEPS, 2, broken)
    with v1_app.app_context():
        before = (schema(), v1_rows())
        with pytest.raises(IntegrityError):
            migrations.upgrade()
        assert (schema(), v1_rows()) == before
        assert migrations.stored_version() == migrations.FIRST_RELEASED


def test_a_database_from_a_newer_kiosk_is_refused(app, runner):
    with app.app_context():
        SchemaVersion.update(version=migrations.LATEST + 1).execute()
        with pytest.raises(migrations.NewerDatabase):
            migrations.upgrade()
    result = runner.invoke(args=["migrate"])
    assert result.exit_code != 0 and "knows up to" in result.output


def test_migrate_command(v1_app):
    result = v1_app.test_cli_runner().invoke(args=["migrate"])
    assert result.exit_code == 0, result.output
    assert f"schema version {migrations.LATEST}: applied step(s) 2" in result.output
    again = v1_app.test_cli_runner().invoke(args=["migrate"])
    assert "nothing to do" in again.output


@pytest.mark.slow  # starts a kiosk serve process
def test_kiosk_serve_upgrades_an_old_database_when_it_starts(tmp_path):
    """The production start (kiosk serve) migrates by itself: an updated kiosk on old data just runs."""
    shutil.copy(FIXTURE, tmp_path / "v1.sqlite3")
    server, base = start_kiosk(tmp_path, f"sqlite:///{tmp_path / 'v1.sqlite3'}")
    try:
        assert Tablet(base).login("anna", V1_PASSWORD)
    finally:
        server.terminate()
        server.wait(10)
    connection = sqlite3.connect(tmp_path / "v1.sqlite3")
    assert connection.execute("SELECT version FROM schema_version").fetchall() == [(migrations.LATEST,)]
    assert connection.execute("SELECT username FROM staff WHERE is_admin").fetchall() == [("anna",)]
    connection.close()


def test_step_3_makes_stored_phone_numbers_dialable_and_web_addresses_valid(app):
    """A database of version 2 with numbers and addresses stored as typed before issue 15."""
    from kiosk.models import Organization, Phone, Service

    with app.app_context():
        organisation = Organization.create(name="Beispiel e.V. (kein echter Eintrag)",
                                           website="https://bürgeramt.example/straße")
        service = Service.create(name="Beispiel (kein echter Eintrag)", organization=organisation,
                                 url="https://example.org/a b")  # cannot be made valid: kept
        arabic = Phone.create(service=service, number="+٤٩٣٠٦٧٧٩٦٠٨٦", kind="voice")
        full_width = Phone.create(service=service, number="＋４９１５２０１２３４５６７", kind="cell")
        good = Phone.create(service=service, number="+493067796086", kind="voice")
        odd = Phone.create(service=service, number="abc", kind="voice")
        SchemaVersion.update(version=2).execute()
        assert migrations.upgrade()[0] == 3
        assert [Phone.get_by_id(p.id).number for p in (arabic, full_width, good, odd)] == [
            "+493067796086", "+4915201234567", "+493067796086", "abc"]
        assert Organization.get_by_id(organisation.id).website == "https://xn--brgeramt-65a.example/stra%C3%9Fe"
        assert Service.get_by_id(service.id).url == "https://example.org/a b"


def test_step_5_marks_the_polls_of_version_4_as_wish_polls(app, tmp_path):
    """A database of version 4 has polls without the rating flag: they keep their answers and
    become wish polls, and the schema is then the fresh one."""
    from datetime import date

    from playhouse.migrate import SchemaMigrator, migrate

    from kiosk.models import Poll, PollAnswer

    with app.app_context():
        fresh = schema()
        poll = Poll.create(question="Was wünscht ihr euch?", first=date(2026, 11, 2), last=date(2026, 11, 8))
        PollAnswer.create(poll=poll, position=1, pictogram="coffee", word="Kaffee")
        migrate(SchemaMigrator.from_database(database.obj).drop_column("poll", "rating"))
        SchemaVersion.update(version=4).execute()
        assert "rating" not in {column.name for column in database.get_columns("poll")}
        assert migrations.upgrade()[0] == 5
        assert schema() == fresh
        kept = Poll.get_by_id(poll.id)
        assert (kept.question, kept.rating, [a.word for a in kept.answers]) == ("Was wünscht ihr euch?", False, ["Kaffee"])


def test_step_6_asks_nobody_for_report_mails(v1_app):
    """The accounts of an older database get no e-mail until they ask for it themselves."""
    with v1_app.app_context():
        migrations.upgrade()
        assert {(s.email, s.wants_weekly, s.wants_monthly) for s in Staff.select()} == {(None, False, False)}


def test_step_6_keeps_everyone_logged_in(app):
    """A version-5 database: adding the report-mail columns to staff must not rebuild the table,
    which would delete every staff session by cascade (everyone logged out by an update)."""
    from playhouse.migrate import SchemaMigrator, migrate

    from kiosk.models import StaffSession

    with app.app_context():
        fresh = schema()
        migrator = SchemaMigrator.from_database(database.obj)
        for column in ("email", "wants_weekly", "wants_monthly"):
            migrate(migrator.drop_column("staff", column))
        SchemaVersion.update(version=5).execute()
        database.execute_sql("INSERT INTO staff (username, password_hash, active, failed_logins, created, is_admin) "
                             "VALUES ('berta', 'x', %s, 0, '2026-11-02 09:00:00', %s)"
                             % (("TRUE", "FALSE") if TEST_DATABASE_URL else (1, 0)))
        berta = Staff.select(Staff.id).where(Staff.username == "berta").get()
        StaffSession.create(token_hash="a" * 64, staff=berta.id)
        assert migrations.upgrade()[0] == 6
        assert schema() == fresh
        assert [s.token_hash for s in StaffSession.select().where(StaffSession.staff == berta.id)] == ["a" * 64]
