"""Uploaded HSDS files waiting for the staff's confirmation, in the instance folder.

The import page first shows what a file will change and what the kiosk only keeps; the file is
written only when staff confirm. Between the two requests it lies here under a random token (not
in the session cookie: a file is larger than a cookie). A pending file older than a day is removed
the next time anybody uploads one.
"""

import json
import os
import re
import secrets
import time

from flask import current_app

MAX_AGE_SECONDS = 24 * 3600
TOKEN_PATTERN = re.compile(r"[0-9a-f]{32}")


def _folder():
    path = os.path.join(current_app.instance_path, "pending-imports")
    os.makedirs(path, exist_ok=True)
    return path


def store(filename: str, payload: bytes) -> str:
    folder = _folder()
    for name in os.listdir(folder):
        path = os.path.join(folder, name)
        if os.path.getmtime(path) < time.time() - MAX_AGE_SECONDS:
            os.remove(path)
    token = secrets.token_hex(16)
    with open(os.path.join(folder, f"{token}.upload"), "wb") as file:
        file.write(payload)
    with open(os.path.join(folder, f"{token}.json"), "w", encoding="utf-8") as file:
        json.dump({"filename": filename}, file)
    return token


def load(token: str) -> tuple[str, bytes] | None:
    """(file name, content) of a pending upload; None if the token is unknown or expired."""
    if not TOKEN_PATTERN.fullmatch(token):
        return None
    folder = _folder()
    try:
        with open(os.path.join(folder, f"{token}.json"), encoding="utf-8") as file:
            filename = json.load(file)["filename"]
        with open(os.path.join(folder, f"{token}.upload"), "rb") as file:
            return filename, file.read()
    except (OSError, ValueError, KeyError):
        return None


def discard(token: str) -> None:
    if TOKEN_PATTERN.fullmatch(token):
        for suffix in (".upload", ".json"):
            path = os.path.join(_folder(), token + suffix)
            if os.path.exists(path):
                os.remove(path)
