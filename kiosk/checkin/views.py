"""The visitor side: home screen and the anonymous check-in. No login, touch only."""

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from peewee import DatabaseError

from kiosk import clock, translated
from kiosk.checkin import counting, dropin, tablets
from kiosk.checkin.counting import AGE_BANDS, GROUP_SIZES, REASONS
from kiosk.checkin.labels import AGE_SPANS, age_label, reason_label
from kiosk.forms import TicketForm, posted_ticket

bp = Blueprint("visitor", __name__)

QUESTIONS = ("group", "first", "reasons", "age")  # "age" only while staff have it switched on


def questions_asked():
    """The follow-up questions in order; the age band is the last one, and only when switched on."""
    return QUESTIONS if counting.age_question_on() else QUESTIONS[:-1]


LANGUAGE_NAMES = {"de": "Deutsch", "en": "English", "tr": "Türkçe", "ar": "العربية"}
RTL_LANGUAGES = {"ar", "fa", "he", "ur"}


@bp.app_context_processor
def kiosk_context():
    config = current_app.config
    return {
        "test_mode": test_mode_shown,
        "idle_seconds": config["IDLE_SECONDS"],
        "idle_warning_seconds": config["IDLE_WARNING_SECONDS"],
        "languages": [(code, LANGUAGE_NAMES.get(code, code)) for code in config["LANGUAGES"]],
        "current_lang": get_locale().language,
        "rtl_languages": RTL_LANGUAGES,
        "dropin_line": dropin.dropin_line,
        "reason_label": reason_label,
        "large_text": session.get("large_text", False),
        "translated": translated.shown,
        "language_names": LANGUAGE_NAMES,
    }


def test_mode_shown():
    """Whether to show the test-mode banner; an error page must render even without a database."""
    try:
        return counting.test_mode()
    except DatabaseError:
        return False


@bp.get("/")
def home():
    if request.args.get("reset"):
        # The idle reset brings the next visitor the default language and text size; the
        # redirect keeps "reset" out of the address, so a language chosen next is not undone.
        session.pop("lang", None)
        session.pop("large_text", None)
        return redirect(url_for(".home"))
    form = TicketForm(ticket=counting.home_ticket())  # signed, stored nowhere: a view writes nothing
    return render_template(
        "visitor/home.html", form=form, dropin=dropin.dropin_status(clock.berlin_now())
    )


@bp.post("/checkin")
def checkin():
    ticket = posted_ticket()
    if ticket is None:
        abort(400)
    tablet = tablets.current_tablet()
    upcoming = counting.take_step(ticket, "checkin",
                                  counting.checkin_increments(get_locale().language),
                                  tablet.id if tablet else None)
    if upcoming is None:
        abort(400)
    return redirect(url_for(".question", step="group", ticket=upcoming))


@bp.get("/checkin/<step>/<ticket>")
def question(step, ticket):
    asked = questions_asked()
    if step not in asked:
        abort(404)
    form = TicketForm(ticket=ticket)
    return render_template(
        f"visitor/checkin_{step}.html",
        form=form,
        step=step,
        step_number=asked.index(step) + 1,
        step_count=len(asked),
        group_sizes=GROUP_SIZES,
        reasons=REASONS,
        age_bands=AGE_BANDS,
        age_label=age_label,
        age_spans=AGE_SPANS,
    )


@bp.post("/checkin/<step>")
def answer(step):
    asked = questions_asked()
    if step not in asked:
        abort(404)
    ticket = posted_ticket()
    if ticket is None:
        abort(400)
    increments = {} if "skip" in request.form else answer_increments(step, request.form)
    upcoming = counting.take_step(ticket, step, increments)
    if upcoming is None:
        abort(400)
    following = asked.index(step) + 1
    if following < len(asked):
        return redirect(url_for(".question", step=asked[following], ticket=upcoming))
    return redirect(url_for(".thanks"))


def answer_increments(step, formdata):
    """The counts one answer adds; anything not offered on the screen is a 400."""
    if step == "group":
        size = _one_of(formdata.get("size"), [str(n) for n in GROUP_SIZES])
        # The check-in counted one person already; a group adds the others.
        return {f"group_size:{size}": 1, "people": int(size) - 1}
    if step == "first":
        return {f"first_visit:{_one_of(formdata.get('first'), ['yes', 'no'])}": 1}
    if step == "age":
        return {f"age:{_one_of(formdata.get('age'), AGE_BANDS)}": 1}
    chosen = formdata.getlist("reasons")
    if len(set(chosen)) != len(chosen):
        abort(400)
    return {f"reason:{_one_of(reason, REASONS)}": 1 for reason in chosen}


def _one_of(value, allowed):
    if value not in allowed:
        abort(400)
    return value


@bp.get("/checkin/thanks")
def thanks():
    return render_template("visitor/thanks.html", seconds=current_app.config["THANKS_SECONDS"],
                           dropin=dropin.dropin_status(clock.berlin_now()))


@bp.post("/language/<code>")
def choose_language(code):
    if code not in current_app.config["LANGUAGES"]:
        abort(400)
    session["lang"] = code
    return redirect(_same_site_path(request.form.get("next")) or url_for(".home"))


@bp.get("/offline")
def offline():
    """The calm page the service worker shows when the server is away (no forms, no figures)."""
    return render_template("visitor/offline.html")


@bp.get("/sw.js")
def service_worker():
    """Served from the root so it may look after every page of the kiosk."""
    response = current_app.send_static_file("js/sw.js")
    response.headers["Content-Type"] = "text/javascript; charset=utf-8"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.post("/display/large-text")
def toggle_large_text():
    """Larger text for visitors who see poorly, until the idle reset."""
    session["large_text"] = not session.get("large_text", False)
    return redirect(_same_site_path(request.form.get("next")) or url_for(".home"))


def _same_site_path(target):
    """Only a path of this site may follow a language switch: one leading "/", no backslash, no
    control character (browsers drop a tab, so "/<tab>/x" would become "//x", another host) and
    nothing a URL parser reads as a scheme or a host."""
    if (not target or not target.startswith("/") or target.startswith("//") or "\\" in target
            or any(ord(char) < 32 or ord(char) == 127 for char in target)):
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc else target
