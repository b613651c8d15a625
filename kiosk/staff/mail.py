"""The weekly e-mail: last week's figures against the same week a year before, in plain German,
as plain text and simple HTML, sent by the kiosk itself through the SMTP server in the settings
(README, "The weekly e-mail").

Two ways it goes out: ``kiosk send-report`` (for cron), and a check at the first request of each
day, like the daily backup (kiosk/staff/backup.py). The check sends in a thread of its own, so no
page ever waits for a mail server; a failure is kept (shown on the staff page *Wochenmail*) and
tried again after ``REPORT_MAIL_RETRY_MINUTES``. A week that went out is remembered, so cron and
the daily check never send it twice.
"""

import smtplib
import ssl
import threading
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    url_for,
)

from kiosk import clock
from kiosk.db import database
from kiosk.forms import EmptyForm
from kiosk.models import Setting
from kiosk.security import audit, login_required
from kiosk.staff import reports

bp = Blueprint("report_mail", __name__, url_prefix="/admin/report-mail")

SENT_FOR = "report_mail_sent_for"  # the Monday of the last week that went out
LAST_ERROR = "report_mail_error"  # why the last try failed ("" after a success)
LAST_TRY = "report_mail_last_try"  # Berlin time of the last try, ISO


class MailNotConfigured(Exception):
    """No SMTP server or no recipients in the settings: nothing to send, nothing failed."""


def recipients():
    """REPORT_MAIL_TO as a list: a list in config.py or as JSON, or one text with commas."""
    value = current_app.config["REPORT_MAIL_TO"]
    if isinstance(value, str):
        value = value.split(",")
    return [address.strip() for address in value if address.strip()]


def is_configured():
    config = current_app.config
    return bool(config["MAIL_SERVER"] and config["MAIL_FROM"] and recipients())


def week_before(today):
    """(Monday, Sunday) of the last whole week before ``today``."""
    monday = today - timedelta(days=today.weekday() + 7)
    return monday, monday + timedelta(days=6)


def same_week_a_year_before(monday):
    """The same calendar week (ISO number) a year before, Monday to Sunday, so weekdays line up;
    a week 53 compares with week 52 of a year that has none."""
    year, week, _ = monday.isocalendar()
    try:
        earlier = date.fromisocalendar(year - 1, week, 1)
    except ValueError:
        earlier = date.fromisocalendar(year - 1, 52, 1)
    return earlier, earlier + timedelta(days=6)


ROWS = (("people", "Personen"), ("checkins", "Check-ins"), ("groups", "Gruppen (2+)"),
        ("first_visits", "Erstbesuche"))


def weekly_figures(monday):
    """What the e-mail says, as plain data: the week, the same week a year before, and their rows."""
    first, last = monday, monday + timedelta(days=6)
    before_first, before_last = same_week_a_year_before(monday)
    now, then = reports.totals(first, last), reports.totals(before_first, before_last)
    rows = [(label, now[key], then[key]) for key, label in ROWS]
    rows += [(reports.CSV_MANUAL_LABELS[key], now["manual"][key], then["manual"][key])
             for key in ("outreach", "kaffeeklatsch", "referrals")]
    reach = reports.reach(first, last, languages=current_app.config["LANGUAGES"])
    days = [(day, fig["people"]) for day, fig in reports.every_day(first, last) if reports.has_counts(fig)]
    return {
        "first": first, "last": last, "week": monday.isocalendar()[1],
        "before_first": before_first, "before_last": before_last,
        "rows": rows, "languages": reach["languages"], "days": days,
    }


def compose(monday):
    """The e-mail of the week starting ``monday``: plain text with an HTML alternative."""
    config = current_app.config
    figures = weekly_figures(monday)
    message = EmailMessage()
    message["Subject"] = (f"Kiez+ Kiosk: Woche {figures['week']} "
                          f"({figures['first']:%d.%m.}–{figures['last']:%d.%m.%Y})")
    message["From"] = config["MAIL_FROM"]
    message["To"] = ", ".join(recipients())
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=config["MAIL_FROM"].rpartition("@")[2] or None)
    message.set_content(rendered("mail/weekly.txt", figures))
    message.add_alternative(rendered("mail/weekly.html", figures), subtype="html")
    return message


def rendered(template, figures):
    """A mail template, without the page context: it is also written by a command or a thread,
    where there is no request (and no visitor language) to render a page for."""
    return current_app.jinja_env.get_template(template).render(**figures)


