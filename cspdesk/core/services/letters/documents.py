"""Documents filed on cases: generated letters (and attachments) as the exact bytes, stored once by SHA-256.

``file_pdfs`` (``file_pdf`` for one) is the one way a generated document is filed: blob, Document row, a
chronology entry on the case and an audit row, in the caller's unit of work. Reprinting returns the stored
bytes, never a new rendering, so the copy is identical to the one sent.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import insert, or_, select, update

from cspdesk.core.domain.protection import may_see
from cspdesk.core.domain.restriction import RecordRef, restricted_filename, restricted_letter_title
from cspdesk.core.domain.safer_homes import RESTRICTED
from cspdesk.core.domain.vocab import ChronologyKind, DocumentKind
from cspdesk.core.errors import NotFound, PermissionDenied
from cspdesk.core.services.cases.case_common import record_chronology_many
from cspdesk.core.services.context import Actor
from cspdesk.core.services.letters.letter_sources import Subject
from cspdesk.core.services.restriction import account_for_looks, document_refs, referral_refs
from cspdesk.core.storage.models import (
    AsbCase,
    CaseReviewCaseLink,
    Document,
    DocumentBlob,
    EnforcementNotice,
    SaferHomesReferral,
)
from cspdesk.core.storage.uow import UnitOfWork


@dataclass(frozen=True)
class DocumentRow:
    id: uuid.UUID
    kind: str  # vocab.DocumentKind value
    title: str
    filename: str
    recipient: str
    made_by: str
    made_at: datetime
    size: int
    sha256: str
    template_code: str | None
    template_revision: int | None
    description: str


@dataclass(frozen=True)
class FilingLinks:
    """Which records a document belongs to; ``chronology_cases`` get a chronology entry."""

    case_id: uuid.UUID | None = None
    notice_id: uuid.UUID | None = None
    referral_id: uuid.UUID | None = None
    case_review_id: uuid.UUID | None = None
    chronology_cases: tuple[uuid.UUID, ...] = ()


def links_for(session, subject: Subject, record_id: uuid.UUID) -> FilingLinks:
    """The case (if any) a letter about this record is filed on."""
    subject = Subject(subject)
    if subject is Subject.CASE:
        if session.get(AsbCase, record_id) is None:
            raise NotFound("That case no longer exists.")
        return FilingLinks(case_id=record_id, chronology_cases=(record_id,))
    if subject is Subject.NOTICE:
        n = session.get(EnforcementNotice, record_id)
        if n is None:
            raise NotFound("That notice no longer exists.")
        return FilingLinks(case_id=n.case_id, notice_id=record_id, chronology_cases=(n.case_id,))
    if subject is Subject.REFERRAL:
        # Filed on the referral only: a Safer Homes client may be a domestic-abuse victim, whose name must
        # not reach an ASB case's chronology or documents list (seen by people who may not see the referral).
        if session.get(SaferHomesReferral, record_id) is None:
            raise NotFound("That referral no longer exists.")
        return FilingLinks(referral_id=record_id)
    cases = tuple(
        session.scalars(
            select(CaseReviewCaseLink.case_id)
            .where(CaseReviewCaseLink.application_id == record_id)
            .order_by(CaseReviewCaseLink.case_id)
        )
    )
    return FilingLinks(case_id=cases[0] if cases else None, case_review_id=record_id, chronology_cases=cases)


def safe_filename(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._ -]+", "-", text).strip(" .-")[:150] or "document"


@dataclass(frozen=True)
class Filing:
    """One generated PDF to file, and on what."""

    links: FilingLinks
    pdf: bytes
    title: str
    filename: str
    recipient: str
    template_code: str | None
    template_revision: int | None
    description: str = ""


def file_pdf(
    uow: UnitOfWork,
    actor: Actor,
    links: FilingLinks,
    *,
    pdf: bytes,
    title: str,
    filename: str,
    recipient: str,
    template_code: str | None,
    template_revision: int | None,
    description: str = "",
    today: date,
) -> uuid.UUID:
    """Store the bytes (once per hash), the Document row, chronology and audit; the document's id.
    Caller commits."""
    filing = Filing(links, pdf, title, filename, recipient, template_code, template_revision, description)
    return file_pdfs(uow, actor, [filing], today=today)[0]


def file_pdfs(uow: UnitOfWork, actor: Actor, filings: Sequence[Filing], *, today: date) -> list[uuid.UUID]:
    """File every document: its bytes (stored once per hash), a Document row, a chronology entry on each
    of its cases (which are marked active) and an audit row, with one statement per table however many
    there are (a mail merge files hundreds). Returns the documents' ids, in order. Caller commits."""
    s = uow.session
    digests = store_blobs(s, [f.pdf for f in filings])
    ids = [uuid.uuid4() for _ in filings]
    # A letter on a restricted record is named by the record's reference, never its recipient: in its file
    # name (saved copies outlive the database's protection) and in the audit log's text.
    refs = referral_refs(s, [f.links.referral_id for f in filings if f.links.referral_id])
    owner = [refs.get(f.links.referral_id) if f.links.referral_id else None for f in filings]
    filings = [
        replace(f, filename=restricted_filename(ref.reference, f.title, today.isoformat()))
        if ref is not None and ref.restricted
        else f
        for f, ref in zip(filings, owner, strict=True)
    ]
    s.execute(
        insert(Document),
        [
            {
                "id": doc_id,
                "kind": DocumentKind.LETTER.value,
                "case_id": f.links.case_id,
                "notice_id": f.links.notice_id,
                "referral_id": f.links.referral_id,
                "case_review_id": f.links.case_review_id,
                "title": f.title[:300],
                "filename": safe_filename(f.filename)[:300],
                "mime_type": "application/pdf",
                "sha256": digest,
                "size": len(f.pdf),
                "made_by": actor.display_name,
                "recipient": f.recipient[:300] or None,
                "template_code": f.template_code,
                "template_version": f.template_revision,
                "description": f.description or None,
            }
            for doc_id, f, digest in zip(ids, filings, digests, strict=True)
        ],
    )
    summaries = [
        f"Letter: {f.title} on {ref.label}"
        if ref is not None and ref.restricted
        else f"Letter: {f.title}" + (f" to {f.recipient}" if f.recipient else "")
        for f, ref in zip(filings, owner, strict=True)
    ]
    _documents_made(s, sorted({f.links.notice_id for f in filings if f.links.notice_id}))
    wanted = sorted({c for f in filings for c in f.links.chronology_cases})
    cases: set[uuid.UUID] = set()
    for i in range(0, len(wanted), 500):
        cases.update(s.scalars(select(AsbCase.id).where(AsbCase.id.in_(wanted[i : i + 500]))))
    record_chronology_many(
        s,
        ChronologyKind.LETTER.value,
        actor.display_name,
        [
            (case_id, summary, "document", doc_id)
            for doc_id, f, summary in zip(ids, filings, summaries, strict=True)
            for case_id in f.links.chronology_cases
            if case_id in cases
        ],
        today=today,
    )
    uow.audit_many(
        "create",
        "document",
        [
            (
                doc_id,
                summary,
                {
                    "sha256": digest,
                    "template": f.template_code,
                    "revision": f.template_revision,
                    "case_id": str(f.links.case_id) if f.links.case_id else None,
                },
            )
            for doc_id, f, summary, digest in zip(ids, filings, summaries, digests, strict=True)
        ],
    )
    return ids


