"""Every command of ``kiosk COMMAND`` (the same as ``flask --app kiosk COMMAND``): staff accounts,
the database, backups, content, certificates, the demo and the production server. Each is a thin
shell around the module that does the work."""

import logging
import os
import secrets
import sys

import click
from flask import current_app
from flask.cli import with_appcontext
from waitress import serve

from kiosk import clock, db
from kiosk.activities.crafts import add_demo_craft_sheets
from kiosk.checkin.demo import add_demo_counts
from kiosk.migrations import LATEST, NewerDatabase, create_tables, upgrade
from kiosk.models import Count, Staff
from kiosk.offers.seed import add_demo_offers, seed_content
from kiosk.security import create_staff
from kiosk.staff import mail
from kiosk.staff.backup import (
    BackupError,
    inspect_backup,
    make_backup,
    restore_backup,
    sqlite_file,
)
from kiosk.tls import (
    SERVER_FILE,
    fingerprint,
    load_ca,
    make_certificates,
    room_names,
    serve_tls,
    tls_folder,
)
from kiosk.warmup import warm_up_in_background


@click.command("add-staff")
@with_appcontext  # the password hash method is a setting
@click.argument("username")
@click.option("--password", envvar="KIOSK_STAFF_PASSWORD", prompt=True, hide_input=True,
              confirmation_prompt=True, help="Read from KIOSK_STAFF_PASSWORD in scripts.")
@click.option("--admin", is_flag=True, help="May disable and remove accounts (the first account always may).")
def add_staff_command(username, password, admin):
    """Create a staff account for the admin pages."""
    create_tables()
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
    create_tables()
    app = current_app._get_current_object()
    if tls:
        serve_https(app, host, tls_port, threads)
    serve_app(app, host, port, threads)


def serve_https(app, host, port, threads):
    """HTTPS beside the plain port (kiosk/tls.py says why cheroot), certificates made if missing."""
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
    app = current_app._get_current_object()
    if not app.config["DEMO"]:
        raise click.ClickException("Set KIOSK_DEMO=true: the demo never writes to the real database.")
    create_tables()
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


@click.command("init-db")
def init_db_command():
    """Create the tables (safe to run again: existing data is kept)."""
    create_tables()
    click.echo("Database ready.")


@click.command("migrate")
def migrate_command():
    """Bring the database to the current schema (also done on every start). Data is kept."""
    try:
        applied = upgrade()
    except NewerDatabase as error:
        raise click.ClickException(str(error)) from error
    done = f"applied step(s) {', '.join(map(str, applied))}" if applied else "nothing to do"
    click.echo(f"Database at schema version {LATEST}: {done}.")


@click.command("backup")
@with_appcontext
def backup_command():
    """Back up the database now into instance/backups/ (the kiosk also does this once a day)."""
    app = current_app._get_current_object()
    try:
        path = make_backup(app)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backup written: {path}")


@click.command("restore")
@click.argument("backup_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask (for scripts).")
@with_appcontext
def restore_command(backup_file, yes):
    """Replace the database with a backup. Stop the kiosk first; the current data is kept as a copy."""
    app = current_app._get_current_object()
    live = sqlite_file(app)
    if live is None:
        raise click.ClickException("Restore is for SQLite; restore PostgreSQL with pg_restore.")
    try:
        facts = inspect_backup(backup_file)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backup {backup_file}: {facts['checkins']} check-ins, {facts['staff']} staff account(s), "
               f"schema version {facts['version']}.")
    if not yes:
        click.confirm(f"Replace everything in {live} with this backup?", abort=True)
    before = restore_backup(app, backup_file)
    click.echo(f"Restored. The data from before is kept in {before}.")


@click.command("seed-content")
def seed_content_command():
    """Add the shipped true content (Kiez+, nationwide help numbers, categories); safe to repeat."""
    create_tables()
    added = seed_content()
    click.echo(f"Content ready: {added['categories']} categories and {added['services']} entries added.")


@click.command("make-certificate")
@click.option("--name", "names", multiple=True,
              help="A further name or address of this computer (this one, .local and its address are in).")
@with_appcontext
def make_certificate_command(names):
    """Make the kiosk's own certificate authority (once) and a new server certificate."""
    app = current_app._get_current_object()
    all_names = list(dict.fromkeys([*room_names(), *names]))
    ca = make_certificates(tls_folder(app), all_names)
    click.echo(f"Certificate for: {', '.join(all_names)}")
    click.echo(f"Files in {tls_folder(app)}; trust the authority once on each device (guide: /tls/).")
    click.echo(f"Fingerprint of the authority (SHA-256): {fingerprint(ca)}")

@click.command("send-report")
@with_appcontext
@click.option("--monthly", is_flag=True, help="Last month's e-mail instead of last week's.")
@click.option("--again", is_flag=True, help="Send it even if it went out already.")
def send_report_command(monthly, again):
    """Send last week's (or month's) figures by e-mail, unless they went out (for cron, e.g.
    Mondays at 7:00, and with --monthly on the 1st)."""
    create_tables()
    report = mail.MONTHLY if monthly else mail.WEEKLY
    if not mail.is_configured(report):
        raise click.ClickException("Set MAIL_SERVER, MAIL_FROM and REPORT_MAIL_TO first, or let someone ask for "
                                   "the e-mail on the Wochenmail page (README: 'The report e-mails').")
    today = clock.berlin_now().date()
    first, last = report.previous(today)
    if not again and mail.due(report, today) is None:
        click.echo(f"The e-mail for {first:%d.%m.}–{last:%d.%m.%Y} went out already (--again sends it again).")
        return
    error = mail.send_report(report, first)
    if error:
        raise click.ClickException(f"Not sent: {error}")
    click.echo(f"Sent the e-mail for {first:%d.%m.}–{last:%d.%m.%Y} to {len(mail.recipients(report))} address(es).")


COMMANDS = (add_staff_command, serve_command, demo_command, init_db_command, migrate_command,
            backup_command, restore_command, seed_content_command, make_certificate_command,
            send_report_command)


def init_app(app):
    for command in COMMANDS:
        app.cli.add_command(command)
