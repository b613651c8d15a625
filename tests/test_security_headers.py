"""HTTP security headers on every response of every route (walked from the URL map), for visitors
and staff, for pages, errors, redirects and files alike."""

import re
from html import unescape

import pytest

from kiosk import CONTENT_SECURITY_POLICY
from kiosk.models import Staff
from tests.routes import rules, sample_url
from tests.test_crafts import new_sheet, pdf_bytes, png_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SAFE_FILE_TYPES = {"application/pdf", "image/png", "image/jpeg", "image/webp", "text/csv", "application/json",
                   "application/vnd.sqlite3", "text/css", "text/javascript", "application/javascript",
                   "image/svg+xml", "application/manifest+json", "image/x-icon", "font/woff2", "application/zip",
                   XLSX}
DOWNLOADS = {"text/csv", "application/vnd.sqlite3", "application/zip", XLSX}  # always saved, never shown inline


def assert_safe_headers(response, where):
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    assert csp == CONTENT_SECURITY_POLICY or "sandbox" in csp, (where, csp)
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, where
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert headers.get("Referrer-Policy") == "same-origin", where
    assert headers.get("X-Frame-Options") == "DENY", where
    if not where[1].startswith("/static/"):
        assert headers.get("Cache-Control") == "no-store", where
    if response.mimetype == "text/html":
        assert csp == CONTENT_SECURITY_POLICY, where  # pages get the full policy, never a looser one
        assert response.mimetype_params.get("charset") == "utf-8", where


@pytest.fixture
def clients(app, auth):
    """A visitor's client and a logged-in admin's."""
    with app.app_context():
        Staff.update(is_admin=True).execute()
    auth.login()
    return {"visitor": app.test_client(), "admin": auth._client}


def test_every_get_route_sends_the_security_headers(app, clients):
    seen = 0
    for rule in rules(app, methods=["GET"]):
        url = sample_url(app, rule)
        for who, client in clients.items():
            response = client.get(url)
            assert_safe_headers(response, (who, url, response.status_code))
            seen += 1
    assert seen >= 2 * 15


def test_every_other_method_and_error_sends_them_too(app, clients):
    for rule in rules(app):
        url = sample_url(app, rule)
        for method in ("POST", "PUT", "DELETE"):
            for who, client in clients.items():
                response = client.open(url, method=method)
                assert_safe_headers(response, (who, url, method, response.status_code))


@pytest.mark.parametrize("path", ["/static/css/kiosk.css", "/static/js/kiosk.js", "/static/no-such-file.css"])
def test_static_files_have_a_true_type_and_nosniff(client, path):
    response = client.get(path)
    assert_safe_headers(response, ("visitor", path, response.status_code))
    if response.status_code == 200:
        assert response.mimetype in SAFE_FILE_TYPES


def test_files_sent_by_any_route_are_of_a_safe_type(app, clients):
    """Whatever a GET route sends that is not a page is a known, harmless type; a download says so."""
    for rule in rules(app, methods=["GET"]):
        url = sample_url(app, rule)
        for who, client in clients.items():
            response = client.get(url)
            if response.status_code == 200 and response.mimetype != "text/html":
                assert response.mimetype in SAFE_FILE_TYPES, (who, url, response.mimetype)
                if response.mimetype in DOWNLOADS:
                    assert response.headers["Content-Disposition"].startswith("attachment"), (who, url)


def crawl(client, starts, limit=300):
    """Every same-site address reachable by links, pictures, scripts and styles from ``starts``:
    {url: response}. Forms are not sent; logging out is not followed."""
    seen, queue, responses = set(starts), list(starts), {}
    while queue and len(responses) < limit:
        url = queue.pop(0)
        response = client.get(url)
        response.get_data()
        response.close()
        responses[url] = response
        if response.mimetype != "text/html":
            continue
        for link in re.findall(r'(?:href|src)="(/[^"#]*)"', response.get_data(as_text=True)):
            link = unescape(link)
            if link not in seen and not link.startswith("//") and "logout" not in link:
                seen.add(link)
                queue.append(link)
    return responses


def test_every_linked_page_and_file_is_served_safely_uploads_included(app, clients):
    """With real uploads in place (a craft sheet with a picture and one with a PDF), follow every
    link from the visitor's and the staff's start pages: each response has the headers, each file a
    safe type, and each uploaded file is sandboxed, typed by its content and named in a disposition."""
    admin = clients["admin"]
    for upload in ((png_bytes(), "stern.png"), (pdf_bytes(), "anleitung.pdf")):
        assert new_sheet(admin, title=f"Probe {upload[1]}", upload=upload).status_code == 302
    uploads_seen = 0
    for who, starts in (("visitor", ["/"]), ("admin", ["/admin/", "/admin/crafts/"])):
        for url, response in crawl(clients[who], starts).items():
            assert response.status_code < 500, (who, url)
            assert_safe_headers(response, (who, url, response.status_code))
            if response.status_code == 200 and response.mimetype != "text/html":
                assert response.mimetype in SAFE_FILE_TYPES, (who, url, response.mimetype)
            if "/files/" in url and response.status_code == 200:
                uploads_seen += 1
                assert response.mimetype in {"image/png", "application/pdf"}, url
                assert response.headers["Content-Security-Policy"] == "sandbox", url
                assert response.headers["Content-Disposition"].startswith(("inline;", "attachment;")), url
                if response.mimetype == "application/pdf":
                    assert response.headers["Content-Disposition"].startswith("attachment;"), url
    assert uploads_seen >= 2
