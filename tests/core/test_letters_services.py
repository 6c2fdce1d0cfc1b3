"""Letters end to end in the core: values from a case, refusal while anything is missing, filing the exact
bytes on the case with chronology and audit, reprints, template revisions, and the mail merge."""

from __future__ import annotations

import hashlib
import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cspdesk.core.domain.vocab import Role
from cspdesk.core.errors import ConflictError, PermissionDenied, ValidationError
from cspdesk.core.services.letters.letter_sources import LetterSource, Subject
from cspdesk.core.services.letters.letters_batch import MergeCancelled, run_batch
from cspdesk.core.storage.models import (
    AuditEntry,
    CaseParty,
    ChronologyEntry,
    Document,
    DocumentBlob,
    EnforcementNotice,
)
from tests.conftest import TODAY
from tests.enforcement_world import make_world, step

from .letters_helpers import all_text, content_streams, page_count

TODAY_PLUS_10 = TODAY.replace(day=min(TODAY.day + 10, 28))


@pytest.fixture
def svc(demo_services):
    s = demo_services
    s.users.update_user(s.actor, s.actor.user_id, job_title="Community Safety Officer")
    return s


def session(s) -> Session:
    return Session(s.database.engine)


def cases_with(s, role: str, n: int = 1, without: str | None = None) -> list[uuid.UUID]:
    """Cases with a person in ``role`` who has an address (and, optionally, nobody in ``without``)."""
    with session(s) as db:
        stmt = (
            select(CaseParty.case_id)
            .where(CaseParty.role == role, CaseParty.person_id.is_not(None), CaseParty.removed_on.is_(None))
            .order_by(CaseParty.case_id)
        )
        if without:
            stmt = stmt.where(
                CaseParty.case_id.not_in(select(CaseParty.case_id).where(CaseParty.role == without))
            )
        ids = list(dict.fromkeys(db.scalars(stmt)))
    assert len(ids) >= n
    return ids[:n]


def count(s, model, *where) -> int:
    with session(s) as db:
        return db.scalar(select(func.count()).select_from(model).where(*where))


def test_case_letters_are_offered_for_a_case(svc):
    codes = [c.code for c in svc.letters.choices(Subject.CASE)]
    assert codes == ["complaint_ack", "asb_warning", "complainant_update", "case_summary"]


def test_missing_fields_are_refused_with_labels_and_where_to_fix_and_nothing_is_filed(svc):
    (case_id,) = cases_with(svc, "complainant", without="perpetrator")
    before = (count(svc, Document), count(svc, ChronologyEntry), count(svc, DocumentBlob))
    with pytest.raises(ValidationError) as err:
        svc.letters.draft(svc.actor, Subject.CASE, "asb_warning", case_id)
    msg = str(err.value)
    for label in ("Recipient's name", "Recipient's address", "The behaviour", "Its effect", "Requirements"):
        assert label in msg
    assert "perpetrator (Parties)" in msg and "type it in the letter form" in msg
    assert {"recipient_name", "conduct", "requirements"} <= set(err.value.fields)
    with pytest.raises(ValidationError):
        svc.letters.generate(svc.actor, Subject.CASE, "asb_warning", case_id)
    assert (count(svc, Document), count(svc, ChronologyEntry), count(svc, DocumentBlob)) == before


def test_officer_without_job_title_is_told_where_to_set_it(demo_services):
    (case_id,) = cases_with(demo_services, "complainant")
    with pytest.raises(ValidationError) as err:
        demo_services.letters.draft(demo_services.actor, Subject.CASE, "complaint_ack", case_id)
    assert "Officer's job title" in str(err.value) and "Settings → Users" in str(err.value)
    # ... or typed in for this letter
    d = demo_services.letters.draft(
        demo_services.actor, Subject.CASE, "complaint_ack", case_id, typed={"officer_title": "Team Leader"}
    )
    assert "Team Leader" in all_text(d.pdf)


