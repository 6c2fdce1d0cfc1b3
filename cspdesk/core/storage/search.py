"""Case search behind one small interface: SQLite's FTS5 where available, LIKE elsewhere.

Both search ``asb_case.search_text`` (reference, names, address, postcode in lower case, built by
``compose_search_text``). Every word the user types must match the start of a word in the text.

A query shaped like a reference ("OLD-2", "ASB-2026-00012", "12/345": letters and digits joined by - / . or
_, no spaces) is looked for as one run of words, the last one a prefix: "OLD-2" finds OLD-2 and OLD-20, not
every case with "old" in its address and a house number starting with 2 (imported legacy references are
often that short). The case whose reference is exactly what was typed comes first in the list, whatever its
order (``exact_reference_forms``; the case list puts it there).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import ColumnElement, TextClause, and_, text
from sqlalchemy.engine import Engine

from cspdesk.core.storage.models import AsbCase

_WORD = re.compile(r"[0-9A-Za-z\u00c0-\u024f]+")


_REFERENCE = re.compile(r"^[0-9A-Za-z]+(?:[-/._][0-9A-Za-z]+)+$")
_POSTCODE = re.compile(r"^\s*([A-Za-z]{1,2}[0-9][A-Za-z0-9]?)\s*([0-9][A-Za-z]{2})\s*$")


def search_terms(query: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(query)]


def query_terms(query: str) -> list[str]:
    """What to look for: a whole postcode as one word (its compact form is in the text), else the words."""
    if m := _POSTCODE.match(query):
        return [(m.group(1) + m.group(2)).lower()]
    return search_terms(query)


def looks_like_reference(query: str) -> bool:
    q = query.strip()
    return bool(_REFERENCE.match(q)) and any(c.isdigit() for c in q)


def exact_reference_forms(query: str) -> list[str]:
    """The references a case must have to be the one typed: as typed and in capitals (references are kept
    as issued, usually in capitals). None for a query of several words, or one without a digit."""
    q = query.strip()
    if not q or any(c.isspace() for c in q) or not any(c.isdigit() for c in q):
        return []  # a reference has a number in it: a surname costs no look-up
    return list(dict.fromkeys((q, q.upper())))


def compose_search_text(parts: Iterable[str | None]) -> str:
    """Lower-case words of every part; postcodes also without their space (DE11 0AH → de110ah)."""
    words: list[str] = []
    for part in parts:
        if not part:
            continue
        words.extend(search_terms(part))
        compact = part.replace(" ", "")
        if 5 <= len(compact) <= 7 and compact.isalnum() and any(c.isdigit() for c in compact):
            words.append(compact.lower())
    return " ".join(dict.fromkeys(words))


class CaseSearch:
    """Generic: every term as a prefix of a word in ``search_text`` (works on PostgreSQL)."""

    def clause(self, query: str) -> ColumnElement[bool] | TextClause | None:
        terms = query_terms(query)
        if not terms:
            return None
        if looks_like_reference(query):  # one run of words, as in the reference
            run = _escape(" ".join(terms))
            return AsbCase.search_text.like(f"{run}%", escape="\\") | AsbCase.search_text.like(
                f"% {run}%", escape="\\"
            )
        conds = []
        for t in terms:
            conds.append(
                (AsbCase.search_text.like(f"{_escape(t)}%", escape="\\"))
                | (AsbCase.search_text.like(f"% {_escape(t)}%", escape="\\"))
            )
        return and_(*conds)


class SqliteFtsSearch(CaseSearch):
    """FTS5 prefix queries against the ``case_fts`` index made by migration 0002."""

    def clause(self, query: str) -> ColumnElement[bool] | TextClause | None:
        match = self.match(query)
        if match is None:
            return None
        return self.named_clause().bindparams(fts_q=match)

    @staticmethod
    def match(query: str) -> str | None:
        """The FTS5 query for what the user typed (None when there is nothing to look for)."""
        terms = query_terms(query)
        if not terms:
            return None
        if looks_like_reference(query):  # a phrase: "old" + "2"*
            return " + ".join(f'"{t}"' for t in terms) + "*"
        return " AND ".join(f'"{t}"*' for t in terms)

    @staticmethod
    def named_clause() -> TextClause:
        """The search as a clause whose ``fts_q`` parameter is given at run time (``storage.prepared``)."""
        return text("asb_case.rowid IN (SELECT rowid FROM case_fts WHERE case_fts MATCH :fts_q)")


def search_for(engine: Engine) -> CaseSearch:
    return SqliteFtsSearch() if engine.dialect.name == "sqlite" else CaseSearch()


def _escape(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
