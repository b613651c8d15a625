"""Word search (Wortsuchrätsel) with German, Turkish and English word lists in five themes.

Levels
------
The level decides in which directions words run, the size decides the grid and the word count:

* easy:   → and ↓ only (reading direction, nothing backwards), 8×8 grid, 6 words of 3–6 letters
* medium: → ↓ and the diagonal ↘, 10×10 grid, 9 words of 3–8 letters
* hard:   all 8 directions, backwards included, 12×12 grid, 12 words of 3–11 letters

How a puzzle is made
--------------------
1. Pick words from the theme's list (``words/<lang>_<theme>.txt``) that fit the grid and where no
   word hides inside another one, forwards or backwards ("Hof" inside "Bahnhof" would be found
   twice).
2. Place them one by one at random in an allowed direction; words may cross on a shared letter.
3. Fill the rest with random letters of the language, weighted by how often they occur in it, so
   the grid looks like the language and not like alphabet soup.
4. Search the whole grid in all 8 directions, placed letters included: if it spells a second
   copy of a word (in any direction, even one the level does not use) or a blocked word, change a
   filler letter there and search again. A copy made only of placed letters (a blocked word across
   two crossing words, say) cannot be repaired, so we start over with the next random numbers.

Blocked words
-------------
``blocklist/<lang>.txt`` lists slurs, insults, vulgar and sexual words and words of death and
violence, in grid letters (the files say where they come from). Visitors in Kreuzberg read German
and Turkish alike, so every grid is kept clear of the blocked words of both languages (an English
grid of the English ones too), as far as its alphabet can spell them. A list word that contains
a blocked word either way round ("REGEN" is "NEGER" backwards) could never stand in a clean grid,
so it is never chosen.

Letters
-------
The grid holds one upper-case letter per cell. Ä, Ö and Ü stay as they are (a reader looks for
"BÄR", not "BAER"). ß becomes "SS", as German upper case writes it: the capital ẞ exists since
2017 but few of our elderly visitors have ever seen it, while "STRASSE" on a sign is familiar.
Turkish upper case has its own rule, i → İ and ı → I, which ``str.upper()`` gets wrong
("kedi" must become "KEDİ", not "KEDI"), so ``grid_letters`` does it by hand.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from itertools import accumulate
from operator import itemgetter
from pathlib import Path

from .base import Check, Puzzle, PuzzleError, check_level, check_seed, rng_for
from .grid import as_cell, as_list, check_kind, pick_size

NAME = "wordsearch"
SIZES = (8, 10, 12)
LEVEL_SIZES = {"easy": 8, "medium": 10, "hard": 12}
LANGS = ("de", "tr", "en")
THEMES = ("kiez", "essen", "tiere", "natur", "berufe")
WORDS_DIR = Path(__file__).parent / "words"

# grid side -> (how many words, longest word in grid letters)
WORD_COUNT_AND_LENGTH = {8: (6, 6), 10: (9, 8), 12: (12, 11)}
SHORTEST_WORD = 3

# (row step, column step) of each direction a word can run in
STEPS = {
    "→": (0, 1), "↓": (1, 0), "↘": (1, 1), "↗": (-1, 1),
    "←": (0, -1), "↑": (-1, 0), "↖": (-1, -1), "↙": (1, -1),
}
LEVEL_DIRECTIONS = {"easy": ("→", "↓"), "medium": ("→", "↓", "↘"), "hard": tuple(STEPS)}

# Letter frequencies in percent (German with ß counted under S; Turkish; English), for the filler.
LETTER_WEIGHTS = {
    "de": {
        "E": 17.40, "N": 9.78, "I": 7.55, "S": 7.58, "R": 7.00, "A": 6.51, "T": 6.15,
        "D": 5.08, "H": 4.76, "U": 4.35, "L": 3.44, "C": 3.06, "G": 3.01, "M": 2.53,
        "O": 2.51, "B": 1.89, "W": 1.89, "F": 1.66, "K": 1.21, "Z": 1.13, "P": 0.79,
        "V": 0.67, "Ü": 0.65, "Ä": 0.54, "Ö": 0.30, "J": 0.27, "Y": 0.04, "X": 0.03,
        "Q": 0.02,
    },
    "tr": {
        "A": 11.92, "E": 8.91, "İ": 8.60, "N": 7.49, "R": 6.72, "L": 5.92, "I": 5.11,
        "D": 4.71, "K": 4.68, "M": 3.75, "Y": 3.34, "T": 3.31, "U": 3.24, "S": 3.01,
        "B": 2.84, "O": 2.48, "Ü": 1.85, "Ş": 1.78, "Z": 1.50, "G": 1.25, "H": 1.21,
        "Ç": 1.16, "Ğ": 1.13, "C": 0.96, "V": 0.96, "P": 0.89, "Ö": 0.78, "F": 0.46,
        "J": 0.03,
    },
    "en": {
        "E": 12.70, "T": 9.06, "A": 8.17, "O": 7.51, "I": 6.97, "N": 6.75, "S": 6.33,
        "H": 6.09, "R": 5.99, "D": 4.25, "L": 4.03, "C": 2.78, "U": 2.76, "M": 2.41, "W": 2.36,
        "F": 2.23, "G": 2.02, "Y": 1.97, "P": 1.93, "B": 1.29, "V": 0.98, "K": 0.77, "J": 0.15,
        "X": 0.15, "Q": 0.10, "Z": 0.07,
    },
}

BLOCKLIST_DIR = Path(__file__).parent / "blocklist"
# whose blocked words a grid in this language is kept clear of: everyone in the room reads German
# or Turkish; English short words hide in too many German ones (ASS in WASSER) to apply there.
READ_BY = {"de": ("de", "tr"), "tr": ("tr", "de"), "en": ("en", "de", "tr")}

PLACEMENT_TRIES = 100  # random spots tried for one word before we start the grid over
REPAIR_ROUNDS = 50  # filler repairs before we start the grid over
MAX_ATTEMPTS = 200  # whole grids; far more than ever needed (see the tests)


def grid_letters(word: str, lang: str) -> str:
    """``word`` as it is written in the grid: upper case by the rules of ``lang``, ß as SS."""
    if lang == "tr":
        word = word.replace("i", "İ").replace("ı", "I")
    else:
        word = word.replace("ß", "SS")
    return word.upper()


@cache
def load_words(lang: str, theme: str) -> tuple[str, ...]:
    """The words of one list, as written (display spelling); ``#`` lines are comments."""
    if lang not in LANGS:
        raise PuzzleError(f"word search speaks {LANGS}, not {lang!r}")
    if theme not in THEMES:
        raise PuzzleError(f"word search themes are {THEMES}, not {theme!r}")
    return _read_lines(WORDS_DIR / f"{lang}_{theme}.txt")


