"""Craft sheets: staff upload a PDF or picture, or write a title, materials and numbered steps.

Uploads are untrusted bytes. They are accepted only when their content is a PDF, PNG, JPEG or
WebP (never judged by the file name) and carries no HTML; they are stored in the instance folder
under ``uploads/`` with a random name, and served with their own type, ``nosniff`` and a
``sandbox`` policy, so a file can never run script in the kiosk's origin.

A PDF is turned into page pictures when it is uploaded (``pdftoppm`` from poppler-utils): the
tablet's browser cannot show a PDF inside the kiosk (Android opens another app, and Chromium's
viewer refuses to run under a sandbox policy), but it shows and prints pictures.
"""

import os
import re
import secrets
import shutil
import subprocess
import tempfile

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_wtf.file import FileField
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename, send_from_directory
from wtforms import BooleanField, FieldList, FormField, HiddenField, StringField, SubmitField, TextAreaField
from wtforms import Form as SubForm
from wtforms.validators import DataRequired, Length, Optional

from kiosk import translated
from kiosk.checkin import counting
from kiosk.db import database, make_private
from kiosk.forms import EmptyForm, KioskForm
from kiosk.models import CraftSheet, CraftStep, utcnow
from kiosk.staff import reports
from kiosk.staff.auth import audit, login_required
from kiosk.staff.views import history_range

bp = Blueprint("crafts", __name__, url_prefix="/admin/crafts")

FILE_LIMIT = 10 * 1024 * 1024  # one uploaded file
REQUEST_LIMIT = 32 * 1024 * 1024  # one form with a picture for several steps
MAX_PDF_PAGES = 12
STEP_ROWS = 10
PAGE_PIXELS = 1754  # the long side of a PDF page picture: A4 at 150 dpi, sharp enough to print

MEDIA_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg", "webp": "image/webp"}
# 32 hex digits, optionally "-p<page>" for a PDF's page picture, and the type found in the content
STORED_NAME = re.compile(r"([0-9a-f]{32})(?:-p([1-9][0-9]?))?\.(pdf|png|jpg|webp)")
# Markup has no business in a picture or a print sheet: a file carrying it is a polyglot.
MARKUP = re.compile(rb"<\s*(?:script|html|iframe|svg|object|embed)\b", re.IGNORECASE)


class UploadRejected(Exception):
    """An upload we do not store; the message is shown to staff next to the field."""


# --- what a file is ------------------------------------------------------------------------------


