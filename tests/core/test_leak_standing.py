"""The standing leak test: a restricted referral's details reach nobody who may not see them, through any
service read, export, report, printed document or command.

The demo database gets one more restricted (domestic-abuse) referral whose client, address, phones,
perpetrator and notes are distinctive strings (``safer_homes_examples.SECRETS``), taken to property secured,
with every Safer Homes letter filed on it (acknowledgement, works order, follow-up; a referral has no
attachments: those are filed on ASB cases). Then, as an officer without the restricted permission, a partner
of another agency, and a partner of the agency that made the referral, the test:

- walks the services registry (``registry._FACTORIES``) and calls every public method of every service
  that is not declared a writer, filling its arguments by name (the restricted referral, its letters, every
  Safer Homes letter code, a wide period, a search for the client's surname ...), and searches what comes
  back — DTOs (serialised), bytes (PDF text extracted with pypdf), files written (PDF, CSV, XLSX cells) — for
  the secrets. A refusal (``UserError``) is a pass: nothing was given;
- runs every command-line leaf (``cli.build_parser``) that reads, and searches its output and files;
- runs the mail merge (a free function, not a service method) of every Safer Homes letter over the
  restricted referral and others, and searches the letters, file names, questions, notes and audit rows.

A method or command the test does not know how to call fails the test until it is classified here, so a
new reader is never silently skipped.

Mutations this test was seen to fail against (then put back):
- ``documents.shown_row`` returning the row unchanged (the follow-up letter's recipient is the client:
  ``documents.for_record`` leaked the name to the officer and both partners);
- ``safer_homes_read._list_row`` using ``record.to_dict()`` instead of the masked values (the list, the
  list's CSV export and the search leaked the name and address).
When first run it found a real leak: ``attachments.content`` / ``save_copy`` returned any stored document,
a restricted referral's letters included, to anyone (now through ``documents.read_stored``).
"""

from __future__ import annotations

import dataclasses
import inspect
import io
import itertools
import json
import uuid
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from cspdesk.core.domain.vocab import Role
from cspdesk.core.errors import UserError
from cspdesk.core.services.letters.letter_sources import Subject
from cspdesk.core.services.registry import _FACTORIES
from cspdesk.core.services.safer_homes.safer_homes_outputs import LETTERS, TEMPLATE_FOR
from tests.core.safer_homes_examples import DA_NAME
from tests.core.test_safer_homes_service import DA_SECRETS, da_form, secure

# Methods that change something (not reads), by service. A new method not here is called as a reader.
WRITERS: dict[str, set[str]] = {
    "case_list": {"forget_names"},
    "demo": {"load"},
    "intake": {"open_case"},
    "case_edit": {"discard_draft", "save", "save_draft"},
    "parties": {"add_party", "remove_party", "set_location"},
    "party_edit": {"edit", "restore"},
    "incidents": {"add_incident", "record_case_review_not_told", "record_case_review_told"},
    "incident_edit": {"edit", "mark_duplicate", "unmark_duplicate"},
    "risk": {"assess", "save_questionnaire"},
    "actions": {"add_action", "cancel", "complete", "update_progress"},
    "chronology": {"add_note", "correct"},
    "attachments": {"add_bytes", "add_files"},
    "closure": {"close", "reopen"},
    "forums": {"link_issue_to_case", "raise_as_action", "raise_as_case", "raise_as_incident", "record_forum"},
    "saved_filters": {"delete", "save"},
    "case_reviews": {
        "acknowledge",
        "add_action",
        "add_victim_update",
        "close",
        "decide_appeal",
        "decide_threshold",
        "lodge_appeal",
        "record_application",
        "record_consent",
        "record_decision_letter",
        "record_review_meeting",
        "send_outcome",
        "start_monitoring",
        "update_action",
    },
    "figures": {"commit_import", "remove_population", "save_populations", "set_population"},
    "safer_homes": {"check_eligibility", "intake", "set_measures", "transition", "update"},
    "enforcement": {
        "appeal_outcome",
        "lodge_appeal",
        "mark_document_made",
        "record_breach",
        "record_event",
        "record_informed",
        "record_payment",
        "start_step",
        "transition",
        "withdraw",
    },
    "notices": {"forget_names"},
    "report_pack": {"save_wording"},
    "templates": {"save", "ensure_seeded"},
    "letters": {"attach", "file", "generate"},
    "sharing": {"share", "withdraw"},
    "retention": {"decide"},
    "subject_requests": {"close", "confirm", "extend", "log"},
    # take writes a new (encrypted) file; that restricted referrals travel only with an officer who may see
    # them is tests/core/test_working_copies.py's to prove.
    "working_copies": {"take", "refresh", "bring_back", "revoke", "decide"},
    "moving_in": {"run", "remember", "undo", "dates_checked"},
}
# Readers that take something only another reader makes (a preview, a figures table ...) and never reach a
# Safer Homes referral: with why. Anything else the test cannot call fails it.
NOT_ABOUT_REFERRALS: dict[str, set[str]] = {
    "intake": {"validate", "possible_duplicates"},  # an unsaved case form
    "parties": {"validate"},  # an unsaved party
    "figures": {
        "comparison_table",
        "comparison_tables",
        "export_lsoa_csv",
        "export_table",
        "local_breakdown",
        "monthly_series",
        "plan_category",
        "preview_import",
        "print_crime_figures",
        "source_label",
    },
    "case_reviews": {"figures_sentences"},  # formats figures it is given
    "letters": {
        "missing",
        "render",
        "source",
        "typeable",
        "preview_template",
    },  # template helpers, demo values
    "subject_access": {"write"},  # writes the bundle it is given; ``bundle`` itself is called and searched
    # Read a spreadsheet the administrator chose, and a plan made from it: what they return comes from that
    # file (a referral's client is never a ``person``, so never a "same person?" candidate).
    "moving_in": {"open_file", "propose", "values_to_map", "dry_run"},
}


