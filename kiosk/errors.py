"""Calm error pages in the visitor's language instead of bare status texts or tracebacks."""

from itertools import chain

from flask import abort, current_app, render_template, request
from flask.globals import request_ctx
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from peewee import OperationalError

MESSAGES = {
    400: lambda: _("Das hat nicht geklappt. Bitte noch einmal versuchen."),
    403: lambda: _("Diese Seite ist nicht für die Öffentlichkeit."),
    404: lambda: _("Diese Seite gibt es nicht."),
    405: lambda: _("Das hat nicht geklappt. Bitte noch einmal versuchen."),
    413: lambda: _("Die Datei ist zu groß."),
    500: lambda: _("Hier ist etwas schiefgegangen. Bitte sagen Sie dem Team Bescheid."),
    503: lambda: _("Einen Moment bitte. Der Kiosk ist gleich wieder da."),
}


def error_page(code, reload_after=None):
    if request_ctx.url_adapter is None:
        # The router refused the Host header (a 300-character one, say), so url_for would fail and
        # the error page with it. Its links are paths and need no host: bind the map without one.
        request_ctx.url_adapter = current_app.url_map.bind("localhost", request.script_root or None)
    message = MESSAGES.get(code, MESSAGES[500])()
    return render_template("errors/error.html", code=code, message=message,
                           reload_after=reload_after), code


def init_app(app):
    for code in MESSAGES:
        app.register_error_handler(code, lambda e, code=code: error_page(code))
    app.before_request(refuse_nul_bytes)

    @app.errorhandler(CSRFError)
    def csrf_expired(error):
        # An old page (after a restart, say): show a calm page that reloads a fresh one.
        return error_page(400, reload_after=3)

    @app.errorhandler(OperationalError)
    def database_unavailable(error):
        # A locked, read-only or full database: the transaction was rolled back, nothing half-written.
        app.logger.error("database error: %s", error)
        if request.path.startswith("/admin"):
            return render_template("errors/admin_database.html", cause=database_trouble(error)), 503
        return error_page(503, reload_after=10)


def refuse_nul_bytes():
    """Nothing the kiosk looks up or stores contains a NUL byte. PostgreSQL would refuse one with an
    error of its own (a 500, not a database error), so every route refuses it first, with a 400."""
    texts = [request.path, *request.args.keys(), *chain.from_iterable(request.args.listvalues())]
    if request.method == "POST":
        texts += [*request.form.keys(), *chain.from_iterable(request.form.listvalues())]
    if any("\x00" in text for text in texts):
        abort(400)


def database_trouble(error):
    """What staff should check, in plain words, for a database error.

    A full disk makes SQLite roll back by itself; the rollback that follows then fails with "no
    transaction is active", so the cause is looked for along the whole exception chain.
    """
    text = ""
    while error is not None:
        text += str(error).lower() + " "
        error = error.__context__
    if "full" in text:
        return "Der Speicher des Kiosk-Rechners ist voll."
    if "readonly" in text or "read-only" in text:
        return "Die Datenbank-Datei ist schreibgeschützt (Rechte der Datei oder des Ordners instance/)."
    if "locked" in text:
        return "Die Datenbank ist gerade von einem anderen Vorgang gesperrt."
    return "Die Datenbank ist nicht erreichbar."

