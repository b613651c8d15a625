"""Translations staff write for their own content: names of offers, titles of craft sheets.
Rows without a translations column (a place, a phone) always show their German, marked.

Stored beside the German text as JSON, ``{"tr": {"name": "…"}}`` (kiosk.db.JSONTextField). A visitor sees their language
where staff wrote it and the German text otherwise; templates mark that German, so a reader of
Turkish or Arabic knows why this line is not in their language.
"""

from typing import NamedTuple

from flask import current_app
from flask_babel import get_locale

SOURCE_LANGUAGE = "de"


class Shown(NamedTuple):
    text: str
    lang: str  # the language of ``text``, for the lang attribute
    fallback: bool  # German shown because no translation exists


def translations_of(row) -> dict:
    """The row's translations ({} for a row without that column; kiosk.db.JSONTextField reads
    damaged text as {})."""
    stored = getattr(row, "translations", None)
    return stored if isinstance(stored, dict) else {}


def visitor_reads_german() -> bool:
    return get_locale().language == SOURCE_LANGUAGE


def translation(row, field) -> str:
    """What staff wrote for ``field`` in the visitor's language ("" where they wrote nothing)."""
    if visitor_reads_german():
        return ""
    return (translations_of(row).get(get_locale().language) or {}).get(field, "").strip()


def shown(row, field) -> Shown:
    """``row.field`` in the visitor's language where staff translated it, else in German."""
    text = translation(row, field)
    if text:
        return Shown(text, get_locale().language, False)
    return Shown(getattr(row, field), SOURCE_LANGUAGE, not visitor_reads_german())


def encode(by_language: dict) -> dict:
    """The translations column's value, without empty texts or languages."""
    kept = {}
    for lang, fields in by_language.items():
        texts = {field: text.strip() for field, text in fields.items() if text and text.strip()}
        if texts:
            kept[lang] = texts
    return kept


def other_languages() -> list[str]:
    """The kiosk's visitor languages besides German: those staff may translate into."""
    return [lang for lang in current_app.config["LANGUAGES"] if lang != SOURCE_LANGUAGE]


def fill_rows(rows, row=None):
    """One form row per other language (a FieldList of forms with a ``lang`` field), pre-filled."""
    stored = translations_of(row) if row is not None else {}
    for lang in other_languages():
        rows.append_entry({"lang": lang, **stored.get(lang, {})})


def from_rows(rows, fields) -> dict:
    """The translations column from those rows; a language the kiosk does not offer is dropped."""
    allowed = other_languages()
    return encode({
        entry.form.lang.data: {field: entry.form[field].data or "" for field in fields}
        for entry in rows if entry.form.lang.data in allowed
    })