def _text_of_pdf(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def _text_of_file(path: Path) -> str:
    data = path.read_bytes()
    if data.startswith(b"%PDF"):
        return _text_of_pdf(data)
    if data.startswith(b"PK"):
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(data), read_only=True)
        return "\n".join(
            str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row
        )
    return data.decode("utf-8", "replace")


def text_of(value: Any) -> str:
    """Everything a result could show a user, as text."""
    if value is None:
        return ""
    if isinstance(value, (bytes, bytearray, memoryview)):
        data = bytes(value)
        return _text_of_pdf(data) if data.startswith(b"%PDF") else data.decode("utf-8", "replace")
    if isinstance(value, Path):
        return _text_of_file(value) if value.is_file() else str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return "\n".join(text_of(getattr(value, f.name)) for f in dataclasses.fields(value))
    if isinstance(value, dict):
        return "\n".join(text_of(k) + "=" + text_of(v) for k, v in value.items())
    if isinstance(value, (list, tuple, set, frozenset)):
        return "\n".join(text_of(v) for v in value)
    if isinstance(value, str):
        return value
    return json.dumps(value, default=str, ensure_ascii=False)


def leaked(text: str) -> list[str]:
    return [s for s in DA_SECRETS if s in text]


@pytest.fixture
def world(demo_services, tmp_path):
    """The demo data plus one restricted referral with every Safer Homes letter filed on it."""
    s = demo_services
    admin = s.actor
    rid = s.safer_homes.intake(admin, da_form()).id
    secure(s, rid)
    typed = {
        "referral_reason": "Domestic abuse",
        "officer_title": "Coordinator",
        "recipient_address": ["Unit 4, Tetron Point", "Swadlincote", "DE11 0BB"],
        "works_complete_by": date(2026, 12, 10),
    }
    docs = []
    for code in ("safer_homes_referral_ack", "safer_homes_works_order", "safer_homes_follow_up"):
        docs.append(
            s.letters.generate(
                admin, Subject.REFERRAL, code, rid, typed=typed, reason="Leak test"
            ).document_id
        )
    # The letters really do hold the secrets (so a search that finds none means something).
    assert DA_NAME in text_of(s.documents.content(admin, docs[2], "Leak test"))
    return s, rid, docs


