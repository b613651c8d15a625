"""/health tells monitoring the kiosk is up and its database reachable, and nothing more."""

import json

from peewee import OperationalError

from kiosk.db import database


def test_health_is_ok_and_says_nothing_else(client):
    response = client.get("/health")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.get_json() == {"status": "ok", "database": "ok"}
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
    assert json.loads(response.get_data(as_text=True)) == {"status": "unavailable", "database": "unreachable"}
