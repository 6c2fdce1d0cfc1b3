"""What the report pack service returns: frozen values the Reports page, the CSV and the PDF all read.

Kept apart from the service so the GUI can name these types without importing anything that prints.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from cspdesk.core.domain.case_review_figures import ReportingPeriod

ACTION_TAKEN = "action_taken"
COMMUNITY_TRIGGER = "community_trigger"
PRIORITIES = "priorities"
PRIORITIES_PREVIOUS = "priorities_previous"
CHARTS = "charts"


@dataclass(frozen=True)
class TraceRow:
    """One record behind a count. ``detail`` never names a restricted Safer Homes client or gives their
    address (``report_pack_data.referral_trace``)."""

    record_id: uuid.UUID
    reference: str
    on: date | None
    kind: str
    status: str
    detail: str = ""
    case_id: uuid.UUID | None = None  # where double-clicking can open a case


@dataclass(frozen=True)
class Measure:
    """One count of the pack. The records behind it are read when they are asked for
    (``ReportPackService.trace``), not with the pack: a year on a large database is tens of thousands."""

    key: str  # the CSV's measure name
    section: str
    label: str
    count: int
    sentence: str = ""  # as generated from the count ("" where the measure has no sentence of its own)
    group: str = ""  # the plan's sub-heading under Action Taken
    in_text: bool = True  # printed as a sentence (category breakdowns are printed as a chart instead)


@dataclass(frozen=True)
class PriorityCell:
    column: str
    current: Measure
    previous: Measure

    @property
    def change(self) -> int:
        return self.current.count - self.previous.count

    @property
    def change_text(self) -> str:
        c = self.change
        return "no change" if c == 0 else f"{c:+,d}".replace("-", "−")


@dataclass(frozen=True)
class PriorityRow:
    theme: str
    label: str
    cells: tuple[PriorityCell, ...]


@dataclass(frozen=True)
class CrimeSection:
    """The Crime Figures section's data, from the figures service (tables and monthly series)."""

    available: bool
    message: str  # why not, or the period used
    period_label: str = ""
    tables: tuple[Any, ...] = ()  # figures.table.ComparisonTable
    series: tuple[Any, ...] = ()  # figures service MonthlySeries, the home district's
    source_label: str = ""
    lines: tuple[str, ...] = ()  # one line per category for the screen


@dataclass(frozen=True)
class Wording:
    """What the officer wrote for a period: edited sentences (measure -> text, with the count each was written
    for) and free-text paragraphs (campaigns, events), in order."""

    sentences: Mapping[str, tuple[str, int]] = field(default_factory=dict)
    paragraphs: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReportPack:
    period: ReportingPeriod
    previous: ReportingPeriod
    council: str
    area: str
    measures: tuple[Measure, ...]  # in CSV order
    priorities: tuple[PriorityRow, ...]
    crime: CrimeSection
    wording: Wording
    empty: bool
    empty_message: str
    produced_on: date

    def measure(self, key: str) -> Measure:
        return next(m for m in self.measures if m.key == key)

    def section(self, name: str) -> list[Measure]:
        return [m for m in self.measures if m.section == name]

    def edit_is_stale(self, key: str) -> bool:
        """An edit written for a different count: its figure may be wrong now, so it is not printed."""
        edit = self.wording.sentences.get(key)
        return edit is not None and edit[1] != self.measure(key).count

    def sentence(self, key: str) -> str:
        """The officer's wording if they edited it for this count, else the generated sentence."""
        edit = self.wording.sentences.get(key)
        if edit is not None and not self.edit_is_stale(key):
            return edit[0]
        return self.measure(key).sentence

    def rows(self) -> list[tuple[str, int]]:
        """``(measure, count)``: the CSV, every figure by its code name."""
        return [(m.key, m.count) for m in self.measures]


@dataclass(frozen=True)
class QuarterlyReturn:
    period: ReportingPeriod
    columns: tuple[str, ...]  # "Q1 Apr–Jun 2022" ..., then the year's label
    rows: tuple[tuple[str, str, tuple[int, ...]], ...]  # (measure, label, counts per column)
