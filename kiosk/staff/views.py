"""The staff side: today's figures, history, manual counts and corrections, the audit log."""

from datetime import timedelta, timezone
from typing import NamedTuple

from babel.numbers import format_decimal
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)

from kiosk import clock
from kiosk.activities.labels import KIND_NAMES, LEVEL_NAMES
from kiosk.checkin import counting
from kiosk.checkin.counting import MANUAL_KINDS, REASONS
from kiosk.checkin.labels import REASON_SHORT
from kiosk.db import database
from kiosk.forms import CorrectionForm, EmptyForm, ManualCountForm
from kiosk.models import WHOLE_DAY, AuditEntry, Setting
from kiosk.offers.forms import TABLES
from kiosk.security import audit, staff_only
from kiosk.staff import mail, reports, targets

bp = Blueprint("admin", __name__, url_prefix="/admin")

MANUAL_LABELS = {
    "people": "Besucher:innen in der Sprechstunde, die nicht getippt haben",
    "outreach": "Kontakte unterwegs (Dienstag im Kiez)",
    "kaffeeklatsch": "Kaffeeklatsch im Treppenhaus (Personen)",
    "flyers": "Verteilte Flyer",
    "referrals": "Vermittlungen an Hilfsangebote",
    "digital_help": "Digitale Hilfe gegeben",
}
# Short names: a select shows its choice on one line, also at a phone's width.
CORRECTABLE = {"people": "Personen", "checkin": "Check-ins", "first_visit:yes": "Erstbesuche"}
CORRECTABLE.update({f"reason:{r}": f"Anlass: {REASON_SHORT[r]}" for r in REASONS})
CORRECTABLE.update({f"manual:{k}": reports.CSV_MANUAL_LABELS[k] for k in MANUAL_KINDS if k != "people"})
# What each audit action is called in the change log (the stored word stays as it is).
AUDIT_ACTIONS = {
    "manual": "Nachgetragen", "correction": "Korrektur", "test_mode": "Testbetrieb",
    "content_entry_add": "Eintrag angelegt", "content_entry_edit": "Eintrag geändert",
    "content_entry_hide": "Eintrag verborgen", "content_entry_show": "Eintrag wieder gezeigt",
    "content_entry_checked": "Eintrag geprüft", "content_entry_delete": "Eintrag gelöscht",
    "content_import": "Inhalte eingelesen", "backup_download": "Sicherung heruntergeladen",
    "craft_add": "Bastelbogen angelegt", "craft_edit": "Bastelbogen geändert",
    "craft_hide": "Bastelbogen verborgen", "craft_show": "Bastelbogen wieder gezeigt",
    "craft_delete": "Bastelbogen gelöscht",
    "staff_enable": "Zugang freigegeben", "staff_disable": "Zugang gesperrt",
    "staff_remove": "Zugang entfernt", "password_change": "Passwort geändert",
    "tablet_add": "Tablet angelegt", "tablet_enrolled": "Tablet angemeldet",
    "tablet_code": "Neuer Code für Tablet", "tablet_rename": "Tablet umbenannt",
    "tablet_revoke": "Tablet abgemeldet",
    "session_end": "Anmeldung auf einem Gerät beendet", "sessions_end": "Alle Anmeldungen beendet",
    "dropin_closed": "Sprechstunde abgesagt", "dropin_reopened": "Absage der Sprechstunde zurückgenommen",
    "wordlist_add": "Wortliste angelegt", "wordlist_hide": "Wortliste ausgeschaltet",
    "wordlist_show": "Wortliste eingeschaltet",
    "poll_add": "Umfrage angelegt", "poll_edit": "Umfrage geändert", "poll_end": "Umfrage beendet",
    "age_question": "Altersfrage am Tablet",
    "api_token_add": "API-Schlüssel erzeugt", "api_token_revoke": "API-Schlüssel widerrufen",
    "report_mail_send": "Wochenmail von Hand gesendet", "report_mail_send_monthly": "Monatsmail von Hand gesendet",
    "report_mail_delivery": "Eigene Zustellung der Berichtsmails",
    "funding_period_add": "Förderzeitraum angelegt", "funding_period_edit": "Förderzeitraum geändert",
    "funding_target_add": "Förderziel angelegt", "funding_target_remove": "Förderziel entfernt",
    "funding_period_delete": "Förderzeitraum gelöscht",
    "activity_add": "Aktivität eingetragen", "activity_edit": "Aktivität geändert",
    "activity_remove": "Aktivität entfernt", "activity_kind_add": "Neue Art von Aktivität",
}
AUDIT_ACTIONS.update({f"content_{table}_{action}": f"{spec.singular} {done}"
                      for table, spec in TABLES.items()
                      for action, done in (("add", "angelegt"), ("edit", "geändert"), ("delete", "gelöscht"))})
