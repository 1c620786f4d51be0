"""CSV and XLSX files of the reports. Tables are given as (headers, rows) with one `Column` per
cell, so the monthly report's files follow `figures.COLUMNS`, as its page does.

CSV is semicolon-separated UTF-8 with BOM and decimal commas: what German Excel opens without
an import dialog. XLSX keeps numbers as numbers (shares as percentages, dates as dates).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from .figures import COLUMNS, Column, MonthlyReport

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NUMBER_FORMATS = {"pct": "0%", "days": "0.0", "int": "0", "date": "DD.MM.YYYY"}


@dataclass
class Sheet:
    title: str
    columns: list[Column]
    rows: list[list]
    heading: list[str] | None = None  # lines above the table (XLSX only)


def header(column: Column) -> str:
    return f"{column.label} (%)" if column.kind == "pct" else column.label


def csv_value(column: Column, value) -> str:
    if value is None:
        return ""
    if column.kind == "pct":
        return f"{value * 100:.1f}".replace(".", ",")
    if column.kind == "days":
        return f"{value:.1f}".replace(".", ",")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def csv_response(sheet: Sheet, filename: str) -> HttpResponse:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([header(c) for c in sheet.columns])
    for row in sheet.rows:
        writer.writerow([csv_value(c, v) for c, v in zip(sheet.columns, row)])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(sheets: list[Sheet], filename: str) -> HttpResponse:
    workbook = Workbook(write_only=True)
    for sheet in sheets:
        ws = workbook.create_sheet(sheet.title)
        for line in sheet.heading or ():
            ws.append([line])
        if sheet.heading:
            ws.append([])
        cells = []
        for column in sheet.columns:
            cell = WriteOnlyCell(ws, value=header(column))
            cell.font = Font(bold=True)
            cells.append(cell)
        ws.append(cells)
        for row in sheet.rows:
            cells = []
            for column, value in zip(sheet.columns, row):
                cell = WriteOnlyCell(ws, value=value)
                if column.kind in NUMBER_FORMATS and value is not None:
                    cell.number_format = NUMBER_FORMATS[column.kind]
                cells.append(cell)
            ws.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


# --- The monthly report's sheets ---------------------------------------------------------------

TREND_COLUMNS = [Column("month", "Monat", "text"), Column("due", "Kontakte fällig", "int"),
                 Column("on_time", "rechtzeitig", "int"), Column("late", "verspätet", "int"),
                 Column("overdue_end", "überfällig am Monatsende", "int"),
                 Column("on_time_rate", "Quote rechtzeitig", "pct")]
RULE_COLUMNS = [Column("rule", "Regel", "text"), Column("code", "Kürzel", "text"),
                Column("customers", "Kunden", "int")]


def report_sheet(report: MonthlyReport) -> Sheet:
    return Sheet("Bericht", list(COLUMNS), [row.values() for row in report.rows], heading=[
        f"Monatsbericht {report.team.name}, {report.team.job_centre.name}",
        f"Monat {report.month:%m/%Y}, Stand {report.as_of:%d.%m.%Y}",
    ])


def report_sheets(report: MonthlyReport) -> list[Sheet]:
    trend = [[f"{p.month:%m/%Y}", p.counts.due, p.counts.on_time, p.counts.late, p.counts.overdue_end,
              p.counts.on_time_rate] for p in report.trend]
    return [report_sheet(report), Sheet("Verlauf", TREND_COLUMNS, trend),
            Sheet("Regeln", RULE_COLUMNS, [list(r) for r in report.by_rule])]


def report_filename(report: MonthlyReport) -> str:
    return f"monatsbericht-team-{report.team.pk}-{report.month:%Y-%m}"
