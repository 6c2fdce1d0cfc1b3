"""Letter template files: a small header, a line of three dashes, then the body.

    name: Community Protection Notice
    code: cpn
    protective_marking: yes
    excluded_fields: referral_reason, victim_category
    ---
    Dear {recipient_name}
    ...

The defaults ship in ``resources/templates/``; the services store edited versions in the database and
use ``parse_template_file`` / ``format_template_file`` to move between the two.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cspdesk.core.errors import ValidationError
from cspdesk.core.paths import resources_dir

from .markup import validate_template

_YES = {"yes", "y", "true", "1"}


@dataclass(frozen=True)
class LetterTemplate:
    code: str
    name: str
    body: str
    protective_marking: bool = False
    # Fields this letter must never print whoever edits it (checked at save).
    excluded_fields: tuple[str, ...] = ()

    def validate(self) -> None:
        if not self.code.strip():
            raise ValidationError({"code": "A template needs a short code"})
        if not self.name.strip():
            raise ValidationError({"name": "A template needs a name"})
        validate_template(self.body, self.excluded_fields)


def parse_template_file(text: str) -> LetterTemplate:
    head, sep, body = text.partition("\n---\n")
    if not sep:
        raise ValidationError({"body": "The template needs a header and a line of three dashes (---)"})
    meta: dict[str, str] = {}
    for line in head.splitlines():
        if line.strip() and not line.lstrip().startswith("//"):
            key, colon, value = line.partition(":")
            if not colon:
                raise ValidationError({"body": f"Header line '{line.strip()}' should read 'key: value'"})
            meta[key.strip().lower()] = value.strip()
    excluded = tuple(n.strip() for n in meta.get("excluded_fields", "").split(",") if n.strip())
    return LetterTemplate(
        code=meta.get("code", ""),
        name=meta.get("name", ""),
        body=body.strip("\n") + "\n",
        protective_marking=meta.get("protective_marking", "no").lower() in _YES,
        excluded_fields=excluded,
    )


def format_template_file(t: LetterTemplate) -> str:
    lines = [
        f"name: {t.name}",
        f"code: {t.code}",
        f"protective_marking: {'yes' if t.protective_marking else 'no'}",
    ]
    if t.excluded_fields:
        lines.append("excluded_fields: " + ", ".join(t.excluded_fields))
    return "\n".join(lines) + "\n---\n" + t.body


def templates_dir() -> Path:
    return resources_dir() / "templates"


@lru_cache(maxsize=1)
def default_templates() -> dict[str, LetterTemplate]:
    """The shipped templates by code, in file-name order (the order the files are numbered in)."""
    out: dict[str, LetterTemplate] = {}
    for path in sorted(templates_dir().glob("*.txt")):
        t = parse_template_file(path.read_text(encoding="utf-8"))
        if t.code in out:
            raise ValueError(f"Two default templates use the code {t.code!r}")
        out[t.code] = t
    return out
