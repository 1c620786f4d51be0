"""No cell of an export can start a formula (CSV injection), read back by other readers than
openpyxl: Python's csv module, and the XLSX file's own XML."""

import csv
import io
import re
import zipfile

import pytest

from kontaktdichte.spreadsheets import XlsxSheet, csv_response, xlsx_response

DANGEROUS = ['=HYPERLINK("http://evil.example","x")', "+49 123", "-1+1", "@SUM(A1)", "\tTab", "\rCR"]
HARMLESS = ["Musterfrau", "2MM", "a=b", ""]


def test_csv_writes_formula_starts_as_text():
    response = csv_response(["=Kopf", "Name"], [[value, 7] for value in DANGEROUS + HARMLESS], "x")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows[0] == ["'=Kopf", "Name"]
    cells = [row[0] for row in rows[1:]]
    assert cells[: len(DANGEROUS)] == ["'" + value for value in DANGEROUS]
    assert cells[len(DANGEROUS) :] == HARMLESS
    assert all(row[1] == "7" for row in rows[1:])  # numbers stay numbers


def sheet_xml(response):
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        names = archive.namelist()
        sheet = next(n for n in names if n.startswith("xl/worksheets/sheet"))
        strings = archive.read("xl/sharedStrings.xml").decode() if "xl/sharedStrings.xml" in names else ""
        return archive.read(sheet).decode(), strings


@pytest.mark.parametrize("value", DANGEROUS)
def test_xlsx_writes_formula_starts_as_string_cells(value):
    response = xlsx_response([XlsxSheet("Liste", ["Wert", "Zahl"], [[value, 3]])], "x")
    xml, strings = sheet_xml(response)
    assert "<f>" not in xml and "<f " not in xml  # no formula anywhere
    cells = re.findall(r'<c r="A2"[^>]*>', xml)
    assert cells and ('t="s"' in cells[0] or 't="inlineStr"' in cells[0])
    assert re.search(r'<c r="B2"[^>]*><v>3</v>', xml)  # the number is a number
