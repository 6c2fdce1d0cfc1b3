"""Crime figures as the user meets them: import (preview, then commit), populations, tables, charts.

Importing is two steps because a file with some bad rows is normal (a typo in one month of a
year's sheet): ``preview_import`` reads every file and writes nothing; the user sees what would go
in and what was rejected (file, row, column), and ``commit_import`` stores the good rows in one
unit of work with an audit row per file. Reading is done by ``core/importers`` (pandas), imported
only inside the methods so the window starts without it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from cspdesk.core.domain.vocab import Role
from cspdesk.core.errors import UserError, ValidationError
from cspdesk.core.figures.months import Period, month_from_index, month_index
from cspdesk.core.figures.plan import PLAN_CATEGORIES, POLICE_UK_EQUIVALENT
from cspdesk.core.figures.rejections import Rejection
from cspdesk.core.figures.table import ComparisonTable
from cspdesk.core.services.admin.settings import SettingsService
from cspdesk.core.services.context import Actor, Changes
from cspdesk.core.services.figures import figures_store as store
from cspdesk.core.services.figures.figures_local import LocalBreakdownMixin
from cspdesk.core.storage.models.figures import CrimeFigure, FigureImport, Population
from cspdesk.core.storage.uow import UnitOfWork

ANALYST, POLICE_UK = store.ANALYST, store.POLICE_UK
SOURCES = {ANALYST: "Partnership Analyst figures", POLICE_UK: "police.uk street-level data"}
UNRECOGNISED = "unrecognised"
Progress = Callable[[str, int, int], None]


# The importers' own record of a rejected row (pandas-free), under the name the page uses.
RejectedRow = Rejection


@dataclass(frozen=True)
class ExcludedSummary:
    reason: str
    count: int
    examples: tuple[str, ...]


@dataclass(frozen=True)
class FilePreview:
    """What one file would import. ``kind`` is a FileKind value, or "unrecognised"."""

    file: str
    kind: str
    kind_label: str
    rows_read: int
    rows_accepted: int
    rejections: tuple[RejectedRow, ...]
    excluded: tuple[ExcludedSummary, ...] = ()
    ignored_columns: tuple[str, ...] = ()
    months: tuple[str, ...] = ()
    already_imported: str | None = None  # a police.uk file whose rows are already stored: skipped

    @property
    def importable(self) -> bool:
        return self.kind != UNRECOGNISED and self.already_imported is None and self.rows_accepted > 0

    @property
    def summary(self) -> str:
        if self.kind == UNRECOGNISED:
            return (
                f"{self.file}: not imported. {self.rejections[0].message if self.rejections else ''}".strip()
            )
        if self.already_imported:
            return f"{self.file}: skipped. {self.already_imported}"
        months = f" ({_month_span(self.months)})" if self.months else ""
        text = (
            f"{self.file}: {self.kind_label}{months}; {self.rows_read:,} rows read, "
            f"{self.rows_accepted:,} ready to import, {len(self.rejections):,} rejected."
        )
        for excluded in self.excluded:
            if excluded.count:
                text += f"\n  {excluded.count:,} rows not counted ({excluded.reason}), e.g. " + "; ".join(
                    excluded.examples
                )
        if self.ignored_columns:
            text += "\n  Columns ignored: " + ", ".join(self.ignored_columns)
        return text


@dataclass(frozen=True)
class ImportPreview:
    files: tuple[FilePreview, ...]
    # The rows read (core.importers.ImportedFile, one per importable file), handed back to commit.
    read: tuple[Any, ...] = field(default=(), repr=False, compare=False)

    @property
    def rejections(self) -> tuple[RejectedRow, ...]:
        return tuple(r for f in self.files for r in f.rejections)

    @property
    def rows_accepted(self) -> int:
        return sum(f.rows_accepted for f in self.files if f.importable)

    @property
    def has_population_file(self) -> bool:
        return any(f.kind == "population" and f.importable for f in self.files)

    @property
    def anything_to_import(self) -> bool:
        return any(f.importable for f in self.files)


@dataclass(frozen=True)
class FileOutcome:
    file: str
    lines: tuple[str, ...]  # what happened, in the user's words


@dataclass(frozen=True)
class ImportOutcome:
    files: tuple[FileOutcome, ...]
    rows_imported: int
    rows_rejected: int
    changes: Changes

    @property
    def text(self) -> str:
        return "\n".join(line for f in self.files for line in f.lines)


@dataclass(frozen=True)
class PopulationRow:
    area: str
    population: int
    label: str
    version: int


@dataclass(frozen=True)
class MonthlySeries:
    """Monthly counts for one area and category: the chosen year and the year before it."""

    area: str
    category: str
    period: Period
    months: tuple[str, ...]  # the chosen period's months
    counts: tuple[int, ...]
    previous: tuple[int | None, ...]  # same calendar month a year earlier; None where there is none


def _month_span(months: Sequence[str]) -> str:
    months = sorted(months)
    if not months:
        return ""
    return months[0] if len(months) == 1 else f"{months[0]} to {months[-1]}"


class FiguresService(LocalBreakdownMixin):
    """Importing, populations, district tables and printing; the local (LSOA)
    breakdown is in figures_local."""

    def __init__(
        self, uow: Callable[[str], UnitOfWork], settings: SettingsService, today: Callable[[], date]
    ):
        self._uow = uow
        self._settings = settings
        self._today = today

    default_source = ANALYST

    @staticmethod
    def source_label(source: str) -> str:
        return SOURCES.get(source, source)

    # --- settings the tables use ---------------------------------------------------------------

    def districts(self) -> list[str]:
        return list(self._settings.get("figures.districts"))

    def total_label(self) -> str:
        return str(self._settings.get("figures.total_label"))

    def home_district(self) -> str:
        return str(self._settings.get("council.home_district"))

    # --- importing -----------------------------------------------------------------------------

    def preview_import(self, paths: Sequence[str | Path], progress: Progress | None = None) -> ImportPreview:
        """Read every file and say what would be imported and what is rejected; writes nothing.

        A file that cannot be read at all (not a figures file, not a zip) is reported as such and the
        other files are still read.
        """
        from cspdesk.core.importers.figures_files import read_figures_file
        from cspdesk.core.importers.figures_results import ImportLimits

        if not paths:
            raise ValidationError({"files": "Choose at least one file to import."})
        districts = self.districts()
        limits = ImportLimits(
            max_count=int(self._settings.get("figures.max_count")),
            max_population=int(self._settings.get("figures.max_population")),
        )
        previews: list[FilePreview] = []
        read: list[Any] = []
        for number, path in enumerate(paths, start=1):
            if progress:
                progress(f"Reading {Path(path).name}", number - 1, len(paths))
            try:
                results = read_figures_file(path, districts, limits)
            except UserError as exc:
                previews.append(
                    FilePreview(
                        str(path),
                        UNRECOGNISED,
                        "not a figures file",
                        0,
                        0,
                        (RejectedRow(str(path), None, None, str(exc)),),
                    )
                )
                continue
            for imported in results:
                preview = self._preview_of(imported)
                previews.append(preview)
                if preview.importable:
                    read.append(imported)
        if progress:
            progress("Read", len(paths), len(paths))
        return ImportPreview(tuple(previews), tuple(read))

    def _preview_of(self, imported) -> FilePreview:
        from cspdesk.core.importers.figures_results import FileKind

        rows = imported.rows
        months: tuple[str, ...] = ()
        if imported.kind is not FileKind.POPULATION and len(rows):
            months = tuple(sorted(str(m) for m in rows["month"].dropna().unique()))
        already = None
        if imported.kind is FileKind.POLICE_UK:
            already = self._already_imported(imported.sha256)
        return FilePreview(
            file=imported.file,
            kind=imported.kind.value,
            kind_label=imported.kind.label,
            rows_read=imported.rows_read,
            rows_accepted=imported.rows_accepted,
            rejections=tuple(imported.rejections),
            excluded=tuple(ExcludedSummary(e.reason, e.count, tuple(e.examples)) for e in imported.excluded),
            ignored_columns=tuple(imported.ignored_columns),
            months=months,
            already_imported=already,
        )

    def _already_imported(self, sha256: str) -> str | None:
        with self._uow("system") as uow:
            earlier = uow.session.execute(
                select(FigureImport.filename, FigureImport.imported_at, FigureImport.imported_by)
                .where(FigureImport.source == POLICE_UK, FigureImport.sha256 == sha256)
                .where(store.holds_rows(FigureImport.id))
            ).first()
        if earlier is None:
            return None
        return (
            f"This file was already imported (as {earlier.filename}, on {earlier.imported_at:%d %B %Y} by "
            f"{earlier.imported_by}); its rows are not counted twice."
        )

    def commit_import(
        self,
        actor: Actor,
        preview: ImportPreview,
        *,
        import_good_rows: bool = False,
        population_label: str | None = None,
        progress: Progress | None = None,
    ) -> ImportOutcome:
        """Store the good rows of a preview in one unit of work (all files or none).

        ``import_good_rows`` is the user's answer when some rows were rejected: without it, a preview
        with rejections imports nothing. A population file needs ``population_label`` unless the
        table already has a label, which is then kept.
        """
        from cspdesk.core.importers.figures_results import FileKind

        actor.require(Role.OFFICER, "import crime figures")
        if preview.rejections and not import_good_rows:
            raise ValidationError(
                {
                    "files": f"{len(preview.rejections):,} rows were rejected. Choose to import "
                    "the good rows, or correct the files and try again."
                }
            )
        if not preview.anything_to_import:
            raise ValidationError({"files": "There is nothing to import in the chosen files."})
        outcomes: list[FileOutcome] = []
        imported_rows = 0
        kinds: set[str] = set()
        with self._uow(actor.username) as uow:
            session = uow.session
            label = self._population_label(session, population_label) if preview.has_population_file else ""
            for number, imported in enumerate(preview.read, start=1):
                if progress:
                    progress(f"Storing {Path(imported.file).name}", number - 1, len(preview.read))
                if imported.kind is FileKind.POLICE_UK:
                    try:
                        report = store.store_police_uk(session, imported, actor.username)
                    except store.AlreadyImported as exc:
                        outcomes.append(FileOutcome(imported.file, (f"{imported.file}: skipped. {exc}",)))
                        continue
                    lines = [
                        f"{imported.file}: {report.rows_stored:,} police.uk rows stored for "
                        f"{_month_span(report.months)}."
                    ]
                    lines += [
                        f"  Replaced {s.rows:,} earlier rows for {s.force}, {s.month} "
                        f"(from {s.earlier_file})."
                        for s in report.superseded
                    ]
                    imported_rows += report.rows_stored
                    kinds.add("crime_figure")
                    uow.audit("import", "figure_import", report.import_id, lines[0])
                elif imported.kind is FileKind.POPULATION:
                    changes = store.store_populations(session, imported, label, actor.username)
                    changed = [c for c in changes if c.old != c.new]
                    lines = [
                        f"{imported.file}: population set for {len(changes)} areas "
                        f'({len(changed)} new or changed), base "{label}".'
                    ]
                    lines += [
                        f"  {c.area}: {c.old:,} → {c.new:,}"
                        if c.old is not None
                        else f"  {c.area}: {c.new:,} (new)"
                        for c in changed
                    ]
                    imported_rows += len(changes)
                    kinds.add("population")
                    uow.audit(
                        "import",
                        "population",
                        None,
                        lines[0],
                        {"changed": {c.area: [c.old, c.new] for c in changed}, "label": label},
                    )
                else:
                    analyst = store.store_analyst_figures(session, imported, actor.username)
                    lines = [
                        f"{imported.file}: {analyst.added:,} figures added, {len(analyst.replaced):,} "
                        f"replaced, {analyst.unchanged:,} unchanged ({_month_span(analyst.months)})."
                    ]
                    lines += [
                        f"  Replaced {r.area}, {r.category}, {r.month}: {r.old:,} → {r.new:,}"
                        for r in analyst.replaced
                    ]
                    imported_rows += analyst.added + len(analyst.replaced) + analyst.unchanged
                    kinds.add("crime_figure")
                    uow.audit(
                        "import",
                        "figure_import",
                        analyst.import_id,
                        lines[0],
                        {"replaced": len(analyst.replaced), "added": analyst.added},
                    )
                outcomes.append(FileOutcome(imported.file, tuple(lines)))
            uow.commit()
        if progress:
            progress("Stored", len(preview.read), len(preview.read))
        skipped = [FileOutcome(f.file, (f.summary,)) for f in preview.files if not f.importable]
        return ImportOutcome(
            tuple(outcomes + skipped),
            imported_rows,
            len(preview.rejections),
            Changes.of(*kinds) if kinds else Changes(),
        )

    def _population_label(self, session, label: str | None) -> str:
        if label and label.strip():
            return label.strip()
        existing = sorted(set(session.scalars(select(Population.label))))
        if len(existing) == 1:
            return existing[0]
        raise ValidationError(
            {
                "label": 'Say what the population figures are, e.g. "total population, '
                'mid-2020 estimate"; it is printed under every table.'
            }
        )

    # --- population table ----------------------------------------------------------------------

    def populations(self) -> list[PopulationRow]:
        with self._uow("system") as uow:
            rows = uow.session.scalars(select(Population).order_by(Population.area)).all()
            return [PopulationRow(r.area, r.population, r.label, r.version) for r in rows]

    def population_label(self) -> str | None:
        with self._uow("system") as uow:
            return store.read_populations(uow.session).label

    def set_population(self, actor: Actor, area: str, population: int, label: str) -> Changes:
        actor.require(Role.OFFICER, "change the population table")
        with self._uow(actor.username) as uow:
            change = store.set_population(uow.session, area, population, label)
            uow.audit(
                "update" if change.old is not None else "create",
                "population",
                None,
                f"Population of {change.area} set to {change.new:,} ({change.label})",
                {"from": change.old, "to": change.new},
            )
            uow.commit()
        return Changes.of("population")

    def save_populations(self, actor: Actor, populations: dict[str, int], label: str) -> Changes:
        """The population table as edited on screen: every area's figure and the one base label.

        Areas not in ``populations`` are left alone (removing one is ``remove_population``).
        """
        actor.require(Role.OFFICER, "change the population table")
        if not label.strip():
            raise ValidationError(
                {
                    "label": 'Say what the population figures are, e.g. "total population, '
                    'mid-2020 estimate"; it is printed under every table.'
                }
            )
        with self._uow(actor.username) as uow:
            changed = {}
            for area, population in populations.items():
                change = store.set_population(uow.session, area, population, label)
                if change.old != change.new:
                    changed[change.area] = [change.old, change.new]
            for row in uow.session.scalars(select(Population)):
                row.label = label.strip()
            uow.audit(
                "update",
                "population",
                None,
                f'Population table saved: {len(changed)} areas changed, base "{label.strip()}"',
                {"changed": changed, "label": label.strip()},
            )
            uow.commit()
        return Changes.of("population")

    def remove_population(self, actor: Actor, area: str) -> Changes:
        actor.require(Role.OFFICER, "change the population table")
        with self._uow(actor.username) as uow:
            row = uow.session.scalar(select(Population).where(Population.area == area))
            if row is None:
                raise ValidationError({"area": f"{area} is not in the population table."})
            uow.audit("delete", "population", row.id, f"Population of {area} removed ({row.population:,})")
            uow.session.delete(row)
            uow.commit()
        return Changes.of("population")

    # --- reading figures -----------------------------------------------------------------------

    def sources(self) -> list[str]:
        """The sources with figures, analyst first."""
        with self._uow("system") as uow:
            found = set(uow.session.scalars(select(CrimeFigure.source).distinct()))
        return [s for s in SOURCES if s in found]

    def categories(self, source: str = ANALYST) -> list[str]:
        """Categories with figures; the plan's six first, in the plan's order."""
        with self._uow("system") as uow:
            found = store.figure_categories(uow.session, source)
        plan = [self.plan_category(c, source) for c in PLAN_CATEGORIES]
        first = [c for c in plan if c in found]
        return first + [c for c in found if c not in first]

    @staticmethod
    def plan_category(category: str, source: str) -> str:
        """The name the plan's category has in ``source`` (police.uk calls burglary 'Burglary')."""
        return POLICE_UK_EQUIVALENT.get(category, category) if source == POLICE_UK else category

    def plan_categories(self, source: str = ANALYST) -> list[str]:
        """The default list for the printed section: the plan's six, as far as the source has them."""
        available = set(self.categories(source))
        return [c for c in (self.plan_category(p, source) for p in PLAN_CATEGORIES) if c in available]

    def month_range(self, source: str = ANALYST) -> tuple[str, str] | None:
        with self._uow("system") as uow:
            first, last = uow.session.execute(
                select(func.min(CrimeFigure.month), func.max(CrimeFigure.month)).where(
                    CrimeFigure.source == source
                )
            ).one()
        return (first, last) if first else None

    def latest_year(self, source: str = ANALYST) -> Period | None:
        """The latest 12 months with figures, ending at the last month held."""
        span = self.month_range(source)
        if span is None:
            return None
        last = month_index(span[1])
        return Period(month_from_index(last - 11), span[1])

    def comparison_table(
        self, category: str, period: Period, *, source: str = ANALYST, total_label: str | None = None
    ) -> ComparisonTable:
        with self._uow("system") as uow:
            return store.comparison_table(
                uow.session,
                category,
                period,
                source=source,
                areas=self.districts(),
                total_label=total_label or self.total_label(),
                home_area=self.home_district(),
            )

    def comparison_tables(
        self,
        categories: Sequence[str],
        period: Period,
        *,
        source: str = ANALYST,
        total_label: str | None = None,
    ) -> list[ComparisonTable]:
        """Several tables read in one unit of work (the printed section)."""
        districts, label, home = self.districts(), total_label or self.total_label(), self.home_district()
        with self._uow("system") as uow:
            return [
                store.comparison_table(
                    uow.session, c, period, source=source, areas=districts, total_label=label, home_area=home
                )
                for c in categories
            ]

    def monthly_series(
        self, area: str, category: str, period: Period, *, source: str = ANALYST
    ) -> MonthlySeries:
        """``area`` is a district, or the total label for the sum of the districts."""
        districts = self.districts()
        wanted = districts if area not in districts else [area]
        with self._uow("system") as uow:
            counts = store.monthly_counts(uow.session, category, period.previous().first, period.last, source)
        by_month: dict[str, int] = {}
        for row_area, month, count in counts:
            if row_area in wanted:
                by_month[month] = by_month.get(month, 0) + count
        months = period.months
        return MonthlySeries(
            area=area,
            category=category,
            period=period,
            months=tuple(months),
            counts=tuple(by_month.get(m, 0) for m in months),
            previous=tuple(by_month.get(month_from_index(month_index(m) - 12)) for m in months),
        )

    # --- export and print ----------------------------------------------------------------------

    @staticmethod
    def export_table(table: ComparisonTable, path: str | Path) -> Path:
        """CSV (``area,volume,rate,trend``) or XLSX, chosen by the file's suffix."""
        from cspdesk.core.figures.export import write_table_csv, write_table_xlsx

        path = Path(path)
        suffix = path.suffix.lower()
        if suffix == ".xlsx":
            write_table_xlsx(table, path)
        elif suffix == ".csv":
            with path.open("w", encoding="utf-8", newline="") as stream:
                write_table_csv(table, stream)
        else:
            raise ValidationError({"path": f"{path.name}: choose a file ending .csv or .xlsx."})
        return path

    def print_crime_figures(
        self,
        path: str | Path,
        period: Period,
        categories: Sequence[str] | None = None,
        *,
        source: str = ANALYST,
    ) -> Path:
        """The plan's "Crime Figures" section as a PDF: a table, footnotes,
        sentence and charts per category."""
        from cspdesk.core.reports.crime_figures import CrimeFiguresSection, render_crime_figures

        chosen = list(categories) if categories else self.plan_categories(source)
        if not chosen:
            raise ValidationError({"categories": "Choose at least one category to print."})
        tables = self.comparison_tables(chosen, period, source=source)
        home = self.home_district()
        series = [self.monthly_series(home, c, period, source=source) for c in chosen]
        section = CrimeFiguresSection(
            council=str(self._settings.get("council.name")),
            period=period,
            tables=tuple(tables),
            home_series=tuple(series),
            source_label=SOURCES.get(source, source),
            printed_on=self._today(),
        )
        return render_crime_figures(section, Path(path))
