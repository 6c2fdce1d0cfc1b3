"""Mail merge: one template, many records (cases, notices ...) → one combined PDF to print, or one file each.

Every letter is filed on its own case as its own PDF, exactly as for a single letter. The work runs in
four stages, reported through ``progress(stage, done, total)``; ``cancelled()`` is honoured in each, and
because everything is filed in one transaction at the end, a cancelled merge files nothing at all.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cspdesk.core.domain.vocab import Role
from cspdesk.core.errors import UserError, ValidationError
from cspdesk.core.services.context import Actor, Changes
from cspdesk.core.services.letters.documents import Filing, file_pdfs, links_many, safe_filename
from cspdesk.core.services.letters.letter_sources import ProviderContext, Subject
from cspdesk.core.services.letters.letters import LetterService, MergeCancelled

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
) -> tuple[list[tuple[uuid.UUID, dict[str, Any]]], list[BatchProblem]]:
    """Values for every record, and the records that cannot have a letter (and why)."""
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
            if values.get("recipient_name"):
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
) -> BatchResult:
    """Produce and file a letter for each record. With ``skip_incomplete`` False, one record missing a
    field refuses the whole merge before anything is rendered (the message lists them); with True, those
    records are skipped and listed in the result. ``workers`` > 1 renders in that many processes (None: as
    many as are worth it for this many letters)."""
    actor.require(Role.OFFICER, "produce letters")
    record_ids = list(dict.fromkeys(record_ids))
    if not record_ids:
        raise ValidationError({"records": "Choose at least one record to write to."})
    ready, problems = check_merge(
        letters, actor, subject, code, record_ids, typed=typed, progress=progress, cancelled=cancelled
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
        letters._make_draft(src, rid, t, v, pdf, large_print)
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
            + (f", {len(problems)} skipped" if problems else ""),
            {
                "code": code,
                "revision": t.revision,
                "letters": n,
                "skipped": [str(p.record_id) for p in problems],
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
    )


def _unique(name: str, i: int) -> str:
    return f"{i + 1:04d} {name}"
