"""The app as a whole: configuration, secret key, security headers, nothing from other hosts."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from werkzeug.routing import Map, Rule

from kiosk import LazyBuilderRule, create_app

ROOT = Path(__file__).resolve().parent.parent


def test_secret_key_is_made_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("KIOSK_SECRET_KEY", raising=False)
    first = create_app(instance_path=str(tmp_path))
    second = create_app(instance_path=str(tmp_path))
    assert first.secret_key == second.secret_key and len(first.secret_key) >= 64
    key_file = tmp_path / "secret_key"
    assert key_file.read_text().strip() == first.secret_key
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"


def test_environment_overrides_defaults(tmp_path, monkeypatch):
    monkeypatch.setenv("KIOSK_IDLE_SECONDS", "30")
    monkeypatch.setenv("KIOSK_DROPIN_HOURS", '[[1, "10:00", "12:00"]]')
    app = create_app({"SECRET_KEY": "x"}, instance_path=str(tmp_path))
    assert app.config["IDLE_SECONDS"] == 30
    assert app.config["DROPIN_HOURS"] == [[1, "10:00", "12:00"]]
    assert app.config["DATABASE_URL"] is None  # the SQLite file in the instance folder


def test_database_pragmas(app):
    from kiosk.db import database

    with app.app_context():
        database.connect(reuse_if_open=True)
        pragma = lambda name: database.execute_sql(f"PRAGMA {name}").fetchone()[0]  # noqa: E731
        assert pragma("journal_mode") == "wal"
        assert pragma("synchronous") == 2  # FULL
        assert pragma("foreign_keys") == 1
        assert pragma("busy_timeout") == 5000


@pytest.mark.parametrize("path", ["/", "/checkin/thanks", "/admin/login", "/no-such-page"])
def test_security_headers_on_every_response(client, path):
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"


def test_session_cookie_is_httponly_and_samesite(client, auth):
    response = auth.login()
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_not_found_is_a_calm_page(client):
    response = client.get("/nowhere")
    assert response.status_code == 404 and "Diese Seite gibt es nicht" in response.get_data(as_text=True)


def test_templates_and_static_load_nothing_from_another_host():
    offenders = []
    for folder in ("templates", "static"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in {".html", ".css", ".js"}:
                text = path.read_text(encoding="utf-8")
                if re.search(r"""(src|href)\s*=\s*["']?(https?:)?//|@import|url\(\s*["']?(https?:)?//""", text):
                    offenders.append(str(path))
    assert offenders == []


def test_no_inline_script_or_style_in_templates():
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), path
        assert not re.search(r"\sstyle=", text), path
        assert not re.search(r"\son[a-z]+=", text), path


def test_visitor_strings_go_through_gettext(client):
    """A template string with German words outside {{ _() }} would escape translation."""
    for path in (ROOT / "templates" / "visitor").rglob("*.html"):
        if path.name == "offline.html":
            continue  # shown when the server is away: it speaks all four languages at once
        text = re.sub(r"{[{%#].*?[}%#]}", "", path.read_text(encoding="utf-8"), flags=re.S)
        words = re.findall(r">\s*([A-Za-zÄÖÜäöüß][^<]*?)\s*<", text)
        assert words == [], (path, words)


def test_every_form_has_the_kiosk_guard(app):
    """A form built on FlaskForm directly would let an uploaded file crash a text field."""
    from flask_wtf import FlaskForm

    from kiosk.forms import KioskForm

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = [form for form in subclasses(FlaskForm) if form.__module__.startswith("kiosk.")]
    assert len(ours) >= 10
    assert [form.__name__ for form in ours if not issubclass(form, KioskForm)] == []


HEAVY_AT_START = ("holidays", "segno", "openpyxl", "phonenumbers")


def test_the_start_imports_nothing_heavy_and_still_registers_everything(tmp_path):
    """Lazy imports (issue 18): the libraries that cost most at start are not imported by
    create_app, nor by the first /health and start screen after it, yet every blueprint, route
    and command is there. A fresh interpreter, since this test process has imported everything
    long ago."""
    root = Path(__file__).resolve().parent.parent
    script = (
        "import json, sys\n"
        "from kiosk import create_app\n"
        "from kiosk.migrations import create_tables\n"
        f"app = create_app({{'SECRET_KEY': 'x', 'DATABASE_URL': 'sqlite:///{tmp_path}/k.sqlite3'}},"
        f" instance_path={str(tmp_path)!r})\n"
        f"heavy = {{'create_app': [m for m in {HEAVY_AT_START!r} if m in sys.modules]}}\n"
        "with app.app_context():\n"
        "    create_tables()\n"
        "client = app.test_client()\n"
        "answers = [client.get('/health').status_code]\n"
        f"heavy['/health'] = [m for m in {HEAVY_AT_START!r} if m in sys.modules]\n"
        "answers.append(client.get('/').status_code)\n"
        f"heavy['/'] = [m for m in {HEAVY_AT_START!r} if m in sys.modules]\n"
        "print(json.dumps({'heavy': heavy, 'answers': answers,\n"
        "  'blueprints': sorted(app.blueprints), 'rules': len(list(app.url_map.iter_rules())),\n"
        "  'commands': sorted(app.cli.commands)}))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True, text=True,
                          check=True, env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"})
    lazy = json.loads(done.stdout)
    app = create_app({"SECRET_KEY": "x", "DATABASE_URL": f"sqlite:///{tmp_path}/k2.sqlite3"},
                     instance_path=str(tmp_path / "other"))
    assert lazy["answers"] == [200, 200]
    # The start screen asks whether today is a public holiday; the warm-up imports it meanwhile.
    assert lazy["heavy"] == {"create_app": [], "/health": [], "/": ["holidays"]}
    assert lazy["blueprints"] == sorted(app.blueprints) and len(lazy["blueprints"]) >= 14
    assert lazy["rules"] == len(list(app.url_map.iter_rules()))
    assert lazy["commands"] == sorted(app.cli.commands)


def test_the_lazy_url_builders_build_what_werkzeug_builds(app):
    """kiosk.LazyBuilderRule compiles werkzeug's builders at the first url_for (issue 18): every
    route, with and without an unknown argument, gives the URL a plain werkzeug Rule gives."""
    # Flask adds the static route itself, before create_app can choose the rule class.
    assert all(isinstance(rule, LazyBuilderRule) for rule in app.url_map.iter_rules() if rule.endpoint != "static")
    plain = Map([Rule(rule.rule, endpoint=rule.endpoint, methods=rule.methods, defaults=rule.defaults)
                 for rule in app.url_map.iter_rules()], converters=app.url_map.converters)
    ours, theirs = app.url_map.bind("kiosk.test"), plain.bind("kiosk.test")
    built = 0
    for rule in app.url_map.iter_rules():
        for extra in ({}, {"lang": "tr"}):
            values = {name: 7 for name in rule.arguments} | extra
            try:
                expected = theirs.build(rule.endpoint, values)
            except ValueError:  # 7 is not one of an <any(…)> argument's words
                with pytest.raises(ValueError):
                    ours.build(rule.endpoint, values)
                continue
            assert ours.build(rule.endpoint, values) == expected, rule.rule
            built += 1
    assert built >= 200


def test_the_warm_up_finds_everything_it_names(app):
    from kiosk.warmup import warm_up

    warm_up(app)