def test_the_form_asks_for_what_the_officer_writes_and_lists_recipients(svc):
    (case_id,) = cases_with(svc, "perpetrator")
    form = svc.letters.form(svc.actor, Subject.CASE, "asb_warning", case_id)
    assert [a.name for a in form.asked][-3:] == ["conduct", "conduct_effect", "requirements"]
    assert form.recipients and all(label.startswith("Perpetrator: ") for _, label in form.recipients)
    assert {"conduct", "conduct_effect", "requirements"} <= {m.name for m in form.missing}


def test_a_warning_letter_never_prints_the_complainants_home_address(svc):
    from cspdesk.core.storage.models import Address, AsbCase, Person

    with session(svc) as db:
        perps = select(CaseParty.case_id).where(
            CaseParty.role == "perpetrator", CaseParty.person_id.is_not(None)
        )
        case_id, line1 = db.execute(
            select(AsbCase.id, Address.line1)
            .join(Person, Person.address_id == AsbCase.location_id)
            .join(CaseParty, (CaseParty.person_id == Person.id) & (CaseParty.case_id == AsbCase.id))
            .join(Address, Address.id == AsbCase.location_id)
            .where(CaseParty.role == "complainant", AsbCase.id.in_(perps))
            .order_by(AsbCase.reference)
        ).first()
    form = svc.letters.form(svc.actor, Subject.CASE, "asb_warning", case_id)
    assert next(a for a in form.asked if a.name == "incident_location").value == ""
    typed = {"conduct": "Loud music.", "conduct_effect": "Sleep lost.", "requirements": ["Stop."]}
    with pytest.raises(ValidationError) as err:
        svc.letters.draft(svc.actor, Subject.CASE, "asb_warning", case_id, typed=typed)
    assert "Where it happened" in str(err.value)
    d = svc.letters.draft(
        svc.actor,
        Subject.CASE,
        "asb_warning",
        case_id,
        typed={**typed, "incident_location": "the shared garden"},
    )
    assert "the shared garden" in all_text(d.pdf) and line1 not in all_text(d.pdf)


def test_filing_stores_the_exact_bytes_with_hash_chronology_and_audit(svc):
    (case_id,) = cases_with(svc, "complainant")
    d = svc.letters.draft(svc.actor, Subject.CASE, "complaint_ack", case_id)
    assert d.recipient and d.recipient in all_text(d.pdf) and d.template_revision == 1
    filed = svc.letters.file(svc.actor, d)
    assert filed.case_id == case_id and filed.changes.touches("document")
    assert svc.documents.content(svc.actor, filed.document_id) == d.pdf
    with session(svc) as db:
        doc = db.get(Document, filed.document_id)
        assert doc.sha256 == hashlib.sha256(d.pdf).hexdigest() == filed.sha256
        assert (doc.kind, doc.template_code, doc.template_version) == ("letter", "complaint_ack", 1)
        assert doc.made_by == svc.actor.display_name and doc.recipient == d.recipient
        assert doc.case_id == case_id and doc.mime_type == "application/pdf" and doc.size == len(d.pdf)
        blob = db.get(DocumentBlob, doc.sha256)
        assert bytes(blob.data) == d.pdf
        chron = db.scalars(select(ChronologyEntry).where(ChronologyEntry.related_id == doc.id)).one()
        assert chron.kind == "letter" and chron.case_id == case_id and d.recipient in chron.summary
        audit = db.scalars(select(AuditEntry).where(AuditEntry.entity_id == doc.id)).one()
        assert audit.username == svc.actor.username and audit.details["sha256"] == doc.sha256
    listed = svc.documents.for_case(svc.actor, case_id)
    assert [r.id for r in listed] == [filed.document_id]


