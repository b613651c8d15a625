"""HTTPS in the room: the kiosk's own CA and server certificate, the TLS server, Secure cookies and
HSTS over HTTPS only, the warning on staff pages over plain HTTP from another machine, the guide."""

import http.client
import os
import re
import ssl

import pytest
from cryptography import x509

from kiosk.tls import CA_FILE, SERVER_FILE, make_certificates, serve_tls, tls_folder
from tests.conftest import STAFF_PASSWORD, AuthActions

NAMES = ["localhost", "kiosk.local", "127.0.0.1", "192.168.178.20"]


@pytest.fixture
def certificates(app):
    make_certificates(tls_folder(app), NAMES)
    return tls_folder(app)


@pytest.fixture
def https(app, certificates):
    """The app on the kiosk's TLS server (cheroot), on a free loopback port."""
    server = serve_tls(app, "127.0.0.1", 0, threads=2)
    yield server.bind_addr[1]
    server.stop()


def trusting(certificates):
    """A client that trusts the kiosk's CA and nothing else, as a device after the guide's step."""
    return ssl.create_default_context(cafile=os.path.join(certificates, CA_FILE))


def test_the_server_certificate_names_the_rooms_addresses(certificates):
    with open(os.path.join(certificates, SERVER_FILE), "rb") as f:
        server, ca = x509.load_pem_x509_certificates(f.read())
    names = server.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert set(names.get_values_for_type(x509.DNSName)) == {"localhost", "kiosk.local"}
    assert {str(ip) for ip in names.get_values_for_type(x509.IPAddress)} == {"127.0.0.1", "192.168.178.20"}
    assert server.issuer == ca.subject
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert not server.extensions.get_extension_for_class(x509.BasicConstraints).value.ca


def test_a_new_server_certificate_keeps_the_authority(certificates):
    with open(os.path.join(certificates, CA_FILE), "rb") as f:
        before = f.read()
    make_certificates(certificates, ["localhost", "10.0.0.5"])
    with open(os.path.join(certificates, CA_FILE), "rb") as f:
        assert f.read() == before  # devices that trust it need to do nothing


def test_key_and_certificate_files_are_private(certificates):
    assert oct(os.stat(certificates).st_mode & 0o777) == oct(0o700)
    assert {name: oct(os.stat(os.path.join(certificates, name)).st_mode & 0o777)
            for name in os.listdir(certificates)} == {
        name: oct(0o600) for name in ("ca.crt", "ca.key", "server.crt", "server.key")}


def test_make_certificate_command(app, runner):
    result = runner.invoke(args=["make-certificate", "--name", "kiez-kiosk.fritz.box"])
    assert result.exit_code == 0, result.output
    assert "kiez-kiosk.fritz.box" in result.output and "localhost" in result.output
    assert re.search(r"SHA-256\): ([0-9A-F]{2}:){31}[0-9A-F]{2}", result.output)


def https_request(port, certificates, method, path, body=None, headers=None, host="localhost"):
    connection = http.client.HTTPSConnection(host, port, context=trusting(certificates), timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read().decode()
    finally:
        connection.close()


# OpenSSL checks a certificate against the machine's real clock, which time-machine does not move:
# a certificate made at the suite's fixed moment is "not yet valid" on any real date before it
# (seen with `make test-another-day SHIFT="-200 days"`). These make and check theirs on the real clock.
@pytest.mark.real_clock
def test_a_device_trusting_the_ca_gets_https_with_hsts_and_secure_cookies(app, https, certificates):
    status, headers, html = https_request(https, certificates, "GET", "/admin/login")
    assert status == 200 and headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "unverschlüsselte Verbindung" not in html
    cookie = headers["Set-Cookie"].split(";", 1)[0]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]*)"', html).group(1)
    status, headers, _ = https_request(https, certificates, "POST", "/admin/login", body=(
        f"username=anna&password={STAFF_PASSWORD.replace(' ', '+')}&csrf_token={token}"), headers={
        "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded",
        "Referer": f"https://localhost:{https}/admin/login"})  # as the browser sends it (same-origin)
    assert status == 302
    cookies = headers.get_all("Set-Cookie")
    assert cookies and all("; Secure" in c for c in cookies)  # the session and the device cookie


def test_a_device_that_does_not_trust_the_ca_is_refused(app, https):
    connection = http.client.HTTPSConnection("localhost", https, context=ssl.create_default_context(), timeout=10)
    with pytest.raises(ssl.SSLCertVerificationError):
        connection.request("GET", "/health")
    connection.close()


def test_plain_http_sends_no_hsts_and_no_secure_cookie(client, auth):
    response = auth.login()
    assert "Strict-Transport-Security" not in response.headers
    assert not any("Secure" in c for c in response.headers.getlist("Set-Cookie"))


def from_the_network(app):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "192.168.178.33"
    return client


def test_staff_pages_over_plain_http_from_another_machine_warn(app, certificates):
    laptop = from_the_network(app)
    page = laptop.get("/admin/login").get_data(as_text=True)
    assert "unverschlüsselte Verbindung" in page and 'href="/tls/"' in page
    AuthActions(laptop).login()
    assert "unverschlüsselte Verbindung" in laptop.get("/admin/").get_data(as_text=True)


def test_no_warning_on_localhost_or_over_https(app, client):
    assert "unverschlüsselte Verbindung" not in client.get("/admin/login").get_data(as_text=True)
    laptop = from_the_network(app)
    page = laptop.get("/admin/login", base_url="https://192.168.178.20").get_data(as_text=True)
    assert "unverschlüsselte Verbindung" not in page


def test_the_visitor_pages_carry_no_warning(app):
    assert "unverschlüsselte Verbindung" not in from_the_network(app).get("/").get_data(as_text=True)


def test_the_guide_shows_the_fingerprint_and_a_qr_code_to_the_certificate(app, certificates):
    laptop = from_the_network(app)
    page = laptop.get("/tls/").get_data(as_text=True)
    assert "<svg" in page and "Android" in page and "iPad" in page and "Windows" in page
    assert re.search(r"([0-9A-F]{2}:){31}[0-9A-F]{2}", page)
    download = laptop.get("/tls/kiez-kiosk-ca.crt")
    assert download.status_code == 200 and download.mimetype == "application/x-x509-ca-cert"
    assert x509.load_pem_x509_certificate(download.data).extensions.get_extension_for_class(
        x509.BasicConstraints).value.ca
    assert b"PRIVATE KEY" not in download.data


def test_without_certificates_the_guide_is_not_there(app, client):
    assert client.get("/tls/").status_code == 404
    assert client.get("/tls/kiez-kiosk-ca.crt").status_code == 404


@pytest.mark.real_clock  # OpenSSL's real clock, as above
def test_serve_tls_makes_missing_certificates_and_serves_https(app, capsys):
    """What `kiosk serve --tls` does before waitress takes the plain port: one command, no set-up."""
    from kiosk.cli import serve_https
    from tests.tablet import free_port

    port = free_port()
    server = serve_https(app, "127.0.0.1", port, threads=2)
    try:
        status, headers, _ = https_request(port, tls_folder(app), "GET", "/health")
    finally:
        server.stop()
    assert status == 200 and "Strict-Transport-Security" in headers
    assert f"HTTPS: https://127.0.0.1:{port}/" in capsys.readouterr().out
