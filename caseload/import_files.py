"""Reading an import file (CSV or XLSX) into its header and rows of text, in memory.

CSV: semicolon-separated, UTF-8 with or without a byte order mark (what Excel writes as "CSV
UTF-8"). XLSX: the first sheet, first row the header, read by openpyxl in read-only mode. Cells
become text here (dates as JJJJ-MM-TT, whole numbers without ".0"); what the text means is
`caseload.imports`'. Nothing is written to disk, and a file is refused before it can grow in
memory: bytes beyond `max_bytes`, an XLSX that unpacks to more than `XLSX_MAX_UNPACKED`, more
rows than `max_rows`. Every refusal is an `ImportFileError` with a German message.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

from kontaktdichte.commands import german_number

MAX_BYTES = 2 * 1024 * 1024  # an upload on the page; the command allows COMMAND_MAX_BYTES
COMMAND_MAX_BYTES = 100 * 1024 * 1024
MAX_ROWS = 5_000  # on the page: each row is a service call in one request
COMMAND_MAX_ROWS = 500_000
XLSX_MAX_UNPACKED = 100 * 1024 * 1024  # a small XLSX can unpack to gigabytes (a "zip bomb")
XLSX_MAGIC = b"PK\x03\x04"


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message is German and names what to do."""


@dataclass(frozen=True)
class FileRows:
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (line or row number in the file, cells as text)


def megabytes(n: int) -> str:
    return german_number(n / (1024 * 1024), 0 if n % (1024 * 1024) == 0 else 1)


def read(name: str, data: bytes, *, max_bytes: int = MAX_BYTES, max_rows: int = MAX_ROWS) -> FileRows:
    """The file's header and non-empty rows. `name` only decides between CSV and XLSX when the
    content does not (an XLSX file is a ZIP archive)."""
    if len(data) > max_bytes:
        raise ImportFileError(
            f"Die Datei ist größer als {megabytes(max_bytes)} MB. Bitte in kleinere Dateien teilen "
            f"(oder auf dem Server mit „manage.py import_customers“ einlesen)."
        )
    if not data.strip():
        raise ImportFileError("Die Datei ist leer.")
    lower = name.lower()
    if data.startswith(XLSX_MAGIC):
        rows = _xlsx_rows(data)
    elif lower.endswith((".xlsx", ".xlsm")):
        raise ImportFileError("Die Datei ist keine gültige XLSX-Datei (Excel-Arbeitsmappe).")
    elif lower.endswith(".xls"):
        raise ImportFileError("Das alte Excel-Format .xls wird nicht gelesen: bitte als .xlsx oder CSV speichern.")
    else:
        rows = _csv_rows(data)
    return _split(rows, max_rows)


def _split(rows, max_rows: int) -> FileRows:
    header, body = None, []
    for number, cells in rows:
        if not any(cells):
            continue
        if header is None:
            header = [c.strip() for c in cells]
            while header and not header[-1]:
                header.pop()
            continue
        if len(body) >= max_rows:
            raise ImportFileError(
                f"Die Datei hat mehr als {german_number(max_rows)} Zeilen: bitte in kleinere Dateien teilen."
            )
        body.append((number, cells))
    if header is None:
        raise ImportFileError("Die Datei ist leer.")
    if len(header) == 1 and "," in header[0]:
        raise ImportFileError(
            "Die Spalten sind mit Kommas getrennt: bitte mit Semikolon trennen (in Excel: „CSV UTF-8“ speichern)."
        )
    return FileRows(header, body)


def _csv_rows(data: bytes):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(
            "Die Datei ist nicht UTF-8-kodiert: bitte in Excel als „CSV UTF-8 (durch Trennzeichen getrennt)“ speichern."
        ) from None
    if "\x00" in text:
        raise ImportFileError("Die Datei enthält Binärdaten: bitte eine CSV- oder XLSX-Datei wählen.")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";", strict=True)
    try:
        for cells in reader:
            yield reader.line_num, [c.strip() for c in cells]
    except csv.Error:
        raise ImportFileError(
            f"Zeile {reader.line_num} ist keine gültige CSV-Zeile (etwa ein Anführungszeichen ohne Ende)."
        ) from None


def _xlsx_rows(data: bytes):
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise ImportFileError("Die Datei ist keine gültige XLSX-Datei (Excel-Arbeitsmappe).") from None
    if unpacked > XLSX_MAX_UNPACKED:
        raise ImportFileError(
            f"Die Arbeitsmappe ist entpackt größer als {megabytes(XLSX_MAX_UNPACKED)} MB: "
            f"bitte in kleinere Dateien teilen."
        )
    try:
        # Not data_only: a formula arrives as its text ("=..."), which the import refuses,
        # instead of a value Excel computed from who knows what.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds for a damaged workbook
        raise ImportFileError(
            "Die Arbeitsmappe lässt sich nicht lesen: bitte in Excel öffnen und neu speichern."
        ) from None
    try:
        sheet = workbook.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [_text(v) for v in values]
    finally:
        workbook.close()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
