"""Letter templates in the database: every save is a new revision, so any letter ever filed can be
reproduced from the revision its Document names.

The shipped templates (``resources/templates``) are copied in on first use. A later release that changes
a shipped template adds a new revision, but only while no administrator has edited that letter: an
administrator's wording is never overwritten. Which fields a letter must never print (``excluded_fields``,
e.g. the referral reason on a contractor's works order) comes from the shipped file, not from the
editable copy, so no edit can remove that protection.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from cspdesk.core.domain.vocab import Role
from cspdesk.core.errors import ConflictError, NotFound, ValidationError, WritesRefused
from cspdesk.core.services.context import Actor, Changes
from cspdesk.core.storage.models import LetterTemplate as TemplateRow
from cspdesk.core.storage.uow import UnitOfWork

SYSTEM_AUTHOR = "system"  # revisions copied from the shipped files


@dataclass(frozen=True)
class TemplateRevision:
    id: uuid.UUID
    code: str
    revision: int
    name: str
    body: str
    protective_marking: bool
    author: str
    saved_at: datetime
    current: bool
    excluded_fields: tuple[str, ...] = ()

    @property
    def shipped(self) -> bool:
        return self.author == SYSTEM_AUTHOR


@dataclass(frozen=True)
class FieldInfo:
    name: str
    label: str
    description: str
    kind: str


def field_list() -> list[FieldInfo]:
    """Every field a template may use, for the editor's list and the letter form."""
    from cspdesk.core.reports.fields import FIELDS

    return [FieldInfo(f.name, f.label, f.description, f.kind.value) for f in FIELDS.values()]


def _excluded(code: str) -> tuple[str, ...]:
    from cspdesk.core.reports.templates import default_templates

    shipped = default_templates().get(code)
    return shipped.excluded_fields if shipped else ()


def _dto(row: TemplateRow) -> TemplateRevision:
    return TemplateRevision(
        row.id,
        row.code,
        row.revision,
        row.name,
        row.body,
        bool(row.protective_marking),
        row.author,
        row.created_at,
        bool(row.current),
        _excluded(row.code),
    )


