"""Files filed on a case (photos, diary sheets, emails, PDFs). The bytes are copied into the database
(``DocumentBlob``, addressed by SHA-256, stored once), so moving or deleting the original loses nothing."""

from __future__ import annotations

import email
import email.policy
import hashlib
import mimetypes
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select

from cspdesk.core.domain.vocab import ChronologyKind, DocumentKind, Role
from cspdesk.core.errors import ValidationError
from cspdesk.core.services.cases.case_common import get_case, record_chronology
from cspdesk.core.services.context import Actor, Changes
from cspdesk.core.storage.models import Document, DocumentBlob
from cspdesk.core.storage.uow import UnitOfWork

MAX_BYTES = 100 * 1024 * 1024  # a phone video is bigger than any attachment an officer needs
_EXTRA_TYPES = {
    ".msg": "application/vnd.ms-outlook",
    ".eml": "message/rfc822",
    ".txt": "text/plain",
    ".heic": "image/heic",
}


@dataclass(frozen=True)
class AttachmentRow:
    """A file filed on the case, as the Documents tab lists it (not ``letters.documents.DocumentRow``, a
    letter or document made from a template)."""

    id: uuid.UUID
    kind: str
    title: str
    filename: str
    mime_type: str
    size: int
    sha256: str
    made_by: str
    made_at: datetime
    description: str


def mime_for(filename: str) -> str:
    ext = Path(filename).suffix.lower()
    return _EXTRA_TYPES.get(ext) or mimetypes.guess_type(filename)[0] or "application/octet-stream"


def preview_kind(mime_type: str, filename: str = "") -> str | None:
    """How the case screen can show a file itself: image, pdf, email or text; None = open it outside."""
    if mime_type in ("image/png", "image/jpeg", "image/gif", "image/bmp", "image/webp"):
        return "image"
    if mime_type == "application/pdf":
        return "pdf"
    if mime_type == "message/rfc822":
        return "email"
    if mime_type.startswith("text/") or Path(filename).suffix.lower() in (".csv", ".log"):
        return "text"
    return None


def email_as_text(data: bytes) -> str:
    """An .eml file as the header lines an officer reads, then its plain-text body."""
    msg = email.message_from_bytes(data, policy=email.policy.default)
    head = "\n".join(f"{h}: {msg[h]}" for h in ("From", "To", "Cc", "Date", "Subject") if msg[h])
    body_part = msg.get_body(preferencelist=("plain", "html")) if hasattr(msg, "get_body") else None
    body = body_part.get_content() if body_part is not None else ""
    names = [p.get_filename() for p in msg.iter_attachments()] if hasattr(msg, "iter_attachments") else []
    extra = ("\n\nAttachments: " + ", ".join(n for n in names if n)) if any(names) else ""
    return f"{head}\n\n{body}{extra}"


class AttachmentService:
    def __init__(self, uow: Callable[[str], UnitOfWork], today: Callable[[], date]):
        self._uow = uow
        self._today = today

    def documents(self, case_id: uuid.UUID) -> list[AttachmentRow]:
        with self._uow("system") as uow:
            cols = (
                Document.id,
                Document.kind,
                Document.title,
                Document.filename,
                Document.mime_type,
                Document.size,
                Document.sha256,
                Document.made_by,
                Document.created_at,
                Document.description,
            )
            rows = uow.session.execute(
                select(*cols).where(Document.case_id == case_id).order_by(Document.created_at.desc())
            ).all()
        return [
            AttachmentRow(
                r.id,
                r.kind,
                r.title,
                r.filename,
                r.mime_type,
                r.size,
                r.sha256,
                r.made_by,
                r.created_at,
                r.description or "",
            )
            for r in rows
        ]

    def content(self, actor: Actor, document_id: uuid.UUID, reason: str | None = None) -> bytes:
        """The file's bytes, through the one reader that applies restriction (``documents.read_stored``)."""
        from cspdesk.core.services.letters.documents import read_stored

        return read_stored(self._uow, actor, document_id, reason, "Attachment opened")

    def save_copy(
        self, actor: Actor, document_id: uuid.UUID, target: Path, reason: str | None = None
    ) -> Path:
        target = Path(target)
        target.write_bytes(self.content(actor, document_id, reason))
        return target

    def add_files(
        self, actor: Actor, case_id: uuid.UUID, paths: Iterable[Path], description: str = ""
    ) -> Changes:
        actor.require(Role.OFFICER, "add attachments")
        files: list[tuple[str, bytes]] = []
        for p in paths:
            p = Path(p)
            try:
                data = p.read_bytes()
            except OSError as exc:
                raise ValidationError(
                    {"file": f"{p.name} could not be read: {exc.strerror or exc}."}
                ) from exc
            files.append((p.name, data))
        return self.add_bytes(actor, case_id, files, description)

    def add_bytes(
        self, actor: Actor, case_id: uuid.UUID, files: list[tuple[str, bytes]], description: str = ""
    ) -> Changes:
        actor.require(Role.OFFICER, "add attachments")
        if not files:
            raise ValidationError({"file": "Choose at least one file."})
        for name, data in files:
            if len(data) > MAX_BYTES:
                raise ValidationError(
                    {
                        "file": f"{name} is {len(data) // (1024 * 1024)} MB; the limit is "
                        f"{MAX_BYTES // (1024 * 1024)} MB."
                    }
                )
            if not data:
                raise ValidationError({"file": f"{name} is empty."})
        ids = []
        with self._uow(actor.username) as uow:
            s = uow.session
            case = get_case(s, case_id)
            for name, data in files:
                digest = hashlib.sha256(data).hexdigest()
                if s.get(DocumentBlob, digest) is None:
                    s.add(DocumentBlob(sha256=digest, size=len(data), data=data))
                    s.flush()
                doc = Document(
                    kind=DocumentKind.ATTACHMENT.value,
                    case_id=case_id,
                    title=Path(name).stem[:300],
                    filename=name[:300],
                    mime_type=mime_for(name),
                    sha256=digest,
                    size=len(data),
                    made_by=actor.display_name,
                    description=description.strip() or None,
                )
                s.add(doc)
                s.flush()
                ids.append(doc.id)
                record_chronology(
                    s,
                    case,
                    ChronologyKind.ATTACHMENT.value,
                    f"Attachment added: {name}",
                    actor.display_name,
                    related_type="document",
                    related_id=doc.id,
                    today=self._today(),
                )
                uow.audit(
                    "create", "document", doc.id, f"{case.reference}: {name} attached", {"sha256": digest}
                )
            uow.commit()
        return Changes.of("document", "case", ids=(case_id, *ids))
