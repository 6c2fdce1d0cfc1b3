"""Subject access and other data protection requests: the Art. 12(3) due date, finding a person's records, the
bundle (PDF and CSV) with third parties redacted, restricted referrals found only by those allowed, requests
extended and closed with their outcome, and the command line."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from cspdesk.core.domain.data_subject import REDACTED, Redactor, is_overdue, response_due
from cspdesk.core.domain.vocab import Role
from cspdesk.core.errors import PermissionDenied, ValidationError
from cspdesk.core.services.context import Actor
from cspdesk.core.storage.models import AuditEntry, SaferHomesReferral
from tests.core.case_helpers import complainant, open_case

OFFICER = Actor(uuid.uuid4(), "plain.officer", "Plain Officer", Role.OFFICER)

PERP_PHONE = "07700 900456"
NEIGHBOUR = "Maureen Oakshott"


# ----- the rule


def test_a_request_is_due_one_calendar_month_after_receipt_moved_to_the_next_working_day():
    """UK GDPR Art. 12(3) as the ICO reads it. Catches counting 30 days, or a due date on a bank holiday."""
    assert response_due(date(2026, 6, 10)) == date(2026, 7, 10)
    assert response_due(date(2026, 3, 3)) == date(2026, 4, 7)  # 3 April: Good Friday; 6 April: Easter Monday
    assert response_due(date(2026, 1, 31)) == date(2026, 3, 2)  # 28 Feb 2026 is a Saturday
    assert response_due(date(2026, 11, 26)) == date(
        2026, 12, 29
    )  # 26 Dec: Saturday; 28 Dec: substitute holiday
    assert response_due(date(2026, 6, 10), extended_months=2) == date(2026, 9, 10)
    with pytest.raises(ValidationError):
        response_due(date(2026, 3, 3), extended_months=3)
    assert is_overdue(date(2026, 6, 10), 0, None, date(2026, 7, 11))
    assert not is_overdue(date(2026, 6, 10), 0, None, date(2026, 7, 10))
    assert not is_overdue(date(2026, 6, 10), 0, date(2026, 7, 1), date(2026, 7, 11))


def test_the_redactor_removes_other_people_and_keeps_the_subjects_own_details():
    """Catches a third party's name, phone, postcode or e-mail left in free text,
    or the subject's own removed."""
    r = Redactor.of(
        ["Kyle Dunmore", "Kyle", "Dunmore", "14 Elm Road"],
        ["Joan Platt", "Joan", "Platt", "DE11 9AA", "01283 222333"],
    )
    text = (
        "Joan Platt (01283 222333, DE11 9AA) says Kyle Dunmore of 14 Elm Road, DE11 8ZZ, 07700 900456, "
        "kyle@example.com, shouted at her; Mrs Platt's sister Ann Platt saw it."
    )
    out = r.redact(text)
    for gone in ("Kyle", "Dunmore", "Elm Road", "DE11 8ZZ", "900456", "kyle@"):
        assert gone not in out
    for kept in ("Joan Platt", "01283 222333", "DE11 9AA", "Mrs Platt"):
        assert kept in out
    assert out.count(REDACTED) >= 5


# ----- finding and bundling


def _case_with_a_perpetrator(services):
    return open_case(
        services,
        description=f"Kyle Dunmore ({PERP_PHONE}) threw stones at the window while "
        f"{NEIGHBOUR} of 3 Birch Close, DE11 4QQ watched. Joan Platt called police.",
    )


def test_find_matches_on_name_and_date_of_birth_and_says_which(services):
    _case_with_a_perpetrator(services)
    open_case(
        services,
        title="Noise from flat above",
        parties=(complainant(forename="Peter", date_of_birth=date(1980, 1, 1)),),
    )
    found = services.subject_access.find(services.actor, "Joan Platt", date(1950, 3, 4))
    best = found.matches[0]
    assert best.name == "Joan Platt" and best.matched_on == ("name", "date of birth")
    assert best.records == "1 case(s)"
    others = [m for m in found.matches if m.name == "Peter Platt"]
    assert not others  # another Platt: neither his forename nor his date of birth matches
    with pytest.raises(ValidationError):
        services.subject_access.find(services.actor, " ")


