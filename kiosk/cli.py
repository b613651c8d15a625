"""Command-line tools: staff accounts, the demo, and the production server.

``kiosk COMMAND`` is the same as ``flask --app kiosk COMMAND``.
"""

import logging
import os
import secrets
import sys

import click
from flask.cli import FlaskGroup, with_appcontext

from kiosk import db


@click.command("add-staff")
@with_appcontext  # the password hash method is a setting
@click.argument("username")
@click.option("--password", envvar="KIOSK_STAFF_PASSWORD", prompt=True, hide_input=True,
              confirmation_prompt=True, help="Read from KIOSK_STAFF_PASSWORD in scripts.")
@click.option("--admin", is_flag=True, help="May disable and remove accounts (the first account always may).")
def add_staff_command(username, password, admin):
    """Create a staff account for the admin pages."""
    from kiosk.models import Staff
    from kiosk.staff.auth import create_staff

    db.create_tables()
    with db.database.atomic():
        admin = admin or not Staff.select().where(Staff.is_admin == True).exists()  # noqa: E712
        staff = create_staff(username, password)
        Staff.update(is_admin=admin).where(Staff.id == staff.id).execute()
    click.echo(f"Staff account {username!r} created{' (admin)' if admin else ''}.")


@click.command("serve")
@click.option("--host", default="0.0.0.0", show_default=True)
@click.option("--port", default=8080, show_default=True)
@click.option("--threads", default=12, show_default=True,
              help="Worker threads; up to LOGIN_REFUSALS_HELD_AT_ONCE of them may sleep on a refused login flood.")
@click.option("--tls", is_flag=True, help="Also serve HTTPS with the kiosk's own certificate (made if missing).")
@click.option("--tls-port", default=8443, show_default=True)
def serve_command(host, port, threads, tls, tls_port):
    """Serve the kiosk with waitress (the production way). No access log is written."""
    from flask import current_app

    db.create_tables()
    app = current_app._get_current_object()
    if tls:
        serve_https(app, host, tls_port, threads)
    serve_app(app, host, port, threads)


def serve_https(app, host, port, threads):
    """HTTPS beside the plain port (kiosk/tls.py says why cheroot), certificates made if missing."""
    from kiosk.tls import (
        SERVER_FILE,
        fingerprint,
        load_ca,
        make_certificates,
        room_names,
        serve_tls,
        tls_folder,
    )

    if not os.path.exists(os.path.join(tls_folder(app), SERVER_FILE)):
        make_certificates(tls_folder(app), room_names())
    server = serve_tls(app, host, port, threads)
    shown = "localhost" if host == "0.0.0.0" else host
    click.echo(f"HTTPS: https://{shown}:{port}/ ; to trust it on a device, open /tls/ on the plain port "
               f"(fingerprint {fingerprint(load_ca(app))}).")
    return server


# How long a thread may hold the GIL before another gets it (Python's default: 5 ms). Every SQLite
# call and socket write lets go of it, and with the default a check-in may wait up to 5 ms to get
# it back each time while other requests run: under a login flood check-ins slowed less with
# 0.5 ms (bench/bench_login_flood.py; figures in docs/benchmarks.md).
GIL_SWITCH_SECONDS = 0.0005


def serve_app(app, host, port, threads):
    from waitress import serve

    from kiosk.warmup import warm_up_in_background

    warm_up_in_background(app)
    if app.config["LOGIN_REFUSALS_HELD_AT_ONCE"] > threads - 4:
        click.echo(f"Warning: with {threads} threads, LOGIN_REFUSALS_HELD_AT_ONCE="
                   f"{app.config['LOGIN_REFUSALS_HELD_AT_ONCE']} leaves a login flood fewer than 4 threads "
                   "for the tablets.", err=True)
    sys.setswitchinterval(GIL_SWITCH_SECONDS)
    # waitress writes no access log; its queue notices are noise on a kiosk's console.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    click.echo(f"Kiez+ Kiosk: open http://{'localhost' if host == '0.0.0.0' else host}:{port}/ "
               "on the tablet (Ctrl+C stops).")
    serve(app, host=host, port=port, threads=threads, ident="kiosk")


@click.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
def demo_command(host, port):
    """Start the kiosk on the separate demo database, with demo counts and a demo staff login."""
    from flask import current_app

    from kiosk.activities.crafts import add_demo_craft_sheets
    from kiosk.checkin.demo import add_demo_counts
    from kiosk.models import Count, Staff
    from kiosk.offers.seed import add_demo_offers
    from kiosk.staff.auth import create_staff

    app = current_app._get_current_object()
    if not app.config["DEMO"]:
        raise click.ClickException("Set KIOSK_DEMO=true: the demo never writes to the real database.")
    db.create_tables()
    if not Count.select().exists():
        click.echo("Adding 12 weeks of demo counts and two craft sheets ...")
        add_demo_counts()
        add_demo_craft_sheets()
    add_demo_offers()  # the true content, and a few entries marked "Beispiel"
    password = secrets.token_urlsafe(9)
    Staff.delete().where(Staff.username == "demo").execute()
    create_staff("demo", password)
    Staff.update(is_admin=True).where(Staff.username == "demo").execute()  # to try the Team page
    click.echo(f"\n  Demo staff login at http://{host}:{port}/admin/  name: demo  password: {password}\n")
    serve_app(app, host, port, threads=12)


def init_app(app):
    from kiosk.migrations import migrate_command

    for command in (add_staff_command, serve_command, demo_command, migrate_command):
        app.cli.add_command(command)


def main():
    """The ``kiosk`` console script."""
    from kiosk import create_app

    os.umask(0o077)  # whatever the kiosk writes (database, backups, uploads) is its user's only
    os.environ.setdefault("FLASK_APP", "kiosk")
    FlaskGroup(create_app=create_app, name="kiosk")()
