"""Mail merge: one template, many records (cases, notices ...) → one combined PDF to print, or one file each.

Every letter is filed on its own case as its own PDF, exactly as for a single letter. The work runs in
four stages, reported through ``progress(stage, done, total)``; ``cancelled()`` is honoured in each, and
because everything is filed in one transaction at the end, a cancelled merge files nothing at all.

Restriction follows the record into a merge as into a single letter (``letters.gather``): the restricted
records among a merge's (domestic-abuse Safer Homes referrals) are a look at their details, so before any
value is read one reason covering them all is asked (``ReasonNeeded``, or reasons still current are reused)
and one look row is written per record; those the actor may not see are left out and counted in plain words,
named by reference only. Their letters are named by reference too: in the files handed back, the problems
listed and the audit text (``documents.file_pdfs`` does the same for what is filed).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from cspdesk.core.domain.protection import may_see
from cspdesk.core.domain.restriction import RecordRef
from cspdesk.core.domain.vocab import Role
from cspdesk.core.errors import UserError, ValidationError
from cspdesk.core.services.context import Actor, Changes
from cspdesk.core.services.letters.documents import Filing, file_pdfs, links_many, safe_filename
from cspdesk.core.services.letters.letter_sources import ProviderContext, Subject
from cspdesk.core.services.letters.letters import AskedField, LetterService, MergeCancelled
from cspdesk.core.services.restriction import account_for_looks, current_reasons, referral_refs

Progress = Callable[[str, int, int], None]
Cancelled = Callable[[], bool]
SHOW_PROBLEMS = 15
CHECK_STEP = 250  # records whose values are read together (and between reports of progress)


@dataclass(frozen=True)
class BatchProblem:
    record_id: uuid.UUID
    label: str  # "ASB-2025-00012 (Jane Smith)"
    message: str


@dataclass(frozen=True)
class BatchResult:
    code: str
    title: str
    letters: int
    combined: bytes | None  # the print file, when asked for
    files: list[tuple[str, bytes]]  # one per letter (always: each is what was filed)
    document_ids: list[uuid.UUID]
    skipped: list[BatchProblem] = field(default_factory=list)
    changes: Changes = field(default_factory=Changes)
    left_out: tuple[str, ...] = ()  # references of restricted records this actor may not write about

    @property
    def left_out_note(self) -> str:
        return left_out_note(len(self.left_out))


LOOK_WHAT = "Mail merge"


def left_out_note(n: int) -> str:
    """What the window says about restricted records a merge leaves out (plain words, no names)."""
    if not n:
        return ""
    return (
        f"{n:,} restricted record{'s' if n != 1 else ''} left out: you do not have permission to see "
        f"{'their' if n != 1 else 'its'} details, so no letter is written about {'them' if n != 1 else 'it'} "
        "by you (someone with the restricted permission can open each and write its letter)."
    )


@dataclass(frozen=True)
class MergeRestriction:
    """The restricted records among a merge's, as this actor stands to them (each named by reference)."""

    to_look_at: tuple[RecordRef, ...] = ()  # the actor may see them: one reason covers them all
    left_out: tuple[RecordRef, ...] = ()  # the actor may not: no letter about them from this actor
    reason_needed: bool = False  # some of ``to_look_at`` have no reason of this actor's still current

    @property
    def restricted_ids(self) -> frozenset[uuid.UUID]:
        return frozenset(r.id for r in self.to_look_at + self.left_out if r.id is not None)

    @property
    def note(self) -> str:
        """One line for the window, before the merge is run."""
        parts = []
        n = len(self.to_look_at)
        if n:
            parts.append(
                f"{n:,} restricted record{'s' if n != 1 else ''}: "
                + (
                    "you will be asked for a reason when you produce the letters (it is recorded with "
                    "your name)."
                    if self.reason_needed
                    else "your recent reason covers them (each letter is recorded as a look)."
                )
            )
        if self.left_out:
            parts.append(left_out_note(len(self.left_out)))
        return " ".join(parts)


