"""Files that broke the importers (issue 16): each is now a rejected row or a plain refusal, never a wrong
figure, a traceback or text the database cannot hold."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select

from cspdesk.core.errors import UserError
from cspdesk.core.importers import figures_results
from cspdesk.core.importers.figures_files import read_figures_file
from cspdesk.core.importers.figures_results import FileKind, ImportLimits
from cspdesk.core.storage.models import CrimeFigure, PoliceUkText

POLICE_UK = Path("/work/shared/data/police-uk")
DERBYSHIRE_FILE = POLICE_UK / "2018-12-derbyshire-street.csv"
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
HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
    "Last outcome category,Context"
)
PLACE = "Derbyshire Constabulary,Derbyshire Constabulary,-1.5,52.8"


def _one(path: Path, districts=DERBYSHIRE, limits: ImportLimits = figures_results.DEFAULT_LIMITS):
    (result,) = read_figures_file(path, districts, limits)
    return result


def _analyst(tmp_path: Path, *counts: str, area: str = "Erewash") -> Path:
    path = tmp_path / "analyst.csv"
    lines = ["month,area,category,count"] + [f'2023-0{n + 1},{area},ASB,"{c}"' for n, c in enumerate(counts)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _messages(result) -> list[str]:
    return [r.message for r in result.rejections]


def _summary(result) -> tuple:
    """What a police.uk read gives, to compare two spellings of one file."""
    return (
        result.rows_read,
        len(result.rows),
        result.rows.groupby(["district", "crime_type"], observed=True).size().to_dict(),
        [(e.reason, e.count) for e in result.excluded],
        len(result.rejections),
    )


# --- counts ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("99999999999999999999999", "is more than 1,000,000, the largest count CSPDesk accepts"),
        ("1000001", "is more than 1,000,000"),
        ("1,2,3", "is not a number as people write them"),
        ("1e3", "is not a number as people write them"),
        ("12,34", "is not a number as people write them"),
        ("-3", "is negative"),
        ("- 3", "is negative"),
        ("2.5", "is not a whole number"),
        ("lots", "is not a number"),
        ("0x1F", "is not a number"),
        ("١٢", "is not a number"),  # Arabic-Indic digits: pandas would read them as 12
    ],
)
def test_a_count_not_written_as_a_person_writes_one_is_a_rejected_row(tmp_path, typed, says):
    """Catches: "99999999999999999999999" stored as -9,223,372,036,854,775,808, "1,2,3" read as 123, "1e3" as
    1000 (mutation: pd.to_numeric on the text with commas removed, as before)."""
    result = _one(_analyst(tmp_path, "7", typed))
    assert result.rows["count"].tolist() == [7]
    (message,) = _messages(result)
    assert says in message and message.startswith(repr(typed[:40]))


@pytest.mark.parametrize(
    ("typed", "value"), [("1,234", 1234), ("1,234,567", 1_000_000), ("12.0", 12), (" 5 ", 5), ("0", 0)]
)
def test_counts_as_analysts_write_them_are_read(tmp_path, typed, value):
    result = _one(_analyst(tmp_path, typed), limits=ImportLimits(max_count=10_000_000))
    assert result.rows["count"].tolist() == ([1_234_567] if typed == "1,234,567" else [value])


def test_the_largest_count_is_the_setting(services, tmp_path):
    """Catches: a bound that ignores the administrator's setting (mutation:
    ImportLimits() in preview_import)."""
    services.settings.update(services.actor, {"figures.max_count": 100})
    preview = services.figures.preview_import([_analyst(tmp_path, "100", "101")])
    assert preview.rows_accepted == 1
    assert "is more than 100, the largest count" in preview.rejections[0].message


def test_a_huge_count_stores_nothing_wrong_and_the_table_stays_sane(services, tmp_path):
    """Catches: the county total of −18 quintillion after importing
    99999999999999999999999 (even --strict)."""
    preview = services.figures.preview_import([_analyst(tmp_path, "5", "99999999999999999999999")])
    services.figures.commit_import(services.actor, preview, import_good_rows=True)
    with services.database.engine.connect() as c:
        assert c.execute(select(CrimeFigure.count)).scalars().all() == [5]


def test_population_bounds_and_forms(tmp_path):
    path = tmp_path / "population.csv"
    path.write_text('area,population\nErewash,"115,490"\nBolsover,1e5\nHigh Peak,200000000\nDales,-4\n')
    result = _one(path)
    assert result.kind is FileKind.POPULATION
    assert result.rows[["area", "population"]].values.tolist() == [["Erewash", 115490]]
    assert [r.row for r in result.rejections] == [3, 4, 5]


# --- text the database cannot hold ----------------------------------------------------------------------


def test_an_area_longer_than_its_column_or_holding_a_nul_is_a_rejected_row(services, tmp_path):
    """Catches: a 5 MB area name stored in a 120-character column, NUL stored in area text (mutation: drop
    the _unfit_text check in analyst_table)."""
    path = tmp_path / "analyst.csv"
    huge = "A" * 5_000_000
    path.write_text(
        f"month,area,category,count\n2023-01,{huge},ASB,1\n2023-01,Ere\x00wash,ASB,2\n"
        f"2023-01,Erewash,AS\x00B,3\n2023-01,Bolsover,ASB,4\n",
        encoding="utf-8",
    )
    preview = services.figures.preview_import([path])
    found = [(r.row, r.column, r.message) for r in preview.rejections]
    assert found == [
        (2, "area", "the area is too long: at most 120 characters, this has 5,000,000"),
        (3, "area", "the area contains a NUL character, which cannot be stored"),
        (4, "category", "the category contains a NUL character, which cannot be stored"),
    ]
    services.figures.commit_import(services.actor, preview, import_good_rows=True)
    with services.database.engine.connect() as c:
        assert c.execute(select(CrimeFigure.area)).scalars().all() == ["Bolsover"]


def test_police_uk_text_with_a_nul_is_a_rejected_row_and_never_stored(services, tmp_path):
    """Catches: NUL stored in location text (mutation: text_problem without the NUL rule)."""
    path = tmp_path / "2018-12-derbyshire-street.csv"
    path.write_text(
        "\n".join(
            [
                HEADER,
                f"a,2018-12,{PLACE},On or near X\x00Y,E01019,South Derbyshire 012B,Burglary,,",
                f"b\x00c,2018-12,{PLACE},On or near Z,E01019,South Derbyshire 012B,Burglary,,",
                f"d,2018-12,{PLACE},On or near Z,E01019,South Derbyshire 012B,Burglary,,",
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    preview = services.figures.preview_import([path])
    assert [(r.row, r.column) for r in preview.rejections] == [(2, "Location"), (3, "Crime ID")]
    services.figures.commit_import(services.actor, preview, import_good_rows=True)
    with services.database.engine.connect() as c:
        texts = c.execute(select(PoliceUkText.text)).scalars().all()
    assert "On or near Z" in texts and not any("\x00" in t for t in texts)


def test_a_crime_type_too_long_for_the_monthly_counts_is_rejected(tmp_path):
    """Catches: a 150-character crime type passing police_uk_text (200) but
    not crime_figure.category (120)."""
    path = tmp_path / "2018-12-derbyshire-street.csv"
    path.write_text(f"{HEADER}\na,2018-12,{PLACE},X,E01019,South Derbyshire 012B,{'B' * 150},,\n")
    result = _one(path)
    assert _messages(result) == ["the Crime type is too long: at most 120 characters, this has 150"]


# --- headings, line endings, encodings, duplicates
# -------------------------------------------------------------


def _respelt(tmp_path: Path, header: str, *, newline: str = "\n", encoding: str = "utf-8") -> Path:
    lines = DERBYSHIRE_FILE.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "2018-12-derbyshire-street.csv"
    path.write_bytes((newline.join([header, *lines[1:]]) + newline).encode(encoding))
    return path


@pytest.mark.parametrize(
    "header", [HEADER.upper(), " , ".join(HEADER.split(",")), HEADER.replace("LSOA code", "lsoa  CODE")]
)
def test_police_uk_headings_in_any_case_or_spacing(tmp_path, header):
    """Catches: "AttributeError: Can only use .cat accessor" for a header in capitals or with spaces."""
    assert _summary(_one(_respelt(tmp_path, header))) == _summary(_one(DERBYSHIRE_FILE))


@pytest.mark.parametrize("newline", ["\r", "\r\n", "\n"])
def test_police_uk_and_analyst_files_with_any_line_ending(tmp_path, newline):
    """Catches: "_csv.Error: new-line character seen in unquoted field" for CR-only files."""
    assert _summary(_one(_respelt(tmp_path, HEADER, newline=newline))) == _summary(_one(DERBYSHIRE_FILE))
    path = tmp_path / "analyst.csv"
    path.write_bytes(
        newline.join(
            ["month,area,category,count", "2023-01,Erewash,ASB,3", '2023-02,"Erewash",ASB,"1,234"']
        ).encode()
        + newline.encode()
    )
    assert _one(path).rows["count"].tolist() == [3, 1234]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-be", "cp1252"])
def test_encodings_excel_and_notepad_save_in(tmp_path, encoding):
    """Catches: UTF-16 read as "ÿþm o n t h", a Windows-1252 police.uk file failing with a codec message."""
    text = DERBYSHIRE_FILE.read_text(encoding="utf-8").replace("On or near Parking Area", "On or near Café")
    police = tmp_path / "2018-12-derbyshire-street.csv"
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    police.write_bytes(data)
    result = _one(police)
    assert _summary(result) == _summary(_one(DERBYSHIRE_FILE))
    assert "On or near Café" in set(result.rows["location"].astype(str))
    analyst = tmp_path / "analyst.csv"
    analyst_text = "month,area,category,count\n2023-01,Café Quarter,ASB,3\n"
    analyst.write_bytes((b"\xfe\xff" if encoding == "utf-16-be" else b"") + analyst_text.encode(encoding))
    assert _one(analyst).rows["area"].tolist() == ["Café Quarter"]


def test_windows_1252_after_the_first_rows_of_a_police_uk_file(tmp_path):
    """UTF-8 for the first 64 KB, then an Excel-saved "é": read as Windows-1252, not a codec traceback."""
    lines = DERBYSHIRE_FILE.read_text(encoding="utf-8").splitlines()
    last = max(i for i, line in enumerate(lines) if "On or near" in line and "South Derbyshire" in line)
    lines[last] = lines[last].replace("On or near", "On or near Caf\u00e9")
    path = tmp_path / "2018-12-derbyshire-street.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode("cp1252"))
    result = _one(path)
    assert any("Café" in str(v) for v in result.rows["location"].unique())


@pytest.mark.parametrize(
    "data",
    [
        bytes(range(256)) * 40,
        b"month,area\x81\x8d\x8f\x90\x9d,\xff\xfe\n",
        "month,area,category,count\n".encode("utf-16-le"),
    ],
)
def test_an_unreadable_encoding_is_named_in_plain_words(tmp_path, data):
    """Catches: a Python codec message (or NUL bytes printed to the terminal) instead of a plain one."""
    path = tmp_path / "strange.csv"
    path.write_bytes(data)
    with pytest.raises(UserError) as caught:
        read_figures_file(path)
    message = str(caught.value)
    assert "strange.csv" in message and "\x00" not in message and "codec" not in message
    assert "UTF-8" in message or "not a figures file" in message


@pytest.mark.parametrize(
    ("header", "named"),
    [(HEADER.replace("Context", "Month"), "'Month'"), (HEADER + ", crime  id", "'crime id'")],
)
def test_a_police_uk_file_with_two_columns_of_one_name_is_refused_by_name(tmp_path, header, named):
    """Catches: a second "Month" column silently dropped (pandas renames it "Month.1")."""
    path = _respelt(tmp_path, header)
    with pytest.raises(UserError, match=f"two columns called {named}"):
        read_figures_file(path)


def test_an_analyst_csv_or_workbook_with_two_count_columns_is_refused(tmp_path):
    csv_path = tmp_path / "a.csv"
    csv_path.write_text("month,area,category,count,Count\n2023-01,Erewash,ASB,3,4\n")
    with pytest.raises(UserError, match="two columns called 'Count'"):
        read_figures_file(csv_path)
    xlsx = tmp_path / "a.xlsx"
    pd.DataFrame(
        [["month", "area", "category", "count", "count"], ["2023-01", "Erewash", "ASB", 3, 4]]
    ).to_excel(xlsx, index=False, header=False)
    with pytest.raises(UserError, match="two columns called 'count'"):
        read_figures_file(xlsx)


# --- zips
# ------------------------------------------------------------------------------------------------------


def test_a_zip_member_above_the_size_limit_is_refused_unread(tmp_path):
    """Catches: a 1 MB zip holding a 1 GB CSV read whole into memory (mutation checked: no size check on
    the zip header and none in the counting stream; either alone still refuses it)."""
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("2018-12-derbyshire-street.csv", DERBYSHIRE_FILE.read_bytes())
    size = DERBYSHIRE_FILE.stat().st_size
    with pytest.raises(UserError, match="once uncompressed|CSPDesk reads files of up to"):
        read_figures_file(archive, DERBYSHIRE, ImportLimits(max_file_bytes=size - 1))
    assert len(read_figures_file(archive, DERBYSHIRE, ImportLimits(max_file_bytes=size))) == 1


def test_a_zip_member_that_is_bigger_than_its_header_says_is_stopped_while_reading(tmp_path):
    """The counting stream stops at the limit even if the size in the zip's header were a lie."""
    from cspdesk.core.importers.figures_files import _CountedStream

    stream = _CountedStream(io.BytesIO(b"x" * 1000), 999, "member.csv")
    with pytest.raises(UserError, match="more than"):
        stream.read()


