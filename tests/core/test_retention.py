"""Retention: the due rule, the settings it reads, the review queue and the keep / anonymise /
delete decisions (audited by reference, refused when the record changed meanwhile), and published
figures unchanged by anonymising."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy import func, select

from cspdesk.core.domain.retention import (
    ANONYMISED,
    RecordDates,
    RetentionDecisionKind,
    RetentionEvent,
    RetentionPolicy,
    RetentionRecord,
    is_due,
    retain_until,
)
from cspdesk.core.domain.vocab import Role
from cspdesk.core.errors import ConflictError, PermissionDenied, ValidationError
from cspdesk.core.services.context import Actor
from cspdesk.core.storage.models import (
    AsbCase,
    AuditEntry,
    CaseParty,
    ChronologyEntry,
    Incident,
    Person,
    RetentionDecision,
    SaferHomesReferral,
)

SIX_AFTER_CLOSURE = RetentionPolicy(6, RetentionEvent.CLOSURE)
ALL_ONE_YEAR = {
    "retention.case_years": 1,
    "retention.safer_homes_referral_years": 1,
    "retention.case_review_years": 1,
    "retention.forum_record_years": 1,
    "retention.enforcement_notice_years": 1,
}


# ----- the rule


def test_a_record_is_due_on_the_day_its_period_ends_not_before():
    """Catches an off-by-one in the period (a case reviewed a day early, or a year late)."""
    closed = RecordDates(closed_on=date(2020, 3, 15))
    assert retain_until(SIX_AFTER_CLOSURE, closed) == date(2026, 3, 15)
    assert not is_due(SIX_AFTER_CLOSURE, closed, date(2026, 3, 14))
    assert is_due(SIX_AFTER_CLOSURE, closed, date(2026, 3, 15))


def test_an_open_case_is_never_due_when_counting_from_closure():
    """Catches counting from another date when the chosen event has not happened."""
    open_case = RecordDates(closed_on=None, last_activity_on=date(2001, 1, 1))
    assert not is_due(SIX_AFTER_CLOSURE, open_case, date(2030, 1, 1))
    assert is_due(RetentionPolicy(6, RetentionEvent.LAST_ACTIVITY), open_case, date(2030, 1, 1))


def test_a_leap_day_closure_is_due_on_28_february():
    assert retain_until(SIX_AFTER_CLOSURE, RecordDates(closed_on=date(2020, 2, 29))) == date(2026, 2, 28)


def test_a_keep_decision_holds_the_record_until_its_date():
    """Catches a kept record coming straight back into the queue (or never coming back)."""
    closed = RecordDates(closed_on=date(2010, 1, 1))
    assert not is_due(SIX_AFTER_CLOSURE, closed, date(2026, 11, 26), kept_until=date(2027, 1, 1))
    assert is_due(SIX_AFTER_CLOSURE, closed, date(2027, 1, 1), kept_until=date(2027, 1, 1))


# ----- the settings


def test_the_counting_event_is_a_setting_checked_per_record_type(services):
    """Catches an event that cannot apply (an ASB case has no 'notice end')
    being stored and silently ignored."""
    with pytest.raises(ValidationError) as err:
        services.settings.update(services.actor, {"retention.asb_case_from": "notice_end"})
    assert "retention.asb_case_from" in err.value.fields
    services.settings.update(
        services.actor, {"retention.asb_case_from": "last_activity", "retention.case_years": 2}
    )
    policy = services.retention.policies()[RetentionRecord.ASB_CASE]
    assert policy == RetentionPolicy(2, RetentionEvent.LAST_ACTIVITY)


def test_the_case_period_in_settings_moves_the_queue(demo_services):
    """The Settings value 'Keep closed ASB cases for (years)' is what the
    queue uses (it was unused before)."""
    s = demo_services
    assert not [d for d in s.retention.due(s.actor) if d.record_type is RetentionRecord.ASB_CASE]
    s.settings.update(s.actor, {"retention.case_years": 1})
    due = [d for d in s.retention.due(s.actor) if d.record_type is RetentionRecord.ASB_CASE]
    assert due and all(d.due_on <= date(2026, 11, 26) and d.counts_from == "closure" for d in due)
    with s._uow("t") as uow:
        closed = dict(
            uow.session.execute(
                select(AsbCase.id, AsbCase.closed_on).where(AsbCase.id.in_([d.record_id for d in due]))
            ).all()
        )
    assert all(closed[d.record_id] is not None and closed[d.record_id] <= date(2025, 11, 26) for d in due)


# ----- decisions


def _one_year(s):
    s.settings.update(s.actor, ALL_ONE_YEAR)


def _due_case(s):
    """A case past retention with named people on it."""
    return next(
        d
        for d in s.retention.due(s.actor)
        if d.record_type is RetentionRecord.ASB_CASE and _names_on_case(s, d.record_id)
    )


def _names_on_case(s, case_id) -> list[str]:
    with s._uow("t") as uow:
        return list(
            uow.session.scalars(
                select(Person.surname)
                .join(CaseParty, CaseParty.person_id == Person.id)
                .where(CaseParty.case_id == case_id)
            )
        )


def test_only_an_administrator_sees_the_queue_or_decides(demo_services):
    s = demo_services
    officer = Actor(uuid.uuid4(), "some.officer", "Some Officer", Role.OFFICER)
    with pytest.raises(PermissionDenied):
        s.retention.due(officer)
    with pytest.raises(PermissionDenied):
        s.retention.decide(officer, "asb_case", uuid.uuid4(), 1, "delete")


def test_anonymising_a_case_removes_names_and_free_text_and_keeps_its_dates_and_categories(demo_services):
    """Catches a name left on the case, its parties or the person table, or a date or category lost."""
    s = demo_services
    _one_year(s)
    due = _due_case(s)
    surnames = _names_on_case(s, due.record_id)
    assert surnames
    with s._uow("t") as uow:
        before = uow.session.get(AsbCase, due.record_id)
        kept = (
            before.reported_on,
            before.closed_on,
            before.category,
            before.priority_theme,
            before.ward_id,
            before.closure_reason,
            before.status,
        )
    s.retention.decide(s.actor, due.record_type, due.record_id, due.version, "anonymise")
    with s._uow("t") as uow:
        ses = uow.session
        case = ses.get(AsbCase, due.record_id)
        assert (
            case.reported_on,
            case.closed_on,
            case.category,
            case.priority_theme,
            case.ward_id,
            case.closure_reason,
            case.status,
        ) == kept
        assert case.title == ANONYMISED and case.description is None and case.parties_summary == ""
        assert all(
            p.person_id is None and p.group_description == ANONYMISED
            for p in ses.scalars(select(CaseParty).where(CaseParty.case_id == case.id))
        )
        assert set(ses.scalars(select(Incident.description).where(Incident.case_id == case.id))) <= {
            ANONYMISED
        }
        lines = list(ses.scalars(select(ChronologyEntry.summary).where(ChronologyEntry.case_id == case.id)))
        assert not any(n in line for n in surnames for line in lines)
        audit = ses.scalars(select(AuditEntry).where(AuditEntry.action == "retention_anonymise")).one()
        assert case.reference in audit.summary and not any(n in audit.summary for n in surnames)
        assert ses.scalar(select(func.count()).select_from(RetentionDecision)) == 1
    assert due.record_id not in {d.record_id for d in s.retention.due(s.actor)}


def test_a_decision_on_a_record_someone_else_just_changed_is_refused_and_changes_nothing(demo_services):
    """Catches a stale queue deleting or anonymising a record whose newer state its reader never saw."""
    s = demo_services
    _one_year(s)
    due = _due_case(s)
    with s._uow("someone.else") as uow:  # another officer adds a note meanwhile: the version moves
        case = uow.session.get(AsbCase, due.record_id)
        case.description = "Reopened enquiry from the housing team"
        uow.commit()
    for decision in ("delete", "anonymise"):
        with pytest.raises(ConflictError) as err:
            s.retention.decide(s.actor, due.record_type, due.record_id, due.version, decision)
        assert "changed by someone else" in str(err.value) and due.reference in str(err.value)
    with s._uow("t") as uow:
        assert uow.session.get(AsbCase, due.record_id).description == "Reopened enquiry from the housing team"
        assert uow.session.scalar(select(func.count()).select_from(RetentionDecision)) == 0


def test_keep_needs_a_reason_and_a_later_date_and_holds_the_record_until_then(demo_services, clock):
    s = demo_services
    _one_year(s)
    due = _due_case(s)
    with pytest.raises(ValidationError) as err:
        s.retention.decide(
            s.actor,
            due.record_type,
            due.record_id,
            due.version,
            "keep",
            reason=" ",
            keep_until=date(2026, 11, 26),
        )
    assert set(err.value.fields) == {"reason", "keep_until"}
    s.retention.decide(
        s.actor,
        due.record_type,
        due.record_id,
        due.version,
        "keep",
        reason="Civil injunction proceedings pending",
        keep_until=date(2027, 6, 1),
    )
    assert due.record_id not in {d.record_id for d in s.retention.due(s.actor)}
    clock.set(date(2027, 6, 1))
    back = [d for d in s.retention.due(s.actor) if d.record_id == due.record_id]
    assert back and back[0].kept_until == date(2027, 6, 1)


def test_deleting_a_case_removes_everything_that_belongs_to_it(demo_services):
    """Catches parties, incidents, chronology or a person with no other case left behind by a deletion."""
    s = demo_services
    _one_year(s)
    due = _due_case(s)
    with s._uow("t") as uow:
        people = set(
            uow.session.scalars(
                select(CaseParty.person_id).where(
                    CaseParty.case_id == due.record_id, CaseParty.person_id.is_not(None)
                )
            )
        )
    s.retention.decide(s.actor, due.record_type, due.record_id, due.version, "delete")
    with s._uow("t") as uow:
        ses = uow.session
        assert ses.get(AsbCase, due.record_id) is None
        for table in (CaseParty, Incident, ChronologyEntry):
            assert (
                ses.scalar(select(func.count()).select_from(table).where(table.case_id == due.record_id)) == 0
            )
        for pid in people:
            still_on = ses.scalar(
                select(func.count()).select_from(CaseParty).where(CaseParty.person_id == pid)
            )
            assert still_on or ses.get(Person, pid) is None
        assert (
            due.reference
            in ses.scalars(select(AuditEntry.summary).where(AuditEntry.action == "retention_delete")).one()
        )
    with pytest.raises(Exception) as gone:
        s.retention.decide(s.actor, due.record_type, due.record_id, due.version, "delete")
    assert "no longer in the database" in str(gone.value)


def test_a_restricted_referral_is_in_the_queue_by_reference_only_and_is_anonymised_like_any_other(
    demo_services,
):
    """Catches a restricted client's name reaching the queue's CSV, or surviving anonymisation."""
    s = demo_services
    _one_year(s)
    due = next(d for d in s.retention.due(s.actor) if d.restricted)
    with s._uow("t") as uow:
        r = uow.session.get(SaferHomesReferral, due.record_id)
        name, street = r.client_name, r.address_line1
    text = s.retention.due_csv(s.actor)
    assert due.reference in text and name not in text and street not in text
    s.retention.decide(s.actor, due.record_type, due.record_id, due.version, "anonymise")
    with s._uow("t") as uow:
        r = uow.session.get(SaferHomesReferral, due.record_id)
        assert (r.client_name, r.address_line1, r.postcode, r.phones, r.perpetrator_name) == (
            ANONYMISED,
            None,
            None,
            None,
            None,
        )
        assert r.restricted and r.victim_category and r.referred_on


def test_published_figures_for_past_years_are_identical_after_anonymising(demo_services):
    """The report pack, the quarterly return and the Community Trigger figures of past years do not move when
    records are anonymised (dates, categories and outcomes are kept). Catches an anonymiser that clears a
    counted field (e.g. setting a case's ward or closure date, or a party's role)."""
    s = demo_services
    years = ("2022/23", "2023/24", "2024/25")

    def published():
        return (
            [s.report_pack.csv(y) for y in years]
            + [s.report_pack.quarterly_csv(s.report_pack.quarterly(y)) for y in years]
            + [repr(s.case_reviews.figures(y)) for y in years]
        )

    before = published()
    _one_year(s)
    # Every third record of each kind in the queue (all of them takes a minute): they span the
    # years. Each kind is read again after the one before (anonymising a case anonymises its
    # notices, which moves their version).
    picked = []
    for t in RetentionRecord:
        for d in s.retention.due(s.actor, t)[::3]:
            if RetentionDecisionKind.ANONYMISE in d.decisions:
                s.retention.decide(s.actor, d.record_type, d.record_id, d.version, "anonymise")
                picked.append(d)
    assert {d.record_type for d in picked} >= {
        RetentionRecord.ASB_CASE,
        RetentionRecord.SAFER_HOMES_REFERRAL,
        RetentionRecord.FORUM_RECORD,
        RetentionRecord.CASE_REVIEW,
    }
    with s._uow("t") as uow:
        assert uow.session.scalar(
            select(func.count()).select_from(AsbCase).where(AsbCase.title == ANONYMISED)
        ) == len([d for d in picked if d.record_type is RetentionRecord.ASB_CASE])
    assert published() == before


def test_a_record_not_yet_due_is_refused(demo_services):
    """Catches a decision bypassing the rule (e.g. a hand-made CLI call deleting an open case)."""
    s = demo_services
    with s._uow("t") as uow:
        case_id, version = uow.session.execute(
            select(AsbCase.id, AsbCase.version).where(AsbCase.status == "open").limit(1)
        ).one()
    with pytest.raises(ConflictError) as err:
        s.retention.decide(s.actor, "asb_case", case_id, version, "delete")
    assert "not due" in str(err.value)
    with s._uow("t") as uow:
        assert uow.session.get(AsbCase, case_id) is not None


# ----- the command line


def test_the_queue_and_a_decision_from_the_command_line(demo_db_path, monkeypatch, capsys):
    """`cspdesk retention due --format csv` lists the queue; `decide` acts on one row; a second decision on
    the same row (stale version) is a plain error with exit 2, never a traceback."""
    import csv
    import io

    from cspdesk.cli import main
    from cspdesk.core.services.registry import build_services
    from cspdesk.core.storage.database import open_database

    db = open_database(demo_db_path)
    s = build_services(db, "admin.user")
    _one_year(s)
    db.engine.dispose()
    monkeypatch.setenv("CSPDESK_USER", "admin.user")
    assert main(["retention", "due", "--db", str(demo_db_path), "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    row = next(r for r in rows if r["record_type"] == "asb_case")
    args = [
        "retention",
        "decide",
        "--db",
        str(demo_db_path),
        "--type",
        "asb_case",
        "--id",
        row["record_id"],
        "--version",
        row["version"],
    ]
    assert main([*args, "--decision", "keep", "--reason", "Appeal pending"]) == 2
    assert "error: --until: Give the date to review it again" in capsys.readouterr().err
    assert main([*args, "--decision", "anonymise"]) == 0
    capsys.readouterr()
    assert main([*args, "--decision", "delete"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and row["reference"] in err and "Traceback" not in err
    monkeypatch.setenv("CSPDESK_USER", "not.an.admin")
    assert main(["retention", "due", "--db", str(demo_db_path)]) == 2
    assert "does not allow" in capsys.readouterr().err


def test_every_kind_of_record_can_be_anonymised_or_deleted_from_the_queue(demo_services):
    """Each kind's anonymise and delete runs against the real schema (foreign keys on): catches a delete that
    leaves a row pointing at what it removed, or an anonymiser that fails on a kind the other tests skip."""
    from datetime import datetime

    from cspdesk.core.storage.models import CrimeFigure, EnforcementNotice, FigureImport, ForumIssue, Meeting

    s = demo_services
    s.settings.update(
        s.actor,
        {
            **ALL_ONE_YEAR,
            "retention.enforcement_notice_from": "last_activity",
            "retention.imported_figures_years": 1,
            "retention.audit_log_years": 1,
        },
    )
    with s._uow("t") as uow:  # an old import and an old year of audit entries
        old = FigureImport(
            source="analyst",
            filename="figures-2015.xlsx",
            sha256="0" * 64,
            imported_at=datetime(2015, 5, 1),
            imported_by="someone",
        )
        uow.session.add(old)
        uow.session.flush()
        uow.session.add(
            CrimeFigure(
                month="2015-04",
                area="South Derbyshire",
                category="Burglary",
                count=7,
                source="analyst",
                import_id=old.id,
            )
        )
        uow.session.add(
            AuditEntry(
                at=datetime(2018, 3, 1),
                username="x",
                action="view",
                entity_type="asb_case",
                summary="Opened case",
            )
        )
        uow.commit()
    due = s.retention.due(s.actor)
    by_kind = {t: [d for d in due if d.record_type is t] for t in RetentionRecord}
    assert all(by_kind[t] for t in RetentionRecord), {t: len(v) for t, v in by_kind.items()}
    with s._uow(
        "t"
    ) as uow:  # delete a case with notices and a forum issue on it: the most that hangs off one
        busy = set(uow.session.scalars(select(EnforcementNotice.case_id))) & set(
            uow.session.scalars(select(ForumIssue.case_id))
        )
    for t in RetentionRecord:
        rows = s.retention.due(s.actor, t)  # read again: a case's decision also changes its notices
        if t is RetentionRecord.ASB_CASE:
            rows.sort(key=lambda d: d.record_id not in busy)
            assert rows[0].record_id in busy
        if len(rows) > 1:
            s.retention.decide(
                s.actor, t, rows[1].record_id or rows[1].reference, rows[1].version, "anonymise"
            )
        s.retention.decide(s.actor, t, rows[0].record_id or rows[0].reference, rows[0].version, "delete")
    with s._uow("t") as uow:
        ses = uow.session
        assert ses.get(EnforcementNotice, by_kind[RetentionRecord.ENFORCEMENT_NOTICE][0].record_id) is None
        assert ses.get(Meeting, by_kind[RetentionRecord.FORUM_RECORD][0].record_id) is None
        assert (
            ses.scalar(select(func.count()).select_from(CrimeFigure).where(CrimeFigure.month == "2015-04"))
            == 0
        )
        assert (
            ses.scalar(
                select(func.count()).select_from(AuditEntry).where(AuditEntry.at < datetime(2019, 1, 1))
            )
            == 0
        )
        assert ses.scalar(select(func.count()).select_from(RetentionDecision)) >= len(RetentionRecord)
    report = s.health.check()  # PRAGMA foreign_key_check: nothing left pointing at a deleted row
    assert report.ok, report.problems


def test_what_each_kind_can_do_agrees_with_the_decisions_the_queue_offers():
    """The queue offers ``allowed_decisions``; ``KINDS`` holds the functions that carry them out. Catches a
    kind made anonymisable (or deletable) in the domain without its function in ``retention_records``, which
    ``decide`` would refuse with "cannot be anonymised" after offering it."""
    from cspdesk.core.domain.retention import allowed_decisions
    from cspdesk.core.services.data_protection.retention_records import KINDS

    assert set(KINDS) == set(RetentionRecord)
    for record, kind in KINDS.items():
        offered = allowed_decisions(record)
        assert (RetentionDecisionKind.ANONYMISE in offered) == (kind.anonymise is not None), record
        assert RetentionDecisionKind.DELETE in offered, record
        assert kind.delete is not None or kind.model is None, record  # the audit log has its own delete