def merge_restriction(
    letters: LetterService, actor: Actor, subject: Subject, record_ids: Sequence[uuid.UUID]
) -> MergeRestriction:
    """Which of these records are restricted, and whether this actor may see them (nothing is looked at:
    only references and flags are read)."""
    if Subject(subject) is not Subject.REFERRAL or not record_ids:
        return MergeRestriction()  # today only a Safer Homes referral can be restricted
    with letters._uow("system") as uow:
        refs = referral_refs(uow.session, record_ids)
        restricted = [refs[i] for i in dict.fromkeys(record_ids) if i in refs and refs[i].restricted]
        seen = tuple(r for r in restricted if may_see(actor.viewer, r))
        current = current_reasons(uow.session, actor.username, seen) if seen else {}
    return MergeRestriction(
        seen,
        tuple(r for r in restricted if not may_see(actor.viewer, r)),
        any(r.id not in current for r in seen),
    )


def merge_questions(
    letters: LetterService, actor: Actor, subject: Subject, code: str | None, record_ids: Sequence[uuid.UUID]
) -> list[AskedField]:
    """What the officer writes once for every letter: the template's questions that the first record the
    merge will write to leaves blank (a record fills in its own dates, names ...). Only the questions come
    back, never a value, so reading a restricted first record here is no look at it (the merge itself asks
    the reason); a record the actor may not see is skipped, as the merge leaves it out."""
    if code is None or not record_ids:
        return []
    shut = {r.id for r in merge_restriction(letters, actor, subject, record_ids[:50]).left_out}
    first = next((i for i in record_ids[:50] if i not in shut), None)
    if first is None:
        return []
    form = letters._form(actor, subject, code, first)
    return [replace(a, value=None) for a in form.asked if a.value in (None, "", ())]


def _problems_error(problems: Sequence[BatchProblem], total: int) -> ValidationError:
    lines = [f"• {p.label}: {p.message}" for p in problems[:SHOW_PROBLEMS]]
    if len(problems) > SHOW_PROBLEMS:
        lines.append(f"… and {len(problems) - SHOW_PROBLEMS} more.")
    return ValidationError(
        {str(p.record_id): p.message for p in problems},
        f"{len(problems)} of {total} letters are missing information, so none were produced:\n"
        + "\n".join(lines),
    )


def check_merge(
    letters: LetterService,
    actor: Actor,
    subject: Subject,
    code: str,
    record_ids: Sequence[uuid.UUID],
    *,
    typed: Mapping[str, Any] | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    restricted: frozenset[uuid.UUID] = frozenset(),
) -> tuple[list[tuple[uuid.UUID, dict[str, Any]]], list[BatchProblem]]:
    """Values for every record, and the records that cannot have a letter (and why). The caller has
    accounted for any look at a ``restricted`` record (``run_batch``); those are named by reference only."""
    src = letters.source(subject, code)
    values_of = src.values
    if not src.is_template_letter or values_of is None:
        raise ValidationError({"code": "Only template letters can be mail-merged."})
    t = letters.templates.current(code)
    lh = letters.letterhead(actor)
    settings = letters._settings.all()
    ready: list[tuple[uuid.UUID, dict[str, Any]]] = []
    problems: list[BatchProblem] = []
    total = len(record_ids)
    with letters._uow("system") as uow:
        ctx = ProviderContext(uow.session, letters._services, letters._today(), settings)
        found: dict[uuid.UUID, Any] = {}
        for i, rid in enumerate(record_ids):
            if cancelled is not None and cancelled():
                raise MergeCancelled()
            if progress is not None and i % CHECK_STEP == 0:
                progress("Checking", i, total)
            if rid not in found:
                if src.values_many is not None:  # the next few hundred records' values, in a few queries
                    found.update(src.values_many(ctx, record_ids[i : i + CHECK_STEP], actor))
                else:
                    try:
                        found[rid] = values_of(ctx, rid, actor)
                    except UserError as exc:
                        found[rid] = exc
            given = found.pop(rid)
            if isinstance(given, UserError):
                problems.append(BatchProblem(rid, str(rid), str(given)))
                continue
            values = letters._merge(given, typed, src)
            values["letter_date"] = values.get("letter_date") or ctx.today
            label = str(values.get("reference") or rid)
            if values.get("recipient_name") and rid not in restricted:
                label += f" ({values['recipient_name']})"
            missing = letters.missing(src, t.body, values, lh)
            if missing:
                msg = "; ".join(f"{m.label} ({m.fix})" for m in missing)
                problems.append(BatchProblem(rid, label, msg))
            else:
                ready.append((rid, values))
    return ready, problems


