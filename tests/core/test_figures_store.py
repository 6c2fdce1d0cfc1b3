"""Storing figures in a real (per-test) database and reading the plan's table back."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import Column, Float, Integer, MetaData, String, Table, create_engine, func, select
from sqlalchemy.orm import Session

from cspdesk.core.errors import ValidationError
from cspdesk.core.figures.export import table_csv
from cspdesk.core.figures.months import Period
from cspdesk.core.importers.figures_files import read_figures_file
from cspdesk.core.services.figures import figures_store as store
from cspdesk.core.storage import bulk
from cspdesk.core.storage.models import (
    CrimeFigure,
    FigureImport,
    PoliceUkHolding,
    PoliceUkRow,
    PoliceUkText,
    Population,
)

POLICE_UK = Path("/work/shared/data/police-uk")
DERBYSHIRE_FILE = POLICE_UK / "2018-12-derbyshire-street.csv"
NOTTS_FILE = POLICE_UK / "2018-12-nottinghamshire-street.csv"
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


@pytest.fixture
def engine(database):
    """The database's engine: SQLite, and PostgreSQL too when CSPDESK_TEST_PG_URL is set."""
    return database.engine


def _read(path: Path, districts=DERBYSHIRE):
    (result,) = read_figures_file(path, districts)
    return result


def _csv(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _figures(session: Session, source: str) -> dict[tuple[str, str, str], int]:
    rows = session.execute(
        select(CrimeFigure.month, CrimeFigure.area, CrimeFigure.category, CrimeFigure.count).where(
            CrimeFigure.source == source
        )
    ).all()
    return {(m, a, c): n for m, a, c, n in rows}


def test_reimporting_a_month_replaces_only_the_keys_in_the_file_and_says_what_changed(engine, tmp_path):
    first = _csv(
        tmp_path,
        "jan.csv",
        "month,area,category,count\n2023-01,Erewash,ASB,10\n2023-01,Erewash,Hate,2\n"
        "2023-01,Bolsover,ASB,7\n2022-12,Erewash,ASB,9\n",
    )
    again = _csv(
        tmp_path,
        "jan-corrected.csv",
        "month,area,category,count\n2023-01,Erewash,ASB,12\n"
        "2023-01,Bolsover,ASB,7\n2023-01,High Peak,ASB,3\n",
    )
    with Session(engine) as session, session.begin():
        report = store.store_analyst_figures(session, _read(first), "analyst.one")
        assert (report.added, report.unchanged, report.replaced) == (4, 0, ())
    with Session(engine) as session, session.begin():
        report = store.store_analyst_figures(session, _read(again), "analyst.one")
        assert report.replaced == (store.ReplacedFigure("2023-01", "Erewash", "ASB", 10, 12),)
        assert (report.added, report.unchanged, report.months) == (1, 1, ("2023-01",))
    with Session(engine) as session:
        assert _figures(session, "analyst") == {
            ("2023-01", "Erewash", "ASB"): 12,
            ("2023-01", "Erewash", "Hate"): 2,  # not in the file: kept
            ("2023-01", "Bolsover", "ASB"): 7,
            ("2022-12", "Erewash", "ASB"): 9,
            ("2023-01", "High Peak", "ASB"): 3,
        }
        assert session.scalar(select(func.count()).select_from(FigureImport)) == 2


def test_police_uk_file_imported_twice_is_refused_and_not_double_counted(engine):
    with Session(engine) as session, session.begin():
        report = store.store_police_uk(session, _read(DERBYSHIRE_FILE), "analyst.one")
        assert report.months == ("2018-12",) and report.counts_by_district["South Derbyshire"] == 464
    with (
        Session(engine) as session,
        session.begin(),
        pytest.raises(store.AlreadyImported, match="already imported"),
    ):
        store.store_police_uk(session, _read(DERBYSHIRE_FILE), "analyst.two")
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(PoliceUkRow)) == report.rows_stored == 4840
        assert sum(_figures(session, "police_uk").values()) == 4840


def test_a_republished_file_for_the_same_force_and_month_replaces_the_earlier_rows(engine, tmp_path):
    original = DERBYSHIRE_FILE.read_text(encoding="utf-8").splitlines()
    republished = _csv(tmp_path, "2018-12-derbyshire-street.csv", "\n".join(original[:-100]) + "\n")
    with Session(engine) as session, session.begin():
        store.store_police_uk(session, _read(DERBYSHIRE_FILE), "analyst.one")
    with Session(engine) as session, session.begin():
        report = store.store_police_uk(session, _read(republished), "analyst.one")
        assert [(s.force, s.month, s.rows) for s in report.superseded] == [
            ("Derbyshire Constabulary", "2018-12", 4840)
        ]
    with Session(engine) as session:
        stored = session.scalar(select(func.count()).select_from(PoliceUkRow))
        assert stored == report.rows_stored < 4840
        assert sum(_figures(session, "police_uk").values()) == stored