def detect_type(data: bytes) -> str | None:
    """The file type by its first bytes ("pdf", "png", "jpg", "webp"), or None."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def is_complete(data: bytes, kind: str) -> bool:
    """Whether the file ends where its own structure says (nothing smuggled in after it).

    JPEG is not checked: phones append their own data after the image's end marker.
    """
    if kind == "png":
        return data[12:16] == b"IHDR" and data.endswith(b"IEND\xaeB`\x82")
    if kind == "webp":
        return int.from_bytes(data[4:8], "little") + 8 in (len(data), len(data) - 1)
    if kind == "pdf":
        return b"%%EOF" in data[-1024:]
    return True


def checked_upload(storage: FileStorage, allowed: tuple[str, ...]) -> tuple[bytes, str]:
    """(content, type) of an upload, or UploadRejected with a message staff can act on."""
    data = storage.stream.read(FILE_LIMIT + 1)
    if len(data) > FILE_LIMIT:
        raise UploadRejected(f"Die Datei ist größer als {FILE_LIMIT // (1024 * 1024)} MB.")
    if not data:
        raise UploadRejected("Die Datei ist leer.")
    kind = detect_type(data)
    if kind not in allowed:
        allowed_words = "PDF-Dateien und Bilder" if "pdf" in allowed else "nur Bilder"
        raise UploadRejected(f"Diese Datei hat ein anderes Format. Erlaubt sind {allowed_words} "
                             "(PNG, JPEG, WebP).")
    if not is_complete(data, kind) or MARKUP.search(data):
        raise UploadRejected("Die Datei ist beschädigt oder enthält fremde Inhalte.")
    return data, kind


# --- where files live ----------------------------------------------------------------------------


def uploads_dir() -> str:
    path = os.path.join(current_app.instance_path, "uploads")
    os.makedirs(path, mode=0o700, exist_ok=True)
    return path


def store_upload(storage: FileStorage, allowed: tuple[str, ...], written: list) -> tuple[str, int]:
    """Check and store one upload under a random name: (file name, PDF page pictures made).

    Every file written is appended to ``written`` at once, so the caller can remove them all if
    anything later fails.
    """
    data, kind = checked_upload(storage, allowed)
    token = secrets.token_hex(16)
    name = f"{token}.{kind}"
    path = os.path.join(uploads_dir(), name)
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as file:
        written.append(name)
        file.write(data)
    pages = render_pdf_pages(path, token, written) if kind == "pdf" else 0
    return name, pages


def render_pdf_pages(pdf_path: str, token: str, written: list) -> int:
    """PNG pictures of a PDF's pages, named ``<token>-p<n>.png``; a PDF poppler cannot read is rejected."""
    with tempfile.TemporaryDirectory(dir=uploads_dir()) as scratch:
        command = ["pdftoppm", "-png", "-scale-to", str(PAGE_PIXELS), "-l", str(MAX_PDF_PAGES + 1),
                   pdf_path, os.path.join(scratch, "page")]
        try:
            subprocess.run(command, check=True, capture_output=True, timeout=60)
        except FileNotFoundError:
            raise UploadRejected("Für PDF-Dateien fehlt auf dem Kiosk-Rechner das Programm pdftoppm "
                                 "(Paket poppler-utils). Bilder gehen immer.") from None
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
            raise UploadRejected("Diese PDF-Datei lässt sich nicht lesen.") from None
        made = sorted(os.listdir(scratch), key=lambda n: int(n.rsplit("-", 1)[1].split(".")[0]))
        if not made:
            raise UploadRejected("Diese PDF-Datei hat keine Seiten.")
        if len(made) > MAX_PDF_PAGES:
            raise UploadRejected(f"Die PDF-Datei hat mehr als {MAX_PDF_PAGES} Seiten.")
        for number, made_name in enumerate(made, 1):
            name = f"{token}-p{number}.png"
            os.replace(os.path.join(scratch, made_name), os.path.join(uploads_dir(), name))
            make_private(os.path.join(uploads_dir(), name))  # pdftoppm writes with its umask
            written.append(name)
    return len(made)


def page_pictures(sheet) -> list[str]:
    token = sheet.file_name.split(".")[0]
    return [f"{token}-p{n}.png" for n in range(1, sheet.pages + 1)]


def sheet_files(sheet) -> list[str]:
    """Every stored file of a sheet: the upload, its page pictures, the steps' pictures."""
    names = [sheet.file_name, *page_pictures(sheet)] if sheet.file_name else []
    return names + [step.picture for step in sheet.steps if step.picture]


def remove_files(names):
    for name in names:
        try:
            os.remove(os.path.join(uploads_dir(), name))
        except FileNotFoundError:
            pass


def owner_of(name: str):
    """The sheet a stored file belongs to, or None (a name we never gave out)."""
    match = STORED_NAME.fullmatch(name)
    if not match:
        return None
    token, page, kind = match.groups()
    if page:
        sheet = CraftSheet.get_or_none(CraftSheet.file_name == f"{token}.pdf")
        return sheet if kind == "png" and sheet and int(page) <= sheet.pages else None
    sheet = CraftSheet.get_or_none(CraftSheet.file_name == name)
    if sheet is None:
        step = CraftStep.get_or_none(CraftStep.picture == name)
        sheet = step.sheet if step else None
    return sheet


