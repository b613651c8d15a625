"""A tablet (or a staff laptop) talking HTTP to a real kiosk server on loopback.

It follows the check-in protocol of tests/test_checkin.py: GET / for the session cookie, the CSRF
token and a ticket, then POST /checkin; a 302 is the "thank you" a visitor would see.
"""

import http.client
import re
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