def test_a_zip_member_is_streamed_in_pieces_and_gives_what_the_file_gives(tmp_path, monkeypatch):
    """The chunked route (zip members, big files) keeps the same rows, exclusions and row numbers."""
    from cspdesk.core.importers import police_uk_files

    monkeypatch.setattr(police_uk_files, "CHUNK_ROWS", 1000)
    archive = tmp_path / "download.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.write(DERBYSHIRE_FILE, DERBYSHIRE_FILE.name)
    (zipped_result,) = read_figures_file(archive, DERBYSHIRE)
    whole = _one(DERBYSHIRE_FILE)
    assert zipped_result.sha256 == whole.sha256
    assert zipped_result.rows.index.tolist() == whole.rows.index.tolist()
    assert zipped_result.rows["crime_id"].tolist() == whole.rows["crime_id"].tolist()
    for column in ("location", "district", "crime_type", "month"):
        assert zipped_result.rows[column].astype(str).tolist() == whole.rows[column].astype(str).tolist()
    assert zipped_result.excluded == whole.excluded


def test_a_damaged_zip_is_a_plain_message(tmp_path):
    archive = tmp_path / "broken.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("2018-12-derbyshire-street.csv", DERBYSHIRE_FILE.read_bytes())
    data = bytearray(archive.read_bytes())
    data[200:400] = bytes(200)  # the compressed stream, not the directory
    archive.write_bytes(bytes(data))
    with pytest.raises(UserError, match="broken.zip"):
        read_figures_file(archive, DERBYSHIRE)