SHOWN_HOURS = range(7, 21)  # the hour chart shows 7:00–21:00; counts outside are named below it
STAFF_LOCALE = "de_DE"  # the staff pages are in German, whatever language the tablet shows


def hour_name(hour):
    return "ohne Uhrzeit" if hour == WHOLE_DAY else f"{hour:02d}:00–{hour + 1:02d}:00"


HOUR_CHOICES = {hour: hour_name(hour) for hour in [WHOLE_DAY, *range(24)]}


bp.before_request(staff_only)


@bp.app_context_processor
def admin_context():
    return {"demo": current_app.config["DEMO"]}


def _flags():
    return reports.flags_shown(
        doubtful=request.args.get("doubtful") == "1", off_hours=request.args.get("off_hours") == "1",
        unenrolled=request.args.get("unenrolled") == "1",
    )


@bp.get("/")
def today():
    day = clock.berlin_now().date()
    flags = _flags()
    hours, without_hour = reports.people_by_hour(day, flags)
    figures = reports.totals(day, day, flags)
    week_bars = [(d.strftime("%d.%m."), people)
                 for d, people in reports.same_weekday_before(day, 4, flags)]
    return render_template(
        "admin/today.html",
        day=day,
        figures=figures,
        set_apart=reports.set_apart(day, day),
        shown_hours=SHOWN_HOURS,
        hour_bars=[(str(h), hours[h]) for h in SHOWN_HOURS],
        outside_chart=sum(hours) - sum(hours[h] for h in SHOWN_HOURS),
        without_hour=without_hour,
        week_bars=week_bars + [("heute", figures["people"])],
        reason_labels=REASON_SHORT,
        manual_labels=MANUAL_LABELS,
        test_form=EmptyForm(),
        used={"Rätsel gewählt": puzzles_picked(day, day), **reports.most_asked(day, day)},
        tablets=reports.today_status(clock.berlin_now()),
        reach=shown_reach(day, day, flags, hours_of=day),
        mail_failures=mail.failures(),
    )


def shown_reach(first, last, flags, hours_of=None):
    found = reports.reach(first, last, flags, current_app.config["LANGUAGES"], hours_of)
    found["age_question_on"] = counting.age_question_on()
    return found


def puzzles_picked(first, last):
    """[("Sudoku (Leicht)", 3), …]: the puzzle types and levels visitors picked most."""
    picked = []
    for key, total in reports.most_counted("activity", first, last):
        kind, _, level = key.partition(":")
        picked.append((f"{KIND_NAMES.get(kind, kind)} ({LEVEL_NAMES.get(level, level)})", total))
    return picked


@bp.post("/test-mode")
def toggle_test_mode():
    return _switch("test_mode", counting.test_mode(), {
        True: "Testbetrieb ist an: am Tablet wird nichts gezählt.",
        False: "Testbetrieb ist aus: es wird wieder gezählt."})


@bp.post("/age-question")
def toggle_age_question():
    """The optional age-band question at the end of the check-in, switched on and off by staff."""
    return _switch("age_question", counting.age_question_on(), {
        True: "Die Altersfrage ist an: als letzte, freiwillige Frage beim Check-in.",
        False: "Die Altersfrage ist aus."})