@cache
def load_blocklist(lang: str) -> tuple[str, ...]:
    """The blocked words of one language's file, in grid letters; ``#`` lines are comments."""
    return _read_lines(BLOCKLIST_DIR / f"{lang}.txt")


def _read_lines(path: Path) -> tuple[str, ...]:
    """The non-empty lines of a word file that are no ``#`` comment, stripped."""
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return tuple(line for line in lines if line and not line.startswith("#"))


@cache
def blocked_words(lang: str) -> tuple[str, ...]:
    """Every word a grid in ``lang`` must not spell: the blocklists of its readers, as far as
    the grid's letters can spell them, sorted so that the search order never depends on a hash."""
    alphabet = set(LETTER_WEIGHTS[lang])
    words = {word for reader in READ_BY[lang] for word in load_blocklist(reader)}
    return tuple(sorted(word for word in words if set(word) <= alphabet))


@cache
def _blocked_pattern(lang: str) -> re.Pattern:
    """Finds every blocked word in a text, overlapping ones too (the lookahead consumes nothing),
    the longest one where several start at the same letter.

    The words are spelled as a trie (``A(?:MK|MCIK)|…``): a plain alternation of 150 words makes
    the regex engine try every word at every letter, and this scan runs on every line of every
    grid built (it was a fifth of a word search's time)."""
    return re.compile(f"(?=({_trie_pattern(blocked_words(lang))}))")