def _actors(s) -> dict[str, Any]:
    s.users.add_user(s.actor, "olive.officer", "Olive Officer", Role.OFFICER)
    s.users.add_user(s.actor, "pc.police", "PC Police", Role.PARTNER)
    s.users.add_user(s.actor, "ida.idva", "Ida Idva", Role.PARTNER)
    ids = {u.username: u.id for u in s.users.list_users()}
    s.users.set_agency(s.actor, ids["pc.police"], "Derbyshire Constabulary")
    s.users.set_agency(s.actor, ids["ida.idva"], "Derbyshire IDVA Service")
    return {n: s.users.sign_in(n)[0] for n in ("olive.officer", "pc.police", "ida.idva")}


def _ids(s) -> dict[str, Any]:
    from cspdesk.core.storage.models import (
        AsbCase,
        CaseAction,
        CaseParty,
        CaseReviewApplication,
        EnforcementNotice,
        Incident,
        Meeting,
    )

    with s.database.engine.connect() as c:

        def first(col):
            return c.execute(select(col).limit(1)).scalar()

        case_id = first(AsbCase.id)
        return {
            "case_id": [case_id],
            "notice_id": [first(EnforcementNotice.id)],
            "application_id": [first(CaseReviewApplication.id)],
            "meeting_id": [first(Meeting.id)],
            "action_id": [first(CaseAction.id)],
            "party_id": [
                c.execute(select(CaseParty.id).where(CaseParty.case_id == case_id).limit(1)).scalar()
            ],
            "incident_id": [
                c.execute(select(Incident.id).where(Incident.case_id == case_id).limit(1)).scalar()
            ],
        }


def _values(s, rid, docs, actor, out: Path) -> dict[str, list[Any]]:
    from cspdesk.core.services.cases.case_query import CaseQuery
    from cspdesk.core.services.enforcement.enforcement_register import NoticeQuery
    from cspdesk.core.services.safer_homes.safer_homes_read import ReferralQuery

    # A subject access request about the restricted referral's client, and every record an administrator's
    # search matched (the referral among them): an officer without the permission must not get its details
    # through the search or the bundle.
    request = s.subject_requests.log(s.actor, "access", DA_NAME)
    matches = [m.key for m in s.subject_access.find(s.actor, DA_NAME).matches]
    assert any(k == f"referral:{rid}" for k in matches)
    period = s.report_pack.default_period_text()
    pack = s.report_pack.pack(period)
    codes = [c.code for c in s.letters.choices(Subject.REFERRAL)]
    paths = itertools.count()
    return {
        **_ids(s),
        "actor": [actor],
        "viewer": [actor],
        "referral_id": [rid],
        "record_id": [rid],
        "subject": [Subject.REFERRAL],
        "record_kind": ["safer_homes_referral"],
        "document_id": docs,
        "letter": list(LETTERS),
        "code": codes,
        "reason": ["Leak test", None],
        "query": [ReferralQuery(), ReferralQuery(text="Quennell")],
        "q": [CaseQuery()],
        "text": ["Quennell", "Larkspur"],
        "agency": ["Derbyshire IDVA Service"],
        "start": [date(2000, 1, 1)],
        "end": [date(2030, 12, 31)],
        "period_text": [period],
        "period": [pack.period],
        "key": [m.key for m in _measures(pack)],
        "ret": [s.report_pack.quarterly(period)],
        "ids": [s.case_list.case_ids(CaseQuery())[:200]],
        "revision": [1],
        "services": [s],
        "kind": ["cpn"],
        "category": [None],
        "path": _Paths(out, paths),
        "target": _Paths(out, paths),
        # Where one name means different things to different services: "service.argument".
        "notices.q": [NoticeQuery()],
        "name": [DA_NAME],
        "reference": [request],
        "request_reference": [request],
        "matches": [matches],
    }


def _measures(pack) -> list[Any]:
    found: list[Any] = []

    def walk(x):
        if dataclasses.is_dataclass(x) and not isinstance(x, type):
            if hasattr(x, "key") and hasattr(x, "count"):
                found.append(x)
            for f in dataclasses.fields(x):
                walk(getattr(x, f.name))
        elif isinstance(x, (list, tuple)):
            for v in x:
                walk(v)

    walk(pack)
    return found


class _Paths(list):
    """A fresh file name for every call (what it wrote is searched)."""

    def __init__(self, folder: Path, counter):
        super().__init__([None])
        self.folder, self.counter = folder, counter

    def __iter__(self):
        yield self.folder / f"out-{next(self.counter)}.bin"


