"""Who is who: people in a file matched to each other and to people already in CSPDesk.

Exact (the same name, and the same date of birth or the same address) is the same person: linked. Near
(the same surname and date of birth, another first name: "Jon" and "John") is asked, never assumed:
the officer confirms it (``ImportPlan.confirmed_people``) or a new person is made.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from cspdesk.core.services.moving_in.api import PersonMatch


def norm(text: str | None) -> str:
    return " ".join(re.sub(r"[^0-9a-z ]+", " ", (text or "").lower()).split())


def split_name(name: str) -> tuple[str, str]:
    """ "Dean O'Neill" → ("Dean", "O'Neill"); "Smith, John" → ("John", "Smith"); one word is a surname."""
    name = " ".join(name.split())
    if "," in name:
        surname, _, forename = name.partition(",")
        return forename.strip(), surname.strip()
    words = name.split(" ")
    if len(words) == 1:
        return "", words[0]
    return " ".join(words[:-1]), words[-1]


@dataclass(frozen=True)
class Known:
    """A person already in the database."""

    id: uuid.UUID
    forename: str
    surname: str
    dob: date | None
    address: str  # first line, normalised


@dataclass
class FilePerson:
    """One person the file names, on one or more rows."""

    key: str
    forename: str
    surname: str
    dob: date | None
    address: str | None
    postcode: str | None
    phone: str | None
    rows: list[int] = field(default_factory=list)
    existing: uuid.UUID | None = None  # linked to someone already in CSPDesk
    same_as: FilePerson | None = None  # confirmed as another person in the file
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    @property
    def name(self) -> str:
        return " ".join(x for x in (self.forename, self.surname) if x)

    def resolved(self) -> FilePerson:
        p = self
        while p.same_as is not None:
            p = p.same_as
        return p

    def person_id(self) -> uuid.UUID:
        p = self.resolved()
        return p.existing or p.id

    def describe(self) -> str:
        parts = [self.name]
        if self.dob:
            parts.append(f"born {self.dob:%d/%m/%Y}")
        if self.address:
            parts.append(self.address)
        return ", ".join(parts)


class PeopleMatcher:
    """Collects the people a sheet names, row by row, and decides who is whom."""

    def __init__(self, known: Iterable[Known], confirmed: frozenset[str]):
        self._by_name_dob: dict[tuple[str, date], Known] = {}
        self._by_name_address: dict[tuple[str, str], Known] = {}
        self._by_surname_dob: dict[tuple[str, date], list[Known]] = {}
        for k in known:
            full = norm(f"{k.forename} {k.surname}")
            if k.dob:
                self._by_name_dob.setdefault((full, k.dob), k)
                self._by_surname_dob.setdefault((norm(k.surname), k.dob), []).append(k)
            if k.address:
                self._by_name_address.setdefault((full, k.address), k)
        self._confirmed = confirmed
        self.people: dict[str, FilePerson] = {}
        self._file_by_surname_dob: dict[tuple[str, date], list[FilePerson]] = {}
        self.uncertain: list[PersonMatch] = []
        self.linked = 0
        self.merged_rows = 0

    def person(
        self,
        row: int,
        name: str,
        dob: date | None,
        address: str | None,
        postcode: str | None = None,
        phone: str | None = None,
    ) -> FilePerson:
        forename, surname = split_name(name)
        full = norm(name if "," not in name else f"{forename} {surname}")
        addr = norm(address) or None
        key = f"{full}|{dob:%Y-%m-%d}" if dob else f"{full}|{addr}" if addr else f"{full}|row {row}"
        if (found := self.people.get(key)) is not None:
            found.rows.append(row)
            self.merged_rows += 1
            return found
        p = FilePerson(key, forename, surname, dob, address, postcode, phone, [row])
        self.people[key] = p
        known = (self._by_name_dob.get((full, dob)) if dob else None) or (
            self._by_name_address.get((full, addr)) if addr else None
        )
        if known is not None:
            p.existing = known.id
            self.linked += 1
            return p
        if dob is not None:
            near_known = [k for k in self._by_surname_dob.get((norm(surname), dob), [])]
            near_file = self._file_by_surname_dob.setdefault((norm(surname), dob), [])
            if near_known:
                k = near_known[0]
                match_key = f"{key}~{k.id.hex}"
                self._ask(match_key, p, f"{k.forename} {k.surname}, born {dob:%d/%m/%Y} (already in CSPDesk)")
                if match_key in self._confirmed:
                    p.existing = k.id
                    self.linked += 1
            elif near_file:
                other = near_file[0]
                match_key = f"{key}~{other.key}"
                self._ask(match_key, p, f"{other.describe()} (row {other.rows[0]} of this file)")
                if match_key in self._confirmed:
                    p.same_as = other
            near_file.append(p)
        return p

    def _ask(self, key: str, p: FilePerson, candidate: str) -> None:
        self.uncertain.append(
            PersonMatch(
                key,
                tuple(p.rows),
                p.describe(),
                candidate,
                "same surname and date of birth; first names differ",
            )
        )

    def to_make(self) -> list[FilePerson]:
        return [p for p in self.people.values() if p.existing is None and p.same_as is None]
