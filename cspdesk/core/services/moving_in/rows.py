"""One sheet's rows read against a plan: each value converted, checked and mapped, or the row refused.

Nothing here touches the database: ``Lookups`` holds what the checks need from it (read by the service).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from cspdesk.core.importers.spreadsheet_values import (
    cell_text,
    first_number_over_12,
    parse_date,
    parse_number,
    parse_yes_no,
)
from cspdesk.core.importers.spreadsheets import Sheet
from cspdesk.core.services.moving_in.api import (
    FieldType,
    FlaggedRow,
    ImportPlan,
    RecordKind,
    RejectedRow,
    ValueToMap,
)
from cspdesk.core.services.moving_in.fields import SPECS, FieldSpec, own_word, suggest
from cspdesk.core.storage.field_limits import limit_of, text_problem
from cspdesk.core.storage.models import (
    Address,
    AsbCase,
    ImportedRecord,
    Incident,
    Person,
    SaferHomesReferral,
)

# The column each text field is stored in (its limit is the column's): one rule, field_limits.text_problem.
_STORED_IN = {
    "legacy_reference": ImportedRecord.legacy_reference,
    "case_reference": ImportedRecord.legacy_reference,
    "title": AsbCase.title,
    "location": Address.line1,
    "postcode": Address.postcode,
    "address": Address.line1,
    "perpetrator_address": Address.line1,
    "complainant_address": Address.line1,
    # A name is split into forename and surname (each Person column holds 120): held to that whole.
    "perpetrator_name": Person.surname,
    "complainant_name": Person.surname,
    "name": Person.surname,
    "phone": Person.phone,
    "reporter_name": Incident.reporter_name,
    "police_reference": Incident.police_reference,
    "referrer_name": SaferHomesReferral.referrer_name,
    "consent_method": SaferHomesReferral.consent_method,
    "client_name": SaferHomesReferral.client_name,
    "address_line1": SaferHomesReferral.address_line1,
    "town": SaferHomesReferral.town,
}
_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})(?::\d{2})?$")


@dataclass
class Lookups:
    """What the checks need from the database."""

    officers: tuple[tuple[str, str], ...]  # (username, display name)
    wards: tuple[tuple[str, str], ...]  # (name, name)
    known_legacy: dict[str, str] = field(default_factory=dict)  # legacy ref already imported -> when
    today: date = date.min
    agencies: tuple[tuple[str, str], ...] = ()  # (name, name): a referral's referring agency


@dataclass
class RowValues:
    """A row's values by field key, converted (str, date, datetime, Decimal, bool or a mapped word)."""

    row: int
    values: dict[str, object]


@dataclass
class ReadResult:
    rows: list[RowValues]
    rejected: list[RejectedRow]
    flagged: list[FlaggedRow]
    unmapped: dict[tuple[str, str], int]  # (field, value) -> rows
    missing: list[str]  # labels of required fields with no column


def choices_for(spec: FieldSpec, lookups: Lookups) -> tuple[tuple[str, str], ...]:
    if spec.type is FieldType.OFFICER:
        return lookups.officers
    if spec.type is FieldType.WARD:
        return lookups.wards
    if spec.key == "referrer_agency":
        return lookups.agencies
    return spec.choices


def _mapped(spec: FieldSpec, text: str, plan: ImportPlan, lookups: Lookups) -> str | None:
    """The CSPDesk word for ``text``: the plan's mapping, else the choice it names exactly, else None."""
    chosen = plan.values.get(spec.key, {})
    if text in chosen:
        return chosen[text] or None
    return own_word(text, choices_for(spec, lookups))


