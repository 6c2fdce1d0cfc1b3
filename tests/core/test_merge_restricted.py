"""A mail merge over restricted (domestic-abuse) Safer Homes referrals treats them as the single letter does
(``letters.gather`` asks a reason): one reason covers all of them, asked before any value is read, with one
look row per record; someone who may not see them gets no letter about them, only a plain-words count; and
nothing handed back (file names, problems, audit text, PDF text for those left out) names the client.

Mutations each test was seen to fail against (then put back):
- ``run_batch`` without its ``account_for_looks`` call → ``test_a_merge_asks_one_reason...`` fails (letters
  produced with no reason asked and no look row).
- ``run_batch`` passing ``restricted=False`` to ``_make_draft`` → ``test_a_merge_asks_one_reason...`` fails
  (the referrer's name in the files' names).
- ``run_batch`` not removing the ``left_out`` records → ``test_a_merge_leaves_out...`` fails (the whole merge
  refused as "missing information", the restricted record listed).
- ``merge_questions`` calling ``letters.form`` (a look) instead of ``_form`` → ``test_the_merge_questions...``
  fails (ReasonNeeded: the boxes came back empty in the window, issue 14's leftover).
"""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from cspdesk.core.domain.protection import SAFER_HOMES_RESTRICTED
from cspdesk.core.domain.vocab import Role, VictimCategory
from cspdesk.core.errors import ValidationError
from cspdesk.core.services.letters import merge_questions, merge_restriction, run_batch
from cspdesk.core.services.letters.letter_sources import Subject
from cspdesk.core.services.restriction import ReasonNeeded
from cspdesk.core.storage.models import AuditEntry, Document
from tests.core.safer_homes_examples import DA_NAME
from tests.core.test_restricted_records import _user, looks
from tests.core.test_safer_homes_service import da_form, leaks

ACK = "safer_homes_referral_ack"
TYPED = {"referral_reason": "Domestic abuse", "officer_title": "Coordinator"}
REFERRER = "Jo Idva"  # the acknowledgement's recipient (da_form's referrer)


@pytest.fixture
def referrals(services):
    """Two restricted referrals and one that is not (a burglary victim, someone else)."""
    a = services.safer_homes.intake(services.actor, da_form()).id
    b = services.safer_homes.intake(services.actor, da_form(client_name="Rosalind Vexworthy")).id
    plain = services.safer_homes.intake(
        services.actor,
        da_form(
            victim_category=VictimCategory.BURGLARY,
            client_name="Arthur Pennyfeather",
            perpetrator_name=None,
            restricted=False,
        ),
    ).id
    services.settings.update(services.actor, {"safer_homes.reason_minutes": 0})  # no reason carried over
    return a, b, plain


def looks_by(services, rid, username: str):
    return [r for r in looks(services, rid) if r.username == username]