def _service_classes():
    yield from _FACTORIES


def _walk(s, name_actor: dict[str, Any], values_for, secrets) -> tuple[list[str], list[str], int]:
    """Call every reader of every registry service as each actor; what it returns or writes is searched for
    the secrets. Returns (readers it cannot call, leaks found, calls made)."""
    unknown: list[str] = []
    found: list[str] = []
    calls = 0
    for who, actor in name_actor.items():
        values, out = values_for(who, actor)
        for name in _service_classes():
            service = getattr(s, name)
            for meth_name, meth in inspect.getmembers(service, inspect.ismethod):
                if (
                    meth_name.startswith("_")
                    or meth_name in WRITERS.get(name, ())
                    or meth_name in NOT_ABOUT_REFERRALS.get(name, ())
                ):
                    continue
                params = [
                    p
                    for p in inspect.signature(meth).parameters.values()
                    if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
                ]
                required = [p for p in params if p.default is inspect.Parameter.empty]

                def vals(p, name=name, values=values):
                    return values.get(f"{name}.{p.name}", values.get(p.name))

                optional = [
                    p for p in params if p.default is not inspect.Parameter.empty and vals(p) is not None
                ]
                missing = [p.name for p in required if vals(p) is None]
                if missing:
                    unknown.append(f"{name}.{meth_name}({', '.join(missing)})")
                    continue
                use = required + optional
                for combo in itertools.product(*(list(vals(p)) for p in use)):
                    kwargs = dict(zip([p.name for p in use], combo, strict=True))
                    calls += 1
                    try:
                        result = meth(**kwargs)
                    except UserError:
                        continue  # refused: nothing given
                    text = text_of(result) + "\n".join(_text_of_file(f) for f in out.iterdir())
                    for f in out.iterdir():
                        f.unlink()
                    for secret in [x for x in secrets if x in text]:
                        found.append(f"{who}: {name}.{meth_name}({_short(kwargs)}) → {secret!r}")
    return unknown, found, calls


def test_no_reader_gives_restricted_details_to_anyone_without_permission(world, tmp_path):
    s, rid, docs = world
    actors = _actors(s)

    def values_for(who, actor):
        out = tmp_path / who
        out.mkdir()
        return _values(s, rid, docs, actor, out), out

    unknown, found, calls = _walk(s, actors, values_for, DA_SECRETS)
    assert unknown == [], (
        "readers the leak test cannot call: add a value for the argument, or classify them:\n"
        + "\n".join(unknown)
    )
    assert found == [], "\n".join(found[:40])
    assert calls > 300  # the walk really ran


def test_no_mail_merge_gives_restricted_details_to_anyone_without_permission(world, tmp_path):
    """The mail merge is a free function (``letters_batch.run_batch``), not a service method, so the walk
    above never calls it: every Safer Homes letter merged over the restricted referral and three others, as
    each role without the permission, one print file and one file each, with the questions and the note the
    window shows first, and the audit rows the merges wrote. A refusal is a pass. Seen failing (the officer
    got the client's name in the acknowledgement and follow-up) with both ``run_batch`` keeping the records
    ``merge_restriction`` leaves out and ``referral_letter_values`` without its ``can_see_personal_details``
    refusal: either alone is caught by the other."""
    from cspdesk.core.services.letters import merge_questions, merge_restriction, run_batch
    from cspdesk.core.storage.models import AuditEntry, SaferHomesReferral

    s, rid, _docs = world
    actors = _actors(s)
    with s.database.engine.connect() as c:
        others = list(
            c.execute(
                select(SaferHomesReferral.id).where(SaferHomesReferral.restricted.is_(False)).limit(3)
            ).scalars()
        )
        since = c.execute(select(AuditEntry.seq).order_by(AuditEntry.seq.desc()).limit(1)).scalar()
    ids = [rid, *others]
    typed = {"referral_reason": "Domestic abuse", "officer_title": "Coordinator", "works_complete_by": None}
    found, produced = [], 0
    for who, actor in actors.items():
        for letter in LETTERS:
            code = TEMPLATE_FOR[letter]
            shown: list[Any] = [merge_restriction(s.letters, actor, Subject.REFERRAL, ids).note]
            try:
                shown.append(merge_questions(s.letters, actor, Subject.REFERRAL, code, ids))
            except UserError as exc:
                shown.append(str(exc))
            for combined in (True, False):
                try:
                    result = run_batch(
                        s.letters,
                        actor,
                        Subject.REFERRAL,
                        code,
                        ids,
                        combined=combined,
                        typed=typed,
                        skip_incomplete=True,
                        reason="Leak test",
                    )
                    produced += result.letters
                    shown.append(result)
                except UserError as exc:
                    shown.append(str(exc))
            for secret in leaked(text_of(shown)):
                found.append(f"{who}: mail merge of {code} → {secret!r}")
    with s.database.engine.connect() as c:
        audit = c.execute(select(AuditEntry.summary, AuditEntry.details).where(AuditEntry.seq > since)).all()
    found += [f"audit text → {secret!r}" for secret in leaked(text_of([tuple(r) for r in audit]))]
    assert found == [], "\n".join(found)
    assert produced > 0  # the merges really ran (the other referrals' letters)


