"""Producing a letter: gather the values for a record, refuse while anything it needs is missing (naming
each field and where to put it right), render it on the letterhead, and file the exact PDF on the case.

    form  → what the New letter window shows: recipients, boxes for what the officer writes, what is missing
    draft → the PDF, nothing stored (the preview)
    file  → blob + Document + chronology + audit in one unit of work (the officer clicked "File on case")

A mail merge is ``letters_batch.run_batch``; reprints and listings are ``documents.DocumentService``.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from cspdesk.core.domain.vocab import Role
from cspdesk.core.errors import NotFound, UserError, ValidationError
from cspdesk.core.services.admin.settings import SettingsService
from cspdesk.core.services.context import Actor, Changes
from cspdesk.core.services.letters.documents import file_pdf, links_for
from cspdesk.core.services.letters.letter_areas import area_sources
from cspdesk.core.services.letters.letter_sources import (
    LetterRegistry,
    LetterSource,
    ProviderContext,
    Subject,
)
from cspdesk.core.services.letters.letter_templates import LetterTemplateService, TemplateRevision
from cspdesk.core.storage.models import AppUser
from cspdesk.core.storage.uow import UnitOfWork

LETTERHEAD_FIX = "Settings → Local settings → Letterhead (an administrator)"
GENERAL_FIX = {
    "officer_name": "your name: Settings → Users",
    "officer_title": "your job title: Settings → Users (an "
    "administrator sets it), or type it in the letter form",
    "council_name": LETTERHEAD_FIX,
    "council_address": LETTERHEAD_FIX,
    "council_phone": LETTERHEAD_FIX,
    "council_email": LETTERHEAD_FIX,
    "council_website": LETTERHEAD_FIX,
}
TYPE_IT = "type it in the letter form"
NOT_TYPED = {"reference", "letter_date", "recipient_name", "recipient_address", *GENERAL_FIX} - {
    "officer_title"
}


@dataclass(frozen=True)
class MissingField:
    name: str
    label: str
    fix: str  # where to put it right, in the user's words


@dataclass(frozen=True)
class LetterChoice:
    subject: Subject
    code: str
    name: str
    revision: int | None  # None for a report (the case summary)
    is_template_letter: bool


@dataclass(frozen=True)
class AskedField:
    name: str
    label: str
    description: str
    kind: str  # fields.FieldKind value: text, lines, list, date, money, flag
    value: Any


@dataclass(frozen=True)
class LetterForm:
    subject: Subject
    record_id: uuid.UUID
    code: str
    title: str
    recipients: list[tuple[uuid.UUID, str]]
    asked: list[AskedField]
    missing: list[MissingField]
    large_print_possible: bool
    # Who the letter is addressed to when the record names them itself (a notice's recipient, a Case Review
    # applicant) rather than offering ``recipients`` to choose from: shown instead of "nobody to write to".
    addressee: str = ""


@dataclass(frozen=True)
class LetterDraft:
    subject: Subject
    record_id: uuid.UUID
    code: str
    title: str
    template_revision: int | None
    pdf: bytes
    sha256: str
    recipient: str
    reference: str
    large_print: bool
    filename: str
    values: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class FiledLetter:
    document_id: uuid.UUID
    case_id: uuid.UUID | None
    sha256: str
    changes: Changes


class MergeCancelled(UserError):
    def __init__(self) -> None:
        super().__init__("Mail merge cancelled: no letters were filed.")


def missing_error(missing: list[MissingField], who: str = "") -> ValidationError:
    lines = [f"• {m.label} — {m.fix}" for m in missing]
    head = f"This letter{f' to {who}' if who else ''} cannot be produced until these are filled in:"
    return ValidationError({m.name: f"{m.label}: {m.fix}" for m in missing}, "\n".join([head, *lines]))


class LetterService:
    def __init__(
        self,
        uow: Callable[[str], UnitOfWork],
        templates: LetterTemplateService,
        settings: SettingsService,
        today: Callable[[], date],
        registry: LetterRegistry | None = None,
        printer: Any = None,
    ):
        self._uow = uow
        self.templates = templates
        self._settings = settings
        self._today = today
        self.registry = registry or LetterRegistry(area_sources())
        self._services: Any = None
        self._printer = printer  # letters_print.LetterPrinter, from the composition root

    def attach(self, services: Any) -> None:
        """Give providers the app's services (the composition root calls this once)."""
        self._services = services

    # ----- sources and letterhead
    def source(self, subject: Subject, code: str) -> LetterSource:
        src = self.registry.get(subject, code)
        if src is None:
            raise NotFound(f"No {Subject(subject).label} letter has the code {code!r}.")
        return src

    def _applies(self, src: LetterSource, record_id: uuid.UUID | None) -> bool:
        if src.applies_to is None or record_id is None:
            return True
        with self._uow("system") as uow:
            ctx = ProviderContext(uow.session, self._services, self._today(), {})
            return bool(src.applies_to(ctx, record_id))

    def choices(self, subject: Subject, record_id: uuid.UUID | None = None) -> list[LetterChoice]:
        """The letters for this kind of record (and, given one, those that suit it)."""
        current = {t.code: t for t in self.templates.templates()}
        out = []
        for src in self.registry.for_subject(subject):
            if not self._applies(src, record_id):
                continue
            if src.is_template_letter:
                t = current.get(src.code)
                if t is not None:
                    out.append(LetterChoice(Subject(subject), src.code, t.name, t.revision, True))
            else:
                out.append(LetterChoice(Subject(subject), src.code, src.title or src.code, None, False))
        order = {code: i for i, code in enumerate(current)}
        return sorted(out, key=lambda c: order.get(c.code, len(order)))

    def letterhead(self, actor: Actor):
        """Letterhead from the settings, signed by the acting officer (name and job title)."""
        from cspdesk.core.reports.letterhead import LetterheadSettings

        v = self._settings.all()
        with self._uow("system") as uow:
            user = uow.session.get(AppUser, actor.user_id)
            title = (user.job_title or "") if user else ""
        logo = str(v["council.logo_path"]).strip()
        return LetterheadSettings(
            council_name=v["council.name"],
            logo_path=logo or None,
            address_lines=tuple(x.strip() for x in str(v["council.address"]).splitlines() if x.strip()),
            team_name=v["council.team"],
            phone=v["council.phone"],
            email=v["council.email"],
            website=v["council.website"],
            officer_name=actor.display_name,
            officer_title=title,
        )

    # ----- values
    def gather(
        self,
        actor: Actor,
        subject: Subject,
        code: str,
        record_id: uuid.UUID,
        recipient_id: uuid.UUID | None = None,
        reason: str | None = None,
    ) -> tuple[dict[str, Any], list[tuple[uuid.UUID, str]]]:
        """The provider's values for one record, and who it could be addressed to. About a restricted record
        they are a look at its details: refused to those who may not see them, and written down with a
        ``reason`` (asked, or one still current) like every other look (``restriction``)."""
        self._account_for_preview(actor, Subject(subject), record_id, reason, "Letter values")
        return self._gather(actor, subject, code, record_id, recipient_id)

    def _gather(
        self,
        actor: Actor,
        subject: Subject,
        code: str,
        record_id: uuid.UUID,
        recipient_id: uuid.UUID | None = None,
    ) -> tuple[dict[str, Any], list[tuple[uuid.UUID, str]]]:
        """``gather`` once the look has been accounted for by the caller."""
        src = self.source(subject, code)
        if not self._applies(src, record_id):
            raise ValidationError({"code": "That letter is not for this record (choose one from the list)."})
        settings = self._settings.all()
        with self._uow("system") as uow:
            ctx = ProviderContext(
                uow.session, self._services, self._today(), settings, recipient_id, self.printer
            )
            values = dict(src.values(ctx, record_id, actor)) if src.values else {}
            if not values.get("letter_date"):
                values["letter_date"] = ctx.today  # a letter is dated the day it is made
            recipients = src.recipients(ctx, record_id) if src.recipients else []
        return values, recipients

    @staticmethod
    def typeable(src: LetterSource, name: str) -> bool:
        return name in src.ask or (name not in src.fix_hints and name not in NOT_TYPED)

    def missing(
        self, src: LetterSource, body: str, values: Mapping[str, Any], letterhead
    ) -> list[MissingField]:
        from cspdesk.core.reports.fields import field_label
        from cspdesk.core.reports.markup import missing_fields

        out = []
        for name in missing_fields(body, values, letterhead):
            fix = src.fix_hints.get(name) or GENERAL_FIX.get(name) or TYPE_IT
            out.append(MissingField(name, field_label(name), fix))
        return out

    @staticmethod
    def _merge(
        values: Mapping[str, Any], typed: Mapping[str, Any] | None, src: LetterSource
    ) -> dict[str, Any]:
        from cspdesk.core.reports.fields import is_blank

        merged = dict(values)
        for k, v in (typed or {}).items():
            if LetterService.typeable(src, k) and not is_blank(v):
                merged[k] = v
        return merged

    def form(
        self,
        actor: Actor,
        subject: Subject,
        code: str,
        record_id: uuid.UUID,
        recipient_id: uuid.UUID | None = None,
        reason: str | None = None,
    ) -> LetterForm:
        """What the letter form shows: the fields to type, with the record's values in them. About a
        restricted record, a look at its details like ``gather`` (a ``reason``, written down)."""
        self._account_for_preview(actor, Subject(subject), record_id, reason, "Letter form")
        return self._form(actor, subject, code, record_id, recipient_id)

    def _form(
        self,
        actor: Actor,
        subject: Subject,
        code: str,
        record_id: uuid.UUID,
        recipient_id: uuid.UUID | None = None,
    ) -> LetterForm:
        """``form`` once the look has been accounted for by the caller (or when no value leaves the service:
        a mail merge's questions, ``letters_batch.merge_questions``)."""
        from cspdesk.core.reports.fields import FIELDS
        from cspdesk.core.reports.markup import template_fields

        src = self.source(subject, code)
        values, recipients = self._gather(actor, subject, code, record_id, recipient_id)
        if not src.is_template_letter:
            return LetterForm(Subject(subject), record_id, code, src.title, recipients, [], [], False)
        t = self.templates.current(code)
        lh = self.letterhead(actor)
        missing = self.missing(src, t.body, values, lh)
        used = template_fields(t.body)
        names = [n for n in src.ask if n in used]
        names += [m.name for m in missing if self.typeable(src, m.name) and m.name not in names]
        asked = [
            AskedField(n, FIELDS[n].label, FIELDS[n].description, FIELDS[n].kind.value, values.get(n))
            for n in names
            if n in FIELDS
        ]
        addressee = "" if recipients else str(values.get("recipient_name") or "")
        return LetterForm(
            Subject(subject), record_id, code, t.name, recipients, asked, missing, True, addressee
        )

    # ----- producing
    def draft(
        self,
        actor: Actor,
        subject: Subject,
        code: str,
        record_id: uuid.UUID,
        *,
        typed: Mapping[str, Any] | None = None,
        recipient_id: uuid.UUID | None = None,
        large_print: bool = False,
        reason: str | None = None,
    ) -> LetterDraft:
        """The letter as PDF bytes, nothing stored. Raises ValidationError listing every missing field
        (with where to fix it) before anything is rendered. A letter about a restricted record is a look at
        its details: refused to those who may not see them, and needs a ``reason`` (``restriction``)."""
        actor.require(Role.OFFICER, "produce letters")
        src = self.source(subject, code)
        restricted = self._account_for_preview(actor, Subject(subject), record_id, reason)
        lh = self.letterhead(actor)
        if not src.is_template_letter:
            return self._draft_report(actor, src, record_id, lh)
        values, _ = self._gather(actor, subject, code, record_id, recipient_id)  # accounted for above
        values = self._merge(values, typed, src)
        t = self.templates.current(code)
        missing = self.missing(src, t.body, values, lh)
        if missing:
            raise missing_error(missing, str(values.get("recipient_name") or ""))
        pdf = self.render(t, values, lh, large_print=large_print)
        return self._make_draft(src, record_id, t, values, pdf, large_print, restricted)

    def _account_for_preview(
        self,
        actor: Actor,
        subject: Subject,
        record_id: uuid.UUID,
        reason: str | None,
        what: str = "Letter preview",
    ) -> bool:
        """True if the record is restricted (its letters are named by reference only)."""
        if subject is not Subject.REFERRAL:
            return False
        from cspdesk.core.services.restriction import account_for_looks, referral_refs

        with self._uow(actor.username) as uow:
            ref = referral_refs(uow.session, [record_id]).get(record_id)
            account_for_looks(uow, actor, [ref], what, reason)
            uow.commit()
        return ref is not None and ref.restricted

    def _make_draft(
        self,
        src,
        record_id,
        t: TemplateRevision,
        values,
        pdf: bytes,
        large_print: bool,
        restricted: bool = False,
    ) -> LetterDraft:
        reference = str(values.get("reference") or "")
        recipient = str(values.get("recipient_name") or "")
        stamp = self._today().isoformat()
        if restricted:
            from cspdesk.core.domain.restriction import restricted_filename

            filename = restricted_filename(reference, t.name + (" large print" if large_print else ""), stamp)
        else:
            filename = f"{reference} {t.name} {recipient} {stamp}{' large print' if large_print else ''}.pdf"
        return LetterDraft(
            src.subject,
            record_id,
            src.code,
            t.name,
            t.revision,
            pdf,
            hashlib.sha256(pdf).hexdigest(),
            recipient,
            reference,
            large_print,
            filename,
            values,
        )

    def _draft_report(self, actor: Actor, src: LetterSource, record_id: uuid.UUID, lh) -> LetterDraft:
        settings = self._settings.all()
        with self._uow("system") as uow:
            ctx = ProviderContext(uow.session, self._services, self._today(), settings, printer=self.printer)
            assert src.render is not None, "only a report source (one with render) comes here"
            pdf = src.render(ctx, record_id, actor, lh)
            links = links_for(uow.session, src.subject, record_id)
            from cspdesk.core.storage.models import AsbCase

            case = uow.session.get(AsbCase, links.case_id) if links.case_id else None
        reference = case.reference if case else ""
        title = src.title or src.code
        return LetterDraft(
            src.subject,
            record_id,
            src.code,
            title,
            None,
            pdf,
            hashlib.sha256(pdf).hexdigest(),
            "",
            reference,
            False,
            f"{reference} {title} {self._today().isoformat()}.pdf",
        )

    @property
    def printer(self):
        if self._printer is None:
            raise UserError("Printing is not available here.")
        return self._printer

    def render(
        self, t: TemplateRevision, values: Mapping[str, Any], letterhead, *, large_print: bool = False
    ) -> bytes:
        """Render one template revision (the current one, or an old one to reproduce an old letter)."""
        return self.printer.letter(
            t.body,
            values,
            letterhead,
            protective_marking=t.protective_marking,
            large_print=large_print,
            title=t.name,
        )

    def file(self, actor: Actor, draft: LetterDraft) -> FiledLetter:
        """File a previewed letter on its case: exactly the bytes the officer saw."""
        actor.require(Role.OFFICER, "file letters")
        if hashlib.sha256(draft.pdf).hexdigest() != draft.sha256:
            raise ValidationError({"pdf": "The letter changed after it was previewed; preview it again."})
        with self._uow(actor.username) as uow:
            links = links_for(uow.session, draft.subject, draft.record_id)
            doc_id = file_pdf(
                uow,
                actor,
                links,
                pdf=draft.pdf,
                title=draft.title,
                filename=draft.filename,
                recipient=draft.recipient,
                template_code=draft.code,
                template_revision=draft.template_revision,
                description="Large print (16 pt)" if draft.large_print else "",
                today=self._today(),
            )
            uow.commit()
            ids = tuple(x for x in (doc_id, links.case_id) if x)
            kinds = ("document", "chronology", "notice") if links.notice_id else ("document", "chronology")
            ids += (links.notice_id,) if links.notice_id else ()
            return FiledLetter(doc_id, links.case_id, draft.sha256, Changes.of(*kinds, ids=ids))

    def generate(self, actor: Actor, subject: Subject, code: str, record_id: uuid.UUID, **kw) -> FiledLetter:
        """Draft and file in one step (no preview): the command line and scripts."""
        return self.file(actor, self.draft(actor, subject, code, record_id, **kw))

    # ----- templates: preview and reproduction
    def preview_template(
        self,
        actor: Actor,
        code: str,
        *,
        name: str,
        body: str,
        protective_marking: bool,
        large_print: bool = False,
    ) -> bytes:
        """The wording being edited, filled with demo values, on the real letterhead. Refuses an unknown
        field exactly as saving would."""
        from cspdesk.core.reports.fields import demo_values

        self.templates.validate(code, name, body)
        lh = self.letterhead(actor)
        t = TemplateRevision(
            uuid.uuid4(),
            code,
            0,
            name,
            body,
            protective_marking,
            actor.display_name,
            datetime.combine(self._today(), time()),  # never saved: a preview's wording has no revision date
            False,
        )
        values = {**demo_values(), "officer_name": lh.officer_name or "Priya Sharma"}
        if not lh.officer_title:
            values["officer_title"] = "Community Safety Officer"
        return self.render(t, values, lh, large_print=large_print)
