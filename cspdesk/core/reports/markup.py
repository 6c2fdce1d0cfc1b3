"""The template language an administrator writes, without code.

    # Heading                     a heading (## for a smaller one)
    A line of text.               lines next to each other form one paragraph (line breaks are kept);
    Another line.                 a blank line starts a new paragraph
    - a bullet                    bullets; "- {requirements}" gives one bullet per requirement
    1. a numbered point           numbered points; "1. {requirements}" numbers each requirement
    **bold words**                bold
    {recipient_name}              a declared field (see fields.py)
    [if threshold_met] ... [else] ... [end]     a section printed only when a field is filled in / yes
    [if not fpn_reduced_amount] ... [end]       ... or when it is blank / no
    [signature]                   the officer's signature, name and title from the letterhead settings
    [signline Signed by the resident]           a line to sign and date (and print a name)
    [pagebreak]                   start a new page
    // a note                     a comment for administrators, never printed

Parsing is cached by body text: a mail merge of 500 letters parses each template once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from cspdesk.core.errors import ValidationError

from .fields import FIELDS, FRAME_FIELDS, FieldValue, field_label, is_blank, is_true
from .letterhead import LetterheadSettings

FIELD_RE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_DIRECTIVE_RE = re.compile(r"^\[(if|else|end|signature|signline|pagebreak)\b\s*(.*?)\]$", re.IGNORECASE)
_NUMBERED_RE = re.compile(r"^\d+[.)]\s+(.*)$")


@dataclass(frozen=True)
class Heading:
    level: int
    text: str


@dataclass(frozen=True)
class Para:
    lines: tuple[str, ...]


@dataclass(frozen=True)
class ListBlock:
    numbered: bool
    items: tuple[str, ...]


@dataclass(frozen=True)
class Conditional:
    field: str
    negate: bool
    then: tuple[Block, ...]
    otherwise: tuple[Block, ...]


@dataclass(frozen=True)
class Signature:
    pass


@dataclass(frozen=True)
class SignLine:
    label: str


@dataclass(frozen=True)
class PageBreak:
    pass


Block = Heading | Para | ListBlock | Conditional | Signature | SignLine | PageBreak


class TemplateSyntaxError(ValidationError):
    """The template cannot be read; the message names the line."""

    def __init__(self, line_no: int, message: str):
        self.line_no = line_no
        super().__init__({"body": f"Line {line_no}: {message}"})


@lru_cache(maxsize=256)
def parse(body: str) -> tuple[Block, ...]:
    """Blocks of a template body. Raises TemplateSyntaxError for an unbalanced [if]/[end]."""
    # Each open [if] is a frame: (field, negate, then-blocks, else-blocks or None, line number).
    stack: list[tuple[str, bool, list[Block], list[Block] | None, int]] = []
    top: list[Block] = []
    para: list[str] = []
    items: list[str] = []
    numbered = False

    def current() -> list[Block]:
        if not stack:
            return top
        _, _, then, otherwise, _ = stack[-1]
        return otherwise if otherwise is not None else then

    def flush() -> None:
        nonlocal para, items
        if para:
            current().append(Para(tuple(para)))
            para = []
        if items:
            current().append(ListBlock(numbered, tuple(items)))
            items = []

    for no, raw in enumerate(body.splitlines(), start=1):
        line = raw.strip()
        if line.startswith("//"):
            continue
        if not line:
            flush()
            continue
        m = _DIRECTIVE_RE.match(line)
        if m:
            flush()
            word, arg = m.group(1).lower(), m.group(2).strip()
            if word == "if":
                negate = arg.lower().startswith("not ")
                name = arg[4:].strip() if negate else arg
                if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
                    raise TemplateSyntaxError(no, f"[if ...] needs one field name, not '{arg}'")
                stack.append((name, negate, [], None, no))
            elif word == "else":
                if not stack or stack[-1][3] is not None:
                    raise TemplateSyntaxError(no, "[else] without a matching [if]")
                name, negate, then, _, start = stack.pop()
                stack.append((name, negate, then, [], start))
            elif word == "end":
                if not stack:
                    raise TemplateSyntaxError(no, "[end] without a matching [if]")
                name, negate, then, otherwise, _ = stack.pop()
                current().append(Conditional(name, negate, tuple(then), tuple(otherwise or ())))
            elif word == "signature":
                current().append(Signature())
            elif word == "signline":
                current().append(SignLine(arg or "Signed"))
            else:
                current().append(PageBreak())
            continue
        if line.startswith("#"):
            flush()
            level = 2 if line.startswith("##") else 1
            current().append(Heading(level, line.lstrip("#").strip()))
            continue
        bullet = line[2:].strip() if line.startswith(("- ", "* ")) else None
        num = _NUMBERED_RE.match(line)
        if bullet is not None or num:
            if para:
                flush()
            is_numbered = num is not None and bullet is None
            if items and numbered != is_numbered:
                flush()
            numbered = is_numbered
            if bullet is not None:
                items.append(bullet)
            elif num is not None:
                items.append(num.group(1).strip())
            continue
        if items:
            flush()
        para.append(line)
    flush()
    if stack:
        raise TemplateSyntaxError(stack[-1][4], f"[if {stack[-1][0]}] is never closed with [end]")
    return tuple(top)


def _walk_fields(blocks: tuple[Block, ...], out: list[str]) -> None:
    for b in blocks:
        texts: tuple[str, ...] = ()
        if isinstance(b, Heading):
            texts = (b.text,)
        elif isinstance(b, Para):
            texts = b.lines
        elif isinstance(b, ListBlock):
            texts = b.items
        elif isinstance(b, SignLine):
            texts = (b.label,)
        elif isinstance(b, Signature):
            out.extend(("officer_name", "officer_title"))
        elif isinstance(b, Conditional):
            out.append(b.field)
            _walk_fields(b.then, out)
            _walk_fields(b.otherwise, out)
        for t in texts:
            out.extend(FIELD_RE.findall(t))


def _ordered_fields(body: str) -> list[str]:
    out: list[str] = []
    _walk_fields(parse(body), out)
    return list(dict.fromkeys(out))


def template_fields(body: str) -> set[str]:
    """Every field name the body mentions, in any section."""
    return set(_ordered_fields(body))


def unknown_fields(body: str) -> list[str]:
    """Field names the body uses that are not declared, in the order they first appear."""
    return [n for n in _ordered_fields(body) if n not in FIELDS]


def choose(block: Conditional, values: Mapping[str, FieldValue]) -> tuple[Block, ...]:
    shown = is_true(values.get(block.field))
    return block.then if shown != block.negate else block.otherwise


def _needed(blocks: tuple[Block, ...], values: Mapping[str, FieldValue], out: list[str]) -> None:
    for b in blocks:
        if isinstance(b, Conditional):
            # The condition itself is optional: blank simply means "no".
            _needed(choose(b, values), values, out)
        else:
            _walk_fields((b,), out)


def required_fields(body: str, values: Mapping[str, FieldValue]) -> list[str]:
    """Fields this letter needs with these values: the frame fields, then those in the sections shown."""
    out: list[str] = list(FRAME_FIELDS)
    _needed(parse(body), values, out)
    return list(dict.fromkeys(out))


def merged_values(
    values: Mapping[str, FieldValue], letterhead: LetterheadSettings | None
) -> dict[str, FieldValue]:
    """The letterhead's fields (council, officer) under the caller's: a caller's non-blank value wins."""
    merged: dict[str, FieldValue] = dict(letterhead.as_values()) if letterhead else {}
    merged.update({k: v for k, v in values.items() if not is_blank(v) or k not in merged})
    return merged


