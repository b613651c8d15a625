"""Puzzles made ahead: a new puzzle's page answers without waiting for the puzzle to be made.

A puzzle is a pure function of its address (kind, seed, level, size, and a word search's
language), so made puzzles can be kept and made before anybody asks:

- ``made``: the last few hundred puzzles built, so the redirect after "new puzzle" and a reload,
  the solution, the print sheet and the check do not build the same puzzle again;
- ``ahead``: for each (kind, level, size, language) a visitor has asked for, a couple of seeds
  whose puzzles are already made; "new puzzle" takes one and a background thread makes the next.

The seed in the address is still the whole truth: an address whose puzzle is not kept (another
process, a restart) is built again from its seed, the very same puzzle. Word searches from a staff
list are not kept, because the list may change under the same address.
"""

import secrets
import threading
from collections import OrderedDict, deque

import puzzles

MADE_KEPT = 256  # puzzles kept (a 9x9 sudoku is a few KB)
AHEAD = 2  # seeds made ahead per (kind, level, size, language)


def new_seed() -> str:
    return secrets.token_hex(5)


class ReadyPuzzles:
    def __init__(self, build=None, in_background=True):
        self.build = build or _build
        self.in_background = in_background
        self._lock = threading.Lock()
        self._made: OrderedDict = OrderedDict()
        self._ahead: dict[tuple, deque] = {}
        self._wanted = threading.Condition(self._lock)
        self._thread = None

    def puzzle(self, kind, seed, level, size, lang=None):
        """The puzzle of this address, built now only if it is not kept."""
        key = (kind, seed, level, size, lang)
        with self._lock:
            if key in self._made:
                self._made.move_to_end(key)
                return self._made[key]
        made = self.build(kind, seed, level, size, lang)
        self._keep(key, made)
        return made

    def take_seed(self, kind, level, size, lang=None) -> str:
        """A fresh seed for "new puzzle", whose puzzle is made already when one is ready."""
        shape = (kind, level, size, lang)
        with self._lock:
            seeds = self._ahead.setdefault(shape, deque())
            seed = seeds.popleft() if seeds else None
            self._wanted.notify()
        if not self.in_background:
            self.make_ahead()
        else:
            self._start()
        return seed or new_seed()

    def make_ahead(self):
        """Make the puzzles that are missing ahead; returns how many were made."""
        made = 0
        while (shape := self._missing()) is not None:
            kind, level, size, lang = shape
            seed = new_seed()
            try:
                self._keep((kind, seed, level, size, lang), self.build(kind, seed, level, size, lang))
            except puzzles.PuzzleError:
                with self._lock:
                    self._ahead.pop(shape, None)  # a shape the library refuses is never asked again
                continue
            with self._lock:
                self._ahead[shape].append(seed)
            made += 1
        return made

    def _missing(self):
        with self._lock:
            return next((shape for shape, seeds in self._ahead.items() if len(seeds) < AHEAD), None)

    def _keep(self, key, made):
        with self._lock:
            self._made[key] = made
            self._made.move_to_end(key)
            while len(self._made) > MADE_KEPT:
                self._made.popitem(last=False)

    def _start(self):
        with self._lock:
            if self._thread is not None:
                return
            self._thread = threading.Thread(target=self._run, name="puzzles-ahead", daemon=True)
        self._thread.start()

    def _run(self):
        while True:
            self.make_ahead()
            with self._lock:
                self._wanted.wait_for(lambda: any(len(s) < AHEAD for s in self._ahead.values()))


def _build(kind, seed, level, size, lang):
    if kind == "wordsearch":
        return puzzles.puzzle_type(kind).generate(seed, level, size, lang=lang)
    return puzzles.generate(kind, seed, level, size)