def test_reprint_is_identical_and_audited_and_a_new_version_is_a_new_entry(svc):
    (case_id,) = cases_with(svc, "complainant")
    first = svc.letters.file(svc.actor, svc.letters.draft(svc.actor, Subject.CASE, "complaint_ack", case_id))
    original = svc.documents.content(svc.actor, first.document_id)
    assert svc.documents.reprint(svc.actor, first.document_id) == original
    assert (
        count(svc, AuditEntry, AuditEntry.action == "reprint", AuditEntry.entity_id == first.document_id) == 1
    )
    again = svc.letters.draft(svc.actor, Subject.CASE, "complaint_ack", case_id, large_print=True)
    second = svc.letters.file(svc.actor, again)
    assert second.document_id != first.document_id and second.sha256 != first.sha256
    assert b" 16 Tf" in b"".join(content_streams(again.pdf))  # 16 pt body text
    assert b" 16 Tf" not in b"".join(content_streams(original))
    docs = svc.documents.for_case(svc.actor, case_id)
    assert len(docs) == 2 and "Large print" in docs[0].description
    assert svc.documents.content(svc.actor, first.document_id) == original  # the first copy is untouched


def test_the_same_bytes_filed_twice_are_stored_once(svc):
    (case_id,) = cases_with(svc, "complainant")
    d = svc.letters.draft(svc.actor, Subject.CASE, "complaint_ack", case_id)
    a, b = svc.letters.file(svc.actor, d), svc.letters.file(svc.actor, d)
    assert a.document_id != b.document_id
    assert count(svc, DocumentBlob, DocumentBlob.sha256 == d.sha256) == 1


def test_a_changed_letter_is_not_filed(svc):
    (case_id,) = cases_with(svc, "complainant")
    d = svc.letters.draft(svc.actor, Subject.CASE, "complaint_ack", case_id)
    from dataclasses import replace

    with pytest.raises(ValidationError):
        svc.letters.file(svc.actor, replace(d, pdf=d.pdf + b"%"))


def test_partner_cannot_produce_letters(svc):
    (case_id,) = cases_with(svc, "complainant")
    partner = svc.users.sign_in("someone.else")[0]
    assert partner.role is Role.PARTNER
    with pytest.raises(PermissionDenied):
        svc.letters.draft(partner, Subject.CASE, "complaint_ack", case_id)


def test_case_summary_is_filed_as_a_document(svc):
    (case_id,) = cases_with(svc, "complainant")
    d = svc.letters.draft(svc.actor, Subject.CASE, "case_summary", case_id)
    text = all_text(d.pdf)
    assert "Case summary" in text and "OFFICIAL-SENSITIVE" in text and d.reference in text
    filed = svc.letters.file(svc.actor, d)
    with session(svc) as db:
        doc = db.get(Document, filed.document_id)
        assert (doc.template_code, doc.template_version, doc.title) == ("case_summary", None, "Case summary")


# ----- templates


def test_shipped_templates_are_seeded_once_as_revision_one(svc):
    ts = svc.templates.templates()
    assert len(ts) == 13 and all(t.revision == 1 and t.shipped for t in ts)
    svc.templates._seeded = False
    svc.templates.templates()
    from cspdesk.core.storage.models import LetterTemplate

    assert count(svc, LetterTemplate) == 13


def test_unknown_field_is_refused_at_save_with_its_name(svc):
    t = svc.templates.current("complaint_ack")
    with pytest.raises(ValidationError) as err:
        svc.templates.save(
            svc.actor,
            "complaint_ack",
            name=t.name,
            body=t.body + "\n{recipient_nmae}\n",
            protective_marking=False,
            based_on=t.revision,
        )
    assert "{recipient_nmae}" in str(err.value)
    assert svc.templates.current("complaint_ack").revision == 1


def test_a_field_this_letter_must_never_print_is_refused(svc):
    t = svc.templates.current("safer_homes_works_order")
    with pytest.raises(ValidationError) as err:
        svc.templates.save(
            svc.actor,
            t.code,
            name=t.name,
            body=t.body + "\n{referral_reason}\n",
            protective_marking=True,
            based_on=t.revision,
        )
    assert "Reason for referral" in str(err.value)