def read_rows(
    sheet: Sheet, plan: ImportPlan, lookups: Lookups, tick: Callable[[int], None] | None = None
) -> ReadResult:
    """Every row's values as its fields read them, or why it is refused. ``tick(n)``: the rows read so far,
    every 500 rows (the window's progress bar)."""
    specs = {s.key: s for s in SPECS[plan.kind]}
    index = {h: i for i, h in enumerate(sheet.headings)}
    columns = {key: (heading, index[heading]) for heading, key in plan.columns.items() if heading in index}
    missing = [s.label for s in specs.values() if s.required and s.key not in columns]
    if plan.kind is RecordKind.PEOPLE and "name" not in columns:
        missing = [m for m in missing if m != "Name"] + ["Name"]
    # A date column is day-first for certain once any of its text dates starts with a number over 12.
    settled = {
        key
        for key, (_h, i) in columns.items()
        if specs[key].type is FieldType.DATE and any(_proves_day_first(r[1][i]) for r in sheet.rows)
    }
    rows: list[RowValues] = []
    rejected: list[RejectedRow] = []
    flagged: list[FlaggedRow] = []
    unmapped: dict[tuple[str, str], int] = {}
    for done, (row_number, raw) in enumerate(sheet.rows, start=1):
        if tick is not None and done % 500 == 0:
            tick(done)
        values: dict[str, object] = {}
        problems: list[str] = []
        for key, (heading, i) in columns.items():
            spec = specs[key]
            value = raw[i] if i < len(raw) else None
            if spec.type is FieldType.DATE:
                parsed = parse_date(value, key in settled)
                if parsed.problem:
                    problems.append(f"{heading}: {parsed.problem}")
                elif parsed.value is not None:
                    values[key] = parsed.value
                    if parsed.ambiguous:
                        d = parsed.value
                        flagged.append(
                            FlaggedRow(
                                row_number,
                                f"{heading}: {cell_text(value)} could be {d.day} {d:%B %Y} or "
                                f"{d.month} {_month_name(d.day)} {d.year}; "
                                f"read as {d.day} {d:%B %Y} (UK order). Check it.",
                            )
                        )
                continue
            if spec.type is FieldType.NUMBER:
                number = parse_number(value)
                if number.problem:
                    problems.append(f"{heading}: {number.problem}")
                elif number.value is not None:
                    values[key] = number.value
                continue
            if spec.type is FieldType.YES_NO:
                if value is None or (isinstance(value, str) and not value.strip()):
                    continue  # blank is not "no": a required yes/no left blank refuses the row
                yes = parse_yes_no(value)
                if yes is None:
                    problems.append(f"{heading}: {cell_text(value)} is neither yes nor no")
                else:
                    values[key] = yes
                continue
            text = cell_text(value) if not isinstance(value, str) else value.strip()
            if not text:
                continue
            if spec.type in (FieldType.CHOICE, FieldType.OFFICER, FieldType.WARD):
                word = _mapped(spec, text, plan, lookups)
                if word is None:
                    unmapped[(key, text)] = unmapped.get((key, text), 0) + 1
                    if spec.required:
                        problems.append(
                            f'{heading}: "{text}" is not mapped to a CSPDesk {spec.label.lower()}'
                        )
                    continue
                values[key] = word
                continue
            column = _STORED_IN.get(key)
            if problem := text_problem(text, limit_of(column) if column is not None else None, heading):
                problems.append(problem)
                continue
            values[key] = text
        for key, (heading, _i) in columns.items():
            if (
                specs[key].required
                and key not in values
                and not any(p.startswith(f"{heading}:") for p in problems)
            ):
                problems.append(f"{heading} is empty")
        problems += _row_rules(plan.kind, values, lookups, columns)
        if problems:
            rejected.append(RejectedRow(row_number, "; ".join(problems)))
        else:
            rows.append(RowValues(row_number, values))
    return ReadResult(rows, rejected, flagged, unmapped, missing)


def _proves_day_first(value: object) -> bool:
    return isinstance(value, str) and first_number_over_12(value)


