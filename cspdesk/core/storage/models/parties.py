"""People, organisations, partner agencies and places."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import Boolean, Date, Float, ForeignKey, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cspdesk.core.storage.base import Base, Tracked


class Ward(Tracked, Base):
    __tablename__ = "ward"
    name: Mapped[str] = mapped_column(String(120), unique=True)
    code: Mapped[str | None] = mapped_column(String(20))


class Parish(Tracked, Base):
    __tablename__ = "parish"
    name: Mapped[str] = mapped_column(String(120), unique=True)
    ward_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("ward.id"))


class Agency(Tracked, Base):
    """A partner agency that can own actions or report incidents (SDDC, police SNT, DFRS, YOT...)."""

    __tablename__ = "agency"
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(
        String(40)
    )  # council, police, fire, health, probation, yot, housing, voluntary
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Address(Tracked, Base):
    """An address or a place (a park, a layby on the A50, the town centre)."""

    __tablename__ = "address"
    place_name: Mapped[str | None] = mapped_column(String(200), index=True)  # e.g. "Eureka Park"
    line1: Mapped[str | None] = mapped_column(String(200))
    line2: Mapped[str | None] = mapped_column(String(200))
    town: Mapped[str | None] = mapped_column(String(120))
    postcode: Mapped[str | None] = mapped_column(String(10), index=True)
    ward_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("ward.id"), index=True)
    parish_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("parish.id"))
    place_type: Mapped[str] = mapped_column(String(30), default="residential")  # vocab.PlaceType
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)

    ward: Mapped[Ward | None] = relationship(lazy="raise")
    parish: Mapped[Parish | None] = relationship(lazy="raise")


class Person(Tracked, Base):
    __tablename__ = "person"
    title: Mapped[str | None] = mapped_column(String(20))
    forename: Mapped[str] = mapped_column(String(120))
    surname: Mapped[str] = mapped_column(String(120), index=True)
    known_as: Mapped[str | None] = mapped_column(String(120))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    gender: Mapped[str | None] = mapped_column(String(30))
    phone: Mapped[str | None] = mapped_column(String(50))
    email: Mapped[str | None] = mapped_column(String(200))
    address_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("address.id"), index=True)
    vulnerable: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str | None] = mapped_column(Text)

    address: Mapped[Address | None] = relationship(lazy="raise")


class Organisation(Tracked, Base):
    """A business or community group that is a party to a case."""

    __tablename__ = "organisation"
    name: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[str] = mapped_column(String(30))  # vocab.PartyKind: business / community_group
    contact_name: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(50))
    email: Mapped[str | None] = mapped_column(String(200))
    address_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("address.id"))

    address: Mapped[Address | None] = relationship(lazy="raise")
