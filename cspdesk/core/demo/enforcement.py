"""Demo enforcement: warnings, ABCs, CPWs, CPNs, FPNs, prosecutions and police tools on demo cases.

The plan's year 2022/23 has exactly 56 CPWs, 11 CPNs following CPWs and 5 FPNs for CPN breaches; other
years have similar numbers, the current year up to ``ctx.today``. Above ``CASES_AT_PLAN_SCALE`` cases (the
benchmark databases) every count grows in proportion, so 100,000 cases get about 20,000 notices. Every
stage change is checked by the real state machine (``check_transition`` with its dates), every date comes
from ``compute_dates``, and a CPW or CPN only goes to someone 16 or over on the day. Rows are written with
bulk Core inserts.
"""

from __future__ import annotations

import bisect
import random
import uuid
from datetime import date, datetime, time, timedelta

from sqlalchemy import insert, select

from cspdesk.core.demo.generate import DemoContext, small_demo_scale
from cspdesk.core.domain.deadlines import EnforcementRules, NoticeDates, compute_dates, next_due
from cspdesk.core.domain.enforcement import NOUN, Stage, TransitionContext, check_transition
from cspdesk.core.domain.enforcement_guards import age_on
from cspdesk.core.domain.vocab import NoticeKind
from cspdesk.core.storage.models import (
    AppUser,
    ChronologyEntry,
    EnforcementNotice,
    NoticeEvent,
    NoticeInformedBody,
    NoticeRequirement,
)

K, S = NoticeKind, Stage
CASES_AT_PLAN_SCALE = 4500
PLAN_YEAR = 2022  # financial year 2022/23: the seed figures 56 / 11 / 5
# Notices a year at plan scale besides the CPW ladder (DOMAIN.md section 3 tools).
OTHER_PER_YEAR = {
    K.WARNING_LETTER: 80,
    K.ABC: 14,
    K.PROSECUTION: 2,
    K.CIVIL_INJUNCTION: 3,
    K.PSPO_FPN: 6,
    K.CLOSURE_NOTICE: 2,
    K.DISPERSAL_DIRECTION: 5,
}
CODE = {
    K.WARNING_LETTER: "WL",
    K.ABC: "ABC",
    K.CPW: "CPW",
    K.CPN: "CPN",
    K.FPN: "FPN",
    K.PROSECUTION: "PROS",
    K.CIVIL_INJUNCTION: "INJ",
    K.PSPO_FPN: "PSPO",
    K.CLOSURE_NOTICE: "CLN",
    K.CLOSURE_ORDER: "CLO",
    K.DISPERSAL_DIRECTION: "DISP",
}
CONDUCT = [
    (
        "Playing loud amplified music late at night",
        "Neighbours are kept awake and an elderly resident is distressed",
        "Stop playing amplified music audible outside the property between 11pm and 7am",
    ),
    (
        "Riding an off-road motorcycle on public open space",
        "Residents and children using the park are put at risk",
        "Stop riding any motor vehicle on Eureka Park and Maurice Lea Park",
    ),
    (
        "Accumulating waste and rubbish in the front garden",
        "Smell, vermin and blight on the street",
        "Remove all waste from the front garden and keep it clear",
    ),
    (
        "Verbal abuse and intimidation of neighbours",
        "Neighbours are afraid to leave their homes",
        "Stop verbally abusing or intimidating residents of the street",
    ),
    (
        "Allowing a dog to bark persistently and roam unsupervised",
        "Residents are frightened and kept awake",
        "Keep the dog on a lead in public and inside the property between 10pm and 7am",
    ),
    (
        "Congregating and drinking alcohol in the town centre",
        "Shoppers and traders are intimidated",
        "Stop consuming alcohol in a public place in Swadlincote town centre",
    ),
]
BODIES = ["Derbyshire Constabulary SNT", "South Derbyshire housing", "Derbyshire County Council", "Landlord"]
SERVICE = ["Hand delivered", "First class post", "Hand delivered", "Served in person by PCSO"]