def serve_upload(name: str, visible_only: bool):
    """A stored file with its true type, ``nosniff`` and a sandbox; the PDF itself only for staff."""
    sheet = owner_of(name)
    kind = name.rsplit(".", 1)[-1]
    if sheet is None or (visible_only and (sheet.hidden or kind == "pdf")):
        abort(404)
    download_name = f"{secure_filename(sheet.title) or 'bastelanleitung'}.{kind}"
    response = send_from_directory(
        uploads_dir(), name, request.environ, mimetype=MEDIA_TYPES[kind],
        as_attachment=kind == "pdf", download_name=download_name,
    )
    # An uploaded file may never run script in the app's origin, whatever is inside it.
    response.headers["Content-Security-Policy"] = "sandbox"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# --- sheets ------------------------------------------------------------------------------------


def visible_sheets():
    return CraftSheet.select().where(CraftSheet.hidden == False).order_by(CraftSheet.title)  # noqa: E712


def visible_sheet_or_404(sheet_id):
    sheet = CraftSheet.get_or_none((CraftSheet.id == sheet_id) & (CraftSheet.hidden == False))  # noqa: E712
    if sheet is None:
        abort(404)
    return sheet


def sheet_or_404(sheet_id):
    sheet = CraftSheet.get_or_none(CraftSheet.id == sheet_id)
    if sheet is None:
        abort(404)
    return sheet


def ordered_steps(sheet):
    return list(sheet.steps.order_by(CraftStep.number))


def material_lines(sheet):
    """The materials, one a line, in the visitor's language where staff translated them."""
    materials = translated.shown(sheet, "materials")
    return [line.strip() for line in materials.text.splitlines() if line.strip()], materials.fallback


def shown_steps(sheet):
    """[(step, text)] in the visitor's language, and whether that is German shown instead.

    Staff write a translation of the steps as paragraphs in the same order; one that does not
    match the number of steps is not used, so a picture never stands beside the wrong words.
    """
    steps = ordered_steps(sheet)
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", translated.translation(sheet, "steps")) if p.strip()]
    if paragraphs and len(paragraphs) == len(steps):
        return list(zip(steps, paragraphs)), False
    return [(step, step.text) for step in steps], not translated.visitor_reads_german()


def cover_picture(sheet) -> str | None:
    """The picture on a sheet's card: the uploaded image, a PDF's first page, or a step's picture."""
    if sheet.file_name:
        return page_pictures(sheet)[0] if sheet.pages else sheet.file_name
    return next((step.picture for step in ordered_steps(sheet) if step.picture), None)


@bp.app_context_processor
def craft_helpers():
    return {"page_pictures": page_pictures, "shown_steps": shown_steps,
            "material_lines": material_lines, "cover_picture": cover_picture}


# --- staff pages ---------------------------------------------------------------------------------


class StepForm(SubForm):
    text = TextAreaField("Was ist zu tun?", validators=[Optional(), Length(max=600)])
    picture = FileField("Bild dazu (PNG, JPEG oder WebP, freiwillig)")
    remove_picture = BooleanField("Bild entfernen")


class CraftText(SubForm):
    """The sheet in one more language; what is left empty is shown in German."""

    lang = HiddenField()
    title = StringField("Titel", validators=[Optional(), Length(max=120)])
    materials = TextAreaField("Material (eine Sache pro Zeile)", validators=[Optional(), Length(max=2000)])
    steps = TextAreaField("Schritte, in derselben Reihenfolge, durch eine Leerzeile getrennt",
                          validators=[Optional(), Length(max=8000)])


class CraftForm(KioskForm):
    title = StringField("Titel", validators=[DataRequired(), Length(max=120)])
    translations = FieldList(FormField(CraftText), max_entries=8)
    materials = TextAreaField("Material (eine Sache pro Zeile)", validators=[Optional(), Length(max=2000)])
    upload = FileField("PDF oder Bild (PNG, JPEG, WebP), höchstens 10 MB")
    steps = FieldList(FormField(StepForm), min_entries=STEP_ROWS, max_entries=STEP_ROWS)
    submit = SubmitField("Speichern")


@bp.url_value_preprocessor
def allow_uploads(endpoint, values):
    """Craft forms carry files: allow them here only. This runs before anything reads the body
    (the CSRF check does, before any ``before_request`` of this blueprint)."""
    request.max_content_length = REQUEST_LIMIT


