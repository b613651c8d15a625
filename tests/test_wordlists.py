"""The word lists behind the word search: clean, friendly, correctly spelled and usable."""

from pathlib import Path

import pytest

from puzzles import wordsearch as ws

WORDS_DIR = Path(ws.__file__).parent / "words"
LISTS = [(lang, theme) for lang in ws.LANGS for theme in ws.THEMES]
ALPHABET = {
    "de": set("abcdefghijklmnopqrstuvwxyzäöüß") | set("ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÜ"),
    "tr": set("abcçdefgğhıijklmnoöprsştuüvyz"),
}
# A small blocklist: insults, slurs, crude words, and alcohol (many visitors do not drink).
BLOCKLIST = {
    "de": {"arsch", "scheiße", "scheisse", "hure", "nazi", "fotze", "wichser", "schlampe",
           "neger", "kanake", "schwuchtel", "fick", "spast", "depp", "idiot", "bier", "schnaps"},
    "tr": {"sik", "göt", "piç", "amk", "orospu", "ibne", "kahpe", "siktir", "salak", "aptal",
           "gerizekalı", "rakı", "bira", "şarap"},
}


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
        assert word.lower() not in BLOCKLIST[lang], word
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
        assert usable >= 2 * count, f"only {usable} words fit a {size}x{size} grid"