class _Writer:
    """Collects rows; every move goes through the state machine with the notice's real dates."""

    def __init__(self, ctx: DemoContext, rng: random.Random, officers: dict[uuid.UUID, str]):
        now = self.now = ctx.now
        self.base = {"created_at": now, "updated_at": now, "version": 1}
        self.ctx, self.rng, self.today, self.officers = ctx, rng, ctx.today, officers
        self.rules = EnforcementRules()
        self.notices: list[dict] = []
        self.events: list[dict] = []
        self.reqs: list[dict] = []
        self.informed: list[dict] = []
        self.chron: list[dict] = []
        self.dates: dict[uuid.UUID, NoticeDates] = {}
        self.reviewed: dict[uuid.UUID, date] = {}

    def notice(self, kind: NoticeKind, perp: dict, on: date, parent: dict | None = None, **dates_kw) -> dict:
        rng = self.rng
        officer = rng.choice(list(self.officers))
        conduct, effect, requirement = rng.choice(CONDUCT) if parent is None else parent["_conduct"]
        dates = compute_dates(kind, on, self.rules, **dates_kw)
        nid = uuid.uuid4()
        self.dates[nid] = dates
        row = {
            "id": nid,
            "reference": "",
            "case_id": perp["case"],
            "party_id": perp["id"],
            "kind": kind.value,
            "stage": S.DRAFT.value,
            "parent_id": parent["id"] if parent else None,
            "conduct": conduct,
            "detrimental_effect": effect if kind in (K.CPW, K.CPN) else None,
            "issuing_officer_id": officer,
            "authority": "South Derbyshire District Council",
            "served_on": on,
            "service_method": rng.choice(SERVICE),
            **dates.columns(),
            "amount_pence": 10_000 if kind in (K.FPN, K.PSPO_FPN) else None,
            "discount_amount_pence": 7_500 if kind is K.FPN else None,
            "paid_on": None,
            "last_reviewed_on": None,
            "outcome": None,
            "document_due": (self.today - on).days < 7,
            "rules": self.rules.to_dict(),
            "next_due_on": None,
            "next_due_what": None,
            "_conduct": (conduct, effect, requirement),
            "_perp": perp,
            **self.base,
        }
        self.notices.append(row)
        self._event(row, None, S.DRAFT, on)
        first = {K.PROSECUTION: S.PROSECUTION}.get(
            kind,
            S.RECORDED
            if kind
            in (K.CIVIL_INJUNCTION, K.PSPO_FPN, K.CLOSURE_NOTICE, K.CLOSURE_ORDER, K.DISPERSAL_DIRECTION)
            else S.ISSUED,
        )
        self.move(row, first, on)
        if kind in (K.CPW, K.CPN, K.ABC):
            self.reqs.append(
                {
                    "id": uuid.uuid4(),
                    "notice_id": nid,
                    "kind": "stop",
                    "text": requirement,
                    "due_on": None,
                    **self.base,
                }
            )
            if rng.random() < 0.4:
                self.reqs.append(
                    {
                        "id": uuid.uuid4(),
                        "notice_id": nid,
                        "kind": "do",
                        "text": "Attend a meeting with the Community Safety team",
                        "due_on": on + timedelta(days=14),
                        **self.base,
                    }
                )
        if kind is K.CPN:
            for body in rng.sample(BODIES, 2):
                self.informed.append(
                    {
                        "id": uuid.uuid4(),
                        "notice_id": nid,
                        "body": body,
                        "informed_on": on - timedelta(days=rng.randint(1, 5)),
                        **self.base,
                    }
                )
        return row

    def move(
        self, row: dict, to: Stage, on: date, reason: str | None = None, details: dict | None = None
    ) -> bool:
        """Record a stage change if it has happened by today; the state machine checks order and dates."""
        if on > self.today:
            return False
        frm = row["stage"]
        ctx = TransitionContext(
            on, self.dates[row["id"]], "Accepted late by the court" if to is S.APPEAL_LODGED else ""
        )
        check_transition(row["kind"], frm, to, ctx if frm != S.DRAFT.value else None)
        row["stage"] = to.value
        self._event(row, frm, to, on, reason, details)
        return True

    def _event(
        self, row, frm, to: Stage, on: date, reason=None, details=None, event="stage", what: str | None = None
    ) -> None:
        officer = self.officers[row["issuing_officer_id"]]
        self.events.append(
            {
                "id": uuid.uuid4(),
                "notice_id": row["id"],
                "occurred_on": on,
                "event": event,
                "from_stage": frm,
                "to_stage": to.value,
                "officer": officer,
                "reason": reason,
                "override_reason": None,
                "details": details,
                **self.base,
                "created_at": self._stamp(len(self.events)),
            }
        )
        if frm is None:
            return
        what = what or (
            f"issued to {row['_perp']['name']}"
            if to is S.ISSUED
            else f"recorded against {row['_perp']['name']}"
            if to is S.RECORDED
            else to.label
        )
        # The summary is finished in write(), once the notice has its reference.
        self.chron.append(
            {
                "id": uuid.uuid4(),
                "case_id": row["case_id"],
                "occurred_at": datetime.combine(on, time(12)),
                "kind": "notice",
                "summary": what,
                "body": reason,
                "author": officer,
                "related_type": "notice",
                "related_id": row["id"],
                "corrects_id": None,
                "superseded": False,
                "_row": row,
                **self.base,
                "created_at": self._stamp(len(self.chron)),
            }
        )

    def _stamp(self, n: int) -> datetime:
        """Rows of one day are listed by ``created_at``: one microsecond apart keeps them in the order
        they happened on any database (an equal stamp leaves the order to chance on PostgreSQL)."""
        return self.now + timedelta(microseconds=n)

    def review(self, row: dict, on: date) -> None:
        if on <= self.today:
            self.reviewed[row["id"]] = on
            row["last_reviewed_on"] = on
            self._event(
                row,
                row["stage"],
                S(row["stage"]),
                on,
                "Review held",
                None,
                event="review",
                what="review held",
            )

    def write(self) -> None:
        seq: dict[str, int] = {}
        for row in sorted(self.notices, key=lambda r: (r["issued_on"], r["kind"])):
            prefix = f"{CODE[K(row['kind'])]}-{row['issued_on'].year}-"
            seq[prefix] = seq.get(prefix, 0) + 1
            row["reference"] = f"{prefix}{seq[prefix]:04d}"
            due = next_due(
                row["kind"],
                row["stage"],
                self.dates[row["id"]],
                self.today,
                last_reviewed_on=row["last_reviewed_on"],
            )
            row["next_due_on"], row["next_due_what"] = (due.on, due.what) if due else (None, None)
        for c in self.chron:
            row = c.pop("_row")
            c["summary"] = f"{NOUN[K(row['kind'])]} {row['reference']}: {c['summary']}"[:500]
        notices = [{k: v for k, v in r.items() if not k.startswith("_")} for r in self.notices]
        s = self.ctx.session
        for model, rows in (
            (EnforcementNotice, notices),
            (NoticeRequirement, self.reqs),
            (NoticeEvent, self.events),
            (NoticeInformedBody, self.informed),
            (ChronologyEntry, self.chron),
        ):
            for start in range(0, len(rows), 10_000):
                s.execute(insert(model), rows[start : start + 10_000])


