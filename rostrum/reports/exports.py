"""Write report tables as CSV (one file, or a zip of one per section), XLSX and PDF bytes.

Every text cell goes through ``spreadsheet_safe``: a name like ``=HYPERLINK(...)`` stays text.
"""

import csv
import io
import re
import zipfile
from datetime import datetime, timedelta

from django.template.loader import render_to_string

from rostrum.reports.formatting import format_duration, spreadsheet_safe
from rostrum.reports.tables import Cell, Table

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_MAX_COLUMN_WIDTH = 60
XLSX_MIN_COLUMN_WIDTH = 8
SHEET_TITLE_MAX_LENGTH = 31  # Excel's limit
SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def csv_text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, datetime):
        return cell.isoformat()
    if isinstance(cell, timedelta):
        return format_duration(cell)
    if isinstance(cell, str):
        return spreadsheet_safe(cell)
    return str(cell)


def table_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([key for key, _label in table.columns])
    writer.writerows([csv_text(cell) for cell in row] for row in table.rows)
    return out.getvalue()


def tables_zip(tables: list[Table]) -> bytes:
    """One CSV per section in a zip file, named after the section."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for table in tables:
            archive.writestr(f"{table.slug}.csv", table_csv(table))
    return out.getvalue()


def xlsx_value(cell: Cell):
    if isinstance(cell, datetime):
        return cell.replace(tzinfo=None)  # already in the room's time zone; XLSX has no zones
    if isinstance(cell, str):
        return spreadsheet_safe(cell)
    return cell


def sheet_title(title: str, taken: set[str]) -> str:
    base = SHEET_TITLE_FORBIDDEN.sub(" ", title)[:SHEET_TITLE_MAX_LENGTH].strip() or "Sheet"
    candidate, number = base, 2
    while candidate.casefold() in taken:
        suffix = f" {number}"
        candidate, number = base[: SHEET_TITLE_MAX_LENGTH - len(suffix)] + suffix, number + 1
    taken.add(candidate.casefold())
    return candidate


def tables_xlsx(tables: list[Table]) -> bytes:
    """One sheet per section: a bold, frozen header row, readable column widths, text kept as text."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    taken: set[str] = set()
    for table in tables:
        sheet = workbook.create_sheet(sheet_title(table.title, taken))
        sheet.append([label for _key, label in table.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        for row in table.rows:
            sheet.append([xlsx_value(cell) for cell in row])
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm:ss"
                elif isinstance(cell.value, timedelta):
                    cell.number_format = "[h]:mm:ss"
        for index, (_key, label) in enumerate(table.columns, start=1):
            longest = max([len(label), *(len(csv_text(row[index - 1])) for row in table.rows)])
            width = min(max(longest + 2, XLSX_MIN_COLUMN_WIDTH), XLSX_MAX_COLUMN_WIDTH)
            sheet.column_dimensions[get_column_letter(index)].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def html_pdf(template_name: str, context: dict) -> bytes:
    """A PDF printed by WeasyPrint from an HTML template; nothing is fetched from anywhere.

    The template is self-contained (inline CSS and SVG); refusing every URL means text a participant
    typed can never make the server fetch a file or an address.
    """
    from weasyprint import HTML  # a heavy import, paid only when a PDF is asked for
    from weasyprint.urls import URLFetcher

    no_fetching = URLFetcher(allowed_protocols=())
    return HTML(string=render_to_string(template_name, context), url_fetcher=no_fetching).write_pdf()