@bp.before_request
@login_required
def require_login():
    """Every craft admin page needs a staff login."""


def has_file(field) -> bool:
    return isinstance(field.data, FileStorage) and bool(field.data.filename)


def save_sheet(form, sheet=None) -> bool:
    """Store the form as a new sheet or over ``sheet``: files, rows and the audit entry together.

    Files written for a change that fails are removed again; files a change replaces are removed
    only after it is committed. False (with errors on the form) when an upload was refused.
    """
    written, replaced = [], []
    rows = [row for row in form.steps if row.text.data and row.text.data.strip()]
    try:
        with database.atomic():
            if sheet is None:
                sheet = CraftSheet(title="")
                action = "craft_add"
            else:
                action = "craft_edit"
            sheet.title = form.title.data.strip()
            sheet.translations = translated.from_rows(form.translations, ("title", "materials", "steps"))
            sheet.materials = form.materials.data or ""
            sheet.updated = utcnow()
            if has_file(form.upload) and (sheet.id is None or sheet.file_name):
                try:
                    name, pages = store_upload(form.upload.data, tuple(MEDIA_TYPES), written)
                except UploadRejected as error:
                    form.upload.errors.append(str(error))
                    raise
                if sheet.file_name:
                    replaced += [sheet.file_name, *page_pictures(sheet)]
                sheet.file_name, sheet.pages = name, pages
            sheet.save()
            if not sheet.file_name:
                replaced += save_steps(sheet, form, rows, written)
            audit(action, f"„{sheet.title}“ (Nr. {sheet.id})")
    except UploadRejected:
        remove_files(written)
        return False
    except BaseException:
        remove_files(written)
        raise
    remove_files(replaced)
    return True


def save_steps(sheet, form, rows, written) -> list[str]:
    """Rewrite the sheet's steps from the filled form rows; returns the pictures no longer used.

    Row i of the form edits step i of the sheet, so an existing picture stays with its row.
    """
    old = {index: step.picture for index, step in enumerate(ordered_steps(sheet))}
    unused = [picture for index, picture in old.items()
              if picture and not (form.steps[index].text.data or "").strip()]
    CraftStep.delete().where(CraftStep.sheet == sheet).execute()
    for number, row in enumerate(rows, 1):
        index = form.steps.entries.index(row)
        picture = old.get(index)
        if has_file(row.picture) or row.remove_picture.data:
            unused += [picture] if picture else []
            picture = None
        if has_file(row.picture):
            try:
                picture, _ = store_upload(row.picture.data, ("png", "jpg", "webp"), written)
            except UploadRejected as error:
                row.picture.errors.append(str(error))
                raise
        CraftStep.create(sheet=sheet, number=number, text=row.text.data.strip(), picture=picture)
    return unused


def form_problems(form, sheet=None) -> bool:
    """Rules across fields: a file or steps (not both, not neither); no picture without a text."""
    filled = [row for row in form.steps if (row.text.data or "").strip()]
    uploads = has_file(form.upload)
    if sheet is None and uploads and filled:
        form.upload.errors.append("Bitte entweder eine Datei hochladen oder Schritte schreiben, nicht beides.")
    elif sheet is None and not uploads and not filled:
        form.upload.errors.append("Bitte eine Datei hochladen oder mindestens einen Schritt schreiben.")
    elif sheet is not None and not sheet.file_name and not filled:
        form.steps.errors.append("Eine Anleitung braucht mindestens einen Schritt.")
    for row in form.steps:
        if has_file(row.picture) and not (row.text.data or "").strip():
            row.picture.errors.append("Bitte zu jedem Bild schreiben, was zu tun ist.")
    return bool(form.upload.errors or form.steps.errors
                or any(row.picture.errors for row in form.steps))


