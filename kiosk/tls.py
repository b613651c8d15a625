"""HTTPS in the room: the kiosk's own small certificate authority, a server certificate for its
names and addresses, a one-page guide to trust it, and the TLS server behind ``kiosk serve --tls``.

Why this way: no public certificate authority certifies an address in the room's network, and the
room may have no internet; a CA of the kiosk's own, trusted once on each device, needs neither.
waitress has no TLS, so the HTTPS port is served by cheroot (CherryPy's production WSGI server,
TLS from Python's ssl module) in the same process: one command, no reverse proxy to set up, and
the client addresses the login limits count stay the real ones. Plain HTTP keeps waitress, for
the guide and the certificate download before a device trusts the CA, and for localhost.
"""

import datetime
import ipaddress
import os
import socket

from flask import (
    Blueprint,
    abort,
    current_app,
    has_request_context,
    render_template,
    request,
    send_file,
    url_for,
)
from flask.sessions import SecureCookieSessionInterface
from markupsafe import Markup

from kiosk.db import make_private
from kiosk.qr import qr_svg

bp = Blueprint("tls", __name__, url_prefix="/tls")

CA_FILE, CA_KEY, SERVER_FILE, SERVER_KEY = "ca.crt", "ca.key", "server.crt", "server.key"
CA_YEARS = 10
SERVER_DAYS = 825  # the longest validity Apple's devices accept for a server certificate
CA_NAME = "Kiez+ Kiosk – eigene Zertifizierungsstelle"


def tls_folder(app) -> str:
    return os.path.join(app.instance_path, "tls")


def room_names() -> list[str]:
    """The names and addresses devices in the room may use for this computer."""
    host = socket.gethostname()
    names = ["localhost", host, f"{host}.local", "127.0.0.1", "::1"]
    try:  # the address of the default route: a UDP "connection" sends nothing
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))
            names.append(probe.getsockname()[0])
    except OSError:
        pass
    return list(dict.fromkeys(names))


def fingerprint(certificate) -> str:
    """SHA-256 of the certificate, as devices show it when asked to trust it."""
    from cryptography.hazmat.primitives import hashes

    return ":".join(f"{byte:02X}" for byte in certificate.fingerprint(hashes.SHA256()))


def _write_private(path, data: bytes):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    make_private(path)


