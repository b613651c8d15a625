"""Maze: a perfect maze (a spanning tree of the grid), its one path, and a fair check()."""

from collections import deque
from statistics import mean, median

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from puzzles import LEVELS, Check, Puzzle, PuzzleError, maze

SEEDS = st.text(st.characters(categories=("L", "N", "P")), min_size=1, max_size=20)
# wall bit -> (row step, column step, the wall bit of the neighbour facing back)
SIDES = {1: (-1, 0, 4), 2: (0, 1, 8), 4: (1, 0, 1), 8: (0, -1, 2)}


def passages(walls):
    """Every open wall as a pair of cells, each pair once."""
    size = len(walls)
    return {
        frozenset({(r, c), (r + dr, c + dc)})
        for r in range(size)
        for c in range(size)
        for bit, (dr, dc, _) in SIDES.items()
        if not walls[r][c] & bit
    }


def reachable(open_pairs, start):
    neighbours = {}
    for a, b in open_pairs:
        neighbours.setdefault(a, []).append(b)
        neighbours.setdefault(b, []).append(a)
    seen, todo = {start}, deque([start])
    while todo:
        for other in neighbours.get(todo.popleft(), []):
            if other not in seen:
                seen.add(other)
                todo.append(other)
    return seen


def assert_perfect_maze(walls, size):
    assert len(walls) == size and all(len(row) == size for row in walls)
    for r in range(size):
        for c in range(size):
            cell = walls[r][c]
            assert 0 <= cell <= 15
            for bit, (dr, dc, back) in SIDES.items():
                nr, nc = r + dr, c + dc
                if 0 <= nr < size and 0 <= nc < size:
                    assert bool(cell & bit) == bool(walls[nr][nc] & back), "one-sided wall"
                else:
                    assert cell & bit, "the outer border must be closed"
    open_pairs = passages(walls)
    # connected with cells - 1 passages: a spanning tree, so no cycles and one way between cells
    assert len(open_pairs) == size * size - 1
    assert len(reachable(open_pairs, (0, 0))) == size * size


@settings(max_examples=150, deadline=None)
@given(seed=SEEDS, level=st.sampled_from(LEVELS))
def test_maze_is_perfect_and_solution_walks_from_start_to_goal(seed, level):
    puzzle = maze.generate(seed, level)
    size = maze.LEVEL_SIZES[level]
    data = puzzle.data
    assert puzzle.size == data["rows"] == data["cols"] == size
    assert data["start"] == [0, 0] and data["goal"] == [size - 1, size - 1]
    assert_perfect_maze(data["walls"], size)

    path = [tuple(cell) for cell in puzzle.solution]
    assert path[0] == (0, 0) and path[-1] == (size - 1, size - 1)
    assert len(set(path)) == len(path), "the path never visits a cell twice"
    open_pairs = passages(data["walls"])
    assert all(frozenset(step) in open_pairs for step in zip(path, path[1:]))
    assert maze.check(puzzle, puzzle.solution) == Check(solved=True, wrong=[], missing=0)


def dead_end_share(puzzle):
    walls = [cell for row in puzzle.data["walls"] for cell in row]
    return sum(bin(cell).count("1") == 3 for cell in walls) / len(walls)


def test_hard_mazes_branch_more_than_easy_ones():
    """Same size, different style: the hard algorithm leaves many more dead ends."""
    easy = mean(dead_end_share(maze.generate(str(s), "easy", size=10)) for s in range(20))
    hard = mean(dead_end_share(maze.generate(str(s), "hard", size=10)) for s in range(20))
    assert hard > easy + 0.08


def way_and_dead_ends(level, size, seeds=100):
    """Median moves from start to goal and median dead ends over ``seeds`` mazes."""
    puzzles = [maze.generate(f"level-{n}", level, size) for n in range(seeds)]
    ways = [len(p.solution) - 1 for p in puzzles]
    dead_ends = [sum(cell.bit_count() == 3 for row in p.data["walls"] for cell in row)
                 for p in puzzles]
    return median(ways), median(dead_ends)


