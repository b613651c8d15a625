"""The report e-mails: the weekly one (last week's figures against the same week a year before)
and the monthly one (last month's against the same month a year before), each with the targets
of the funding periods it falls in, in plain German, as plain text and simple HTML, sent by the
kiosk itself through the SMTP server in the settings (README, "The report e-mails").

Who gets them: the addresses in ``REPORT_MAIL_TO`` and every active team member who asked for
them under *Meine Zustellung* on the staff page *Wochenmail*. The team members' own addresses go
in the envelope only, never in a header, so nobody reads a colleague's private address.

Two ways they go out: ``kiosk send-report`` (``--monthly``) for cron, and a check at the first
request of each day, like the daily backup (kiosk/staff/backup.py). The check sends in a thread of
its own, so no page ever waits for a mail server; a failure is kept (shown on *Heute* and
*Wochenmail*) and tried again after ``REPORT_MAIL_RETRY_MINUTES``. A week or month that went out
is remembered, so cron and the daily check never send it twice.
"""

import calendar
import smtplib
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from wtforms import BooleanField, EmailField, SubmitField
from wtforms.validators import Length, ValidationError

from kiosk import clock
from kiosk.db import database
from kiosk.forms import EmptyForm, KioskForm
from kiosk.models import Setting, Staff
from kiosk.offers.directory import is_email
from kiosk.security import audit, staff_only
from kiosk.staff import period_report, reports, targets

bp = Blueprint("report_mail", __name__, url_prefix="/admin/report-mail")

SENT_FOR = "report_mail_sent_for"  # the Monday of the last week that went out
LAST_ERROR = "report_mail_error"  # why the last try failed ("" after a success)
LAST_TRY = "report_mail_last_try"  # Berlin time of the last try, ISO


class MailNotConfigured(Exception):
    """No SMTP server or no recipients in the settings: nothing to send, nothing failed."""


def week_before(today):
    """(Monday, Sunday) of the last whole week before ``today``."""
    monday = today - timedelta(days=today.weekday() + 7)
    return monday, monday + timedelta(days=6)


def month_before(today):
    """(first, last day) of the last whole month before ``today``."""
    last = today.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


def same_week_a_year_before(monday):
    """The same calendar week (ISO number) a year before, Monday to Sunday, so weekdays line up;
    a week 53 compares with week 52 of a year that has none."""
    year, week, _ = monday.isocalendar()
    try:
        earlier = date.fromisocalendar(year - 1, week, 1)
    except ValueError:
        earlier = date.fromisocalendar(year - 1, 52, 1)
    return earlier, earlier + timedelta(days=6)


def same_month_a_year_before(first):
    """The whole calendar month a year before (a February has the days of its own year)."""
    earlier = first.replace(year=first.year - 1)
    return earlier, earlier.replace(day=calendar.monthrange(earlier.year, earlier.month)[1])


ROWS = (("people", "Personen"), ("checkins", "Check-ins"), ("groups", "Gruppen (2+)"),
        ("first_visits", "Erstbesuche"))


def stretch_figures(first, last, before_first, before_last):
    """What an e-mail says about first..last, as plain data: its rows against before_first..
    before_last, its days and screen languages, and the targets of the funding periods it is in."""
    now, then = reports.totals(first, last), reports.totals(before_first, before_last)
    rows = [(label, now[key], then[key]) for key, label in ROWS]
    rows += [(reports.CSV_MANUAL_LABELS[key], now["manual"][key], then["manual"][key])
             for key in ("outreach", "kaffeeklatsch", "referrals")]
    reach = reports.reach(first, last, languages=current_app.config["LANGUAGES"])
    days = [(day, fig["people"]) for day, fig in reports.every_day(first, last) if reports.has_counts(fig)]
    return {
        "first": first, "last": last, "before_first": before_first, "before_last": before_last,
        "rows": rows, "languages": reach["languages"], "days": days,
        "targets": period_report.targets_over(first, last),
    }


