"""Every area's letters in one list (like ``core/demo/extras.py``): an area adds one line here.

    from cspdesk.core.services.enforcement_letters import NOTICE_LETTERS   # (subject NOTICE)
    sources += NOTICE_LETTERS

See ``letter_sources.py`` for what a ``LetterSource`` is.
"""

from __future__ import annotations

from cspdesk.core.services.letter_sources import LetterSource


def area_sources() -> list[LetterSource]:
    from cspdesk.core.services.letters_case import CASE_LETTERS

    sources: list[LetterSource] = [*CASE_LETTERS]
    return sources