@pytest.mark.parametrize("size", maze.SIZES)
def test_hard_mazes_have_a_longer_way_and_more_dead_ends_than_medium_at_every_size(size):
    """Hard was once *shorter* than medium at the same size (15x15: 48 against 34 moves)."""
    easy, medium, hard = (way_and_dead_ends(level, size) for level in LEVELS)
    assert hard[0] > medium[0] and hard[1] > medium[1], (medium, hard)
    assert medium[1] > easy[1], (easy, medium)


@pytest.mark.parametrize("level", LEVELS)
def test_same_arguments_give_the_same_maze(level):
    first = maze.generate("2026-11-26", level)
    assert maze.generate("2026-11-26", level) == first
    assert maze.generate("2026-11-27", level).data != first.data


@pytest.mark.parametrize("size", [5, 16, True, "6"])
def test_unknown_sizes_are_refused(size):
    with pytest.raises(PuzzleError):
        maze.generate("1", "easy", size)


# --- check() -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def puzzle():
    return maze.generate("check", "hard")


def blocked_step(puzzle):
    """Two neighbouring cells with a wall between them."""
    walls = puzzle.data["walls"]
    for r, row in enumerate(walls):
        for c in range(len(row) - 1):
            if row[c] & 2:
                return [r, c], [r, c + 1]
    raise AssertionError("a perfect maze of this size has inner walls")


def dead_end_detour(puzzle):
    """A neighbour off the solution path, to walk into and back out of."""
    path = [tuple(cell) for cell in puzzle.solution]
    for cell in path:
        for pair in passages(puzzle.data["walls"]):
            if cell in pair:
                (other,) = pair - {cell}
                if other not in path:
                    return cell, other
    raise AssertionError("a hard maze has side branches")


def test_going_into_a_side_branch_and_back_still_solves(puzzle):
    cell, side = dead_end_detour(puzzle)
    path = [tuple(c) for c in puzzle.solution]
    at = path.index(cell)
    trace = [list(c) for c in path[: at + 1] + [side, cell, cell] + path[at + 1 :]]
    assert maze.check(puzzle, trace) == Check(solved=True, wrong=[], missing=0)


def test_unfinished_or_misplaced_traces_are_not_solved(puzzle):
    path = puzzle.solution
    assert maze.check(puzzle, []) == Check(solved=False, wrong=[], missing=1)
    assert maze.check(puzzle, path[:-1]) == Check(solved=False, wrong=[], missing=1)
    assert maze.check(puzzle, path[::-1]) == Check(solved=False, wrong=[], missing=1)


def test_steps_through_walls_or_jumps_are_wrong(puzzle):
    here, there = blocked_step(puzzle)
    assert maze.check(puzzle, [here, there]) == Check(solved=False, wrong=[[here, there]], missing=1)
    # a trace that reaches the goal through a wall is not solved either
    shortcut = puzzle.solution + [here, there] + puzzle.solution
    assert not maze.check(puzzle, shortcut).solved
    jump = [[0, 0], [2, 0]]
    assert maze.check(puzzle, jump).wrong == [jump]


@pytest.mark.parametrize(
    "answer",
    [None, "0,0", [0, 0], [[0]], [[0, 0, 0]], [[0, 15]], [[-1, 0]], [[False, 0]], [["0", 0]],
     [[0.5, 0]], [{"r": 0, "c": 0}]],
)
def test_malformed_answers_are_refused(puzzle, answer):
    with pytest.raises(PuzzleError):
        maze.check(puzzle, answer)


def test_check_refuses_another_kind_of_puzzle(puzzle):
    other = Puzzle("nonogram", "hard", "1", 15, puzzle.data, puzzle.solution)
    with pytest.raises(PuzzleError):
        maze.check(other, puzzle.solution)
