"""Craft sheets: staff upload a PDF or picture, or write a title, materials and numbered steps.
The uploaded files themselves: kiosk.activities.uploads.
"""

import os
import re
import secrets
import shutil

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_wtf.file import FileField
from werkzeug.datastructures import FileStorage
from wtforms import BooleanField, FieldList, FormField, HiddenField, StringField, SubmitField, TextAreaField
from wtforms import Form as SubForm
from wtforms.validators import DataRequired, Length, Optional

import puzzles
from kiosk import clock, translated
from kiosk.activities.labels import KIND_NAMES, LEVEL_NAMES
from kiosk.activities.uploads import (
    MAX_PDF_PAGES,
    MEDIA_TYPES,
    REQUEST_LIMIT,
    UploadRejected,
    page_pictures,
    remove_files,
    serve_upload,
    sheet_files,
    store_upload,
    uploads_dir,
)
from kiosk.clock import utcnow
from kiosk.db import database
from kiosk.forms import EmptyForm, KioskForm
from kiosk.models import CraftSheet, CraftStep
from kiosk.security import audit, staff_only
from kiosk.staff import reports
from kiosk.staff.reports import history_range

bp = Blueprint("crafts", __name__, url_prefix="/admin/crafts")

STEP_ROWS = 10


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


bp.before_request(staff_only)


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

    first, last = history_range(request.args, clock.berlin_now().date())
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
         for kind in puzzles.kinds()),
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
    shutil.copyfile(os.path.join(current_app.static_folder, "img", "crafts", name), os.path.join(uploads_dir(), stored))
    return stored