class _Picker:
    """Perpetrators whose case was open before a date, the recent ones more likely (the ladder follows
    the reports)."""

    def __init__(self, perps: list[dict], rng: random.Random):
        self.perps = sorted(perps, key=lambda p: p["reported"])
        self.reported = [p["reported"] for p in self.perps]
        self.rng = rng
        self.warned: set[uuid.UUID] = set()

    def pick(self, on: date, min_age: int = 0, fresh: bool = False) -> dict | None:
        hi = bisect.bisect_right(self.reported, on - timedelta(days=3))
        lo = bisect.bisect_left(self.reported, on - timedelta(days=365))
        if hi <= lo:
            return None
        for attempt in range(60):
            p = self.perps[self.rng.randrange(lo, hi)]
            if min_age and (p["dob"] is None or age_on(p["dob"], on) < min_age):
                continue
            if fresh and attempt < 40 and p["person_id"] in self.warned:
                continue
            if fresh:
                self.warned.add(p["person_id"])
            return p
        return None


def _known(d: date | None) -> date:
    """A date the notice's kind always has (``compute_dates`` sets it for that kind): None here is a bug in
    the rules, not something to write a demo row around."""
    if d is None:
        raise ValueError("compute_dates left out a date this kind of notice always has")
    return d


def _day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _pick_on(
    w: _Writer, picker: _Picker, start: date, end: date, min_age: int = 0, fresh: bool = False
) -> tuple[date, dict] | None:
    for _ in range(30):
        on = _day(w.rng, start, end)
        perp = picker.pick(on, min_age, fresh)
        if perp is not None:
            return on, perp
    return None


