"""CSV and XLSX files of the reports. Tables are given as (headers, rows) with one `Column` per
cell, so the monthly report's files follow `figures.COLUMNS`, as its page does.

CSV (written by `kontaktdichte.spreadsheets`, as every export) has decimal commas; XLSX keeps
numbers as numbers (shares as percentages, dates as dates).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.http import HttpResponse

from kontaktdichte import formats, spreadsheets

from .figures import COLUMNS, Column, MonthlyReport

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
        return formats.decimal(value * 100, 1)
    if column.kind == "days":
        return formats.decimal(value, 1)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _csv_rows(sheet: Sheet):
    return (
        [header(c) for c in sheet.columns],
        ([csv_value(c, v) for c, v in zip(sheet.columns, row)] for row in sheet.rows),
    )


def csv_response(sheet: Sheet, filename: str) -> HttpResponse:
    return spreadsheets.csv_response(*_csv_rows(sheet), filename)


def csv_bytes(sheet: Sheet) -> bytes:
    return spreadsheets.csv_text(*_csv_rows(sheet)).encode("utf-8")


def xlsx_response(sheets: list[Sheet], filename: str) -> HttpResponse:
    return spreadsheets.xlsx_response([_xlsx_sheet(sheet) for sheet in sheets], filename)


def _xlsx_sheet(sheet: Sheet) -> spreadsheets.XlsxSheet:
    kinds = [c.kind for c in sheet.columns]

    def number_format(index, value):
        return NUMBER_FORMATS.get(kinds[index]) if value is not None else None

    return spreadsheets.XlsxSheet(
        sheet.title, [header(c) for c in sheet.columns], sheet.rows, number_format, sheet.heading or ()
    )


# --- The monthly report's sheets ---------------------------------------------------------------

TREND_COLUMNS = [
    Column("month", "Monat", "text"),
    Column("due", "Kontakte fällig", "int"),
    Column("on_time", "rechtzeitig", "int"),
    Column("late", "verspätet", "int"),
    Column("overdue_end", "überfällig am Monatsende", "int"),
    Column("on_time_rate", "Quote rechtzeitig", "pct"),
]
RULE_COLUMNS = [Column("rule", "Regel", "text"), Column("code", "Kürzel", "text"), Column("customers", "Kunden", "int")]


def report_sheet(report: MonthlyReport) -> Sheet:
    return Sheet(
        "Bericht",
        list(COLUMNS),
        [row.values() for row in report.rows],
        heading=[
            f"Monatsbericht {report.team.name}, {report.team.job_centre.name}",
            f"Monat {report.month:%m/%Y}, Stand {formats.day(report.as_of)}",
        ],
    )


def report_sheets(report: MonthlyReport) -> list[Sheet]:
    trend = [
        [f"{p.month:%m/%Y}", p.counts.due, p.counts.on_time, p.counts.late, p.counts.overdue_end, p.counts.on_time_rate]
        for p in report.trend
    ]
    return [
        report_sheet(report),
        Sheet("Verlauf", TREND_COLUMNS, trend),
        Sheet("Regeln", RULE_COLUMNS, [list(r) for r in report.by_rule]),
    ]


def report_filename(report: MonthlyReport) -> str:
    return f"monatsbericht-team-{report.team.pk}-{report.month:%Y-%m}"
