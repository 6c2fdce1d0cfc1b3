"""The plan's district comparison table: volume, rate per 1,000 and trend, ordered by rate.

Worked in integers and ``Fraction`` so the published figures come out exactly: floats turn
27.35 into 27.349999… and would round a borderline rate the wrong way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from math import floor

from cspdesk.core.errors import ValidationError
from cspdesk.core.figures.months import Period, month_words

NOT_AVAILABLE = "n/a"


def round_half_up(value: Fraction) -> Decimal:
    """One decimal place, halves away from zero (27.35 → 27.4, -12.45 → -12.5), as a person rounds."""
    tenths = floor(abs(value) * 10 + Fraction(1, 2))
    if tenths == 0:
        return Decimal("0.0")  # never print "-0.0"
    return Decimal(tenths if value > 0 else -tenths).scaleb(-1)


@dataclass(frozen=True)
class TableRow:
    area: str
    volume: int
    population: int
    rate: Decimal  # per 1,000, one decimal
    trend: Decimal | None  # % change on the previous period, one decimal; None is shown as "n/a"
    previous_volume: int | None  # None when the previous period has no figures for the area
    is_total: bool = False
    is_home: bool = False
    exact_rate: Fraction = field(default=Fraction(0), repr=False, compare=False)

    @property
    def volume_text(self) -> str:
        return f"{self.volume:,}"

    @property
    def rate_text(self) -> str:
        return f"{self.rate:.1f}"

    @property
    def trend_text(self) -> str:
        """'-12.4%', '+5.2%', '0.0%' or 'n/a'."""
        if self.trend is None:
            return NOT_AVAILABLE
        sign = "+" if self.trend > 0 else ""
        return f"{sign}{self.trend:.1f}%"


@dataclass(frozen=True)
class ComparisonTable:
    category: str
    period: Period
    rows: tuple[TableRow, ...]  # report order, total row included
    population_label: str | None = None
    sentence: str | None = None  # the home district's place in the county, for the report text
    # Months of the period with any figures (None: not known). One month of police.uk files is not a year.
    months_held: tuple[str, ...] | None = None

    @property
    def partial(self) -> bool:
        return self.months_held is not None and len(self.months_held) < len(self.period.months)

    @property
    def period_text(self) -> str:
        """'Jan 2022 to Dec 2022', or what is held of it: 'Dec 2018 only (1 of 12 months)'."""
        if not self.partial:
            return self.period.label
        held = self.months_held or ()
        span = (
            month_words(held[0]) if len(held) == 1 else f"{month_words(held[0])} to {month_words(held[-1])}"
        )
        return f"{span} only ({len(held)} of {len(self.period.months)} months)"

    @property
    def coverage_warning(self) -> str:
        """Empty for a full year; otherwise what the volumes, rates and trend really cover."""
        if not self.partial:
            return ""
        n = len(self.months_held or ())
        return (
            f"Figures are held for {n} of the 12 months ending {month_words(self.period.last)}: the volumes "
            f"and rates per 1,000 are for {'that month' if n == 1 else f'those {n} months'}, not a year, "
            "and compare with the whole previous 12 months. Import the missing months before using them."
        )

    @property
    def total(self) -> TableRow:
        return next(row for row in self.rows if row.is_total)

    @property
    def districts(self) -> tuple[TableRow, ...]:
        return tuple(row for row in self.rows if not row.is_total)

    @property
    def home(self) -> TableRow | None:
        return next((row for row in self.rows if row.is_home), None)


def _trend(volume: int, previous: int | None) -> Decimal | None:
    if not previous:  # no previous figures, or a previous total of 0: a % change means nothing
        return None
    return round_half_up(Fraction(volume - previous, previous) * 100)


def _row(area: str, volume: int, previous: int | None, population: int, **flags: bool) -> TableRow:
    exact = Fraction(volume * 1000, population)
    return TableRow(
        area=area,
        volume=volume,
        population=population,
        rate=round_half_up(exact),
        trend=_trend(volume, previous),
        previous_volume=previous,
        exact_rate=exact,
        **flags,
    )


def build_comparison_table(
    category: str,
    period: Period,
    counts: Iterable[tuple[str, str, int]],
    populations: Mapping[str, int],
    *,
    areas: Sequence[str] | None = None,
    total_label: str = "Total",
    home_area: str | None = None,
    population_label: str | None = None,
    place_phrase: str = "in the county",
) -> ComparisonTable:
    """Build the table for ``period`` from monthly ``counts`` of ``(area, month, count)``.

    ``counts`` should cover ``period`` and the 12 months before it (for the trend); other months
    are ignored. ``areas`` are the districts to show (default: every area with figures in the
    period); an area shown must have a population, or a ``ValidationError`` names it.
    """
    current_months = set(period.months)
    previous_months = set(period.previous().months)
    volume: dict[str, int] = {}
    previous: dict[str, int] = {}
    held: set[str] = set()
    for area, month, count in counts:
        if month in current_months:
            held.add(month)
            volume[area] = volume.get(area, 0) + count
        elif month in previous_months:
            previous[area] = previous.get(area, 0) + count

    shown = list(areas) if areas is not None else sorted(volume)
    if not shown:
        raise ValidationError({"category": f"There are no {category} figures for {period.label}."})
    missing = [area for area in shown if not populations.get(area)]
    if missing:
        raise ValidationError(
            {
                "population": "No population is recorded for "
                + ", ".join(missing)
                + "; add it to the population table to calculate a rate per 1,000."
            }
        )

    rows = [
        _row(area, volume.get(area, 0), previous.get(area), populations[area], is_home=area == home_area)
        for area in shown
    ]
    # The county trend compares like with like: if any district lacks last year's figures the
    # summed previous volume would be too small, so the total's trend is n/a rather than wrong.
    total_previous = (
        None if any(r.previous_volume is None for r in rows) else sum(r.previous_volume or 0 for r in rows)
    )
    total = _row(
        total_label,
        sum(r.volume for r in rows),
        total_previous,
        sum(r.population for r in rows),
        is_total=True,
    )
    # The plan places the county row by its own rate among the districts.
    ordered = sorted([*rows, total], key=lambda r: (-r.exact_rate, r.is_total, r.area))
    return ComparisonTable(
        category=category,
        period=period,
        rows=tuple(ordered),
        population_label=population_label,
        sentence=comparison_sentence(ordered, place_phrase),
        months_held=tuple(m for m in period.months if m in held),
    )


def _ordinal(position: int) -> str:
    # The plan writes "second lowest" and "4th lowest": words for 2 and 3, figures after that.
    if position in (2, 3):
        return {2: "second", 3: "third"}[position]
    suffix = "th" if 10 <= position % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(position % 10, "th")
    return f"{position}{suffix}"


def comparison_sentence(rows: Sequence[TableRow], place_phrase: str = "in the county") -> str | None:
    """'South Derbyshire has the second lowest rate per 1,000 in the county.' from rows in rate order.

    The home district is counted from whichever end it is nearer (from the bottom on a tie), as the
    plan does: 4th lowest of eight rather than 5th highest.
    """
    districts = [row for row in rows if not row.is_total]
    home = next((i for i, row in enumerate(districts) if row.is_home), None)
    if home is None:
        return None
    from_top, from_bottom = home + 1, len(districts) - home
    if len(districts) == 1:
        place = "only"
    elif from_bottom == 1:
        place = "lowest"
    elif from_top == 1:
        place = "highest"
    elif from_bottom <= from_top:
        place = f"{_ordinal(from_bottom)} lowest"
    else:
        place = f"{_ordinal(from_top)} highest"
    name = districts[home].area
    if place == "only":
        return f"{name} is the only district in the table."
    return f"{name} has the {place} rate per 1,000 {place_phrase}."