def send(message):
    """Hand the message to the configured SMTP server; smtplib's errors and OSError go up."""
    config = current_app.config
    if not is_configured():
        raise MailNotConfigured("MAIL_SERVER, MAIL_FROM und REPORT_MAIL_TO sind nicht alle gesetzt.")
    security = config["MAIL_SECURITY"]
    timeout = config["MAIL_TIMEOUT_SECONDS"]
    if security == "ssl":
        server = smtplib.SMTP_SSL(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=timeout,
                                  context=ssl.create_default_context())
    else:
        server = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=timeout)
    with server:
        if security == "starttls":
            server.starttls(context=ssl.create_default_context())
        if config["MAIL_USERNAME"]:
            server.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        server.send_message(message)


def send_week(monday):
    """Compose and send one week's e-mail, and remember how it went. Returns the error text or None."""
    tried = clock.berlin_now().isoformat(timespec="seconds")
    try:
        send(compose(monday))
    except (smtplib.SMTPException, OSError, MailNotConfigured) as error:
        current_app.logger.error("weekly e-mail failed: %s", error)
        with database.atomic():
            Setting.put(LAST_ERROR, f"{type(error).__name__}: {error}"[:500])
            Setting.put(LAST_TRY, tried)
        return str(error) or type(error).__name__
    with database.atomic():
        Setting.put(SENT_FOR, monday.isoformat())
        Setting.put(LAST_ERROR, "")
        Setting.put(LAST_TRY, tried)
    return None


def due_week(today):
    """The Monday of last week if its e-mail has not gone out yet, else None."""
    monday, _ = week_before(today)
    return None if Setting.get_value(SENT_FOR) == monday.isoformat() else monday


def status():
    """For the staff page: what is set up, what went out last, and the last failure."""
    config = current_app.config
    return {
        "configured": is_configured(),
        "server": f"{config['MAIL_SERVER']}:{config['MAIL_PORT']}" if config["MAIL_SERVER"] else "",
        "recipients": recipients(),
        "sent_for": Setting.get_value(SENT_FOR),
        "error": Setting.get_value(LAST_ERROR, ""),
        "last_try": Setting.get_value(LAST_TRY),
        "retry_minutes": config["REPORT_MAIL_RETRY_MINUTES"],
    }


class DailyReportMail:
    """Checks once a day, at the first request, whether last week's e-mail is due, and sends it in
    a thread of its own. After a failure it checks again ``REPORT_MAIL_RETRY_MINUTES`` later.
    The check per request is one comparison."""

    def __init__(self):
        self.next_check = None
        self.worker = None
        self._lock = threading.Lock()

    def run_if_due(self, app, now):
        if self.next_check is not None and now < self.next_check:
            return None
        if not self._lock.acquire(blocking=False):
            return None
        self.next_check = now + timedelta(minutes=app.config["REPORT_MAIL_RETRY_MINUTES"])
        self.worker = threading.Thread(target=self._check, args=(app, now), daemon=True,
                                       name="weekly-report-mail")
        self.worker.start()
        return self.worker

    def _check(self, app, now):
        try:
            with app.app_context():
                database.connect(reuse_if_open=True)
                try:
                    monday = due_week(now.date())
                    if monday is None or send_week(monday) is None:
                        # Sent, or nothing due: look again tomorrow.
                        tomorrow = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(),
                                                    tzinfo=now.tzinfo)
                        self.next_check = tomorrow
                finally:
                    database.close()
        except Exception:  # noqa: BLE001 - a thread's crash must never reach a page; it is logged
            app.logger.exception("weekly e-mail check failed")
        finally:
            self._lock.release()


# --- the command and the staff page --------------------------------------------------------------


def init_app(app):
    app.register_blueprint(bp)
    if app.config["AUTO_REPORT_MAIL"] and app.config["MAIL_SERVER"]:
        daily = app.extensions["report_mail"] = DailyReportMail()

        @app.before_request
        def _weekly_report_mail():
            daily.run_if_due(app, clock.berlin_now())


@bp.before_request
@login_required
def require_login():
    """Staff only."""


@bp.get("/")
def overview():
    today = clock.berlin_now().date()
    monday, sunday = week_before(today)
    return render_template("admin/report_mail.html", mail=status(), monday=monday, sunday=sunday,
                           form=EmptyForm(), preview=weekly_figures(monday))


@bp.post("/send")
def send_now():
    """Send last week's e-mail now (again): to try a new setting, or after a failure."""
    monday, _ = week_before(clock.berlin_now().date())
    error = send_week(monday)
    with database.atomic():
        audit("report_mail_send", f"Woche ab {monday:%d.%m.%Y}" + (f" · fehlgeschlagen: {error}" if error else ""))
    flash(f"Nicht gesendet: {error}" if error else "Die Wochenmail ist gesendet.")
    return redirect(url_for(".overview"))

