"""Safer Homes through the services: intake, eligibility, works, the status machine, and the
protection of restricted (domestic-abuse) referrals in everything that leaves the service."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date

import pytest
from sqlalchemy import select

from cspdesk.core.domain.protection import SAFER_HOMES_RESTRICTED
from cspdesk.core.domain.safer_homes import RESTRICTED, Phone, ReferralRecord, Tenure
from cspdesk.core.domain.vocab import RiskLevel, Role, SaferHomesStatus, VictimCategory
from cspdesk.core.errors import PermissionDenied, TransitionRefused, ValidationError
from cspdesk.core.services.safer_homes.safer_homes_read import ReferralQuery
from cspdesk.core.storage.models import AuditEntry, SaferHomesReferral
from tests.conftest import TODAY
from tests.core.safer_homes_examples import SECRETS, da_referral

S = SaferHomesStatus
IDVA = "Derbyshire IDVA Service"
REFERRED = date(2026, 11, 2)

# What a DA victim's referral must never show to someone who may not see it.
DA_SECRETS = [s for s in SECRETS if s not in ("1987-03-09",)] + ["09/03/1987"]


def da_form(**changes) -> ReferralRecord:
    base = da_referral(
        id=None,
        reference="",
        status=S.REFERRED,
        restricted=False,
        referred_on=REFERRED,
        consent_on=REFERRED,
        referrer_agency=IDVA,
        ward="Woodville",
        eligible=None,
        survey_on=None,
        surveyor=None,
        contractor=None,
        works_ordered_on=None,
        marac_on=None,
        measures=(),
    )
    return base.with_changes(**changes)


def burglary_form(**changes) -> ReferralRecord:
    return ReferralRecord(
        referred_on=REFERRED,
        referrer_name="PC Ames",
        referrer_agency="Derbyshire Constabulary",
        consent_given=True,
        consent_method="written",
        consent_on=REFERRED,
        client_name="Arthur Pennyfeather",
        address_line1="3 Orchard Row",
        town="Melbourne",
        postcode="de73 8aa",
        ward="Melbourne",
        phones=(Phone("01332 000111", True),),
        victim_category=VictimCategory.BURGLARY,
        tenure=Tenure.OWNER,
        victim_wants_to_stay=True,
    ).with_changes(**changes)


@pytest.fixture
def officer(services):
    """An officer without the restricted-referrals permission."""
    services.users.add_user(services.actor, "olive.officer", "Olive Officer", Role.OFFICER)
    return services.users.sign_in("olive.officer")[0]


def leaks(payload, secrets=DA_SECRETS) -> list[str]:
    text = payload if isinstance(payload, str) else json.dumps(payload, default=str, ensure_ascii=False)
    return [s for s in secrets if s in text]


def pdf_text(path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


def secure(services, referral_id, actor=None):
    """Take a referral from referred to property secured through the service."""
    a = actor or services.actor
    services.safer_homes_read.open(a, referral_id, "Taking the referral through the scheme")
    sh = services.safer_homes
    sh.check_eligibility(a, referral_id)
    sh.transition(a, referral_id, S.ELIGIBILITY_CHECKED)
    v = services.safer_homes_read.refresh(a, referral_id).version
    sh.update(a, referral_id, v, {"survey_on": date(2026, 11, 5), "surveyor": "Sam Survey"})
    sh.transition(a, referral_id, S.SURVEYED)
    sh.set_measures(a, referral_id, [("door_lock", 2, False), ("video_doorbell", 1, False)])
    v = services.safer_homes_read.refresh(a, referral_id).version
    sh.update(a, referral_id, v, {"contractor": "Midway Locks Ltd", "works_ordered_on": date(2026, 11, 9)})
    sh.transition(a, referral_id, S.WORKS_ORDERED)
    v = services.safer_homes_read.refresh(a, referral_id).version
    sh.update(a, referral_id, v, {"installed_on": date(2026, 11, 16), "actual_cost_pence": 24500})
    sh.transition(a, referral_id, S.SECURED)


def test_intake_stores_a_restricted_referral_with_the_rules_in_force(services):
    saved = services.safer_homes.intake(services.actor, da_form(postcode="de11 7zz"))
    assert saved.reference == "SH-2026-0001" and saved.status is S.REFERRED
    with services.database.engine.connect() as c:
        row = c.execute(select(SaferHomesReferral).where(SaferHomesReferral.id == saved.id)).one()
    assert row.restricted and row.postcode == "DE11 7ZZ" and row.rules["waiting_flag_working_days"] == 10
    assert services.safer_homes.intake(services.actor, burglary_form()).reference == "SH-2026-0002"


def test_intake_gives_field_level_messages(services):
    with pytest.raises(ValidationError) as exc:
        services.safer_homes.intake(
            services.actor, burglary_form(postcode="nonsense", client_name=" ", referrer_agency="Nobody Ltd")
        )
    assert set(exc.value.fields) >= {"postcode", "client_name", "referrer_agency"}


def test_no_consent_keeps_only_a_declined_record(services):
    saved = services.safer_homes.intake(services.actor, da_form(consent_given=False))
    assert saved.status is S.DECLINED
    with services.database.engine.connect() as c:
        row = c.execute(select(SaferHomesReferral).where(SaferHomesReferral.id == saved.id)).one()
    assert row.client_name is None and row.address_line1 is None and row.phones in (None, [])
    assert row.end_reason == "consent not given" and row.victim_category == "domestic_abuse"


def test_restricted_details_never_reach_an_officer_without_permission(services, officer):
    da = services.safer_homes.intake(services.actor, da_form()).id
    services.safer_homes.intake(services.actor, burglary_form())
    rows = services.safer_homes_read.rows(officer)
    assert not leaks([asdict(r) for r in rows])
    da_row = next(r for r in rows if r.id == da)
    assert da_row.client == RESTRICTED and da_row.address == RESTRICTED
    # Searching for the client's name or street finds nothing, which reveals nothing.
    assert services.safer_homes_read.rows(officer, ReferralQuery(text="Larkspur")) == []
    assert services.safer_homes_read.rows(officer, ReferralQuery(text="Quennell")) == []
    # Opening it shows the masked view, without asking a reason (nothing is revealed).
    assert not services.safer_homes_read.needs_reason(officer, da)
    detail = services.safer_homes_read.open(officer, da)
    assert detail.masked and not leaks(detail.values)
    # Even the administrator's list shows it masked: the details are seen by opening it, with a reason.
    admin_rows = services.safer_homes_read.rows(services.actor)
    assert not leaks([asdict(r) for r in admin_rows])
    assert "Arthur Pennyfeather" in json.dumps([asdict(r) for r in admin_rows], default=str)
    # ... and opening it shows them (so the test above can fail).
    full = services.safer_homes_read.open(services.actor, da, "Checking the survey date")
    assert "Philippa Quennell-Astbury" in json.dumps(full.values, default=str)


def test_opening_a_restricted_referral_asks_a_reason_and_audits_it(services, clock):
    da = services.safer_homes.intake(services.actor, da_form()).id
    # Recording it was the first look ("Recording the referral"); once that reason lapses, a reason is asked.
    assert not services.safer_homes_read.needs_reason(services.actor, da)
    clock.advance(minutes=16)
    assert services.safer_homes_read.needs_reason(services.actor, da)
    with pytest.raises(ValidationError) as exc:
        services.safer_homes_read.open(services.actor, da, "  ")
    assert "reason" in exc.value.fields
    detail = services.safer_homes_read.open(services.actor, da, "Arranging the survey with the IDVA")
    assert not detail.masked and detail.values["client_name"] == "Philippa Quennell-Astbury"
    with services.database.engine.connect() as c:
        views = c.execute(
            select(AuditEntry).where(AuditEntry.action == "view", AuditEntry.entity_id == da)
        ).all()
    assert len(views) == 2 and views[-1].details["reason"] == "Arranging the survey with the IDVA"
    views = sorted(views, key=lambda v: v.seq)[-1:]
    assert views[0].username == "admin.user" and not leaks(views[0].summary)
    assert any(t.action == "view" for t in detail.timeline)


def test_a_granted_permission_lets_an_officer_see_restricted_details(services, officer):
    da = services.safer_homes.intake(services.actor, da_form()).id
    services.users.update_user(
        services.actor, officer.user_id, permissions=frozenset({SAFER_HOMES_RESTRICTED})
    )
    flagged = services.users.sign_in("olive.officer")[0]
    assert SAFER_HOMES_RESTRICTED in flagged.permissions
    assert (
        services.safer_homes_read.open(flagged, da, "Survey booking").values["address_line1"]
        == "17 Larkspur Grove"
    )
    with pytest.raises(ValidationError):
        services.users.update_user(services.actor, officer.user_id, permissions=frozenset({"see_everything"}))


def test_an_officer_without_permission_cannot_overwrite_hidden_details(services, officer):
    da = services.safer_homes.intake(services.actor, da_form()).id
    v = services.safer_homes_read.refresh(officer, da).version
    with pytest.raises(PermissionDenied):
        services.safer_homes.update(officer, da, v, {"client_name": RESTRICTED})
    services.safer_homes.update(officer, da, v, {"survey_on": date(2026, 11, 5)})  # work fields are fine


def test_the_status_machine_refuses_skipped_steps(services):
    rid = services.safer_homes.intake(services.actor, burglary_form()).id
    with pytest.raises(TransitionRefused):
        services.safer_homes.transition(services.actor, rid, S.SECURED)
    with pytest.raises(TransitionRefused, match="run the eligibility check"):
        services.safer_homes.transition(services.actor, rid, S.ELIGIBILITY_CHECKED)
    services.safer_homes.check_eligibility(services.actor, rid)
    services.safer_homes.transition(services.actor, rid, S.ELIGIBILITY_CHECKED)
    with pytest.raises(TransitionRefused):
        services.safer_homes.transition(services.actor, rid, S.WORKS_ORDERED)
    with pytest.raises(TransitionRefused, match="survey date"):
        services.safer_homes.transition(services.actor, rid, S.SURVEYED)
    with pytest.raises(TransitionRefused, match="reason"):
        services.safer_homes.transition(services.actor, rid, S.WITHDRAWN)
    assert services.safer_homes_read.refresh(services.actor, rid).status is S.ELIGIBILITY_CHECKED


def test_from_referral_to_secured_with_costs_timing_and_counts(services):
    rid = services.safer_homes.intake(services.actor, burglary_form()).id
    secure(services, rid)
    d = services.safer_homes_read.refresh(services.actor, rid)
    assert d.status is S.SECURED and d.values["secured_on"] == "2026-11-16"
    assert d.estimated_cost_pence == 2 * 6500 + 11000 and d.days_to_secure == 14
    assert d.allowed_next == (S.FOLLOWED_UP, S.DECLINED, S.WITHDRAWN)
    view = services.safer_homes_read.counts(date(2026, 4, 1), date(2027, 3, 31))
    assert view.counts.secured == 1 and view.counts.spend_pence == 24500 and view.spend == "£245.00"
    assert view.sentence == "Secured 1 property through the CVS-run Safer Homes Scheme."
    assert view.counts.secured_by_category == {"burglary": 1}


def test_ineligible_referral_records_the_reasons(services):
    rid = services.safer_homes.intake(
        services.actor, da_form(perpetrator_resident=True, dash_level=None, dash_score=None)
    ).id
    result = services.safer_homes.check_eligibility(services.actor, rid)
    assert not result.eligible and len(result.reasons) == 2
    d = services.safer_homes_read.open(services.actor, rid, "checking")
    assert d.eligibility.reasons == result.reasons and "by" in d.eligibility_checked
    services.safer_homes.transition(services.actor, rid, S.DECLINED, "Not eligible: perpetrator lives there")
    assert (
        services.safer_homes_read.refresh(services.actor, rid).values["end_reason"].startswith("Not eligible")
    )


def test_waiting_too_long_is_flagged_and_counted(services):
    services.safer_homes.intake(
        services.actor, burglary_form(referred_on=date(2026, 10, 1), consent_on=date(2026, 10, 1))
    )
    services.safer_homes.intake(services.actor, burglary_form())  # 18 working days is over 10 too
    services.safer_homes.intake(
        services.actor, burglary_form(referred_on=date(2026, 11, 24), consent_on=date(2026, 11, 24))
    )
    rows = services.safer_homes_read.rows(services.actor, ReferralQuery(waiting_only=True))
    assert len(rows) == 2
    assert services.safer_homes_read.waiting_count() == 2
    assert services.dashboard.summary().safer_homes_waiting == 2


def test_csv_exports_mask_restricted_referrals(services, officer, tmp_path):
    da = services.safer_homes.intake(services.actor, da_form()).id
    services.safer_homes.intake(services.actor, burglary_form())
    for who in (officer, services.actor):  # even an administrator's export is masked for the partner list
        out = tmp_path / f"partner-{who.username}.csv"
        assert services.safer_homes_outputs.export_partner_list(who, IDVA, out) == 1
        assert not leaks(out.read_text(encoding="utf-8-sig"))
    out = tmp_path / "list.csv"
    assert services.safer_homes_outputs.export_csv(officer, ReferralQuery(), out) == 2
    text = out.read_text(encoding="utf-8-sig")
    assert not leaks(text) and "Arthur Pennyfeather" in text and "SH-2026-0001" in text
    with services.database.engine.connect() as c:
        assert c.execute(select(AuditEntry).where(AuditEntry.action == "export")).all()
    assert da


def test_pdfs_carry_only_what_the_reader_may_see(services, officer, tmp_path):
    da = services.safer_homes.intake(services.actor, da_form()).id
    secure(services, da)
    masked = services.safer_homes_outputs.summary_pdf(officer, da, tmp_path / "masked.pdf")
    text = pdf_text(masked)
    assert "SH-2026-0001" in text and RESTRICTED in text and not leaks(text)
    full = pdf_text(services.safer_homes_outputs.summary_pdf(services.actor, da, tmp_path / "full.pdf"))
    assert "Philippa Quennell-Astbury" in full and "17 Larkspur Grove" in full
    with pytest.raises(PermissionDenied):
        services.safer_homes_outputs.works_order_pdf(officer, da, tmp_path / "no.pdf")
    order = pdf_text(services.safer_homes_outputs.works_order_pdf(services.actor, da, tmp_path / "order.pdf"))
    assert "17 Larkspur Grove" in order and "07700 900461" in order  # the contractor needs these
    for never in ("Quennell", "Brockhurst", "900999", "omestic", "IDVA", "DC-23-0456789", "High"):
        assert never not in order


def test_letter_values(services, officer):
    da = services.safer_homes.intake(services.actor, da_form(safe_address=None)).id
    why = "Writing the referral's letters"  # a look at a restricted referral: given a reason, written down
    ack = services.safer_homes_outputs.safer_homes_letter_values(da, "acknowledgement", services.actor, why)
    assert ack["recipient_name"] == "Jo Idva" and ack["reference"] == "SH-2026-0001"
    with pytest.raises(ValidationError):
        services.safer_homes_outputs.safer_homes_letter_values(da, "follow_up", services.actor, why)
    with pytest.raises(PermissionDenied):
        services.safer_homes_outputs.safer_homes_letter_values(da, "acknowledgement", officer)
    v = services.safer_homes_read.refresh(services.actor, da, "Recording a safe address").version
    services.safer_homes.update(services.actor, da, v, {"safe_address": "c/o Swadlincote Library, Civic Way"})
    follow = services.safer_homes_outputs.safer_homes_letter_values(da, "follow_up", services.actor, why)
    assert follow["recipient_address"] == ("c/o Swadlincote Library", "Civic Way")
    assert "Larkspur" not in json.dumps(follow, default=str)


def test_demo_secures_286_properties_in_2022_23(demo_services):
    view = demo_services.safer_homes_read.counts(date(2022, 4, 1), date(2023, 3, 31))
    assert view.counts.secured == 286
    assert view.sentence == "Secured 286 properties through the CVS-run Safer Homes Scheme."
    top = next(iter(view.counts.secured_by_category))
    assert top == VictimCategory.DOMESTIC_ABUSE.value
    assert len(view.counts.referrals_by_agency) >= 4 and view.counts.spend_pence > 0
    later = demo_services.safer_homes_read.rows(demo_services.actor, ReferralQuery(status="open"))
    assert later and all(r.referred_on <= TODAY for r in later)
    assert RiskLevel.HIGH  # vocabulary used by the demo's DASH levels


def test_letters_through_the_letters_engine(services, tmp_path):
    da = services.safer_homes.intake(services.actor, da_form()).id
    secure(services, da)
    out = services.safer_homes_outputs
    order = pdf_text(out.letter_pdf(services.actor, da, "works_order", tmp_path / "order.pdf"))
    assert "17 Larkspur Grove" in order and "SH-2026-0001" in order
    for never in ("Quennell", "Brockhurst", "omestic", "DC-23-0456789"):
        assert never not in order
    follow = pdf_text(out.letter_pdf(services.actor, da, "follow_up", tmp_path / "follow.pdf"))
    assert "Swadlincote Library" in follow and "Larkspur" not in follow  # the safe address only
    ack = pdf_text(out.letter_pdf(services.actor, da, "acknowledgement", tmp_path / "ack.pdf"))
    assert "Jo Idva" in ack and "Brockhurst" not in ack