def test_only_an_administrator_saves_templates_and_a_stale_save_is_refused(svc):
    t = svc.templates.current("complaint_ack")
    officer = svc.users.sign_in("jo.officer")[0]
    with pytest.raises(PermissionDenied):
        svc.templates.save(
            officer, t.code, name=t.name, body=t.body + "x\n", protective_marking=False, based_on=1
        )
    svc.templates.save(
        svc.actor, t.code, name=t.name, body=t.body + "One.\n", protective_marking=False, based_on=1
    )
    with pytest.raises(ConflictError):
        svc.templates.save(
            svc.actor, t.code, name=t.name, body=t.body + "Two.\n", protective_marking=False, based_on=1
        )


def test_an_old_revision_reproduces_an_old_letter_byte_for_byte(svc):
    (case_id,) = cases_with(svc, "complainant")
    old = svc.letters.draft(svc.actor, Subject.CASE, "complaint_ack", case_id)
    filed = svc.letters.file(svc.actor, old)
    t1 = svc.templates.current("complaint_ack")
    new_body = t1.body.replace("Thank you for contacting us", "Thank you very much for contacting us")
    rev2, changes = svc.templates.save(
        svc.actor, t1.code, name=t1.name, body=new_body, protective_marking=True, based_on=1
    )
    assert rev2.revision == 2 and changes.touches("letter_template")
    assert [r.revision for r in svc.templates.history("complaint_ack")] == [2, 1]
    new = svc.letters.draft(svc.actor, Subject.CASE, "complaint_ack", case_id)
    assert new.template_revision == 2 and "Thank you very much" in all_text(new.pdf)
    assert "OFFICIAL-SENSITIVE" in all_text(new.pdf)  # protective marking from the template
    stored = svc.documents.get(svc.actor, filed.document_id)
    again = svc.letters.render(
        svc.templates.revision("complaint_ack", stored.template_revision),
        old.values,
        svc.letters.letterhead(svc.actor),
    )
    assert again == svc.documents.content(svc.actor, filed.document_id)


def test_a_changed_shipped_template_is_a_new_revision_only_while_never_edited(svc, monkeypatch):
    from cspdesk.core.reports import templates as engine_templates

    shipped = dict(engine_templates.default_templates())
    changed = {
        code: t.__class__(
            t.code, t.name, t.body + "\nA new closing line.\n", t.protective_marking, t.excluded_fields
        )
        for code, t in shipped.items()
    }
    cur = svc.templates.current("asb_warning")
    svc.templates.save(
        svc.actor, "asb_warning", name="Warning (edited)", body=cur.body, protective_marking=True, based_on=1
    )
    monkeypatch.setattr(engine_templates, "default_templates", lambda: changed)
    svc.templates._seeded = False
    assert svc.templates.current("complaint_ack").revision == 2
    assert (
        svc.templates.current("asb_warning").name == "Warning (edited)"
    )  # the administrator's wording stays


def test_template_preview_uses_demo_values_and_refuses_unknown_fields(svc):
    t = svc.templates.current("cpn")
    pdf = svc.letters.preview_template(svc.actor, t.code, name=t.name, body=t.body, protective_marking=True)
    assert "Siân O'Brien-Ćosić" in all_text(pdf) and "21 days" in all_text(pdf)
    with pytest.raises(ValidationError) as err:
        svc.letters.preview_template(svc.actor, t.code, name=t.name, body="{nope}", protective_marking=True)
    assert "{nope}" in str(err.value)


# ----- other areas plug in