def test_the_bundle_names_the_subject_and_redacts_everyone_else_in_pdf_and_csv(services, tmp_path):
    """Catches a third party's name, phone or address reaching the person in either file."""
    _case_with_a_perpetrator(services)
    ref = services.subject_requests.log(
        services.actor,
        "access",
        "Joan Platt",
        date_of_birth=date(1950, 3, 4),
        address="12 Oak Street, Swadlincote, DE11 9AA",
    )
    match = services.subject_access.find(
        services.actor, "Joan Platt", date(1950, 3, 4), request_reference=ref
    )
    draft = services.subject_access.bundle(services.actor, ref, [match.matches[0].key])
    assert NEIGHBOUR in services.subject_access.bundle_csv(draft)  # named nowhere else: the officer adds her
    bundle = services.subject_access.bundle(
        services.actor, ref, [match.matches[0].key], also_redact=[NEIGHBOUR]
    )
    pdf, table = services.subject_access.write(bundle, tmp_path)
    assert pdf.name == f"{ref}-subject-access.pdf" and table.name == f"{ref}-subject-access.csv"
    pdf_text = "\n".join(p.extract_text() for p in PdfReader(str(pdf)).pages)
    csv_text = table.read_text(encoding="utf-8")
    for text in (pdf_text, csv_text):
        for secret in ("Dunmore", "Kyle", PERP_PHONE, NEIGHBOUR, "Oakshott", "Birch Close", "DE11 4QQ"):
            assert secret not in text, secret
        assert "Joan Platt" in text and REDACTED in text and "12 Oak Street" in text
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    assert {r["section"] for r in rows} >= {"Your details as we hold them", "Your cases", "Actions"} or rows
    assert any(r["item"].startswith("Other party (perpetrator)") and r["text"] == REDACTED for r in rows)
    assert bundle.redactions > 0
    with services._uow("t") as uow:
        audit = " ".join(
            uow.session.scalars(
                select(AuditEntry.summary).where(AuditEntry.entity_type == "data_subject_request")
            )
        )
    assert ref in audit and "Platt" not in audit


def test_a_restricted_client_is_found_only_by_someone_allowed_to_see_them(demo_services):
    """Catches the search revealing a domestic-abuse victim's referral to an
    officer without the permission."""
    s = demo_services
    with s._uow("t") as uow:
        r = uow.session.scalars(
            select(SaferHomesReferral).where(SaferHomesReferral.restricted.is_(True))
        ).first()
        name, dob, key = r.client_name, r.client_date_of_birth, f"referral:{r.id}"
    as_officer = s.subject_access.find(OFFICER, name, dob)
    assert key not in {m.key for m in as_officer.matches} and as_officer.hidden_restricted >= 1
    as_admin = s.subject_access.find(s.actor, name, dob)
    assert key in {m.key for m in as_admin.matches}
    ref = s.subject_requests.log(OFFICER, "access", name, date_of_birth=dob)
    with pytest.raises(PermissionDenied):
        s.subject_access.bundle(OFFICER, ref, [key])
    bundle = s.subject_access.bundle(s.actor, ref, [key])
    referral = next(sec for sec in bundle.sections if sec.title == "Safer Homes referrals")
    assert len(referral.items) == 1 and name in referral.items[0].text


# ----- requests


def test_requests_are_logged_extended_and_closed_with_their_outcome(services, clock):
    s = services
    ref = s.subject_requests.log(s.actor, "erasure", "Joan Platt", details="Erase the 2019 noise case")
    assert ref == "DSR-2026-0001"
    row = s.subject_requests.get(s.actor, ref)
    assert row.due_on == date(2026, 12, 29) and not row.overdue
    assert s.subject_requests.counts().open == 1
    with pytest.raises(ValidationError) as err:
        s.subject_requests.extend(s.actor, ref, 3, "Many records")
    assert "months" in err.value.fields
    s.subject_requests.extend(s.actor, ref, 2, "Records held by three teams")
    assert s.subject_requests.get(s.actor, ref).due_on == date(2027, 2, 26)
    clock.set(date(2027, 3, 1))
    assert s.subject_requests.counts().overdue == 1 and s.subject_requests.get(s.actor, ref).overdue
    with pytest.raises(ValidationError) as err:
        s.subject_requests.close(s.actor, ref, "refused")
    assert "notes" in err.value.fields
    s.subject_requests.close(s.actor, ref, "partly", "Case kept: legal proceedings (Art. 17(3)(e))")
    row = s.subject_requests.get(s.actor, ref)
    assert row.outcome.value == "partly" and row.closed_on == date(2027, 3, 1)
    assert s.subject_requests.counts().open == 0


def test_an_extension_after_the_first_month_is_refused(services, clock):
    """Art. 12(3): the person must be told of an extension within one month of receipt."""
    ref = services.subject_requests.log(services.actor, "access", "Joan Platt")
    clock.set(date(2027, 1, 4))
    with pytest.raises(ValidationError):
        services.subject_requests.extend(services.actor, ref, 1, "Late")


def test_the_dashboard_counts_open_and_overdue_requests(services, clock):
    services.subject_requests.log(services.actor, "access", "Joan Platt")
    summary = services.dashboard.summary()
    assert (summary.data_requests_open, summary.data_requests_overdue) == (1, 0)
    clock.set(date(2027, 1, 5))
    summary = services.dashboard.summary()
    assert (summary.data_requests_open, summary.data_requests_overdue) == (1, 1)


