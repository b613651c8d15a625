"""The word lists behind the word search: clean, friendly, correctly spelled and usable."""

from pathlib import Path

import pytest

from puzzles import wordsearch as ws

WORDS_DIR = Path(ws.__file__).parent / "words"
LISTS = [(lang, theme) for lang in ws.LANGS for theme in ws.THEMES]
ALPHABET = {
    "de": set("abcdefghijklmnopqrstuvwxyzäöüß") | set("ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÜ"),
    "tr": set("abcçdefgğhıijklmnoöprsştuüvyz"),
    "en": set("abcdefghijklmnopqrstuvwxyz"),
}
# Alcohol stays off the lists too (many visitors do not drink); the blocklist files cover the rest.
ALCOHOL = {"de": {"bier", "schnaps", "wein"}, "tr": {"rakı", "bira", "şarap"},
           "en": {"beer", "wine", "vodka"}}
BLOCKLIST_DIR = Path(ws.__file__).parent / "blocklist"
GRID_ALPHABET = {
    "de": set("ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÜ"),
    "tr": set("ABCÇDEFGĞHIİJKLMNOÖPRSŞTUÜVYZ"),
    "en": set("ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
}
MUST_BLOCK = {"de": {"NEGER", "TOD", "TOT", "KOT"},  # named in issue 11
              "tr": {"AMCIK", "YARAK", "AMINA", "GEBER", "AMK", "ÖLÜ"},
              "en": {"NIGGER", "FUCK", "SHIT", "KILL", "DEATH"}}


def test_every_language_has_every_theme_and_nothing_else():
    files = {path.name for path in WORDS_DIR.glob("*.txt")}
    assert files == {f"{lang}_{theme}.txt" for lang, theme in LISTS}


@pytest.mark.parametrize("lang, theme", LISTS)
def test_list_is_clean(lang, theme):
    words = ws.load_words(lang, theme)
    assert len(words) >= 30
    assert len(words) == len(set(words)), "duplicate word"
    in_grid = [ws.grid_letters(word, lang) for word in words]
    assert len(in_grid) == len(set(in_grid)), "two words look the same in the grid"
    for word in words:
        assert set(word) <= ALPHABET[lang], f"{word!r} has a letter outside the alphabet"
        assert word.lower() not in ALCOHOL[lang], word
        if lang == "de":
            assert word[0].isupper() and word[1:].islower(), f"German nouns: {word!r}"


@pytest.mark.parametrize("lang, theme", LISTS)
def test_words_fit_the_grids_they_are_used_in(lang, theme):
    lengths = [len(ws.grid_letters(word, lang)) for word in ws.load_words(lang, theme)]
    longest_anywhere = max(longest for _, longest in ws.WORD_COUNT_AND_LENGTH.values())
    assert all(ws.SHORTEST_WORD <= n <= longest_anywhere for n in lengths), "word never used"
    for size, (count, longest) in ws.WORD_COUNT_AND_LENGTH.items():
        assert longest <= size
        usable = sum(n <= longest for n in lengths)
        # five easy grids' worth even for the smallest grid, so a theme does not repeat quickly
        assert usable >= max(30, 3 * count), f"only {usable} words fit a {size}x{size} grid"


# Jobs whose feminine form is not simply "-in" added (or replacing a final "e"), or that have none.
IRREGULAR_FEMININE = {"Arzt": "Ärztin", "Zahnarzt": "Zahnärztin", "Tierarzt": "Tierärztin",
                      "Koch": "Köchin", "Bauer": "Bäuerin", "Anwalt": "Anwältin"}
NO_FEMININE_FORM = {"Hebamme", "Mönch", "Nonne", "Azubi"}


def test_every_job_is_listed_in_its_feminine_form_too():
    jobs = set(ws.load_words("de", "berufe"))
    longest = max(longest for _, longest in ws.WORD_COUNT_AND_LENGTH.values())
    for job in jobs - NO_FEMININE_FORM:
        if job.endswith("in"):
            continue
        feminine = IRREGULAR_FEMININE.get(job) or job.removesuffix("e") + "in"
        if len(ws.grid_letters(feminine, "de")) <= longest:  # Elektrikerin would never fit
            assert feminine in jobs, f"{job} without {feminine}"
    assert {"Lehrerin", "Fahrerin", "Ärztin", "Köchin"} <= jobs


def test_there_is_a_blocklist_for_every_language_and_nothing_else():
    assert {path.name for path in BLOCKLIST_DIR.iterdir()} == {f"{lang}.txt" for lang in ws.LANGS}


@pytest.mark.parametrize("lang", ws.LANGS)
def test_blocklist_is_well_formed(lang):
    text = (BLOCKLIST_DIR / f"{lang}.txt").read_text(encoding="utf-8")
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert any("LDNOOBW" in line for line in header), "the file says where its words come from"
    words = ws.load_blocklist(lang)
    assert len(words) >= 60, "dozens of words"
    assert len(words) == len(set(words)), "duplicate word"
    assert MUST_BLOCK[lang] <= set(words)
    for word in words:
        assert set(word) <= GRID_ALPHABET[lang], f"{word!r} is not in the grid's letters"
        assert len(word) >= ws.SHORTEST_WORD, word
        # a word that contains another listed word adds nothing: the shorter one blocks it already
        assert not any(other != word and other in word for other in words), word


@pytest.mark.parametrize("lang, theme", LISTS)
def test_no_list_word_spells_a_blocked_word_either_way(lang, theme):
    """A word such as REGEN (NEGER backwards) could never stand in a clean grid."""
    for word in ws.load_words(lang, theme):
        letters = ws.grid_letters(word, lang)
        hidden = [b for b in ws.blocked_words(lang) if b in letters or b in letters[::-1]]
        assert hidden == [], f"{word!r} spells {hidden}"
