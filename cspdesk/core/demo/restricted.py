"""Demo: the Safer Homes coordinator may see restricted referrals, and has looked at some of them (with
reasons), so "Who has looked", the data-protection report and ``cspdesk audit views`` have something to show.
The looks join the audit log's hash chain like any other row (``storage/audit_chain``)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select

from cspdesk.core.demo.generate import DemoContext
from cspdesk.core.domain.restriction import SAFER_HOMES_RESTRICTED
from cspdesk.core.storage import audit_chain
from cspdesk.core.storage.models import AppUser, SaferHomesReferral

REASONS = (
    ("Opened", "Booking the security survey with the IDVA"),
    ("Works order printed", "Sending the works order to the locksmith"),
    ("Letter preview", "Follow-up letter to the safe address"),
    ("Opened", "MARAC action: confirming the works were fitted"),
    ("Summary printed", "Case file for the MARAC meeting"),
    ("Opened", "Client phoned the CVS about the doorbell"),
)


def demo_restricted_looks(ctx: DemoContext) -> dict[str, int]:
    s, rng = ctx.session, ctx.rng
    officers = s.scalars(select(AppUser).where(AppUser.role == "officer").order_by(AppUser.username)).all()
    if not officers:
        return {"restricted looks": 0}
    coordinator = officers[0]
    coordinator.permissions = sorted({*(coordinator.permissions or ()), SAFER_HOMES_RESTRICTED})
    referrals = s.execute(
        select(SaferHomesReferral.id, SaferHomesReferral.reference)
        .where(SaferHomesReferral.restricted.is_(True))
        .order_by(SaferHomesReferral.referred_on.desc())
        .limit(15)
    ).all()
    rows = []
    for rid, reference in referrals:
        for _ in range(rng.randint(1, 3)):
            what, reason = rng.choice(REASONS)
            day = ctx.today - timedelta(days=rng.randint(1, 120))
            at = datetime.combine(day, time(rng.randint(8, 17), rng.randint(0, 59)))
            rows.append(
                {
                    "at": at,
                    "username": coordinator.username,
                    "action": "view",
                    "entity_type": "safer_homes_referral",
                    "entity_id": rid,
                    "summary": f"{what}: restricted Safer Homes referral {reference}",
                    "details": {"reference": reference, "what": what, "reason": reason, "reused": False},
                }
            )
    rows.sort(key=lambda r: r["at"])
    s.flush()
    audit_chain.append(s, rows)
    return {"restricted looks": len(rows)}