def weekly_figures(monday):
    """The weekly e-mail's figures and words: the week from ``monday``."""
    sunday = monday + timedelta(days=6)
    figures = stretch_figures(monday, sunday, *same_week_a_year_before(monday))
    week = monday.isocalendar()[1]
    figures.update(
        week=week, subject=f"Kiez+ Kiosk: Woche {week} ({monday:%d.%m.}–{sunday:%d.%m.%Y})",
        heading=f"Kiez+ Kiosk – Woche {week}: {monday:%d.%m.} bis {sunday:%d.%m.%Y}",
        compared="derselben Kalenderwoche vor einem Jahr", this="Diese Woche", during="in dieser Woche",
        every="jede Woche")
    return figures


def monthly_figures(first):
    """The monthly e-mail's figures and words: the month that begins on ``first``."""
    before_first, before_last = same_month_a_year_before(first)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    figures = stretch_figures(first, last, before_first, before_last)
    month = f"{targets.MONTHS[first.month - 1]} {first.year}"
    figures.update(
        subject=f"Kiez+ Kiosk: {month}", heading=f"Kiez+ Kiosk – {month}",
        compared=f"dem {targets.MONTHS[first.month - 1]} vor einem Jahr", this="Dieser Monat",
        during=f"im {month}", every="jeden Monat")
    return figures


@dataclass(frozen=True)
class Report:
    """One of the two e-mails: what it covers, and where its state is kept (Setting keys)."""

    name: str  # as staff read it
    previous: Callable  # today -> (first, last day) of the stretch the e-mail is about
    figures: Callable  # its first day -> what the e-mail says
    wants: str  # the Staff field of those who asked for it
    sent_for: str  # the first day of the last stretch that went out
    error: str  # why the last try failed ("" after a success)
    last_try: str  # Berlin time of the last try, ISO


WEEKLY = Report("Wochenmail", week_before, weekly_figures, "wants_weekly", SENT_FOR, LAST_ERROR, LAST_TRY)
MONTHLY = Report("Monatsmail", month_before, monthly_figures, "wants_monthly", "report_mail_month_sent_for",
                 "report_mail_month_error", "report_mail_month_last_try")
REPORTS = (WEEKLY, MONTHLY)


def configured_recipients():
    """REPORT_MAIL_TO as a list: a list in config.py or as JSON, or one text with commas."""
    value = current_app.config["REPORT_MAIL_TO"]
    if isinstance(value, str):
        value = value.split(",")
    return [address.strip() for address in value if address.strip()]


def opted_in(report):
    """[(username, address)] of the active accounts that asked for this e-mail. A disabled account
    gets nothing; a removed one is gone with its address."""
    wants = getattr(Staff, report.wants)
    return list(Staff.select(Staff.username, Staff.email)
                .where((wants == True) & (Staff.active == True)  # noqa: E712
                       & Staff.email.is_null(False) & (Staff.email != ""))
                .order_by(Staff.username).tuples())


def recipients(report):
    """Every address this e-mail goes to, each once: REPORT_MAIL_TO and the team's own."""
    found = {}
    for address in configured_recipients() + [address for _, address in opted_in(report)]:
        found.setdefault(address.lower(), address)
    return list(found.values())


def can_send():
    config = current_app.config
    return bool(config["MAIL_SERVER"] and config["MAIL_FROM"])


def is_configured(report):
    return can_send() and bool(recipients(report))


def compose(report, first):
    """The e-mail about the stretch starting ``first``: plain text with an HTML alternative.
    Its To: names REPORT_MAIL_TO only (the team's own addresses travel in the envelope)."""
    config = current_app.config
    figures = report.figures(first)
    message = EmailMessage()
    message["Subject"] = figures["subject"]
    message["From"] = config["MAIL_FROM"]
    message["To"] = ", ".join(configured_recipients()) or "undisclosed-recipients:;"
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=config["MAIL_FROM"].rpartition("@")[2] or None)
    message.set_content(rendered("mail/report.txt", figures))
    message.add_alternative(rendered("mail/report.html", figures), subtype="html")
    return message


def rendered(template, figures):
    """A mail template, without the page context: it is also written by a command or a thread,
    where there is no request (and no visitor language) to render a page for."""
    return current_app.jinja_env.get_template(template).render(**figures)


