"""Reading figures files: format recognition, reshaping, and a rejection for every kind of bad input."""

from __future__ import annotations

import csv
import hashlib
import zipfile
from collections import Counter
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from cspdesk.core.importers.figures_files import UnrecognisedFile, read_figures_file, read_figures_files
from cspdesk.core.importers.figures_results import FileKind, Rejection
from cspdesk.core.importers.police_uk_files import MAX_TEXT, district_of
from cspdesk.core.storage.models import PoliceUkText

POLICE_UK = Path("/work/shared/data/police-uk")
DERBYSHIRE = [
    "Amber Valley",
    "Bolsover",
    "Chesterfield",
    "Derbyshire Dales",
    "Erewash",
    "High Peak",
    "North East Derbyshire",
    "South Derbyshire",
]


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _one(path: Path, districts=None):
    (result,) = read_figures_file(path, districts)
    return result


def test_long_form_csv_with_headings_in_any_case(tmp_path):
    path = _write(
        tmp_path,
        "feb.csv",
        "Month,AREA,Category,Count,Notes\n2023-02,South Derbyshire,ASB,120,x\n"
        '2023-02, Erewash ,ASB,"1,234",\n',
    )
    result = _one(path)
    assert result.kind is FileKind.ANALYST_LONG and result.rejections == []
    assert result.rows[["month", "area", "category", "count"]].values.tolist() == [
        ["2023-02", "South Derbyshire", "ASB", 120],
        ["2023-02", "Erewash", "ASB", 1234],
    ]
    assert result.rows["row"].tolist() == [2, 3]
    assert result.ignored_columns == ["Notes"]


def test_every_kind_of_bad_row_is_rejected_with_file_row_and_column_and_good_rows_kept(tmp_path):
    path = _write(
        tmp_path,
        "bad.csv",
        "\n".join(
            [
                "month,area,category,count",
                "2023-02,South Derbyshire,ASB,120",  # row 2: good
                "Feb 2023,South Derbyshire,ASB,1",  # row 3: month not YYYY-MM
                "2023-13,Erewash,ASB,1",  # row 4: no month 13
                "2023-02,Erewash,ASB,-3",  # row 5: negative
                "2023-02,Bolsover,ASB,lots",  # row 6: not a number
                "2023-02,High Peak,ASB,2.5",  # row 7: not whole
                "2023-02,,ASB,4",  # row 8: no area
                "2023-02,Erewash,,4",  # row 9: no category
                "2023-02,Amber Valley,ASB,",  # row 10: empty count
                "2023-02,South Derbyshire,ASB,121",  # row 11: duplicate of row 2
                "",  # row 12: blank, skipped quietly
                "2023-02,Chesterfield,ASB,7",  # row 13: good, and numbered as the user sees it
            ]
        )
        + "\n",
    )
    result = _one(path)
    found = {(r.row, r.column): r.message for r in result.rejections}
    assert all(r.file == str(path) for r in result.rejections)
    assert found[(3, "month")] == "'Feb 2023' is not a month in the form YYYY-MM (e.g. 2022-01)"
    assert (4, "month") in found
    assert found[(5, "count")].startswith("'-3' is negative")
    assert found[(6, "count")] == "'lots' is not a number"
    assert found[(7, "count")] == "'2.5' is not a whole number"
    assert found[(8, "area")] == "the area is empty"
    assert found[(9, "category")] == "the category is empty"
    assert found[(10, "count")] == "the count is empty"
    assert "already given in row 2" in found[(11, "count")]
    assert len(result.rejections) == 9
    assert result.rows["row"].tolist() == [2, 13]
    assert str(result.rejections[0]).startswith(f"{path}, row 3, column 'month': ")
    assert "9 rejected" in result.summary


def test_wide_form_is_reshaped_and_an_empty_month_cell_is_no_figure(tmp_path):
    path = _write(
        tmp_path, "wide.csv", "Area,Category,2022-11,2022-12,Total\nErewash,ASB,10,,10\nBolsover,ASB,-1,4,3\n"
    )
    result = _one(path)
    assert result.kind is FileKind.ANALYST_WIDE
    assert sorted(result.rows[["month", "area", "count"]].values.tolist()) == [
        ["2022-11", "Erewash", 10],
        ["2022-12", "Bolsover", 4],
    ]
    assert result.rejections == [
        Rejection(str(path), 3, "2022-11", "'-1' is negative; a count cannot be below 0")
    ]
    assert result.ignored_columns == ["Total"]


