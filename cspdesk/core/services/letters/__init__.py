"""Services for letters and documents: templates, values from each area, mail merge, filing and reprinting."""

# BEGIN public face (written by tools/public_face_imports.py: run it, do not edit this block)
# What the window and the commands use from this area. Each name is imported from its module when
# first asked for, so importing the package costs nothing; the type checker sees the imports.
import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cspdesk.core.services.letters.attachments import AttachmentRow, email_as_text, preview_kind
    from cspdesk.core.services.letters.documents import DocumentRow
    from cspdesk.core.services.letters.letter_areas import NOTICE_KIND_FOR_TEMPLATE
    from cspdesk.core.services.letters.letter_sources import Subject
    from cspdesk.core.services.letters.letter_templates import TemplateRevision, field_list
    from cspdesk.core.services.letters.letters import AskedField, FiledLetter, LetterDraft, LetterForm
    from cspdesk.core.services.letters.letters_batch import (
        BatchResult,
        MergeRestriction,
        merge_questions,
        merge_restriction,
        run_batch,
    )

_PUBLIC: dict[str, str] = {
    "AskedField": "cspdesk.core.services.letters.letters",
    "AttachmentRow": "cspdesk.core.services.letters.attachments",
    "BatchResult": "cspdesk.core.services.letters.letters_batch",
    "DocumentRow": "cspdesk.core.services.letters.documents",
    "FiledLetter": "cspdesk.core.services.letters.letters",
    "LetterDraft": "cspdesk.core.services.letters.letters",
    "LetterForm": "cspdesk.core.services.letters.letters",
    "MergeRestriction": "cspdesk.core.services.letters.letters_batch",
    "NOTICE_KIND_FOR_TEMPLATE": "cspdesk.core.services.letters.letter_areas",
    "Subject": "cspdesk.core.services.letters.letter_sources",
    "TemplateRevision": "cspdesk.core.services.letters.letter_templates",
    "email_as_text": "cspdesk.core.services.letters.attachments",
    "field_list": "cspdesk.core.services.letters.letter_templates",
    "merge_questions": "cspdesk.core.services.letters.letters_batch",
    "merge_restriction": "cspdesk.core.services.letters.letters_batch",
    "preview_kind": "cspdesk.core.services.letters.attachments",
    "run_batch": "cspdesk.core.services.letters.letters_batch",
}
__all__ = [
    "AskedField",
    "AttachmentRow",
    "BatchResult",
    "DocumentRow",
    "FiledLetter",
    "LetterDraft",
    "LetterForm",
    "MergeRestriction",
    "NOTICE_KIND_FOR_TEMPLATE",
    "Subject",
    "TemplateRevision",
    "email_as_text",
    "field_list",
    "merge_questions",
    "merge_restriction",
    "preview_kind",
    "run_batch",
]

if not TYPE_CHECKING:

    def __getattr__(name: str) -> object:
        module = _PUBLIC.get(name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        return getattr(importlib.import_module(module), name)


# END public face
