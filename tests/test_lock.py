"""The locks and pyproject.toml agree: every requirement is bounded below its next major version,
satisfied by the version its lock pins, and every pin carries hashes (``make install`` installs
with --require-hashes). requirements.lock is production; requirements-test.lock adds the test,
benchmark and build tools with the same production pins."""

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)")


def pins(path):
    """{canonical name: (version, number of hashes)} of a lock made by pip-compile --generate-hashes."""
    found, current = {}, None
    for line in Path(path).read_text().splitlines():
        match = PIN.match(line)
        if match:
            current = canonicalize_name(match.group(1))
            found[current] = [match.group(2), 0]
        elif line.strip().startswith("--hash=sha256:") and current:
            found[current][1] += 1
    return {name: tuple(value) for name, value in found.items()}


PRODUCTION = [Requirement(r) for r in PYPROJECT["project"]["dependencies"]
              + PYPROJECT["project"]["optional-dependencies"]["postgres"]]
TOOLS = [Requirement(r) for extra in ("test", "bench") for r in PYPROJECT["project"]["optional-dependencies"][extra]]
BUILD = [Requirement(r) for r in PYPROJECT["build-system"]["requires"]]


@pytest.mark.parametrize("requirement", PRODUCTION + TOOLS, ids=str)
def test_every_requirement_stops_below_its_next_major_version(requirement):
    uppers = [spec for spec in requirement.specifier if spec.operator in ("<", "==", "~=")]
    assert uppers, f"{requirement} has no upper bound"


def disagreements(lock, requirements):
    """What is wrong between a lock and the requirements it must satisfy, as readable lines."""
    locked, wrong = pins(lock), []
    for requirement in requirements:
        name = canonicalize_name(requirement.name)
        if name not in locked:
            wrong.append(f"{requirement.name} is missing from {lock.name}")
        elif not requirement.specifier.contains(locked[name][0], prereleases=True):
            wrong.append(f"{lock.name} pins {name}=={locked[name][0]}, pyproject.toml wants {requirement}")
    return wrong


@pytest.mark.parametrize("lock, requirements", [
    ("requirements.lock", PRODUCTION),
    ("requirements-test.lock", PRODUCTION + TOOLS + BUILD),
])
def test_the_lock_pins_a_version_each_requirement_accepts(lock, requirements):
    assert not disagreements(ROOT / lock, requirements), "run `make lock` (README: Dependencies)"


@pytest.mark.parametrize("lock", ["requirements.lock", "requirements-test.lock"])
def test_every_pin_has_hashes(lock):
    locked = pins(ROOT / lock)
    assert locked and all(hashes for _, hashes in locked.values()), lock


def test_tests_run_on_the_production_pins():
    production, test = pins(ROOT / "requirements.lock"), pins(ROOT / "requirements-test.lock")
    assert {name: version for name, (version, _) in production.items()} == \
        {name: test[name][0] for name in production if name in test}


def test_a_lock_that_disagrees_is_caught(tmp_path):
    text = (ROOT / "requirements.lock").read_text()
    moved = tmp_path / "requirements.lock"
    moved.write_text(re.sub(r"^peewee==\S+", "peewee==5.0.0", text, flags=re.M).replace("segno==", "segnox=="))
    assert disagreements(moved, PRODUCTION) == [
        "requirements.lock pins peewee==5.0.0, pyproject.toml wants peewee<5,>=3.17",
        "segno is missing from requirements.lock"]