def _stored_rows(session: Session) -> Counter:
    """Every kept row with its texts, read back through police_uk_text."""
    coded = (
        "reported_by",
        "falls_within",
        "location",
        "lsoa_code",
        "lsoa_name",
        "district",
        "crime_type",
        "last_outcome",
    )
    texts = dict(session.execute(select(PoliceUkText.id, PoliceUkText.text)).all())
    rows = session.execute(
        select(
            PoliceUkRow.crime_id,
            PoliceUkRow.month,
            PoliceUkRow.longitude,
            PoliceUkRow.latitude,
            *(getattr(PoliceUkRow, f"{name}_id") for name in coded),
        )
    ).all()
    return Counter(
        (crime_id, month, x, y, *(texts.get(i) for i in ids)) for crime_id, month, x, y, *ids in rows
    )


def _file_rows(path: Path) -> Counter:
    """The same, straight from the file with the csv module: rows in the eight districts."""
    found = Counter()
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            district = row["LSOA name"].rsplit(" ", 1)[0]
            if district not in DERBYSHIRE:
                continue
            blank = {k: (v or None) for k, v in row.items()}
            found[
                (
                    blank["Crime ID"],
                    row["Month"],
                    float(row["Longitude"]) if row["Longitude"] else None,
                    float(row["Latitude"]) if row["Latitude"] else None,
                    blank["Reported by"],
                    blank["Falls within"],
                    blank["Location"],
                    blank["LSOA code"],
                    blank["LSOA name"],
                    district,
                    row["Crime type"],
                    blank["Last outcome category"],
                )
            ] += 1
    return found


def test_stored_rows_read_back_as_the_file_has_them_with_each_text_stored_once(engine):
    with Session(engine) as session, session.begin():
        store.store_police_uk(session, _read(DERBYSHIRE_FILE), "analyst.one")
        store.store_police_uk(session, _read(NOTTS_FILE), "analyst.one")
    with Session(engine) as session:
        assert _stored_rows(session) == _file_rows(DERBYSHIRE_FILE) + _file_rows(NOTTS_FILE)
        texts = session.scalars(select(PoliceUkText.text)).all()
        assert len(texts) == len(set(texts)) and "Derbyshire Constabulary" in texts
        # Only texts of kept rows: an LSOA outside the districts is not stored.
        assert not any(t.startswith("Nottingham 0") for t in texts)


def test_a_file_whose_rows_were_all_replaced_can_be_imported_again(engine, tmp_path):
    original = DERBYSHIRE_FILE.read_text(encoding="utf-8").splitlines()
    republished = _csv(tmp_path, "2018-12-derbyshire-street.csv", "\n".join(original[:-100]) + "\n")
    with Session(engine) as session, session.begin():
        first = store.store_police_uk(session, _read(DERBYSHIRE_FILE), "analyst.one")
        store.store_police_uk(session, _read(republished), "analyst.one")
    with Session(engine) as session, session.begin():  # the first file's rows are no longer held: not refused
        again = store.store_police_uk(session, _read(DERBYSHIRE_FILE), "analyst.one")
        assert [(s.force, s.month, s.earlier_file) for s in again.superseded] == [
            ("Derbyshire Constabulary", "2018-12", str(republished))
        ]
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(PoliceUkRow)) == first.rows_stored == 4840
        assert sum(_figures(session, "police_uk").values()) == 4840
        held = session.execute(
            select(PoliceUkHolding.import_id, func.sum(PoliceUkHolding.rows)).group_by(
                PoliceUkHolding.import_id
            )
        ).all()
        assert [(i, n) for i, n in held] == [(again.import_id, 4840)]


def test_rows_with_no_force_are_replaced_by_a_later_file_with_no_force(engine, tmp_path):
    header = (
        "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA "
        "code,LSOA name,Crime type,Last outcome category,Context"
    )
    row = ",2018-12,,,-1.5,52.8,On or near X,E01019,South Derbyshire 012B,{type},,"
    first = _csv(tmp_path, "first.csv", "\n".join([header, *[row.format(type="Burglary")] * 3]) + "\n")
    later = _csv(tmp_path, "later.csv", "\n".join([header, *[row.format(type="Drugs")] * 2]) + "\n")
    with Session(engine) as session, session.begin():
        store.store_police_uk(session, _read(first), "analyst.one")
        report = store.store_police_uk(session, _read(later), "analyst.one")
        assert [(s.force, s.month, s.rows) for s in report.superseded] == [("(no force)", "2018-12", 3)]
    with Session(engine) as session:
        assert _figures(session, "police_uk") == {("2018-12", "South Derbyshire", "Drugs"): 2}


