"""Safer Homes referrals moved in from the CVS's list: through the intake's own rules, restricted where the
category demands it (an administrator imports; the restriction rule lets administrators see them), and masked
for everyone else afterwards."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from cspdesk.core.domain.vocab import Role
from cspdesk.core.services.context import Actor
from cspdesk.core.services.moving_in import ImportPlan, RecordKind

LIST = """Referral no,Referral date,Referred by,Agency,Category,Consent,Client name,Address,Postcode,Status
CVS-1,03/03/2026,Pat Reed,POLICE,Domestic abuse,Yes,Zelda Quarrington,7 Secret Ln,DE11 0AA,Secured
CVS-2,04/03/2026,Pat Reed,POLICE,Burglary,Yes,Olive Burgess,8 High Street,DE11 0AB,Referred
CVS-3,05/03/2026,Pat Reed,POLICE,ASB,No,Nobody Known,9 High Street,DE11 0AC,
CVS-4,06/03/2026,Pat Reed,POLICE,Burglary,,Blank Consent,10 High Street,DE11 0AD,
"""
SECRET = "Quarrington"


def _plan(services, tmp_path: Path) -> ImportPlan:
    path = tmp_path / "cvs.csv"
    path.write_text(LIST, encoding="utf-8")
    plan = services.moving_in.propose(path, "cvs", RecordKind.SAFER_HOMES)
    values = {
        "referrer_agency": {"POLICE": "Derbyshire Constabulary"},
        "victim_category": {"Domestic abuse": "domestic_abuse", "Burglary": "burglary", "ASB": "asb"},
        "status": {"Secured": "secured", "Referred": "referred"},
    }
    return ImportPlan(plan.path, plan.sheet, plan.kind, plan.columns, values)


def test_refused_rows_say_why_without_the_clients_details(services, tmp_path):
    """Catches a blank consent read as "no" (the client's details silently dropped)."""
    result = services.moving_in.run(services.actor, _plan(services, tmp_path))
    assert [(r.row, r.reason) for r in result.rejected] == [(5, "Consent is empty")]
    assert result.counts["referrals to make"] == 3  # the declined one (no consent) is kept as declined
    assert SECRET not in json.dumps([dataclasses.asdict(r) for r in result.rejected])


def test_imported_referrals_are_restricted_by_category_and_masked_for_others(services, tmp_path):
    """Catches an imported DA referral that is not restricted, or whose client an officer can read."""
    coordinator = services.actor  # an administrator: may see restricted referrals
    result = services.moving_in.run(coordinator, _plan(services, tmp_path))
    assert result.counts["referrals to make"] == 3 and result.counts["of them restricted"] == 1
    assert any("as recorded in cvs.csv" in n for n in result.notes)
    officer = Actor(services.actor.user_id, "olive.officer", "Olive Officer", Role.OFFICER)
    rows = services.safer_homes_read.rows(officer)
    assert len(rows) == 3
    assert SECRET not in json.dumps([dataclasses.asdict(r) for r in rows], default=str)
    [da] = [r for r in services.safer_homes_read.rows(coordinator) if r.restricted]
    detail = services.safer_homes_read.open(coordinator, da.id, reason="Checking the import")
    assert SECRET in json.dumps(dataclasses.asdict(detail), default=str)  # kept, for those who may see it
    services.moving_in.undo(coordinator, result.batch_id)
    assert services.safer_homes_read.rows(coordinator) == []


LATER = """Referral no,Referral date,Referred by,Agency,Category,Consent,Client name,Address,\
Postcode,Survey date,Works ordered,Completion date,Follow up
R1,03/03/2026,Pat Reed,POLICE,Burglary,Yes,Ann,1 Hill,DE11 0AA,10/03/2026,17/03/2026,24/03/2026,21/04/2026
R2,04/03/2026,Pat Reed,POLICE,Burglary,Yes,Bea Bold,2 Hill Rd,DE11 0AA,13/03/2026,,,
R3,05/03/2026,Pat Reed,POLICE,Burglary,Yes,Cy Crisp,3 Hill Rd,DE11 0AA,01/03/2026,,,
R4,06/03/2026,Pat Reed,POLICE,Burglary,No,Di Dunn,4 Hill Rd,DE11 0AA,13/03/2026,,,
"""


def test_later_step_dates_are_imported_in_order_and_set_the_status(services, database, tmp_path):
    """The survey, works-ordered, completion and follow-up dates come in when the columns exist: the
    completion date is the date the home counts as secured, the status is the furthest step dated (when
    the file gives none), a step dated before the one it follows refuses the row, and a referral without
    consent keeps none of them. (Caught, each seen failing once: the dates not copied onto the record;
    ``secured_on`` left blank; the order check removed; the status left as referred.)"""
    from datetime import date

    from sqlalchemy import select

    from cspdesk.core.storage.models import ImportedRecord, SaferHomesReferral

    path = tmp_path / "later.csv"
    path.write_text(LATER, encoding="utf-8")
    plan = services.moving_in.propose(path, "later", RecordKind.SAFER_HOMES)
    assert {k: plan.columns[k] for k in ("Survey date", "Works ordered", "Completion date", "Follow up")} == {
        "Survey date": "survey_on",
        "Works ordered": "works_ordered_on",
        "Completion date": "installed_on",
        "Follow up": "followed_up_on",
    }
    values = {
        "referrer_agency": {"POLICE": "Derbyshire Constabulary"},
        "victim_category": {"Burglary": "burglary"},
    }
    result = services.moving_in.run(
        services.actor, ImportPlan(plan.path, plan.sheet, plan.kind, plan.columns, values)
    )
    assert [r.row for r in result.rejected] == [4], result.rejected
    [refused] = result.rejected
    assert (refused.row, refused.reason) == (
        4,
        "Surveyed on 01/03/2026 is before the referral date (05/03/2026)",
    )
    with database.engine.connect() as c:
        got = {
            legacy: (status, survey, ordered, installed, secured, followed)
            for legacy, status, survey, ordered, installed, secured, followed in c.execute(
                select(
                    ImportedRecord.legacy_reference,
                    SaferHomesReferral.status,
                    SaferHomesReferral.survey_on,
                    SaferHomesReferral.works_ordered_on,
                    SaferHomesReferral.installed_on,
                    SaferHomesReferral.secured_on,
                    SaferHomesReferral.followed_up_on,
                ).join(SaferHomesReferral, SaferHomesReferral.id == ImportedRecord.entity_id)
            )
        }
    d = date
    assert got == {
        "R1": ("followed_up", d(2026, 3, 10), d(2026, 3, 17), d(2026, 3, 24), d(2026, 3, 24), d(2026, 4, 21)),
        "R2": ("surveyed", d(2026, 3, 13), None, None, None, None),
        "R4": ("declined", None, None, None, None, None),
    }