def _short(kwargs: dict[str, Any]) -> str:
    return ", ".join(
        f"{k}={v if isinstance(v, (str, date, uuid.UUID)) else type(v).__name__}"
        for k, v in kwargs.items()
        if k not in ("actor", "viewer", "services")
    )


# ----- commands ---------------------------------------------------------------------------------------


COMMAND_ARGS: dict[str, list[list[str]]] = {
    "check": [[]],
    "audit verify": [[]],
    "audit views": [["--from", "2000-01-01", "--to", "2030-12-31"]],
    "report case-review-figures": [["--format", "csv"], ["--format", "pdf", "--out", "{out}/crf.pdf"]],
    "report action-taken": [["--format", "csv"], ["--format", "pdf", "--out", "{out}/action.pdf"]],
    "report pack": [["--format", "csv"], ["--format", "pdf", "--out", "{out}/pack.pdf"]],
    "report quarterly": [
        ["--format", "csv", "--out", "{out}/q.csv"],
        ["--format", "xlsx", "--out", "{out}/q.xlsx"],
    ],
    "figures table": [["--category", "ASB incidents", "--from", "2022-04", "--to", "2023-03"]],
    "retention due": [["--format", "csv"], ["--format", "text"]],
    "sar find": [["--name", DA_NAME]],
    "sar list": [[]],
    "copy list": [[]],
    "copy conflicts": [["--all"]],
    "import-records batches": [[]],
}
# They write data in, or change a request or a key, and print none of a record's details out.
NOT_READING = {
    "demo",
    "figures import",
    "figures population",
    "retention decide",
    "sar log",
    "sar close",
    "sar extend",
    "backup",
    "restore",
    "encrypt",
    "rekey",
    "key",
}
# Needs a request and matches made by someone permitted; the same bundle is searched through the service.
NOT_READING |= {"sar bundle"}
# Working copies: they write a copy or the office database (their own tests check what travels).
# About says where things live and which database this computer opens; the self-test works on a new, throwaway
# database (or a copy of the one given) and prints only its own steps.
NOT_READING |= {"about", "selftest"}
NOT_READING |= {"copy take", "copy bring-back", "copy refresh", "copy revoke", "copy decide"}
# Moving in: run and undo write (or check, with --dry-run, a file the officer gives); sheets reads that file.
NOT_READING |= {"import-records run", "import-records undo", "import-records sheets"}


def _leaves(parser, prefix=()) -> list[str]:
    import argparse

    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        return [" ".join(prefix)]
    return [leaf for a in subs for name, p in a.choices.items() for leaf in _leaves(p, (*prefix, name))]