def _switch(setting, was_on, said):
    """Turn one of Today's on/off settings the other way, in the log with who did it."""
    with database.atomic():
        Setting.put(setting, "0" if was_on else "1")
        audit(setting, "aus" if was_on else "an")
    flash(said[not was_on])
    return redirect(url_for(".today"))


@bp.get("/history")
def history():
    first, last = reports.history_range(request.args, clock.berlin_now().date())
    flags = _flags()
    span = (last - first).days + 1
    days = reports.every_day(first, last, flags)
    weekdays = reports.by_weekday(days)
    return render_template(
        "admin/history.html",
        first=first,
        last=last,
        day_rows=reports.days_table(days),
        day_bars=[(d.strftime("%d.%m."), fig["people"]) for d, fig in days],
        label_every=max(1, span // 8),  # dates far enough apart to be read on a phone too
        weekday_bars=[(w["weekday"][:2], w["people"]) for w in weekdays],
        figures=reports.added_up(fig for _, fig in days),
        earlier=reports.totals(first - timedelta(days=span), first - timedelta(days=1), flags),
        year_before=(reports.a_year_before(first), reports.a_year_before(last)),
        year_before_figures=reports.totals(reports.a_year_before(first), reports.a_year_before(last), flags),
        set_apart=reports.set_apart(first, last),
        weekdays=weekdays,
        months=reports.by_month(days) if span > 62 else [],
        reason_labels=REASON_SHORT,
        manual_labels=MANUAL_LABELS,
        pick=request.args.get("range", "week"),
        today=clock.berlin_now().date(),
        reach=shown_reach(first, last, flags),
    )


@bp.get("/history.csv")
def history_csv():
    first, last = reports.history_range(request.args, clock.berlin_now().date())
    body = reports.csv_report(first, last, _flags(), current_app.config["LANGUAGES"])
    return Response(
        body.encode("utf-8"),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="kiez-plus-{first}-{last}.csv"'},
    )


@bp.get("/history.xlsx")
def history_xlsx():
    from kiosk.staff import workbooks  # openpyxl: a quarter of the kiosk's start, needed only here

    first, last = reports.history_range(request.args, clock.berlin_now().date())
    body = workbooks.history_workbook(first, last, _flags(), current_app.config["LANGUAGES"])
    return Response(body, mimetype=workbooks.XLSX_TYPE,
                    headers={"Content-Disposition": f'attachment; filename="kiez-plus-{first}-{last}.xlsx"'})


@bp.route("/counts", methods=("GET", "POST"))
def manual_counts():
    today_ = clock.berlin_now().date()
    add = ManualCountForm(prefix="add")
    add.kind.choices = MANUAL_LABELS
    add.hour.choices = HOUR_CHOICES
    fix = CorrectionForm(prefix="fix")
    fix.metric.choices = CORRECTABLE
    fix.hour.choices = HOUR_CHOICES
    if add.submit.data and add.validate_on_submit():
        metric = "people" if add.kind.data == "people" else f"manual:{add.kind.data}"
        record_staff_count(add.day.data, add.hour.data, metric, add.number.data, "manual",
                           f"{MANUAL_LABELS[add.kind.data]}: +{add.number.data}",
                           add.note.data)
        flash("Eingetragen.")
        return redirect(url_for(".manual_counts"))
    if fix.submit.data and fix.validate_on_submit():
        refused = record_staff_count(fix.day.data, fix.hour.data, fix.metric.data, fix.change.data,
                                     "correction", f"{CORRECTABLE[fix.metric.data]}: {fix.change.data:+d}",
                                     fix.reason.data)
        if not refused:
            flash("Korrektur gespeichert.")
            return redirect(url_for(".manual_counts"))
        fix.change.errors = [refused]
    if request.method == "POST" and not (add.errors or fix.errors):
        abort(400)
    if not add.is_submitted():
        add.day.data = fix.day.data = today_
        add.hour.data = fix.hour.data = WHOLE_DAY
    status = 400 if request.method == "POST" else 200
    return render_template("admin/counts.html", add=add, fix=fix, today=today_), status


def record_staff_count(day, hour, metric, amount, action, summary, note):
    """A staff count and its audit entry are written together or not at all.

    Returns None, or why nothing was written: no hour of a day may count fewer than nobody.
    """
    if day > clock.berlin_now().date():
        abort(400)
    with database.atomic() as transaction:
        # Write first, so the check below reads under the write lock what the change left.
        counting.increment(metric, amount, day=day, hour=hour, source="staff")
        counted = reports.per_hour(day, metric)
        if counted.get(hour, 0) < 0:
            transaction.rollback()
            return below_zero_message(day, hour, metric, amount, counted)
        hour_text = "ohne Uhrzeit" if hour == WHOLE_DAY else f"{hour:02d} Uhr"
        audit(action, f"{day:%d.%m.%Y} {hour_text} · {summary}" + (f" · {note}" if note else ""))
    return None


def below_zero_message(day, hour, metric, amount, counted):
    """Why a correction was refused, with the hours that do have counts, so staff can pick one."""
    before = counted[hour] - amount
    message = (f"Nicht gespeichert: {CORRECTABLE[metric]} am {day:%d.%m.%Y}, {hour_name(hour)} wären dann "
               f"{format_number(counted[hour])} (gezählt sind {format_number(before)}). "
               "Eine Zahl kann nicht unter null sinken.")
    elsewhere = [f"{hour_name(h)}: {format_number(total)}" for h, total in sorted(counted.items())
                 if h != hour and total > 0]
    if elsewhere:
        message += " An diesem Tag gezählt: " + ", ".join(elsewhere) + "."
    return message


@bp.get("/log")
def audit_log():
    entries = AuditEntry.select().order_by(AuditEntry.at.desc()).limit(500)
    return render_template("admin/log.html", entries=entries)


@bp.app_template_filter("number")
def format_number(value, decimals=0, signed=False):
    """A figure as staff read it in German: "1.234", "24,0"; with signed=True "+5" and "-5"."""
    if not decimals and not signed:
        return targets.number(value)
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    if signed:
        pattern = f"+{pattern};-{pattern}"
    return format_decimal(value, pattern, locale=STAFF_LOCALE)


class Chart(NamedTuple):
    """A bar chart's layout in SVG units: the axis runs from ``left`` to ``left + width`` at ``base``;
    ``left`` leaves room for the top figure, ``above`` for the value over the tallest bar."""

    top: int
    bar_width: float
    bars: list  # (label, value as text, x, y, height, middle, value shown, label shown)
    base: float
    left: int = 72
    above: int = 30
    width: int = 600


@bp.app_template_global()
def chart_bars(bars, height, label_every) -> Chart:
    """Where each bar of templates/admin/_charts.html's bar_chart goes, worked out here: a year's
    365 bars cost the page's template a third of its time when Jinja did this arithmetic. The
    numbers are rounded to one decimal as the chart prints them.
    """
    top = max(max(value for _, value in bars) if bars else 0, 1)
    left, above, width = (Chart._field_defaults[name] for name in ("left", "above", "width"))
    base = above + height
    step = width / (len(bars) or 1)
    few = len(bars) <= 31  # values on the bars only where they can be read
    placed = []
    for n, (label, value) in enumerate(bars):
        h = round(value / top * height, 1)
        placed.append((label, format_number(value), round(left + n * step + step * 0.15, 1), base - h, h,
                       round(left + n * step + step / 2, 1), bool(value) and few, n % label_every == 0))
    return Chart(top, round(step * 0.7, 1), placed, base)


@bp.app_template_filter("audit_action")
def audit_action(action):
    return AUDIT_ACTIONS.get(action, action)


@bp.app_template_filter("berlin_time")
def berlin_time(moment):
    """Audit times are stored in UTC; staff read them in Berlin time."""
    return moment.replace(tzinfo=timezone.utc).astimezone(clock.BERLIN).strftime("%d.%m.%Y %H:%M")