def dates_as_read(values: list[object]) -> tuple[str, ...]:
    """``values`` as a date field's import reads them, for the column-mapping preview: an Excel serial
    number (45123) as the date it is (16/07/2023), text in UK order or ISO as dd/mm/yyyy, a time kept,
    anything else as it is with "(not a date)". (A date that could be read either way round is read day
    first, as ``read_rows`` does; only its flagging depends on the rest of the column.)"""
    out = []
    for value in values:
        parsed = parse_date(value)
        out.append(f"{cell_text(value)} (not a date)" if parsed.problem else cell_text(parsed.value))
    return tuple(out)


def _month_name(n: int) -> str:
    return date(2000, n, 1).strftime("%B")


def _row_rules(
    kind: RecordKind, v: dict[str, object], lookups: Lookups, columns: Mapping[str, tuple[str, int]]
) -> list[str]:
    """The checks a single row can fail on its own (dates in the future, closed before reported...)."""
    out: list[str] = []

    def heading(key: str) -> str:
        return columns[key][0]

    for key, value in v.items():
        if isinstance(value, datetime) and value.date() > lookups.today and key not in ("due_on",):
            out.append(f"{heading(key)}: {value:%d/%m/%Y} is in the future")
    if kind is RecordKind.CASES:
        reported, closed = v.get("reported_on"), v.get("closed_on")
        if isinstance(reported, datetime) and isinstance(closed, datetime) and closed < reported:
            out.append(f"{heading('closed_on')}: closed on {closed:%d/%m/%Y}, before it was reported")
    if kind is RecordKind.INCIDENTS and isinstance(v.get("occurred_time"), str):
        if not _TIME.match(str(v["occurred_time"])) or _time_of(str(v["occurred_time"])) is None:
            out.append(f"{heading('occurred_time')}: {v['occurred_time']} is not a time (write it as 14:30)")
    if kind in (RecordKind.CASES, RecordKind.NOTICES, RecordKind.SAFER_HOMES) and isinstance(
        v.get("legacy_reference"), str
    ):
        if (when := lookups.known_legacy.get(str(v["legacy_reference"]))) is not None:
            out.append(
                f"{heading('legacy_reference')}: {v['legacy_reference']} was already imported ({when})"
            )
    return out


def _time_of(text: str) -> time | None:
    m = _TIME.match(text)
    if not m or int(m[1]) > 23 or int(m[2]) > 59:
        return None
    return time(int(m[1]), int(m[2]))


def occurred_at(v: dict[str, object]) -> datetime:
    day = v["occurred_on"]
    assert isinstance(day, datetime)
    if isinstance(v.get("occurred_time"), str) and (t := _time_of(str(v["occurred_time"]))) is not None:
        return datetime.combine(day.date(), t)
    return day


def as_date(value: object) -> date | None:
    return value.date() if isinstance(value, datetime) else None


def pence(value: object) -> int | None:
    return int((value * 100).to_integral_value()) if isinstance(value, Decimal) else None


def values_to_map(sheet: Sheet, plan: ImportPlan, lookups: Lookups) -> tuple[ValueToMap, ...]:
    """Every distinct value in the plan's mapped CHOICE/OFFICER/WARD columns."""
    specs = {s.key: s for s in SPECS[plan.kind]}
    index = {h: i for i, h in enumerate(sheet.headings)}
    out: list[ValueToMap] = []
    for heading, key in plan.columns.items():
        spec = specs.get(key)
        if (
            spec is None
            or heading not in index
            or spec.type
            not in (
                FieldType.CHOICE,
                FieldType.OFFICER,
                FieldType.WARD,
            )
        ):
            continue
        counts: dict[str, int] = {}
        i = index[heading]
        for _row, raw in sheet.rows:
            text = cell_text(raw[i]).strip() if i < len(raw) else ""
            if text:
                counts[text] = counts.get(text, 0) + 1
        choices = choices_for(spec, lookups)
        for text, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].lower())):
            out.append(
                ValueToMap(
                    key,
                    text,
                    n,
                    suggest(text, choices, officer=spec.type is FieldType.OFFICER),
                    _mapped(spec, text, plan, lookups),
                )
            )
    return tuple(out)


def new_id() -> uuid.UUID:
    return uuid.uuid4()
