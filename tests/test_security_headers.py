"""HTTP security headers on every response of every route (walked from the URL map), for visitors
and staff, for pages, errors, redirects and files alike."""

import pytest

from kiosk import CONTENT_SECURITY_POLICY
from kiosk.models import Staff
from tests.routes import rules, sample_url

SAFE_FILE_TYPES = {"application/pdf", "image/png", "image/jpeg", "image/webp", "text/csv", "application/json",
                   "application/vnd.sqlite3", "text/css", "text/javascript", "application/javascript",
                   "image/svg+xml", "application/manifest+json", "image/x-icon", "font/woff2", "application/zip"}
DOWNLOADS = {"text/csv", "application/vnd.sqlite3", "application/zip"}  # always saved, never shown inline


def assert_safe_headers(response, where):
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    assert csp == CONTENT_SECURITY_POLICY or "sandbox" in csp, (where, csp)
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, where
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert headers.get("Referrer-Policy") == "no-referrer", where
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