def test_another_area_registers_a_letter_with_one_entry_and_it_is_filed_on_the_notices_case(svc):
    (case_id,) = cases_with(svc, "perpetrator")
    with session(svc) as db:
        notice = EnforcementNotice(reference="CPW-TEST-1", case_id=case_id, kind="cpw", conduct="Loud music.")
        db.add(notice)
        db.commit()
        notice_id = notice.id

    def values(ctx, notice_id, actor):
        n = ctx.session.get(EnforcementNotice, notice_id)
        return {
            "reference": n.reference,
            "recipient_name": "Dean Marsh",
            "letter_date": ctx.today,
            "recipient_address": ("14 Midland Road", "Swadlincote", "DE11 0AA"),
            "incident_location": "Midland Road",
            "conduct": n.conduct or "Loud music.",
            "conduct_effect": "Neighbours kept awake.",
            "requirements": ["Stop it."],
        }

    svc.letters.registry.register(LetterSource(Subject.NOTICE, "asb_warning", values), replace=True)
    filed = svc.letters.generate(svc.actor, Subject.NOTICE, "asb_warning", notice_id)
    with session(svc) as db:
        doc = db.get(Document, filed.document_id)
        assert (doc.notice_id, doc.case_id) == (notice_id, case_id)
        assert (
            db.scalars(select(ChronologyEntry).where(ChronologyEntry.related_id == doc.id)).one().case_id
            == case_id
        )
    assert filed.document_id in [d.id for d in svc.documents.for_case(svc.actor, case_id)]
    assert [d.id for d in svc.documents.for_record(svc.actor, Subject.NOTICE, notice_id)] == [
        filed.document_id
    ]


def test_enforcement_letters_offer_the_template_for_the_notices_kind_and_file_on_its_case(services):
    """On a CPN built here with everything its letter needs (a CPW, then the CPN, through the enforcement
    service), not on whichever demo CPN came first: random demo data sometimes lacked a field and the test
    skipped itself, checking nothing. Catches the CPN letter not offered for a CPN, another kind's letter
    allowed, or the letter filed away from the notice and its case."""
    w = make_world(services)
    services.users.update_user(services.actor, w.officer.user_id, job_title="Community Safety Officer")
    warning = services.enforcement.start_step(w.officer, step(w, "cpw", date(2026, 1, 5)))
    cpn = services.enforcement.start_step(
        w.officer, step(w, "cpn", date(2026, 2, 2), parent_id=warning.notice_id)
    )
    cpn_id, case_id = cpn.notice_id, w.case_id
    assert [c.code for c in services.letters.choices(Subject.NOTICE, cpn_id)] == ["cpn"]
    with pytest.raises(ValidationError):
        services.letters.draft(w.officer, Subject.NOTICE, "fpn", cpn_id)
    d = services.letters.draft(w.officer, Subject.NOTICE, "cpn", cpn_id)
    text = all_text(d.pdf)
    assert "21 days" in text and d.reference in text and "OFFICIAL-SENSITIVE" in text
    assert "Kyle Ashby" in text and "12 Alma Street" in text
    filed = services.letters.file(w.officer, d)
    with session(services) as db:
        doc = db.get(Document, filed.document_id)
        assert (doc.notice_id, doc.case_id, doc.template_code) == (cpn_id, case_id, "cpn")


def test_case_review_letters_are_registered_and_filed_on_the_application_and_its_cases(svc):
    from cspdesk.core.storage.models import CaseReviewApplication, CaseReviewCaseLink

    with session(svc) as db:
        app_id, case_id = db.execute(
            select(CaseReviewApplication.id, CaseReviewCaseLink.case_id)
            .join(CaseReviewCaseLink, CaseReviewCaseLink.application_id == CaseReviewApplication.id)
            .order_by(CaseReviewApplication.reference)
        ).first()
    codes = [c.code for c in svc.letters.choices(Subject.APPLICATION)]
    assert codes == ["case_review_ack", "case_review_threshold", "case_review_outcome"]
    d = svc.letters.draft(svc.actor, Subject.APPLICATION, "case_review_ack", app_id)
    assert "ASB Case Review" in all_text(d.pdf) and d.reference in all_text(d.pdf)
    filed = svc.letters.file(svc.actor, d)
    with session(svc) as db:
        doc = db.get(Document, filed.document_id)
        assert doc.case_review_id == app_id and doc.case_id is not None
        cases = {
            c.case_id for c in db.scalars(select(ChronologyEntry).where(ChronologyEntry.related_id == doc.id))
        }
        assert case_id in cases
    assert [x.id for x in svc.documents.for_record(svc.actor, Subject.APPLICATION, app_id)] == [
        filed.document_id
    ]
    assert filed.document_id in [x.id for x in svc.documents.for_case(svc.actor, case_id)]


