"""Documents filed on a case (generated letters and attachments) and the letter templates."""

from __future__ import annotations

import uuid

from sqlalchemy import Boolean, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from cspdesk.core.storage.base import Base, Tracked


class DocumentBlob(Base):
    """The exact bytes of a document, addressed by their SHA-256 so a copy is stored once."""

    __tablename__ = "document_blob"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Document(Tracked, Base):
    __tablename__ = "document"
    kind: Mapped[str] = mapped_column(String(20))  # vocab.DocumentKind
    case_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("asb_case.id"), index=True)
    notice_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("enforcement_notice.id"), index=True)
    referral_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("safer_homes_referral.id"), index=True
    )
    case_review_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("case_review_application.id"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    filename: Mapped[str] = mapped_column(String(300))
    mime_type: Mapped[str] = mapped_column(String(100))
    sha256: Mapped[str] = mapped_column(String(64), ForeignKey("document_blob.sha256"))
    size: Mapped[int] = mapped_column(Integer)
    made_by: Mapped[str] = mapped_column(String(120))
    recipient: Mapped[str | None] = mapped_column(String(300))
    template_code: Mapped[str | None] = mapped_column(String(60))
    template_version: Mapped[int | None] = mapped_column(Integer)
    description: Mapped[str | None] = mapped_column(Text)


class LetterTemplate(Tracked, Base):
    """A letter's wording with named fields. Every save is a new version; old
    ones stay to reproduce letters."""

    __tablename__ = "letter_template"
    code: Mapped[str] = mapped_column(String(60))
    revision: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    protective_marking: Mapped[bool] = mapped_column(Boolean, default=False)
    author: Mapped[str] = mapped_column(String(120))
    current: Mapped[bool] = mapped_column(Boolean, default=True)

    __table_args__ = (UniqueConstraint("code", "revision", name="code_revision"),)
