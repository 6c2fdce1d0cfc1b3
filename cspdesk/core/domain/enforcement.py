"""The enforcement ladder: one state machine per notice kind, and the counts reports need.

Law: Anti-social Behaviour, Crime and Policing Act 2014 ("the 2014 Act"), Part 1 (injunctions), Part 3
(dispersal) and Part 4 (CPW/CPN ss.43-52, PSPO s.68, closure ss.76-82). DOMAIN.md section 3 gives the
ladder; dates live in ``deadlines``, the checks before a step in ``enforcement_guards``. Pure Python:
services call these with plain values.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from cspdesk.core.domain.deadlines import NoticeDates
from cspdesk.core.domain.vocab import NoticeKind
from cspdesk.core.errors import TransitionRefused

K = NoticeKind


class Stage(StrEnum):
    """Where a notice is on its path. Stored as the value in ``EnforcementNotice.stage``."""

    DRAFT = "draft"
    ISSUED = "issued"
    RECORDED = "recorded"  # a tool given by police or a court, recorded on the case
    APPEAL_LODGED = "appeal_lodged"
    QUASHED = "quashed"
    MODIFIED = "modified"
    DISMISSED = "dismissed"
    ACTIVE = "active"
    BREACHED = "breached"
    FPN_ISSUED = "fpn_issued"
    PAID = "paid"
    UNPAID = "unpaid"
    PROSECUTION = "prosecution"
    OUTCOME = "outcome"
    ESCALATED = "escalated"
    COMPLIED = "complied"
    LAPSED = "lapsed"
    EXPIRED = "expired"
    ENDED = "ended"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return {"fpn_issued": "FPN issued", "outcome": "court outcome"}.get(
            self.value, self.value.replace("_", " ")
        )


S = Stage
_SIMPLE = {S.DRAFT: {S.ISSUED, S.WITHDRAWN}, S.ISSUED: {S.COMPLIED, S.BREACHED, S.WITHDRAWN, S.ENDED}}
_RECORDED = {S.DRAFT: {S.RECORDED, S.WITHDRAWN}, S.RECORDED: {S.ENDED, S.WITHDRAWN}}

# The one table. A stage absent as a key is closing: nothing follows it.
TRANSITIONS: Mapping[NoticeKind, Mapping[Stage, frozenset[Stage]]] = {
    k: {s: frozenset(t) for s, t in table.items()}
    for k, table in {
        K.WARNING_LETTER: _SIMPLE,
        K.ABC: _SIMPLE,
        K.CPW: {
            S.DRAFT: {S.ISSUED, S.WITHDRAWN},
            S.ISSUED: {S.COMPLIED, S.BREACHED, S.LAPSED, S.WITHDRAWN},
            S.BREACHED: {S.ESCALATED, S.LAPSED, S.WITHDRAWN},  # escalated = a CPN was issued on it
        },
        K.CPN: {
            S.DRAFT: {S.ISSUED, S.WITHDRAWN},
            S.ISSUED: {S.APPEAL_LODGED, S.ACTIVE, S.WITHDRAWN},
            # s.46(4): the court quashes, modifies or dismisses; an appeal the recipient withdraws leaves the
            # notice in force, hence appeal_lodged -> active.
            S.APPEAL_LODGED: {S.QUASHED, S.MODIFIED, S.DISMISSED, S.ACTIVE, S.WITHDRAWN},
            S.MODIFIED: {S.ACTIVE},
            S.DISMISSED: {S.ACTIVE},
            S.ACTIVE: {S.BREACHED, S.COMPLIED, S.EXPIRED, S.WITHDRAWN},
            # breached -> active: the breach is dealt with informally; the notice stays in force.
            S.BREACHED: {S.FPN_ISSUED, S.PROSECUTION, S.ACTIVE, S.WITHDRAWN},
            S.FPN_ISSUED: {S.PAID, S.UNPAID},
            S.UNPAID: {S.PROSECUTION},
            S.PROSECUTION: {S.OUTCOME},
            # A CPN has no statutory end: after a penalty or a court outcome it is still in force (s.43), so a
            # further breach can be recorded.
            S.PAID: {S.ACTIVE},
            S.OUTCOME: {S.ACTIVE},
        },
        K.FPN: {
            S.DRAFT: {S.ISSUED, S.WITHDRAWN},
            S.ISSUED: {S.PAID, S.UNPAID, S.WITHDRAWN},
            S.UNPAID: {S.PROSECUTION, S.WITHDRAWN},
            S.PROSECUTION: {S.OUTCOME, S.WITHDRAWN},
        },
        K.PROSECUTION: {S.DRAFT: {S.PROSECUTION, S.WITHDRAWN}, S.PROSECUTION: {S.OUTCOME, S.WITHDRAWN}},
        K.CIVIL_INJUNCTION: _RECORDED,
        K.PSPO_FPN: _RECORDED,
        K.CLOSURE_NOTICE: _RECORDED,
        K.CLOSURE_ORDER: _RECORDED,
        K.DISPERSAL_DIRECTION: _RECORDED,
    }.items()
}

# Outcome stages the services pass straight through: the outcome is recorded, then the notice is in force.
FOLLOW_ON: Mapping[tuple[NoticeKind, Stage], Stage] = {
    (K.CPN, S.MODIFIED): S.ACTIVE,
    (K.CPN, S.DISMISSED): S.ACTIVE,
}

NOUN = {
    K.WARNING_LETTER: "warning letter",
    K.ABC: "ABC",
    K.CPW: "CPW",
    K.CPN: "CPN",
    K.FPN: "FPN",
    K.PROSECUTION: "prosecution",
    K.CIVIL_INJUNCTION: "civil injunction",
    K.PSPO_FPN: "PSPO FPN",
    K.CLOSURE_NOTICE: "closure notice",
    K.CLOSURE_ORDER: "closure order",
    K.DISPERSAL_DIRECTION: "dispersal direction",
}


def a(kind: NoticeKind | str, capital: bool = False) -> str:
    """The noun with its article, as said aloud: "an FPN", "an ABC", "a CPN"."""
    noun = NOUN[NoticeKind(kind)]
    article = "an" if noun[0] in "aeiouAEFHILMNORSX" else "a"
    return f"{article.capitalize() if capital else article} {noun}"


# What to do next from a stage, where the generic "it can move to ..." would not say it plainly.
_HINTS: Mapping[tuple[NoticeKind | None, Stage], str] = {
    (None, S.DRAFT): "issue it first",
    (K.CPN, S.ISSUED): "record an appeal, or mark it active once the appeal window has closed",
    (K.CPN, S.APPEAL_LODGED): "record the appeal outcome first",
    (K.CPN, S.MODIFIED): "mark it active first",
    (K.CPN, S.DISMISSED): "mark it active first",
    (K.CPN, S.ACTIVE): "record the breach first",
    (K.CPN, S.BREACHED): "record the FPN or the prosecution first",
    (K.CPN, S.FPN_ISSUED): "record whether the fixed penalty was paid first",
    (K.CPN, S.UNPAID): "start the prosecution first",
    (K.CPN, S.PROSECUTION): "record the court outcome first",
    (K.CPN, S.PAID): "mark the notice active again first",
    (K.CPN, S.OUTCOME): "mark the notice active again first",
    (K.CPW, S.ISSUED): "record compliance or a breach first",
    (K.CPW, S.BREACHED): "issue the CPN, or record that the warning lapsed",
    (K.FPN, S.ISSUED): "record payment, or that it was not paid",
    (K.FPN, S.UNPAID): "start the prosecution first",
    (K.FPN, S.PROSECUTION): "record the court outcome first",
    (K.PROSECUTION, S.PROSECUTION): "record the court outcome first",
}


def stages(kind: NoticeKind | str) -> frozenset[Stage]:
    """Every stage a notice of ``kind`` can be in."""
    table = TRANSITIONS[NoticeKind(kind)]
    return frozenset(table) | frozenset().union(*table.values())


def allowed_transitions(kind: NoticeKind | str, stage: Stage | str) -> frozenset[Stage]:
    return TRANSITIONS[NoticeKind(kind)].get(Stage(stage), frozenset())


def is_closed(kind: NoticeKind | str, stage: Stage | str) -> bool:
    return Stage(stage) in stages(kind) and not allowed_transitions(kind, stage)


@dataclass(frozen=True)
class TransitionContext:
    """What the timing rules need: the day the change happens and the dates the notice was issued with."""

    on: date
    dates: NoticeDates | None = None
    # A late appeal the court accepted (s.46(2) window passed): the reason makes it recordable.
    late_appeal_reason: str = ""


def _or(items: Iterable[Stage]) -> str:
    names = sorted(f"'{s.label}'" for s in items)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def check_transition(
    kind: NoticeKind | str,
    from_stage: Stage | str,
    to_stage: Stage | str,
    context: TransitionContext | None = None,
) -> None:
    """Raise ``TransitionRefused`` saying why and what is needed first, unless the move is allowed now."""
    kind, frm, to = NoticeKind(kind), Stage(from_stage), Stage(to_stage)
    noun, a_noun, valid = NOUN[kind], a(kind, capital=True), stages(kind)
    if frm not in valid:
        raise TransitionRefused(f"'{frm.label}' is not a stage of {a(kind)}; the record needs correcting.")
    if to not in valid:
        nxt = allowed_transitions(kind, frm)
        where = (
            f"from '{frm.label}' it can move to {_or(nxt)}" if nxt else f"it is {frm.label}, which closes it"
        )
        raise TransitionRefused(f"{a_noun} is never '{to.label}'; {where}.")
    if to not in allowed_transitions(kind, frm):
        if frm == to:
            raise TransitionRefused(f"This {noun} is already '{frm.label}'.")
        if is_closed(kind, frm):
            raise TransitionRefused(
                f"This {noun} is {frm.label}, which closes it; nothing more can be recorded on it. "
                "If the behaviour continues, start a new notice."
            )
        before = [s for s, nxt in TRANSITIONS[kind].items() if to in nxt]
        if not before:  # only 'draft' has no way in: a record never goes back to being a draft
            raise TransitionRefused(
                f"{a_noun} that is {frm.label} cannot go back to "
                "draft; withdraw it and start a new one if needed."
            )
        hint = _HINTS.get((kind, frm)) or _HINTS.get((None, frm))
        hint = hint or f"from '{frm.label}' it can move to {_or(allowed_transitions(kind, frm))}"
        raise TransitionRefused(f"{a_noun} can only move to '{to.label}' once it is {_or(before)}; {hint}.")
    if context is not None:
        _check_timing(kind, frm, to, context)


def _check_timing(kind: NoticeKind, frm: Stage, to: Stage, ctx: TransitionContext) -> None:
    d, on = ctx.dates, ctx.on
    if d is None:
        return
    if frm is not S.DRAFT and on < d.issued_on:
        raise TransitionRefused(
            f"{on:%d/%m/%Y} is before the {NOUN[kind]} was issued ({d.issued_on:%d/%m/%Y}); check the date."
        )
    if kind is K.CPW and to is S.BREACHED and d.comply_by and on <= d.comply_by:
        raise TransitionRefused(
            f"The warning allows until {d.comply_by:%d/%m/%Y} to deal with the matter (s.43(5)(b)); "
            "a breach can be recorded from the day after."
        )
    if to is S.LAPSED and d.lapses_on and on < d.lapses_on:
        raise TransitionRefused(
            f"The warning does not lapse until {d.lapses_on:%d/%m/%Y}; withdraw it instead."
        )
    if kind is K.CPN and frm is S.ISSUED and to is S.ACTIVE and d.appeal_by and on <= d.appeal_by:
        raise TransitionRefused(
            f"The recipient can appeal until {d.appeal_by:%d/%m/%Y} (21 days beginning with "
            "the day of issue, s.46(2)); mark the CPN active after that, or record the appeal."
        )
    if to is S.APPEAL_LODGED and d.appeal_by and on > d.appeal_by and not ctx.late_appeal_reason.strip():
        raise TransitionRefused(
            f"The last day to appeal was {d.appeal_by:%d/%m/%Y} (s.46(2)). Record "
            "a late appeal only if the court accepted it, and give the reason."
        )
    if to is S.EXPIRED and d.expires_on and on < d.expires_on:
        raise TransitionRefused(
            f"The {NOUN[kind]} runs until {d.expires_on:%d/%m/%Y}; to end it earlier, withdraw it."
        )
    if kind is K.FPN and to is S.UNPAID and d.pay_by and on <= d.pay_by:
        raise TransitionRefused(
            f"The fixed penalty can be paid until {d.pay_by:%d/%m/%Y} (s.52(5)); wait until then."
        )
    if kind is K.FPN and to is S.PROSECUTION and d.earliest_prosecution_on and on < d.earliest_prosecution_on:
        raise TransitionRefused(
            f"No proceedings may be taken before {d.earliest_prosecution_on:%d/%m/%Y}: "
            "the 14 days following the notice must end first (s.52(5)(a))."
        )


# --- counts for reports ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class NoticeRecord:
    kind: NoticeKind
    issued_on: date | None
    stage: Stage
    parent_kind: NoticeKind | None = None


@dataclass(frozen=True)
class NoticeCounts:
    start: date
    end: date
    by_kind: Mapping[NoticeKind, int] = field(default_factory=dict)
    by_stage: Mapping[tuple[NoticeKind, Stage], int] = field(default_factory=dict)
    by_parent: Mapping[tuple[NoticeKind, NoticeKind | None], int] = field(default_factory=dict)

    def issued(self, kind: NoticeKind) -> int:
        return self.by_kind.get(kind, 0)

    def at_stage(self, kind: NoticeKind, stage: Stage) -> int:
        return self.by_stage.get((kind, stage), 0)

    def following(self, kind: NoticeKind, parent: NoticeKind | None) -> int:
        return self.by_parent.get((kind, parent), 0)


def count_notices(records: Iterable[NoticeRecord], start: date, end: date) -> NoticeCounts:
    """Notices issued from ``start`` to ``end`` inclusive, by kind, by current stage and by what they
    followed. Drafts (no issue date) are not counted: nothing was issued."""
    kinds: Counter[NoticeKind] = Counter()
    by_stage: Counter[tuple[NoticeKind, Stage]] = Counter()
    by_parent: Counter[tuple[NoticeKind, NoticeKind | None]] = Counter()
    for r in records:
        if r.issued_on is None or not start <= r.issued_on <= end:
            continue
        kind, stage = NoticeKind(r.kind), Stage(r.stage)
        kinds[kind] += 1
        by_stage[kind, stage] += 1
        by_parent[kind, NoticeKind(r.parent_kind) if r.parent_kind else None] += 1
    return NoticeCounts(start, end, dict(kinds), dict(by_stage), dict(by_parent))


def action_taken_lines(counts: NoticeCounts) -> list[str]:
    """The partnership plan's "Action Taken" wording (seed plan, 2022/23)."""
    return [
        f"Issued {counts.issued(K.CPW)}x Community Protection "
        "Notice Warnings (CPNWs) to individuals committing ASB.",
        f"Issued {counts.following(K.CPN, K.CPW)}x Community Protection Notices (CPNs) for breaches of "
        f"the above CPNWs and {counts.following(K.FPN, K.CPN)}x Fixed Penalty Notices for breach of CPN.",
    ]