def _trie_pattern(words) -> str:
    """A regex matching exactly ``words``, the longest match first, branching one letter at a time."""
    trie = {}
    for word in words:
        node = trie
        for letter in word:
            node = node.setdefault(letter, {})
        node[""] = {}  # a word ends here

    def spelled(node):
        branches = [re.escape(letter) + spelled(child) for letter, child in sorted(node.items()) if letter]
        if not branches:
            return ""
        group = branches[0] if len(branches) == 1 and len(branches[0]) == 1 else f"(?:{'|'.join(branches)})"
        return group + "?" if "" in node else group  # greedy: a longer word is tried first

    return spelled(trie)


@lru_cache(maxsize=4096)  # each generate() asks again for every word of its list
def spells_blocked_word(letters: str, lang: str) -> bool:
    """Whether ``letters`` contain a blocked word read forwards or backwards."""
    pattern = _blocked_pattern(lang)
    return bool(pattern.search(letters) or pattern.search(letters[::-1]))


def refused_words(words, lang: str) -> list[tuple[str, str]]:
    """(word, reason) for each word of a staff list the grids could never use, in list order.

    Reasons: ``"short"`` (fewer than 3 letters), ``"long"`` (longer than the largest grid holds),
    ``"letters"`` (a letter outside the language's grid alphabet: a digit, a space, a letter of
    another script), ``"blocked"`` (contains a blocked word forwards or backwards).
    """
    if lang not in LANGS:
        raise PuzzleError(f"word search speaks {LANGS}, not {lang!r}")
    longest = max(length for _, length in WORD_COUNT_AND_LENGTH.values())
    alphabet = set(LETTER_WEIGHTS[lang])
    refused = []
    for word in words:
        letters = grid_letters(word, lang)
        # ß is German only; upper case would slip it into another language's grid as "SS"
        if not set(letters) <= alphabet or ("ß" in word and lang != "de"):
            refused.append((word, "letters"))
        elif len(letters) < SHORTEST_WORD:
            refused.append((word, "short"))
        elif len(letters) > longest:
            refused.append((word, "long"))
        elif spells_blocked_word(letters, lang):
            refused.append((word, "blocked"))
    return refused


def fitting_sizes(words, lang: str) -> tuple[int, ...]:
    """The grid sizes a list has enough usable words for, counting only words that hide in no other
    list word (those can always be chosen together, so a grid of that size never runs short)."""
    refused = {word for word, _ in refused_words(words, lang)}
    letters = [grid_letters(word, lang) for word in dict.fromkeys(words) if word not in refused]
    free = [a for i, a in enumerate(letters)
            if not any(_hides_in(a, b) for j, b in enumerate(letters) if i != j)]
    return tuple(size for size, (count, longest) in WORD_COUNT_AND_LENGTH.items()
                 if sum(SHORTEST_WORD <= len(a) <= longest for a in free) >= count)


