"""Maze (Labyrinth): a perfect maze, exactly one way between any two cells.

Levels
------
All levels use the "growing tree" algorithm: keep a list of cells that may still grow, and at every
step carve a passage from one of them into an unvisited neighbour. Which cell grows decides the
character of the maze:

* easy:   6×6, always the newest cell (this is the recursive backtracker): long winding
          corridors with few forks, so there are few wrong turns for a first try.
* medium: 10×10, mostly the newest cell, sometimes a random one: corridors with some branches.
* hard:   15×15, the newest or a random cell half the time each: many dead ends, so there is a
          decision at almost every step. A random cell alone (Prim's algorithm) would give even
          more dead ends but a *shorter* way than medium, so of several such mazes the one with
          the longest way plus the most dead ends is kept: at every size, hard then has both a
          longer way and more dead ends than medium (see tests/test_maze.py for the figures).

The start is the top-left cell and the goal the bottom-right cell.

Walls
-----
``data["walls"][r][c]`` is a bitmask of the walls around cell (r, c) that are present:
N=1, E=2, S=4, W=8. The wall between two neighbours is stored in both cells, and the outer border
is always closed.
"""

from __future__ import annotations

from functools import cache

from .base import Check, Puzzle, check_level, check_seed, rng_for
from .grid import as_cell, as_list, check_kind, pick_size

NAME = "maze"
SIZES = (6, 10, 15)
LEVEL_SIZES = {"easy": 6, "medium": 10, "hard": 15}

NORTH, EAST, SOUTH, WEST = 1, 2, 4, 8
ALL_WALLS = NORTH | EAST | SOUTH | WEST
# wall -> (row step, column step, the same wall seen from the neighbour)
MOVES = {
    NORTH: (-1, 0, SOUTH),
    EAST: (0, 1, WEST),
    SOUTH: (1, 0, NORTH),
    WEST: (0, -1, EAST),
}

# level -> how often the newest cell grows (the rest of the time a random one does)
NEWEST_SHARE = {"easy": 1.0, "medium": 0.75, "hard": 0.5}
# level -> of how many carved mazes the one with the longest way plus most dead ends is kept
CANDIDATES = {"easy": 1, "medium": 1, "hard": 12}
STYLE = {"easy": "long corridors", "medium": "corridors and branches", "hard": "many branches"}


def generate(seed, level: str, size: int | None = None) -> Puzzle:
    seed, level = check_seed(seed), check_level(level)
    size = pick_size(NAME, level, size, SIZES, LEVEL_SIZES)
    rng = rng_for(NAME, seed, level, size)
    start, goal = (0, 0), (size - 1, size - 1)
    candidates = (_carve(size, size, NEWEST_SHARE[level], rng) for _ in range(CANDIDATES[level]))
    walls = max(candidates, key=lambda w: len(_path(w, start, goal)) + dead_ends(w))
    data = {
        "rows": size,
        "cols": size,
        "walls": walls,
        "start": list(start),
        "goal": list(goal),
    }
    path = [list(cell) for cell in _path(walls, start, goal)]
    return Puzzle(NAME, level, seed, size, data, path, STYLE[level])


def _carve(rows, cols, newest_share, rng):
    """Walls of a random spanning tree over the grid, grown from a random cell."""
    walls = [[ALL_WALLS] * cols for _ in range(rows)]
    visited = [[False] * cols for _ in range(rows)]
    neighbours = _neighbours(rows, cols)
    r, c = rng.randrange(rows), rng.randrange(cols)
    visited[r][c] = True
    growing = [(r, c)]
    while growing:
        index = -1 if rng.random() < newest_share else rng.randrange(len(growing))
        r, c = growing[index]
        fresh = [move for move in neighbours[r][c] if not visited[move[1]][move[2]]]
        if not fresh:
            growing.pop(index)
            continue
        wall, nr, nc, back = rng.choice(fresh)
        walls[r][c] &= ~wall
        walls[nr][nc] &= ~back
        visited[nr][nc] = True
        growing.append((nr, nc))
    return walls


@cache
def _neighbours(rows, cols):
    """Per cell, (wall, neighbour row, neighbour column, the neighbour's wall) inside the grid."""
    return tuple(
        tuple(tuple((wall, r + dr, c + dc, back) for wall, (dr, dc, back) in MOVES.items()
                    if 0 <= r + dr < rows and 0 <= c + dc < cols) for c in range(cols))
        for r in range(rows)
    )


def dead_ends(walls) -> int:
    """How many cells have a single way out (three walls): each is a wrong turn to back out of."""
    return sum(1 for row in walls for cell in row if cell.bit_count() == 3)


def open_neighbours(walls, cell):
    """The cells one step from ``cell`` with no wall in between."""
    r, c = cell
    return [(r + dr, c + dc) for wall, (dr, dc, _) in MOVES.items() if not walls[r][c] & wall]


def _path(walls, start, goal):
    """The one path from start to goal (depth-first search; a tree has no other)."""
    came_from = {start: None}
    todo = [start]
    while todo:
        cell = todo.pop()
        if cell == goal:
            break
        for nxt in open_neighbours(walls, cell):
            if nxt not in came_from:
                came_from[nxt] = cell
                todo.append(nxt)
    path = [goal]
    while path[-1] != start:
        path.append(came_from[path[-1]])
    return path[::-1]


def check(puzzle: Puzzle, answer) -> Check:
    """``answer`` is the list of cells the finger went through, ``[[r, c], ...]``.

    Each step must go to a neighbouring cell without a wall in between (staying on a cell is
    fine); every step that does not is reported in ``wrong`` as ``[[r1, c1], [r2, c2]]``. Going
    back out of a dead end is allowed. Solved when the trace begins on the start, reaches the
    goal and has no wrong step.
    """
    check_kind(puzzle, NAME)
    rows, cols, walls = puzzle.data["rows"], puzzle.data["cols"], puzzle.data["walls"]
    cells = [as_cell(cell, rows, cols) for cell in as_list(answer, "an answer")]
    wrong = [
        [list(here), list(there)]
        for here, there in zip(cells, cells[1:])
        if here != there and there not in open_neighbours(walls, here)
    ]
    start, goal = tuple(puzzle.data["start"]), tuple(puzzle.data["goal"])
    solved = bool(cells) and cells[0] == start and goal in cells and not wrong
    return Check(solved=solved, wrong=wrong, missing=0 if solved else 1)