def send(message, to_addresses):
    """Hand the message to the configured SMTP server; smtplib's errors and OSError go up."""
    config = current_app.config
    if not can_send() or not to_addresses:
        raise MailNotConfigured("MAIL_SERVER, MAIL_FROM und Empfänger (REPORT_MAIL_TO oder "
                                "„Meine Zustellung“) sind nicht alle gesetzt.")
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
        refused = server.send_message(message, to_addrs=to_addresses)
    if refused:  # the others got it: not a failure to try again, which would send it to them twice
        current_app.logger.warning("report e-mail refused for %d address(es): %s", len(refused), refused)


def send_report(report, first):
    """Compose and send one e-mail, and remember how it went. Returns the error text or None."""
    tried = clock.berlin_now().isoformat(timespec="seconds")
    try:
        send(compose(report, first), recipients(report))
    except (smtplib.SMTPException, OSError, MailNotConfigured) as error:
        current_app.logger.error("%s failed: %s", report.name, error)
        with database.atomic():
            Setting.put(report.error, f"{type(error).__name__}: {error}"[:500])
            Setting.put(report.last_try, tried)
        return str(error) or type(error).__name__
    with database.atomic():
        Setting.put(report.sent_for, first.isoformat())
        Setting.put(report.error, "")
        Setting.put(report.last_try, tried)
    return None


def due(report, today):
    """The first day of the last whole week or month if its e-mail has not gone out yet, else None."""
    first, _ = report.previous(today)
    return None if Setting.get_value(report.sent_for) == first.isoformat() else first


def failures():
    """[(name, error)] of the e-mails whose last try failed: for *Heute* and *Wochenmail*."""
    return [(report.name, error) for report in REPORTS if (error := Setting.get_value(report.error, ""))]


def status(report):
    """For the staff page: who gets it, what went out last, and the last failure."""
    return {
        "name": report.name,
        "configured": is_configured(report),
        "recipients": configured_recipients(),
        "team": [username for username, _ in opted_in(report)],
        "sent_for": Setting.get_value(report.sent_for),
        "error": Setting.get_value(report.error, ""),
        "last_try": Setting.get_value(report.last_try),
    }


class DailyReportMail:
    """Checks once a day, at the first request, whether last week's or last month's e-mail is
    due, and sends it in a thread of its own. After a failure it checks again
    ``REPORT_MAIL_RETRY_MINUTES`` later. The check per request is one comparison."""

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
                                       name="report-mail")
        self.worker.start()
        return self.worker

    def _check(self, app, now):
        try:
            with app.app_context():
                database.connect(reuse_if_open=True)
                try:
                    failed = False
                    for report in REPORTS:
                        first = due(report, now.date())
                        if first is not None and recipients(report):
                            failed = send_report(report, first) is not None or failed
                    if not failed:  # sent, or nothing due: look again tomorrow
                        self.next_check = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(),
                                                           tzinfo=now.tzinfo)
                finally:
                    database.close()
        except Exception:  # noqa: BLE001 - a thread's crash must never reach a page; it is logged
            app.logger.exception("report e-mail check failed")
        finally:
            self._lock.release()


# --- the staff page: the e-mails, and each person's own delivery ----------------------------------


def init_app(app):
    app.register_blueprint(bp)
    if app.config["AUTO_REPORT_MAIL"] and app.config["MAIL_SERVER"]:
        daily = app.extensions["report_mail"] = DailyReportMail()

        @app.before_request
        def _report_mail():
            daily.run_if_due(app, clock.berlin_now())


def is_mail_address(text):
    """A sanity check, no more (email_validator is not a dependency): one @, a dot in the domain,
    no spaces or separators (kiosk.offers.directory.is_email), and ASCII only, because a mail
    server that does not speak SMTPUTF8 would refuse the whole e-mail for everybody."""
    return text.isascii() and is_email(text)