def _ladder(w: _Writer, picker: _Picker, start: date, end: date, n_cpw: int, n_cpn: int, n_fpn: int) -> None:
    """CPWs issued in the year; ``n_cpn`` of them lead to a CPN and ``n_fpn`` of those CPNs to an FPN, all
    within the same year so the year's counts are exact."""
    rng = w.rng
    for i in range(n_cpw):
        role = "fpn" if i < n_fpn else "cpn" if i < n_cpn else "plain"
        room = {"fpn": 110, "cpn": 45, "plain": 0}[role]
        if (end - start).days < room:
            role, room = "plain", 0
        picked = _pick_on(w, picker, start, end - timedelta(days=room), 16, fresh=True)
        if picked is None:
            continue
        on, perp = picked
        cpw = w.notice(K.CPW, perp, on)
        comply_by = _known(w.dates[cpw["id"]].comply_by)
        if role == "plain":
            _cpw_outcome(w, cpw, comply_by)
            continue
        breach_on = comply_by + timedelta(days=rng.randint(1, 10))
        w.move(cpw, S.BREACHED, breach_on, "Further reports after the comply-by date")
        cpn_on = breach_on + timedelta(days=rng.randint(1, 10))
        cpn = w.notice(K.CPN, perp, cpn_on, parent=cpw)
        w.move(cpw, S.ESCALATED, cpn_on, "CPN issued")
        if role == "fpn":
            _cpn_to_fpn(w, cpn, perp)
        else:
            _cpn_outcome(w, cpn)


def _cpw_outcome(w: _Writer, cpw: dict, comply_by: date) -> None:
    rng, d = w.rng, w.dates[cpw["id"]]
    r = rng.random()
    if r < 0.05:
        w.move(
            cpw, S.WITHDRAWN, d.issued_on + timedelta(days=rng.randint(1, 10)), "Sent to the wrong address"
        )
    elif comply_by >= w.today - timedelta(days=30) and r < 0.45:
        return  # still waiting for the comply-by date, or past it and not yet recorded: on the due list
    elif r < 0.8:
        w.move(cpw, S.COMPLIED, comply_by + timedelta(days=rng.randint(1, 10)), "No further reports")
    elif w.move(cpw, S.BREACHED, comply_by + timedelta(days=rng.randint(1, 20)), "Behaviour continued"):
        w.move(cpw, S.LAPSED, _known(d.lapses_on), "No CPN followed within six months")


def _cpn_active(w: _Writer, cpn: dict) -> bool:
    rng, d = w.rng, w.dates[cpn["id"]]
    if rng.random() < 0.12:
        lodged = d.issued_on + timedelta(days=rng.randint(3, 19))
        if not w.move(cpn, S.APPEAL_LODGED, lodged, "Appeal to Southern Derbyshire Magistrates' Court"):
            return False
        decided = lodged + timedelta(days=rng.randint(20, 50))
        outcome = rng.choices([S.DISMISSED, S.QUASHED, S.MODIFIED], [5, 3, 2])[0]
        if not w.move(cpn, outcome, decided, f"Appeal {outcome.label}"):
            return False
        cpn["outcome"] = f"Appeal {outcome.label} by the magistrates"
        return outcome is not S.QUASHED and w.move(cpn, S.ACTIVE, decided, "In force after the appeal")
    active_on = _known(d.appeal_by) + timedelta(days=rng.randint(1, 5))
    return w.move(cpn, S.ACTIVE, active_on, "Appeal window closed")


