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


class PoliceUkRow(Base):
    """One police.uk street-level row, kept for ward/LSOA breakdowns and ASB locations."""

    __tablename__ = "police_uk_row"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    import_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("figure_import.id"), index=True)
    crime_id: Mapped[str | None] = mapped_column(String(80))
    month: Mapped[str] = mapped_column(String(7))
    reported_by: Mapped[str | None] = mapped_column(String(120))
    falls_within: Mapped[str | None] = mapped_column(String(120))
    longitude: Mapped[float | None] = mapped_column(Float)
    latitude: Mapped[float | None] = mapped_column(Float)
    location: Mapped[str | None] = mapped_column(String(200))
    lsoa_code: Mapped[str | None] = mapped_column(String(12))
    lsoa_name: Mapped[str | None] = mapped_column(String(120))
    district: Mapped[str | None] = mapped_column(String(120))
    crime_type: Mapped[str] = mapped_column(String(80))
    last_outcome: Mapped[str | None] = mapped_column(String(200))

    __table_args__ = (Index("ix_police_uk_district_month", "district", "month", "crime_type"),)


class Population(Tracked, Base):
    __tablename__ = "population"
    area: Mapped[str] = mapped_column(String(120), unique=True)
    population: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(200))  # e.g. "total population, mid-2020 estimate"
