"""Craft sheets: upload checks, safe storage and serving, staff changes with their audit, counting."""

import io
import os
import re
import struct
import zlib

import pytest

from kiosk import clock
from kiosk.activities import crafts
from kiosk.activities import uploads as upload_files
from kiosk.models import AuditEntry, CraftSheet, CraftStep
from kiosk.staff import reports
from tests.conftest import form_value


def png_bytes(width=2, height=2):
    """A real, tiny PNG (grey pixels)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def pdf_bytes(pages=1):
    """A real PDF with ``pages`` A4 pages, each with a filled square, and a correct xref table."""
    kids = " ".join(f"{3 + 2 * n} 0 R" for n in range(pages))
    objects = [b"<</Type/Catalog/Pages 2 0 R>>", f"<</Type/Pages/Kids[{kids}]/Count {pages}>>".encode()]
    for n in range(pages):
        drawing = b"0 0 0 rg 100 400 300 300 re f"
        objects.append(f"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents {4 + 2 * n} 0 R>>".encode())
        objects.append(b"<</Length %d>>stream\n" % len(drawing) + drawing + b"\nendstream")
    body, offsets = b"%PDF-1.4\n", []
    for number, obj in enumerate(objects, 1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    return body + b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)


HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


def uploads(app):
    folder = os.path.join(app.instance_path, "uploads")
    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []


def get_file(client, url):
    """GET a served file, read it and close it (a file response keeps its file open until then)."""
    response = client.get(url)
    response.get_data()
    response.close()
    return response


def counted(app, prefix):
    with app.app_context():
        today = clock.berlin_now().date()
        return dict(reports.most_counted(prefix, today, today, limit=100))


def new_sheet(client, title="Papierstern", upload=None, steps=(), materials="Papier", files=None):
    """Fill in the staff form for a new sheet and send it; returns the response."""
    page = client.get("/admin/crafts/new").get_data(as_text=True)
    data = {"csrf_token": form_value(page, "csrf_token"), "title": title, "materials": materials}
    if upload is not None:
        data["upload"] = (io.BytesIO(upload[0]), upload[1])
    for index, text in enumerate(steps):
        data[f"steps-{index}-text"] = text
    for index, (content, name) in (files or {}).items():
        data[f"steps-{index}-picture"] = (io.BytesIO(content), name)
    return client.post("/admin/crafts/new", data=data, content_type="multipart/form-data")


def only_sheet(app):
    with app.app_context():
        return CraftSheet.get()


def audit_actions(app):
    with app.app_context():
        return [(entry.action, entry.detail) for entry in AuditEntry.select().order_by(AuditEntry.id)]


# --- what a file is --------------------------------------------------------------------------------


@pytest.mark.parametrize("content, kind", [
    (pdf_bytes(), "pdf"), (png_bytes(), "png"), (b"\xff\xd8\xff\xe0" + b"\0" * 20 + b"\xff\xd9", "jpg"),
    (b"RIFF\x0c\x00\x00\x00WEBPVP8 ", "webp"), (HTML, None), (b"GIF89a", None), (b"<svg/>", None), (b"", None),
])
def test_type_is_found_by_content(content, kind):
    assert upload_files.detect_type(content) == kind


def test_a_truncated_or_padded_file_is_not_complete():
    assert upload_files.is_complete(png_bytes(), "png")
    assert not upload_files.is_complete(png_bytes() + HTML, "png")
    assert not upload_files.is_complete(png_bytes()[:-5], "png")
    assert not upload_files.is_complete(b"%PDF-1.4\n" + HTML, "pdf")
    assert not upload_files.is_complete(b"RIFF\xff\x00\x00\x00WEBPVP8 ", "webp")


# --- staff add, edit, hide, delete -----------------------------------------------------------------


def test_staff_write_a_sheet_in_steps_and_visitors_see_it(app, client, auth):
    auth.login()
    response = new_sheet(client, steps=["Papier falten.", "", "Ecken umknicken."],
                         files={2: (png_bytes(), "foto.png")})
    assert response.status_code == 302
    sheet = only_sheet(app)
    with app.app_context():
        steps = [(s.number, s.text, bool(s.picture)) for s in crafts.ordered_steps(sheet)]
    assert steps == [(1, "Papier falten.", False), (2, "Ecken umknicken.", True)]
    assert audit_actions(app) == [("craft_add", f"„Papierstern“ (Nr. {sheet.id})")]
    auth.logout()
    listing = client.get("/activities/crafts").get_data(as_text=True)
    assert "Papierstern" in listing
    page = client.get(f"/activities/crafts/{sheet.id}").get_data(as_text=True)
    assert "Papier falten." in page and "Ecken umknicken." in page and "Papier</li>" in page
    assert "Basteln" in client.get("/activities/").get_data(as_text=True)


def test_an_image_upload_is_stored_under_a_random_name_and_served_safely(app, client, auth):
    auth.login()
    assert new_sheet(client, title="Stern / <Falten> ä", upload=(png_bytes(), "../../Meine Anleitung.png")).status_code == 302
    stored = uploads(app)
    assert len(stored) == 1 and re.fullmatch(r"[0-9a-f]{32}\.png", stored[0])
    assert not os.path.exists(os.path.join(app.instance_path, "Meine Anleitung.png"))
    response = get_file(client, f"/activities/crafts/files/{stored[0]}")
    assert response.status_code == 200 and response.data == png_bytes()
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "sandbox"
    assert response.headers["Content-Disposition"] == "inline; filename=Stern_Falten_a.png"


def test_a_pdf_becomes_page_pictures_and_only_staff_get_the_pdf(app, client, auth):
    auth.login()
    assert new_sheet(client, title="Laterne", upload=(pdf_bytes(2), "laterne.pdf")).status_code == 302
    sheet = only_sheet(app)
    assert sheet.pages == 2
    token = sheet.file_name.split(".")[0]
    assert uploads(app) == sorted([sheet.file_name, f"{token}-p1.png", f"{token}-p2.png"])
    staff_copy = get_file(client, f"/admin/crafts/files/{sheet.file_name}")
    assert staff_copy.headers["Content-Type"] == "application/pdf"
    assert staff_copy.headers["Content-Disposition"].startswith("attachment;")
    assert staff_copy.headers["Content-Security-Policy"] == "sandbox"
    auth.logout()
    assert client.get(f"/activities/crafts/files/{sheet.file_name}").status_code == 404
    picture = get_file(client, f"/activities/crafts/files/{token}-p2.png")
    assert picture.status_code == 200 and picture.data.startswith(b"\x89PNG")
    assert client.get(f"/activities/crafts/files/{token}-p3.png").status_code == 404
    sheet_page = client.get(f"/activities/crafts/{sheet.id}").get_data(as_text=True)
    assert f"{token}-p1.png" in sheet_page and f"{token}-p2.png" in sheet_page


@pytest.mark.parametrize("content, name, message", [
    (HTML, "anleitung.pdf", "anderes Format"),
    (b"%PDF-1.4\n" + HTML + b"\n%%EOF\n", "polyglot.pdf", "fremde Inhalte"),
    (png_bytes() + HTML, "polyglot.png", "fremde Inhalte"),
    (png_bytes()[:8] + HTML + png_bytes()[-12:], "html-in-png.png", "fremde Inhalte"),
    (b"%PDF-1.4\nthis is not a pdf\n%%EOF\n", "broken.pdf", "nicht lesen"),
    (b"GIF89a\x01\x00\x01\x00", "bild.gif", "anderes Format"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "bild.svg", "anderes Format"),
    (b"", "leer.png", "leer"),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * (upload_files.FILE_LIMIT + 1), "riesig.png", "größer als 10 MB"),
])
def test_a_wrong_type_polyglot_or_oversized_upload_is_refused_and_nothing_stored(app, client, auth, content, name, message):
    auth.login()
    response = new_sheet(client, upload=(content, name))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert uploads(app) == []
    with app.app_context():
        assert CraftSheet.select().count() == 0 and AuditEntry.select().count() == 0


def test_a_step_picture_must_be_a_picture(app, client, auth):
    auth.login()
    response = new_sheet(client, steps=["Falten."], files={0: (pdf_bytes(), "schritt.pdf")})
    assert response.status_code == 400 and "Erlaubt sind nur Bilder" in response.get_data(as_text=True)
    assert uploads(app) == []


def test_a_request_beyond_the_upload_limit_is_refused_before_it_is_read(app, client, auth):
    auth.login()
    response = new_sheet(client, upload=(b"\x89PNG" + b"\0" * upload_files.REQUEST_LIMIT, "riesig.png"))
    assert response.status_code == 413
    assert uploads(app) == []


def test_visitor_pages_keep_the_small_request_limit(client):
    big = b"x" * (2 * 1024 * 1024)
    assert client.post("/activities/sudoku/easy/4/abc/check", data=big).status_code == 413


@pytest.mark.parametrize("form, message", [
    ({}, "Bitte eine Datei hochladen oder mindestens einen Schritt"),
    ({"upload": (png_bytes(), "a.png"), "steps": ["Falten."]}, "nicht beides"),
    ({"steps": [""], "files": {0: (png_bytes(), "a.png")}}, "Bitte zu jedem Bild"),
    ({"title": "", "steps": ["Falten."]}, "Dieses Feld wird benötigt"),
])
def test_form_rules(app, client, auth, form, message):
    auth.login()
    response = new_sheet(client, **form)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert uploads(app) == []


def test_edit_replaces_a_step_picture_and_removes_the_old_file(app, client, auth):
    auth.login()
    new_sheet(client, steps=["Eins.", "Zwei."], files={0: (png_bytes(), "a.png")})
    sheet = only_sheet(app)
    old_picture = uploads(app)[0]
    page = client.get(f"/admin/crafts/{sheet.id}/edit").get_data(as_text=True)
    assert "Eins." in page and old_picture in page
    data = {"csrf_token": form_value(page, "csrf_token"), "title": "Neuer Titel", "materials": "",
            "steps-0-text": "Eins, besser.", "steps-0-picture": (io.BytesIO(png_bytes(3, 3)), "b.png"),
            "steps-1-text": ""}
    assert client.post(f"/admin/crafts/{sheet.id}/edit", data=data,
                       content_type="multipart/form-data").status_code == 302
    with app.app_context():
        steps = list(CraftStep.select())
        assert [(s.number, s.text) for s in steps] == [(1, "Eins, besser.")]
        assert CraftSheet.get().title == "Neuer Titel"
    assert uploads(app) == [steps[0].picture] != [old_picture]
    assert audit_actions(app)[-1] == ("craft_edit", f"„Neuer Titel“ (Nr. {sheet.id})")


def test_replacing_an_uploaded_pdf_with_a_picture_removes_the_pdf_and_its_pages(app, client, auth):
    auth.login()
    new_sheet(client, upload=(pdf_bytes(2), "a.pdf"))
    sheet = only_sheet(app)
    page = client.get(f"/admin/crafts/{sheet.id}/edit").get_data(as_text=True)
    assert "steps-0-text" not in page  # a file sheet has no steps to edit
    data = {"csrf_token": form_value(page, "csrf_token"), "title": sheet.title, "materials": "",
            "upload": (io.BytesIO(png_bytes()), "b.png")}
    assert client.post(f"/admin/crafts/{sheet.id}/edit", data=data,
                       content_type="multipart/form-data").status_code == 302
    replaced = only_sheet(app)
    assert (replaced.pages, uploads(app)) == (0, [replaced.file_name])
    assert replaced.file_name.endswith(".png")


def test_hide_and_show_a_sheet(app, client, auth):
    auth.login()
    new_sheet(client, upload=(png_bytes(), "a.png"))
    sheet = only_sheet(app)
    page = client.get("/admin/crafts/").get_data(as_text=True)
    token = form_value(page, "csrf_token")
    assert client.post(f"/admin/crafts/{sheet.id}/visibility", data={"csrf_token": token}).status_code == 302
    auth.logout()
    for url in (f"/activities/crafts/{sheet.id}", f"/activities/crafts/{sheet.id}/print",
                f"/activities/crafts/files/{sheet.file_name}"):
        assert client.get(url).status_code == 404
    assert "Papierstern" not in client.get("/activities/crafts").get_data(as_text=True)
    auth.login()
    assert get_file(client, f"/admin/crafts/files/{sheet.file_name}").status_code == 200
    token = form_value(client.get("/admin/crafts/").get_data(as_text=True), "csrf_token")
    client.post(f"/admin/crafts/{sheet.id}/visibility", data={"csrf_token": token})
    assert [action for action, _ in audit_actions(app)] == ["craft_add", "craft_hide", "craft_show"]
    assert client.get(f"/activities/crafts/{sheet.id}").status_code == 200


def test_delete_removes_the_sheet_its_steps_and_its_files(app, client, auth):
    auth.login()
    new_sheet(client, steps=["Eins."], files={0: (png_bytes(), "a.png")})
    sheet = only_sheet(app)
    confirm = client.get(f"/admin/crafts/{sheet.id}/delete")
    assert confirm.status_code == 200 and uploads(app)  # asking deletes nothing
    assert client.post(f"/admin/crafts/{sheet.id}/delete").status_code == 400  # no CSRF token
    token = form_value(confirm.get_data(as_text=True), "csrf_token")
    assert client.post(f"/admin/crafts/{sheet.id}/delete", data={"csrf_token": token}).status_code == 302
    with app.app_context():
        assert CraftSheet.select().count() == 0 and CraftStep.select().count() == 0
    assert uploads(app) == []
    assert audit_actions(app)[-1] == ("craft_delete", f"„Papierstern“ (Nr. {sheet.id})")
    assert client.get(f"/admin/crafts/{sheet.id}/edit").status_code == 404


@pytest.mark.parametrize("name", [
    "..%2Fsecret_key", "%2E%2E%2Fsecret_key", "..%5Csecret_key", "secret_key",
    "0123456789abcdef0123456789abcdef.png", "0123456789abcdef0123456789abcdef.html",
    "0123456789ABCDEF0123456789ABCDEF.png", "0123456789abcdef0123456789abcdef-p0.png",
])
def test_a_file_address_that_is_not_a_stored_upload_is_a_404(client, auth, name):
    assert client.get(f"/activities/crafts/files/{name}").status_code == 404
    auth.login()
    assert client.get(f"/admin/crafts/files/{name}").status_code == 404


def test_opening_and_printing_a_sheet_are_counted_and_shown_to_staff(app, client, auth):
    with app.app_context():
        crafts.add_demo_craft_sheets()
        boat = CraftSheet.get(CraftSheet.title == "Papierschiff falten")
    client.get(f"/activities/crafts/{boat.id}")
    client.get(f"/activities/crafts/{boat.id}")
    client.get(f"/activities/crafts/{boat.id}/print")
    client.get("/activities/maze/hard/15/new")
    client.get("/activities/maze/hard/15/abc/print")
    assert counted(app, "craft_opened") == {str(boat.id): 2}
    assert counted(app, "craft_printed") == {str(boat.id): 1}
    auth.login()
    page = client.get("/admin/crafts/?range=week").get_data(as_text=True)
    row = re.search(r"<tr><th scope=\"row\">Papierschiff falten</th><td>(\d+)</td><td>(\d+)</td></tr>", page)
    assert row.groups() == ("2", "1")
    maze = re.search(r'<th scope="row">Labyrinth</th>(.*?)</tr>', page).group(1)
    assert re.findall(r"<td[^>]*>(\d+)</td>", maze) == ["0", "0", "1", "1", "0", "1"]
    assert client.get("/admin/crafts/?range=nonsense").status_code == 400


def test_demo_sheets_are_written_steps(app):
    with app.app_context():
        crafts.add_demo_craft_sheets()
        titles = {sheet.title: sheet.steps.count() for sheet in CraftSheet.select()}
    assert titles == {"Papierschiff falten": 9, "Papierflieger falten": 6}


def test_the_admin_nav_links_to_the_activities_page(client, auth):
    auth.login()
    page = client.get("/admin/").get_data(as_text=True)
    assert 'href="/admin/crafts/"' in page and "Rätsel &amp; Basteln" in page
