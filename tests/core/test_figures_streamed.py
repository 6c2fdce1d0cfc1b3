"""A police.uk file stored chunk by chunk (reading on a helper thread) ends as the whole-file import does."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from cspdesk.core.importers.figures_files import read_figures_file, sha256_of
from cspdesk.core.services import figures_store as store
from cspdesk.core.services.figures_bulk import COLUMNS, prefetched
from cspdesk.core.storage.database import make_engine
from cspdesk.core.storage.models import Base
from cspdesk.core.storage.models.figures import CrimeFigure, FigureImport, PoliceUkRow
from tests.core.test_figures_import import DERBYSHIRE

NOTTS = Path("/work/shared/data/police-uk/2018-12-nottinghamshire-street.csv")


def _engine(path):
    engine = make_engine(f"sqlite:///{path}")
    Base.metadata.create_all(engine)
    return engine


def _contents(engine):
    with Session(engine) as session:
        rows = sorted(tuple(r) for r in session.execute(select(*(getattr(PoliceUkRow, c) for c in COLUMNS))))
        counts = sorted(tuple(r) for r in session.execute(
            select(CrimeFigure.month, CrimeFigure.area, CrimeFigure.category, CrimeFigure.count)))
        record = session.scalars(select(FigureImport)).one()
        return rows, counts, (record.rows_read, record.rows_imported, record.rows_rejected, record.report)


def test_streamed_import_stores_the_same_rows_counts_and_report_as_the_whole_file(tmp_path):
    whole, streamed = _engine(tmp_path / "whole.sqlite"), _engine(tmp_path / "streamed.sqlite")
    (imported,) = read_figures_file(NOTTS, DERBYSHIRE)
    with Session(whole) as session, session.begin():
        expected = store.store_police_uk(session, imported, "analyst")
    with Session(streamed) as session, session.begin():
        result = store.store_police_uk_streamed(session, NOTTS, str(NOTTS), sha256_of(NOTTS), DERBYSHIRE,
                                                "analyst", chunk_rows=997)  # many chunks, odd edges
    got = result.report
    assert (got.rows_stored, got.months, got.counts_by_district) == (
        expected.rows_stored, expected.months, expected.counts_by_district)
    assert result.imported.rows_read == imported.rows_read
    assert [str(r) for r in result.imported.rejections] == [str(r) for r in imported.rejections]
    assert [(e.reason, e.count, e.examples) for e in result.imported.excluded] == [
        (e.reason, e.count, e.examples) for e in imported.excluded]
    assert _contents(streamed) == _contents(whole)
    with Session(streamed) as session, session.begin(), pytest.raises(store.AlreadyImported):
        store.store_police_uk_streamed(session, NOTTS, str(NOTTS), sha256_of(NOTTS), DERBYSHIRE, "analyst")


def test_streamed_import_reports_bad_rows_with_their_file_row_numbers(tmp_path):
    header = ("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,"
              "Crime type,Last outcome category,Context\n")
    good = ",2022-01,D,D,-1.5,52.8,On or near Parking Area,E01000001,Erewash 001A,Burglary,,\n"
    path = tmp_path / "street.csv"
    path.write_text(header + good * 5 + good.replace("2022-01", "2022-13") + good * 3
                    + good.replace("Burglary", "") + good.replace("Erewash", "Derby"))
    with Session(_engine(tmp_path / "db.sqlite")) as session, session.begin():
        result = store.store_police_uk_streamed(session, path, "street.csv", sha256_of(path), DERBYSHIRE,
                                                "analyst", chunk_rows=4)
    assert [(r.row, r.column) for r in result.imported.rejections] == [(7, "Month"), (11, "Crime type")]
    assert result.report.rows_stored == 8
    assert [(e.reason, e.count) for e in result.imported.excluded] == [
        ("no LSOA, so no district", 0), ("outside the configured districts", 1)]
    assert result.imported.excluded[1].examples == ["row 12: Derby 001A"]


def test_prefetched_raises_a_reading_error_in_the_caller():
    def chunks():
        yield 1
        raise ValueError("bad chunk")

    got = []
    with pytest.raises(ValueError, match="bad chunk"):
        for item in prefetched(chunks()):
            got.append(item)
    assert got == [1]
    stream = prefetched(iter(range(100)), depth=1)
    assert next(stream) == 0
    stream.close()  # stopping early stops the reader thread