def _text(pdf: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


def _audit_text(services) -> str:
    with services.database.engine.connect() as c:
        return "\n".join(str(r.summary) + str(r.details) for r in c.execute(select(AuditEntry)))


def test_a_merge_asks_one_reason_then_writes_a_look_for_each_restricted_record(services, referrals):
    """Catches a merge handing a permitted officer restricted clients' letters with no reason asked and no
    look written (issue 14's leftover: the single letter asked, the merge did not), and the letters' file
    names carrying the recipient's name."""
    a, b, plain = referrals
    flagged = _user(services, "fay.flagged", Role.OFFICER, frozenset({SAFER_HOMES_RESTRICTED}))
    ids = [a, plain, b]
    shut = merge_restriction(services.letters, flagged, Subject.REFERRAL, ids)
    assert {r.id for r in shut.to_look_at} == {a, b} and not shut.left_out and shut.reason_needed
    assert "2 restricted records: you will be asked for a reason" in shut.note
    with pytest.raises(ReasonNeeded):
        run_batch(services.letters, flagged, Subject.REFERRAL, ACK, ids, combined=True, typed=TYPED)
    assert looks_by(services, a, "fay.flagged") == [] and looks_by(services, b, "fay.flagged") == []
    with services.database.engine.connect() as c:
        assert c.execute(select(Document.id)).all() == []  # refused before anything was produced

    result = run_batch(
        services.letters,
        flagged,
        Subject.REFERRAL,
        ACK,
        ids,
        combined=True,
        typed=TYPED,
        reason="Acknowledging this week's referrals",
    )
    assert result.letters == 3 and not result.skipped and not result.left_out
    for rid in (a, b):
        (row,) = looks_by(services, rid, "fay.flagged")  # one look each, under the one reason
        assert row.username == "fay.flagged" and row.details["what"] == "Mail merge"
        assert row.details["reason"] == "Acknowledging this week's referrals"
        assert DA_NAME not in row.summary
    assert looks_by(services, plain, "fay.flagged") == []  # an unrestricted record needs no reason
    assert DA_NAME in _text(result.combined or b"")  # the details really were given (so the rows matter)
    names = [name for name, _pdf in result.files]
    restricted_names = [n for n in names if "SH-2026-0001" in n or "SH-2026-0002" in n]
    assert len(restricted_names) == 2
    assert not any(REFERRER in n or leaks(n) for n in restricted_names), restricted_names
    assert not leaks(_audit_text(services)) and "Rosalind Vexworthy" not in _audit_text(services)


def test_a_merge_leaves_out_restricted_records_the_actor_may_not_see(services, referrals):
    """Catches a merge by an officer without the restricted permission giving them a restricted client's
    letter, naming the record in its problems, or refusing the whole merge because of it: the others are
    produced and the restricted ones counted in plain words, by reference only."""
    a, b, plain = referrals
    officer = _user(services, "olive.officer", Role.OFFICER)
    result = run_batch(
        services.letters, officer, Subject.REFERRAL, ACK, [a, plain, b], combined=True, typed=TYPED
    )
    assert result.letters == 1 and not result.skipped
    assert len(result.left_out) == 2
    assert result.left_out_note.startswith("2 restricted records left out: you do not have permission")
    everything = (
        _text(result.combined or b"")
        + str([n for n, _ in result.files])
        + "".join(_text(pdf) for _, pdf in result.files)
        + result.left_out_note
        + _audit_text(services)
    )
    assert "Arthur Pennyfeather" in everything  # the letter that was produced
    assert not leaks(everything) and "Rosalind Vexworthy" not in everything
    assert looks_by(services, a, "olive.officer") == [] and looks_by(services, b, "olive.officer") == []
    with services.database.engine.connect() as c:
        merge = c.execute(select(AuditEntry).where(AuditEntry.entity_type == "mail_merge")).one()
    assert "2 restricted left out" in merge.summary
    with pytest.raises(ValidationError, match="2 restricted records left out"):
        run_batch(services.letters, officer, Subject.REFERRAL, ACK, [a, b], combined=True, typed=TYPED)


def test_the_merge_questions_for_a_restricted_first_record_need_no_reason_and_give_no_value(
    services, referrals
):
    """Catches the mail merge's boxes coming back empty for a restricted first record (the window asked
    ``letters.form``, which wants a reason, and swallowed the refusal), and the questions carrying a value."""
    a, _b, plain = referrals
    flagged = _user(services, "fay.flagged", Role.OFFICER, frozenset({SAFER_HOMES_RESTRICTED}))
    questions = merge_questions(services.letters, flagged, Subject.REFERRAL, ACK, [a, plain])
    assert "referral_reason" in [q.name for q in questions]
    assert all(q.value is None for q in questions) and not leaks(str(questions))
    assert looks_by(services, a, "fay.flagged") == []  # no value left the service: no look to account for
    # Someone who may not see the first record gets the next one's questions (the merge leaves it out).
    officer = _user(services, "olive.officer", Role.OFFICER)
    assert [
        q.name for q in merge_questions(services.letters, officer, Subject.REFERRAL, ACK, [a, plain])
    ] == [q.name for q in questions]