@bp.get("/")
def index():
    """The craft sheets, and what visitors picked, solved, printed and opened in a chosen range."""
    from kiosk.activities.views import KIND_NAMES, LEVEL_NAMES, puzzle_kinds  # activities imports this module

    first, last = history_range(request.args, counting.berlin_now().date())
    sheets = list(CraftSheet.select().order_by(CraftSheet.title))
    titles = {str(sheet.id): sheet.title for sheet in CraftSheet.select()}
    picked = dict(reports.most_counted("activity", first, last, limit=100))
    solved = dict(reports.most_counted("puzzle_solved", first, last, limit=100))
    printed = dict(reports.most_counted("puzzle_printed", first, last, limit=100))
    puzzle_rows = sorted(
        ({"name": KIND_NAMES[kind],
          "levels": [picked.get(f"{kind}:{level}", 0) for level in LEVEL_NAMES],
          "picked": sum(picked.get(f"{kind}:{level}", 0) for level in LEVEL_NAMES),
          "solved": solved.get(kind, 0), "printed": printed.get(kind, 0)}
         for kind in puzzle_kinds()),
        key=lambda row: -row["picked"],
    )
    opened = dict(reports.most_counted("craft_opened", first, last, limit=100))
    craft_printed = dict(reports.most_counted("craft_printed", first, last, limit=100))
    craft_rows = sorted(
        ({"title": titles.get(sheet_id, f"gelöschte Anleitung Nr. {sheet_id}"),
          "opened": opened.get(sheet_id, 0), "printed": craft_printed.get(sheet_id, 0)}
         for sheet_id in set(opened) | set(craft_printed)),
        key=lambda row: (-row["opened"], row["title"]),
    )
    return render_template(
        "admin/crafts/index.html", sheets=sheets, first=first, last=last,
        pick=request.args.get("range", "week"), puzzle_rows=puzzle_rows, craft_rows=craft_rows,
        level_names=list(LEVEL_NAMES.values()), form=EmptyForm(),
    )


@bp.route("/new", methods=("GET", "POST"))
def new():
    form = CraftForm()
    if form.validate_on_submit() and not form_problems(form) and save_sheet(form):
        flash("Die Bastelanleitung ist gespeichert und für Besucher:innen sichtbar.")
        return redirect(url_for(".index"))
    if request.method == "GET":
        translated.fill_rows(form.translations)
    status = 400 if request.method == "POST" else 200
    return render_template("admin/crafts/form.html", form=form, sheet=None,
                           max_pages=MAX_PDF_PAGES), status


@bp.route("/<int:sheet_id>/edit", methods=("GET", "POST"))
def edit(sheet_id):
    sheet = sheet_or_404(sheet_id)
    form = CraftForm()
    if form.validate_on_submit() and not form_problems(form, sheet) and save_sheet(form, sheet):
        flash("Die Änderungen sind gespeichert.")
        return redirect(url_for(".index"))
    if request.method == "GET":
        form.title.data, form.materials.data = sheet.title, sheet.materials
        translated.fill_rows(form.translations, sheet)
        for row, step in zip(form.steps, ordered_steps(sheet)):
            row.text.data = step.text
    status = 400 if request.method == "POST" else 200
    return render_template("admin/crafts/form.html", form=form, sheet=sheet,
                           steps=ordered_steps(sheet), max_pages=MAX_PDF_PAGES), status


@bp.post("/<int:sheet_id>/visibility")
def toggle_hidden(sheet_id):
    if not EmptyForm().validate():
        abort(400)
    sheet = sheet_or_404(sheet_id)
    with database.atomic():
        sheet.hidden = not sheet.hidden
        sheet.updated = utcnow()
        sheet.save()
        audit("craft_hide" if sheet.hidden else "craft_show", f"„{sheet.title}“ (Nr. {sheet.id})")
    flash(f"„{sheet.title}“ ist {'verborgen' if sheet.hidden else 'wieder sichtbar'}.")
    return redirect(url_for(".index"))


