"""Shapes of things people type: UK postcodes.

These check shape only. A postcode that looks right may still not exist; checking existence needs
the ONS postcode directory, which CSPDesk does not ship.
"""

from __future__ import annotations

import re

# The shapes Royal Mail issues (BS 7666): A9 9AA, A99 9AA, AA9 9AA, AA99 9AA, A9A 9AA, AA9A 9AA.
# Letter restrictions: Q, V and X never start a postcode; I, J and Z are never second; the inward
# code's letters never include C, I, K, M, O or V. GIR 0AA (Girobank) is the one historic exception.
_OUTWARD = (
    r"(?:[A-PR-UWYZ][0-9][0-9]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9]?"
    r"|[A-PR-UWYZ][0-9][A-HJKPSTUW]|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY])"
)
_INWARD = r"[0-9][ABD-HJLNP-UW-Z]{2}"
_POSTCODE = re.compile(rf"^(?:{_OUTWARD}{_INWARD}|GIR0AA)$")


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text or "").upper()


def is_uk_postcode(text: str | None) -> bool:
    """True if ``text`` has the shape of a UK postcode; case and spacing do not matter."""
    if not text:
        return False
    return bool(_POSTCODE.match(_compact(text)))


def normalise_postcode(text: str) -> str:
    """The postcode in capitals with one space before the inward code ("de11 0ah" -> "DE11 0AH").

    Raises ``ValueError`` if it is not postcode-shaped, so a bad value is never stored silently.
    """
    compact = _compact(text)
    if not _POSTCODE.match(compact):
        raise ValueError(f"{text!r} is not a UK postcode")
    return f"{compact[:-3]} {compact[-3:]}"


def is_uk_phone(text: str | None) -> bool:
    """True if ``text`` looks like a UK phone number: 10 or 11 digits from 0, or +44 then 9-10.

    Spaces, dashes, dots and brackets are ignored, as people type them all.
    """
    if not text:
        return False
    digits = re.sub(r"[\s\-.()]", "", text)
    if digits.startswith("+44"):
        digits = "0" + digits[3:].removeprefix("0")  # "+44 (0)1283 ..." is common
    return bool(re.fullmatch(r"0\d{9,10}", digits))
