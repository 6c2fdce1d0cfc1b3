"""Records brought in from a team's spreadsheets: the batches, what each made, and mappings remembered."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from cspdesk.core.storage.base import Base, Tracked


class ImportBatch(Tracked, Base):
    """One import of one sheet: undone as a whole (``undone_at``) while nothing it made has changed."""

    __tablename__ = "import_batch"
    file_name: Mapped[str] = mapped_column(String(260))
    sheet: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20))  # moving_in.RecordKind
    imported_at: Mapped[datetime] = mapped_column(DateTime)
    imported_by: Mapped[str] = mapped_column(String(120))
    counts: Mapped[dict[str, Any]] = mapped_column(JSON)
    undone_at: Mapped[datetime | None] = mapped_column(DateTime)
    undone_by: Mapped[str | None] = mapped_column(String(120))


class ImportedRecord(Tracked, Base):
    """A record an import made (or linked to): its reference in the old spreadsheet and the row it came from.

    ``version_at_import`` is the record's version counter when the batch was committed: undo is refused
    once it has moved on (someone edited the record)."""

    __tablename__ = "imported_record"
    batch_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("import_batch.id", ondelete="CASCADE"), index=True
    )
    entity_type: Mapped[str] = mapped_column(String(40))  # case, incident, person, party, notice, action
    entity_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    legacy_reference: Mapped[str | None] = mapped_column(String(120))
    source_row: Mapped[int] = mapped_column(Integer)
    version_at_import: Mapped[int] = mapped_column(Integer, default=1)
    made: Mapped[bool] = mapped_column(default=True)  # False: an existing record linked, not made
    # A notice whose dates in the file disagree with the statutory rules: what disagrees, in words.
    check_dates: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_imported_record_legacy", "entity_type", "legacy_reference"),)


class ImportMapping(Tracked, Base):
    """A column and value mapping, remembered for files of the same shape (their normalised headings)."""

    __tablename__ = "import_mapping"
    shape: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(20))
    columns: Mapped[dict[str, Any]] = mapped_column(JSON)
    value_map: Mapped[dict[str, Any]] = mapped_column(JSON)

    __table_args__ = (Index("ix_import_mapping_shape", "shape", "kind", unique=True),)