@bp.route("/<int:sheet_id>/delete", methods=("GET", "POST"))
def delete(sheet_id):
    sheet = sheet_or_404(sheet_id)
    form = EmptyForm()
    if request.method == "POST":
        if not form.validate():
            abort(400)
        files = sheet_files(sheet)
        with database.atomic():
            audit("craft_delete", f"„{sheet.title}“ (Nr. {sheet.id})")
            sheet.delete_instance(recursive=True)
        remove_files(files)
        flash(f"„{sheet.title}“ ist gelöscht.")
        return redirect(url_for(".index"))
    return render_template("admin/crafts/delete.html", sheet=sheet, form=form)


@bp.get("/files/<name>")
def file(name):
    """Any sheet's file for staff, hidden ones too; the uploaded PDF comes as a download."""
    return serve_upload(name, visible_only=False)


# --- demo content --------------------------------------------------------------------------------

# Each step has a picture, so a visitor without German can fold along: drawn for the kiosk as SVG
# (static/img/crafts/<name>-<n>.svg) and shipped as PNG, because a stored picture is never markup.
DEMO_PICTURES = os.path.join(os.path.dirname(__file__), os.pardir, os.pardir, "static", "img", "crafts")
DEMO_SHEETS = (
    ("Papierschiff falten", "boat",
     "1 Blatt Papier, rechteckig (A4)",
     ("Legen Sie das Blatt quer vor sich. Falten Sie es in der Mitte von oben nach unten. "
      "Der Knick ist jetzt oben.",
      "Falten Sie es einmal von links nach rechts und öffnen Sie es wieder. So sehen Sie die Mitte.",
      "Falten Sie die beiden oberen Ecken zur Mitte hin nach unten. Es entsteht ein Dreieck.",
      "Unten bleibt ein Streifen. Falten Sie den vorderen Streifen nach oben. Drehen Sie das Blatt "
      "um und falten Sie den anderen Streifen auch nach oben. Das ist ein Papierhut.",
      "Falten Sie die überstehenden Ecken der Streifen um den Hut herum.",
      "Greifen Sie unten in den Hut hinein und ziehen Sie ihn auseinander. Drücken Sie ihn flach, "
      "sodass ein Quadrat entsteht.",
      "Falten Sie die untere Ecke vorne nach oben bis zur Spitze. Drehen Sie um und machen Sie "
      "hinten dasselbe. Es entsteht ein Dreieck.",
      "Ziehen Sie das Dreieck unten wieder auseinander und drücken Sie es flach zu einem Quadrat.",
      "Ziehen Sie die beiden oberen Spitzen vorsichtig nach links und rechts auseinander. "
      "Das Schiff öffnet sich. Drücken Sie die Mitte etwas zurecht. Fertig!")),
    ("Papierflieger falten", "plane",
     "1 Blatt Papier (A4)",
     ("Legen Sie das Blatt hochkant vor sich. Falten Sie es der Länge nach in der Mitte und "
      "öffnen Sie es wieder.",
      "Falten Sie die beiden oberen Ecken zur Mittellinie. Oben entsteht eine Spitze.",
      "Falten Sie die neuen schrägen Kanten noch einmal zur Mittellinie.",
      "Falten Sie den Flieger an der Mittellinie zusammen, die Faltungen bleiben außen.",
      "Falten Sie auf jeder Seite einen Flügel nach unten: Die schräge Kante liegt dann an der "
      "unteren Kante des Fliegers.",
      "Klappen Sie die Flügel auf, bis sie waagerecht stehen. Werfen Sie den Flieger sanft "
      "nach vorne.")),
)


def add_demo_craft_sheets():
    """Two simple, correct folding instructions for the demo, a picture to every step."""
    with database.atomic():
        for title, pictures, materials, steps in DEMO_SHEETS:
            sheet = CraftSheet.create(title=title, materials=materials)
            for number, text in enumerate(steps, 1):
                CraftStep.create(sheet=sheet, number=number, text=text,
                                 picture=store_demo_picture(f"{pictures}-{number}.png"))


def store_demo_picture(name: str) -> str:
    """A shipped demo picture copied into the uploads under a random name, as an upload would be."""
    stored = f"{secrets.token_hex(16)}.png"
    shutil.copyfile(os.path.join(DEMO_PICTURES, name), os.path.join(uploads_dir(), stored))
    return stored