def _cpn_outcome(w: _Writer, cpn: dict) -> None:
    rng, d = w.rng, w.dates[cpn["id"]]
    if not _cpn_active(w, cpn):
        return
    r = rng.random()
    if r < 0.2:
        w.move(cpn, S.COMPLIED, d.issued_on + timedelta(days=rng.randint(60, 300)), "Requirements met")
    elif r < 0.27:
        w.move(cpn, S.WITHDRAWN, d.issued_on + timedelta(days=rng.randint(60, 300)), "Recipient moved away")
    elif r < 0.35:
        breach = _known(d.appeal_by) + timedelta(days=rng.randint(20, 90))
        if w.move(cpn, S.BREACHED, breach, "Breach witnessed by PCSO") and w.move(
            cpn, S.PROSECUTION, breach + timedelta(days=rng.randint(5, 20)), "Summons for s.48 offence"
        ):
            done = breach + timedelta(days=rng.randint(40, 100))
            if w.move(cpn, S.OUTCOME, done, "Convicted; fined and remedial order (s.49)"):
                cpn["outcome"] = "Convicted; fined £300 and a remedial order"
                w.move(cpn, S.ACTIVE, done, "Notice remains in force")


def _cpn_to_fpn(w: _Writer, cpn: dict, perp: dict) -> None:
    rng, d = w.rng, w.dates[cpn["id"]]
    active = _known(d.appeal_by) + timedelta(days=1)
    breach = active + timedelta(days=rng.randint(5, 30))
    if not (
        w.move(cpn, S.ACTIVE, active, "Appeal window closed")
        and w.move(cpn, S.BREACHED, breach, "Breach witnessed by officer")
    ):
        return
    fpn_on = breach + timedelta(days=rng.randint(0, 5))
    fpn = w.notice(K.FPN, perp, fpn_on, parent=cpn)
    w.move(cpn, S.FPN_ISSUED, fpn_on, "Fixed penalty offered")
    f = w.dates[fpn["id"]]
    pay_by = _known(f.pay_by)
    r = rng.random()
    if r < 0.65:
        paid = fpn_on + timedelta(days=rng.randint(1, 14))
        if w.move(fpn, S.PAID, paid, "Paid online"):
            fpn["paid_on"] = paid
            w.move(cpn, S.PAID, paid) and w.move(cpn, S.ACTIVE, paid, "Notice remains in force")
    elif r < 0.9 or pay_by < w.today - timedelta(
        days=10
    ):  # an unpaid penalty is not left unrecorded for long
        if w.move(fpn, S.UNPAID, pay_by + timedelta(days=1)) and w.move(
            cpn, S.UNPAID, pay_by + timedelta(days=1)
        ):
            pros = _known(f.earliest_prosecution_on) + timedelta(days=rng.randint(0, 20))
            if w.move(fpn, S.PROSECUTION, pros, "Summons for s.48 offence") and w.move(
                cpn, S.PROSECUTION, pros
            ):
                done = pros + timedelta(days=rng.randint(30, 90))
                if w.move(fpn, S.OUTCOME, done) and w.move(cpn, S.OUTCOME, done):
                    fpn["outcome"] = cpn["outcome"] = "Convicted; fined £250"
                    w.move(cpn, S.ACTIVE, done, "Notice remains in force")


