"""Known vulnerabilities of the pinned production dependencies (requirements.lock), from PyPI.

pip-audit asks PyPI about each pinned version (/pypi/NAME/VERSION/json); where that answer is not
available (some registry mirrors serve only /pypi/NAME/json), this asks the project's page, whose
"vulnerabilities" list is about its newest release: that settles every pin that is the newest
release. A pin that is neither is named as not audited. Exit 1 on any known vulnerability.

    .venv/bin/python .ci/audit_lock.py requirements.lock
"""

import json
import sys
import urllib.error
import urllib.request

PYPI = "https://pypi.org/pypi"


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return json.load(response)
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return None
        raise


def pins(path):
    with open(path) as f:
        for line in f:
            line = line.split("#", 1)[0].strip().rstrip("\\").strip()
            if line and not line.startswith("--"):  # pip-compile's "--hash=…" lines follow each pin
                name, version = line.split("==")
                yield name, version


def known_vulnerabilities(name, version):
    """(list of vulnerability ids, audited?) for one pin."""
    release = fetch(f"{PYPI}/{name}/{version}/json")
    if release is not None:
        return [v["id"] for v in release.get("vulnerabilities", [])], True
    project = fetch(f"{PYPI}/{name}/json")
    if project is not None and project["info"]["version"] == version:
        return [v["id"] for v in project.get("vulnerabilities", [])], True
    return [], False


def main(path):
    found, unaudited, audited = [], [], 0
    for name, version in pins(path):
        ids, was_audited = known_vulnerabilities(name, version)
        audited += was_audited
        if not was_audited:
            unaudited.append(f"{name}=={version}")
        found += [f"{name}=={version}: {vid}" for vid in ids]
    print(f"audit of {path}: {audited} pins audited, {len(found)} known vulnerabilities")
    for line in found:
        print("  VULNERABLE", line)
    if unaudited:
        print("  not audited (older than the newest release, and PyPI gave no answer for the pin):",
              ", ".join(unaudited))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "requirements.lock"))
