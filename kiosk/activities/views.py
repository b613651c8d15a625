"""Rätsel & Basteln: brain teasers from the ``puzzles`` library and craft sheets, for visitors.

A puzzle's address carries everything needed to rebuild it (kind, level, size, seed), so a
reload, the print sheet, the solution and the check endpoint all make the very same puzzle
without storing anything. Picking a puzzle, solving and printing it are counted, nothing else.
"""

import re
import secrets
from datetime import date
from functools import cache

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request, session, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _

import puzzles
from kiosk import clock
from kiosk.activities import crafts, ready, uploads
from kiosk.activities.labels import (
    KIND_HOW,
    KIND_LINES,
    KIND_NAMES,
    KIND_RULES,
    LEVEL_DOTS,
    LEVEL_NAMES,
    SCREEN_RULES,
    SIZE_NAMES,
)
from kiosk.checkin import counting
from kiosk.models import WordList
from puzzles import LEVELS, PuzzleError

bp = Blueprint("activities", __name__, url_prefix="/activities")

# Seeds we make are short hex strings or dates; nothing else is accepted in an address.
SEED = re.compile(r"[A-Za-z0-9-]{1,32}")
LIST_THEME = "list-"  # a word search's theme name when it comes from staff list N: "list-N"



def puzzle_kinds():
    return puzzles.kinds()


def level_sizes(kind) -> dict | None:
    """{level: size} for kinds whose level decides the size (the modules name it differently)."""
    module = puzzles.puzzle_type(kind)
    return getattr(module, "LEVEL_SIZES", None) or getattr(module, "DEFAULT_SIZES", None)


def visitor_chooses_size(kind) -> bool:
    """Sudoku comes in sizes a visitor picks; for other kinds the level decides the size."""
    return level_sizes(kind) is None


def size_choices(kind):
    return puzzles.puzzle_type(kind).SIZES


