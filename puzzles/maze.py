"""Maze (Labyrinth): a perfect maze, exactly one way between any two cells.

Levels
------
All levels use the "growing tree" algorithm: keep a list of cells that may still grow, and at every
step carve a passage from one of them into an unvisited neighbour. Which cell grows decides the
character of the maze:

* easy:   6×6, always the newest cell (this is the recursive backtracker): long winding
          corridors with few forks, so there are few wrong turns for a first try.
* medium: 10×10, mostly the newest cell, sometimes a random one: corridors with some branches.
* hard:   15×15, mostly a random cell (close to Prim's algorithm): many short dead ends, so
          there is a decision at almost every step.

The start is the top-left cell and the goal the bottom-right cell.

Walls
-----
``data["walls"][r][c]`` is a bitmask of the walls around cell (r, c) that are present:
N=1, E=2, S=4, W=8. The wall between two neighbours is stored in both cells, and the outer border
is always closed.
"""

from __future__ import annotations

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
NEWEST_SHARE = {"easy": 1.0, "medium": 0.75, "hard": 0.25}
STYLE = {"easy": "long corridors", "medium": "corridors and branches", "hard": "many branches"}


def generate(seed, level: str, size: int | None = None) -> Puzzle:
    seed, level = check_seed(seed), check_level(level)
    size = pick_size(NAME, level, size, SIZES, LEVEL_SIZES)
    rng = rng_for(NAME, seed, level, size)
    walls = _carve(size, size, NEWEST_SHARE[level], rng)
    start, goal = (0, 0), (size - 1, size - 1)
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
    r, c = rng.randrange(rows), rng.randrange(cols)
    visited[r][c] = True
    growing = [(r, c)]
    while growing:
        index = -1 if rng.random() < newest_share else rng.randrange(len(growing))
        r, c = growing[index]
        fresh = [
            (wall, r + dr, c + dc, back)
            for wall, (dr, dc, back) in MOVES.items()
            if 0 <= r + dr < rows and 0 <= c + dc < cols and not visited[r + dr][c + dc]
        ]
        if not fresh:
            growing.pop(index)
            continue
        wall, nr, nc, back = rng.choice(fresh)
        walls[r][c] &= ~wall
        walls[nr][nc] &= ~back
        visited[nr][nc] = True
        growing.append((nr, nc))
    return walls


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