def test_xlsx_long_and_wide_including_months_excel_turned_into_dates(tmp_path):
    long_path, wide_path = tmp_path / "long.xlsx", tmp_path / "wide.xlsx"
    pd.DataFrame(
        {
            "Month": [datetime(2023, 1, 1), "2023-02", "2023-3"],
            "Area": ["Erewash"] * 3,
            "Category": ["ASB"] * 3,
            "Count": [5.0, 6, 7],
        }
    ).to_excel(long_path, index=False)
    pd.DataFrame(
        {"area": ["Erewash"], "category": ["ASB"], datetime(2023, 1, 1): [3], "2023-02": [4]}
    ).to_excel(wide_path, index=False)
    long = _one(long_path)
    assert long.kind is FileKind.ANALYST_LONG
    assert long.rows[["month", "count"]].values.tolist() == [["2023-01", 5], ["2023-02", 6]]
    assert [(r.row, r.column) for r in long.rejections] == [(4, "Month")]
    wide = _one(wide_path)
    assert wide.kind is FileKind.ANALYST_WIDE
    assert sorted(wide.rows[["month", "count"]].values.tolist()) == [["2023-01", 3], ["2023-02", 4]]


def test_population_csv_and_its_rejections(tmp_path):
    path = _write(
        tmp_path, "pop.csv", "area,population\nErewash,115332\nBolsover,0\n,5\nHigh Peak,x\nErewash,1\n"
    )
    result = _one(path)
    assert result.kind is FileKind.POPULATION
    assert result.rows[["area", "population"]].values.tolist() == [["Erewash", 115332]]
    assert [(r.row, r.column) for r in result.rejections] == [
        (3, "population"),
        (4, "area"),
        (5, "population"),
        (6, "area"),
    ]


def test_a_file_in_no_known_format_names_the_file(tmp_path):
    path = _write(tmp_path, "minutes.csv", "date,attendees\n2023-01-01,5\n")
    with pytest.raises(UnrecognisedFile, match="minutes.csv is not a figures file") as caught:
        read_figures_file(path)
    assert "date, attendees" in str(caught.value)
    with pytest.raises(UnrecognisedFile, match="empty.csv"):
        read_figures_file(_write(tmp_path, "empty.csv", ""))


def test_district_is_the_lsoa_name_without_its_code():
    assert district_of("South Derbyshire 012B") == "South Derbyshire"
    assert district_of("North East Derbyshire 001A") == "North East Derbyshire"


def _independent_count(path: Path, districts: list[str]) -> tuple[Counter, int, int]:
    """Count by (district, month, crime type) with the csv module, as a check on the pandas route."""
    counts, outside, no_lsoa = Counter(), 0, 0
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            name = row["LSOA name"]
            if not name:
                no_lsoa += 1
                continue
            district = name.rsplit(" ", 1)[0]
            if district in districts:
                counts[(district, row["Month"], row["Crime type"])] += 1
            else:
                outside += 1
    return counts, outside, no_lsoa


@pytest.mark.parametrize("name", ["2018-12-derbyshire-street.csv", "2018-12-nottinghamshire-street.csv"])
def test_real_police_uk_files_count_as_an_independent_count_does(name):
    path = POLICE_UK / name
    expected, outside, no_lsoa = _independent_count(path, DERBYSHIRE)
    result = _one(path, DERBYSHIRE)
    assert result.kind is FileKind.POLICE_UK and result.rejections == []
    got = result.rows.groupby(["district", "month", "crime_type"], observed=True).size()
    assert {key: int(n) for key, n in got.items()} == dict(expected)
    excluded = {e.reason: e.count for e in result.excluded}
    assert excluded == {"no LSOA, so no district": no_lsoa, "outside the configured districts": outside}
    assert result.rows_read == sum(expected.values()) + outside + no_lsoa
    assert all(len(e.examples) == min(e.count, 5) for e in result.excluded)


def test_derbyshire_file_has_asb_rows_counted_as_anti_social_behaviour():
    result = _one(POLICE_UK / "2018-12-derbyshire-street.csv", DERBYSHIRE)
    asb = result.rows[result.rows["crime_type"] == "Anti-social behaviour"]
    assert len(asb) > 0 and asb["crime_id"].isna().all()


def test_many_files_and_a_zip_give_one_result_per_file(tmp_path):
    archive = tmp_path / "download.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in sorted(POLICE_UK.glob("*.csv")):
            zipped.write(path, f"2018-12/{path.name}")
        zipped.writestr("README.txt", "not a csv")
    from_zip = read_figures_file(archive, DERBYSHIRE)
    from_files = read_figures_files(sorted(POLICE_UK.glob("*.csv")), DERBYSHIRE)
    assert [r.file for r in from_zip] == [
        "download.zip:2018-12/2018-12-derbyshire-street.csv",
        "download.zip:2018-12/2018-12-nottinghamshire-street.csv",
    ]
    assert [r.sha256 for r in from_zip] == [r.sha256 for r in from_files]
    assert [len(r.rows) for r in from_zip] == [len(r.rows) for r in from_files]


