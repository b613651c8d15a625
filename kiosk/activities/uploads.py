"""Uploaded files of craft sheets: uploads are untrusted bytes. They are accepted only when their content is a PDF, PNG, JPEG or
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
import subprocess
import tempfile

from flask import abort, current_app, request
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename, send_from_directory

from kiosk.db import make_private
from kiosk.models import CraftSheet, CraftStep

FILE_LIMIT = 10 * 1024 * 1024  # one uploaded file
REQUEST_LIMIT = 32 * 1024 * 1024  # one form with a picture for several steps
MAX_PDF_PAGES = 12
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