def _name(common_name):
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def make_certificates(folder, names, now=None):
    """The CA (kept if there is one: devices that trust it keep trusting) and a new server
    certificate for ``names``. Keys are ECDSA P-256, files 0600. Returns the CA certificate."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID

    now = now or datetime.datetime.now(datetime.timezone.utc)
    os.makedirs(folder, mode=0o700, exist_ok=True)
    make_private(folder)
    ca_path, ca_key_path = os.path.join(folder, CA_FILE), os.path.join(folder, CA_KEY)
    if os.path.exists(ca_path) and os.path.exists(ca_key_path):
        with open(ca_path, "rb") as f:
            ca = x509.load_pem_x509_certificate(f.read())
        with open(ca_key_path, "rb") as f:
            ca_key = serialization.load_pem_private_key(f.read(), password=None)
    else:
        ca_key = ec.generate_private_key(ec.SECP256R1())
        ca = (x509.CertificateBuilder().subject_name(_name(CA_NAME)).issuer_name(_name(CA_NAME))
              .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
              .not_valid_before(now - datetime.timedelta(hours=1))
              .not_valid_after(now + datetime.timedelta(days=365 * CA_YEARS))
              .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
              .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                           content_commitment=False, key_encipherment=False,
                                           data_encipherment=False, key_agreement=False,
                                           encipher_only=False, decipher_only=False), critical=True)
              .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
              .sign(ca_key, hashes.SHA256()))
        _write_private(ca_key_path, ca_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
        _write_private(ca_path, ca.public_bytes(serialization.Encoding.PEM))
    alternative = []
    for name in names:
        try:
            alternative.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            alternative.append(x509.DNSName(name))
    key = ec.generate_private_key(ec.SECP256R1())
    server = (x509.CertificateBuilder().subject_name(_name(names[0])).issuer_name(ca.subject)
              .public_key(key.public_key()).serial_number(x509.random_serial_number())
              .not_valid_before(now - datetime.timedelta(hours=1))
              .not_valid_after(now + datetime.timedelta(days=SERVER_DAYS))
              .add_extension(x509.SubjectAlternativeName(alternative), critical=False)
              .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
              .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
              .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                             critical=False)
              .sign(ca_key, hashes.SHA256()))
    _write_private(os.path.join(folder, SERVER_KEY), key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    _write_private(os.path.join(folder, SERVER_FILE), server.public_bytes(serialization.Encoding.PEM)
                   + ca.public_bytes(serialization.Encoding.PEM))  # the chain a device needs
    return ca


def load_ca(app):
    from cryptography import x509

    path = os.path.join(tls_folder(app), CA_FILE)
    if not os.path.exists(path):
        return None
    with open(path, "rb") as f:
        return x509.load_pem_x509_certificate(f.read())


def serve_tls(app, host, port, threads):
    """cheroot on ``port`` with the kiosk's certificate, in a thread of its own; returns the server."""
    import threading

    from cheroot import wsgi
    from cheroot.ssl.builtin import BuiltinSSLAdapter

    folder = tls_folder(app)
    server = wsgi.Server((host, port), app, numthreads=threads, server_name="kiosk")
    server.ssl_adapter = BuiltinSSLAdapter(os.path.join(folder, SERVER_FILE), os.path.join(folder, SERVER_KEY))
    server.prepare()
    threading.Thread(target=server.serve, name="kiosk-tls", daemon=True).start()
    return server


# --- the guide ------------------------------------------------------------------------------------


def is_local_client() -> bool:
    try:
        return ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False


@bp.get("/")
def guide():
    """How to trust the kiosk's certificate authority on Android, iPad and a laptop."""
    ca = load_ca(current_app)
    if ca is None:
        abort(404)
    download = url_for(".ca_certificate", _external=True)
    return render_template("tls_guide.html", fingerprint=fingerprint(ca), download=download,
                           code=Markup(qr_svg(download, "QR-Code: Zertifikat des Kiosks laden", css_class="qr tls-qr")))


@bp.get("/kiez-kiosk-ca.crt")
def ca_certificate():
    """The authority's certificate (public: it is what devices are asked to trust)."""
    path = os.path.join(tls_folder(current_app), CA_FILE)
    if not os.path.exists(path):
        abort(404)
    return send_file(path, mimetype="application/x-x509-ca-cert", as_attachment=True,
                     download_name="kiez-kiosk-ca.crt")


# --- what changes over HTTPS --------------------------------------------------------------------


class SessionOverHTTPS(SecureCookieSessionInterface):
    """The session cookie is Secure on every request that came over HTTPS: one process serves
    both, and a Secure cookie sent over plain HTTP would be dropped by the browser."""

    def get_cookie_secure(self, app):
        return app.config["SESSION_COOKIE_SECURE"] or (has_request_context() and request.is_secure)


def strict_transport_security(response):
    """Over HTTPS, browsers are told to stay on HTTPS (they ignore this for addresses like 192.168.…)."""
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = "max-age=31536000"
    return response


def connection_facts():
    """For the staff pages: a warning when a password would cross the network in clear."""
    plain = not request.is_secure and not is_local_client()
    return {"plain_http_warning": plain,
            "tls_guide": plain and os.path.exists(os.path.join(tls_folder(current_app), CA_FILE))}


def init_app(app):
    app.session_interface = SessionOverHTTPS()
    app.after_request(strict_transport_security)
    app.context_processor(connection_facts)
    app.register_blueprint(bp)
