"""Working copies (issue 17): take a copy of a forum area, change both sides, bring it back.

The office is the ``demo_services`` database, so each test runs on a SQLite office and, in the PostgreSQL
pass, on a PostgreSQL office; the copy is always a SQLite file, as on the laptop.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from cspdesk.core.errors import UserError, ValidationError
from cspdesk.core.services.cases.incidents import IncidentInput
from cspdesk.core.services.enforcement.enforcement_dto import RequirementInput, StepRequest
from cspdesk.core.services.forums.forums import MeetingInput
from cspdesk.core.services.registry import build_services
from cspdesk.core.storage.database import open_database
from cspdesk.core.storage.models import (
    AsbCase,
    AuditEntry,
    CaseParty,
    ChangeJournal,
    ChronologyEntry,
    Document,
    DocumentBlob,
    EnforcementNotice,
    Incident,
    Meeting,
    Person,
    SaferHomesReferral,
    Ward,
)
from tests.core.case_helpers import form


def _busiest_ward(services) -> tuple[str, list]:
    with Session(services.database.engine) as s:
        ward_id, _n = s.execute(
            select(AsbCase.ward_id, func.count())
            .where(AsbCase.status == "open", AsbCase.ward_id.is_not(None))
            .group_by(AsbCase.ward_id)
            .order_by(func.count().desc())
            .limit(1)
        ).one()
        name = s.get(Ward, ward_id).name
        cases = s.scalars(
            select(AsbCase)
            .where(AsbCase.ward_id == ward_id, AsbCase.status == "open")
            .order_by(AsbCase.reference)
        ).all()
        return name, cases


def _person_party(services, case_id):
    with Session(services.database.engine) as s:
        return s.scalars(
            select(CaseParty)
            .where(
                CaseParty.case_id == case_id, CaseParty.person_id.is_not(None), CaseParty.removed_on.is_(None)
            )
            .order_by(CaseParty.created_at)
        ).first()


@pytest.fixture
def taken(demo_services, tmp_path, clock):
    """(office services, copy services, ward name, the ward's open cases): a copy of the busiest ward."""
    office = demo_services
    ward, cases = _busiest_ward(office)
    path = tmp_path / "forum-laptop.sqlite"
    office.working_copies.take(office.actor, path, wards=[ward])
    copy_db = open_database(path)
    copy = build_services(copy_db, "admin.user", clock=clock)
    yield office, copy, ward, cases, path
    copy_db.engine.dispose()


def test_a_copy_holds_the_wards_open_cases_and_says_what_it_is(taken):
    office, copy, ward, cases, path = taken
    info = copy.working_copies.this_copy()
    assert info is not None and info.wards == (ward,) and info.taken_by == "admin.user"
    assert info.office_label == office.database.label
    assert office.working_copies.this_copy() is None
    with Session(copy.database.engine) as s:
        refs = set(s.scalars(select(AsbCase.reference)))
        assert refs == {c.reference for c in cases}
        assert s.scalar(select(func.count()).select_from(ChangeJournal)) == 0  # taking is not a change
        assert s.execute(text("PRAGMA foreign_key_check")).all() == []  # every reference in the copy holds
        incidents = s.scalar(select(func.count()).select_from(Incident))
        # the search index holds every case (built once after the rows, on a server office)
        s.execute(text("INSERT INTO case_fts(case_fts, rank) VALUES ('integrity-check', 1)"))
        rowid, words = s.execute(
            text("SELECT rowid, search_text FROM asb_case WHERE reference = :r"), {"r": cases[0].reference}
        ).one()
        word = next(w for w in words.split() if w.isalpha() and len(w) > 3)
        found = s.execute(text("SELECT rowid FROM case_fts WHERE case_fts MATCH :w"), {"w": f'"{word}"'})
        assert rowid in {r for (r,) in found}
    with Session(office.database.engine) as s:
        assert incidents == s.scalar(
            select(func.count()).select_from(Incident).where(Incident.case_id.in_([c.id for c in cases]))
        )
    [row] = office.working_copies.copies()
    assert (
        row.wards == (ward,) and row.cases == len(cases) and row.brought_back_at is None and not row.overdue
    )


def test_the_round_trip_merges_fields_lists_conflicts_and_keeps_references_unique(taken, clock):
    office, copy, ward, cases, path = taken
    a, b, c = cases[0], cases[1], cases[2]
    # --- the office, the same evening
    office.case_edit.save(office.actor, a.id, a.version, {"title": a.title}, {"title": "Office title"})
    party_b = _person_party(office, b.id)
    detail = office.party_edit.detail(b.id, party_b.id)
    office.party_edit.edit(
        office.actor,
        b.id,
        party_b.id,
        detail.versions,
        detail.value,
        replace(detail.value, phone="01283 000111"),
    )
    office_case = office.intake.open_case(office.actor, form(title="Opened in the office meanwhile"))
    # --- the laptop at the forum
    clock.advance(hours=9)
    ca = copy.case_edit.detail(a.id)
    copy.case_edit.save(
        copy.actor,
        a.id,
        ca.version,
        {"title": ca.title, "description": ca.description},
        {"title": "Forum title", "description": "Raised again at the forum"},
    )
    copy.parties.remove_party(copy.actor, b.id, party_b.id, "Moved away")
    copy.incidents.add_incident(
        copy.actor,
        c.id,
        IncidentInput(
            occurred_at=datetime(2026, 11, 26, 18, 30),
            reported_on=date(2026, 11, 26),
            description="Raised at the forum: bikes on the green",
            reporter_name="Parish councillor",
        ),
    )
    with Session(copy.database.engine) as s:
        ward_id = s.scalar(select(Ward.id).where(Ward.name == ward))
    meeting_id, _ = copy.forums.record_forum(
        copy.actor, MeetingInput(title=f"{ward} Area Forum", held_on=date(2026, 11, 26), ward_id=ward_id)
    )
    copy_case = copy.intake.open_case(copy.actor, form(title="Opened at the forum"))
    with Session(copy.database.engine) as s:
        provisional = s.get(AsbCase, copy_case.id).reference
    assert provisional.startswith("WC")

    result = office.working_copies.bring_back(office.actor, path)

    with Session(office.database.engine) as s:
        case_a = s.get(AsbCase, a.id)
        assert case_a.title == "Office title"  # same field on both sides: the office value stays ...
        assert case_a.description == "Raised again at the forum"  # ... a different field merges
        assert (
            s.get(CaseParty, party_b.id).removed_on is None
        )  # taken off in the copy, corrected in the office
        assert s.get(Person, party_b.person_id).phone == "01283 000111"
        assert (
            s.scalar(
                select(func.count())
                .select_from(Incident)
                .where(Incident.case_id == c.id, Incident.description.like("Raised at the forum%"))
            )
            == 1
        )
        assert s.get(Meeting, meeting_id) is not None  # the forum recorded offline
        new_case = s.get(AsbCase, copy_case.id)  # the copy's new case keeps its id ...
        assert new_case is not None and new_case.title == "Opened at the forum"
        refs = s.scalars(select(AsbCase.reference)).all()
        assert len(refs) == len(set(refs))  # ... and is given an office reference that clashes with none
        assert not new_case.reference.startswith("WC")
        assert new_case.reference != s.get(AsbCase, office_case.id).reference
        assert dict(result.renumbered) == {provisional: new_case.reference}
        authors = {(e.username, e.action) for e in s.scalars(select(AuditEntry))}
        # audit rows from both sides, the copy's with their own time (the forum evening)
        forum_audit = s.scalar(select(AuditEntry).where(AuditEntry.entity_id == meeting_id))
        assert forum_audit is not None and forum_audit.at.hour == 19
        # ... chained on at the office's end: the tamper-evident log still verifies (caught when
        # written: the copy's rows were inserted with the copy's own sequence numbers and
        # hashes, breaking the office's chain)
        from cspdesk.core.storage.audit_chain import verify

        assert verify(s).ok, verify(s).problem
        assert ("admin.user", "bring_back") in authors
        summaries = s.scalars(select(AuditEntry.summary).where(AuditEntry.entity_id == copy_case.id)).all()
        assert any(new_case.reference in t for t in summaries) and not any(
            provisional in t for t in summaries
        )
    kinds = {(k.record, k.field, k.kind) for k in office.working_copies.conflicts()}
    assert (f"Case {a.reference}: Office title", "Title", "Changed on both sides") in kinds
    assert any(k[2].startswith("Closed or taken off in the copy") for k in kinds)
    assert result.conflicts == len(kinds) == 2
    [row] = office.working_copies.copies()
    assert row.brought_back_at is not None


def test_bringing_the_same_copy_back_twice_changes_nothing(taken, clock):
    office, copy, ward, cases, path = taken
    ca = copy.case_edit.detail(cases[0].id)
    copy.case_edit.save(copy.actor, cases[0].id, ca.version, {"title": ca.title}, {"title": "From the forum"})
    copy.intake.open_case(copy.actor, form(title="Opened at the forum"))
    first = office.working_copies.bring_back(office.actor, path)
    assert first.applied > 0 and first.inserted > 0
    snapshot = _everything(office)
    second = office.working_copies.bring_back(office.actor, path)
    assert second.applied == 0 and second.already_brought_back == first.applied
    assert _everything(office) == snapshot


def _everything(services) -> dict:
    with Session(services.database.engine) as s:
        return {
            "cases": sorted((str(c.id), c.reference, c.title, c.version) for c in s.scalars(select(AsbCase))),
            "audit": s.scalar(select(func.count()).select_from(AuditEntry)),
            "incidents": s.scalar(select(func.count()).select_from(Incident)),
        }


def test_a_bring_back_killed_midway_leaves_the_office_as_it_was_and_can_be_rerun(taken, monkeypatch):
    """Catches a bring-back that commits as it goes (or in parts): an error after some changes were applied
    must leave no trace of them. Checked against committing after the inserts (the test fails)."""
    office, copy, ward, cases, path = taken
    for case in cases[:3]:
        d = copy.case_edit.detail(case.id)
        copy.case_edit.save(
            copy.actor, case.id, d.version, {"title": d.title}, {"title": f"Forum {d.reference}"}
        )
    copy.intake.open_case(copy.actor, form(title="Opened at the forum"))
    before = _everything(office)
    from cspdesk.core.sync import bring_back as bb

    real = bb._apply_update
    calls = {"n": 0}

    def dies_on_the_second(*args, **kw):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError("network dropped")
        return real(*args, **kw)

    monkeypatch.setattr(bb, "_apply_update", dies_on_the_second)
    with pytest.raises(OSError):
        office.working_copies.bring_back(office.actor, path)
    assert calls["n"] == 2
    assert _everything(office) == before
    assert office.working_copies.copies()[0].brought_back_at is None
    monkeypatch.setattr(bb, "_apply_update", real)
    result = office.working_copies.bring_back(office.actor, path)
    assert result.updated_fields >= 3 and result.inserted > 0
    with Session(office.database.engine) as s:
        assert s.get(AsbCase, cases[0].id).title == f"Forum {cases[0].reference}"


def test_a_revoked_copy_is_refused(taken):
    office, copy, ward, cases, path = taken
    d = copy.case_edit.detail(cases[0].id)
    copy.case_edit.save(
        copy.actor, cases[0].id, d.version, {"title": d.title}, {"title": "From a lost laptop"}
    )
    [row] = office.working_copies.copies()
    office.working_copies.revoke(office.actor, row.copy_id, "Laptop lost on the train")
    with pytest.raises(UserError, match="revoked"):
        office.working_copies.bring_back(office.actor, path)
    with Session(office.database.engine) as s:
        assert s.get(AsbCase, cases[0].id).title == cases[0].title


def test_deciding_a_conflict_takes_the_copys_value_or_keeps_the_office(taken):
    office, copy, ward, cases, path = taken
    a, b = cases[0], cases[1]
    for case, office_title, copy_title in ((a, "Office A", "Copy A"), (b, "Office B", "Copy B")):
        office.case_edit.save(
            office.actor, case.id, case.version, {"title": case.title}, {"title": office_title}
        )
        d = copy.case_edit.detail(case.id)
        copy.case_edit.save(copy.actor, case.id, d.version, {"title": d.title}, {"title": copy_title})
    office.working_copies.bring_back(office.actor, path)
    conflicts = {c.office: c for c in office.working_copies.conflicts()}
    assert set(conflicts) == {"Office A", "Office B"} and conflicts["Office A"].copy == "Copy A"
    office.working_copies.decide(office.actor, conflicts["Office A"].conflict_id, "copy")
    office.working_copies.decide(office.actor, conflicts["Office B"].conflict_id, "office")
    with Session(office.database.engine) as s:
        assert s.get(AsbCase, a.id).title == "Copy A"
        assert s.get(AsbCase, b.id).title == "Office B"
    assert office.working_copies.conflicts() == []
    assert len(office.working_copies.conflicts(include_decided=True)) == 2


def test_restricted_referrals_travel_only_with_an_officer_who_may_see_them(demo_services, tmp_path):
    """Catches a copy that carries domestic-abuse referrals — or their letters and the chronology
    lines naming those letters — to a laptop whose officer may not see them. Checked against taking
    every referral regardless of the permission, and against keeping the letters of referrals left
    out (the test fails each time)."""
    office = demo_services
    with Session(office.database.engine) as s:
        restricted = s.scalars(
            select(SaferHomesReferral).where(
                SaferHomesReferral.restricted.is_(True), SaferHomesReferral.ward_id.is_not(None)
            )
        ).first()
        assert restricted is not None, "the demo data has restricted referrals with a ward"
        ward = s.get(Ward, restricted.ward_id).name
    # a letter about the referral, filed on a case in the same ward, with its chronology line
    with Session(office.database.engine) as s:
        case = s.scalars(select(AsbCase).where(AsbCase.ward_id == restricted.ward_id)).first()
        s.add(DocumentBlob(sha256="ab" * 32, size=3, data=b"pdf"))
        s.flush()
        letter = Document(
            kind="letter",
            case_id=case.id,
            referral_id=restricted.id,
            title="Letter to the client",
            filename="client.pdf",
            mime_type="application/pdf",
            sha256="ab" * 32,
            size=3,
            made_by="admin.user",
        )
        s.add(letter)
        s.flush()
        line = ChronologyEntry(
            case_id=case.id,
            occurred_at=datetime(2026, 11, 20, 9),
            kind="letter",
            summary="Letter to the client at her new address",
            author="admin.user",
            related_type="document",
            related_id=letter.id,
        )
        s.add(line)
        s.commit()
        letter_id, line_id = letter.id, line.id
    officer, _ = office.users.sign_in("plain.officer")
    office.users.update_user(office.actor, officer.user_id, role=officer.role.__class__("officer"))
    officer, _ = office.users.sign_in("plain.officer")
    office.working_copies.take(officer, tmp_path / "plain.sqlite", wards=[ward], cases="all")
    office.working_copies.take(office.actor, tmp_path / "admin.sqlite", wards=[ward], cases="all")
    for name, expected in (("plain.sqlite", False), ("admin.sqlite", True)):
        db = open_database(tmp_path / name)
        with Session(db.engine) as s:
            assert (s.get(SaferHomesReferral, restricted.id) is not None) is expected, name
            assert (s.get(Document, letter_id) is not None) is expected, name
            assert (s.get(ChronologyEntry, line_id) is not None) is expected, name
        db.engine.dispose()


def test_a_copy_is_not_written_over_an_existing_file_or_into_a_missing_folder(demo_services, tmp_path):
    office = demo_services
    ward, _cases = _busiest_ward(office)
    existing = tmp_path / "there.sqlite"
    existing.write_bytes(b"keep me")
    with pytest.raises(ValidationError) as e:
        office.working_copies.take(office.actor, existing, wards=[ward])
    assert "already exists" in e.value.fields["target"] and existing.read_bytes() == b"keep me"
    with pytest.raises(ValidationError):
        office.working_copies.take(office.actor, tmp_path / "no-such-folder" / "copy.sqlite", wards=[ward])
    assert not (tmp_path / "no-such-folder").exists()
    with pytest.raises(ValidationError, match="Atlantis"):
        office.working_copies.take(office.actor, tmp_path / "x.sqlite", wards=["Atlantis"])
    assert not (tmp_path / "x.sqlite").exists()
    assert office.working_copies.copies() == []


def _warning(services, case_id, party_id):
    return services.enforcement.start_step(
        services.actor,
        StepRequest(
            case_id=case_id,
            party_id=party_id,
            kind="warning_letter",
            issued_on=date(2026, 11, 26),
            conduct="Loud music late at night",
            detrimental_effect="Neighbours cannot sleep",
            requirements=(RequirementInput("stop", "Stop playing amplified music after 11pm"),),
            served_on=date(2026, 11, 26),
            service_method="Hand delivered",
        ),
    )


def _perpetrators(services, cases=None):
    with Session(services.database.engine) as s:
        in_cases = CaseParty.case_id.in_([c.id for c in cases]) if cases else CaseParty.case_id.is_not(None)
        return [
            (p.case_id, p.id)
            for p in s.scalars(
                select(CaseParty)
                .join(Person, Person.id == CaseParty.person_id)
                .where(
                    in_cases,
                    CaseParty.role == "perpetrator",
                    CaseParty.removed_on.is_(None),
                    Person.date_of_birth < date(2000, 1, 1),
                )
                .order_by(CaseParty.created_at)
            )
        ]


def test_notices_made_in_a_copy_and_in_the_office_meanwhile_never_share_a_reference(taken):
    office, copy, ward, cases, path = taken
    [in_ward, *_] = _perpetrators(office, cases)
    elsewhere = next(t for t in _perpetrators(office) if t != in_ward)
    in_copy = _warning(copy, *in_ward)
    in_office = _warning(office, *elsewhere)
    with Session(copy.database.engine) as s:
        provisional = s.get(EnforcementNotice, in_copy.notice_id).reference
    with Session(office.database.engine) as s:
        office_ref = s.get(EnforcementNotice, in_office.notice_id).reference
    assert provisional.startswith("WC")
    result = office.working_copies.bring_back(office.actor, path)
    with Session(office.database.engine) as s:
        brought = s.get(EnforcementNotice, in_copy.notice_id)
        refs = s.scalars(select(EnforcementNotice.reference)).all()
    assert brought is not None and brought.reference != office_ref and not brought.reference.startswith("WC")
    assert brought.reference[:-4] == office_ref[:-4]  # numbered in the office's own series
    assert len(refs) == len(set(refs))
    assert dict(result.renumbered)[provisional] == brought.reference


def test_refreshing_a_copy_pulls_the_offices_changes_and_keeps_the_copys_own(taken):
    office, copy, ward, cases, path = taken
    a, b = cases[0], cases[1]
    with Session(office.database.engine) as s:
        ward_id = s.scalar(select(Ward.id).where(Ward.name == ward))
    # the office: another field of a, the same field of b, a new case in the ward
    office.case_edit.save(office.actor, a.id, a.version, {"title": a.title}, {"title": "Office title A"})
    office.case_edit.save(office.actor, b.id, b.version, {"title": b.title}, {"title": "Office title B"})
    new_case = office.intake.open_case(office.actor, form(title="Opened in the office"))
    with Session(office.database.engine) as s:
        s.get(AsbCase, new_case.id).ward_id = ward_id  # in the copy's ward
        s.commit()
    # the copy
    da = copy.case_edit.detail(a.id)
    copy.case_edit.save(
        copy.actor, a.id, da.version, {"description": da.description}, {"description": "Forum note"}
    )
    db = copy.case_edit.detail(b.id)
    copy.case_edit.save(copy.actor, b.id, db.version, {"title": db.title}, {"title": "Copy title B"})

    counts = office.working_copies.refresh(office.actor, path)

    assert counts.added >= 1 and counts.updated >= 1 and counts.removed == 0 and not counts.kept
    with Session(copy.database.engine) as s:
        assert s.get(AsbCase, new_case.id) is not None
        assert s.get(AsbCase, a.id).title == "Office title A"  # pulled in
        assert s.get(AsbCase, a.id).description == "Forum note"  # the copy's own change kept
        assert s.get(AsbCase, b.id).title == "Copy title B"  # the copy's value, still to be decided
    result = office.working_copies.bring_back(office.actor, path)
    assert result.conflicts == 1  # b's title: changed on both sides
    with Session(office.database.engine) as s:
        assert (
            s.get(AsbCase, a.id).description == "Forum note"
            and s.get(AsbCase, a.id).title == "Office title A"
        )


def test_a_conflict_on_a_restricted_referral_shows_its_values_only_to_who_may_see_them(taken, clock):
    """Catches the conflicts list showing a restricted client's details to any officer. Checked against
    listing every conflict's values unmasked (the test fails)."""
    office, copy, ward, cases, path = taken
    with Session(copy.database.engine) as s:
        ref = s.scalars(select(SaferHomesReferral).where(SaferHomesReferral.restricted.is_(True))).first()
        assert ref is not None, "the busiest ward has a restricted referral"
        ref_id = ref.id
    for db, phone in ((copy.database, "Copy safe contact"), (office.database, "Office safe contact")):
        with copy._uow("admin.user") if db is copy.database else office._uow("admin.user") as uow:
            uow.session.get(SaferHomesReferral, ref_id).safe_contact = phone
            uow.commit()
    office.working_copies.bring_back(office.actor, path)
    officer, _ = office.users.sign_in("plain.officer")
    office.users.update_user(office.actor, officer.user_id, role=officer.role.__class__("officer"))
    officer, _ = office.users.sign_in("plain.officer")
    [seen_by_admin] = [c for c in office.working_copies.conflicts(office.actor) if c.field == "Safe contact"]
    [seen_by_officer] = [c for c in office.working_copies.conflicts(officer) if c.field == "Safe contact"]
    assert seen_by_admin.copy == "Copy safe contact" and seen_by_admin.office == "Office safe contact"
    assert (
        "safe contact" not in (seen_by_officer.copy + seen_by_officer.office + seen_by_officer.base).lower()
    )
    with pytest.raises(UserError):
        office.working_copies.decide(officer, seen_by_officer.conflict_id, "copy")


def test_statements_run_through_the_session_are_journalled_and_brought_back(taken):
    """Tags replaced with a DELETE statement, chronology lines added with one INSERT for many cases (as
    a mail merge does) and the cases' activity date moved with an UPDATE statement: all reach the
    office. Catches a journal that only sees the ORM's own flushes (checked by removing the
    do_orm_execute hook: the test fails)."""
    from cspdesk.core.services.cases.case_common import record_chronology_many
    from cspdesk.core.storage.models import CasePriorityTag

    office, copy, ward, cases, path = taken
    a, b = cases[0], cases[1]
    d = copy.case_edit.detail(a.id)
    copy.case_edit.save(copy.actor, a.id, d.version, {"tags": d.tags}, {"tags": ("nuisance_vehicles",)})
    with copy._uow("forum.officer") as uow:
        record_chronology_many(
            uow.session,
            "letter",
            "forum.officer",
            [
                (a.id, "Letter sent after the forum", None, None),
                (b.id, "Letter sent after the forum", None, None),
            ],
            today=date(2026, 11, 27),
        )
        uow.commit()
    office.working_copies.bring_back(office.actor, path)
    with Session(office.database.engine) as s:
        assert set(s.scalars(select(CasePriorityTag.tag).where(CasePriorityTag.case_id == a.id))) == {
            "nuisance_vehicles"
        }
        lines = s.scalars(
            select(ChronologyEntry).where(ChronologyEntry.summary == "Letter sent after the forum")
        ).all()
        assert {line.case_id for line in lines} == {a.id, b.id} and {line.author for line in lines} == {
            "forum.officer"
        }
        assert s.get(AsbCase, b.id).last_activity_on == date(2026, 11, 27)


def test_tags_replaced_in_the_copy_keeping_one_come_back_without_a_clash(taken):
    """A case's tags are saved by removing them all and adding the chosen ones; keeping a tag the office also
    has must not make the bring-back fail on the duplicate (checked without the delete-then-insert pairing:
    the bring-back fails)."""
    from cspdesk.core.storage.models import CasePriorityTag

    office, copy, ward, cases, path = taken
    a = cases[0]
    d = copy.case_edit.detail(a.id)
    kept = tuple(d.tags)[:1]
    copy.case_edit.save(copy.actor, a.id, d.version, {"tags": d.tags}, {"tags": (*kept, "nuisance_vehicles")})
    office.working_copies.bring_back(office.actor, path)
    with Session(office.database.engine) as s:
        tags = set(s.scalars(select(CasePriorityTag.tag).where(CasePriorityTag.case_id == a.id)))
    assert tags == {*kept, "nuisance_vehicles"}


def test_refresh_removes_what_the_office_deleted_or_moved_away_and_keeps_unsent_work(taken):
    """Refresh removes from the copy the cases the office moved out of the copy's wards (with their parties
    and incidents) and the incidents it deleted, but keeps a moved case and a deleted incident the copy
    changed, and says so in plain words. Catches: refresh leaving removed rows (the bug it fixes), and refresh
    throwing away a laptop's unsent work (checked by dropping the journal test in ``_remove_gone``)."""
    office, copy, ward, cases, path = taken
    moved, moved_changed, with_incidents = cases[0], cases[1], cases[2]
    with Session(office.database.engine) as s:
        other = s.scalar(select(Ward.id).where(Ward.name != ward).order_by(Ward.name).limit(1))
        incidents = s.scalars(
            select(Incident).where(Incident.case_id == with_incidents.id).order_by(Incident.id)
        ).all()
        assert len(incidents) >= 2, "the demo case has incidents"
        gone_incident, changed_incident = incidents[0].id, incidents[1].id
        moved_parties = s.scalars(select(CaseParty.id).where(CaseParty.case_id == moved.id)).all()
    # the copy changes one moved case and one incident the office will delete
    d = copy.case_edit.detail(moved_changed.id)
    copy.case_edit.save(
        copy.actor, moved_changed.id, d.version, {"description": d.description}, {"description": "Forum note"}
    )
    with copy._uow("admin.user") as uow:
        uow.session.get(Incident, changed_incident).description = "Corrected at the forum"
        uow.commit()
    # the office moves two cases to another ward and deletes two incidents
    with Session(office.database.engine) as s:
        for case_id in (moved.id, moved_changed.id):
            s.get(AsbCase, case_id).ward_id = other
        s.execute(Incident.__table__.delete().where(Incident.id.in_([gone_incident, changed_incident])))
        s.commit()

    done = office.working_copies.refresh(office.actor, path)

    with Session(copy.database.engine) as s:
        assert s.get(AsbCase, moved.id) is None  # moved away, unchanged here: gone from the copy
        assert not s.scalars(select(CaseParty).where(CaseParty.id.in_(moved_parties))).all()
        assert s.get(Incident, gone_incident) is None  # deleted in the office
        assert s.get(AsbCase, moved_changed.id).description == "Forum note"  # unsent work kept
        assert s.get(Incident, changed_incident).description == "Corrected at the forum"
    assert done.removed >= 2 + len(moved_parties)
    kept = "\n".join(done.kept)
    assert moved_changed.reference in kept and "no longer in this copy's wards" in kept
    assert "Incident" in kept and "deleted in the office" in kept and "conflict" in kept
    assert "stay in it because the copy has changes on them" in done.summary()
    # bringing it back: the moved case takes the forum note; the deleted incident is a conflict
    result = office.working_copies.bring_back(office.actor, path)
    with Session(office.database.engine) as s:
        assert s.get(AsbCase, moved_changed.id).description == "Forum note"
    assert any("Incident" in c.record for c in office.working_copies.conflicts(office.actor))
    assert result.conflicts >= 1


def test_bring_back_after_the_office_was_restored_from_a_backup(demo_db_path, tmp_path, clock):
    """The office file put back from a backup: made before the copy was taken, the bring-back is refused in
    plain words and changes nothing; made after the take but before a first bring-back, bringing the copy back
    again applies its changes once more (the restored office lacks them). Catches: a copy accepted by an
    office with no record of it (checked by deleting the refusal, which then raised the other-database
    message) and a second bring-back skipping changes the restored office lost."""
    import shutil

    def office_services():
        db = open_database(demo_db_path)
        return db, build_services(db, "admin.user", clock=clock)

    before_take = tmp_path / "backup-before-take.sqlite"
    after_take = tmp_path / "backup-after-take.sqlite"
    shutil.copy2(demo_db_path, before_take)
    db, office = office_services()
    ward, cases = _busiest_ward(office)
    path = tmp_path / "forum.sqlite"
    office.working_copies.take(office.actor, path, wards=[ward])
    db.engine.dispose()
    shutil.copy2(demo_db_path, after_take)
    copy_db = open_database(path)
    copy = build_services(copy_db, "admin.user", clock=clock)
    d = copy.case_edit.detail(cases[0].id)
    copy.case_edit.save(copy.actor, cases[0].id, d.version, {"title": d.title}, {"title": "From the forum"})
    copy_db.engine.dispose()

    db, office = office_services()
    assert office.working_copies.bring_back(office.actor, path).applied >= 1
    db.engine.dispose()
    shutil.copy2(after_take, demo_db_path)  # restored: the copy is listed, its changes are not there
    db, office = office_services()
    with Session(db.engine) as s:
        assert s.get(AsbCase, cases[0].id).title != "From the forum"
    assert office.working_copies.bring_back(office.actor, path).applied >= 1
    with Session(db.engine) as s:
        assert s.get(AsbCase, cases[0].id).title == "From the forum"
    db.engine.dispose()

    shutil.copy2(before_take, demo_db_path)  # restored from before the copy was taken
    db, office = office_services()
    with pytest.raises(UserError, match="restored from a backup made before then"):
        office.working_copies.bring_back(office.actor, path)
    with Session(db.engine) as s:
        assert s.get(AsbCase, cases[0].id).title != "From the forum"
    db.engine.dispose()


def test_a_partner_user_cannot_take_a_working_copy(demo_services, tmp_path):
    """Partner users are read-only and see only their agency's records; a working copy holds whole wards and
    is written to, so a partner's take is refused and no file is made. (Taking a copy scoped to a partner's
    agency is not offered.) Catches: the role check in ``take`` removed (checked: the copy was written)."""
    from cspdesk.core.domain.vocab import Role
    from cspdesk.core.errors import PermissionDenied

    s = demo_services
    s.users.add_user(s.actor, "pat.partner", "Pat Partner", Role.PARTNER)
    partner = s.users.sign_in("pat.partner")[0]
    ward, _cases = _busiest_ward(s)
    target = tmp_path / "partner.sqlite"
    with pytest.raises(PermissionDenied):
        s.working_copies.take(partner, target, wards=[ward])
    assert not target.exists()
    assert s.working_copies.copies() == []


def test_a_take_that_fails_while_the_rows_are_chosen_leaves_no_file_and_no_record(
    demo_services, tmp_path, monkeypatch
):
    """On a server the rows are chosen in a thread while the new file is made: a failure there (the server
    gone, a query refused) must still reach the officer as a failed take, with the half-made file deleted
    and no copy recorded. Catches ``alongside`` dropping the thread's failure (checked by deleting its
    ``raise``: the take then went on with nothing chosen)."""
    from cspdesk.core.sync import take as taking

    def refused(*_args, **_kwargs):
        raise RuntimeError("the server refused the query")

    monkeypatch.setattr(taking, "choose_on_server", refused)
    monkeypatch.setattr(taking, "copy_from_sqlite_file", refused)
    office = demo_services
    ward, _cases = _busiest_ward(office)
    target = tmp_path / "copy.sqlite"
    with pytest.raises(RuntimeError, match="refused"):
        office.working_copies.take(office.actor, target, wards=[ward])
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("copy.sqlite")) == []
    assert office.working_copies.copies() == []


def test_alongside_returns_only_once_the_background_work_has_finished():
    """The background work uses the office's connection, which the caller closes as soon as ``alongside``
    returns: it must have finished by then. Catches a missing ``join`` (checked by removing it: the work was
    still running when ``alongside`` returned)."""
    import threading

    from cspdesk.core.sync.take import alongside

    here_done = threading.Event()
    finished: list[str] = []

    def background() -> None:
        assert here_done.wait(timeout=30)
        finished.append("background")

    def here() -> str:
        here_done.set()
        return "file"

    assert alongside(background, here) == "file"
    assert finished == ["background"]
