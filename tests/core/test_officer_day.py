"""Issue 19 in the core: defects an officer met in a walkthrough, each held by a
test that failed before its fix."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from cspdesk.core.services.letters.letter_sources import LetterSource, Subject
from cspdesk.core.storage.models import CaseParty, EnforcementNotice


def _a_case_with_a_perpetrator(s):
    with Session(s.database.engine) as db:
        return db.scalars(
            select(CaseParty.case_id).where(CaseParty.role == "perpetrator").order_by(CaseParty.case_id)
        ).first()


def test_filing_the_letter_for_a_notice_clears_letter_due_without_staling_the_open_notice(demo_services):
    """Defect 3: "A letter or notice is due for the latest step" stayed after the letter was filed. Filing a
    letter on the notice now clears it, in the same transaction, and leaves the notice's version alone, so an
    officer who has the notice open can still record its next step. (Caught: the clearing taken out of
    ``documents.file_pdfs``; and a version bump, by the last assertion.)"""
    s = demo_services
    s.users.update_user(s.actor, s.actor.user_id, job_title="Community Safety Officer")
    case_id = _a_case_with_a_perpetrator(s)
    with Session(s.database.engine) as db:
        notice = EnforcementNotice(
            reference="CPW-TEST-1", case_id=case_id, kind="cpw", conduct="Loud music.", document_due=True
        )
        db.add(notice)
        db.commit()
        notice_id, version = notice.id, notice.version

    def values(ctx, notice_id, actor):
        return {
            "reference": "CPW-TEST-1",
            "recipient_name": "Dean Marsh",
            "letter_date": ctx.today,
            "recipient_address": ("14 Midland Road", "Swadlincote", "DE11 0AA"),
            "incident_location": "Midland Road",
            "conduct": "Loud music.",
            "conduct_effect": "Neighbours kept awake.",
            "requirements": ["Stop it."],
        }

    s.letters.registry.register(LetterSource(Subject.NOTICE, "asb_warning", values), replace=True)
    assert s.notices.detail(notice_id).document_due
    filed = s.letters.generate(s.actor, Subject.NOTICE, "asb_warning", notice_id)
    assert not s.notices.detail(notice_id).document_due
    assert "notice" in filed.changes.kinds and notice_id in filed.changes.ids  # the open notice refreshes
    with Session(s.database.engine) as db:
        assert db.get(EnforcementNotice, notice_id).version == version


def test_a_case_review_letter_is_addressed_to_the_postal_address_without_the_phone_number(services, database):
    """Defect 4: the form's one "address / contact" box went onto the envelope, phone and all
    ("DE11 9NR; 01283 219876"). The letter's address keeps the postal lines only; the application keeps
    everything typed. (Caught: ``recipient_address`` built from the box split on commas, as before.)"""
    from datetime import date

    from cspdesk.core.services.case_review.case_review import ApplicationInput
    from tests.core.case_review_examples import case_with_enough_incidents

    for typed in (
        "12 Alexandra Road, Swadlincote, DE11 9NR; 01283 219876",
        "12 Alexandra Road\nSwadlincote\nDE11 9NR\nTel: 01283 219876\njean.bloor@example.org",
    ):
        a = ApplicationInput(
            received_on=date(2023, 4, 20),
            channel="email",
            applicant_name="Jean Bloor",
            applicant_kind="person",
            problem="Youths throwing stones at my windows.",
            applicant_contact=typed,
            case_ids=(case_with_enough_incidents(database.engine, f"ASB-2023-{len(typed):05d}"),),
        )
        app_id = services.case_reviews.record_application(services.actor, a)
        values = services.case_reviews.case_review_letter_values(app_id, "acknowledgement")
        assert values["recipient_address"] == ("12 Alexandra Road", "Swadlincote", "DE11 9NR")
        assert values["applicant_contact"] == typed


def test_postcodes_and_house_numbers_are_address_lines_and_phone_numbers_are_not():
    from cspdesk.core.domain.postal import postal_lines

    assert postal_lines("Flat 2, 10 Main St, DE11 0AA, 07700 900123") == ("Flat 2", "10 Main St", "DE11 0AA")
    assert postal_lines("Mob. +44 (0)7700 900123\nPO Box 12\nDerby") == ("PO Box 12", "Derby")
    assert postal_lines("") == ()


def test_a_risk_assessment_made_this_morning_sorts_among_this_mornings_entries(services, clock):
    """Defect 9: a risk assessment was stamped 12:00, so it sorted above a note made later that morning.
    Today's assessment is stamped when it is made; a back-dated one keeps noon of its day. (Caught: the
    assessment stamped ``at_time(assessed_on, 12)`` again.)"""
    from datetime import datetime, timedelta

    from tests.core.case_helpers import open_case

    case = open_case(services)
    services.risk.assess(
        services.actor, case.id, {"repeat": True}, single_point_of_contact="PC Hall"
    )  # 10:00
    clock.advance(minutes=30)
    services.chronology.add_note(
        services.actor, case.id, "Spoke to Mrs Platt", occurred_at=clock.now()
    )  # 10:30
    entries = [e for e in services.chronology.entries(case.id) if e.kind in ("risk", "note")]
    assert [e.kind for e in entries] == ["note", "risk"]
    assert entries[1].occurred_at == datetime(2026, 11, 26, 10, 0)
    services.risk.assess(services.actor, case.id, {}, assessed_on=clock.today() - timedelta(days=3))
    back_dated = [e for e in services.chronology.entries(case.id) if e.kind == "risk"][-1]
    assert back_dated.occurred_at == datetime(2026, 11, 23, 12, 0)


def test_one_month_of_figures_is_not_labelled_or_rated_as_a_year():
    """Defect 5: one month of police.uk data was headed "Jan 2018 to Dec 2018" and rated per 1,000 as if it
    were a year, with no warning. The table says which months it holds and warns. (Caught: ``months_held``
    not filled in by ``build_comparison_table``.)"""
    from cspdesk.core.figures.months import Period
    from cspdesk.core.figures.table import build_comparison_table

    period = Period("2018-01", "2018-12")
    one_month = build_comparison_table(
        "Burglary",
        period,
        [("South Derbyshire", "2018-12", 40), ("Erewash", "2018-12", 60)],
        {"South Derbyshire": 100_000, "Erewash": 110_000},
    )
    assert one_month.partial
    assert one_month.period_text == "Dec 2018 only (1 of 12 months)"
    assert "1 of the 12 months" in one_month.coverage_warning and "not a year" in one_month.coverage_warning
    year = build_comparison_table(
        "Burglary", period, [("South Derbyshire", m, 4) for m in period.months], {"South Derbyshire": 100_000}
    )
    assert not year.partial and year.period_text == "Jan 2018 to Dec 2018" and year.coverage_warning == ""


def test_the_demo_summary_counts_what_check_counts(db_path, capsys):
    """Defect 13 (in part): the demo run's summary said 1,115 incidents and 798 actions where ``check`` then
    counted 1,124 and 802 (the Case Review demo adds its own). Every figure the summary gives is the table's
    count in ``check``. (Caught: the summary built from the case generator's own lists.)"""
    import re

    from cspdesk.cli import main

    assert main(["demo", "--db", str(db_path), "--cases", "120", "--seed", "3"]) == 0
    summary = capsys.readouterr().out
    assert main(["check", "--db", str(db_path)]) == 0
    tables = {
        m[1]: int(m[2].replace(",", ""))
        for m in re.finditer(r"^\s+(\w+)\s+([\d,]+)$", capsys.readouterr().out, re.MULTILINE)
    }
    said = {
        m[2]: int(m[1].replace(",", ""))
        for m in re.finditer(
            r"([\d,]+) (cases|people|incidents|actions|"
            r"meetings)(?!/)",
            summary,
        )
    }
    assert said == {
        "cases": tables["asb_case"],
        "people": tables["person"],
        "incidents": tables["incident"],
        "actions": tables["case_action"],
        "meetings": tables["meeting"],
    }
    extra = dict(
        re.findall(
            r"^  (enforcement notices|case review applications|safer_homes_referrals): ([\d,]+)$",
            summary,
            re.MULTILINE,
        )
    )
    assert int(extra["enforcement notices"].replace(",", "")) == tables["enforcement_notice"]
    assert int(extra["case review applications"].replace(",", "")) == tables["case_review_application"]
    assert int(extra["safer_homes_referrals"].replace(",", "")) == tables["safer_homes_referral"]


def test_counts_are_said_in_the_singular_for_one():
    """Defect 11 (wording): "1 incidents", "1 referrals". (Caught: ``count_of`` always adding an s.)"""
    from cspdesk.core.domain.wording import count_of

    assert count_of(1, "incident") == "1 incident"
    assert count_of(0, "referral") == "0 referrals"
    assert count_of(1500, "referral") == "1,500 referrals"
    assert count_of(2, "person", "people") == "2 people"


def test_the_safer_homes_timeline_says_what_changed_and_who_in_words(services):
    """Defect 8: the timeline read "actual cost pence, installed on changed" by "admin.user". It says
    "installed date, actual cost changed" by the officer's name. (Caught: the summary built from the field
    names with underscores replaced; the timeline's ``who`` the login.)"""
    from tests.core.test_safer_homes_service import burglary_form, secure

    rid = services.safer_homes.intake(services.actor, burglary_form()).id
    secure(services, rid)
    timeline = services.safer_homes_read.open(services.actor, rid, None).timeline
    lines = [t.summary for t in timeline]
    assert any("actual cost" in x and "installed date" in x for x in lines), lines
    assert not any("pence" in x or "_" in x or "installed on" in x for x in lines), lines
    assert {t.who for t in timeline} == {services.actor.display_name} != {services.actor.username}


def test_every_page_of_the_printed_report_pack_says_page_n_of_m(demo_services, tmp_path):
    """Defect 12 (in part): the report pack's pages said "Page N" without "of M". (Caught: the footer writing
    ``Page {doc.page}`` as before, without ``page_of_canvas``.)"""
    import io

    from pypdf import PdfReader

    out = demo_services.report_pack.write_pdf("2022/23", tmp_path / "pack.pdf")
    pages = PdfReader(io.BytesIO(out.read_bytes())).pages
    assert len(pages) > 1
    for n, page in enumerate(pages, start=1):
        assert f"Page {n} of {len(pages)}" in page.extract_text(), n


def test_only_a_period_of_the_covid_years_is_headed_excluding_covid():
    """Defect 12 (in part): a 2025/26 table was headed "ASB Incidents (excluding Covid)". (Caught: the plan's
    2022 heading used for every period.)"""
    from cspdesk.core.figures.plan import plan_heading

    assert plan_heading("ASB incidents", "2022-01") == "ASB Incidents (excluding Covid)"
    assert plan_heading("ASB incidents", "2025-04") == "ASB Incidents"
    assert plan_heading("Residential burglary", "2025-04") == "Residential Burglary"


def test_a_small_demo_scales_every_area_down_with_its_cases(tmp_path):
    """Defect 13: ``demo --cases 10`` made 672 notices, 290 meetings and 1,555 Safer Homes referrals. Below
    the small demo (400 cases, the plan's yearly figures) every area scales with the cases. (Caught:
    enforcement's ``max(1.0, ...)`` floor, and Safer Homes and meetings not scaled at all.)"""
    from cspdesk.cli import main
    from cspdesk.core.storage.encryption import connect_file

    counts = {}
    for n in (10, 40):
        db = tmp_path / f"demo{n}.sqlite"
        assert main(["demo", "--db", str(db), "--cases", str(n), "--seed", "5"]) == 0
        con = connect_file(db)
        counts[n] = {
            t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # noqa: S608 - our table names
            for t in ("enforcement_notice", "safer_homes_referral", "meeting")
        }
        con.close()
    at_400 = {"enforcement_notice": 840, "safer_homes_referral": 1513, "meeting": 290}  # the small demo's
    for table, full in at_400.items():
        for n in (10, 40):
            assert counts[n][table] <= 2 * full * n / 400 + 3, (table, n, counts[n][table])
        assert counts[40][table] > counts[10][table], table


def test_an_fpn_states_the_circumstances_once_and_takes_payment_details_from_settings(demo_services):
    """Defect 10 (in part): the FPN's circumstances line ended ".." when the breach was written with a full
    stop, and the payment details were typed again for every FPN. (Caught: the full stop added whatever the
    reason ended with; ``payment_details`` not read from the setting.)"""
    from cspdesk.core.storage.models import NoticeEvent

    s = demo_services
    with Session(s.database.engine) as db:
        fpn = db.scalars(
            select(EnforcementNotice)
            .where(EnforcementNotice.kind == "fpn", EnforcementNotice.parent_id.is_not(None))
            .order_by(EnforcementNotice.reference)
        ).first()
        breach = db.scalars(
            select(NoticeEvent).where(
                NoticeEvent.notice_id == fpn.parent_id, NoticeEvent.to_stage == "breached"
            )
        ).first()
        breach.reason = "Music played loudly after 11pm again."
        db.commit()
        fpn_id = fpn.id
    s.settings.update(s.actor, {"enforcement.fpn_payment_details": "Pay online at example.gov.uk/pay."})
    values = s.enforcement.notice_letter_values(fpn_id)
    assert values["fpn_circumstances"].endswith("after 11pm again.")
    assert ".." not in values["fpn_circumstances"]
    assert values["payment_details"] == "Pay online at example.gov.uk/pay."


def test_no_letter_leaves_yours_sincerely_and_the_signature_alone_on_a_page():
    """Defect 10 (in part): the warning letter's page 2 held only "Yours sincerely" and the signature. The
    closing now takes the last paragraph (and its heading) with it. (Caught: only "Yours sincerely" kept with
    the signature, as before: the ASB warning's last page has no words of the letter before the closing.)"""
    import io

    from pypdf import PdfReader

    from cspdesk.core.reports import default_templates, demo_values, render_letter
    from tests.core.letters_helpers import LETTERHEAD

    for code, t in default_templates().items():
        pdf = render_letter(t.body, demo_values(), LETTERHEAD, protective_marking=t.protective_marking)
        for page in PdfReader(io.BytesIO(pdf)).pages:
            text = page.extract_text()
            if "Yours sincerely" in text:
                before = text.split("Yours sincerely")[0].replace("OFFICIAL-SENSITIVE", "")
                assert len(before.split()) > 25, (code, before)
