"""The partnership report pack: the plan's "Action Taken", "Community Trigger", "Crime Figures" and Priorities
sections for any period, on screen, as CSV (``measure,count``), as a quarterly return and as one PDF.

Counting is in ``report_pack_data`` (the database counts; the records behind a figure are read when they are
asked for, ``trace``); wording in ``domain.report_pack``. The officer's edited sentences and added paragraphs
are kept per period in ``app_setting`` under ``report_pack.<period>``. Printing is handed in by the
composition root (``report_pack_print``), so the GUI never has ReportLab in its import graph; the crime tables
come from the figures service it is given.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from cspdesk.core import exports
from cspdesk.core.domain import report_pack as rp
from cspdesk.core.domain.case_review_figures import (
    PeriodKind,
    ReportingPeriod,
    financial_year,
    financial_year_containing,
    parse_period,
)
from cspdesk.core.domain.vocab import PriorityTheme, Role
from cspdesk.core.errors import UserError, ValidationError
from cspdesk.core.services.admin.settings import store_value, stored_value
from cspdesk.core.services.context import Actor, Changes
from cspdesk.core.services.reports import report_pack_data as data
from cspdesk.core.services.reports.report_pack_dto import (
    ACTION_TAKEN,
    CHARTS,
    COMMUNITY_TRIGGER,
    PRIORITIES,
    PRIORITIES_PREVIOUS,
    CrimeSection,
    Measure,
    PriorityCell,
    PriorityRow,
    QuarterlyReturn,
    ReportPack,
    TraceRow,
    Wording,
)
from cspdesk.core.storage.uow import UnitOfWork

Progress = Callable[[str, int, int], None]
ENTITY = "report_pack"
MAX_PARAGRAPH = 2000


def setting_key(period: ReportingPeriod) -> str:
    """``report_pack.2022/23``, ``report_pack.2022`` or ``report_pack.2022-04-01..2022-06-30``."""
    label = period.label if period.kind.value != "date_range" else f"{period.start}..{period.end}"
    return f"report_pack.{label}"


def pack_csv(rows: Sequence[tuple[str, int]]) -> str:
    return exports.csv_text(["measure", "count"], rows)


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in text.lower()).strip("_").replace("__", "_")


class ReportPackService:
    def __init__(
        self,
        uow: Callable[[str], UnitOfWork],
        settings: Any,
        figures: Any,
        today: Callable[[], date],
        render_pdf: Callable[..., Path] | None = None,
    ):
        self._uow = uow
        self._settings = settings
        self._figures = figures  # FiguresService (the Crime Figures section); None leaves the section out
        self._today = today
        self._render_pdf = render_pdf  # report_pack_print.render_report_pack, given by the composition root

    # ----- periods
    def default_period_text(self) -> str:
        """The last complete financial year: the one a plan reports on."""
        this = financial_year_containing(self._today())
        return financial_year(this.start.year - 1).label

    def period_choices(self, years: int = 5) -> list[str]:
        """The current financial year and the ones before it, newest first (the page's list)."""
        this = financial_year_containing(self._today()).start.year
        return [financial_year(y).label for y in range(this, this - years - 1, -1)]

    # ----- the pack
    def pack(
        self, period_text: str, progress: Progress | None = None, *, with_crime: bool = True
    ) -> ReportPack:
        """Every section for a period as typed ("2022/23", "2022", "2022-04-01..2023-03-31")."""
        say = progress or (lambda *_: None)
        period = parse_period(period_text)
        previous = rp.previous_period(period)
        area, council = (
            str(self._settings.get("council.home_district")),
            str(self._settings.get("council.name")),
        )
        say("Counting", 0, 3)
        with self._uow("system") as uow:
            window = data.pack_window(period)
            now, then = data.read_counts(uow.session, window, [period, previous])
            months = data.month_counts(uow.session, window, period)
            wording = self._wording(uow, period)
        say("Reading the crime figures", 1, 3)
        current = data.priorities(now)
        before = data.priorities(then, PRIORITIES_PREVIOUS)
        crime = self._crime(period, area) if with_crime else CrimeSection(False, "Not read.")
        measures = (
            data.action_taken(now)
            + data.community_trigger(now, area)
            + current
            + before
            + data.cases_by_month(months, period)
            + self._crime_measures(crime)
        )
        say("Putting the pack together", 2, 3)
        rows = []
        for theme in PriorityTheme:
            cells = tuple(
                PriorityCell(
                    col,
                    next(m for m in current if m.key == rp.priority_measure(theme, col)),
                    next(m for m in before if m.key == rp.priority_measure(theme, col) + "_previous"),
                )
                for col, _ in rp.PRIORITY_COLUMNS
            )
            rows.append(PriorityRow(theme.value, theme.label, cells))
        # Cases still open carried in from before are not activity in the period.
        counted = [
            m
            for m in measures
            if m.section in (ACTION_TAKEN, COMMUNITY_TRIGGER, PRIORITIES)
            and not m.key.endswith(("_open_at_end", "_outstanding"))
        ]
        empty = not any(m.count for m in counted)
        message = (
            f"There are no records for {period.label} ({period.start:%d/%m/%Y} to {period.end:%d/%m/%Y}): "
            "no notices were issued, no Safer Homes properties secured, no meetings held, no Case Review "
            "applications received and no cases opened or closed in this period."
            if empty
            else ""
        )
        say("Putting the pack together", 3, 3)
        return ReportPack(
            period,
            previous,
            council,
            area,
            tuple(measures),
            tuple(rows),
            crime,
            wording,
            empty,
            message,
            self._today(),
        )

    def trace(self, period: ReportingPeriod | str, key: str) -> tuple[TraceRow, ...]:
        """The records behind one count of the pack for ``period`` (a pack's own period, or as typed), read
        now: the page asks when a count is clicked. Crime figures are imported totals and have none."""
        period = parse_period(period) if isinstance(period, str) else period
        with self._uow("system") as uow:
            return data.trace(uow.session, period, key)

    def csv(self, period_text: str) -> str:
        """``measure,count`` for every measure in the pack, in the order printed."""
        return pack_csv(self.pack(period_text).rows())

    def quarterly(self, period_text: str) -> QuarterlyReturn:
        """The counts per quarter (Q1-Q4 of a financial year) and for the whole period, for
        the county board. Stock measures ("open at the end") are as at each quarter's end; the
        last column is the year's figure."""
        period = parse_period(period_text)
        area = str(self._settings.get("council.home_district"))
        spans = [ReportingPeriod(q.start, q.end, PeriodKind.DATE_RANGE) for q in rp.quarters(period)] + [
            period
        ]
        with self._uow("system") as uow:
            # One read for the year, every quarter counted from it (not one read per quarter).
            counts = data.read_counts(uow.session, data.year_window(period), spans)
        columns = [
            data.action_taken(c) + data.community_trigger(c, area) + data.priorities(c) for c in counts
        ]
        rows = tuple(
            (m.key, m.label, tuple(col[i].count for col in columns)) for i, m in enumerate(columns[-1])
        )
        labels = tuple(q.label for q in rp.quarters(period)) + (period.label,)
        return QuarterlyReturn(period, labels, rows)

    @staticmethod
    def quarterly_csv(ret: QuarterlyReturn) -> str:
        return exports.csv_text(
            ["measure", "label", *ret.columns], ([key, label, *counts] for key, label, counts in ret.rows)
        )

    def write_quarterly(self, period_text: str, path: str | Path) -> Path:
        """CSV or XLSX, chosen by the file's suffix."""
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix not in (".csv", ".xlsx"):
            raise ValidationError({"path": f"{path.name}: choose a file ending .csv or .xlsx."})
        ret = self.quarterly(period_text)
        if suffix == ".csv":
            path.write_text(self.quarterly_csv(ret), encoding="utf-8", newline="")
            return path
        from openpyxl.styles import Font

        book, sheet = exports.new_workbook(f"Quarterly {ret.period.label}")
        exports.append_row(
            sheet,
            [exports.xlsx_cell(sheet, v, font=Font(bold=True)) for v in ["measure", "label", *ret.columns]],
        )
        for key, label, counts in ret.rows:
            exports.append_row(sheet, [key, label, *counts])
        sheet.column_dimensions["A"].width = 44
        sheet.column_dimensions["B"].width = 52
        sheet.freeze_panes = "C2"
        return exports.save_workbook(book, path)

    # ----- the officer's wording
    def _wording(self, uow: UnitOfWork, period: ReportingPeriod) -> Wording:
        value = stored_value(uow.session, setting_key(period))
        value = value if isinstance(value, dict) else {}
        sentences = {
            k: (str(v.get("text", "")), int(v.get("count", -1)))
            for k, v in (value.get("sentences") or {}).items()
            if isinstance(v, dict)
        }
        return Wording(sentences, tuple(str(p) for p in value.get("paragraphs") or ()))

    def wording(self, period_text: str) -> Wording:
        """What the officer has written for a period (edited sentences, paragraphs)."""
        period = parse_period(period_text)
        with self._uow("system") as uow:
            return self._wording(uow, period)

    def save_wording(
        self, actor: Actor, period_text: str, sentences: Mapping[str, str], paragraphs: Sequence[str]
    ) -> Changes:
        """Keep edited sentences (measure -> text) and the added paragraphs for a period. A sentence the same
        as the one generated is not an edit; each edit remembers the count it was written for."""
        actor.require(Role.OFFICER, "edit the report pack")
        period = parse_period(period_text)
        pack = self.pack(period_text, with_crime=False)
        known = {m.key: m for m in pack.measures if m.sentence}
        errors = {
            f"sentence.{k}": "There is no such sentence in the report." for k in sentences if k not in known
        }
        paras = [p.strip() for p in paragraphs if p.strip()]
        errors.update(
            {
                f"paragraph.{i}": f"A paragraph can be at most {MAX_PARAGRAPH} characters."
                for i, p in enumerate(paras)
                if len(p) > MAX_PARAGRAPH
            }
        )
        errors.update(
            {
                f"sentence.{k}": "A sentence cannot be blank; reset it to the generated wording instead."
                for k, t in sentences.items()
                if k in known and not t.strip()
            }
        )
        if errors:
            raise ValidationError(errors)
        edits = {
            k: {"text": t.strip(), "count": known[k].count}
            for k, t in sentences.items()
            if t.strip() != known[k].sentence
        }
        value = {"sentences": edits, "paragraphs": paras}
        key = setting_key(period)
        with self._uow(actor.username) as uow:
            if stored_value(uow.session, key) == value:
                return Changes()
            store_value(uow.session, key, value)
            uow.audit(
                "update",
                ENTITY,
                None,
                f"Report pack wording for {period.label} saved",
                {"period": period.label, "edited": sorted(edits), "paragraphs": len(paras)},
            )
            uow.commit()
        return Changes.of(ENTITY)

    # ----- crime figures
    def _crime(self, period: ReportingPeriod, area: str) -> CrimeSection:
        """The latest 12 months of crime figures ending by the period's last month (the plan's 2022/23 report
        used January to December 2022)."""
        f = self._figures
        if f is None:
            return CrimeSection(False, "Crime figures are not available here.")
        sources = f.sources()
        if not sources:
            return CrimeSection(False, "No crime figures have been imported, so this section is left out.")
        from cspdesk.core.figures.months import Period, month_from_index, month_index

        source = sources[0]
        first, last = f.month_range(source)
        end = min(month_index(last), period.end.year * 12 + period.end.month - 1)
        if end < month_index(first):
            return CrimeSection(False, f"No crime figures are held for months up to {period.end:%B %Y}.")
        months = Period(month_from_index(end - 11), month_from_index(end))
        categories = f.plan_categories(source)
        if not categories:
            return CrimeSection(False, "None of the plan's crime categories has figures.")
        tables = tuple(f.comparison_tables(categories, months, source=source))
        series = tuple(f.monthly_series(area, c, months, source=source) for c in categories)
        lines = []
        for t in tables:
            home = t.home
            if home is not None:
                lines.append(
                    f"{t.category}: {home.area} {home.volume_text} ({home.rate_text} per 1,000; "
                    f"{home.trend_text} on the previous 12 months). {t.sentence or ''}".strip()
                )
        return CrimeSection(
            True,
            f"Crime figures for {months.label}.",
            months.label,
            tables,
            series,
            f.source_label(source),
            tuple(lines),
        )

    @staticmethod
    def _crime_measures(crime: CrimeSection) -> list[Measure]:
        out = []
        for t in crime.tables:
            if t.home is not None:
                out.append(
                    Measure(
                        f"crime_{_slug(t.category)}_volume",
                        CHARTS,
                        f"{t.category}: {t.home.area}",
                        t.home.volume,
                        in_text=False,
                    )
                )
        return out

    # ----- printing
    def letterhead(self) -> dict[str, str]:
        keys = (
            "council.name",
            "council.team",
            "council.address",
            "council.phone",
            "council.email",
            "council.website",
            "council.logo_path",
        )
        return {k.split(".", 1)[1]: str(self._settings.get(k) or "") for k in keys}

    def write_pdf(self, period_text: str, path: str | Path, progress: Progress | None = None) -> Path:
        """The whole pack as one PDF at ``path``, with the officer's wording for the period."""
        if self._render_pdf is None:
            raise UserError("Printing is not available here.")
        pack = self.pack(period_text, progress)
        if progress:
            progress("Drawing the PDF", 0, 1)
        out = self._render_pdf(pack, self.letterhead(), Path(path))
        if progress:
            progress("Drawing the PDF", 1, 1)
        return out
