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
from cspdesk.core.services.documents import file_pdf, links_for, safe_filename, store_blobs
from cspdesk.core.services.letter_sources import ProviderContext, Subject
from cspdesk.core.services.letters import LetterService, MergeCancelled

Progress = Callable[[str, int, int], None]
Cancelled = Callable[[], bool]
SHOW_PROBLEMS = 15


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
    if not src.is_template_letter:
        raise ValidationError({"code": "Only template letters can be mail-merged."})
    t = letters.templates.current(code)
    lh = letters.letterhead(actor)
    settings = letters._settings.all()
    ready: list[tuple[uuid.UUID, dict[str, Any]]] = []
    problems: list[BatchProblem] = []
    total = len(record_ids)
    with letters._uow("system") as uow:
        ctx = ProviderContext(uow.session, letters._services, letters._today(), settings)
        for i, rid in enumerate(record_ids):
            if cancelled is not None and cancelled():
                raise MergeCancelled()
            if progress is not None and i % 20 == 0:
                progress("Checking", i, total)
            try:
                values = letters._merge(src.values(ctx, rid, actor), typed, src)
                values["letter_date"] = values.get("letter_date") or ctx.today
            except UserError as exc:
                problems.append(BatchProblem(rid, str(rid), str(exc)))
                continue
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

    pdfs, print_file = letters.printer.merge(jobs, combined=combined, progress=each, cancelled=cancelled,
                                             workers=workers)
    drafts = [letters._make_draft(src, rid, t, v, pdf, large_print) for (rid, v), pdf in zip(ready, pdfs, strict=True)]
    doc_ids: list[uuid.UUID] = []
    case_ids: set[uuid.UUID] = set()
    with letters._uow(actor.username) as uow:
        stored = store_blobs(uow.session, [d.pdf for d in drafts])
        for i, d in enumerate(drafts):
            if cancelled is not None and cancelled():
                raise MergeCancelled()  # leaving without commit: nothing filed
            if progress is not None and i % 20 == 0:
                progress("Filing on cases", i, n)
            links = links_for(uow.session, subject, d.record_id)
            doc = file_pdf(
                uow,
                actor,
                links,
                pdf=d.pdf,
                title=d.title,
                filename=d.filename,
                recipient=d.recipient,
                template_code=d.code,
                template_revision=d.template_revision,
                description="Mail merge" + (", large print (16 pt)" if large_print else ""),
                today=letters._today(),
                stored=stored,
            )
            doc_ids.append(doc.id)
            if links.case_id:
                case_ids.add(links.case_id)
        uow.audit(
            "create",
            "mail_merge",
            None,
            f"Mail merge: {n} × '{t.name}' (revision {t.revision})" + (f", {len(problems)} skipped" if problems else ""),
            {"code": code, "revision": t.revision, "letters": n, "skipped": [str(p.record_id) for p in problems]},
        )
        uow.commit()
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
        Changes.of("document", "chronology", ids=tuple(case_ids)),
    )


def _unique(name: str, i: int) -> str:
    return f"{i + 1:04d} {name}"