def test_a_stored_count_table_never_exceeds_the_bound(services, tmp_path):
    preview = services.figures.preview_import([_analyst(tmp_path, "1,000,000", "1,000,001")])
    services.figures.commit_import(services.actor, preview, import_good_rows=True)
    with services.database.engine.connect() as c:
        assert c.execute(select(func.max(CrimeFigure.count))).scalar() == 1_000_000


def test_a_coordinate_that_is_not_one_is_that_rows_rejection_not_the_files(tmp_path):
    """Catches: one "abc" longitude refusing the whole file ("could not convert string to float")."""
    path = tmp_path / "2018-12-derbyshire-street.csv"
    force = "Derbyshire Constabulary,Derbyshire Constabulary"
    path.write_text(
        "\n".join(
            [
                HEADER,
                f"a,2018-12,{force},abc,52.8,X,E01019,South Derbyshire 012B,Burglary,,",
                f"b,2018-12,{force},-1.5,91,X,E01019,South Derbyshire 012B,Burglary,,",
                f"c,2018-12,{force},inf,52.8,X,E01019,South Derbyshire 012B,Burglary,,",
                f"d,2018-12,{force},-1.5,52.8,X,E01019,South Derbyshire 012B,Burglary,,",
                f"e,2018-12,{force},,,No Location,,,Burglary,,",
            ]
        )
        + "\n"
    )
    result = _one(path)
    assert [(r.row, r.column) for r in result.rejections] == [
        (2, "Longitude"),
        (3, "Latitude"),
        (4, "Longitude"),
    ]
    assert result.rejections[0].message == "'abc' is not a longitude (a number from -180 to 180)"
    assert result.rows["crime_id"].tolist() == ["d"]
    assert result.rows["longitude"].tolist() == [-1.5]


