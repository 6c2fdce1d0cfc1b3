"""Working a case: incidents and counts, repeat victims, the Case Review prompt, risk, actions,
chronology corrections, attachments, closing and reopening."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import update

from cspdesk.core.domain.asb_case import (
    DEFAULT_RISK_QUESTIONNAIRE,
    RiskQuestionnaire,
    is_repeat_victim,
    needs_case_review_prompt,
)
from cspdesk.core.errors import TransitionRefused, ValidationError
from cspdesk.core.services.cases.actions import ActionInput
from cspdesk.core.services.cases.incidents import IncidentInput
from cspdesk.core.storage.models import AsbCase
from tests.core.case_helpers import TODAY, open_case


def _party(services, case_id, name):
    return next(p for p in services.parties.parties(case_id) if p.name == name)


def _incident(services, case_id, reporter_id, on: date, **kw):
    return services.incidents.add_incident(
        services.actor,
        case_id,
        IncidentInput(
            occurred_at=datetime.combine(on, datetime.min.time()).replace(hour=20),
            reported_on=on,
            description=kw.pop("description", "Stones thrown"),
            reporter_party_id=reporter_id,
            **kw,
        ),
    )


@pytest.fixture
def case(services):
    return open_case(services)


def test_incidents_with_reporter_agency_police_ref_and_counts(services, case):
    joan = _party(services, case.id, "Joan Platt")
    police = next(a for a, n in services.intake.options().agencies if n == "Derbyshire Constabulary")
    _incident(
        services,
        case.id,
        joan.id,
        date(2026, 11, 21),
        reporting_agency_id=police,
        police_reference="12345678",
    )
    _incident(services, case.id, joan.id, date(2026, 3, 1))  # outside the 6-month look-back
    services.incidents.add_incident(
        services.actor,
        case.id,
        IncidentInput(
            occurred_at=datetime(2026, 11, 22, 21),
            reported_on=date(2026, 11, 23),
            description="Bikes on grass",
            reporter_name="Mr Singh (neighbour)",
        ),
    )
    rows = services.incidents.incidents(case.id)
    assert rows[0].reporter == "Mr Singh (neighbour)"
    assert rows[1].agency == "Derbyshire Constabulary" and rows[1].police_reference == "12345678"
    assert services.incidents.reporter_counts(case.id) == [("Joan Platt", 1), ("Mr Singh (neighbour)", 1)]
    kinds = [c.kind for c in services.chronology.entries(case.id)]
    assert kinds.count("incident") == 3


@pytest.mark.parametrize(
    "inp, field",
    [
        (IncidentInput(reported_on=TODAY, description="x", reporter_name="A"), "occurred_at"),
        (IncidentInput(occurred_at=datetime(2026, 11, 1), description="x", reporter_name="A"), "reported_on"),
        (
            IncidentInput(occurred_at=datetime(2026, 11, 1), reported_on=TODAY, reporter_name="A"),
            "description",
        ),
        (IncidentInput(occurred_at=datetime(2026, 11, 1), reported_on=TODAY, description="x"), "reporter"),
        (
            IncidentInput(
                occurred_at=datetime(2026, 12, 1), reported_on=TODAY, description="x", reporter_name="A"
            ),
            "occurred_at",
        ),
        (
            IncidentInput(
                occurred_at=datetime(2026, 11, 20),
                reported_on=date(2026, 11, 19),
                description="x",
                reporter_name="A",
            ),
            "reported_on",
        ),
    ],
)
def test_incident_bad_input(services, case, inp, field):
    with pytest.raises(ValidationError) as e:
        services.incidents.add_incident(services.actor, case.id, inp)
    assert field in e.value.fields


def test_second_report_within_six_months_prompts_case_review_and_records_it(services, case):
    joan = _party(services, case.id, "Joan Platt")
    first = _incident(services, case.id, joan.id, date(2026, 8, 1))
    assert first.case_review_prompt is None
    second = _incident(services, case.id, joan.id, date(2026, 11, 20))
    assert second.case_review_prompt is not None and second.case_review_prompt.party_id == joan.id
    services.incidents.record_case_review_told(services.actor, case.id, joan.id, how="By phone")
    assert _party(services, case.id, "Joan Platt").case_review_told_on == TODAY
    assert services.case_edit.detail(case.id).case_review_told_on == TODAY
    assert "Joan Platt told about the ASB Case Review" in [
        c.summary for c in services.chronology.entries(case.id)
    ]
    third = _incident(services, case.id, joan.id, date(2026, 11, 24))
    assert third.case_review_prompt is None  # told already in this window


def test_no_prompt_for_a_perpetrator_or_a_report_after_six_months(services, case):
    kyle = _party(services, case.id, "Kyle Dunmore")
    _incident(services, case.id, kyle.id, date(2026, 11, 1))
    assert _incident(services, case.id, kyle.id, date(2026, 11, 2)).case_review_prompt is None
    joan = _party(services, case.id, "Joan Platt")
    _incident(services, case.id, joan.id, date(2026, 3, 1))
    assert _incident(services, case.id, joan.id, date(2026, 11, 2)).case_review_prompt is None


def test_repeat_victim_flag_follows_the_setting(services, case):
    joan = _party(services, case.id, "Joan Platt")
    for d in (date(2026, 9, 1), date(2026, 10, 1)):
        assert not _incident(services, case.id, joan.id, d).repeat_victim
    assert _incident(services, case.id, joan.id, date(2026, 11, 20)).repeat_victim
    assert services.case_edit.detail(case.id).repeat_victim
    services.settings.update(services.actor, {"cases.repeat_victim_incidents": 4})
    other = open_case(services)
    j2 = _party(services, other.id, "Joan Platt")
    for d in (date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 20)):
        _incident(services, other.id, j2.id, d)
    assert not services.case_edit.detail(other.id).repeat_victim


def test_repeat_victim_and_prompt_rules():
    assert is_repeat_victim([date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 31)], 3, 3)
    assert not is_repeat_victim([date(2026, 1, 1), date(2026, 2, 1), date(2026, 4, 2)], 3, 3)
    assert needs_case_review_prompt([date(2026, 6, 1)], date(2026, 11, 30), 6, None)
    assert not needs_case_review_prompt([date(2026, 5, 29)], date(2026, 11, 30), 6, None)
    assert not needs_case_review_prompt([date(2026, 6, 1)], date(2026, 11, 30), 6, date(2026, 10, 1))


def test_risk_assessment_scores_sets_review_and_keeps_history(services, case):
    with pytest.raises(ValidationError) as e:  # high risk needs a named single point of contact
        services.risk.assess(
            services.actor,
            case.id,
            {"violence": True, "fear": True, "vulnerable": True, "hate": True, "repeat": True},
        )
    assert "single_point_of_contact" in e.value.fields
    services.risk.assess(
        services.actor,
        case.id,
        {"violence": True, "fear": True, "vulnerable": True, "hate": True, "repeat": True},
        single_point_of_contact="Sarah Bancroft",
    )
    d = services.case_edit.detail(case.id)
    assert d.risk_level == "high" and d.next_review_on == TODAY + timedelta(days=14)
    services.risk.assess(services.actor, case.id, {"repeat": True})
    d = services.case_edit.detail(case.id)
    assert d.risk_level == "standard" and d.next_review_on is None
    history = services.risk.history(case.id)
    assert [h.level for h in history] == ["standard", "high"] and history[1].score == 20
    assert history[1].questions[0][0] == "repeat"  # the questions used are kept with the answers


def test_risk_cut_offs_and_cadence_are_settings(services, case):
    services.settings.update(services.actor, {"risk.review_days_medium": 21})
    q = RiskQuestionnaire("local-2", DEFAULT_RISK_QUESTIONNAIRE.questions, 3, 30)
    services.risk.save_questionnaire(services.actor, q)
    services.risk.assess(services.actor, case.id, {"repeat": True}, single_point_of_contact="PC Hall")
    d = services.case_edit.detail(case.id)
    assert d.risk_level == "medium" and d.next_review_on == TODAY + timedelta(days=21)
    assert services.risk.history(case.id)[0].questions  # stored with the record


def test_bad_questionnaire_is_refused(services):
    bad = DEFAULT_RISK_QUESTIONNAIRE.as_setting() | {"medium_from": 25, "high_from": 20}
    with pytest.raises(ValidationError):
        services.risk.save_questionnaire(services.actor, bad)
    with pytest.raises(ValidationError):
        services.risk.save_questionnaire(services.actor, {"questions": []})


def test_future_assessment_date_refused(services, case):
    with pytest.raises(ValidationError) as e:
        services.risk.assess(services.actor, case.id, {}, assessed_on=TODAY + timedelta(days=1))
    assert "assessed_on" in e.value.fields


def test_actions_owner_due_outcome_overdue_and_my_work(services, case):
    sddc = next(a for a, n in services.intake.options().agencies if n.startswith("South Derbyshire District"))
    with pytest.raises(ValidationError) as e:
        services.actions.add_action(services.actor, case.id, ActionInput(description=""))
    assert set(e.value.fields) == {"description", "due_on", "owner"}
    services.actions.add_action(
        services.actor,
        case.id,
        ActionInput("Visit complainant", date(2026, 11, 20), owner_user_id=services.actor.user_id),
    )
    services.actions.add_action(
        services.actor, case.id, ActionInput("Patrol the park", date(2026, 12, 20), owner_agency_id=sddc)
    )
    rows = services.actions.for_case(case.id)
    overdue = [r for r in rows if r.overdue]
    assert [r.description for r in overdue] == ["Visit complainant"]
    assert services.case_edit.detail(case.id).overdue_actions == 1
    assert services.dashboard.summary().overdue_actions == 1
    assert [r.description for r in services.actions.my_work(services.actor, overdue_only=True)] == [
        "Visit complainant"
    ]
    assert len(services.actions.my_work(services.actor)) == 2  # the case is theirs, so both show
    with pytest.raises(ValidationError) as e:
        services.actions.complete(services.actor, overdue[0].id, "")
    assert "outcome" in e.value.fields
    with pytest.raises(ValidationError) as e:
        services.actions.complete(
            services.actor, overdue[0].id, "Done", completed_on=TODAY + timedelta(days=2)
        )
    assert "completed_on" in e.value.fields
    services.actions.complete(services.actor, overdue[0].id, "Statement taken")
    assert services.actions.overdue() == []
    with pytest.raises(TransitionRefused):
        services.actions.complete(services.actor, overdue[0].id, "Again")


def test_chronology_notes_any_time_and_corrections_keep_the_original(services, case):
    services.chronology.add_note(services.actor, case.id, "Phoned Joan", "She is keeping a diary.")
    note = services.chronology.entries(case.id, kinds=["note"])[0]
    with pytest.raises(ValidationError) as e:
        services.chronology.correct(services.actor, note.id, "Phoned Joan Platt", "", reason="")
    assert "reason" in e.value.fields
    services.chronology.correct(
        services.actor, note.id, "Phoned Joan Platt", "Diary sheets posted.", "Wrong name"
    )
    notes = services.chronology.entries(case.id, kinds=["note"])
    assert [(n.summary, n.superseded) for n in notes] == [
        ("Phoned Joan Platt", False),
        ("Phoned Joan", True),
    ] or {(n.summary, n.superseded) for n in notes} == {("Phoned Joan Platt", False), ("Phoned Joan", True)}
    new = next(n for n in notes if not n.superseded)
    assert new.corrects_id == note.id and "Wrong name" in new.body
    assert all(not n.superseded for n in services.chronology.entries(case.id, include_superseded=False))
    with pytest.raises(TransitionRefused):
        services.chronology.correct(services.actor, note.id, "again", "", "x")
    services.closure.close(services.actor, case.id, "resolved")
    services.chronology.add_note(services.actor, case.id, "Letter received after closure")  # any time
    with pytest.raises(ValidationError):
        services.chronology.add_note(services.actor, case.id, "  ")


def test_chronology_filters_by_kind(services, case):
    joan = _party(services, case.id, "Joan Platt")
    _incident(services, case.id, joan.id, date(2026, 11, 21))
    services.chronology.add_note(services.actor, case.id, "A note")
    assert {c.kind for c in services.chronology.entries(case.id, kinds=["incident"])} == {"incident"}
    assert {c.kind for c in services.chronology.entries(case.id)} >= {"incident", "note", "status"}


def test_attachments_are_copied_in_and_survive_the_original_moving(services, case, tmp_path):
    photo = tmp_path / "graffiti.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\nfake")
    diary = tmp_path / "diary.txt"
    diary.write_text("Mon: shouting\n")
    services.attachments.add_files(services.actor, case.id, [photo, diary], description="From Joan")
    photo.unlink()
    diary.rename(tmp_path / "moved.txt")
    docs = {d.filename: d for d in services.attachments.documents(case.id)}
    assert docs["graffiti.png"].mime_type == "image/png"
    assert docs["graffiti.png"].sha256 == hashlib.sha256(b"\x89PNG\r\n\x1a\nfake").hexdigest()
    assert services.attachments.content(services.actor, docs["diary.txt"].id) == b"Mon: shouting\n"
    # The same bytes attached twice are stored once.
    services.attachments.add_bytes(services.actor, case.id, [("copy.txt", b"Mon: shouting\n")])
    n = services.database.engine.connect().exec_driver_sql("select count(*) from document_blob").scalar()
    assert n == 2
    with pytest.raises(ValidationError):
        services.attachments.add_files(services.actor, case.id, [tmp_path / "missing.pdf"])
    with pytest.raises(ValidationError):
        services.attachments.add_bytes(services.actor, case.id, [("empty.txt", b"")])


def test_eml_is_readable_as_text():
    from cspdesk.core.services.letters.attachments import email_as_text, preview_kind

    raw = (
        b"From: joan@example.org\r\nTo: asb@southderbyshire.gov.uk\r\nSubject: More trouble\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n\r\nThey were back last night.\r\n"
    )
    text = email_as_text(raw)
    assert "Subject: More trouble" in text and "They were back last night." in text
    assert preview_kind("message/rfc822") == "email" and preview_kind("application/pdf") == "pdf"
    assert preview_kind("application/vnd.ms-outlook", "x.msg") is None


def test_close_with_reason_and_reopen_with_reason(services, case):
    with pytest.raises(ValidationError) as e:
        services.closure.close(services.actor, case.id, "")
    assert "reason" in e.value.fields
    with pytest.raises(ValidationError) as e:
        services.closure.close(services.actor, case.id, "resolved", closed_on=date(2026, 11, 1))
    assert "before the start" in e.value.fields["closed_on"]
    with pytest.raises(ValidationError) as e:
        services.closure.close(services.actor, case.id, "resolved", closed_on=TODAY + timedelta(days=1))
    assert "future" in e.value.fields["closed_on"]
    services.closure.close(services.actor, case.id, "insufficient_evidence", "No diary sheets returned")
    d = services.case_edit.detail(case.id)
    assert d.status == "closed" and d.closure_reason == "Insufficient evidence" and d.next_review_on is None
    with pytest.raises(TransitionRefused):
        services.actions.add_action(
            services.actor, case.id, ActionInput("x", TODAY, owner_user_id=d.officer_id)
        )
    with pytest.raises(ValidationError):
        services.closure.reopen(services.actor, case.id, " ")
    services.closure.reopen(services.actor, case.id, "New incidents reported")
    assert services.case_edit.detail(case.id).status == "open"
    summaries = [c.summary for c in services.chronology.entries(case.id, kinds=["status"])]
    assert summaries[:2] == ["Case reopened", "Case closed: Insufficient evidence"]


def test_inactive_cases_are_offered_for_closure(services):
    quiet = open_case(services, reported_on=date(2026, 6, 1))
    busy = open_case(services)
    with services.database.engine.begin() as conn:
        conn.execute(update(AsbCase).where(AsbCase.id == quiet.id).values(last_activity_on=date(2026, 7, 1)))
    assert [c.id for c in services.closure.inactive_cases()] == [quiet.id]
    assert services.closure.is_inactive(quiet.id).days_quiet == (TODAY - date(2026, 7, 1)).days
    assert services.closure.is_inactive(busy.id) is None
    services.settings.update(services.actor, {"cases.inactive_days": 365})
    assert services.closure.inactive_cases() == []


def test_settings_page_path_checks_the_questionnaire_too(services):
    bad = DEFAULT_RISK_QUESTIONNAIRE.as_setting() | {"high_from": 999}
    with pytest.raises(ValidationError) as e:
        services.settings.update(services.actor, {"risk.questionnaire": bad})
    assert "highest possible score" in e.value.fields["risk.questionnaire"]