def _documents_made(session, notice_ids: Sequence[uuid.UUID]) -> None:
    """A letter filed on a notice is the letter or notice its latest step called for: "due" clears (issue 19).
    The notice's version is left alone, so an officer with the notice open can still record the next step."""
    for i in range(0, len(notice_ids), 500):
        session.execute(
            update(EnforcementNotice)
            .where(
                EnforcementNotice.id.in_(notice_ids[i : i + 500]), EnforcementNotice.document_due.is_(True)
            )
            .values(document_due=False)
            .execution_options(synchronize_session=False)
        )


def links_many(session, subject: Subject, record_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, FilingLinks]:
    """``links_for`` for many records (a mail merge), cases and notices in one query per 500."""
    subject = Subject(subject)
    ids = list(dict.fromkeys(record_ids))
    if subject not in (Subject.CASE, Subject.NOTICE):
        return {rid: links_for(session, subject, rid) for rid in ids}
    out: dict[uuid.UUID, FilingLinks] = {}
    for i in range(0, len(ids), 500):
        part = ids[i : i + 500]
        if subject is Subject.CASE:
            for case_id in session.scalars(select(AsbCase.id).where(AsbCase.id.in_(part))):
                out[case_id] = FilingLinks(case_id=case_id, chronology_cases=(case_id,))
        else:
            rows = session.execute(
                select(EnforcementNotice.id, EnforcementNotice.case_id).where(EnforcementNotice.id.in_(part))
            )
            for notice_id, case_id in rows:
                out[notice_id] = FilingLinks(
                    case_id=case_id, notice_id=notice_id, chronology_cases=(case_id,)
                )
    if len(out) < len(ids):
        raise NotFound(
            "That case no longer exists." if subject is Subject.CASE else "That notice no longer exists."
        )
    return out


