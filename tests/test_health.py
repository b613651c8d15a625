"""/health tells monitoring (and the tablet's script) whether a check-in could be counted now."""

import json
import shutil
from collections import namedtuple

import pytest
from peewee import OperationalError

from kiosk.db import database, is_sqlite
from kiosk.models import Setting

OK = {"status": "ok", "database": "ok", "disk": "ok"}


def test_health_is_ok_and_says_nothing_else(client):
    response = client.get("/health")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.get_json() == OK
    assert response.headers["Cache-Control"] == "no-store"


def test_health_needs_no_login_and_sets_no_cookie(client):
    response = client.get("/health")
    assert "Set-Cookie" not in response.headers


def test_health_reveals_no_figures_versions_or_paths(app, client):
    body = client.get("/health").get_data(as_text=True)
    for secret in (app.instance_path, "sqlite", "postgres", "flask", "werkzeug", "peewee", "python", "/"):
        assert secret not in body.lower()
    assert not any(ch.isdigit() for ch in body)
    assert "kiosk" not in client.get("/health").headers.get("Server", "").lower()


def test_health_is_503_when_the_database_is_unreachable(client, monkeypatch):
    def unreachable(*args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(database.obj, "execute_sql", unreachable)
    response = client.get("/health")
    assert response.status_code == 503
    assert json.loads(response.get_data(as_text=True)) == {
        "status": "unavailable", "database": "unreachable", "disk": "ok"}


def test_health_is_503_when_the_database_is_read_only(app, client):
    read_only = "PRAGMA query_only = ON" if is_sqlite() else "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY"

    @app.before_request
    def read_only_connection():
        database.execute_sql(read_only)

    response = client.get("/health")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "read-only", "disk": "ok"}


def test_health_probe_leaves_nothing_behind(app, client):
    assert client.get("/health").status_code == 200
    with app.app_context():
        assert Setting.select().where(Setting.key == "health_probe").count() == 0


Usage = namedtuple("Usage", "total used free")


@pytest.mark.parametrize("free_mb, status", [(5, 503), (99, 503), (100, 200), (20_000, 200)])
def test_health_is_503_when_the_disk_is_nearly_full(app, client, monkeypatch, free_mb, status):
    seen = []

    def disk_usage(path):
        seen.append(path)
        return Usage(32_000 * 2**20, (32_000 - free_mb) * 2**20, free_mb * 2**20)

    monkeypatch.setattr(shutil, "disk_usage", disk_usage)
    response = client.get("/health")
    assert response.status_code == status and seen == [app.instance_path]
    assert response.get_json()["disk"] == ("full" if status == 503 else "ok")


def test_the_free_space_needed_is_a_setting(app, client):
    app.config["HEALTH_MIN_FREE_MB"] = 10**12  # more than any disk has
    assert client.get("/health").get_json() == {"status": "unavailable", "database": "ok", "disk": "full"}


class Probes:
    """Counts the write probes and disk-usage calls /health makes; the clock is set by hand."""

    def __init__(self, monkeypatch):
        from kiosk import health

        self.writes, self.disk_calls, self.now = 0, 0, 1000.0
        real_put, real_usage = Setting.put, shutil.disk_usage

        def put(key, value):
            self.writes += 1
            return real_put(key, value)

        def usage(path):
            self.disk_calls += 1
            return real_usage(path)

        monkeypatch.setattr(Setting, "put", put)
        monkeypatch.setattr(shutil, "disk_usage", usage)
        monkeypatch.setattr(health, "clock", lambda: self.now)


def test_health_keeps_an_ok_for_a_few_seconds(app, client, monkeypatch):
    """The tablet asks before every tap: within HEALTH_OK_SECONDS one probe answers them all."""
    probes = Probes(monkeypatch)
    for _ in range(5):
        assert client.get("/health").get_json() == OK
        probes.now += 1
    assert (probes.writes, probes.disk_calls) == (1, 1)
    probes.now += app.config["HEALTH_OK_SECONDS"]
    assert client.get("/health").get_json() == OK
    assert (probes.writes, probes.disk_calls) == (2, 2)


def test_health_probes_again_after_every_failure(app, client, monkeypatch):
    """A failure is never kept: the tablet learns the moment the kiosk can count again."""
    probes = Probes(monkeypatch)
    free = {"mb": 5}
    monkeypatch.setattr(shutil, "disk_usage",
                        lambda path: Usage(32_000 * 2**20, 0, free["mb"] * 2**20))
    assert client.get("/health").status_code == 503
    assert client.get("/health").status_code == 503
    assert probes.writes == 2
    free["mb"] = 20_000
    assert client.get("/health").get_json() == OK
    assert probes.writes == 3


def test_health_sees_a_read_only_database_once_the_kept_ok_ran_out(app, client, monkeypatch):
    probes = Probes(monkeypatch)
    read_only = "PRAGMA query_only = ON" if is_sqlite() else "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY"
    broken = []

    @app.before_request
    def read_only_connection():
        if broken:
            database.execute_sql(read_only)

    assert client.get("/health").status_code == 200
    broken.append(True)
    assert client.get("/health").status_code == 200  # still within the kept "ok"
    probes.now += app.config["HEALTH_OK_SECONDS"]
    assert client.get("/health").get_json()["database"] == "read-only"
