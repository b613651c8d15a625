"""Cells of the CSV files staff download, made safe to open in a spreadsheet.

Excel and LibreOffice run a cell that starts with = + - @ (or a tab or CR before one) as a formula:
an entry's name "=HYPERLINK(…)" from an imported file would become a link or a calculation on the
office computer. OWASP's advice: such a text starts with an apostrophe, which shows it as text.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _looks_like_a_formula(text: str) -> bool:
    # Apostrophes already in front count too, so that reading a cell back is always exact.
    return text.lstrip("'").startswith(FORMULA_STARTS)


def csv_cell(value):
    """The value as a CSV cell: a text that a spreadsheet would run gets a leading apostrophe.

    Numbers stay numbers (a count of -1 is no formula, and a spreadsheet should sum it)."""
    if isinstance(value, str) and _looks_like_a_formula(value):
        return "'" + value
    return value


def from_csv_cell(text: str) -> str:
    """The text a csv_cell() stood for: our own export reads back unchanged."""
    if text.startswith("'") and _looks_like_a_formula(text[1:]):
        return text[1:]
    return text