def test_safer_homes_letters_are_filed_on_the_referral_only(svc):
    from cspdesk.core.storage.models import SaferHomesReferral

    with session(svc) as db:
        ids = db.scalars(select(SaferHomesReferral.id).order_by(SaferHomesReferral.reference)).all()
    assert ids, "the demo data has Safer Homes referrals"
    codes = [c.code for c in svc.letters.choices(Subject.REFERRAL)]
    assert codes == ["safer_homes_referral_ack", "safer_homes_works_order", "safer_homes_follow_up"]
    before = count(svc, ChronologyEntry)
    filed = None
    for rid in ids:  # the first referral whose referrer has contact details recorded
        try:
            filed = svc.letters.generate(
                svc.actor,
                Subject.REFERRAL,
                "safer_homes_referral_ack",
                rid,
                typed={"referral_reason": "Burglary: back door forced"},
                reason="Acknowledging the referral",
            )
            break
        except ValidationError:
            continue
    assert filed is not None
    with session(svc) as db:
        doc = db.get(Document, filed.document_id)
        assert doc.referral_id == rid and doc.case_id is None
    assert count(svc, ChronologyEntry) == before  # never on an ASB case's chronology
    assert [d.id for d in svc.documents.for_record(svc.actor, Subject.REFERRAL, rid)] == [filed.document_id]


def test_a_works_order_asks_for_the_contractors_address_and_never_says_why(svc):
    from cspdesk.core.storage.models import SaferHomesReferral

    with session(svc) as db:
        rid = db.scalars(
            select(SaferHomesReferral.id)
            .where(SaferHomesReferral.contractor.is_not(None))
            .order_by(SaferHomesReferral.reference)
        ).first()
    form = svc.letters.form(  # restricted: the form is a look at the client's details, so a reason
        svc.actor, Subject.REFERRAL, "safer_homes_works_order", rid, reason="Ordering the works"
    )
    assert "recipient_address" in [a.name for a in form.asked]
    d = svc.letters.draft(
        svc.actor,
        Subject.REFERRAL,
        "safer_homes_works_order",
        rid,
        typed={
            "recipient_address": ["Unit 4, Tetron Point", "Swadlincote", "DE11 0BB"],
            "works_complete_by": TODAY_PLUS_10,
        },
        reason="Ordering the works",
    )
    text = all_text(d.pdf)
    assert "Tetron Point" in text and "Domestic abuse" not in text


# ----- mail merge


def test_mail_merge_files_every_letter_and_makes_one_print_file(svc):
    ids = cases_with(svc, "complainant", n=6)
    seen: list[tuple[str, int, int]] = []
    result = run_batch(
        svc.letters,
        svc.actor,
        Subject.CASE,
        "complaint_ack",
        ids,
        combined=True,
        progress=lambda *p: seen.append(p),
    )
    assert result.letters == 6 and len(result.document_ids) == 6 and len(result.files) == 6
    assert page_count(result.combined) == sum(page_count(pdf) for _, pdf in result.files)
    for doc_id, (_name, pdf) in zip(result.document_ids, result.files, strict=True):
        assert svc.documents.content(svc.actor, doc_id) == pdf
    assert count(svc, Document, Document.case_id.in_(ids)) == 6
    assert (
        count(svc, ChronologyEntry, ChronologyEntry.kind == "letter", ChronologyEntry.case_id.in_(ids)) == 6
    )
    assert {p[0] for p in seen} >= {"Checking", "Producing letters", "Filing on cases"}
    assert seen[-1] == ("Done", 6, 6)


