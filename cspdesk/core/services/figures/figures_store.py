"""Storing imported crime figures and reading them back. Every function takes the caller's
``Session``; the caller (a unit of work) owns the transaction, so a failed import leaves nothing.

Re-import rules, chosen so nothing is ever counted twice:

* police.uk — the identical file (same SHA-256) is refused while its rows are in the database
  (``AlreadyImported``). A *different* file for the same force and month (police.uk republishes
  months as outcomes are updated) replaces the earlier rows for that force and month, and the
  report says so. Monthly counts (``crime_figure``, source ``police_uk``) are recomputed from the
  kept rows for every month touched, so two forces' files for one month add up correctly.
* analyst — each (month, area, category) in the file replaces the stored figure for that key;
  keys not in the file are not touched. The report lists every replaced figure, old and new.
* population — each area in the file is set (added or changed) with the file's base label.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, delete, func, insert, select
from sqlalchemy.orm import QueryableAttribute, Session

from cspdesk.core.errors import UserError, ValidationError
from cspdesk.core.figures.months import Period
from cspdesk.core.figures.table import ComparisonTable, build_comparison_table
from cspdesk.core.services.figures.figures_bulk import (
    force_months,
    police_counts_for_months,
    store_police_rows,
    text_ids,
    texts_of,
)
from cspdesk.core.storage.models.figures import (
    CrimeFigure,
    FigureImport,
    PoliceUkHolding,
    PoliceUkRow,
    Population,
)

if TYPE_CHECKING:
    from cspdesk.core.importers.figures_results import ImportedFile

ANALYST, POLICE_UK, POPULATION = "analyst", "police_uk", "population"


class AlreadyImported(UserError):
    """The same police.uk file is already in the database; nothing was imported again."""


@dataclass(frozen=True)
class ReplacedFigure:
    month: str
    area: str
    category: str
    old: int
    new: int


@dataclass(frozen=True)
class AnalystStoreReport:
    import_id: uuid.UUID
    added: int
    unchanged: int
    replaced: tuple[ReplacedFigure, ...]
    months: tuple[str, ...]


@dataclass(frozen=True)
class SupersededRows:
    force: str
    month: str
    rows: int
    earlier_file: str


@dataclass(frozen=True)
class PoliceUkStoreReport:
    import_id: uuid.UUID
    rows_stored: int
    months: tuple[str, ...]
    superseded: tuple[SupersededRows, ...] = ()
    counts_by_district: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class PopulationChange:
    area: str
    old: int | None  # None: the area is new
    new: int
    label: str


@dataclass(frozen=True)
class PopulationBase:
    populations: dict[str, int]
    labels: tuple[str, ...]  # normally one; several means the table mixes bases and should say so

    @property
    def label(self) -> str | None:
        return "; ".join(self.labels) or None


def _record_import(
    session: Session, imported: ImportedFile, imported_by: str, rows_imported: int, note: str = ""
) -> FigureImport:
    record = FigureImport(
        source=imported.kind.source,
        filename=imported.file[-300:],
        sha256=imported.sha256,
        imported_by=imported_by,
        rows_read=imported.rows_read,
        rows_imported=rows_imported,
        rows_rejected=len(imported.rejections),
        report=imported.summary + (f"\n{note}" if note else ""),
    )
    session.add(record)
    session.flush()
    return record


# --- analyst figures ---------------------------------------------------------------------------------


def store_analyst_figures(session: Session, imported: ImportedFile, imported_by: str) -> AnalystStoreReport:
    """Store the accepted rows; each (month, area, category) in the file replaces the stored one."""
    rows = imported.rows
    months = sorted(set(rows["month"]))
    record = _record_import(session, imported, imported_by, len(rows))
    existing = {
        (f.month, f.area, f.category): f
        for f in session.scalars(
            select(CrimeFigure).where(CrimeFigure.source == ANALYST, CrimeFigure.month.in_(months))
        )
    }
    added, unchanged, replaced, new_rows = 0, 0, [], []
    for month, area, category, count in rows[["month", "area", "category", "count"]].itertuples(index=False):
        figure = existing.get((month, area, category))
        if figure is None:
            new_rows.append(
                {
                    "month": month,
                    "area": area,
                    "category": category,
                    "count": int(count),
                    "source": ANALYST,
                    "import_id": record.id,
                }
            )
            added += 1
        elif figure.count == int(count):
            unchanged += 1
        else:
            replaced.append(ReplacedFigure(month, area, category, figure.count, int(count)))
            figure.count, figure.import_id = int(count), record.id
    if new_rows:
        session.execute(insert(CrimeFigure), new_rows)
    session.flush()
    return AnalystStoreReport(record.id, added, unchanged, tuple(replaced), tuple(months))


# --- police.uk -----------------------------------------------------------------------------------------


def store_police_uk(session: Session, imported: ImportedFile, imported_by: str) -> PoliceUkStoreReport:
    """Keep the rows, replace any earlier rows for the same force and month, recount those months."""
    earlier = session.execute(
        select(FigureImport.filename, FigureImport.imported_at, FigureImport.imported_by)
        .where(FigureImport.source == POLICE_UK, FigureImport.sha256 == imported.sha256)
        .where(holds_rows(FigureImport.id))
    ).first()
    if earlier is not None:
        raise AlreadyImported(
            f"{imported.file} was already imported (as {earlier.filename}, on "
            f"{earlier.imported_at:%d %B %Y at %H:%M} by {earlier.imported_by}); "
            "nothing was imported again."
        )
    rows = imported.police_rows()
    superseded = _remove_force_months(session, force_months(rows))
    note = "\n".join(
        f"Replaced {s.rows:,} rows for {s.force}, {s.month} from {s.earlier_file}" for s in superseded
    )
    record = _record_import(session, imported, imported_by, len(rows), note)
    holdings = store_police_rows(session, rows, record.id)
    months = tuple(sorted({h.month for h in holdings}))
    _recount_police_months(session, months, record.id)
    by_district: dict[str, int] = {}
    for h in holdings:
        by_district[h.district] = by_district.get(h.district, 0) + h.rows
    return PoliceUkStoreReport(record.id, len(rows), months, tuple(superseded), by_district)


def holds_rows(import_id: ColumnElement[uuid.UUID] | QueryableAttribute[uuid.UUID]) -> ColumnElement[bool]:
    """True where the import still holds police.uk rows (a later file may have replaced them all)."""
    return select(PoliceUkHolding.id).where(PoliceUkHolding.import_id == import_id).exists()


def _remove_force_months(session: Session, pairs: set[tuple[str | None, str]]) -> list[SupersededRows]:
    """Delete the rows earlier imports hold for these (force, month) pairs; say how many, from which file."""
    if not pairs:
        return []
    held = [
        h
        for h in session.execute(
            select(PoliceUkHolding, FigureImport.filename)
            .join(FigureImport, FigureImport.id == PoliceUkHolding.import_id)
            .where(PoliceUkHolding.month.in_(sorted({m for _f, m in pairs})))
        ).all()
        if (h[0].falls_within, h[0].month) in pairs
    ]
    if not held:
        return []
    ids = text_ids(
        session, {h.district for h, _ in held} | {h.falls_within for h, _ in held if h.falls_within}
    )
    replaced: dict[tuple[str | None, str, str], int] = {}
    for holding, filename in held:
        force = holding.falls_within
        # Found through the (district, month, crime type) index, the force checked on those rows.
        session.execute(
            delete(PoliceUkRow).where(
                PoliceUkRow.district_id == ids[holding.district],
                PoliceUkRow.month == holding.month,
                PoliceUkRow.falls_within_id.is_(None)
                if force is None
                else PoliceUkRow.falls_within_id == ids[force],
            )
        )
        key = (force, holding.month, filename)
        replaced[key] = replaced.get(key, 0) + holding.rows
        session.delete(holding)
    session.flush()
    return [
        SupersededRows(force or "(no force)", month, count, filename)
        for (force, month, filename), count in sorted(
            replaced.items(), key=lambda item: (item[0][0] or "", *item[0][1:])
        )
    ]


def _recount_police_months(session: Session, months: Sequence[str], import_id: uuid.UUID) -> None:
    session.execute(delete(CrimeFigure).where(CrimeFigure.source == POLICE_UK, CrimeFigure.month.in_(months)))
    counts = police_counts_for_months(session, months)
    if counts:
        session.connection().execute(  # Core, not the ORM's bulk insert: a few thousand rows, no objects
            insert(CrimeFigure),
            [
                {
                    "month": m,
                    "area": d,
                    "category": c,
                    "count": n,
                    "source": POLICE_UK,
                    "import_id": import_id,
                }
                for m, d, c, n in counts
            ],
        )


# --- population ------------------------------------------------------------------------------------------


def set_population(session: Session, area: str, population: int, label: str) -> PopulationChange:
    area = " ".join(area.split())
    if not area:
        raise ValidationError({"area": "Enter the area's name."})
    if population <= 0:
        raise ValidationError({"population": "The population must be a whole number above 0."})
    if not label.strip():
        raise ValidationError(
            {"label": 'Say what the population is, e.g. "total population, mid-2020 estimate".'}
        )
    row = session.scalars(select(Population).where(Population.area == area)).first()
    old = row.population if row else None
    if row is None:
        session.add(Population(area=area, population=population, label=label.strip()))
    else:
        row.population, row.label = population, label.strip()
    session.flush()
    return PopulationChange(area, old, population, label.strip())


def store_populations(
    session: Session, imported: ImportedFile, label: str, imported_by: str
) -> list[PopulationChange]:
    _record_import(session, imported, imported_by, len(imported.rows))
    return [
        set_population(session, area, int(population), label)
        for area, population in imported.rows[["area", "population"]].itertuples(index=False)
    ]


def read_populations(session: Session) -> PopulationBase:
    rows = session.execute(select(Population.area, Population.population, Population.label)).all()
    return PopulationBase({r.area: r.population for r in rows}, tuple(sorted({r.label for r in rows})))


# --- reading figures -------------------------------------------------------------------------------------


def monthly_counts(
    session: Session, category: str, first: str, last: str, source: str = ANALYST
) -> list[tuple[str, str, int]]:
    """``(area, month, count)`` for one category and source, months ``first``..``last`` inclusive."""
    rows = session.execute(
        select(CrimeFigure.area, CrimeFigure.month, CrimeFigure.count)
        .where(
            CrimeFigure.source == source,
            CrimeFigure.category == category,
            CrimeFigure.month >= first,
            CrimeFigure.month <= last,
        )
        .order_by(CrimeFigure.area, CrimeFigure.month)
    ).all()
    return [(area, month, count) for area, month, count in rows]


def figure_categories(session: Session, source: str = ANALYST) -> list[str]:
    return list(
        session.scalars(
            select(CrimeFigure.category)
            .where(CrimeFigure.source == source)
            .distinct()
            .order_by(CrimeFigure.category)
        )
    )


def comparison_table(
    session: Session,
    category: str,
    period: Period,
    *,
    source: str = ANALYST,
    areas: Sequence[str] | None = None,
    total_label: str = "Total",
    home_area: str | None = None,
    place_phrase: str = "in the county",
) -> ComparisonTable:
    """Read the two years of counts and the population base, and build the plan's table."""
    base = read_populations(session)
    counts = monthly_counts(session, category, period.previous().first, period.last, source)
    return build_comparison_table(
        category,
        period,
        counts,
        base.populations,
        areas=areas,
        total_label=total_label,
        home_area=home_area,
        population_label=base.label,
        place_phrase=place_phrase,
    )


def lsoa_counts(session: Session, district: str, crime_type: str, period: Period) -> list[tuple[str, int]]:
    """police.uk rows by LSOA within a district, most first: the ward/LSOA breakdown."""
    ids = text_ids(session, (district, crime_type))
    if len(ids) < 2:
        return []
    rows = session.execute(
        select(PoliceUkRow.lsoa_name_id, func.count())
        .where(
            PoliceUkRow.district_id == ids[district],
            PoliceUkRow.crime_type_id == ids[crime_type],
            PoliceUkRow.month >= period.first,
            PoliceUkRow.month <= period.last,
        )
        .group_by(PoliceUkRow.lsoa_name_id)
    ).all()
    names = texts_of(session, (name_id for name_id, _count in rows))
    counts = [(names.get(name_id, ""), int(count)) for name_id, count in rows]
    return sorted(counts, key=lambda item: (-item[1], item[0]))
