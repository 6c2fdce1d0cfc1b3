"""Safer Homes: taking a referral, checking eligibility, specifying the works and moving it on.

Reading (lists, the referral screen, counts) is in ``safer_homes_read``; what leaves the building
(CSV, PDFs, letter values) is in ``safer_homes_outputs``. The rules are the domain's
(``core.domain.safer_homes*`` and ``protection``); this module stores what they decide.

Audit rows name the referral by its reference only: the audit log is read by more people than
may see a domestic-abuse victim's address, so changed fields are listed by name, never by value,
unless the field is one anyone may see (``protection.OPEN_FIELDS``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from cspdesk.core.domain.field_words import field_words
from cspdesk.core.domain.protection import OPEN_FIELDS, can_see_personal_details
from cspdesk.core.domain.safer_homes import CLOSING_STATUSES, Measure, ReferralRecord
from cspdesk.core.domain.safer_homes_intake import (
    EligibilityResult,
    accept_referral,
    check_eligibility,
    intake_problems,
)
from cspdesk.core.domain.safer_homes_workflow import apply_transition
from cspdesk.core.domain.validation import is_uk_postcode, normalise_postcode
from cspdesk.core.domain.vocab import Role, SaferHomesStatus
from cspdesk.core.errors import ConflictError, PermissionDenied, ValidationError
from cspdesk.core.services.context import Actor, Changes
from cspdesk.core.services.safer_homes.safer_homes_records import (
    ENTITY,
    Names,
    current_rules,
    load,
    measures_of,
    next_reference,
    rules_of,
    stored_rules,
    to_record,
    write_record,
)
from cspdesk.core.storage.models import SaferHomesMeasure, SaferHomesReferral
from cspdesk.core.storage.uow import UnitOfWork

# Set by the workflow, never typed in: changing them goes through ``transition``.
WORKFLOW_OWNED = frozenset(
    {
        "id",
        "reference",
        "status",
        "restricted",
        "eligible",
        "secured_on",
        "closed_on",
        "end_reason",
        "measures",
    }
)
EDITABLE = frozenset(f.name for f in fields(ReferralRecord)) - WORKFLOW_OWNED

# Fields outside OPEN_FIELDS that do not identify or locate the client: someone who sees only the
# masked view may still record the survey and the works on a restricted referral.
WORK_FIELDS = frozenset(
    {
        "surveyor",
        "contractor",
        "survey_on",
        "works_ordered_on",
        "installed_on",
        "followed_up_on",
        "actual_cost_pence",
    }
)


@dataclass(frozen=True)
class Saved:
    id: uuid.UUID
    reference: str
    status: SaferHomesStatus
    changes: Changes


def _changes(referral_id: uuid.UUID) -> Changes:
    return Changes.of("safer_homes", ids=(referral_id,))


def _audit_values(record: ReferralRecord, names: Sequence[str]) -> dict[str, Any]:
    data = record.to_dict()
    return {n: (data[n] if n in OPEN_FIELDS or n in WORK_FIELDS else "(changed)") for n in names}


class SaferHomesService:
    def __init__(self, uow: Callable[[str], UnitOfWork], today: Callable[[], date]):
        self._uow = uow
        self._today = today

    def today(self) -> date:
        """The service's idea of today (the intake form's default referral date)."""
        return self._today()

    # ----- intake -------------------------------------------------------------------------------
    def intake(self, actor: Actor, form: ReferralRecord) -> Saved:
        """Record a new referral. Without consent only a declined record is kept (who, when, category)."""
        actor.require(Role.OFFICER, "record Safer Homes referrals")
        today = self._today()
        with self._uow(actor.username) as uow:
            s = uow.session
            names = Names.load(s)
            problems: dict[str, str] = {}
            if form.referrer_agency and names.agency_id(form.referrer_agency) is None:
                problems["referrer_agency"] = "Choose the referring agency from the list."
            if form.ward and names.ward_id(form.ward) is None:
                problems["ward"] = "Choose the ward from the list."
            try:
                record = accept_referral(form.with_changes(id=None, reference=""), today)
            except ValidationError as exc:
                raise ValidationError({**exc.fields, **problems}) from exc
            if problems:
                raise ValidationError(problems)
            rules = current_rules(s)
            record = record.with_changes(reference=next_reference(s, record.referred_on or today))
            row = SaferHomesReferral(rules=stored_rules(rules))
            write_record(row, record, names)
            s.add(row)
            s.flush()
            declined = record.status is SaferHomesStatus.DECLINED
            uow.audit(
                "create",
                ENTITY,
                row.id,
                f"Safer Homes referral {row.reference} recorded"
                + (" as declined: the client did not consent" if declined else ""),
                {
                    "reference": row.reference,
                    "status": row.status,
                    "restricted": row.restricted,
                    "victim_category": row.victim_category,
                },
            )
            if row.restricted and can_see_personal_details(actor.viewer, record):
                # The officer who records a restricted referral has just seen its details: that is the
                # first look, with its reason, so the screen that follows does not ask why (restriction.py).
                uow.audit(
                    "view",
                    ENTITY,
                    row.id,
                    f"Recorded: restricted Safer Homes referral {row.reference}",
                    {
                        "reference": row.reference,
                        "what": "Recorded",
                        "reason": "Recording the referral",
                        "reused": False,
                    },
                )
            uow.commit()
            return Saved(row.id, row.reference, record.status, _changes(row.id))

    # ----- editing ------------------------------------------------------------------------------
    def update(self, actor: Actor, referral_id: uuid.UUID, version: int, changes: dict[str, Any]) -> Changes:
        """Change recorded details (intake fields, survey and works dates, costs).

        Only the fields given change. A viewer shown the masked referral may change only the
        survey and works fields: anything else would overwrite details they cannot see.
        """
        actor.require(Role.OFFICER, "change Safer Homes referrals")
        unknown = sorted(set(changes) - EDITABLE)
        if unknown:
            raise ValidationError({k: "This cannot be changed here." for k in unknown})
        with self._uow(actor.username) as uow:
            s = uow.session
            names = Names.load(s)
            row = load(s, referral_id)
            if row.version != version:
                raise ConflictError(
                    "Someone else saved this referral after you opened it. Reopen it to see "
                    "their changes; yours were not saved."
                )
            record = to_record(row, measures_of(s, row.id), names)
            if record.status in CLOSING_STATUSES:
                raise PermissionDenied(
                    f"This referral is {record.status.label.lower()}; it cannot be changed."
                )
            if not can_see_personal_details(actor.viewer, record):
                hidden = sorted(set(changes) - OPEN_FIELDS - WORK_FIELDS)
                if hidden:
                    raise PermissionDenied("You cannot change the client's details on a restricted referral.")
            new = ReferralRecord.from_dict({**record.to_dict(), **_clean(changes)})
            problems = _update_problems(new, names, self._today())
            if problems:
                raise ValidationError(problems)
            if new.postcode:
                new = new.with_changes(postcode=normalise_postcode(new.postcode))
            # Restriction is sticky: a category corrected away from domestic abuse does not unmask
            # a record someone once thought was one; an administrator can decide that separately.
            new = new.with_changes(restricted=record.is_restricted or new.is_restricted)
            changed = [k for k in sorted(changes) if getattr(new, k) != getattr(record, k)]
            if not changed:
                return Changes()
            write_record(row, new, names)
            uow.audit(
                "update",
                ENTITY,
                row.id,
                f"Safer Homes referral {row.reference}: "
                + ", ".join(field_words(c) for c in changed)
                + " changed",
                {"reference": row.reference, "changed": _audit_values(new, changed)},
            )
            uow.commit()
        return _changes(referral_id)

    def set_measures(
        self, actor: Actor, referral_id: uuid.UUID, lines: Sequence[tuple[str, int, bool]]
    ) -> Changes:
        """Specify the works: (measure code, quantity, installed) from the catalogue in settings.

        A measure already on the referral keeps the unit cost it was specified at; a new one takes
        today's catalogue price.
        """
        actor.require(Role.OFFICER, "specify Safer Homes works")
        problems: dict[str, str] = {}
        for i, (_code, quantity, _installed) in enumerate(lines):
            if quantity < 1:
                problems[f"measures[{i}].quantity"] = "The quantity must be at least 1."
        with self._uow(actor.username) as uow:
            s = uow.session
            row = load(s, referral_id)
            if row.status in {st.value for st in CLOSING_STATUSES}:
                raise PermissionDenied("This referral is closed; its works cannot be changed.")
            catalogue = current_rules(s)
            existing = {m.measure_code: m for m in measures_of(s, row.id)}
            new: dict[str, Measure] = {}  # the catalogue's entry for each code not yet on the referral
            for i, (code, _q, _i) in enumerate(lines):
                if code in existing:
                    continue
                measure = catalogue.measure(code)
                if measure is None:
                    problems[f"measures[{i}].code"] = f"{code} is not in the catalogue of measures."
                else:
                    new[code] = measure
            if problems:
                raise ValidationError(problems)
            for m in existing.values():
                s.delete(m)
            s.flush()
            for code, quantity, installed in lines:
                old = existing.get(code)
                s.add(
                    SaferHomesMeasure(
                        referral_id=row.id,
                        measure_code=code,
                        description=old.description if old else new[code].label,
                        quantity=quantity,
                        installed=installed,
                        unit_cost_pence=old.unit_cost_pence if old else new[code].unit_cost_pence,
                    )
                )
            s.flush()
            total = 0
            for c, q, _ in lines:
                unit = existing[c].unit_cost_pence if c in existing else new[c].unit_cost_pence
                total += q * unit
            uow.audit(
                "update",
                ENTITY,
                row.id,
                f"Safer Homes referral {row.reference}: works specified "
                f"({len(lines)} item{'s' if len(lines) != 1 else ''})",
                {
                    "reference": row.reference,
                    "measures": [[c, q] for c, q, _ in lines],
                    "estimated_pence": total,
                },
            )
            uow.commit()
        return _changes(referral_id)

    # ----- eligibility and status ---------------------------------------------------------------
    def check_eligibility(self, actor: Actor, referral_id: uuid.UUID) -> EligibilityResult:
        """Apply the scheme's rules (as they were when the referral was made) and store the result."""
        actor.require(Role.OFFICER, "check Safer Homes eligibility")
        with self._uow(actor.username) as uow:
            s = uow.session
            row = load(s, referral_id)
            record = to_record(row, measures_of(s, row.id), Names.load(s))
            if record.status is not SaferHomesStatus.REFERRED:
                raise PermissionDenied("Eligibility is checked once, while the referral is new.")
            result = check_eligibility(record, rules_of(row, current_rules(s)))
            row.eligible = result.eligible
            row.eligibility = {
                **result.to_dict(),
                "checked_on": self._today().isoformat(),
                "checked_by": actor.display_name,
            }
            uow.audit(
                "update",
                ENTITY,
                row.id,
                f"Safer Homes referral {row.reference}: eligibility checked — "
                + ("eligible" if result.eligible else "not eligible"),
                {"reference": row.reference, "eligible": result.eligible, "reasons": list(result.reasons)},
            )
            uow.commit()
            return result

    def transition(
        self, actor: Actor, referral_id: uuid.UUID, to: SaferHomesStatus, reason: str | None = None
    ) -> Changes:
        """Move the referral on one step (or decline / withdraw it with a
        reason). Skipped steps are refused."""
        actor.require(Role.OFFICER, "change a Safer Homes referral's status")
        to = SaferHomesStatus(to)
        with self._uow(actor.username) as uow:
            s = uow.session
            names = Names.load(s)
            row = load(s, referral_id)
            record = to_record(row, measures_of(s, row.id), names)
            new = apply_transition(record, to, self._today(), reason)
            row.status = new.status.value
            row.eligible = new.eligible
            row.secured_on = new.secured_on
            row.closed_on = new.closed_on
            row.end_reason = new.end_reason
            uow.audit(
                "transition",
                ENTITY,
                row.id,
                f"Safer Homes referral {row.reference}: {record.status.label} → {to.label}"
                + (f" ({new.end_reason})" if new.end_reason and to is not SaferHomesStatus.CLOSED else ""),
                {"reference": row.reference, "from": record.status.value, "to": to.value, "reason": reason},
            )
            uow.commit()
        return _changes(referral_id)