def run_batch(
    letters: LetterService,
    actor: Actor,
    subject: Subject,
    code: str,
    record_ids: Sequence[uuid.UUID],
    *,
    combined: bool,
    typed: Mapping[str, Any] | None = None,
    large_print: bool = False,
    skip_incomplete: bool = False,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    workers: int | None = None,
    reason: str | None = None,
) -> BatchResult:
    """Produce and file a letter for each record. With ``skip_incomplete`` False, one record missing a
    field refuses the whole merge before anything is rendered (the message lists them); with True, those
    records are skipped and listed in the result. ``workers`` > 1 renders in that many processes (None: as
    many as are worth it for this many letters). Restricted records among them need a ``reason`` (one for
    all; ``ReasonNeeded`` before anything is read) or are left out if the actor may not see them."""
    actor.require(Role.OFFICER, "produce letters")
    record_ids = list(dict.fromkeys(record_ids))
    if not record_ids:
        raise ValidationError({"records": "Choose at least one record to write to."})
    shut = merge_restriction(letters, actor, subject, record_ids)
    if shut.left_out:
        gone = {r.id for r in shut.left_out}
        record_ids = [i for i in record_ids if i not in gone]
        if not record_ids:
            raise ValidationError({"records": left_out_note(len(gone))}, left_out_note(len(gone)))
    if shut.to_look_at:
        # One reason covers every restricted record; a look row each, before any value is read.
        with letters._uow(actor.username) as uow:
            account_for_looks(uow, actor, shut.to_look_at, LOOK_WHAT, reason)
            uow.commit()
    restricted = shut.restricted_ids
    ready, problems = check_merge(
        letters,
        actor,
        subject,
        code,
        record_ids,
        typed=typed,
        progress=progress,
        cancelled=cancelled,
        restricted=restricted,
    )
    if problems and not skip_incomplete:
        raise _problems_error(problems, len(record_ids))
    if not ready:
        raise _problems_error(problems, len(record_ids))
    src = letters.source(subject, code)
    t = letters.templates.current(code)
    lh = letters.letterhead(actor)
    jobs = [(t.body, v, lh, t.protective_marking, large_print, t.name) for _, v in ready]
    n = len(jobs)

    def each(done: int, total: int) -> None:
        if progress is not None:
            progress("Producing letters", done, total)

    pdfs, print_file = letters.printer.merge(
        jobs, combined=combined, progress=each, cancelled=cancelled, workers=workers
    )
    drafts = [
        letters._make_draft(src, rid, t, v, pdf, large_print, rid in restricted)
        for (rid, v), pdf in zip(ready, pdfs, strict=True)
    ]
    description = "Mail merge" + (", large print (16 pt)" if large_print else "")
    with letters._uow(actor.username) as uow:
        if cancelled is not None and cancelled():
            raise MergeCancelled()  # leaving without commit: nothing filed
        if progress is not None:
            progress("Filing on cases", 0, n)
        links = links_many(uow.session, subject, [d.record_id for d in drafts])
        filings = [
            Filing(
                links[d.record_id],
                d.pdf,
                d.title,
                d.filename,
                d.recipient,
                d.code,
                d.template_revision,
                description,
            )
            for d in drafts
        ]
        doc_ids = file_pdfs(uow, actor, filings, today=letters._today())
        uow.audit(
            "create",
            "mail_merge",
            None,
            f"Mail merge: {n} × '{t.name}' (revision {t.revision})"
            + (f", {len(problems)} skipped" if problems else "")
            + (f", {len(shut.left_out)} restricted left out" if shut.left_out else ""),
            {
                "code": code,
                "revision": t.revision,
                "letters": n,
                "skipped": [str(p.record_id) for p in problems],
                "restricted_left_out": [r.reference for r in shut.left_out],
            },
        )
        if cancelled is not None and cancelled():
            raise MergeCancelled()
        uow.commit()
    case_ids = {f.links.case_id for f in filings if f.links.case_id}
    if progress is not None:
        progress("Done", n, n)
    files = [(_unique(safe_filename(d.filename[:-4]) + ".pdf", i), d.pdf) for i, d in enumerate(drafts)]
    return BatchResult(
        code,
        t.name,
        n,
        print_file,
        files,
        doc_ids,
        problems,
        Changes.of(
            "document",
            "chronology",
            *(("notice",) if Subject(subject) is Subject.NOTICE else ()),
            ids=tuple(case_ids) + tuple({f.links.notice_id for f in filings if f.links.notice_id}),
        ),
        tuple(r.reference for r in shut.left_out),
    )


def _unique(name: str, i: int) -> str:
    return f"{i + 1:04d} {name}"