def test_mail_merge_refuses_everything_when_one_letter_lacks_a_field_unless_told_to_skip(svc):
    good = cases_with(svc, "complainant", n=3)
    bad = cases_with(svc, "complainant", without="perpetrator", n=1)
    ids = [*good[:2], *bad]
    with pytest.raises(ValidationError) as err:
        run_batch(
            svc.letters,
            svc.actor,
            Subject.CASE,
            "asb_warning",
            ids,
            combined=False,
            typed={"conduct": "Noise.", "conduct_effect": "Sleep lost.", "requirements": ["Stop."]},
        )
    assert "Recipient's name" in str(err.value)
    assert count(svc, Document) == 0


def test_mail_merge_can_skip_the_incomplete_ones_and_lists_them(svc):
    ids = cases_with(svc, "complainant", n=3)
    with session(svc) as db:  # the third case loses its complainant, so has nobody to write to
        for p in db.scalars(select(CaseParty).where(CaseParty.case_id == ids[2])):
            p.removed_on = p.created_at.date()
        db.commit()
    result = run_batch(
        svc.letters, svc.actor, Subject.CASE, "complaint_ack", ids, combined=False, skip_incomplete=True
    )
    assert result.letters == 2 and len(result.document_ids) == 2
    assert [p.record_id for p in result.skipped] == [ids[2]]
    assert "Recipient's name" in result.skipped[0].message


def test_cancelling_a_merge_files_nothing(svc):
    ids = cases_with(svc, "complainant", n=5)
    calls = {"n": 0}

    def cancelled() -> bool:
        calls["n"] += 1
        return calls["n"] > 7  # part-way through producing the letters

    with pytest.raises(MergeCancelled):
        run_batch(
            svc.letters, svc.actor, Subject.CASE, "complaint_ack", ids, combined=True, cancelled=cancelled
        )
    assert count(svc, Document) == 0 and count(svc, ChronologyEntry, ChronologyEntry.kind == "letter") == 0


def test_each_merged_letter_is_filed_on_its_own_case_with_its_own_recipient(svc, monkeypatch):
    from cspdesk.core.reports import batch

    monkeypatch.setattr(batch, "CHUNK", 3)  # laid out three at a time and cut: letters from several documents
    ids = cases_with(svc, "complainant", n=7)
    result = run_batch(svc.letters, svc.actor, Subject.CASE, "complaint_ack", ids, combined=True)
    rows = [svc.documents.get(svc.actor, d) for d in result.document_ids]
    recipients = {r.recipient for r in rows}
    assert len(recipients) > 1 and all(recipients)
    for case_id, row in zip(ids, rows, strict=True):
        assert [d.id for d in svc.documents.for_case(svc.actor, case_id)] == [
            row.id
        ]  # what opening the case shows
        pdf = svc.documents.content(svc.actor, row.id)
        text = all_text(pdf)
        assert row.recipient in text
        assert not any(other in text for other in recipients - {row.recipient})
        assert svc.documents.reprint(svc.actor, row.id) == pdf
    assert page_count(result.combined) == sum(page_count(pdf) for _, pdf in result.files)


def _filed_rows(svc, doc_id):
    with session(svc) as db:
        doc = db.get(Document, doc_id)
        chron = db.scalars(select(ChronologyEntry).where(ChronologyEntry.related_id == doc_id)).one()
        audit = db.scalars(select(AuditEntry).where(AuditEntry.entity_id == doc_id)).one()
        return doc, chron, audit