def test_the_portable_insert_stores_what_the_sqlite_fast_path_stores(tmp_path):
    """PostgreSQL gets SQLAlchemy Core's executemany; run here on SQLite, the rows must be the same."""
    grid = np.array([["a", 1, 1.5, None], [None, 2, None, "x"], ["c", None, None, None]], dtype=object)
    results = []
    for name, writer in (("fast", bulk.insert_rows), ("portable", bulk._insert_portable)):
        engine = create_engine(f"sqlite:///{tmp_path / name}.sqlite")
        table = Table(
            "t",
            MetaData(),
            Column("id", Integer, primary_key=True),
            Column("a", String),
            Column("b", Integer),
            Column("c", Float),
            Column("d", String),
        )
        table.create(engine)
        with engine.begin() as connection:
            writer(connection, table, ["a", "b", "c", "d"], grid)
        with engine.connect() as connection:
            results.append(connection.execute(select(table.c.a, table.c.b, table.c.c, table.c.d)).all())
        engine.dispose()
    assert results[0] == results[1] == [("a", 1, 1.5, None), (None, 2, None, "x"), ("c", None, None, None)]


def test_two_forces_files_for_one_month_add_up(engine):
    with Session(engine) as session, session.begin():
        derbyshire = store.store_police_uk(session, _read(DERBYSHIRE_FILE), "analyst.one")
        notts = store.store_police_uk(session, _read(NOTTS_FILE), "analyst.one")
    with Session(engine) as session:
        figures = _figures(session, "police_uk")
        by_district: dict[str, int] = {}
        for (_, area, _), count in figures.items():
            by_district[area] = by_district.get(area, 0) + count
        expected = {
            d: derbyshire.counts_by_district.get(d, 0) + notts.counts_by_district.get(d, 0)
            for d in DERBYSHIRE
        }
        assert by_district == expected
        assert by_district["Bolsover"] == 566 + 6
        assert (
            store.lsoa_counts(
                session, "South Derbyshire", "Anti-social behaviour", Period.of_year("2018-01", "2018-12")
            )[0][1]
            > 0
        )


def test_populations_import_and_single_values_with_their_label(engine, tmp_path):
    path = _csv(tmp_path, "pop.csv", "Area,Population\nErewash,115332\nBolsover,81305\n")
    label = "total population, mid-2020 estimate"
    with Session(engine) as session, session.begin():
        changes = store.store_populations(session, _read(path), label, "analyst.one")
        assert [(c.area, c.old, c.new) for c in changes] == [
            ("Erewash", None, 115332),
            ("Bolsover", None, 81305),
        ]
        change = store.set_population(session, "Erewash", 115400, label)
        assert (change.old, change.new) == (115332, 115400)
        with pytest.raises(ValidationError):
            store.set_population(session, "Erewash", 0, label)
    with Session(engine) as session:
        base = store.read_populations(session)
        assert base.populations == {"Erewash": 115400, "Bolsover": 81305} and base.label == label
        assert session.scalar(select(func.count()).select_from(Population)) == 2


def test_table_from_stored_analyst_figures_to_csv(engine, tmp_path):
    lines = ["month,area,category,count"]
    for year, erewash, bolsover in ((2021, 10, 5), (2022, 12, 4)):
        lines += [f"{year}-{m:02d},Erewash,ASB,{erewash}" for m in range(1, 13)]
        lines += [f"{year}-{m:02d},Bolsover,ASB,{bolsover}" for m in range(1, 13)]
    with Session(engine) as session, session.begin():
        store.store_analyst_figures(session, _read(_csv(tmp_path, "asb.csv", "\n".join(lines) + "\n")), "a")
        store.set_population(session, "Erewash", 115332, "total population, mid-2020 estimate")
        store.set_population(session, "Bolsover", 81305, "total population, mid-2020 estimate")
    with Session(engine) as session:
        assert store.figure_categories(session) == ["ASB"]
        table = store.comparison_table(
            session,
            "ASB",
            Period.of_year("2022-01", "2022-12"),
            total_label="Derbyshire County Council area",
            home_area="Bolsover",
        )
    assert table_csv(table) == (
        "area,volume,rate,trend\n"
        "Erewash,144,1.2,20.0\n"
        "Derbyshire County Council area,192,1.0,6.7\n"
        "Bolsover,48,0.6,-20.0\n"
    )
    assert table.population_label == "total population, mid-2020 estimate"
    assert table.sentence == "Bolsover has the lowest rate per 1,000 in the county."
