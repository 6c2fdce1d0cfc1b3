"""The fields each kind of sheet may fill, the headings that propose them, and the words their values take."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from cspdesk.core.domain.vocab import (
    ActionStatus,
    AsbCategory,
    CaseStatus,
    ClosureReason,
    NoticeKind,
    PartyRole,
    ReportChannel,
    SaferHomesStatus,
    VictimCategory,
)
from cspdesk.core.importers.spreadsheets import normalise_heading
from cspdesk.core.services.moving_in.api import FieldType, RecordKind, TargetField
from cspdesk.core.services.moving_in.notice_status import NOTICE_STATUSES

T, D, N, C, OFF, W, Y = (
    FieldType.TEXT,
    FieldType.DATE,
    FieldType.NUMBER,
    FieldType.CHOICE,
    FieldType.OFFICER,
    FieldType.WARD,
    FieldType.YES_NO,
)


@dataclass(frozen=True)
class FieldSpec:
    key: str
    label: str
    type: FieldType
    required: bool = False
    synonyms: tuple[str, ...] = ()
    choices: tuple[tuple[str, str], ...] = ()
    help: str = ""


def _vocab(enum) -> tuple[tuple[str, str], ...]:
    return tuple((m.value, m.label) for m in enum)


_LEGACY = "Its reference in your spreadsheet: kept as the legacy reference and searchable"
_CASE_REF = "The case's reference in your case log (its legacy reference) or in CSPDesk"
_CASE_REF_SYN = ("case ref", "case reference", "case", "case no", "case number", "case id", "asb ref", "ref")

SPECS: dict[RecordKind, tuple[FieldSpec, ...]] = {
    RecordKind.CASES: (
        FieldSpec(
            "legacy_reference",
            "Case reference",
            T,
            True,
            (
                "case ref",
                "ref",
                "reference",
                "ref no",
                "reference no",
                "reference number",
                "case no",
                "case number",
                "case id",
                "our ref",
                "asb ref",
            ),
            help=_LEGACY,
        ),
        FieldSpec(
            "reported_on",
            "Reported on",
            D,
            True,
            (
                "reported on",
                "date reported",
                "reported",
                "date recd",
                "date received",
                "received",
                "date opened",
                "opened",
                "report date",
                "date",
            ),
        ),
        FieldSpec(
            "category",
            "Category",
            C,
            True,
            ("category", "type of asb", "asb type", "type", "nature", "issue", "asb category"),
            _vocab(AsbCategory),
        ),
        FieldSpec(
            "title", "Title", T, False, ("title", "summary", "subject", "brief description", "headline")
        ),
        FieldSpec(
            "description", "Description", T, False, ("description", "details", "narrative", "full details")
        ),
        FieldSpec("status", "Status", C, False, ("status", "case status", "open closed"), _vocab(CaseStatus)),
        FieldSpec("closed_on", "Closed on", D, False, ("closed on", "closed", "date closed", "closure date")),
        FieldSpec(
            "closure_reason",
            "Closure reason",
            C,
            False,
            ("closure reason", "reason closed", "outcome"),
            _vocab(ClosureReason),
        ),
        FieldSpec(
            "officer",
            "Officer",
            OFF,
            False,
            ("officer", "case officer", "lead officer", "assigned to", "owner", "oic"),
        ),
        FieldSpec("ward", "Ward", W, False, ("ward", "ward name")),
        FieldSpec("location", "Location", T, False, ("location", "address", "street", "place", "where")),
        FieldSpec("postcode", "Postcode", T, False, ("postcode", "post code", "pc")),
        FieldSpec(
            "reported_via",
            "Reported via",
            C,
            False,
            ("reported via", "source", "channel", "how reported", "received via"),
            _vocab(ReportChannel),
        ),
        FieldSpec(
            "perpetrator_name",
            "Perpetrator: name",
            T,
            False,
            ("perp name", "perpetrator", "perpetrator name", "alleged perpetrator", "perp", "subject name"),
        ),
        FieldSpec(
            "perpetrator_dob",
            "Perpetrator: date of birth",
            D,
            False,
            ("perp dob", "perpetrator dob", "perpetrator date of birth"),
        ),
        FieldSpec(
            "perpetrator_address", "Perpetrator: address", T, False, ("perp address", "perpetrator address")
        ),
        FieldSpec(
            "complainant_name",
            "Complainant: name",
            T,
            False,
            ("complainant", "complainant name", "victim", "victim name", "reporting person"),
        ),
        FieldSpec(
            "complainant_dob", "Complainant: date of birth", D, False, ("complainant dob", "victim dob")
        ),
        FieldSpec(
            "complainant_address", "Complainant: address", T, False, ("complainant address", "victim address")
        ),
    ),
    RecordKind.INCIDENTS: (
        FieldSpec("case_reference", "Case reference", T, True, _CASE_REF_SYN, help=_CASE_REF),
        FieldSpec(
            "legacy_reference",
            "Incident reference",
            T,
            False,
            ("incident ref", "incident no", "incident number", "incident id", "log no"),
            help=_LEGACY,
        ),
        FieldSpec(
            "occurred_on",
            "Date",
            D,
            True,
            ("incident date", "date of incident", "date", "occurred", "occurred on", "when"),
        ),
        FieldSpec("occurred_time", "Time", T, False, ("time", "incident time", "time of incident")),
        FieldSpec("reported_on", "Reported on", D, False, ("reported on", "date reported", "reported")),
        FieldSpec(
            "description",
            "What happened",
            T,
            True,
            ("details", "description", "what happened", "summary", "incident"),
        ),
        FieldSpec("category", "Category", C, False, ("category", "type"), _vocab(AsbCategory)),
        FieldSpec("reporter_name", "Reported by", T, False, ("reported by", "reporter", "caller")),
        FieldSpec(
            "police_reference",
            "Police reference",
            T,
            False,
            ("police ref", "police reference", "crime no", "crime number", "log number", "police log"),
        ),
    ),
    RecordKind.NOTICES: (
        FieldSpec(
            "legacy_reference",
            "Notice reference",
            T,
            True,
            ("notice no", "notice number", "notice ref", "notice reference", "ref", "reference"),
            help=_LEGACY,
        ),
        FieldSpec("case_reference", "Case reference", T, True, _CASE_REF_SYN, help=_CASE_REF),
        FieldSpec(
            "kind", "Kind of notice", C, True, ("type", "notice type", "kind", "notice"), _vocab(NoticeKind)
        ),
        FieldSpec(
            "served_on",
            "Served on",
            D,
            True,
            ("date served", "served", "served on", "date issued", "issued", "issued on", "issue date"),
            help="The date of the notice: its statutory dates are worked out from it",
        ),
        FieldSpec(
            "comply_by", "Comply by (as recorded)", D, False, ("comply by", "compliance date", "comply date")
        ),
        FieldSpec(
            "appeal_by", "Appeal by (as recorded)", D, False, ("appeal by", "appeal deadline", "appeal date")
        ),
        FieldSpec("pay_by", "Pay by (as recorded)", D, False, ("pay by", "payment due", "pay by date")),
        FieldSpec("officer", "Issuing officer", OFF, False, ("officer", "issuing officer", "issued by")),
        FieldSpec("amount", "Amount (£)", N, False, ("amount", "fine", "penalty", "fpn amount")),
        FieldSpec("conduct", "Conduct", T, False, ("conduct", "behaviour", "reason")),
        FieldSpec(
            "status",
            "Status (where it is now)",
            C,
            False,
            ("status", "stage", "current status", "outcome", "notice status"),
            NOTICE_STATUSES,
            help="Served, complied, breached, expired, withdrawn…: a CPW that expired is imported as lapsed",
        ),
    ),
    RecordKind.PEOPLE: (
        FieldSpec("case_reference", "Case reference", T, True, _CASE_REF_SYN, help=_CASE_REF),
        FieldSpec("role", "Role", C, True, ("role", "party role", "involvement"), _vocab(PartyRole)),
        FieldSpec("name", "Name", T, True, ("name", "full name", "person")),
        FieldSpec("date_of_birth", "Date of birth", D, False, ("dob", "date of birth", "born")),
        FieldSpec("address", "Address", T, False, ("address", "home address")),
        FieldSpec("postcode", "Postcode", T, False, ("postcode", "post code")),
        FieldSpec("phone", "Phone", T, False, ("phone", "telephone", "tel", "mobile", "contact number")),
        FieldSpec("vulnerable", "Vulnerable", Y, False, ("vulnerable", "vulnerability")),
    ),
    RecordKind.ACTIONS: (
        FieldSpec("case_reference", "Case reference", T, True, _CASE_REF_SYN, help=_CASE_REF),
        FieldSpec("description", "Action", T, True, ("action", "description", "task", "what")),
        FieldSpec("due_on", "Due on", D, True, ("due", "due date", "due by", "deadline", "target date")),
        FieldSpec("owner", "Owner", OFF, False, ("owner", "officer", "assigned to", "who", "action owner")),
        FieldSpec("status", "Status", C, False, ("status",), _vocab(ActionStatus)),
        FieldSpec(
            "completed_on", "Completed on", D, False, ("completed", "completed on", "done", "date completed")
        ),
    ),
    RecordKind.SAFER_HOMES: (
        FieldSpec(
            "legacy_reference",
            "Referral reference",
            T,
            True,
            ("referral ref", "referral no", "referral number", "ref", "reference", "cvs ref"),
            help=_LEGACY,
        ),
        FieldSpec(
            "referred_on",
            "Referred on",
            D,
            True,
            ("referred on", "referral date", "date referred", "referred", "date received", "date"),
        ),
        FieldSpec("referrer_name", "Referrer", T, True, ("referrer", "referred by", "referrer name")),
        FieldSpec(
            "referrer_agency",
            "Referring agency",
            C,
            True,
            ("agency", "referring agency", "referrer agency", "organisation", "referrer organisation"),
        ),
        FieldSpec(
            "victim_category",
            "Victim category",
            C,
            True,
            ("victim category", "category", "type", "reason for referral"),
            _vocab(VictimCategory),
        ),
        FieldSpec(
            "consent_given",
            "Consent given",
            Y,
            True,
            ("consent", "consent given", "consented", "client consent"),
            help="Without consent only who referred, when and the category are kept",
        ),
        FieldSpec("consent_method", "Consent: how", T, False, ("consent method", "how consent given")),
        FieldSpec("consent_on", "Consent: date", D, False, ("consent date", "date of consent", "consent on")),
        FieldSpec("client_name", "Client: name", T, False, ("client", "client name", "name", "victim name")),
        FieldSpec(
            "client_date_of_birth", "Client: date of birth", D, False, ("dob", "date of birth", "client dob")
        ),
        FieldSpec("address_line1", "Address", T, False, ("address", "address line 1", "street", "address 1")),
        FieldSpec("town", "Town", T, False, ("town", "town city")),
        FieldSpec("postcode", "Postcode", T, False, ("postcode", "post code")),
        FieldSpec("ward", "Ward", W, False, ("ward",)),
        FieldSpec("status", "Status", C, False, ("status", "stage"), _vocab(SaferHomesStatus)),
        FieldSpec(
            "police_reference", "Police reference", T, False, ("police ref", "crime no", "crime number")
        ),
        FieldSpec(
            "perpetrator_name", "Perpetrator", T, False, ("perpetrator", "perp name", "perpetrator name")
        ),
        # The later steps (issue 21): each not before the one it follows; kept only with consent.
        FieldSpec(
            "survey_on", "Surveyed on", D, False, ("survey", "survey date", "surveyed", "date surveyed")
        ),
        FieldSpec(
            "works_ordered_on",
            "Works ordered on",
            D,
            False,
            ("works ordered", "order date", "date ordered", "works order date", "ordered"),
        ),
        FieldSpec(
            "installed_on",
            "Works completed on",
            D,
            False,
            (
                "installed",
                "installed on",
                "works completed",
                "completion date",
                "date completed",
                "completed",
            ),
            help="The date the home was made safe: it counts as secured on this date",
        ),
        FieldSpec(
            "followed_up_on",
            "Followed up on",
            D,
            False,
            ("follow up", "follow up date", "followed up", "date followed up"),
        ),
    ),
}

IMPORTABLE = tuple(SPECS)


def spec(kind: RecordKind, key: str) -> FieldSpec:
    return next(s for s in SPECS[kind] if s.key == key)


def target_fields(
    kind: RecordKind,
    officers: tuple[tuple[str, str], ...],
    wards: tuple[tuple[str, str], ...],
    agencies: tuple[tuple[str, str], ...] = (),
) -> tuple[TargetField, ...]:
    out = []
    for s in SPECS[kind]:
        choices = officers if s.type is OFF else wards if s.type is W else s.choices
        if s.key == "referrer_agency":
            choices = agencies
        out.append(TargetField(s.key, s.label, s.type, s.required, choices, s.help))
    return tuple(out)


def propose_columns(kind: RecordKind, headings: list[str], hidden: list[bool]) -> dict[str, str]:
    """heading -> field key, from the headings alone: a synonym, else a close spelling of one. Each field is
    proposed for one column at most (the first, or the exact match); hidden columns never."""
    claims: dict[str, tuple[int, str]] = {}  # field -> (score, heading); 3 exact label, 2 synonym, 1 close
    for heading, is_hidden in zip(headings, hidden, strict=True):
        if is_hidden:
            continue
        norm = normalise_heading(heading)
        if not norm:
            continue
        best: tuple[int, float, str] | None = None
        for s in SPECS[kind]:
            names = [normalise_heading(s.label), s.key.replace("_", " "), *s.synonyms]
            if norm in names:
                score, closeness = (3 if norm == names[0] else 2), 1.0 - names.index(norm) / 100
            else:
                close = difflib.get_close_matches(norm, names, n=1, cutoff=0.88)
                if not close:
                    continue
                score, closeness = 1, difflib.SequenceMatcher(None, norm, close[0]).ratio()
            if best is None or (score, closeness) > best[:2]:
                best = (score, closeness, s.key)
        if best is not None:
            score, _closeness, key = best
            if key not in claims or score > claims[key][0]:
                claims[key] = (score, heading)
    return {heading: key for key, (_score, heading) in claims.items()}


def normalise_value(value: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z ]+", " ", value.lower()).split())


def own_word(value: str, choices: tuple[tuple[str, str], ...]) -> str | None:
    """The choice a value names exactly (its stored word or its label, case and punctuation ignored)."""
    norm = normalise_value(value)
    for v, label in choices:
        if norm in (normalise_value(v), normalise_value(label)):
            return v
    return None


def suggest(value: str, choices: tuple[tuple[str, str], ...], officer: bool = False) -> str | None:
    """A close match to offer (never applied unasked): initials of a user's name, a choice the value starts
    with ("Closed (resolved)" → closed), or a close spelling."""
    norm = normalise_value(value)
    if not norm:
        return None
    if officer:
        for v, label in choices:
            words = normalise_value(label).split()
            initials = "".join(w[0] for w in words)
            if norm.replace(" ", "") == initials:
                return v
            if words and len(norm.split()) >= 2 and norm.split()[-1] == words[-1] and norm[0] == words[0][0]:
                return v  # "J. Bloggs" → Joe Bloggs
    for v, label in choices:
        for name in (normalise_value(label), normalise_value(v)):
            if norm.startswith(name + " ") or name.startswith(norm + " "):
                return v
    names = {normalise_value(label): v for v, label in choices} | {normalise_value(v): v for v, _ in choices}
    close = difflib.get_close_matches(norm, list(names), n=1, cutoff=0.6)
    return names[close[0]] if close else None