def test_a_merged_letter_is_filed_as_a_single_letter_is(svc):
    from cspdesk.core.storage.models import AsbCase

    one, other = cases_with(svc, "complainant", n=2)
    with session(svc) as db:
        for c in (one, other):  # last active before today (ids are random: a demo case may be active today)
            db.get(AsbCase, c).last_activity_on = TODAY - timedelta(days=1)
        db.commit()
        before = {c: db.get(AsbCase, c).version for c in (one, other)}
    single = svc.letters.generate(svc.actor, Subject.CASE, "complaint_ack", one)
    merged = run_batch(svc.letters, svc.actor, Subject.CASE, "complaint_ack", [other], combined=False)
    (a_doc, a_chron, a_audit), (b_doc, b_chron, b_audit) = (
        _filed_rows(svc, single.document_id),
        _filed_rows(svc, merged.document_ids[0]),
    )
    for field in ("kind", "title", "mime_type", "made_by", "template_code", "template_version"):
        assert getattr(a_doc, field) == getattr(b_doc, field), field
    assert (a_doc.case_id, b_doc.case_id) == (one, other) and b_doc.description == "Mail merge"
    assert b_doc.version == a_doc.version == 1 and b_doc.created_at and b_doc.updated_at
    for c, doc in ((a_chron, a_doc), (b_chron, b_doc)):
        assert c.kind == "letter" and c.related_type == "document" and c.author == svc.actor.display_name
        assert c.summary == f"Letter: {doc.title} to {doc.recipient}" and c.case_id == doc.case_id
        assert c.occurred_at.date() == TODAY and c.version == 1
    for audit, doc in ((a_audit, a_doc), (b_audit, b_doc)):
        assert (audit.action, audit.entity_type, audit.username) == ("create", "document", svc.actor.username)
        assert audit.details == {
            "sha256": doc.sha256,
            "template": "complaint_ack",
            "revision": doc.template_version,
            "case_id": str(doc.case_id),
        }
    with session(svc) as db:
        for c in (one, other):  # both cases marked active today, their version moved (an open copy is stale)
            case = db.get(AsbCase, c)
            assert case.last_activity_on == TODAY and case.version == before[c] + 1


def test_values_for_many_cases_are_each_cases_own_values(svc):
    from cspdesk.core.errors import NotFound
    from cspdesk.core.services.letters.letter_sources import ProviderContext
    from cspdesk.core.storage.models import AsbCase

    with session(svc) as db:
        ids = list(db.scalars(select(AsbCase.id).order_by(AsbCase.reference).limit(120)))
    ids.append(uuid.uuid4())  # a case that no longer exists
    sources = [s for s in svc.letters.registry.for_subject(Subject.CASE) if s.values_many is not None]
    assert {s.code for s in sources} == {"complaint_ack", "complainant_update", "asb_warning"}
    with session(svc) as db:
        ctx = ProviderContext(db, svc, TODAY, svc.settings.all())
        for src in sources:
            many = src.values_many(ctx, ids, svc.actor)
            assert list(many) == ids
            for case_id in ids:
                try:
                    one = src.values(ctx, case_id, svc.actor)
                except NotFound as exc:
                    one = exc
                if isinstance(one, NotFound):
                    assert isinstance(many[case_id], NotFound) and str(many[case_id]) == str(one)
                else:
                    assert many[case_id] == one, (src.code, case_id)
            blanked = [c for c in ids[:-1] if many[c]["incident_location"] == ""]
            if src.code == "asb_warning":
                assert (
                    blanked
                )  # some demo cases happen where a complainant lives: never printed to the perpetrator


def test_a_merge_that_fails_while_filing_files_nothing_and_says_so(svc, monkeypatch):
    import sqlite3

    from sqlalchemy.exc import OperationalError

    from cspdesk.core.errors import DatabaseProblem
    from cspdesk.core.services.letters import documents

    ids = cases_with(svc, "complainant", n=4)
    blobs = count(svc, DocumentBlob)

    def locked(*_a, **_k):  # after the blobs and Document rows are written, before the chronology
        raise OperationalError(
            "INSERT INTO chronology_entry", {}, sqlite3.OperationalError("database is locked")
        )

    monkeypatch.setattr(documents, "record_chronology_many", locked)
    with pytest.raises(DatabaseProblem) as err:
        run_batch(svc.letters, svc.actor, Subject.CASE, "complaint_ack", ids, combined=True)
    assert "nothing was saved" in str(err.value)
    assert count(svc, Document) == 0 and count(svc, DocumentBlob) == blobs
    assert count(svc, ChronologyEntry, ChronologyEntry.kind == "letter") == 0
    assert count(svc, AuditEntry, AuditEntry.entity_type.in_(["document", "mail_merge"])) == 0
