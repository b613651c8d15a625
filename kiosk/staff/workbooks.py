"""XLSX downloads (History, the period report) that open in Excel and LibreOffice in German.

The cells hold real numbers and dates with display formats ("#,##0", "TT.MM.JJJJ" as Excel's
"DD.MM.YYYY"), so a German spreadsheet shows "1.234" and "19.11.2026" and can still sum them.
Text is always stored as text: openpyxl would otherwise turn a note that starts with "=" into a
formula (see kiosk/spreadsheet.py for the CSV side of the same danger).
"""

import io
from datetime import date

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from kiosk.staff import reports, targets

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "DD.MM.YYYY"
MONTH_FORMAT = "MM.YYYY"
WHOLE = "#,##0"
DECIMAL = "#,##0.0"
PERCENT = "0%"


def add_sheet(workbook, title, header, rows, formats=None, widths=None, wrap=False):
    """A sheet with a bold, frozen header row; ``formats`` {column index: number format}.

    The workbook is write-only (openpyxl streams the rows): a year of days is 6,000 cells."""
    sheet = workbook.create_sheet(title)
    sheet.freeze_panes = "A2"
    for column, width in enumerate(widths or [14] * len(header)):
        sheet.column_dimensions[get_column_letter(column + 1)].width = width
    bold = Font(bold=True)
    sheet.append([_cell(sheet, name, font=bold) for name in header])
    for values in rows:
        sheet.append([_cell(sheet, value, (formats or {}).get(column), wrap=wrap and isinstance(value, str))
                      for column, value in enumerate(values)])
    return sheet


def _cell(sheet, value, number_format=None, font=None, wrap=False):
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula
    elif isinstance(value, date):
        cell.number_format = number_format or DATE_FORMAT
    elif isinstance(value, int | float):
        cell.number_format = number_format or (WHOLE if isinstance(value, int) else DECIMAL)
    if font:
        cell.font = font
    if wrap:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    return cell


def finished(workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def history_workbook(first, last, flags, languages=tuple(reports.LANGUAGE_LABELS)) -> bytes:
    """History's figures: per day (as the CSV) and per month."""
    reach = reports.reach_per_day(first, last, flags)
    header, rows = reports.daily_table(first, last, flags, languages, reach)
    workbook = Workbook(write_only=True)
    add_sheet(workbook, "Pro Tag", header, rows, widths=[12, 12] + [14] * (len(header) - 2))
    months = reports.by_month(reports.every_day(first, last, flags))
    reach_header, reach_cells = reports.reach_columns(reports.per_month(reach), languages)
    add_sheet(workbook, "Pro Monat", ["Monat", "Personen", "Check-ins", "Gruppen", "Erstbesuche"]
              + list(reports.CSV_MANUAL_LABELS.values()) + reach_header,
              [[month, fig["people"], fig["checkins"], fig["groups"], fig["first_visits"]]
               + [fig["manual"][k] for k in reports.CSV_MANUAL_LABELS] + reach_cells(month) for month, fig in months],
              formats={0: MONTH_FORMAT}, widths=[12] + [14] * (len(reach_header) + 9))
    return finished(workbook)


def period_workbook(report, narrative, today) -> bytes:
    """The period report: targets with their plain-words line, per month, activities, the text."""
    period = report.period
    workbook = Workbook(write_only=True)
    add_sheet(workbook, "Ziele", ["Ziel", "Anzahl", "pro", "Ziel für", "bisher", "Soll bis heute",
                                  "Hochrechnung", "Stand", "In Worten"],
              [[t.label, t.target.amount, targets.PER[t.target.per],
                round(t.progress.goal), t.progress.so_far, round(t.progress.expected_so_far),
                None if t.progress.projected is None else round(t.progress.projected),
                targets.STATUS[t.progress.status], t.line] for t in report.targets],
              widths=[26, 10, 18, 10, 10, 14, 14, 18, 100])
    add_sheet(workbook, "Pro Monat", ["Ziel", "pro", "Monat", "Soll", "Ist", "Soll kumuliert", "Ist kumuliert"],
              [[t.label, targets.PER[t.target.per], row.month, row.planned, row.counted,
                row.planned_total, row.counted_total] for t in report.targets for row in t.months],
              formats={2: MONTH_FORMAT}, widths=[26, 18, 10, 10, 10, 16, 16])
    add_sheet(workbook, "Aktivitäten", ["Datum", "Art", "Teilnehmende", "Notiz"],
              [[a.day, report.kind_names.get(a.kind, a.kind), a.participants, a.note] for a in report.activities],
              widths=[12, 32, 14, 60])
    add_sheet(workbook, "Aktivitäten nach Art", ["Art", "Anzahl", "Teilnehmende"],
              [list(row) for row in report.per_kind], widths=[32, 10, 14])
    add_reach_sheet(workbook, report.reach)
    add_rating_sheets(workbook, report.ratings)
    add_sheet(workbook, "Bericht", ["Feld", "Inhalt"], [
        ["Förderzeitraum", period.name], ["Fördermittelgeber", period.funder],
        ["Von", period.first], ["Bis", period.last], ["Zahlen bis", report.as_of], ["Erstellt am", today],
        *[[label, getattr(period, name)] for name, label in narrative.items()],
        *[["Zählweise", line] for line in report.method],
        *[["Wen wir erreichen", line] for line in report.reach.lines + list(report.reach.explanation)],
    ], widths=[26, 100], wrap=True)
    return finished(workbook)


def add_reach_sheet(workbook, reach):
    """Screen languages and age answers per month of the period, and the period's totals.
    Month totals, so exact (the small-number rule is for one hour's cells)."""
    header = (["Monat", "Check-ins mit Sprache"] + [f"Sprache: {s.label}" for s in reach.languages]
              + ["Antworten Altersfrage"] + [f"Alter: {s.label}" for s in reach.ages])
    rows = [[month, sum(languages), *languages, sum(ages), *ages] for month, languages, ages in reach.months]
    rows.append(["Zeitraum bisher", reach.language_total, *[s.total for s in reach.languages],
                 reach.age_total, *[s.total for s in reach.ages]])
    rows.append(["Anteil in %", None, *[round(s.percent, 1) for s in reach.languages],
                 None, *[round(s.percent, 1) for s in reach.ages]])
    add_sheet(workbook, "Reichweite pro Monat", header, rows, formats={0: MONTH_FORMAT},
              widths=[16, 14] + [14] * (len(header) - 2))


def add_rating_sheets(workbook, ratings):
    """How the target group rates the offer: a line per rating poll, and its answers on the scale."""
    add_sheet(workbook, "Bewertungen", ["Frage", "Von", "Bis", "Stimmen", "Stufen", "Durchschnitt", "In Worten"],
              [[r.poll.question, r.first, r.last, r.total, r.scale, r.mean, r.line] for r in ratings],
              widths=[40, 12, 12, 10, 8, 14, 100])
    add_sheet(workbook, "Bewertungen je Antwort", ["Frage", "Stufe", "Antwort", "Stimmen", "Anteil"],
              [[r.poll.question, step, answer.word, count, r.share(count)]
               for r in ratings for step, (answer, count) in enumerate(r.rows, start=1)],
              formats={4: PERCENT}, widths=[40, 8, 24, 10, 10])
