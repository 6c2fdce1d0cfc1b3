"""Where an imported notice is now: the status an old register gives it, read on the enforcement ladder.

An old CPW/CPN log says "served", "complied", "expired", "breached", "withdrawn"... Each word the officer maps
is one of ``NOTICE_STATUSES``; ``imported_stage`` turns it into the stage that notice kind has (a CPW that
"expired" has *lapsed*, a CPN *expired*, an ABC *ended*), refusing a status the kind never reaches. A warning
still live in the file but past the council's lapse period (``cpw_lapse_months``, DOMAIN.md section 3: "a
CPW is often treated as lapsed after 6 months") is imported as lapsed and flagged — never shown as live, and
never changed silently.
"""

from __future__ import annotations

from datetime import date

from cspdesk.core.domain.deadlines import NoticeDates
from cspdesk.core.domain.enforcement import TRANSITIONS, Stage
from cspdesk.core.domain.vocab import NoticeKind

S = Stage
# The words a notice's status column is mapped to (value, label), in ladder order.
NOTICE_STATUSES: tuple[tuple[str, str], ...] = (
    ("issued", "Served (still live)"),
    ("complied", "Complied"),
    ("breached", "Breached"),
    ("ended", "Expired / lapsed / ended"),
    ("withdrawn", "Withdrawn"),
    ("paid", "Paid (a fixed penalty)"),
    ("unpaid", "Not paid (a fixed penalty)"),
)
# What each word is for each kind: the first stage the kind can reach.
_STAGES_FOR = {
    "issued": (S.ISSUED, S.RECORDED, S.PROSECUTION),
    "complied": (S.COMPLIED,),
    "breached": (S.BREACHED,),
    "ended": (S.LAPSED, S.EXPIRED, S.ENDED),
    "withdrawn": (S.WITHDRAWN,),
    "paid": (S.PAID,),
    "unpaid": (S.UNPAID,),
}


def reachable(kind: NoticeKind, start: Stage) -> set[Stage]:
    """Every stage a notice of ``kind`` can reach from ``start`` (``start`` included)."""
    seen, todo = {start}, [start]
    while todo:
        for nxt in TRANSITIONS[kind].get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def imported_stage(
    kind: NoticeKind, issued: Stage, status: str | None, dates: NoticeDates, today: date, lapse_months: int
) -> tuple[Stage, str | None]:
    """(stage, a note for the rows to check or None). ``issued`` is the stage a new notice of the kind is
    issued at; ``status`` a ``NOTICE_STATUSES`` value or None (no status column, or blank).

    Raises ``ValueError`` (plain words, the row is refused) for a status the kind never reaches."""
    stage = issued
    if status:
        can = reachable(kind, issued)
        found = next((st for st in _STAGES_FOR[status] if st in can), None)
        if found is None:
            label = dict(NOTICE_STATUSES)[status].lower()
            raise ValueError(f'status "{label}" is not a stage a {kind.label} reaches')
        stage = found
    if kind is NoticeKind.CPN and stage is S.ISSUED and dates.appeal_by and dates.appeal_by < today:
        stage = S.ACTIVE  # the appeal window closed long ago: the notice is in force
    if (
        kind is NoticeKind.CPW
        and stage in (S.ISSUED, S.BREACHED)
        and dates.lapses_on is not None
        and dates.lapses_on <= today
    ):
        said = f"the file says {stage.label}; " if status else ""
        return S.LAPSED, (
            f"CPW served {dates.issued_on:%d/%m/%Y}: {said}imported as lapsed, as a warning is treated as "
            f"spent {lapse_months} months after it is served (Settings → Enforcement), on "
            f"{dates.lapses_on:%d/%m/%Y}"
        )
    return stage, None
