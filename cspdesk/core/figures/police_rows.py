"""police.uk rows column by column, as the importer hands them to the store (no pandas, no numpy).

A police.uk file repeats a few thousand texts (forces, locations, LSOAs, crime types, outcomes)
over a million rows, so each such column travels as its distinct values and one integer code per
row: the store writes each text once and each row as small integers. The importer builds these
from pandas categoricals (codes as numpy arrays); the demo builds them from plain rows with
``CodedColumn.of``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# Columns of police_uk_row held as codes (all but the Crime ID, month and coordinates).
CODED = (
    "reported_by",
    "falls_within",
    "location",
    "lsoa_code",
    "lsoa_name",
    "district",
    "crime_type",
    "last_outcome",
)


@dataclass(frozen=True)
class CodedColumn:
    """Distinct ``values`` and a code per row into them; -1 for a blank."""

    values: Sequence[str]
    codes: Sequence[int]

    @classmethod
    def of(cls, texts: Sequence[str | None]) -> CodedColumn:
        index: dict[str, int] = {}
        codes = [-1 if t is None else index.setdefault(t, len(index)) for t in texts]
        return cls(list(index), codes)

    def __len__(self) -> int:
        return len(self.codes)


@dataclass(frozen=True)
class PoliceRows:
    """Accepted police.uk rows: every row has a month, a district and a crime type."""

    crime_id: Sequence[str | None]
    month: CodedColumn
    longitude: Sequence[float]  # NaN (or None) where blank
    latitude: Sequence[float]
    reported_by: CodedColumn
    falls_within: CodedColumn
    location: CodedColumn
    lsoa_code: CodedColumn
    lsoa_name: CodedColumn
    district: CodedColumn
    crime_type: CodedColumn
    last_outcome: CodedColumn

    def __len__(self) -> int:
        return len(self.month)

    def coded(self) -> dict[str, CodedColumn]:
        return {name: getattr(self, name) for name in CODED}

    @classmethod
    def from_records(cls, records: Sequence[dict]) -> PoliceRows:
        """From dicts keyed like police_uk_row's columns, with texts (a few thousand rows: the demo)."""

        def plain(name: str) -> list:
            return [r.get(name) for r in records]

        nan = float("nan")
        return cls(
            crime_id=plain("crime_id"),
            month=CodedColumn.of(plain("month")),
            longitude=[nan if v is None else float(v) for v in plain("longitude")],
            latitude=[nan if v is None else float(v) for v in plain("latitude")],
            **{name: CodedColumn.of(plain(name)) for name in CODED},
        )
