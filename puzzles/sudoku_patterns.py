"""The sudoku techniques beyond pairs and triples that HoDoKu rates HARD: fish, turbot fish, wings.

They work on the solver state of ``puzzles.sudoku`` (flat values, candidate bitmasks with bit d-1
for digit d, 0 once a cell is filled) and on its ``Shape`` (``size``, ``units`` with the rows
first and then the columns, ``peers``). Like every step there, each returns True if it struck a
candidate. None of them guesses: every elimination follows from the pattern alone.

Names and patterns as in HoDoKu's technique pages (hodoku.sourceforge.net/en/tech_fishb.php,
tech_sdp.php, tech_wings.php), which is also the rater the levels are checked against.
"""

from __future__ import annotations

from functools import cache
from itertools import combinations


@cache
def digits_in(size):
    """Per candidate bitmask: the digits in it, as bit indices (digit - 1).

    Looked up by the subset and pattern steps, the hottest loops of carving a hard puzzle:
    cheaper than peeling off the lowest bit again and again.
    """
    return tuple(tuple(d for d in range(size) if mask >> d & 1) for mask in range(1 << size))


@cache
def _peer_sets(shape):
    return tuple(frozenset(peers) for peers in shape.peers)


@cache
def _units_of(shape):
    """Per cell, (unit index, bit of the cell's position in that unit) for the units it lies in."""
    return tuple(tuple((index, 1 << unit.index(cell)) for index, unit in enumerate(shape.units)
                       if cell in unit)
                 for cell in range(shape.cells))


_last_spots = (None, None)  # ((shape, candidates), spots) of the last call


def _spots(shape, candidates):
    """spots[digit][unit]: bitmask of the positions in that unit where the digit still fits.

    The fish and the turbot fish are tried one after the other on the same stuck grid, so the
    table of the last grid is kept and handed out again while the candidates are the same (the
    steps only read it). One tuple, read and replaced whole, so threads cannot mix two grids.
    """
    global _last_spots
    key = (shape, tuple(candidates))
    last_key, last = _last_spots
    if last_key == key:
        return last
    spots = [[0] * len(shape.units) for _ in range(shape.size)]
    digits_of = digits_in(shape.size)
    for mask, units in zip(candidates, _units_of(shape)):
        if mask:
            for digit in digits_of[mask]:
                by_unit = spots[digit]
                for unit, position in units:
                    by_unit[unit] |= position
    _last_spots = (key, spots)
    return spots


def _strike(candidates, cells, bit):
    changed = False
    for cell in cells:
        if candidates[cell] & bit:
            candidates[cell] &= ~bit
            changed = True
    return changed


def basic_fish(count):
    """X-wing (count 2) or swordfish (count 3).

    If in ``count`` rows a digit fits only in the same ``count`` columns, it fills those columns
    there, so it leaves the rest of those columns; the same with rows and columns swapped.
    """

    def step(shape, values, candidates):
        size = shape.size
        positions = digits_in(size)  # the set bits of a position mask, as positions
        found = False
        for digit, by_unit in enumerate(_spots(shape, candidates)):
            bit = 1 << digit
            for first in (0, size):  # the base lines: rows (units 0..size-1), then columns
                lines = by_unit[first : first + size]
                few = [index for index, where in enumerate(lines) if 2 <= where.bit_count() <= count]
                for group in combinations(few, count):
                    where = 0
                    for index in group:
                        where |= lines[index]
                    if where.bit_count() != count:
                        continue
                    for index, spots in enumerate(lines):
                        if spots & where and index not in group:
                            line = shape.units[first + index]
                            cells = [line[p] for p in positions[spots & where]]
                            found |= _strike(candidates, cells, bit)
        return found

    return step


def turbot_fish(shape, values, candidates):
    """Skyscraper, two-string kite and turbot fish: two strong links joined by a weak one.

    A strong link: a unit where a digit fits in exactly two cells, so one of them holds it. With
    links a1=a2 and b1=b2 where a2 sees b1, a1 or b2 holds the digit (if a1 does not, a2 does,
    so b1 does not, so b2 does): any cell that sees both a1 and b2 loses it.
    """
    peers = _peer_sets(shape)
    found = False
    for digit, by_unit in enumerate(_spots(shape, candidates)):
        bit = 1 << digit
        links = set()
        for unit, where in zip(shape.units, by_unit):
            if where.bit_count() == 2:
                low = where & -where
                links.add((unit[low.bit_length() - 1], unit[(where ^ low).bit_length() - 1]))
        if len(links) < 2:
            continue
        ends = [pair for link in links for pair in (link, link[::-1])]
        # Every strike follows from the links alone, so the cells are gathered and struck once.
        targets = set()
        for a1, a2 in ends:
            seen_by_a2 = peers[a2]
            for b1, b2 in ends:
                if b1 in seen_by_a2 and b1 != a1 and b2 != a1 and b2 != a2:
                    targets |= peers[a1] & peers[b2]
        found |= _strike(candidates, targets, bit)
    return found


def xy_wing(shape, values, candidates):
    """A two-candidate cell {x,y} seeing {x,z} and {y,z}: one of those two holds z, so every
    cell that sees both loses z."""
    peers = _peer_sets(shape)
    found = False
    pairs = [cell for cell, mask in enumerate(candidates) if mask.bit_count() == 2]
    for pivot in pairs:
        xy = candidates[pivot]
        wings = [cell for cell in peers[pivot]
                 if candidates[cell].bit_count() == 2 and (candidates[cell] & xy).bit_count() == 1]
        for a, b in combinations(wings, 2):
            z = candidates[a] & ~xy
            if candidates[b] & ~xy == z and (candidates[a] | candidates[b]) & xy == xy:
                found |= _strike(candidates, (peers[a] & peers[b]) - {pivot}, z)
    return found


def xyz_wing(shape, values, candidates):
    """A three-candidate cell {x,y,z} seeing {x,z} and {y,z}: one of the three holds z, so
    every cell that sees all three loses z."""
    peers = _peer_sets(shape)
    found = False
    for pivot, xyz in enumerate(candidates):
        if xyz.bit_count() != 3:
            continue
        wings = [cell for cell in peers[pivot]
                 if candidates[cell].bit_count() == 2 and candidates[cell] & ~xyz == 0]
        for a, b in combinations(wings, 2):
            z = candidates[a] & candidates[b]
            if z.bit_count() == 1 and candidates[a] != candidates[b]:
                found |= _strike(candidates, peers[a] & peers[b] & peers[pivot], z)
    return found
