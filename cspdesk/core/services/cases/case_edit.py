"""The case's own fields as the Overview tab edits them: read, save (refusing a stale copy and saying
what changed), and the unsaved-draft kept while typing so a crash loses at most one field."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import delete, func, select

from cspdesk.core.domain.asb_case import check_not_future
from cspdesk.core.domain.vocab import (
    ActionStatus,
    AsbCategory,
    CaseStatus,
    ChronologyKind,
    ClosureReason,
    PriorityTag,
    ReportChannel,
    RiskLevel,
    Role,
)
from cspdesk.core.errors import ValidationError
from cspdesk.core.services.cases.case_common import check_version, get_case, record_chronology
from cspdesk.core.services.cases.case_index import address_text, refresh_case_index
from cspdesk.core.services.context import Actor, Changes
from cspdesk.core.storage.models import (
    Address,
    AppUser,
    CaseAction,
    CasePriorityTag,
    EditDraft,
    Incident,
    Ward,
)
from cspdesk.core.storage.uow import UnitOfWork

EDITABLE = ("title", "description", "category", "tags", "reported_on", "reported_via", "officer_id")


@dataclass(frozen=True)
class CaseDetail:
    id: uuid.UUID
    reference: str
    version: int
    title: str
    description: str
    category: str
    tags: tuple[str, ...]
    reported_on: date
    reported_via: str
    officer_id: uuid.UUID | None
    officer: str
    status: str
    status_label: str
    closure_reason: str
    closed_on: date | None
    location: str
    place_type: str
    ward: str
    risk_level: str | None
    risk_label: str
    next_review_on: date | None
    repeat_victim: bool
    case_review_told_on: date | None
    last_activity_on: date | None
    incidents: int
    open_actions: int
    overdue_actions: int

    def editable(self) -> dict[str, Any]:
        d = asdict(self)
        return {k: d[k] for k in EDITABLE}

    @property
    def is_open(self) -> bool:
        return self.status == CaseStatus.OPEN.value


def validate_details(fields: Mapping[str, Any], today: date) -> dict[str, str]:
    errors: dict[str, str] = {}
    if "title" in fields and not str(fields["title"] or "").strip():
        errors["title"] = "Give the case a short title (what, where)."
    if "category" in fields:
        try:
            AsbCategory(fields["category"])
        except ValueError:
            errors["category"] = "Choose a category."
    if "tags" in fields:
        if not fields["tags"]:
            errors["tags"] = "Tag the case with at least one CSP priority."
        else:
            try:
                [PriorityTag(t) for t in fields["tags"]]
            except ValueError:
                errors["tags"] = "Unknown priority tag."
    if "reported_on" in fields:
        if fields["reported_on"] is None:
            errors["reported_on"] = "Enter the date it was reported."
        check_not_future(errors, "reported_on", fields["reported_on"], today, "The date reported")
    if "reported_via" in fields:
        try:
            ReportChannel(fields["reported_via"])
        except ValueError:
            errors["reported_via"] = "Choose how it was reported."
    return errors


class CaseEditService:
    def __init__(self, uow: Callable[[str], UnitOfWork], today: Callable[[], date]):
        self._uow = uow
        self._today = today

    def detail(self, case_id: uuid.UUID) -> CaseDetail:
        today = self._today()
        with self._uow("system") as uow:
            s = uow.session
            case = get_case(s, case_id)
            loc = s.get(Address, case.location_id) if case.location_id else None
            ward = s.get(Ward, case.ward_id) if case.ward_id else None
            officer = s.get(AppUser, case.officer_id) if case.officer_id else None
            tags = tuple(
                s.scalars(
                    select(CasePriorityTag.tag)
                    .where(CasePriorityTag.case_id == case_id)
                    .order_by(CasePriorityTag.tag)
                )
            )
            # By case first, then filtered here: the planner would otherwise walk the (status, due) index.
            actions = s.execute(
                select(CaseAction.status, CaseAction.due_on).where(CaseAction.case_id == case_id)
            ).all()
            open_ = [a for a in actions if a.status == ActionStatus.OPEN.value]
            incidents = (
                s.scalar(select(func.count()).select_from(Incident).where(Incident.case_id == case_id)) or 0
            )
            return CaseDetail(
                id=case.id,
                reference=case.reference,
                version=case.version,
                title=case.title,
                description=case.description or "",
                category=case.category,
                tags=tags,
                reported_on=case.reported_on,
                reported_via=case.reported_via,
                officer_id=case.officer_id,
                officer=officer.display_name if officer else "",
                status=case.status,
                status_label=CaseStatus(case.status).label,
                closure_reason=ClosureReason(case.closure_reason).label if case.closure_reason else "",
                closed_on=case.closed_on,
                location=address_text(loc),
                place_type=loc.place_type if loc else "",
                ward=ward.name if ward else "",
                risk_level=case.risk_level,
                risk_label=RiskLevel(case.risk_level).label if case.risk_level else "Not assessed",
                next_review_on=case.next_review_on,
                repeat_victim=case.repeat_victim,
                case_review_told_on=case.case_review_told_on,
                last_activity_on=case.last_activity_on,
                incidents=incidents,
                open_actions=len(open_),
                overdue_actions=sum(1 for a in open_ if a.due_on < today),
            )

    def save(
        self,
        actor: Actor,
        case_id: uuid.UUID,
        expected_version: int,
        base: Mapping[str, Any],
        fields: Mapping[str, Any],
    ) -> Changes:
        """Save the Overview's fields. ``base`` is what the window showed when the case was loaded."""
        actor.require(Role.OFFICER, "edit cases")
        unknown = set(fields) - set(EDITABLE)
        if unknown:
            raise ValidationError({k: "This field cannot be edited here." for k in unknown})
        errors = validate_details(fields, self._today())
        if errors:
            raise ValidationError(errors)
        with self._uow(actor.username) as uow:
            s = uow.session
            case = get_case(s, case_id)
            current = self._editable(s, case)
            check_version(case, expected_version, {k: base.get(k) for k in EDITABLE}, current)
            diff = {k: (current[k], fields[k]) for k in fields if current[k] != _norm(k, fields[k])}
            for k, (_, new) in diff.items():
                if k == "tags":
                    s.execute(delete(CasePriorityTag).where(CasePriorityTag.case_id == case_id))
                    tags = [PriorityTag(t) for t in dict.fromkeys(new)]
                    s.add_all([CasePriorityTag(case_id=case_id, tag=t.value) for t in tags])
                    case.priority_theme = tags[0].theme.value
                elif k in ("title", "description"):
                    setattr(case, k, (new or "").strip() or (None if k == "description" else ""))
                else:
                    setattr(case, k, new)
            if diff:
                record_chronology(
                    s,
                    case,
                    ChronologyKind.NOTE.value,
                    "Case details changed: " + ", ".join(k.replace("_", " ") for k in diff),
                    actor.display_name,
                    today=self._today(),
                )
                if "title" in diff:
                    refresh_case_index(s, case_id)
                uow.audit(
                    "update",
                    "case",
                    case.id,
                    f"{case.reference}: details changed",
                    {k: [_plain(a), _plain(b)] for k, (a, b) in diff.items()},
                )
            s.execute(
                delete(EditDraft).where(
                    EditDraft.username == actor.username,
                    EditDraft.entity_type == "case",
                    EditDraft.entity_id == case_id,
                )
            )
            uow.commit()
        return Changes.of("case", ids=(case_id,))

    @staticmethod
    def _editable(s, case) -> dict[str, Any]:
        tags = tuple(
            s.scalars(
                select(CasePriorityTag.tag)
                .where(CasePriorityTag.case_id == case.id)
                .order_by(CasePriorityTag.tag)
            )
        )
        return {
            "title": case.title,
            "description": case.description or "",
            "category": case.category,
            "tags": tags,
            "reported_on": case.reported_on,
            "reported_via": case.reported_via,
            "officer_id": case.officer_id,
        }

    # ----- drafts: what is typed but not saved, written as each field is left
    def save_draft(
        self, actor: Actor, case_id: uuid.UUID, base_version: int, fields: Mapping[str, Any]
    ) -> None:
        with self._uow(actor.username) as uow:
            s = uow.session
            row = s.scalar(
                select(EditDraft).where(
                    EditDraft.username == actor.username,
                    EditDraft.entity_type == "case",
                    EditDraft.entity_id == case_id,
                )
            )
            plain = {k: _plain(v) for k, v in fields.items()}
            if row is None:
                s.add(
                    EditDraft(
                        username=actor.username,
                        entity_type="case",
                        entity_id=case_id,
                        base_version=base_version,
                        fields=plain,
                    )
                )
            else:
                row.fields = plain
                row.base_version = base_version
            uow.commit()

    def draft(self, actor: Actor, case_id: uuid.UUID) -> dict[str, Any] | None:
        with self._uow(actor.username) as uow:
            row = uow.session.scalar(
                select(EditDraft).where(
                    EditDraft.username == actor.username,
                    EditDraft.entity_type == "case",
                    EditDraft.entity_id == case_id,
                )
            )
            if row is None:
                return None
            out = dict(row.fields)
        if out.get("reported_on"):
            out["reported_on"] = date.fromisoformat(out["reported_on"])
        if out.get("officer_id"):
            out["officer_id"] = uuid.UUID(out["officer_id"])
        if "tags" in out:
            out["tags"] = tuple(out["tags"])
        return out

    def discard_draft(self, actor: Actor, case_id: uuid.UUID) -> None:
        with self._uow(actor.username) as uow:
            uow.session.execute(
                delete(EditDraft).where(
                    EditDraft.username == actor.username,
                    EditDraft.entity_type == "case",
                    EditDraft.entity_id == case_id,
                )
            )
            uow.commit()


def _norm(key: str, v: Any) -> Any:
    if key == "tags":
        return tuple(sorted(dict.fromkeys(v)))
    if key in ("title", "description"):
        return (v or "").strip()
    return v


def _plain(v: Any) -> Any:
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, uuid.UUID):
        return str(v)
    if isinstance(v, tuple | list | set | frozenset):
        return sorted(str(x) for x in v)
    return v
