"""Puzzles and craft sheets for visitors, and the staff pages that keep them."""
