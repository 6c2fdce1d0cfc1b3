"""Scored risk assessments: the questionnaire from settings, each assessment kept with the questions it
used, and the level setting the case's review date."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from cspdesk.core.domain.asb_case import RiskQuestionnaire, check_not_future, next_review_on
from cspdesk.core.domain.vocab import ChronologyKind, RiskLevel, Role
from cspdesk.core.errors import ValidationError
from cspdesk.core.services.admin.settings import SettingsService
from cspdesk.core.services.cases.case_common import (
    at_time,
    get_case,
    record_chronology,
    require_open,
    setting,
)
from cspdesk.core.services.context import Actor, Changes
from cspdesk.core.storage.models import AppUser, RiskAssessment
from cspdesk.core.storage.uow import UnitOfWork


@dataclass(frozen=True)
class RiskRow:
    id: uuid.UUID
    assessed_on: date
    assessor: str
    score: int
    level: str
    level_label: str
    next_review_on: date | None
    single_point_of_contact: str
    notes: str
    answers: dict
    questions: list[tuple[str, str, int]]  # what was asked then (key, text, weight)


class RiskService:
    def __init__(self, uow: Callable[[str], UnitOfWork], today: Callable[[], date]):
        self._uow = uow
        self._today = today

    def questionnaire(self) -> RiskQuestionnaire:
        with self._uow("system") as uow:
            return RiskQuestionnaire.from_setting(setting(uow.session, "risk.questionnaire"))

    def save_questionnaire(self, actor: Actor, q: RiskQuestionnaire | Mapping) -> Changes:
        """Check a questionnaire before it replaces the one in force (administrators only)."""
        value = q.as_setting() if isinstance(q, RiskQuestionnaire) else dict(q)
        try:
            RiskQuestionnaire.from_setting(value)
        except ValueError as exc:
            raise ValidationError({"risk.questionnaire": str(exc)}) from exc
        return SettingsService(self._uow).update(actor, {"risk.questionnaire": value})

    def history(self, case_id: uuid.UUID) -> list[RiskRow]:
        with self._uow("system") as uow:
            s = uow.session
            names = dict(s.execute(select(AppUser.id, AppUser.display_name)).tuples().all())
            rows = s.scalars(
                select(RiskAssessment)
                .where(RiskAssessment.case_id == case_id)
                .order_by(RiskAssessment.assessed_on.desc(), RiskAssessment.created_at.desc())
            ).all()
            return [
                RiskRow(
                    r.id,
                    r.assessed_on,
                    names.get(r.assessor_id, "") if r.assessor_id else "",
                    r.score,
                    r.level,
                    RiskLevel(r.level).label,
                    r.next_review_on,
                    r.single_point_of_contact or "",
                    r.notes or "",
                    dict(r.answers or {}),
                    [
                        (q.get("key", ""), q.get("text", ""), int(q.get("weight", 0)))
                        for q in (r.questionnaire or {}).get("questions", [])
                    ],
                )
                for r in rows
            ]

    def assess(
        self,
        actor: Actor,
        case_id: uuid.UUID,
        answers: Mapping[str, bool],
        *,
        assessed_on: date | None = None,
        party_id: uuid.UUID | None = None,
        single_point_of_contact: str = "",
        notes: str = "",
    ) -> Changes:
        actor.require(Role.OFFICER, "assess risk")
        today = self._today()
        assessed_on = assessed_on or today
        errors: dict[str, str] = {}
        check_not_future(errors, "assessed_on", assessed_on, today, "The assessment date")
        with self._uow(actor.username) as uow:
            s = uow.session
            q = RiskQuestionnaire.from_setting(setting(s, "risk.questionnaire"))
            unknown = set(answers) - {x.key for x in q.questions}
            if unknown:
                errors["answers"] = "The questionnaire changed while you were answering it; open it again."
            score, level = q.score(answers)
            if level is not RiskLevel.STANDARD and not single_point_of_contact.strip():
                # Local practice (DOMAIN.md §6): medium and high risk get a named single point of contact.
                errors["single_point_of_contact"] = (
                    f"{level.label} risk needs a named single point of contact."
                )
            if errors:
                raise ValidationError(errors)
            case = get_case(s, case_id)
            require_open(case, "assess risk")
            cadence = {lvl.value: int(setting(s, f"risk.review_days_{lvl.value}")) for lvl in RiskLevel}
            review = next_review_on(level, assessed_on, cadence)
            row = RiskAssessment(
                case_id=case_id,
                party_id=party_id,
                assessed_on=assessed_on,
                assessor_id=actor.user_id,
                questionnaire=q.as_setting(),
                answers={k: bool(v) for k, v in answers.items()},
                score=score,
                level=level.value,
                next_review_on=review,
                single_point_of_contact=single_point_of_contact.strip() or None,
                notes=notes.strip() or None,
            )
            s.add(row)
            s.flush()
            previous = case.risk_level
            latest = s.scalar(
                select(RiskAssessment.assessed_on)
                .where(RiskAssessment.case_id == case_id, RiskAssessment.id != row.id)
                .order_by(RiskAssessment.assessed_on.desc())
                .limit(1)
            )
            if latest is None or assessed_on >= latest:  # a back-dated entry does not replace a newer one
                case.risk_level = level.value
                case.next_review_on = review
            change = (
                f" (was {RiskLevel(previous).label.lower()})" if previous and previous != level.value else ""
            )
            record_chronology(
                s,
                case,
                ChronologyKind.RISK.value,
                f"Risk assessed: {level.label}, score {score}{change}"
                + (f"; next review {review:%d/%m/%Y}" if review else ""),
                actor.display_name,
                occurred_at=_stamp(assessed_on, today),
                related_type="risk_assessment",
                related_id=row.id,
                body=notes.strip() or None,
                today=today,
            )
            uow.audit("create", "risk_assessment", row.id, f"{case.reference}: risk {level.label} ({score})")
            uow.commit()
        return Changes.of("risk", "case", ids=(case_id, row.id))


def _stamp(assessed_on: date, today: date) -> datetime:
    """An assessment made today is stamped now, so it sorts among the day's other entries as it happened
    (issue 19: at noon it sorted above entries made later that morning); a back-dated one at noon that day."""
    if assessed_on == today:
        from cspdesk.core.clock import current

        return current().now()
    return at_time(assessed_on, 12)