def test_no_command_prints_or_writes_restricted_details(world, tmp_path, capsys, monkeypatch):
    from cspdesk.cli import build_parser, main

    s, _rid, _docs = world
    _actors(s)
    url = s.database.engine.url
    db = (
        str(url.database) if url.get_backend_name() == "sqlite" else url.render_as_string(hide_password=False)
    )
    s.database.engine.dispose()
    leaves = _leaves(build_parser())
    assert sorted(set(leaves) - set(COMMAND_ARGS) - NOT_READING) == [], (
        "classify new commands here: " + ", ".join(sorted(set(leaves) - set(COMMAND_ARGS) - NOT_READING))
    )
    found = []
    for who in ("olive.officer", "pc.police"):
        monkeypatch.setenv("CSPDESK_USER", who)
        for leaf, runs in COMMAND_ARGS.items():
            for extra in runs:
                out = tmp_path / who / leaf.replace(" ", "-")
                out.mkdir(parents=True, exist_ok=True)
                args = [*leaf.split(), "--db", db, *(a.format(out=out) for a in extra)]
                main(args)
                captured = capsys.readouterr()
                text = captured.out + captured.err + "\n".join(_text_of_file(f) for f in out.iterdir())
                found += [f"{who}: cspdesk {' '.join(args)} → {x!r}" for x in leaked(text)]
    assert found == [], "\n".join(found)


def test_the_secrets_are_really_there_for_someone_permitted(world, tmp_path):
    """The searches above can fail: an administrator with a reason does get the details."""
    s, rid, docs = world
    detail = s.safer_homes_read.open(s.actor, rid, "Leak test control")
    assert leaked(text_of(detail.values))
    assert leaked(text_of(s.documents.content(s.actor, docs[2], "Leak test control")))
    assert leaked(text_of(s.safer_homes_outputs.summary_pdf(s.actor, rid, tmp_path / "summary.pdf")))


# ----- partners: another agency's case --------------------------------------------------------------------

# A case that belongs only to the fire service (it reported the incident and owns the action), with names,
# an address, a phone and notes nobody else has: a Youth Offending Team partner must meet none of them.
OTHER_AGENCY = "Derbyshire Fire and Rescue Service"
PARTNER_AGENCY = "Youth Offending Team"
B_SECRETS = ("Zebedee", "Quillfeather", "Ottoline", "Vexley", "Marrowbone", "01283 987654", "Thistlewick")


def _other_agencys_case(s) -> dict[str, Any]:
    """Everything a case can carry, on a case of the fire service's only."""
    from cspdesk.core.services.case_review.case_review import ApplicationInput
    from cspdesk.core.services.cases.actions import ActionInput
    from cspdesk.core.services.cases.case_parties import LocationInput, PartyInput
    from cspdesk.core.services.cases.incidents import IncidentInput
    from cspdesk.core.services.enforcement.enforcement_dto import RequirementInput, StepRequest
    from cspdesk.core.services.forums.forums import MeetingInput
    from cspdesk.core.storage.models import Agency
    from tests.core.case_helpers import form

    admin = s.actor
    with s.database.engine.connect() as c:
        fire = c.execute(select(Agency.id).where(Agency.name == OTHER_AGENCY)).scalar()
    home = LocationInput(line1="7 Marrowbone Lane", town="Swadlincote", postcode="DE11 7QQ")
    case = s.intake.open_case(
        admin,
        form(
            title="Fireworks at Marrowbone Lane",
            description="Thistlewick fireworks through letterboxes.",
            location=home,
            parties=(
                PartyInput(
                    role="complainant",
                    kind="person",
                    forename="Zebedee",
                    surname="Quillfeather",
                    date_of_birth=date(1961, 2, 3),
                    phone="01283 987654",
                    address=home,
                ),
                PartyInput(
                    role="perpetrator",
                    kind="person",
                    forename="Ottoline",
                    surname="Vexley",
                    date_of_birth=date(1990, 4, 5),
                    address=LocationInput(line1="9 Marrowbone Lane", town="Swadlincote", postcode="DE11 7QQ"),
                ),
            ),
        ),
    )
    parties = {p.name: p.id for p in s.parties.parties(case.id)}
    vexley = next(i for n, i in parties.items() if "Vexley" in n)
    incident = s.incidents.add_incident(
        admin,
        case.id,
        IncidentInput(
            occurred_at=datetime(2026, 11, 20, 21, 0),
            reported_on=date(2026, 11, 21),
            reporter_name="Fire crew",
            description="Thistlewick fireworks again at Marrowbone Lane",
            reporting_agency_id=fire,
        ),
    ).incident_id
    s.actions.add_action(
        admin,
        case.id,
        ActionInput(
            description="Home fire safety visit to Zebedee Quillfeather",
            due_on=date(2026, 12, 10),
            owner_agency_id=fire,
        ),
    )
    s.chronology.add_note(admin, case.id, "Spoke to Zebedee Quillfeather", "Thistlewick fireworks again")
    notice = s.enforcement.start_step(
        admin,
        StepRequest(
            case_id=case.id,
            party_id=vexley,
            kind="warning_letter",
            issued_on=date(2026, 11, 26),
            conduct="Thistlewick fireworks through letterboxes on Marrowbone Lane",
            detrimental_effect="Zebedee Quillfeather is afraid of fire",
            requirements=(RequirementInput("stop", "Stop letting off fireworks on Marrowbone Lane"),),
            served_on=date(2026, 11, 26),
            service_method="Hand delivered",
        ),
    ).notice_id
    application = s.case_reviews.record_application(
        admin,
        ApplicationInput(
            received_on=date(2026, 11, 25),
            channel="email",
            applicant_name="Zebedee Quillfeather",
            applicant_kind="person",
            problem="Thistlewick fireworks at Marrowbone Lane",
            applicant_contact="7 Marrowbone Lane",
            case_ids=(case.id,),
        ),
    )
    meeting, _ = s.forums.record_forum(
        admin, MeetingInput("Swadlincote Area Forum", date(2026, 11, 18), "Civic")
    )
    s.forums.link_issue_to_case(admin, meeting, "SNT", "Fireworks at Marrowbone Lane (Vexley)", case.id)
    letter = s.letters.generate(
        admin, Subject.CASE, "complaint_ack", case.id, typed={"officer_title": "ASB Officer"}
    ).document_id
    with s.database.engine.connect() as c:
        from cspdesk.core.storage.models import CaseAction

        action = c.execute(select(CaseAction.id).where(CaseAction.case_id == case.id)).scalar()
    return {
        "case_id": [case.id],
        "record_id": [case.id],
        "notice_id": [notice],
        "application_id": [application],
        "meeting_id": [meeting],
        "action_id": [action],
        "party_id": list(parties.values()),
        "incident_id": [incident],
        "document_id": [letter],
        "subject": [Subject.CASE],
        "code": [c.code for c in s.letters.choices(Subject.CASE)],
        "ids": [[case.id]],
        "text": ["Quillfeather", "Marrowbone"],
        "name": ["Zebedee Quillfeather"],
    }