class DeliveryForm(KioskForm):
    email = EmailField("Meine E-Mail-Adresse", validators=[Length(max=254)],
                       render_kw={"autocomplete": "email", "spellcheck": "false"})
    wants_weekly = BooleanField("Wochenmail: jeden Montag die Zahlen der Vorwoche")
    wants_monthly = BooleanField("Monatsmail: nach jedem Monat die Zahlen des Monats")
    submit = SubmitField("Zustellung speichern")

    def validate_email(self, field):
        field.data = (field.data or "").strip()
        if field.data and not is_mail_address(field.data):
            raise ValidationError("Das ist keine E-Mail-Adresse, die der Kiosk anschreiben kann "
                                  "(so: name@beispiel.de, ohne Umlaute und Leerzeichen).")
        if not field.data and (self.wants_weekly.data or self.wants_monthly.data):
            raise ValidationError("Für eine Mail braucht der Kiosk Ihre Adresse.")


def delivery_summary(staff, before):
    """The audit line: which e-mails, and whether the address changed (never the address itself:
    the log is read by the whole team and kept after an account is removed)."""
    after = staff.email or ""
    if not before and after:
        address = "Adresse eingetragen"
    elif before and not after:
        address = "Adresse gelöscht"
    else:
        address = "Adresse geändert" if before != after else "Adresse unverändert"
    return (f"Wochenmail {'ja' if staff.wants_weekly else 'nein'} · "
            f"Monatsmail {'ja' if staff.wants_monthly else 'nein'} · {address}")


bp.before_request(staff_only)


def overview_page(delivery, status_code=200):
    today = clock.berlin_now().date()
    monday, sunday = week_before(today)
    month_first, month_last = month_before(today)
    return render_template(
        "admin/report_mail.html", can_send=can_send(), retry_minutes=current_app.config["REPORT_MAIL_RETRY_MINUTES"],
        server=f"{current_app.config['MAIL_SERVER']}:{current_app.config['MAIL_PORT']}" if can_send() else "",
        weekly=status(WEEKLY), monthly=status(MONTHLY), monday=monday, sunday=sunday, month_first=month_first,
        month_last=month_last, month_name=f"{targets.MONTHS[month_first.month - 1]} {month_first.year}",
        form=EmptyForm(), delivery=delivery, preview=weekly_figures(monday)), status_code


@bp.get("/")
def overview():
    return overview_page(DeliveryForm(prefix="mine", obj=g.staff))


@bp.post("/mine")
def save_delivery():
    """Each person asks for the e-mails for themselves; nobody sets another's address."""
    form = DeliveryForm(prefix="mine")  # CSRF: the app's CSRFProtect, before this view
    if not form.validate_on_submit():
        return overview_page(form, 400)
    before = g.staff.email or ""
    g.staff.email = form.email.data or None
    g.staff.wants_weekly, g.staff.wants_monthly = form.wants_weekly.data, form.wants_monthly.data
    with database.atomic():
        Staff.update(email=g.staff.email, wants_weekly=g.staff.wants_weekly, wants_monthly=g.staff.wants_monthly
                     ).where(Staff.id == g.staff.id).execute()
        audit("report_mail_delivery", delivery_summary(g.staff, before))
    flash("Ihre Zustellung ist gespeichert." if g.staff.wants_weekly or g.staff.wants_monthly
          else "Gespeichert: Sie bekommen keine Berichtsmail.")
    return redirect(url_for(".overview"))


@bp.post("/send")
def send_now():
    """Send last week's (or with report=monthly last month's) e-mail now, again: to try a new
    setting, or after a failure."""
    report = MONTHLY if request.form.get("report") == "monthly" else WEEKLY
    first, _ = report.previous(clock.berlin_now().date())
    error = send_report(report, first)
    stretch = f"Woche ab {first:%d.%m.%Y}" if report is WEEKLY else f"{targets.MONTHS[first.month - 1]} {first.year}"
    with database.atomic():
        audit("report_mail_send" if report is WEEKLY else "report_mail_send_monthly",
              stretch + (f" · fehlgeschlagen: {error}" if error else ""))
    flash(f"Nicht gesendet: {error}" if error else f"Die {report.name} ist gesendet.")
    return redirect(url_for(".overview"))