def missing_fields(
    body: str, values: Mapping[str, FieldValue], letterhead: LetterheadSettings | None = None
) -> list[str]:
    """Names of the fields this letter needs that are blank; ``field_label`` gives the words to show.
    Pass the letterhead so that officer and council fields it supplies count as filled in."""
    values = merged_values(values, letterhead)
    return [n for n in required_fields(body, values) if is_blank(values.get(n))]


def check_missing(
    body: str, values: Mapping[str, FieldValue], letterhead: LetterheadSettings | None = None
) -> None:
    """Refuse to produce a letter while a field it needs is blank, naming every such field."""
    missing = missing_fields(body, values, letterhead)
    if missing:
        labels = ", ".join(field_label(n) for n in missing)
        raise ValidationError(
            {n: f"{field_label(n)} is needed for this letter" for n in missing},
            f"This letter cannot be produced until these are filled in: {labels}.",
        )


def validate_template(body: str, excluded_fields: tuple[str, ...] = ()) -> None:
    """What the template editor calls on save: refuses bad syntax, unknown fields and fields this kind of
    letter must never print (e.g. the referral reason on a contractor's works order)."""
    parse(body)  # raises TemplateSyntaxError with the line
    unknown = unknown_fields(body)
    if unknown:
        names = ", ".join("{" + n + "}" for n in unknown)
        raise ValidationError(
            {"body": f"Unknown field name: {names}. Check the spelling against the field list."}
        )
    banned = [n for n in _ordered_fields(body) if n in excluded_fields]
    if banned:
        names = ", ".join(f"{{{n}}} ({field_label(n)})" for n in banned)
        raise ValidationError({"body": f"This letter must never include {names}."})