def test_no_reader_gives_a_partner_another_agencys_case(world, tmp_path):
    """A partner of one agency calls every reader of every registry service (as the services of their own
    sign-in, so readers that take no actor are scoped too) and meets nothing of a case that belongs only to
    another agency: not its names, address, phone or notes, through lists, counts, search, detail, chronology,
    notices, Case Reviews, forums, My work, letters, prints or exports. Opening it by id is refused.

    Mutations this test was seen to fail against (then put back):
    - ``scope._ON_A_CASE`` without ``EnforcementNotice`` (one reader's scope dropped): ``notices.detail`` and
      ``enforcement.notice_letter_values`` gave the complainant's name, the street and the conduct;
    - the session event in ``services.scope`` doing nothing: 160-odd leaks (the case list's rows, summary,
      detail, parties, incidents, chronology, actions, letters ...)."""
    s, rid, docs = world
    admin = s.actor
    own = _other_agencys_case(s)
    # The secrets are really there for someone who may see the case.
    assert [x for x in B_SECRETS if x in text_of(s.cases.summary(own["case_id"][0]))]
    s.users.add_user(admin, "yo.yot", "Yo Yot", Role.PARTNER)
    uid = next(u.id for u in s.users.list_users() if u.username == "yo.yot")
    s.users.set_agency(admin, uid, PARTNER_AGENCY)
    partner = s.users.sign_in("yo.yot")[0]
    out = tmp_path / "yo.yot"
    out.mkdir()
    values = {**_values(s, rid, docs, partner, out), **own}
    s.actor = partner  # the partner's own services: every unit of work reads for them
    try:
        unknown, found, calls = _walk(s, {"yo.yot": partner}, lambda who, actor: (values, out), B_SECRETS)
    finally:
        s.actor = admin
    assert unknown == [], "\n".join(unknown)
    assert found == [], "\n".join(found[:40])
    assert calls > 150  # the walk really ran
