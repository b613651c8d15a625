"""Every visitor string is translated into English, Turkish and Arabic (German is the source)."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from kiosk.config import Defaults

ROOT = Path(__file__).resolve().parent.parent
SOURCE_LANGUAGE = "de"
TRANSLATED = [lang for lang in Defaults.LANGUAGES if lang != SOURCE_LANGUAGE]
# Both styles are used: gettext's "%(name)s" and str.format's "{name}" (opening-time phrases).
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")


def source_messages():
    """{(msgid, context): location} of every gettext string in kiosk/ and templates/, as pybabel
    finds them; the context tells one German word apart in two meanings ("Start")."""
    found = {}
    method_map = [("kiosk/**.py", "python"), ("templates/**.html", "jinja2")]
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None, "N_": None,
                "pgettext": ((1, "c"), 2)}
    for filename, _lineno, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, keywords=keywords
    ):
        if filename.startswith(("kiosk", "templates")):
            found[message, context] = filename
    return found


@pytest.fixture(scope="module")
def messages():
    return source_messages()


def catalog(lang):
    with open(ROOT / "kiosk" / "translations" / lang / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f)


def test_there_are_visitor_strings(messages):
    assert len(messages) > 50 and ("Ich bin da", None) in messages


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_string_is_translated(messages, lang):
    entries = catalog(lang)
    missing = []
    for (msgid, context), where in messages.items():
        key = msgid[0] if isinstance(msgid, tuple) else msgid
        entry = entries.get(key, context=context)
        strings = [] if entry is None else (entry.string if isinstance(entry.string, tuple) else (entry.string,))
        if entry is None or entry.fuzzy or not strings or not all(strings):
            missing.append(f"{where}: {key!r}")
    assert missing == [], f"{len(missing)} untranslated for {lang} (run `make messages`, then translate)"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_placeholders_survive_translation(lang):
    for entry in catalog(lang):
        if not entry.id:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        expected = placeholders(ids[-1])
        for string in strings:
            if string:
                found = placeholders(string)
                assert found <= expected | placeholders(ids[0]), (lang, entry.id, string)
                if "num" not in expected:  # a plural form may leave out the number ("ein Teil")
                    assert found == expected, (lang, entry.id, string)


def placeholders(text):
    return {percent or brace for percent, brace in PLACEHOLDER.findall(text)}
