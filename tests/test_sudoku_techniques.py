"""The sudoku grader recognises each technique, and its 9x9 levels are HoDoKu's levels.

The example grids below were carved by ``puzzles.sudoku`` itself (seeds "find-N" of a search
script, not kept) so that each one is graded with the technique named (swordfish, rarely the
hardest one needed, is the first one needed in its grid): a solver that knows only the easier
techniques gets stuck on it, and at that point the technique must strike a candidate.
The check that the pattern is really that technique is independent: HoDoKu (``hodoku-py``, a port
of the HoDoKu solver, hodoku.sourceforge.net) is given the very same stuck grid, candidates
included, and at least one of the steps its finder for that technique lists there must be struck
by ours entirely. (Not all of them: HoDoKu lists every instance on the unchanged grid, while our
step strikes as it goes, and a strike can turn a later instance into a single. Nor only them, for
the same reason; that whatever we strike is wrong is checked against the solution instead.)
"""

from functools import cache

import pytest
from hodoku import Solver
from hodoku.config import DEFAULT_CONFIG
from hodoku.core.grid import Grid
from hodoku.core.types import SolutionType as S
from hodoku.solver.step_finder import SudokuStepFinder

from puzzles import sudoku

# technique -> (givens row after row, 0 = empty; HoDoKu's names for the same pattern)
EXAMPLES = {
    "locked candidates": (
        "870302004005040000000005030004010570080060010003000000020000000000009100400020809",
        {S.LOCKED_CANDIDATES_1, S.LOCKED_CANDIDATES_2, S.LOCKED_PAIR, S.LOCKED_TRIPLE}),
    "naked pair": (
        "150970000002000001403000700000000050019060000300002670004000000200100963090007200",
        {S.NAKED_PAIR, S.LOCKED_PAIR}),
    "hidden pair": (
        "000002080700400001010709020000200903000080000600100005000000002067000400803000057",
        {S.HIDDEN_PAIR}),
    "naked triple": (
        "250009000003010040000040200700160000421007000000000000010600082005000760070008004",
        {S.NAKED_TRIPLE, S.LOCKED_TRIPLE}),
    "hidden triple": (
        "400800000000600000507000300800010000003060200000000507000090000010000095300007084",
        {S.HIDDEN_TRIPLE}),
    "X-wing": (
        "030700000801030700040080050009000002002009805005002310750040080008000000090500000",
        {S.X_WING}),
    "swordfish": (  # graded turbot fish: swordfish is needed first, turbot fish later
        "970000500002000100000005080090000603000080000030010090000470308004900000150630900",
        {S.SWORDFISH}),
    "turbot fish": (
        "800000000345000070600805000007004200000010060004050109406020000023106008000003400",
        {S.SKYSCRAPER, S.TWO_STRING_KITE, S.TURBOT_FISH}),
    "XY-wing": (
        "150970000002000001003000700000000050019060000300002670004000000200100963090007200",
        {S.XY_WING}),
    "XYZ-wing": (
        "010009000000020005700581000000100307580090002060700000074000008190000000000060040",
        {S.XYZ_WING}),
}


def stuck_before(technique, givens):
    """The solver state where every technique easier than ``technique`` is stuck."""
    shape = sudoku.shape_of(9)
    values, candidates = sudoku.start(shape, givens)
    index = sudoku.TECHNIQUES.index(technique)
    sudoku.apply_steps(shape, values, candidates, sudoku._STEPS[:index])
    return shape, values, candidates


def struck(before, after):
    """{(cell, digit)} removed between two candidate lists."""
    return {(cell, digit) for cell, (old, new) in enumerate(zip(before, after))
            for digit in range(1, 10) if old >> (digit - 1) & 1 and not new >> (digit - 1) & 1}


def test_every_technique_has_an_example():
    assert set(EXAMPLES) == set(sudoku.TECHNIQUES) - {"naked single", "hidden single"}


@pytest.mark.parametrize("technique", list(EXAMPLES))
def test_the_example_needs_its_technique(technique):
    text, _ = EXAMPLES[technique]
    givens = [[int(ch) for ch in text[r * 9 : r * 9 + 9]] for r in range(9)]
    index = sudoku.TECHNIQUES.index(technique)
    solved, hardest = sudoku.solve_logically(9, givens)
    assert solved is not None
    assert hardest == index or technique == "swordfish" and hardest > index
    stuck, _ = sudoku.solve_logically(9, givens, index - 1)
    assert stuck is None


@pytest.mark.parametrize("technique", list(EXAMPLES))
def test_the_technique_strikes_only_wrong_candidates(technique):
    text, _ = EXAMPLES[technique]
    shape, values, candidates = stuck_before(technique, [int(ch) for ch in text])
    solution, _ = sudoku.solve_logically(9, [[int(ch) for ch in text[r * 9 : r * 9 + 9]]
                                             for r in range(9)])
    flat_solution = [d for row in solution for d in row]
    before = list(candidates)
    assert sudoku._STEPS[sudoku.TECHNIQUES.index(technique)](shape, values, candidates)
    removed = struck(before, candidates)
    assert removed
    assert all(flat_solution[cell] != digit for cell, digit in removed)


@pytest.mark.parametrize("technique", list(EXAMPLES))
def test_we_strike_what_hodoku_strikes_with_the_same_technique(technique):
    text, hodoku_names = EXAMPLES[technique]
    shape, values, candidates = stuck_before(technique, [int(ch) for ch in text])
    before = list(candidates)
    sudoku._STEPS[sudoku.TECHNIQUES.index(technique)](shape, values, candidates)
    ours = struck(before, candidates)

    grid = Grid()
    grid.set_sudoku("".join(str(d) for d in values))
    for cell, mask in enumerate(before):
        if not values[cell]:
            for digit in range(1, 10):
                if not mask >> (digit - 1) & 1 and digit in grid.get_candidates(cell):
                    grid.del_candidate(cell, digit)
    finder = SudokuStepFinder(grid, DEFAULT_CONFIG.find_all_search)
    theirs = [{(c.index, c.value) for c in step.candidates_to_delete}
              for name in hodoku_names for step in finder.find_all(name)]
    assert any(step <= ours for step in theirs)


# --- levels against HoDoKu's rating ----------------------------------------------------------

HODOKU_LEVEL = {"easy": "EASY", "medium": "MEDIUM", "hard": "HARD"}


@cache
def hodoku_level(seed, level):
    """HoDoKu's level for one puzzle (55 ms of CPU each): the sample is the first 24 seeds of the
    slow check, so a full run rates each puzzle once."""
    givens = sudoku.generate(seed, level, 9).data["givens"]
    return _rater().rate("".join(str(d) for row in givens for d in row)).level.name


@cache
def _rater():
    return Solver()


def share_rated_as_level(level, seeds):
    rated = [hodoku_level(seed, level) for seed in seeds]
    return sum(name == HODOKU_LEVEL[level] for name in rated) / len(rated)


HODOKU_SEEDS = [f"hodoku-many-{n}" for n in range(200)]


@pytest.mark.parametrize("level", list(HODOKU_LEVEL))
def test_9x9_levels_are_hodokus_levels_on_a_sample(level):
    assert share_rated_as_level(level, HODOKU_SEEDS[:24]) >= 0.9


@pytest.mark.slow
@pytest.mark.parametrize("level", list(HODOKU_LEVEL))
def test_9x9_levels_are_hodokus_levels_in_nine_of_ten(level):
    assert share_rated_as_level(level, HODOKU_SEEDS) >= 0.9
