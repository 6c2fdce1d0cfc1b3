"""The local breakdown of police.uk rows: counts by LSOA, by police.uk "Location", and the points.

The district tables answer "how does South Derbyshire compare"; this answers "where in South
Derbyshire". It reads the kept ``police_uk_row`` rows (never ``crime_figure``), for one district,
one crime type and one 12-month period, and returns DTOs the page draws as tables and a scatter plot.

The change on the previous 12 months is given only when the previous 12 months hold rows for the
same calendar months as the chosen 12 (police.uk files are imported month by month, so a year may
be partly held); otherwise each LSOA's change is ``None``, shown as "n/a", and ``note`` says why.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from sqlalchemy import func, select

from cspdesk.core import exports
from cspdesk.core.errors import ValidationError
from cspdesk.core.figures.months import Period, month_from_index, month_index
from cspdesk.core.figures.table import round_half_up
from cspdesk.core.services.figures.figures_bulk import text_ids, texts_of
from cspdesk.core.storage.models.figures import PoliceUkHolding, PoliceUkRow
from cspdesk.core.storage.uow import UnitOfWork

ASB = "Anti-social behaviour"  # police.uk's crime type for ASB incidents


@dataclass(frozen=True)
class LsoaCount:
    lsoa_name: str
    lsoa_code: str
    count: int
    previous: int | None  # None: the previous 12 months are not (fully) held
    change: Decimal | None  # % on the previous 12 months, one decimal; None when not comparable or 0 before

    @property
    def change_text(self) -> str:
        if self.change is None:
            return "n/a"
        return f"{'+' if self.change > 0 else ''}{self.change:.1f}%"


@dataclass(frozen=True)
class LocationCount:
    location: str  # police.uk's anonymised map point, e.g. "On or near Parking Area"
    lsoa_name: str
    count: int


@dataclass(frozen=True)
class RowPoint:
    longitude: float
    latitude: float
    lsoa_name: str


@dataclass(frozen=True)
class LocalBreakdown:
    district: str
    crime_type: str
    period: Period
    total: int
    lsoas: tuple[LsoaCount, ...]  # most first, then by name
    locations: tuple[LocationCount, ...]  # most first
    points: tuple[RowPoint, ...]  # one per row with coordinates
    months_held: tuple[str, ...]  # months of the period with any police.uk rows for the district
    comparable: bool  # the previous 12 months hold the same calendar months
    without_coordinates: int = 0

    @property
    def note(self) -> str:
        held = len(self.months_held)
        if not held:
            return (
                f"No police.uk rows for {self.district} in {self.period.label}: import the street-level "
                "files on the Import tab."
            )
        text = f"{self.total:,} rows; police.uk rows are held for {held} of the 12 months"
        text += "." if held == 12 else f" ({_span(self.months_held)})."
        if not self.comparable:
            text += " Change is n/a: the previous 12 months do not hold the same months."
        if self.without_coordinates:
            text += f" {self.without_coordinates:,} rows have no coordinates and are not plotted."
        return text


def _span(months: tuple[str, ...]) -> str:
    return months[0] if len(months) == 1 else f"{months[0]} to {months[-1]}"


def _change(count: int, previous: int | None) -> Decimal | None:
    if not previous:  # not held, or 0 before: a % change means nothing
        return None
    return round_half_up(Fraction(count - previous, previous) * 100)


class LocalBreakdownMixin:
    """Methods of ``FiguresService`` (which supplies ``_uow``, ``districts`` and ``home_district``)."""

    _uow: Callable[[str], UnitOfWork]

    def police_row_months(self) -> tuple[str, str] | None:
        """The first and last month of the kept police.uk rows."""
        with self._uow("system") as uow:
            first, last = uow.session.execute(
                select(func.min(PoliceUkHolding.month), func.max(PoliceUkHolding.month))
            ).one()
        return (first, last) if first else None

    def police_crime_types(self, district: str | None = None) -> list[str]:
        """Crime types in the kept rows (for ``district`` if given); anti-social behaviour first."""
        query = select(PoliceUkRow.crime_type_id).distinct()
        with self._uow("system") as uow:
            s = uow.session
            if district:
                ids = text_ids(s, [district])
                if not ids:
                    return []
                query = query.where(PoliceUkRow.district_id == ids[district])
            found = sorted(texts_of(s, s.scalars(query)).values())
        return ([ASB] if ASB in found else []) + [t for t in found if t != ASB]

    def local_breakdown(self, district: str, crime_type: str, period: Period) -> LocalBreakdown:
        previous = period.previous()
        with self._uow("system") as uow:
            s = uow.session
            ids = text_ids(s, (district, crime_type))
            # A district or crime type never imported matches no row (id -1 is never given).
            in_district = PoliceUkRow.district_id == ids.get(district, -1)
            of_type = in_district & (PoliceUkRow.crime_type_id == ids.get(crime_type, -1))
            held = set(
                s.scalars(
                    select(PoliceUkRow.month)
                    .distinct()
                    .where(in_district, PoliceUkRow.month >= previous.first, PoliceUkRow.month <= period.last)
                )
            )
            # One expression object in SELECT and GROUP BY, so both use the same parameter:
            # PostgreSQL refuses a grouped expression it cannot see is the selected one.
            current = PoliceUkRow.month >= period.first
            by_lsoa = s.execute(
                select(PoliceUkRow.lsoa_name_id, PoliceUkRow.lsoa_code_id, current, func.count())
                .where(of_type, PoliceUkRow.month >= previous.first, PoliceUkRow.month <= period.last)
                .group_by(PoliceUkRow.lsoa_name_id, PoliceUkRow.lsoa_code_id, current)
            ).all()
            in_period = of_type & current & (PoliceUkRow.month <= period.last)
            by_location = s.execute(
                select(PoliceUkRow.location_id, PoliceUkRow.lsoa_name_id, func.count())
                .where(in_period)
                .group_by(PoliceUkRow.location_id, PoliceUkRow.lsoa_name_id)
            ).all()
            points = s.execute(
                select(PoliceUkRow.longitude, PoliceUkRow.latitude, PoliceUkRow.lsoa_name_id).where(in_period)
            ).all()
            text = texts_of(
                s, [*(i for r in by_lsoa for i in r[:2]), *(i for r in by_location for i in r[:2])]
            )
        text_of = text.get
        current_months = tuple(m for m in period.months if m in held)
        previous_months = {m for m in previous.months if m in held}
        comparable = bool(current_months) and previous_months == {
            month_from_index(month_index(m) - 12) for m in current_months
        }
        now: dict[tuple[str, str], int] = {}
        before: dict[tuple[str, str], int] = {}
        for name, code, in_current, count in by_lsoa:
            (now if in_current else before)[(text_of(name) or "(no LSOA)", text_of(code) or "")] = int(count)
        keys = set(now) | (set(before) if comparable else set())
        lsoas = [
            LsoaCount(
                name,
                code,
                now.get((name, code), 0),
                before.get((name, code), 0) if comparable else None,
                _change(now.get((name, code), 0), before.get((name, code), 0)) if comparable else None,
            )
            for name, code in keys
        ]
        lsoas.sort(key=lambda r: (-r.count, r.lsoa_name))
        places = sorted(
            (
                LocationCount(text_of(loc) or "(no location)", text_of(name) or "", int(n))
                for loc, name, n in by_location
            ),
            key=lambda r: (-r.count, r.location, r.lsoa_name),
        )
        names = {name: text_of(name) or "" for name in {name for _x, _y, name in points}}
        plotted = tuple(
            RowPoint(float(x), float(y), names[name])
            for x, y, name in points
            if x is not None and y is not None
        )
        return LocalBreakdown(
            district=district,
            crime_type=crime_type,
            period=period,
            total=sum(now.values()),
            lsoas=tuple(lsoas),
            locations=tuple(places),
            points=plotted,
            months_held=current_months,
            comparable=comparable,
            without_coordinates=len(points) - len(plotted),
        )

    @staticmethod
    def export_lsoa_csv(breakdown: LocalBreakdown, path: str | Path) -> Path:
        """``lsoa_name,lsoa_code,count,previous,change`` (change a number with one decimal, no %)."""
        path = Path(path)
        if path.suffix.lower() != ".csv":
            raise ValidationError({"path": f"{path.name}: choose a file ending .csv."})
        exports.write_csv_file(
            path,
            ["lsoa_name", "lsoa_code", "count", "previous", "change"],
            (
                [
                    row.lsoa_name,
                    row.lsoa_code,
                    row.count,
                    "" if row.previous is None else row.previous,
                    "" if row.change is None else exports.number_1dp(row.change),
                ]
                for row in breakdown.lsoas
            ),
            excel_bom=False,
        )
        return path