def size_for_level(kind, level) -> int:
    """The size a level gets when the visitor does not choose one: the level's own, or the
    smallest for easy, the middle for medium, the largest for hard."""
    if not visitor_chooses_size(kind):
        return level_sizes(kind)[level]
    sizes = size_choices(kind)
    return sizes[min(LEVELS.index(level) * len(sizes) // len(LEVELS), len(sizes) - 1)]


def wordsearch_lang() -> str:
    """Word search letters in the screen's language where there are lists for it, else German."""
    wordsearch = puzzles.puzzle_type("wordsearch")
    chosen = request.args.get("lang") or get_locale().language
    return chosen if chosen in wordsearch.LANGS else "de"


def staff_lists(lang, size) -> list[int]:
    """The ids of the team's active word lists in ``lang`` with enough words for ``size``."""
    fitting_sizes = puzzles.puzzle_type("wordsearch").fitting_sizes
    return [entry.id for entry in WordList.select().where(WordList.active, WordList.lang == lang)
            .order_by(WordList.id) if size in fitting_sizes(entry.word_list(), lang)]


def requested_list() -> int | None:
    """The staff list an address names (``?list=3``), None if it names none."""
    if "list" not in request.args:
        return None
    return request.args.get("list", type=int) or abort(404)


@bp.record_once
def keep_ready_puzzles(state):
    # in tests the puzzles ahead are made at once, so no thread outlives a test
    state.app.extensions["ready_puzzles"] = ready.ReadyPuzzles(in_background=not state.app.testing)


def ready_puzzles() -> ready.ReadyPuzzles:
    return current_app.extensions["ready_puzzles"]


def build_puzzle(kind, level, size, seed, list_id=None):
    """The puzzle an address stands for; anything the library refuses is a calm 404.

    A word search from a staff list names the list in its address (``?list=3``); a list switched
    off since, or in another language, is a 404 like any other address that no longer exists.
    """
    if not SEED.fullmatch(seed) or kind not in puzzle_kinds():
        abort(404)
    try:
        if kind != "wordsearch":
            return ready_puzzles().puzzle(kind, seed, level, size)
        wordsearch, lang = puzzles.puzzle_type(kind), wordsearch_lang()
        if list_id is None:
            return ready_puzzles().puzzle(kind, seed, level, size, lang)
        entry = WordList.get_or_none(WordList.id == list_id, WordList.active, WordList.lang == lang)
        if entry is None:
            abort(404)
        return wordsearch.generate(seed, level, size, theme=f"{LIST_THEME}{entry.id}", lang=lang,
                                   words=entry.word_list())
    except PuzzleError:
        abort(404)


def puzzle_links(p):
    """The addresses of a puzzle's pages; a word search keeps its language (and the staff list it
    comes from) in the address too."""
    where = {"kind": p.kind, "level": p.level, "size": p.size}
    if p.kind == "wordsearch":
        where["lang"] = p.data["lang"]
        if p.data["theme"].startswith(LIST_THEME):
            where["list"] = int(p.data["theme"].removeprefix(LIST_THEME))
    return {
        "puzzle": url_for(".puzzle", seed=p.seed, **where),
        "solution": url_for(".solution", seed=p.seed, **where),
        "print": url_for(".print_puzzle", seed=p.seed, **where),
        "check": url_for(".check", seed=p.seed, **where),
        "new": url_for(".new_puzzle", **{key: value for key, value in where.items() if key != "list"}),
    }


def day_kind(day: date) -> str:
    """The kind of the puzzle of the day: the kinds take turns, one a day."""
    return puzzle_kinds()[day.toordinal() % len(puzzle_kinds())]


@cache
def kind_examples():
    """A tiny solved puzzle per kind for the overview cards (always the same, so made once)."""
    examples = {}
    for kind in puzzle_kinds():
        sizes = size_choices(kind)
        examples[kind] = puzzles.generate(kind, "beispiel", "easy", min(sizes))
    return examples


# Names and helpers the templates use, macros included (globals reach imported macros).
for template_name, helper in {"kind_name": KIND_NAMES.get, "level_name": LEVEL_NAMES.get,
                              "level_dots": LEVEL_DOTS.get}.items():
    bp.add_app_template_global(helper, template_name)


@bp.get("/")
def overview():
    today = clock.berlin_now().date()
    return render_template(
        "visitor/activities/overview.html",
        kinds=puzzle_kinds(),
        lines=KIND_LINES,
        examples=kind_examples(),
        day_kind=day_kind(today),
        levels=LEVELS,
        has_crafts=crafts.visible_sheets().exists(),
    )


@bp.get("/today/<level>")
def puzzle_of_the_day(level):
    """The same puzzle for everybody today: the date is the seed (``puzzles.puzzle_of_the_day``),
    and a word search in the visitor's letters, as from the menu."""
    if level not in LEVELS:
        abort(404)
    today = clock.berlin_now().date()
    kind = day_kind(today)
    p = build_puzzle(kind, level, size_for_level(kind, level), today.isoformat())
    counting.count_event(f"activity:{kind}:{level}")
    return redirect(puzzle_links(p)["puzzle"])


@bp.get("/<kind>")
def choose(kind):
    """One decision per screen: the size first where the visitor chooses it, then the level."""
    if kind not in puzzle_kinds():
        abort(404)
    size = request.args.get("size", type=int) if visitor_chooses_size(kind) else None
    if visitor_chooses_size(kind) and size not in size_choices(kind):
        if "size" in request.args:
            abort(404)
        return render_template("visitor/activities/choose_size.html", kind=kind,
                               sizes=zip(size_choices(kind), SIZE_NAMES))
    levels = [(level, size or size_for_level(kind, level)) for level in LEVELS]
    return render_template("visitor/activities/choose_level.html", kind=kind, levels=levels,
                           size=size)


@bp.get("/<kind>/<level>/<int:size>/new")
def new_puzzle(kind, level, size):
    """A fresh random seed, whose puzzle is mostly made already (kiosk/activities/ready.py);
    picking a puzzle is counted here, so a reload of it is not."""
    if kind not in puzzle_kinds():
        abort(404)
    list_id, lang = None, wordsearch_lang() if kind == "wordsearch" else None
    if kind == "wordsearch":
        # each staff list is one more theme beside the built-in ones, picked as often as each
        themes = puzzles.puzzle_type(kind).THEMES
        list_id = secrets.choice([None] * len(themes) + staff_lists(lang, size))
    usual = list_id is None and level in LEVELS and size in size_choices(kind)  # made ahead only for these
    seed = ready_puzzles().take_seed(kind, level, size, lang) if usual else ready.new_seed()
    p = build_puzzle(kind, level, size, seed, list_id)
    counting.count_event(f"activity:{kind}:{level}")
    return redirect(puzzle_links(p)["puzzle"])


def puzzle_page(kind, level, size, seed, template, solved_view=False, rules=SCREEN_RULES):
    p = build_puzzle(kind, level, size, seed, requested_list())
    return render_template(
        template,
        p=p,
        rules=rules[kind],
        how=KIND_HOW[kind],
        show_solution=solved_view,
        is_day_puzzle=seed == clock.berlin_now().date().isoformat(),
        links=puzzle_links(p),
    )


@bp.app_template_global()
def futoshiki_signs(p):
    """The signs between neighbours as the page draws them: {(r, c, "right"/"down"): sign}.

    The library says "(r1, c1) < (r2, c2)"; the sign opens towards the bigger digit, so across
    it reads < or >, and down it is ∧ (the upper one is smaller) or ∨.
    """
    signs = {}
    for r1, c1, r2, c2, _less_than in p.data["relations"]:
        (top, left), (bottom, _right) = sorted([(r1, c1), (r2, c2)])
        first_is_smaller = (top, left) == (r1, c1)
        if top == bottom:
            signs[top, left, "right"] = "<" if first_is_smaller else ">"
        else:
            signs[top, left, "down"] = "∧" if first_is_smaller else "∨"
    return signs


@bp.app_template_global()
def wordsearch_letters(p):
    """Each word as it is spelled in the grid (ÄÖÜ kept, ß as SS), so the page can cross it off."""
    grid_letters = puzzles.puzzle_type("wordsearch").grid_letters
    return [grid_letters(word, p.data["lang"]) for word in p.data["words"]]


@bp.get("/<kind>/<level>/<int:size>/<seed>")
def puzzle(kind, level, size, seed):
    return puzzle_page(kind, level, size, seed, "visitor/activities/puzzle.html")


@bp.get("/<kind>/<level>/<int:size>/<seed>/solution")
def solution(kind, level, size, seed):
    return puzzle_page(kind, level, size, seed, "visitor/activities/puzzle.html", solved_view=True)


@bp.get("/<kind>/<level>/<int:size>/<seed>/print")
def print_puzzle(kind, level, size, seed):
    response = puzzle_page(kind, level, size, seed, "print/puzzle.html", rules=KIND_RULES)
    counting.count_event(f"puzzle_printed:{kind}")
    return response


@bp.post("/<kind>/<level>/<int:size>/<seed>/check")
def check(kind, level, size, seed):
    """Rebuild the puzzle from its seed and judge the answer; JSON in, JSON out.

    Says how many cells are wrong and which, never the solution. Solving counts once per puzzle:
    the session remembers the last one solved, so a repeated check does not count again.
    """
    p = build_puzzle(kind, level, size, seed, requested_list())
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or "answer" not in body:
        return jsonify(error="bad request"), 400
    try:
        verdict = puzzles.check(p, body["answer"])
    except PuzzleError:
        return jsonify(error="bad answer"), 400
    if verdict.solved:
        key = f"{kind}/{level}/{size}/{seed}"
        if session.get("solved") != key:
            session["solved"] = key
            counting.count_event(f"puzzle_solved:{kind}")
    return jsonify(solved=verdict.solved, wrong=verdict.wrong, missing=verdict.missing,
                   message=check_message(kind, verdict))


def check_message(kind, verdict) -> str:
    """What the check button says: how much is right, without giving the answer away."""
    if verdict.solved:
        return _("Geschafft! Gut gemacht!")
    wrong, missing = len(verdict.wrong), verdict.missing
    if kind == "wordsearch":
        if wrong:
            return _("Das ist leider keines der Wörter.")
        return ngettext("Noch %(num)d Wort zu finden.", "Noch %(num)d Wörter zu finden.", missing)
    if kind == "maze":
        if wrong:
            return _("Dort ist eine Wand. Bitte einen anderen Weg versuchen.")
        return _("Der Weg ist noch nicht am Ziel.")
    if kind == "nonogram":
        if wrong:
            return ngettext("%(num)d Kästchen ist zu viel ausgemalt.",
                            "%(num)d Kästchen sind zu viel ausgemalt.", wrong)
        return ngettext("Bis hier alles richtig. Es fehlt noch %(num)d Kästchen.",
                        "Bis hier alles richtig. Es fehlen noch %(num)d Kästchen.", missing)
    if wrong:
        return ngettext("%(num)d Feld stimmt nicht.", "%(num)d Felder stimmen nicht.", wrong)
    return ngettext("Bis hier alles richtig. Noch %(num)d Feld ist frei.",
                    "Bis hier alles richtig. Noch %(num)d Felder sind frei.", missing)


# --- craft sheets, for visitors ----------------------------------------------------------------


@bp.get("/crafts")
def craft_list():
    return render_template("visitor/activities/crafts.html", sheets=list(crafts.visible_sheets()))


@bp.get("/crafts/<int:sheet_id>")
def craft_sheet(sheet_id):
    sheet = crafts.visible_sheet_or_404(sheet_id)
    counting.count_event(f"craft_opened:{sheet.id}")
    return render_template("visitor/activities/craft.html", sheet=sheet)


@bp.get("/crafts/<int:sheet_id>/print")
def print_craft(sheet_id):
    sheet = crafts.visible_sheet_or_404(sheet_id)
    counting.count_event(f"craft_printed:{sheet.id}")
    return render_template("print/craft.html", sheet=sheet)


@bp.get("/crafts/files/<name>")
def craft_file(name):
    """A picture of a visible sheet (an uploaded image, a PDF page, a step's picture)."""
    return uploads.serve_upload(name, visible_only=True)