def generate(seed, level: str, size: int | None = None, theme: str | None = None,
             lang: str = "de", words=None) -> Puzzle:
    """The word search for these arguments; ``theme=None`` lets the seed choose the theme.

    The theme is chosen first and the grid's random numbers depend on it, so rebuilding with the
    chosen theme given explicitly (``theme=puzzle.data["theme"]``) yields the very same puzzle.
    ``words`` is a list of one's own (a staff list): then ``theme`` only names it, and the same
    words and name give the same puzzle again.
    """
    seed, level = check_seed(seed), check_level(level)
    size = pick_size(NAME, level, size, SIZES, LEVEL_SIZES)
    if words is not None:
        if lang not in LANGS:
            raise PuzzleError(f"word search speaks {LANGS}, not {lang!r}")
        if size not in fitting_sizes(words, lang):
            raise PuzzleError(f"too few fitting words for a {size}×{size} grid")
        theme = theme or "own"
        words = tuple(dict.fromkeys(words))
    else:
        if theme is None:
            theme = rng_for(f"{NAME}/theme", seed, level, size).choice(THEMES)
        words = load_words(lang, theme)
    rng = rng_for(f"{NAME}/{lang}/{theme}", seed, level, size)

    count, longest = WORD_COUNT_AND_LENGTH[size]
    candidates = [(word, grid_letters(word, lang)) for word in words]
    candidates = [(w, g) for w, g in candidates
                  if SHORTEST_WORD <= len(g) <= longest and set(g) <= set(LETTER_WEIGHTS[lang])
                  and not spells_blocked_word(g, lang)]
    directions = LEVEL_DIRECTIONS[level]
    for _ in range(MAX_ATTEMPTS):
        chosen = _choose_words(candidates, count, rng)
        built = _build_grid(chosen, size, directions, lang, rng)
        if built is not None:
            break
    else:
        raise RuntimeError(f"no word search for {seed!r} {level} {lang}/{theme}")

    letters, placements = built
    data = {
        "rows": size,
        "cols": size,
        "grid": ["".join(row) for row in letters],
        "words": [word for word, _ in chosen],
        "lang": lang,
        "theme": theme,
        "directions": list(directions),
    }
    solution = [
        {"word": word, "start": list(start), "end": list(end)}
        for (word, _), (start, end) in zip(chosen, placements)
    ]
    grade = f"{count} words, directions {' '.join(directions)}"
    return Puzzle(NAME, level, seed, size, data, solution, grade)


def _choose_words(candidates, count, rng):
    """``count`` random (word, grid letters) pairs of which none contains another."""
    pool = candidates[:]
    rng.shuffle(pool)
    chosen = []
    for word, letters in pool:
        if not any(_hides_in(letters, other) for _, other in chosen):
            chosen.append((word, letters))
            if len(chosen) == count:
                return chosen
    raise RuntimeError(f"too few words for {count}: {[w for w, _ in candidates]}")


def _hides_in(a: str, b: str) -> bool:
    """Whether one of the two can be read inside the other, forwards or backwards."""
    return a in b or a in b[::-1] or b in a or b in a[::-1]


def _build_grid(chosen, size, directions, lang, rng):
    """(rows of letters, [(start, end) per word]) or None if this attempt got stuck."""
    letters = [[""] * size for _ in range(size)]
    placements = [None] * len(chosen)
    longest_first = sorted(range(len(chosen)), key=lambda i: -len(chosen[i][1]))
    for i in longest_first:
        spot = _find_spot(letters, chosen[i][1], directions, rng)
        if spot is None:
            return None
        placements[i] = spot

    placed_cells = {cell for start, end in placements for cell in _segment_cells(start, end)}
    alphabet = list(LETTER_WEIGHTS[lang])
    cumulative = list(accumulate(LETTER_WEIGHTS[lang].values()))
    empty = [(r, c) for r in range(size) for c in range(size) if not letters[r][c]]
    for (r, c), letter in zip(empty, rng.choices(alphabet, cum_weights=cumulative, k=len(empty))):
        letters[r][c] = letter

    own_spots = {word: _as_key(spot) for (_, word), spot in zip(chosen, placements)}
    for _ in range(REPAIR_ROUNDS):
        unwanted = _unwanted_copies(letters, own_spots, _blocked_pattern(lang), placed_cells)
        if unwanted is None:
            return None
        if not unwanted:
            return letters, placements
        for cells in unwanted:
            r, c = rng.choice([cell for cell in cells if cell not in placed_cells])
            letters[r][c] = rng.choices(alphabet, cum_weights=cumulative)[0]
    return None


def _find_spot(letters, word, directions, rng):
    """Write ``word`` at a random fitting spot; returns its (start, end) or None."""
    size = len(letters)
    for _ in range(PLACEMENT_TRIES):
        dr, dc = STEPS[rng.choice(directions)]
        end_offset = len(word) - 1
        rows = range(max(0, -dr * end_offset), size - max(0, dr * end_offset))
        cols = range(max(0, -dc * end_offset), size - max(0, dc * end_offset))
        r, c = rng.choice(rows), rng.choice(cols)
        cells = [(r + i * dr, c + i * dc) for i in range(len(word))]
        if all(letters[y][x] in ("", letter) for (y, x), letter in zip(cells, word)):
            for (y, x), letter in zip(cells, word):
                letters[y][x] = letter
            return cells[0], cells[-1]
    return None


