"""Crime figures: the analyst's monthly counts, police.uk rows, and the population base."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from cspdesk.core.storage.base import Base, Tracked, utcnow


class FigureImport(Tracked, Base):
    """One imported file: what it was, when, by whom, and what it said about rejected rows."""

    __tablename__ = "figure_import"
    source: Mapped[str] = mapped_column(String(20))  # analyst / police_uk / population
    filename: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    imported_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    imported_by: Mapped[str] = mapped_column(String(120))
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    rows_imported: Mapped[int] = mapped_column(Integer, default=0)
    rows_rejected: Mapped[int] = mapped_column(Integer, default=0)
    report: Mapped[str | None] = mapped_column(Text)


class CrimeFigure(Base):
    """A monthly count for an area and category (the analyst's data, or derived from police.uk)."""

    __tablename__ = "crime_figure"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    month: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    area: Mapped[str] = mapped_column(String(120))
    category: Mapped[str] = mapped_column(String(120))
    count: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(20))  # analyst / police_uk
    import_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("figure_import.id"))

    __table_args__ = (
        UniqueConstraint("source", "month", "area", "category", name="month_area_category"),
        Index("ix_crime_figure_category_month", "category", "month"),
    )


class PoliceUkText(Base):
    """A text police.uk files repeat row after row (a force, location, LSOA code or name, district,
    crime type or outcome), stored once: ``police_uk_row`` holds its id. A million-row file has a
    few thousand distinct texts, so the rows stay small and a bulk import writes a third of the bytes."""

    __tablename__ = "police_uk_text"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    text: Mapped[str] = mapped_column(String(200), unique=True)


class PoliceUkRow(Base):
    """One police.uk street-level row, kept for ward/LSOA breakdowns and ASB locations.

    The ``*_id`` columns are ``police_uk_text`` ids (NULL: blank in the file). They are not declared
    as foreign keys: the importer writes the texts first in the same transaction, and checking eight
    keys per row made a million-row import a third slower. Which import a row came from is recorded
    per force, month and district in ``police_uk_holding``, not on every row.
    """

    __tablename__ = "police_uk_row"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    crime_id: Mapped[str | None] = mapped_column(String(80))
    month: Mapped[str] = mapped_column(String(7))
    reported_by_id: Mapped[int | None] = mapped_column(Integer)
    falls_within_id: Mapped[int | None] = mapped_column(Integer)
    longitude: Mapped[float | None] = mapped_column(Float)
    latitude: Mapped[float | None] = mapped_column(Float)
    location_id: Mapped[int | None] = mapped_column(Integer)
    lsoa_code_id: Mapped[int | None] = mapped_column(Integer)
    lsoa_name_id: Mapped[int | None] = mapped_column(Integer)
    district_id: Mapped[int] = mapped_column(Integer)
    crime_type_id: Mapped[int] = mapped_column(Integer)
    last_outcome_id: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (Index("ix_police_uk_district_month", "district_id", "month", "crime_type_id"),)


class PoliceUkHolding(Base):
    """How many rows one import holds for one force, month and district.

    police.uk republishes a force's month as outcomes are updated, and a later file for the same
    force and month replaces the earlier rows: this small table says which import holds them (for
    the report, and to refuse the identical file twice) and in which districts (so the replaced rows
    are found through the district index rather than by reading every row).
    """

    __tablename__ = "police_uk_holding"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    import_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("figure_import.id"), index=True)
    falls_within: Mapped[str | None] = mapped_column(String(120))  # the force; None: blank in the file
    month: Mapped[str] = mapped_column(String(7))
    district: Mapped[str] = mapped_column(String(120))
    rows: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index("ix_police_uk_holding_month", "month", "falls_within"),)


class Population(Tracked, Base):
    __tablename__ = "population"
    area: Mapped[str] = mapped_column(String(120), unique=True)
    population: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(200))  # e.g. "total population, mid-2020 estimate"
