"""Shared by the sudoku and futoshiki tests: both check an answer grid against one solution."""


def drawn_answer(puzzle, data, draw_digit):
    """The givens with every open cell filled by ``draw_digit`` (0 = left empty), and what
    check() must say about it: the wrong cells and how many are still missing."""
    answer = [list(row) for row in puzzle.data["givens"]]
    wrong, missing = [], 0
    for r, row in enumerate(answer):
        for c, given in enumerate(row):
            if given:
                continue
            row[c] = data.draw(draw_digit)
            if row[c] == 0:
                missing += 1
            elif row[c] != puzzle.solution[r][c]:
                wrong.append([r, c])
    return answer, wrong, missing
