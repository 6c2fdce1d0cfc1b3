"""Where a letter's values come from: a registry of *letter sources*, one per (record kind, template code).

A source says which record a letter is written from (an ASB case, a notice, a Safer Homes referral or a
Case Review application), gives the field values for one record (its *values provider*), and optionally
lists the people it could be addressed to. The letters service does everything else: letterhead,
missing-field refusal, rendering, filing on the case, chronology and audit.

Each area adds its letters with one entry in ``letter_areas.area_sources()``, e.g.::

    LetterSource(Subject.NOTICE, "cpn", notice_values, fix_hints={"conduct": "the notice's Conduct box"})

A values provider is ``(ctx, record_id, actor) -> dict``: ``ctx.session`` is a read-only session for
plain queries and ``ctx.services`` the app's services (for an area's own ``*_letter_values`` method).
It returns the declared field names (``core/reports/fields.py``); blank or absent values are reported to
the officer as missing, with the fix hint, before anything is produced.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy.orm import Session

from cspdesk.core.services.context import Actor


class Subject(StrEnum):
    """What a letter is written from; the Document row gets the matching id."""

    CASE = "case"
    NOTICE = "notice"
    REFERRAL = "referral"
    APPLICATION = "application"

    @property
    def label(self) -> str:
        return {
            "case": "ASB case",
            "notice": "Enforcement notice",
            "referral": "Safer Homes referral",
            "application": "ASB Case Review application",
        }[self.value]


@dataclass(frozen=True)
class ProviderContext:
    session: Session  # read-only: a provider never writes
    services: Any  # the app's Services (None in some tests)
    today: date
    settings: Mapping[str, Any]
    recipient_id: uuid.UUID | None = None  # a choice from ``recipients``; None = the usual one
    printer: Any = None  # letters_print.LetterPrinter: for a source that renders its own document


ValuesProvider = Callable[[ProviderContext, uuid.UUID, Actor], dict[str, Any]]
ManyValuesProvider = Callable[[ProviderContext, Sequence[uuid.UUID], Actor], dict[uuid.UUID, Any]]
RecipientsProvider = Callable[[ProviderContext, uuid.UUID], list[tuple[uuid.UUID, str]]]
# A document that is not a template letter (the case summary): (ctx, record_id, actor, letterhead) -> PDF,
# drawn with ``ctx.printer`` (ReportLab is never imported by a service module).
DocumentRenderer = Callable[[ProviderContext, uuid.UUID, Actor, Any], bytes]


@dataclass(frozen=True)
class LetterSource:
    subject: Subject
    code: str  # the template code (resources/templates, letter_template.code), or a report's own code
    values: ValuesProvider | None = None
    recipients: RecipientsProvider | None = None
    # Where to put a missing value right, by field: shown with the refusal ("the complainant's address:
    # Parties on the case"). Fields without a hint may be typed in for this letter.
    fix_hints: Mapping[str, str] = field(default_factory=dict)
    # Fields the officer writes for this letter (shown as boxes in the New letter form even when blank).
    ask: tuple[str, ...] = ()
    # For documents that are not template letters.
    render: DocumentRenderer | None = None
    title: str = ""  # a report's name (template letters take the template's)
    # Whether this letter suits this record (e.g. the CPN template only for a CPN); None = every record.
    applies_to: Callable[[ProviderContext, uuid.UUID], bool] | None = None
    # The values for many records at once (a mail merge), with a few set-based queries instead of some
    # per record: {record id: values, or the UserError that record's letter cannot be written for}.
    # Must give what ``values`` gives for each record; None = ``values`` is asked record by record.
    values_many: ManyValuesProvider | None = None

    @property
    def is_template_letter(self) -> bool:
        return self.render is None


class LetterRegistry:
    """Sources by (subject, code). The letters service holds one, filled from ``letter_areas``."""

    def __init__(self, sources: list[LetterSource] | None = None):
        self._by_key: dict[tuple[Subject, str], LetterSource] = {}
        for s in sources or ():
            self.register(s)

    def register(self, source: LetterSource, *, replace: bool = False) -> None:
        key = (source.subject, source.code)
        if key in self._by_key and not replace:
            raise ValueError(
                f"A {source.subject.label} letter with code {source.code!r} is already registered"
            )
        if source.values is None and source.render is None:
            raise ValueError(f"Letter source {source.code!r} needs a values provider or a renderer")
        self._by_key[key] = source

    def get(self, subject: Subject, code: str) -> LetterSource | None:
        return self._by_key.get((Subject(subject), code))

    def for_subject(self, subject: Subject) -> list[LetterSource]:
        return [s for (subj, _), s in self._by_key.items() if subj == subject]

    def subjects(self) -> list[Subject]:
        return list(dict.fromkeys(subj for subj, _ in self._by_key))
