"""Counts in the officer's words (issue 19: "1 incidents", "1 referrals")."""

from __future__ import annotations


def count_of(n: int, noun: str, plural: str | None = None) -> str:
    """'1 incident', '2 incidents', '1,500 referrals'; ``plural`` for nouns that do not just take an s."""
    return f"{n:,} {noun if n == 1 else (plural or noun + 's')}"