def store_blobs(session, datas: list[bytes]) -> list[str]:
    """Store the bytes not stored yet (one query to find which, one INSERT), and return each one's hash."""
    digests = [hashlib.sha256(d).hexdigest() for d in datas]
    by_hash = dict(zip(digests, datas, strict=True))
    have: set[str] = set()
    keys = list(by_hash)
    for i in range(0, len(keys), 500):
        have.update(
            session.scalars(select(DocumentBlob.sha256).where(DocumentBlob.sha256.in_(keys[i : i + 500])))
        )
    missing = [{"sha256": h, "size": len(d), "data": d} for h, d in by_hash.items() if h not in have]
    if missing:
        session.execute(insert(DocumentBlob), missing)
    return digests


def _row(d: Document) -> DocumentRow:
    return DocumentRow(
        d.id,
        d.kind,
        d.title,
        d.filename,
        d.recipient or "",
        d.made_by,
        d.created_at,
        d.size,
        d.sha256,
        d.template_code,
        d.template_version,
        d.description or "",
    )


def shown_row(actor: Actor, row: DocumentRow, ref: RecordRef | None) -> DocumentRow:
    """A document as this actor may see it listed. On a restricted record nobody's list shows the recipient
    or a file name with a name in it (the letter itself is opened with a reason); someone who may not see
    the record sees "Restricted letter (reference)" and nothing else of it."""
    if ref is None or not ref.restricted:
        return row
    stamp = row.made_at.date().isoformat() if row.made_at else ""
    if may_see(actor.viewer, ref):
        return replace(
            row, recipient=RESTRICTED, filename=restricted_filename(ref.reference, row.title, stamp)
        )
    title = restricted_letter_title(ref, "letter" if row.kind == DocumentKind.LETTER.value else "document")
    return replace(
        row,
        title=title,
        recipient=RESTRICTED,
        filename=restricted_filename(
            ref.reference,
            "restricted " + ("letter" if row.kind == DocumentKind.LETTER.value else "document"),
            stamp,
        ),
        description="",
        template_code=None,
        template_revision=None,
        sha256="",
    )


def read_stored(
    uow_factory: Callable[[str], UnitOfWork],
    actor: Actor,
    document_id: uuid.UUID,
    reason: str | None,
    what: str,
) -> bytes:
    """The one way a stored document's bytes are read (letters and attachments alike): a document on a
    restricted record is refused to anyone who may not see the record, and is a look (reason, audit row)
    for anyone who may."""
    with uow_factory(actor.username) as uow:
        ref = document_refs(uow.session, [document_id]).get(document_id, None)
        if ref is not None and ref.restricted and not may_see(actor.viewer, ref):
            raise PermissionDenied(f"This document is on {ref.label}: you do not have permission to open it.")
        account_for_looks(uow, actor, [ref], what, reason)
        row = uow.session.execute(
            select(DocumentBlob.data, DocumentBlob.sha256)
            .join(Document, Document.sha256 == DocumentBlob.sha256)
            .where(Document.id == document_id)
        ).first()
        if row is None:
            raise NotFound("That document no longer exists.")
        uow.commit()
    if hashlib.sha256(row.data).hexdigest() != row.sha256:
        raise NotFound("The stored copy of this document is damaged (its fingerprint does not match).")
    return bytes(row.data)