def test_a_police_uk_row_longer_than_the_header_is_not_a_traceback(tmp_path):
    """Found by the property-based tests: pandas took the first column as an index when a row had one cell
    more than the header, and the importer failed with a TypeError (mutation: index_col=False removed)."""
    path = tmp_path / "2018-12-derbyshire-street.csv"
    path.write_text(f"{HEADER}\na,2018-12,{PLACE},X,E01019,South Derbyshire 012B,Burglary,,,extra\n")
    try:
        result = _one(path)
    except UserError:
        return  # refused in plain words is fine too
    assert result.rows_read == 1


def test_rows_stored_in_pieces_are_the_rows_stored_at_once(services, monkeypatch):
    """The store writes police.uk rows 100,000 at a time (bounded memory); pieces
    must not lose or repeat rows."""
    from cspdesk.core.services.figures import figures_bulk
    from cspdesk.core.storage.models import PoliceUkRow

    monkeypatch.setattr(figures_bulk, "STORE_ROWS", 1000)
    preview = services.figures.preview_import([DERBYSHIRE_FILE])
    services.figures.commit_import(services.actor, preview, import_good_rows=True)
    with services.database.engine.connect() as c:
        stored = c.execute(select(PoliceUkRow.crime_id, PoliceUkRow.month, PoliceUkRow.longitude)).all()
    assert len(stored) == preview.rows_accepted > 4000
    kept = preview.read[0].rows
    assert sorted((r.crime_id or "", r.longitude) for r in stored) == sorted(
        (c or "", lon) for c, lon in zip(kept["crime_id"], kept["longitude"], strict=True)
    )