def _unwanted_copies(letters, own_spots, blocked, placed_cells):
    """Cells of every copy the filler must change; None if a copy has no filler letter at all.

    ``own_spots`` maps each word's grid letters to its own placement (the one allowed copy);
    ``blocked`` finds the blocked words. Lines run both ways, so backwards copies are found too.
    """
    texts = _line_texts(letters)
    copies = [_segment_cells(*segment)
              for word, own in own_spots.items()
              for segment in _find_word(texts, word) if segment != own]
    copies += [line[match.start():match.start() + len(match[1])]
               for line, text in texts for match in blocked.finditer(text)]
    if any(placed_cells.issuperset(cells) for cells in copies):
        return None
    return copies


@cache
def _lines(size: int) -> tuple[tuple[tuple[int, int], ...], ...]:
    """Every straight line of the grid in all 8 directions, as cell tuples, longest first."""
    lines = []
    for dr, dc in ((0, 1), (1, 0), (1, 1), (-1, 1)):
        starts = {(r, c) for r in range(size) for c in range(size)
                  if not (0 <= r - dr < size and 0 <= c - dc < size)}
        for r, c in sorted(starts):
            line = []
            while 0 <= r < size and 0 <= c < size:
                line.append((r, c))
                r, c = r + dr, c + dc
            lines.append(tuple(line))
    return tuple(lines) + tuple(line[::-1] for line in lines)


@cache
def _line_readers(size: int):
    """(line, a getter of its letters from the grid's letters joined row after row) per line."""
    return tuple((line, itemgetter(*(r * size + c for r, c in line))) for line in _lines(size))


def _line_texts(letters):
    """(line, its text) per line; the letters are picked in C, not cell by cell (a grid is read
    after every repair)."""
    flat = "".join(map("".join, letters))
    return [(line, "".join(read(flat))) for line, read in _line_readers(len(letters))]


def _find_word(texts, word: str) -> set:
    """Every segment where ``word`` can be read, as (first cell, last cell) sorted.

    Sorting the two ends makes a word read backwards the same segment as read forwards, so a
    palindrome counts once, just as a visitor's swipe in either direction does.
    """
    found = set()
    for line, text in texts:
        i = text.find(word)
        while i != -1:
            found.add(_as_key((line[i], line[i + len(word) - 1])))
            i = text.find(word, i + 1)
    return found


def _as_key(segment):
    start, end = segment
    return (min(start, end), max(start, end))


def _segment_cells(start, end):
    (r1, c1), (r2, c2) = start, end
    length = max(abs(r2 - r1), abs(c2 - c1))
    dr, dc = (r2 > r1) - (r2 < r1), (c2 > c1) - (c2 < c1)
    return [(r1 + i * dr, c1 + i * dc) for i in range(length + 1)]


def check(puzzle: Puzzle, answer) -> Check:
    """``answer`` lists the segments found so far, each ``[[r1, c1], [r2, c2]]`` in either order.

    Solved once every word is found; a segment that is no word is reported in ``wrong`` (it does
    not undo the words found).
    """
    check_kind(puzzle, NAME)
    rows, cols = puzzle.data["rows"], puzzle.data["cols"]
    words_at = {_as_key((tuple(s["start"]), tuple(s["end"]))): s["word"] for s in puzzle.solution}
    found, wrong = set(), []
    for raw in as_list(answer, "an answer"):
        segment = as_list(raw, "a segment")
        if len(segment) != 2:
            raise PuzzleError(f"a segment is [start cell, end cell], not {raw!r}")
        start, end = (as_cell(cell, rows, cols) for cell in segment)
        word = words_at.get(_as_key((start, end)))
        if word is None:
            wrong.append([list(start), list(end)])
        else:
            found.add(word)
    missing = len(puzzle.solution) - len(found)
    return Check(solved=missing == 0, wrong=wrong, missing=missing)
