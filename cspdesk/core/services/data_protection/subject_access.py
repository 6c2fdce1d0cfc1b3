"""Subject access: find every record about a person, and put together what they are given.

``find`` matches people on cases (``person``), Safer Homes clients and Case Review applicants by name, date of
birth and address, and says which of the three matched; the officer confirms which are the same person.
``bundle`` reads what the confirmed records hold about them — their details, cases, incidents they reported
or were named in, notices served on them, actions, letters sent to them, Safer Homes referrals, Case Review
applications — and redacts everyone else (``domain.data_subject.Redactor``): other parties' names,
addresses, phones and e-mail addresses in free text and in lists read "[redacted]". The PDF
(``subject_access_print``) and the CSV are made from the same ``SubjectBundle``, so they cannot disagree.
Restricted referrals follow the protection rules: only someone who may see them finds or bundles them. Every
search and bundle is audited by request reference.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import false, func, or_, select

from cspdesk.core.domain.data_subject import Redactor
from cspdesk.core.domain.protection import can_see_restricted
from cspdesk.core.domain.vocab import Role
from cspdesk.core.errors import PermissionDenied, ValidationError
from cspdesk.core.services.context import Actor
from cspdesk.core.services.data_protection.data_protection_csv import write_csv
from cspdesk.core.storage.models import (
    Address,
    Agency,
    AsbCase,
    CaseAction,
    CaseParty,
    CaseReviewApplication,
    ChronologyEntry,
    Document,
    EnforcementNotice,
    Incident,
    NoticeRequirement,
    Organisation,
    Person,
    SaferHomesMeasure,
    SaferHomesReferral,
)
from cspdesk.core.storage.uow import UnitOfWork


@dataclass(frozen=True)
class SubjectMatch:
    key: str  # "person:<id>", "referral:<id>", "case_review:<id>": what the officer confirms
    source: str  # "Person on cases", "Safer Homes client", "Case Review applicant"
    name: str
    date_of_birth: date | None
    address: str
    matched_on: tuple[str, ...]  # "name", "date of birth", "address"
    records: str  # "3 cases", "SH-2024-0012"


@dataclass(frozen=True)
class FindResult:
    matches: tuple[SubjectMatch, ...]
    hidden_restricted: int  # restricted Safer Homes clients that may match, not shown to this viewer


@dataclass(frozen=True)
class BundleItem:
    reference: str
    on: date | None
    heading: str
    text: str


@dataclass(frozen=True)
class BundleSection:
    title: str
    intro: str
    items: tuple[BundleItem, ...]


@dataclass(frozen=True)
class SubjectBundle:
    request_reference: str
    subject_name: str
    subject_address: str | None
    received_on: date
    due_on: date
    prepared_on: date
    officer: str
    letterhead: dict[str, str]
    sections: tuple[BundleSection, ...]
    redactions: int = field(default=0)


def _address_text(a: Address | None) -> str:
    if a is None:
        return ""
    return ", ".join(p for p in (a.place_name, a.line1, a.line2, a.town, a.postcode) if p)


def _norm(text: str | None) -> str:
    return " ".join((text or "").lower().replace(",", " ").split())


def _address_matches(wanted: str | None, *have: str | None) -> bool:
    """The address typed shares its first line or its postcode with one held."""
    w = _norm(wanted)
    return bool(w) and any(h and (_norm(h) in w or w in _norm(h)) for h in have)


CSV_COLUMNS = ("section", "reference", "date", "item", "text")


class SubjectAccessService:
    def __init__(
        self,
        uow: Callable[[str], UnitOfWork],
        settings,
        requests,
        today: Callable[[], date],
        render_pdf: Callable[[SubjectBundle, Path], Path] | None = None,
    ):
        self._uow = uow
        self._settings = settings
        self._requests = requests
        self._today = today
        self._render_pdf = render_pdf

    # ----- finding the person

    def find(
        self,
        actor: Actor,
        name: str,
        date_of_birth: date | None = None,
        address: str | None = None,
        request_reference: str | None = None,
    ) -> FindResult:
        actor.require(Role.OFFICER, "search for a data subject's records")
        words = [w for w in _norm(name).split() if len(w) >= 2]
        if not words:
            raise ValidationError({"name": "Give at least a surname to search for."})
        surname = words[-1]
        out: list[SubjectMatch] = []
        hidden = 0
        with self._uow(actor.username) as uow:
            s = uow.session
            people = s.execute(
                select(Person, Address)
                .outerjoin(Address, Address.id == Person.address_id)
                .where(
                    or_(
                        func.lower(Person.surname) == surname,
                        (Person.date_of_birth == date_of_birth) if date_of_birth else false(),
                    )
                )
                .limit(500)
            ).all()
            for p, a in people:
                full = f"{p.forename} {p.surname}"
                why = []
                if _norm(p.surname) == surname and (
                    len(words) == 1
                    or _norm(p.forename).split()[:1] == words[:1]
                    or _norm(p.known_as) == words[0]
                ):
                    why.append("name")
                if date_of_birth and p.date_of_birth == date_of_birth:
                    why.append("date of birth")
                if address and a is not None and _address_matches(address, a.line1, a.postcode):
                    why.append("address")
                if not why or why == ["address"]:
                    continue
                n = s.scalar(
                    select(func.count(func.distinct(CaseParty.case_id))).where(CaseParty.person_id == p.id)
                )
                out.append(
                    SubjectMatch(
                        f"person:{p.id}",
                        "Person on cases",
                        full,
                        p.date_of_birth,
                        _address_text(a),
                        tuple(why),
                        f"{n} case(s)",
                    )
                )
            may_see = can_see_restricted(actor.viewer)
            for r in s.scalars(
                select(SaferHomesReferral).where(
                    or_(
                        func.lower(SaferHomesReferral.client_name).like(f"%{surname}%"),
                        (SaferHomesReferral.client_date_of_birth == date_of_birth)
                        if date_of_birth
                        else false(),
                    )
                )
            ):
                why = []
                if surname in _norm(r.client_name).split() and (
                    len(words) == 1 or words[0] in _norm(r.client_name)
                ):
                    why.append("name")
                if date_of_birth and r.client_date_of_birth == date_of_birth:
                    why.append("date of birth")
                if address and _address_matches(address, r.address_line1, r.postcode):
                    why.append("address")
                if not why:
                    continue
                if r.restricted and not may_see:
                    hidden += 1
                    continue
                out.append(
                    SubjectMatch(
                        f"referral:{r.id}",
                        "Safer Homes client" + (" (restricted)" if r.restricted else ""),
                        r.client_name or "",
                        r.client_date_of_birth,
                        ", ".join(x for x in (r.address_line1, r.town, r.postcode) if x),
                        tuple(why),
                        r.reference,
                    )
                )
            for a in s.scalars(
                select(CaseReviewApplication).where(
                    func.lower(CaseReviewApplication.applicant_name).like(f"%{surname}%")
                )
            ):
                if surname in _norm(a.applicant_name).split():
                    out.append(
                        SubjectMatch(
                            f"case_review:{a.id}",
                            "Case Review applicant",
                            a.applicant_name,
                            None,
                            "",
                            ("name",),
                            a.reference,
                        )
                    )
            uow.audit(
                "view",
                "data_subject_request",
                None,
                f"Data subject search{' for ' + request_reference if request_reference else ''}: "
                f"{len(out)} match(es)",
                {"request": request_reference},
            )
            uow.commit()
        out.sort(key=lambda m: (-len(m.matched_on), m.source, m.name))
        return FindResult(tuple(out), hidden)

    # ----- the bundle

    def bundle(
        self, actor: Actor, request_reference: str, matches: list[str], also_redact: list[str] | None = None
    ) -> SubjectBundle:
        """What the person is given, from the records the officer confirmed (``SubjectMatch.key`` values).

        Everyone CSPDesk knows is redacted wherever they appear; ``also_redact`` adds what the officer found
        on reading the draft that CSPDesk could not know (a neighbour named only in an incident's words)."""
        actor.require(Role.OFFICER, "prepare a subject access bundle")
        req = self._requests.get(actor, request_reference)
        ids: dict[str, list[uuid.UUID]] = {"person": [], "referral": [], "case_review": []}
        for key in matches:
            kind, _, raw = key.partition(":")
            try:
                ids[kind].append(uuid.UUID(raw))
            except (KeyError, ValueError):
                raise ValidationError({"matches": f"{key}: not a match from the search."}) from None
        if not any(ids.values()):
            raise ValidationError({"matches": "Confirm at least one record as the person's."})
        self._requests.confirm(actor, request_reference, matches)
        with self._uow(actor.username) as uow:
            sections, redactions = _read_bundle(
                uow.session, actor, ids, [t for t in (also_redact or ()) if t and t.strip()]
            )
            uow.audit(
                "view",
                "data_subject_request",
                None,
                f"Subject access bundle prepared for {req.reference}",
                {"request": req.reference, "records": len(matches)},
            )
            uow.commit()
        letterhead = {
            k.split(".", 1)[1]: str(self._settings.get(k) or "")
            for k in ("council.name", "council.team", "council.address", "council.phone", "council.email")
        }
        return SubjectBundle(
            req.reference,
            req.subject_name,
            req.subject_address,
            req.received_on,
            req.due_on,
            self._today(),
            actor.display_name,
            letterhead,
            tuple(sections),
            redactions,
        )

    @staticmethod
    def bundle_csv(bundle: SubjectBundle) -> str:
        return write_csv(
            CSV_COLUMNS,
            (
                [
                    section.title,
                    item.reference,
                    item.on.isoformat() if item.on else "",
                    item.heading,
                    item.text,
                ]
                for section in bundle.sections
                for item in section.items
            ),
        )

    def write(self, bundle: SubjectBundle, folder: Path) -> tuple[Path, Path]:
        """The PDF letter and the CSV, named by the request reference (never the person's name)."""
        folder = Path(folder)
        if not folder.is_dir():
            raise ValidationError({"folder": f"{folder}: no such folder."})
        pdf = folder / f"{bundle.request_reference}-subject-access.pdf"
        table = folder / f"{bundle.request_reference}-subject-access.csv"
        if self._render_pdf is None:
            raise RuntimeError("SubjectAccessService was built without a PDF renderer")
        self._render_pdf(bundle, pdf)
        table.write_text(self.bundle_csv(bundle), encoding="utf-8", newline="")
        return pdf, table


def _read_bundle(
    s, actor: Actor, ids: dict[str, list[uuid.UUID]], also_redact: list[str]
) -> tuple[list[BundleSection], int]:
    """Read and redact (one session). Returns the sections and how many redactions were made."""
    persons = (
        [
            (p, a)
            for p, a in s.execute(
                select(Person, Address)
                .outerjoin(Address, Address.id == Person.address_id)
                .where(Person.id.in_(ids["person"]))
            )
        ]
        if ids["person"]
        else []
    )
    referrals = (
        list(s.scalars(select(SaferHomesReferral).where(SaferHomesReferral.id.in_(ids["referral"]))))
        if ids["referral"]
        else []
    )
    if any(r.restricted for r in referrals) and not can_see_restricted(actor.viewer):
        raise PermissionDenied(
            "A restricted Safer Homes referral can only be included by someone allowed to see it."
        )
    reviews = (
        list(s.scalars(select(CaseReviewApplication).where(CaseReviewApplication.id.in_(ids["case_review"]))))
        if ids["case_review"]
        else []
    )
    own_parties = (
        list(s.scalars(select(CaseParty).where(CaseParty.person_id.in_(ids["person"]))))
        if ids["person"]
        else []
    )
    party_ids = {p.id for p in own_parties}
    case_ids = {p.case_id for p in own_parties}
    cases = {c.id: c for c in s.scalars(select(AsbCase).where(AsbCase.id.in_(case_ids)))} if case_ids else {}

    # Who else is on these records: everything that names or reaches them is redacted.
    subject_terms: list[str | None] = []
    for p, a in persons:
        subject_terms += [f"{p.forename} {p.surname}", p.forename, p.surname, p.known_as, p.phone, p.email]
        if a is not None:
            subject_terms += [a.line1, a.postcode]
    for r in referrals:
        subject_terms += [
            r.client_name,
            *(r.client_name or "").split(),
            r.address_line1,
            r.postcode,
            *[ph.get("number") for ph in (r.phones or [])],
        ]
    for app in reviews:
        subject_terms += [app.applicant_name, *app.applicant_name.split()]
    third: list[str | None] = []
    others = (
        s.execute(
            select(CaseParty, Person, Organisation, Address)
            .outerjoin(Person, Person.id == CaseParty.person_id)
            .outerjoin(Organisation, Organisation.id == CaseParty.organisation_id)
            .outerjoin(Address, Address.id == func.coalesce(Person.address_id, Organisation.address_id))
            .where(CaseParty.case_id.in_(case_ids), CaseParty.id.not_in(party_ids))
        ).all()
        if case_ids
        else []
    )
    for _party, p, o, a in others:
        if p is not None and p.id not in ids["person"]:
            third += [f"{p.forename} {p.surname}", p.forename, p.surname, p.known_as, p.phone, p.email]
        if o is not None:
            third += [o.name, o.contact_name, o.phone, o.email]
        if a is not None and (p is None or p.id not in ids["person"]):
            third += [a.line1, a.postcode]
    incidents = (
        list(s.scalars(select(Incident).where(Incident.case_id.in_(case_ids)).order_by(Incident.occurred_at)))
        if case_ids
        else []
    )
    third += [i.reporter_name for i in incidents]
    for r in referrals:
        third += [r.perpetrator_name, r.landlord_name, r.safe_contact]
    for app in reviews:
        third += [app.on_behalf_of]
    third += also_redact
    known = [
        f"{f} {n}"
        for f, n in s.execute(select(Person.forename, Person.surname).where(Person.id.not_in(ids["person"])))
    ]
    known += [
        n
        for n in s.scalars(
            select(SaferHomesReferral.client_name).where(SaferHomesReferral.id.not_in(ids["referral"]))
        )
        if n
    ]
    red = Redactor.of(third, subject_terms, known)
    count = 0

    def clean(text: str | None) -> str:
        nonlocal count
        out = red.redact(text)
        count += out.count("[redacted]") - (text or "").count("[redacted]")
        return out

    sections: list[BundleSection] = []
    details = []
    for p, a in persons:
        details.append(
            BundleItem(
                "",
                p.date_of_birth,
                "Name, date of birth, address, contact",
                "; ".join(
                    x
                    for x in (
                        f"{p.title + ' ' if p.title else ''}{p.forename} {p.surname}",
                        f"known as {p.known_as}" if p.known_as else "",
                        _address_text(a),
                        p.phone,
                        p.email,
                    )
                    if x
                ),
            )
        )
    sections.append(
        BundleSection(
            "Your details as we hold them", "The personal details recorded about you.", tuple(details)
        )
    )

    case_items = []
    role_of = {p.case_id: p.role for p in own_parties}
    for c in sorted(cases.values(), key=lambda c: c.reported_on):
        case_items.append(
            BundleItem(
                c.reference,
                c.reported_on,
                f"Case ({role_of[c.id]}), {c.status}",
                clean(f"{c.title}. {c.description or ''}".strip())
                + (f" Closed {c.closed_on:%d/%m/%Y}." if c.closed_on else ""),
            )
        )
        for party, *_rest in others:
            if party.case_id == c.id:
                case_items.append(BundleItem(c.reference, None, f"Other party ({party.role})", "[redacted]"))
        for line in s.scalars(
            select(ChronologyEntry)
            .where(ChronologyEntry.case_id == c.id, ChronologyEntry.superseded.is_(False))
            .order_by(ChronologyEntry.occurred_at)
        ):
            case_items.append(
                BundleItem(
                    c.reference,
                    line.occurred_at.date(),
                    f"Case record: {line.kind}",
                    clean(line.summary + (f" — {line.body}" if line.body else "")),
                )
            )
    sections.append(
        BundleSection(
            "Your cases",
            "Anti-social behaviour cases you are named on, with each entry on the case record.",
            tuple(case_items),
        )
    )

    surnames = {p.surname.lower() for p, _ in persons}
    inc_items = []
    for i in incidents:
        mine = i.reporter_party_id in party_ids
        named = any(n in (i.description or "").lower() for n in surnames)
        if mine or named:
            inc_items.append(
                BundleItem(
                    cases[i.case_id].reference,
                    i.reported_on,
                    ("Reported by you" if mine else "You are named in this report")
                    + (f" (police reference {i.police_reference})" if i.police_reference else ""),
                    clean(i.description),
                )
            )
    sections.append(BundleSection("Incidents", "Incidents you reported, or that name you.", tuple(inc_items)))

    notices = (
        list(
            s.scalars(
                select(EnforcementNotice)
                .where(EnforcementNotice.party_id.in_(party_ids))
                .order_by(EnforcementNotice.issued_on)
            )
        )
        if party_ids
        else []
    )
    notice_items = []
    for n in notices:
        reqs = "; ".join(
            clean(t)
            for t in s.scalars(select(NoticeRequirement.text).where(NoticeRequirement.notice_id == n.id))
        )
        notice_items.append(
            BundleItem(
                n.reference,
                n.served_on or n.issued_on,
                f"{n.kind.replace('_', ' ').upper()} — {n.stage.replace('_', ' ')}",
                clean(" ".join(x for x in (n.conduct, n.detrimental_effect) if x))
                + (f" Requirements: {reqs}" if reqs else ""),
            )
        )
    sections.append(
        BundleSection(
            "Notices served on you", "Warnings, notices and orders in your name.", tuple(notice_items)
        )
    )

    action_items = [
        BundleItem(
            cases[a.case_id].reference,
            a.due_on,
            f"Action ({a.status})",
            clean(a.description.rstrip(".") + (f". Outcome: {a.outcome}" if a.outcome else "")),
        )
        for a in (
            s.scalars(select(CaseAction).where(CaseAction.case_id.in_(case_ids)).order_by(CaseAction.due_on))
            if case_ids
            else []
        )
    ]
    sections.append(BundleSection("Actions", "Actions agreed on your cases.", tuple(action_items)))

    notice_ids = [n.id for n in notices]
    letters = list(
        s.scalars(
            select(Document)
            .where(
                Document.kind == "letter",
                or_(
                    Document.case_id.in_(case_ids) if case_ids else false(),
                    Document.notice_id.in_(notice_ids) if notice_ids else false(),
                    Document.referral_id.in_(ids["referral"]) if ids["referral"] else false(),
                ),
            )
            .order_by(Document.created_at)
        )
    )
    own_names = (
        surnames
        | {w.lower() for r in referrals for w in (r.client_name or "").split()[-1:]}
        | {w.lower() for a in reviews for w in a.applicant_name.split()[-1:]}
    )
    refs = {
        **{c.id: c.reference for c in cases.values()},
        **{n.id: n.reference for n in notices},
        **{r.id: r.reference for r in referrals},
    }
    letter_items = [
        BundleItem(
            refs.get(d.case_id or d.notice_id or d.referral_id, ""),
            d.created_at.date(),
            "Letter",
            f"{clean(d.title)} — to {d.recipient}",
        )
        for d in letters
        if d.recipient and any(n in d.recipient.lower() for n in own_names)
    ]
    sections.append(
        BundleSection(
            "Letters sent to you",
            "Letters on your records addressed to you (copies can be provided on request).",
            tuple(letter_items),
        )
    )

    agencies = dict(s.execute(select(Agency.id, Agency.name)).all())
    ref_items = []
    for r in referrals:
        measures = ", ".join(
            s.scalars(select(SaferHomesMeasure.description).where(SaferHomesMeasure.referral_id == r.id))
        )
        ref_items.append(
            BundleItem(
                r.reference,
                r.referred_on,
                f"Safer Homes referral, {r.status.replace('_', ' ')}",
                clean(
                    "; ".join(
                        x
                        for x in (
                            f"Referred by {agencies.get(r.referrer_agency_id, 'a partner agency')}",
                            f"for {r.client_name}",
                            ", ".join(x for x in (r.address_line1, r.address_line2, r.town, r.postcode) if x),
                            f"perpetrator: {red.name(r.perpetrator_name)}" if r.perpetrator_name else "",
                            f"works: {measures}" if measures else "",
                            f"secured {r.secured_on:%d/%m/%Y}" if r.secured_on else "",
                            r.notes or "",
                        )
                        if x
                    )
                ),
            )
        )
    sections.append(
        BundleSection(
            "Safer Homes referrals", "Referrals to the Safer Homes scheme about you.", tuple(ref_items)
        )
    )
    review_items = [
        BundleItem(
            a.reference,
            a.received_on,
            f"Case Review application, {a.status.replace('_', ' ')}",
            clean("; ".join(x for x in (a.problem, a.decision) if x)),
        )
        for a in reviews
    ]
    sections.append(
        BundleSection(
            "ASB Case Review applications",
            "Applications you made for an ASB Case Review.",
            tuple(review_items),
        )
    )
    return sections, count