def _other(w: _Writer, picker: _Picker, kind: NoticeKind, start: date, end: date, n: int) -> None:
    rng = w.rng
    min_age = 10 if kind in (K.CIVIL_INJUNCTION, K.DISPERSAL_DIRECTION) else 0
    for _ in range(n):
        picked = _pick_on(w, picker, start, end, min_age)
        if picked is None:
            continue
        on, perp = picked
        if kind is K.WARNING_LETTER:
            row = w.notice(kind, perp, on)
            to = rng.choices([S.COMPLIED, S.BREACHED, S.ENDED], [6, 2, 2])[0]
            w.move(row, to, on + timedelta(days=rng.randint(14, 60)))
        elif kind is K.ABC:
            row = w.notice(kind, perp, on)
            d = w.dates[row["id"]]
            for review in d.review_dates:
                if review < w.today - timedelta(days=30) or rng.random() < 0.6:
                    w.review(row, review)
            w.move(
                row,
                rng.choices([S.COMPLIED, S.BREACHED, S.ENDED], [6, 2, 2])[0],
                _known(d.expires_on) + timedelta(days=rng.randint(0, 7)),
            )
        elif kind is K.PROSECUTION:
            row = w.notice(kind, perp, on)
            if w.move(row, S.OUTCOME, on + timedelta(days=rng.randint(30, 120))):
                row["outcome"] = "Convicted"
        elif kind is K.CIVIL_INJUNCTION:
            row = w.notice(kind, perp, on, ends_on=on + timedelta(days=365))
            w.move(row, S.ENDED, _known(w.dates[row["id"]].expires_on))
        elif kind is K.CLOSURE_NOTICE:
            row = w.notice(kind, perp, on, served_at=datetime.combine(on, time(14)))
            heard = on + timedelta(days=rng.randint(1, 2))
            if heard <= w.today:
                order = w.notice(K.CLOSURE_ORDER, perp, heard, parent=row)
                w.move(row, S.ENDED, heard, "Closure order made")
                w.move(order, S.ENDED, _known(w.dates[order["id"]].expires_on))
        elif kind is K.PSPO_FPN:
            row = w.notice(kind, perp, on)
            w.move(row, S.ENDED, _known(w.dates[row["id"]].pay_by) + timedelta(days=1), "Paid")
        else:
            row = w.notice(kind, perp, on)
            w.move(row, S.ENDED, on + timedelta(days=2), "Direction ended after 48 hours")


def _reviews(w: _Writer) -> None:
    """CPNs in force are reviewed on their review date, bar a few recent ones
    still waiting (due or overdue)."""
    for row in w.notices:
        review_on = w.dates[row["id"]].review_on
        if (
            row["kind"] != K.CPN.value
            or row["stage"] != S.ACTIVE.value
            or not review_on
            or review_on > w.today
        ):
            continue
        if review_on < w.today - timedelta(days=45) or w.rng.random() < 0.5:
            w.review(row, min(w.today, review_on + timedelta(days=w.rng.randint(0, 7))))


def demo_enforcement(ctx: DemoContext) -> dict[str, int]:
    rng = random.Random(ctx.rng.getrandbits(32))
    officers = dict(
        ctx.session.execute(select(AppUser.id, AppUser.display_name).where(AppUser.id.in_(ctx.users)))
        .tuples()
        .all()
    )
    perps = [p for p in ctx.perpetrators if p.get("person_id")]
    if not officers or not perps:
        return {"enforcement notices": 0}
    # In proportion below a small demo, the plan's figures up to CASES_AT_PLAN_SCALE, in proportion above it.
    scale = small_demo_scale(len(ctx.cases)) * max(1.0, len(ctx.cases) / CASES_AT_PLAN_SCALE)
    w = _Writer(ctx, rng, officers)
    picker = _Picker(perps, rng)
    year = PLAN_YEAR
    while date(year, 4, 1) <= ctx.today:
        start, end = date(year, 4, 1), min(date(year + 1, 3, 31), ctx.today)
        share = ((end - start).days + 1) / 365
        if year == PLAN_YEAR:
            n_cpw, n_cpn, n_fpn = (round(n * scale) for n in (56, 11, 5))
        else:
            n_cpw = round(rng.uniform(48, 64) * share * scale)
            n_cpn = round(n_cpw * rng.uniform(0.16, 0.24))
            n_fpn = round(n_cpn * rng.uniform(0.35, 0.55))
        _ladder(w, picker, start, end, n_cpw, n_cpn, n_fpn)
        for kind, n in OTHER_PER_YEAR.items():
            _other(w, picker, kind, start, end, round(n * share * scale * rng.uniform(0.85, 1.15)))
        year += 1
    _reviews(w)
    w.write()
    return {"enforcement notices": len(w.notices), "notice events": len(w.events)}
