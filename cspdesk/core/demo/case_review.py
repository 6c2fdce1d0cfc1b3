"""Demo Case Reviews: the plan's 2022/23 (one application, met, reviewed, recommendations, plan delivered,
closed), a not-met application in 2023/24 whose appeal to the PCC was not upheld, and one open now."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from cspdesk.core.demo.generate import DemoContext
from cspdesk.core.domain.calendar import add_working_days
from cspdesk.core.domain.case_review import CaseReviewRules
from cspdesk.core.domain.case_review_clock import due_dates
from cspdesk.core.storage.models import (
    CaseAction,
    CaseParty,
    CaseReviewAppeal,
    CaseReviewApplication,
    CaseReviewCaseLink,
    CaseReviewVictimUpdate,
    ChronologyEntry,
    Incident,
    Person,
)

_RULES = CaseReviewRules()


def _case_before(ctx: DemoContext, before: date, used: set) -> dict:
    """The latest demo case reported before ``before`` (not already linked), else the earliest one."""
    fits = [c for c in ctx.cases if c["reported_on"] <= before and c["id"] not in used]
    case = (
        max(fits, key=lambda c: c["reported_on"]) if fits else min(ctx.cases, key=lambda c: c["reported_on"])
    )
    used.add(case["id"])
    return case


def _incidents(ctx: DemoContext, case: dict, days: list[date], agency: str = "SDDC") -> str | None:
    """Incidents reported by the case's complainant; returns the complainant's name (if a person)."""
    s = ctx.session
    party, forename, surname = s.execute(
        select(CaseParty.id, Person.forename, Person.surname)
        .outerjoin(Person, Person.id == CaseParty.person_id)
        .where(CaseParty.case_id == case["id"], CaseParty.role == "complainant")
    ).first() or (None, None, None)
    for d in days:
        inc = Incident(
            case_id=case["id"],
            occurred_at=datetime.combine(d, datetime.min.time()) + timedelta(hours=21),
            reported_on=d + timedelta(days=1),
            reporter_party_id=party,
            reporting_agency_id=ctx.agencies.get(agency),
            description="Youths throwing stones at the windows and shouting abuse",
            category=case["category"],
        )
        s.add(inc)
        s.flush()
        s.add(
            ChronologyEntry(
                case_id=case["id"],
                occurred_at=inc.occurred_at,
                kind="incident",
                summary=f"Incident: {inc.description}",
                author="system",
                related_type="incident",
                related_id=inc.id,
            )
        )
    return f"{forename} {surname}" if forename else None


def _application(
    ctx: DemoContext, ref: str, received: date, case: dict, applicant: str, **kw
) -> CaseReviewApplication:
    due = due_dates(received, _RULES)
    app = CaseReviewApplication(
        reference=ref,
        received_on=received,
        channel=kw.pop("channel", "email"),
        applicant_name=applicant,
        applicant_kind="person",
        applicant_contact=kw.pop("contact", ""),
        problem=kw.pop("problem"),
        officer_id=ctx.users[2] if len(ctx.users) > 2 else None,
        acknowledge_by=due.acknowledge_by,
        decide_by=due.decide_by,
        review_by=due.review_by,
        rules=_RULES.to_dict(),
        proceed_despite_not_met=False,
        **kw,
    )
    ctx.session.add(app)
    ctx.session.flush()
    ctx.session.add(CaseReviewCaseLink(application_id=app.id, case_id=case["id"]))
    ctx.session.add(
        ChronologyEntry(
            case_id=case["id"],
            occurred_at=datetime.combine(received, datetime.min.time()) + timedelta(hours=11),
            kind="status",
            summary=f"Case Review application {ref} received",
            author="system",
            related_type="case_review",
            related_id=app.id,
        )
    )
    return app


def _evidence(days: list[date], case: dict, received: date) -> dict:
    return {
        "count": len(days),
        "explanation": f"The records show {len(days)} qualifying complaints on case "
        f"{case['reference']} in the six months before {received:%d/%m/%Y}.",
    }


def demo_case_review(ctx: DemoContext) -> dict[str, int]:
    if not ctx.cases:
        return {}
    s, today, used = ctx.session, ctx.today, set()
    ag = ctx.agencies
    counts = {"case review applications": 0, "case review actions": 0}

    # 2022/23: the plan's one application - threshold met, reviewed, recommendations, delivered, closed.
    received = date(2022, 10, 17)
    days = [date(2022, 8, 12), date(2022, 9, 2), date(2022, 9, 23), date(2022, 10, 7)]
    case = _case_before(ctx, days[0], used)
    name = _incidents(ctx, case, days) or "Margaret Allsop"
    app = _application(
        ctx,
        "CR-2022-001",
        received,
        case,
        name,
        contact="14 Coppice Side, Swadlincote DE11 9AA",
        problem="Groups of youths gathering outside the home most evenings, throwing stones and shouting "
        "abuse; reported many times and the applicant feels nothing has changed.",
        status="closed",
        acknowledged_on=date(2022, 10, 24),
        threshold_met=True,
        threshold_evidence=_evidence(days, case, received),
        threshold_decided_on=date(2022, 11, 1),
        threshold_reasons="Four qualifying complaints in the six months before the application; the "
        "threshold of three is met.",
        decision_letter_sent_on=date(2022, 11, 2),
        review_meeting_on=date(2022, 11, 10),
        chair="Helen Wardle (independent chair)",
        chair_independent=True,
        bodies_represented=[
            "South Derbyshire District Council",
            "Derbyshire Constabulary",
            "Housing provider",
        ],
        victim_invited=True,
        victim_attended=True,
        minutes="Partners reviewed the incidents and the response to date. The victim described the impact "
        "on their health. Agreed the response had been fragmented; a joint plan was agreed.",
        decision="The response was not adequate; recommendations made and an action plan agreed.",
        recommendations_made=True,
        victim_consulted_on_plan=True,
        outcome_sent_on=date(2022, 11, 15),
        closed_on=date(2023, 2, 20),
        closure_reason="All actions delivered; no further reports since January.",
        victim_told_of_closure_on=date(2023, 2, 20),
    )
    for text, code, due, done in [
        (
            "Install a redeployable CCTV camera covering Coppice Side",
            "SDDC",
            date(2022, 12, 9),
            date(2022, 12, 5),
        ),
        ("Targeted SNT patrols 4pm-10pm for eight weeks", "SNT-SWAD", date(2023, 1, 13), date(2023, 1, 13)),
        (
            "Acceptable Behaviour Contracts for the two youths identified",
            "SNT-SWAD",
            date(2022, 12, 23),
            date(2022, 12, 20),
        ),
        ("Tenancy visits to the families concerned", "HOUSING", date(2022, 12, 16), date(2022, 12, 14)),
    ]:
        s.add(
            CaseAction(
                case_review_id=app.id,
                description=text,
                owner_agency_id=ag.get(code),
                due_on=due,
                status="done",
                completed_on=done,
                outcome="Completed",
                progress="Done as agreed.",
            )
        )
        counts["case review actions"] += 1
    for on, method, text in [
        (date(2022, 11, 15), "letter", "Outcome letter with the action plan sent."),
        (date(2022, 12, 16), "phone", "Told CCTV installed and ABCs signed."),
        (
            date(2023, 2, 20),
            "visit",
            "Visited: plan delivered, no reports since January; told the review is closing and why.",
        ),
    ]:
        s.add(
            CaseReviewVictimUpdate(
                application_id=app.id, updated_on=on, method=method, summary=text, author="Priya Khan"
            )
        )
    counts["case review applications"] += 1

    # 2023/24: threshold not met; appeal to the PCC not upheld.
    received = date(2023, 9, 4)
    if received < today:
        days = [date(2023, 8, 20)]
        case = _case_before(ctx, days[0], used)
        victim = _incidents(ctx, case, days, agency="POLICE") or "Keith Orme"
        app = _application(
            ctx,
            "CR-2023-001",
            received,
            case,
            "Cllr Dan Pegg",
            on_behalf_of=victim,
            third_party_relationship="Ward councillor",
            consent_recorded_on=date(2023, 9, 1),
            problem="Noise from a neighbour's garden parties over the summer.",
            status="closed",
            acknowledged_on=date(2023, 9, 8),
            threshold_met=False,
            threshold_evidence=_evidence(days, case, received),
            threshold_decided_on=date(2023, 9, 15),
            threshold_reasons="One qualifying complaint in six months; the noise team visited and found no "
            "statutory nuisance. No persistence or risk of harm identified.",
            decision_letter_sent_on=date(2023, 9, 18),
            closed_on=date(2023, 9, 18),
            closure_reason="Threshold not met; decision letter with the right of appeal sent.",
            victim_told_of_closure_on=date(2023, 9, 18),
        )
        s.flush()
        s.add(
            CaseReviewAppeal(
                application_id=app.id,
                against="threshold_decision",
                lodged_on=date(2023, 10, 2),
                lodged_from="closed",
                grounds="The impact on the victim's health was not considered.",
                outcome="not_upheld",
                outcome_on=date(2023, 10, 30),
                outcome_notes="The PCC found the decision was made correctly and reasons given.",
            )
        )
        counts["case review applications"] += 1

    # Open now: received ten working days ago, acknowledged, the threshold decision due soon.
    received = today - timedelta(days=12)
    while received.weekday() >= 5:
        received -= timedelta(days=1)
    if received > date(2023, 10, 1):
        days = [received - timedelta(days=n) for n in (70, 45, 21, 6)]
        case = _case_before(ctx, days[0], used)
        name = _incidents(ctx, case, days) or "Sandra Kirk"
        _application(
            ctx,
            f"CR-{received.year}-001" if received.year > 2023 else "CR-2023-002",
            received,
            case,
            name,
            contact="3 Midway Road, Midway DE11 7PG",
            channel="online_form",
            problem="Off-road bikes ridden across the field "
            "behind the house at night; one nearly hit a child.",
            status="acknowledged",
            acknowledged_on=min(today, add_working_days(received, 3)),
        )
        counts["case review applications"] += 1
    s.flush()
    return counts