def _clean(changes: dict[str, Any]) -> dict[str, Any]:
    """Blank text becomes None, so "not recorded" is one value."""
    out: dict[str, Any] = {}
    for k, v in changes.items():
        out[k] = (v.strip() or None) if isinstance(v, str) else v
    return out


def _update_problems(record: ReferralRecord, names: Names, today: date) -> dict[str, str]:
    problems = intake_problems(record, today) if record.consent_given else {}
    if record.referrer_agency and names.agency_id(record.referrer_agency) is None:
        problems["referrer_agency"] = "Choose the referring agency from the list."
    if record.ward and names.ward_id(record.ward) is None:
        problems["ward"] = "Choose the ward from the list."
    if record.postcode and "postcode" not in problems and not is_uk_postcode(record.postcode):
        problems["postcode"] = "This does not look like a UK postcode (e.g. DE11 0AH)."
    if record.actual_cost_pence is not None and record.actual_cost_pence < 0:
        problems["actual_cost_pence"] = "The cost cannot be negative."
    for name in ("survey_on", "works_ordered_on", "installed_on", "followed_up_on"):
        when = getattr(record, name)
        if when is not None and when > today:
            problems[name] = "This date cannot be in the future."
        if when is not None and record.referred_on is not None and when < record.referred_on:
            problems[name] = "This date cannot be before the referral date."
    return problems
