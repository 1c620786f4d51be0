"""CSV and XLSX downloads, for every export of the application (team list, reports).

CSV: semicolon-separated UTF-8 with a BOM, what German Excel opens without an import dialog.
XLSX: a write-only workbook, bold header, one sheet per table, optional lines above a table.
Callers format their own cells: `csv_response` takes the values as they should read,
`xlsx_response` takes typed values and a function giving each cell's number format.

No cell can start a formula (CSV injection): text beginning with =, +, -, @, a tab or a
carriage return is written as text, in CSV with a leading apostrophe (as OWASP advises; Excel
and LibreOffice show the rest), in XLSX as a string cell, which no reader evaluates.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_text(value):
    """A CSV value that cannot start a formula: text is prefixed with an apostrophe where it
    would; everything else as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _download(content, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_text(header: Sequence[str], rows: Iterable[Sequence]) -> str:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([as_text(title) for title in header])
    writer.writerows([as_text(value) for value in row] for row in rows)
    return buffer.getvalue()


def csv_response(header: Sequence[str], rows: Iterable[Sequence], filename: str) -> HttpResponse:
    """`filename` without the extension."""
    return _download(csv_text(header, rows), "text/csv; charset=utf-8", f"{filename}.csv")


@dataclass
class XlsxSheet:
    title: str
    header: Sequence[str]
    rows: Iterable[Sequence]
    # (column index, value) -> an Excel number format, or None for none
    number_format: Callable[[int, object], str | None] = lambda index, value: None
    heading: Sequence[str] = ()  # lines above the table


def xlsx_response(sheets: Iterable[XlsxSheet], filename: str) -> HttpResponse:
    """`filename` without the extension."""
    workbook = Workbook(write_only=True)
    for sheet in sheets:
        ws = workbook.create_sheet(sheet.title)
        for line in sheet.heading:
            ws.append([line])
        if sheet.heading:
            ws.append([])
        ws.append([_cell(ws, title, bold=True) for title in sheet.header])
        for row in sheet.rows:
            ws.append(
                [_cell(ws, value, number_format=sheet.number_format(index, value)) for index, value in enumerate(row)]
            )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _download(buffer.getvalue(), XLSX_TYPE, f"{filename}.xlsx")


def _cell(ws, value, *, bold=False, number_format=None):
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would take text beginning with "=" for a formula
    if bold:
        cell.font = Font(bold=True)
    if number_format:
        cell.number_format = number_format
    return cell
