"""A postal address out of a free-text "address / contact" box (issue 19, defect 4).

Officers type an applicant's address and how to reach them in one box ("12 Alma Street, Swadlincote,
DE11 9NR; 01283 219876"). A letter's address block is for the Royal Mail: phone numbers and email addresses
are left off it (they are still on the application, and in the letter's other fields)."""

from __future__ import annotations

import re

_LABEL = re.compile(r"^(tel(ephone)?|phone|mob(ile)?|email|e-mail|home|work)\b\.?\s*:?\s*", re.IGNORECASE)
_PHONE = re.compile(r"^[\d\s()+\-./]+$")


def is_contact_detail(part: str) -> bool:
    """A phone number or an email address (with or without a "Tel:" style label), not a line of an address."""
    text = _LABEL.sub("", part.strip())
    if "@" in text:
        return True
    return bool(_PHONE.match(text)) and sum(c.isdigit() for c in text) >= 7


def postal_lines(text: str | None) -> tuple[str, ...]:
    """The address lines of ``text``: lines (or, typed on one line, parts between commas or semicolons)
    that are not a phone number or an email address."""
    parts = re.split(r"[\n;]" if "\n" in (text or "") else r"[,;]", text or "")
    return tuple(p.strip() for p in parts if p.strip() and not is_contact_detail(p))
