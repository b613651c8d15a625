"""A tablet (or a staff laptop) talking HTTP to a real kiosk server on loopback.

It follows the check-in protocol of tests/test_checkin.py: GET / for the session cookie, the CSRF
token and a ticket, then POST /checkin; a 302 is the "thank you" a visitor would see.
"""

import http.client
import json
import os
import re
import socket
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

HIDDEN = r'<input[^>]*name="{}"[^>]*value="([^"]*)"'


class Tablet:
    def __init__(self, base_url, timeout=10):
        parts = urlsplit(base_url)
        self.host, self.port, self.timeout = parts.hostname, parts.port, timeout
        self.cookies = {}
        self.connection = None

    def request(self, method, path, form=None):
        """(status, headers, body text). A fresh connection after an error, as a browser would."""
        if self.connection is None:
            self.connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = None
            raise
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, response.headers, text

    def home(self):
        """The form fields of the home page's *Ich bin da* button."""
        status, _, html = self.request("GET", "/")
        if status != 200:
            raise RuntimeError(f"GET / answered {status}")
        return {name: re.search(HIDDEN.format(name), html).group(1) for name in ("csrf_token", "ticket")}

    def checkin(self, form=None):
        """Tap *Ich bin da*. True when the kiosk answered with the next step (the visitor was counted)."""
        status, _, _ = self.request("POST", "/checkin", form or self.home())
        return status == 302

    def login(self, username, password):
        _, _, html = self.request("GET", "/admin/login")
        token = re.search(HIDDEN.format("csrf_token"), html).group(1)
        status, _, _ = self.request("POST", "/admin/login",
                                    {"username": username, "password": password, "csrf_token": token})
        return status == 302

    def close(self):
        if self.connection is not None:
            self.connection.close()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def kiosk_command():
    """The ``kiosk`` console script; where the project is not installed, the same from this checkout."""
    script = os.path.join(os.path.dirname(sys.executable), "kiosk")
    if os.path.exists(script):
        return [script], {}
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    return [sys.executable, "-c", "from kiosk.__main__ import main; main()"], {"PYTHONPATH": root}


def start_kiosk(folder, database_url, threads=4, port=None, **settings):
    """``kiosk serve`` in its own process, as in production, on a loopback port (a free one unless
    given); counting open all week. Returns (process, base URL) once /health answers."""
    port = port or free_port()
    env = {**os.environ, "KIOSK_DATABASE_URL": database_url, "KIOSK_SECRET_KEY": "served-for-a-test",
           "KIOSK_BACKUP_DIR": os.path.join(folder, "backups"),
           "KIOSK_DROPIN_HOURS": json.dumps([[day, "00:00", "23:59"] for day in range(7)])}
    env.update({f"KIOSK_{name}": json.dumps(value) for name, value in settings.items()})
    command, extra_env = kiosk_command()
    env.update(extra_env)
    server = subprocess.Popen([*command, "serve", "--host", "127.0.0.1", "--port", str(port), "--threads", str(threads)],
                              env=env, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if Tablet(base, timeout=1).request("GET", "/health")[0] == 200:
                return server, base
        except OSError:
            time.sleep(0.05)
    server.kill()
    raise RuntimeError("the kiosk did not start: " + server.stderr.read().decode())