class LetterTemplateService:
    def __init__(self, uow: Callable[[str], UnitOfWork]):
        self._uow = uow
        self._seeded = False

    # ----- the shipped templates
    def ensure_seeded(self) -> None:
        """Copy in shipped templates that are new, or changed and never edited here. Once per session."""
        if self._seeded:
            return
        from cspdesk.core.reports.templates import default_templates

        try:
            with self._uow(SYSTEM_AUTHOR) as uow:
                s = uow.session
                current = {
                    r.code: r for r in s.scalars(select(TemplateRow).where(TemplateRow.current.is_(True)))
                }
                added = []
                for code, t in default_templates().items():
                    row = current.get(code)
                    if row is not None and (
                        row.author != SYSTEM_AUTHOR
                        or (row.name, row.body, bool(row.protective_marking))
                        == (t.name, t.body, t.protective_marking)
                    ):
                        continue
                    if row is not None:
                        row.current = False
                    s.add(
                        TemplateRow(
                            code=code,
                            revision=row.revision + 1 if row else 1,
                            name=t.name,
                            body=t.body,
                            protective_marking=t.protective_marking,
                            author=SYSTEM_AUTHOR,
                            current=True,
                        )
                    )
                    added.append(code)
                if added:
                    s.flush()
                    uow.audit(
                        "create",
                        "letter_template",
                        None,
                        f"Shipped letter templates installed: {', '.join(added)}",
                        {"codes": added},
                    )
                    uow.commit()
        except (IntegrityError, ConflictError):
            pass  # another user's copy of the app installed them at the same moment
        except WritesRefused:
            pass  # a read-only or damaged file: the templates it holds are read as they are
        self._seeded = True

    # ----- reading
    def templates(self) -> list[TemplateRevision]:
        """The current revision of every template, in the shipped order then by name."""
        from cspdesk.core.reports.templates import default_templates

        self.ensure_seeded()
        order = {code: i for i, code in enumerate(default_templates())}
        with self._uow("system") as uow:
            rows = uow.session.scalars(select(TemplateRow).where(TemplateRow.current.is_(True))).all()
            out = [_dto(r) for r in rows]
        return sorted(out, key=lambda t: (order.get(t.code, len(order)), t.name))

    def current(self, code: str) -> TemplateRevision:
        self.ensure_seeded()
        with self._uow("system") as uow:
            row = uow.session.scalar(
                select(TemplateRow).where(TemplateRow.code == code, TemplateRow.current.is_(True))
            )
            if row is None:
                raise NotFound(f"There is no letter template with the code {code!r}.")
            return _dto(row)

    def revision(self, code: str, revision: int) -> TemplateRevision:
        self.ensure_seeded()
        with self._uow("system") as uow:
            row = uow.session.scalar(
                select(TemplateRow).where(TemplateRow.code == code, TemplateRow.revision == revision)
            )
            if row is None:
                raise NotFound(f"Revision {revision} of the letter template {code!r} does not exist.")
            return _dto(row)

    def history(self, code: str) -> list[TemplateRevision]:
        """Every revision, newest first."""
        self.ensure_seeded()
        with self._uow("system") as uow:
            rows = uow.session.scalars(
                select(TemplateRow).where(TemplateRow.code == code).order_by(TemplateRow.revision.desc())
            ).all()
            return [_dto(r) for r in rows]

    # ----- saving
    @staticmethod
    def validate(code: str, name: str, body: str) -> None:
        """What the editor checks before saving: a name, readable syntax, only declared fields, and none
        of the fields this letter must never print. The message names the offending field."""
        from cspdesk.core.reports.markup import validate_template

        if not name.strip():
            raise ValidationError({"name": "Give the template a name."})
        if not body.strip():
            raise ValidationError({"body": "The letter has no wording."})
        validate_template(body, _excluded(code))

    def save(
        self,
        actor: Actor,
        code: str,
        *,
        name: str,
        body: str,
        protective_marking: bool,
        based_on: int,
    ) -> tuple[TemplateRevision, Changes]:
        """Save the wording as a new revision (the old ones stay). ``based_on`` is the revision the editor
        opened: if someone saved another since, nothing is saved and ConflictError says so."""
        actor.require(Role.ADMINISTRATOR, "change letter templates")
        body = body.replace("\r\n", "\n").rstrip() + "\n"
        self.validate(code, name, body)
        self.ensure_seeded()
        with self._uow(actor.username) as uow:
            s = uow.session
            cur = s.scalar(select(TemplateRow).where(TemplateRow.code == code, TemplateRow.current.is_(True)))
            if cur is None:
                raise NotFound(f"There is no letter template with the code {code!r}.")
            if cur.revision != based_on:
                raise ConflictError(
                    f"{cur.author} saved revision {cur.revision} of this template "
                    f"after you opened revision {based_on}. Your wording was not "
                    "saved: copy it, reopen the template and apply it again."
                )
            if (cur.name, cur.body, bool(cur.protective_marking)) == (name.strip(), body, protective_marking):
                raise ValidationError({"body": "Nothing has changed since the current revision."})
            cur.current = False
            s.flush()  # the old row gives up "current" before the new one takes it
            row = TemplateRow(
                code=code,
                revision=cur.revision + 1,
                name=name.strip(),
                body=body,
                protective_marking=protective_marking,
                author=actor.display_name,
                current=True,
            )
            s.add(row)
            s.flush()
            uow.audit(
                "update",
                "letter_template",
                row.id,
                f"Letter template '{row.name}' saved as revision {row.revision}",
                {"code": code, "revision": row.revision, "previous": cur.revision},
            )
            uow.commit()
            return _dto(row), Changes.of("letter_template", ids=(row.id,))