def test_someone_known_from_another_case_is_redacted_where_the_subjects_case_mentions_them(services):
    """Catches redaction limited to the parties of the subject's own cases."""
    open_case(
        services,
        title="Dog fouling",
        parties=(complainant(forename="Oswin", surname="Threlfall", date_of_birth=date(1970, 5, 5)),),
    )
    open_case(services, description="Oswin Threlfall from the next street joined in the shouting.")
    ref = services.subject_requests.log(services.actor, "access", "Joan Platt")
    key = next(
        m.key for m in services.subject_access.find(services.actor, "Joan Platt", date(1950, 3, 4)).matches
    )
    text = services.subject_access.bundle_csv(services.subject_access.bundle(services.actor, ref, [key]))
    assert "Threlfall" not in text and "joined in the shouting" in text


# ----- the command line


def test_a_request_from_log_to_bundle_to_close_on_the_command_line(db_path, tmp_path, monkeypatch, capsys):
    """The CLI path end to end; a missing output folder is a plain error (exit 2) and writes nothing."""
    from cspdesk.cli import main
    from cspdesk.core.services.registry import build_services
    from cspdesk.core.storage.database import open_database

    db = open_database(db_path)
    _case_with_a_perpetrator(build_services(db, "admin.user"))
    db.engine.dispose()
    monkeypatch.setenv("CSPDESK_USER", "admin.user")
    base = ["--db", str(db_path)]
    assert main(["sar", "log", *base, "--name", "Joan Platt", "--dob", "1950-03-04"]) == 0
    ref, due = capsys.readouterr().out.split("\t")
    assert ref == "DSR-2026-0001" and due.strip() == "due 29/12/2026"
    assert main(["sar", "find", *base, "--name", "Joan Platt", "--dob", "1950-03-04", "--request", ref]) == 0
    key = capsys.readouterr().out.splitlines()[0].split("\t")[0]
    assert key.startswith("person:")
    assert (
        main(["sar", "bundle", *base, "--request", ref, "--match", key, "--out", str(tmp_path / "nope")]) == 2
    )
    assert "no such folder" in capsys.readouterr().err and not (tmp_path / "nope").exists()
    assert (
        main(
            [
                "sar",
                "bundle",
                *base,
                "--request",
                ref,
                "--match",
                key,
                "--redact",
                NEIGHBOUR,
                "--out",
                str(tmp_path),
            ]
        )
        == 0
    )
    assert (tmp_path / f"{ref}-subject-access.pdf").exists()
    assert NEIGHBOUR not in (tmp_path / f"{ref}-subject-access.csv").read_text(encoding="utf-8")
    assert main(["sar", "log", *base, "--name", "Joan Platt", "--dob", "26/11/1950"]) == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err
    assert main(["sar", "close", *base, "--request", ref, "--outcome", "completed"]) == 0
    assert main(["sar", "list", *base]) == 0
    assert "closed 26/11/2026 (completed)" in capsys.readouterr().out


def test_what_an_officer_types_into_a_request_is_held_to_its_limits(services):
    """Catches a request written with a name longer than its column or a NUL (PostgreSQL would refuse it with
    an error no user should see): a field-level message instead, nothing logged."""
    with pytest.raises(ValidationError) as err:
        services.subject_requests.log(services.actor, "access", "J" * 201)
    assert "subject_name" in err.value.fields
    with pytest.raises(ValidationError) as err:
        services.subject_requests.log(services.actor, "access", "Joan Platt", details="wrong\x00entry")
    assert "details" in err.value.fields
    assert services.subject_requests.requests(services.actor) == []


def test_a_cell_that_would_run_as_a_formula_is_neutralised_in_the_bundle_csv(services):
    """Catches an incident account typed as '=HYPERLINK(...)' reaching the
    person's spreadsheet as a formula."""
    from datetime import datetime

    from cspdesk.core.services.cases.incidents import IncidentInput
    from cspdesk.core.storage.models import CaseParty

    case = open_case(services)
    with services._uow("t") as uow:
        joan = uow.session.scalar(
            select(CaseParty.id).where(CaseParty.case_id == case.id, CaseParty.role == "complainant")
        )
    services.incidents.add_incident(
        services.actor,
        case.id,
        IncidentInput(
            occurred_at=datetime(2026, 11, 25, 20, 0),
            reported_on=date(2026, 11, 25),
            reporter_party_id=joan,
            description='=HYPERLINK("http://x.example","click")',
        ),
    )
    ref = services.subject_requests.log(services.actor, "access", "Joan Platt")
    key = services.subject_access.find(services.actor, "Joan Platt", date(1950, 3, 4)).matches[0].key
    rows = list(
        csv.reader(
            io.StringIO(
                services.subject_access.bundle_csv(services.subject_access.bundle(services.actor, ref, [key]))
            )
        )
    )
    texts = [r[4] for r in rows[1:]]
    assert not any(t.startswith("=") for t in texts)
    assert '\'=HYPERLINK("http://x.example","click")' in texts  # still readable, never run
