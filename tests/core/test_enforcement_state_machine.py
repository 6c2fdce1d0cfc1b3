"""The notice state machine, exhaustively: every (kind, from, to) over all stages, plus timing and counts."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from cspdesk.core.domain.deadlines import EnforcementRules, compute_dates
from cspdesk.core.domain.enforcement import (
    FOLLOW_ON,
    NoticeRecord,
    Stage,
    TransitionContext,
    action_taken_lines,
    allowed_transitions,
    check_transition,
    count_notices,
    is_closed,
    stages,
)
from cspdesk.core.domain.vocab import NoticeKind
from cspdesk.core.errors import TransitionRefused

D = date


def _table(text: str) -> set[tuple[str, str]]:
    """'a -> b c' lines into pairs, so the expected table reads like DOMAIN.md, not like the code."""
    pairs = set()
    for line in text.strip().splitlines():
        frm, tos = line.split("->")
        pairs |= {(frm.strip(), to) for to in tos.split()}
    return pairs


SIMPLE = _table("""
    draft -> issued withdrawn
    issued -> complied breached withdrawn ended
""")
RECORDED = _table("""
    draft -> recorded withdrawn
    recorded -> ended withdrawn
""")
EXPECTED: dict[NoticeKind, set[tuple[str, str]]] = {
    NoticeKind.WARNING_LETTER: SIMPLE,
    NoticeKind.ABC: SIMPLE,
    NoticeKind.CPW: _table("""
        draft -> issued withdrawn
        issued -> complied breached lapsed withdrawn
        breached -> escalated lapsed withdrawn
    """),
    NoticeKind.CPN: _table("""
        draft -> issued withdrawn
        issued -> appeal_lodged active withdrawn
        appeal_lodged -> quashed modified dismissed active withdrawn
        modified -> active
        dismissed -> active
        active -> breached complied expired withdrawn
        breached -> fpn_issued prosecution active withdrawn
        fpn_issued -> paid unpaid
        unpaid -> prosecution
        prosecution -> outcome
        paid -> active
        outcome -> active
    """),
    NoticeKind.FPN: _table("""
        draft -> issued withdrawn
        issued -> paid unpaid withdrawn
        unpaid -> prosecution withdrawn
        prosecution -> outcome withdrawn
    """),
    NoticeKind.PROSECUTION: _table("""
        draft -> prosecution withdrawn
        prosecution -> outcome withdrawn
    """),
    NoticeKind.CIVIL_INJUNCTION: RECORDED,
    NoticeKind.PSPO_FPN: RECORDED,
    NoticeKind.CLOSURE_NOTICE: RECORDED,
    NoticeKind.CLOSURE_ORDER: RECORDED,
    NoticeKind.DISPERSAL_DIRECTION: RECORDED,
}

ALL = [
    pytest.param(kind, frm, to, id=f"{kind.value}:{frm.value}->{to.value}")
    for kind, frm, to in itertools.product(NoticeKind, Stage, Stage)
]


def test_every_kind_has_a_table():
    assert set(EXPECTED) == set(NoticeKind)


@pytest.mark.parametrize(("kind", "frm", "to"), ALL)
def test_every_pair(kind, frm, to):
    expected = (frm.value, to.value) in EXPECTED[kind]
    assert (to in allowed_transitions(kind, frm)) is expected
    if expected:
        check_transition(kind, frm, to)  # no timing context: order only
    else:
        with pytest.raises(TransitionRefused) as err:
            check_transition(kind, frm, to)
        assert len(str(err.value)) > 20  # says why, in words


@pytest.mark.parametrize("kind", list(NoticeKind))
def test_stages_and_closing_states(kind):
    pairs = EXPECTED[kind]
    assert stages(kind) == {Stage(s) for pair in pairs for s in pair}
    closing = {Stage(to) for _, to in pairs} - {Stage(frm) for frm, _ in pairs}
    assert {s for s in stages(kind) if is_closed(kind, s)} == closing
    assert Stage.WITHDRAWN in closing


@pytest.mark.parametrize("kind", list(NoticeKind))
def test_every_stage_is_reachable_from_draft_and_can_close(kind):
    seen, todo = {Stage.DRAFT}, [Stage.DRAFT]
    while todo:
        for nxt in allowed_transitions(kind, todo.pop()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    assert seen == stages(kind)
    for stage in stages(kind):  # no dead end that is not a closing state
        assert is_closed(kind, stage) or allowed_transitions(kind, stage)


def test_stored_strings_are_accepted():
    check_transition("cpn", "active", "breached")
    assert allowed_transitions("cpw", "breached") == {Stage.ESCALATED, Stage.LAPSED, Stage.WITHDRAWN}


def test_appeal_outcomes_that_keep_the_notice_pass_through_to_active():
    assert FOLLOW_ON == {
        (NoticeKind.CPN, Stage.MODIFIED): Stage.ACTIVE,
        (NoticeKind.CPN, Stage.DISMISSED): Stage.ACTIVE,
    }
    for (kind, stage), nxt in FOLLOW_ON.items():
        assert allowed_transitions(kind, stage) == {nxt}


@pytest.mark.parametrize(
    ("kind", "frm", "to", "message"),
    [
        ("cpn", "appeal_lodged", "breached", "A CPN can only move to 'breached' once it is 'active'; record "
         "the appeal outcome first."),
        ("cpn", "issued", "breached", "A CPN can only move to 'breached' once it is 'active'; record an "
         "appeal, or mark it "
         "active once the appeal window has closed."),
        ("cpn", "draft", "active", "A CPN can only move to 'active' once it is 'appeal lodged', 'breached', "
         "'court outcome', "
         "'dismissed', 'issued', 'modified' or 'paid'; issue it first."),
        ("fpn", "issued", "prosecution", "An FPN can only move to 'prosecution' once it is 'unpaid'; record "
         "payment, or that "
         "it was not paid."),
        ("cpn", "quashed", "active", "This CPN is quashed, which closes it; nothing more can be recorded on "
         "it. If the "
         "behaviour continues, start a new notice."),
        ("cpw", "issued", "paid", "A CPW is never 'paid'; from 'issued' it can move to 'breached', "
         "'complied', 'lapsed' or "
         "'withdrawn'."),
        ("cpw", "complied", "active", "A CPW is never 'active'; it is complied, which closes it."),
        ("cpn", "active", "active", "This CPN is already 'active'."),
        ("cpw", "active", "breached", "'active' is not a stage of a CPW; the record needs correcting."),
        ("abc", "draft", "complied", "An ABC can only move to 'complied' once it is 'issued'; issue it "
         "first."),
        ("cpn", "active", "draft", "A CPN that is active cannot go back to draft; withdraw it and start a "
         "new one if "
         "needed."),
        ("closure_notice", "draft", "ended", "A closure notice can only move to 'ended' once it is "
         "'recorded'; issue it first."),
    ],
)  # fmt: skip
def test_refusal_says_why_and_what_first(kind, frm, to, message):
    with pytest.raises(TransitionRefused) as err:
        check_transition(kind, frm, to)
    assert str(err.value) == message


# --- timing: the same pair allowed or refused by the dates ------------------------------------------------

CPW = compute_dates("cpw", D(2024, 3, 1))  # comply by 15 Mar, lapses 1 Sep
CPN = compute_dates(
    "cpn", D(2024, 3, 1), EnforcementRules(cpn_expiry_months=12)
)  # appeal by 21 Mar, ends 2025-03-01
FPN = compute_dates("fpn", D(2024, 3, 1))  # pay by 15 Mar, prosecute from 16 Mar


@pytest.mark.parametrize(
    ("kind", "frm", "to", "dates", "on", "late", "refusal"),
    [
        ("cpw", "issued", "breached", CPW, D(2024, 3, 15), "", "allows until 15/03/2024"),
        ("cpw", "issued", "breached", CPW, D(2024, 3, 16), "", None),
        ("cpw", "issued", "complied", CPW, D(2024, 3, 2), "", None),
        ("cpw", "issued", "lapsed", CPW, D(2024, 8, 31), "", "does not lapse until 01/09/2024"),
        ("cpw", "issued", "lapsed", CPW, D(2024, 9, 1), "", None),
        ("cpw", "breached", "lapsed", CPW, D(2024, 9, 1), "", None),
        ("cpw", "issued", "withdrawn", CPW, D(2024, 2, 29), "", "before the CPW was issued"),
        ("cpn", "issued", "active", CPN, D(2024, 3, 21), "", "can appeal until 21/03/2024"),
        ("cpn", "issued", "active", CPN, D(2024, 3, 22), "", None),
        ("cpn", "issued", "appeal_lodged", CPN, D(2024, 3, 21), "", None),  # last day of the 21
        ("cpn", "issued", "appeal_lodged", CPN, D(2024, 3, 22), "", "last day to appeal was 21/03/2024"),
        ("cpn", "issued", "appeal_lodged", CPN, D(2024, 3, 22), "   ", "last day to appeal was 21/03/2024"),
        (
            "cpn",
            "issued",
            "appeal_lodged",
            CPN,
            D(2024, 3, 22),
            "Court extended time: notice served late",
            None,
        ),
        ("cpn", "active", "expired", CPN, D(2025, 2, 28), "", "runs until 01/03/2025"),
        ("cpn", "active", "expired", CPN, D(2025, 3, 1), "", None),
        (
            "cpn",
            "active",
            "expired",
            compute_dates("cpn", D(2024, 3, 1)),
            D(2024, 4, 1),
            "",
            None,
        ),  # no expiry set
        ("cpn", "draft", "issued", CPN, D(2024, 3, 1), "", None),
        ("cpn", "active", "breached", CPN, D(2024, 2, 1), "", "before the CPN was issued"),
        ("fpn", "issued", "paid", FPN, D(2024, 3, 15), "", None),
        ("fpn", "issued", "unpaid", FPN, D(2024, 3, 15), "", "can be paid until 15/03/2024"),
        ("fpn", "issued", "unpaid", FPN, D(2024, 3, 16), "", None),
        (
            "fpn",
            "unpaid",
            "prosecution",
            FPN,
            D(2024, 3, 15),
            "",
            "No proceedings may be taken before 16/03/2024",
        ),
        ("fpn", "unpaid", "prosecution", FPN, D(2024, 3, 16), "", None),
        ("fpn", "issued", "paid", FPN, D(2024, 2, 29), "", "before the FPN was issued"),
        ("abc", "issued", "ended", compute_dates("abc", D(2024, 1, 31)), D(2024, 3, 1), "", None),
    ],
)
def test_timing(kind, frm, to, dates, on, late, refusal):
    ctx = TransitionContext(on=on, dates=dates, late_appeal_reason=late)
    if refusal is None:
        check_transition(kind, frm, to, ctx)
    else:
        with pytest.raises(TransitionRefused, match=refusal):
            check_transition(kind, frm, to, ctx)


def test_order_is_checked_before_timing():
    ctx = TransitionContext(on=D(2024, 3, 30), dates=CPN)
    with pytest.raises(TransitionRefused, match="record the appeal outcome first"):
        check_transition("cpn", "appeal_lodged", "breached", ctx)


# --- counts ----------------------------------------------------------------------------------------------


def _seed_year() -> list[NoticeRecord]:
    """2022/23 as the plan prints it: 56 CPNWs, 11 CPNs for breach of CPNW, 5 FPNs for breach of CPN."""
    K, S = NoticeKind, Stage
    recs = [
        NoticeRecord(K.CPW, D(2022, 4, 1 + i % 28), S.COMPLIED if i < 40 else S.ESCALATED) for i in range(56)
    ]
    recs += [NoticeRecord(K.CPN, D(2022, 9, 1 + i), S.ACTIVE, K.CPW) for i in range(11)]
    recs += [NoticeRecord(K.FPN, D(2023, 1, 10 + i), S.PAID if i < 3 else S.UNPAID, K.CPN) for i in range(5)]
    # Outside the year, drafts, and a CPN with no recorded warning are not in the line.
    recs += [
        NoticeRecord(K.CPW, D(2022, 3, 31), S.ISSUED),
        NoticeRecord(K.CPW, D(2023, 4, 1), S.ISSUED),
        NoticeRecord(K.CPW, None, S.DRAFT),
        NoticeRecord(K.CPN, D(2022, 10, 1), S.ACTIVE, None),
        NoticeRecord("fpn", D(2023, 3, 31), "withdrawn", "cpn"),  # stored strings
    ]
    return recs


def test_counts_for_the_plan_year():
    counts = count_notices(_seed_year(), D(2022, 4, 1), D(2023, 3, 31))
    assert counts.issued(NoticeKind.CPW) == 56
    assert counts.issued(NoticeKind.CPN) == 12
    assert counts.following(NoticeKind.CPN, NoticeKind.CPW) == 11
    assert counts.following(NoticeKind.CPN, None) == 1
    assert counts.following(NoticeKind.FPN, NoticeKind.CPN) == 6
    assert counts.at_stage(NoticeKind.CPW, Stage.COMPLIED) == 40
    assert counts.at_stage(NoticeKind.CPW, Stage.ESCALATED) == 16
    assert counts.at_stage(NoticeKind.FPN, Stage.PAID) == 3
    assert counts.at_stage(NoticeKind.FPN, Stage.UNPAID) == 2
    assert counts.at_stage(NoticeKind.FPN, Stage.WITHDRAWN) == 1
    assert counts.issued(NoticeKind.ABC) == 0


def test_action_taken_wording():
    records = [r for r in _seed_year() if r.stage != "withdrawn"]
    counts = count_notices(records, D(2022, 4, 1), D(2023, 3, 31))
    assert action_taken_lines(counts) == [
        "Issued 56x Community Protection Notice Warnings (CPNWs) to individuals committing ASB.",
        "Issued 11x Community Protection Notices (CPNs) for breaches of "
        "the above CPNWs and 5x Fixed Penalty Notices for breach of CPN.",
    ]


def test_period_is_inclusive_at_both_ends():
    recs = [
        NoticeRecord(NoticeKind.ABC, D(2024, 1, 1), Stage.ISSUED),
        NoticeRecord(NoticeKind.ABC, D(2024, 12, 31), Stage.ENDED),
    ]
    assert count_notices(recs, D(2024, 1, 1), D(2024, 12, 31)).issued(NoticeKind.ABC) == 2
    assert count_notices(recs, D(2024, 1, 2), D(2024, 12, 30)).issued(NoticeKind.ABC) == 0