def test_a_large_file_read_from_disk_gives_what_a_small_one_read_in_memory_gives(monkeypatch):
    path = POLICE_UK / "2018-12-derbyshire-street.csv"
    small = _one(path, DERBYSHIRE)
    from cspdesk.core.importers import police_uk_files

    monkeypatch.setattr(police_uk_files, "ONE_PASS_BYTES", 1000)  # every file counts as large: read in pieces
    monkeypatch.setattr(police_uk_files, "CHUNK_ROWS", 700)
    large = _one(path, DERBYSHIRE)
    assert large.sha256 == small.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert large.rows.equals(small.rows) and large.rows_read == small.rows_read
    assert large.excluded == small.excluded and large.rejections == small.rejections == []


def test_police_uk_rows_with_a_bad_month_or_no_crime_type_are_rejected(tmp_path):
    header = (
        "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA "
        "code,LSOA name,Crime type,Last outcome category,Context"
    )
    lines = [
        header,
        ",2018-12,Derbyshire Constabulary,Derbyshire Constabulary,-1.5,52.8,On "
        "or near X,E01019,South Derbyshire 012B,Anti-social behaviour,,",
        "abc,December,Derbyshire Constabulary,Derbyshire Constabulary,-1.5,52.8,On "
        "or near X,E01019,South Derbyshire 012B,Burglary,,",
        "abd,2018-12,Derbyshire Constabulary,Derbyshire "
        "Constabulary,-1.5,52.8,On or near X,E01019,South Derbyshire 012B,,,",
        "abe,2018-12,Derbyshire Constabulary,Derbyshire Constabulary,,,No Location,,,Drugs,,",
        "abf,2018-12,Derbyshire Constabulary,Derbyshire "
        "Constabulary,-1.4,52.9,On or near Y,E01013,Derby 001A,Drugs,,",
    ]
    result = _one(_write(tmp_path, "2018-12-derbyshire-street.csv", "\n".join(lines) + "\n"), DERBYSHIRE)
    assert [(r.row, r.column) for r in result.rejections] == [(3, "Month"), (4, "Crime type")]
    assert result.rows.index.tolist() == [2]
    assert [(e.count, e.examples) for e in result.excluded] == [
        (1, ["row 5: No Location"]),
        (1, ["row 6: Derby 001A"]),
    ]
    assert "1 rows not counted (outside the configured districts), e.g. row 6: Derby 001A" in result.summary


def test_a_crime_id_longer_than_the_column_is_rejected_not_cut_short(tmp_path):
    header = (
        "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA "
        "code,LSOA name,Crime type,Last outcome category,Context"
    )
    place = (
        "Derbyshire Constabulary,Derbyshire Constabulary,-1.5,52.8,On or near X,E01019,South Derbyshire 012B"
    )
    lines = [header, f"{'a' * 80},2018-12,{place},Burglary,,", f"{'b' * 81},2018-12,{place},Burglary,,"]
    result = _one(_write(tmp_path, "2018-12-derbyshire-street.csv", "\n".join(lines) + "\n"), DERBYSHIRE)
    assert [(r.row, r.column, r.message) for r in result.rejections] == [
        (3, "Crime ID", "the Crime ID is longer than 80 characters")
    ]
    assert result.rows["crime_id"].tolist() == ["a" * 80]


def test_a_police_uk_text_longer_than_the_database_holds_is_rejected(tmp_path):
    header = (
        "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA "
        "code,LSOA name,Crime type,Last outcome category,Context"
    )
    force = "Derbyshire Constabulary,Derbyshire Constabulary,-1.5,52.8"
    lines = [
        header,
        f"a,2018-12,{force},On or near X,E01019,South Derbyshire 012B,Burglary,,",
        f"b,2018-12,{force},On or near {'Y' * 200},E01019,South Derbyshire 012B,Burglary,,",
    ]
    result = _one(_write(tmp_path, "2018-12-derbyshire-street.csv", "\n".join(lines) + "\n"), DERBYSHIRE)
    assert [(r.row, r.column, r.message) for r in result.rejections] == [
        (3, "Location", "the Location is too long: at most 200 characters, this has 211")
    ]
    assert result.rows["crime_id"].tolist() == ["a"]
    assert MAX_TEXT == PoliceUkText.__table__.c.text.type.length


def test_analyst_csv_saved_by_excel_in_windows_1252(tmp_path):
    path = tmp_path / "cafe.csv"
    path.write_bytes("month,area,category,count\n2023-01,Caf\u00e9 Quarter,ASB,3\n".encode("cp1252"))
    assert _one(path).rows["area"].tolist() == ["Caf\u00e9 Quarter"]