class DocumentService:
    def __init__(self, uow: Callable[[str], UnitOfWork]):
        self._uow = uow

    def _shown(self, uow: UnitOfWork, actor: Actor, docs: Sequence[Document]) -> list[DocumentRow]:
        refs = document_refs(uow.session, [d.id for d in docs])
        return [shown_row(actor, _row(d), refs.get(d.id)) for d in docs]

    def for_case(self, actor: Actor, case_id: uuid.UUID) -> list[DocumentRow]:
        """Letters and attachments on a case, newest first, including those filed on its notices and
        linked Case Review applications (never Safer Homes referrals': see ``links_for``)."""
        with self._uow("system") as uow:
            s = uow.session
            notices = select(EnforcementNotice.id).where(EnforcementNotice.case_id == case_id)
            reviews = select(CaseReviewCaseLink.application_id).where(CaseReviewCaseLink.case_id == case_id)
            docs = s.scalars(
                select(Document)
                .where(
                    or_(
                        Document.case_id == case_id,
                        Document.notice_id.in_(notices),
                        Document.case_review_id.in_(reviews),
                    )
                )
                .order_by(Document.created_at.desc())
            ).all()
            return self._shown(uow, actor, docs)

    def for_record(self, actor: Actor, subject: Subject, record_id: uuid.UUID) -> list[DocumentRow]:
        if Subject(subject) is Subject.CASE:
            return self.for_case(actor, record_id)
        column = {
            Subject.NOTICE: Document.notice_id,
            Subject.REFERRAL: Document.referral_id,
            Subject.APPLICATION: Document.case_review_id,
        }[Subject(subject)]
        with self._uow("system") as uow:
            docs = uow.session.scalars(
                select(Document).where(column == record_id).order_by(Document.created_at.desc())
            ).all()
            return self._shown(uow, actor, docs)

    def get(self, actor: Actor, document_id: uuid.UUID) -> DocumentRow:
        with self._uow("system") as uow:
            d = uow.session.get(Document, document_id)
            if d is None:
                raise NotFound("That document no longer exists.")
            return self._shown(uow, actor, [d])[0]

    def may_write_on(self, actor: Actor, subject: Subject, record_id: uuid.UUID) -> bool:
        """False for a restricted record this actor may not see (no letters are written about it by them)."""
        if Subject(subject) is not Subject.REFERRAL:
            return True
        with self._uow("system") as uow:
            ref = referral_refs(uow.session, [record_id]).get(record_id)
        return ref is None or may_see(actor.viewer, ref)

    def may_open(self, actor: Actor, document_id: uuid.UUID) -> bool:
        """False for a document on a restricted record this actor may not see (the window disables
        Open and Save copy for it)."""
        with self._uow("system") as uow:
            ref = document_refs(uow.session, [document_id]).get(document_id)
        return ref is None or not ref.restricted or may_see(actor.viewer, ref)

    def needs_reason(self, actor: Actor, document_id: uuid.UUID) -> bool:
        """True if opening this document needs a reason now (restricted, and none current)."""
        from cspdesk.core.services.restriction import current_reasons

        with self._uow("system") as uow:
            ref = document_refs(uow.session, [document_id]).get(document_id)
            if ref is None or not ref.restricted or not may_see(actor.viewer, ref):
                return False
            return ref.id not in current_reasons(uow.session, actor.username, [ref])

    def content(self, actor: Actor, document_id: uuid.UUID, reason: str | None = None) -> bytes:
        """The exact stored bytes (checked against their hash). A letter on a restricted record is refused
        to anyone who may not see the record, and for anyone else needs a reason and is logged."""
        return self._read(actor, document_id, reason, "Letter opened")

    def _read(self, actor: Actor, document_id: uuid.UUID, reason: str | None, what: str) -> bytes:
        return read_stored(self._uow, actor, document_id, reason, what)

    def reprint(self, actor: Actor, document_id: uuid.UUID, reason: str | None = None) -> bytes:
        """The stored bytes, with an audit row saying who printed another copy (on a restricted record:
        only for those who may see it, with a reason, named by the record's reference)."""
        data = self._read(actor, document_id, reason, "Letter reprinted")
        with self._uow(actor.username) as uow:
            d = uow.session.get(Document, document_id)
            ref = document_refs(uow.session, [document_id]).get(document_id)
            title = d.title if ref is None or not ref.restricted else f"{d.title} on {ref.label}"
            uow.audit("reprint", "document", document_id, f"Copy of '{title}' printed or saved")
            uow.commit()
        return data
