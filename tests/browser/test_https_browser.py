"""Staff over real HTTPS, with the certificate the kiosk made: Chromium accepts exactly that
server key (as a device that trusts the kiosk's CA does), gets a secure context, Secure cookies
and HSTS, sees its login among its devices, and a copied cookie dies with the logout."""

import base64
import hashlib
import os

import pytest
from axe_playwright_python.sync_playwright import Axe
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from kiosk.tls import SERVER_FILE, make_certificates, serve_tls, tls_folder
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PATIENCE_MS

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def https_port(live_app):
    make_certificates(tls_folder(live_app), ["localhost", "127.0.0.1"])
    server = serve_tls(live_app, "127.0.0.1", 0, threads=4)
    yield server.bind_addr[1]
    server.stop()


def server_key_pin(app):
    """Chromium's pin of the server certificate's key: base64 SHA-256 of its SubjectPublicKeyInfo."""
    with open(os.path.join(tls_folder(app), SERVER_FILE), "rb") as f:
        certificate = x509.load_pem_x509_certificates(f.read())[0]
    spki = certificate.public_key().public_bytes(serialization.Encoding.DER,
                                                 serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(hashlib.sha256(spki).digest()).decode()


@pytest.fixture
def https_browser(browser, live_app, https_port):
    trusting = browser.browser_type.launch(executable_path=CHROMIUM, headless=True, args=[
        *CHROMIUM_ARGS, f"--ignore-certificate-errors-spki-list={server_key_pin(live_app)}"])
    yield trusting
    trusting.close()


def test_staff_log_in_over_https(https_browser, https_port):
    base = f"https://localhost:{https_port}"
    context = https_browser.new_context(viewport=PHONE, has_touch=True, locale="de-DE")
    page = context.new_page()
    page.set_default_timeout(PATIENCE_MS)
    response = page.goto(f"{base}/admin/login")
    assert response.ok and response.headers["strict-transport-security"] == "max-age=31536000"
    assert page.evaluate("window.isSecureContext")  # service worker and full-screen install work
    assert page.locator(".plain-http-warning").count() == 0
    page.fill("#username", "anna")
    page.fill("#password", "a long test password")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/admin/")
    cookies = context.cookies()
    assert {c["name"] for c in cookies} == {"session", "kiosk_staff_device"}
    assert all(c["secure"] and c["httpOnly"] for c in cookies)

    page.goto(f"{base}/admin/staff/sessions")
    row = page.locator(".sessions-list li")
    assert row.count() == 1 and "Chrome auf Linux (dieses Gerät)" in row.inner_text()
    page.set_viewport_size({"width": 1280, "height": 800})

    copied = https_browser.new_context(viewport=PHONE)
    copied.add_cookies([c for c in cookies if c["name"] == "session"])
    thief = copied.new_page()
    thief.goto(f"{base}/admin/")
    assert thief.url == f"{base}/admin/"  # the copy works while the login lasts
    page.click(".logout button")
    page.wait_for_url(f"{base}/admin/login")
    thief.goto(f"{base}/admin/")
    assert thief.url == f"{base}/admin/login"  # and not after it
    copied.close()
    context.close()


def test_the_guide_over_https(https_browser, https_port):
    context = https_browser.new_context(viewport={"width": 800, "height": 1280}, locale="de-DE")
    page = context.new_page()
    page.goto(f"https://localhost:{https_port}/tls/")
    assert page.locator("svg.tls-qr").is_visible()
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    with page.expect_download() as download:
        page.click("text=Zertifikat laden")
    assert download.value.suggested_filename == "kiez-kiosk-ca.crt"
    context.close()
