"""Kiez+ Kiosk: the Flask app. ``create_app`` shows the whole of it."""

import functools
import os
import secrets

from babel import Locale
from flask import Flask, current_app, request, session
from flask_babel import Babel
from flask_wtf.csrf import CSRFProtect
from werkzeug.routing import IntegerConverter, Rule

from kiosk import cli, db, errors, health, security, tls
from kiosk.activities import crafts, wordlists
from kiosk.activities import views as activities
from kiosk.checkin import closures, poll, tablets
from kiosk.checkin import views as checkin
from kiosk.config import Defaults
from kiosk.offers import admin as offers_admin
from kiosk.offers import flags
from kiosk.offers import views as offers
from kiosk.staff import activity_log, api, api_tokens, auth, backup, funding, mail, pictures, polls, team
from kiosk.staff import views as staff

PACKAGE = os.path.dirname(os.path.abspath(__file__))
# A wheel carries templates/ and static/ inside the package (pyproject.toml); a source checkout
# keeps them at the top level.
ASSETS = PACKAGE if os.path.isdir(os.path.join(PACKAGE, "templates")) else os.path.dirname(PACKAGE)

babel = Babel()
csrf = CSRFProtect()

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def create_app(test_config=None, instance_path=None):
    """Build the app: defaults, then instance/config.py, then KIOSK_* variables, then test_config."""
    app = Flask(
        __name__,
        instance_path=instance_path,
        instance_relative_config=True,
        template_folder=os.path.join(ASSETS, "templates"),
        static_folder=os.path.join(ASSETS, "static"),
    )
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("KIOSK")
    if test_config:
        app.config.update(test_config)
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret_key(app.instance_path)

    app.url_rule_class = LazyBuilderRule  # before any route is added
    app.url_map.converters["int"] = DatabaseIdConverter
    db.init_app(app)
    babel.init_app(app, locale_selector=visitor_language)
    csrf.init_app(app)
    csrf.exempt(api.bp)  # read-only GETs with a bearer token: no cookie, nothing to forge

    app.register_blueprint(checkin.bp)  # the home screen and the anonymous check-in
    app.register_blueprint(poll.bp)  # the wish poll's tile and its one-tap answer
    app.register_blueprint(activities.bp)  # Rätsel & Basteln for visitors
    app.register_blueprint(crafts.bp)  # craft sheets and activity figures for staff
    security.init_app(app)  # g.staff from the server-side session, before every request
    app.register_blueprint(auth.bp)
    app.register_blueprint(staff.bp)  # Today, History, manual counts
    app.register_blueprint(pictures.bp)  # the year as a heat map and an hours-of-the-week grid
    app.register_blueprint(api.bp)  # read-only figures as JSON for the Träger's statistics
    app.register_blueprint(api_tokens.bp)  # admins make and revoke the API's tokens
    app.register_blueprint(team.bp)
    app.register_blueprint(funding.bp)  # funding periods, targets, the funder's period report
    app.register_blueprint(activity_log.bp)  # each activity held; feeds the manual counts
    app.register_blueprint(closures.bp)  # staff close the drop-in hour on a team day
    app.register_blueprint(wordlists.bp)  # staff word lists for the word search
    app.register_blueprint(health.bp)
    backup.init_app(app)  # the backup page, the backup/restore commands, the daily backup
    mail.init_app(app)  # the report e-mails' staff page and their daily check
    app.register_blueprint(offers.bp)  # Angebote im Kiez, Hilfe & Beratung
    app.register_blueprint(offers_admin.bp)  # staff: offers and help contacts, HSDS import/export
    app.register_blueprint(flags.bp)  # "Hier stimmt etwas nicht" on an entry
    app.register_blueprint(polls.bp)  # staff: wish polls, their results and printed sheet
    app.register_blueprint(tablets.bp)  # enrolled tablets: enrolment, heartbeat, staff page
    tls.init_app(app)  # the kiosk's own certificates, Secure cookies and HSTS over HTTPS
    errors.init_app(app)
    cli.init_app(app)
    app.after_request(_security_headers)
    return app


class LazyBuilderRule(Rule):
    """A route that compiles its URL builders at its first url_for, not when it is added.

    Werkzeug generates and compiles two Python functions per rule as the rule is added (its
    private ``_compile_builder``, called by ``Rule.compile``); for the kiosk's 118 routes that was
    half of create_app, paid on every start before the first answer (issue 18), while the first
    pages build only a few of them. The URLs built are the same (werkzeug's own builder, made once).
    """

    def _compile_builder(self, append_unknown=True):
        compiled = None

        def build(rule, /, **values):
            nonlocal compiled
            if compiled is None:  # two threads at once would compile the same function: harmless
                compiled = Rule._compile_builder(rule, append_unknown).__get__(rule, None)
            return compiled(**values)

        return build


class DatabaseIdConverter(IntegerConverter):
    """<int:…> up to the largest integer a database column holds: a larger id is a page that
    does not exist (404), not an OverflowError from SQLite (500)."""

    def __init__(self, map, fixed_digits=0, min=None, max=2**63 - 1, signed=False):
        super().__init__(map, fixed_digits, min, max, signed)


# English in a Berlin room: 24-hour clock and day-month dates, as in British English.
FORMAT_LOCALES = {"en": "en_GB"}


def visitor_language():
    """The locale of the language the visitor picked on the tablet, else the kiosk's default.

    Catalogs are per language ("en"); gettext finds them from "en_GB" too.
    """
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("lang")
    language = chosen if chosen in languages else languages[0]
    return _locale(FORMAT_LOCALES.get(language, language))


@functools.lru_cache(maxsize=None)
def _locale(identifier: str) -> Locale:
    """One babel Locale per language, made once: Flask-Babel would parse it for every request."""
    return Locale.parse(identifier)


def _instance_secret_key(instance_path):
    """A random key made once and kept in the instance folder, so sessions survive restarts."""
    path = os.path.join(instance_path, "secret_key")
    try:
        with open(path) as f:
            return f.read().strip()
    except FileNotFoundError:
        key = secrets.token_hex(32)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(key)
        return key


def _security_headers(response):
    # A view may set a stricter policy of its own (uploads are served with "sandbox").
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers["X-Content-Type-Options"] = "nosniff"
    # No address ever leaves for another host; the kiosk's own forms keep their Referer, which
    # Flask-WTF checks on every POST over HTTPS.
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Frame-Options"] = "DENY"
    if request.endpoint != "static":
        # Pages carry one-time tickets and figures: never show a stale copy from the cache.
        response.headers["Cache-Control"] = "no-store"
    return response
