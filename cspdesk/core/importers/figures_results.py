"""What reading a figures file produced: the good rows, the rejected ones, and what was left out.

Shared by the analyst/population reader (``figures_files``) and the police.uk reader
(``police_uk_files``) so the caller handles every kind of file the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import pandas as pd

from cspdesk.core.figures.police_rows import PoliceRows
from cspdesk.core.figures.rejections import Rejection

MAX_FILE_BYTES = 400_000_000  # a CSV, or a zip member once uncompressed; larger is refused unread (peak
# memory for the largest, every row kept, measured under 600 MB: docs/performance/figures.md)


@dataclass(frozen=True)
class ImportLimits:
    """Bounds a file's values must keep: the counts from the settings (``figures.max_count``,
    ``figures.max_population``), the size of a file once uncompressed (zip bombs)."""

    max_count: int = 1_000_000
    max_population: int = 100_000_000
    max_file_bytes: int = MAX_FILE_BYTES


DEFAULT_LIMITS = ImportLimits()


class FileKind(StrEnum):
    ANALYST_LONG = "analyst_long"  # month, area, category, count
    ANALYST_WIDE = "analyst_wide"  # area, category, then one column per YYYY-MM
    POLICE_UK = "police_uk"  # police.uk street-level CSV
    POPULATION = "population"  # area, population

    @property
    def label(self) -> str:
        return {
            "analyst_long": "Partnership Analyst monthly figures (one row per month)",
            "analyst_wide": "Partnership Analyst monthly figures (one column per month)",
            "police_uk": "police.uk street-level crime file",
            "population": "population table",
        }[self.value]

    @property
    def source(self) -> str:
        """The ``source`` recorded in figure_import and crime_figure."""
        return {"analyst_long": "analyst", "analyst_wide": "analyst"}.get(self.value, self.value)


@dataclass
class ExcludedRows:
    """Rows deliberately not counted (outside the districts, no LSOA): how many, and a few to check."""

    reason: str
    count: int = 0
    examples: list[str] = field(default_factory=list)  # "row 17: Ashfield 001A"


@dataclass
class ImportedFile:
    file: str  # as shown to the user: a path, or "archive.zip:member.csv"
    kind: FileKind
    sha256: str
    rows: pd.DataFrame  # accepted rows, columns depend on ``kind``
    rows_read: int
    rejections: list[Rejection] = field(default_factory=list)
    excluded: list[ExcludedRows] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    def police_rows(self) -> PoliceRows:
        """The accepted rows of a police.uk file, column by column, as the store takes them."""
        from cspdesk.core.importers.police_uk_files import police_rows

        return police_rows(self.rows)

    @property
    def rows_accepted(self) -> int:
        return len(self.rows)

    @property
    def summary(self) -> str:
        lines = [
            f"{self.file}: {self.kind.label}; {self.rows_read:,} rows read, "
            f"{self.rows_accepted:,} ready to import, {len(self.rejections):,} rejected."
        ]
        for excluded in self.excluded:
            if excluded.count:
                lines.append(
                    f"  {excluded.count:,} rows not counted ({excluded.reason}), e.g. "
                    + "; ".join(excluded.examples)
                )
        if self.ignored_columns:
            lines.append("  Columns ignored: " + ", ".join(self.ignored_columns))
        lines.extend(f"  {rejection}" for rejection in self.rejections[:50])
        if len(self.rejections) > 50:
            lines.append(f"  … and {len(self.rejections) - 50:,} more rejected rows")
        return "\n".join(lines)
