"""Services for working copies for area forums: take, bring back, conflicts (the machinery is core/sync)."""

# BEGIN public face (written by tools/public_face_imports.py: run it, do not edit this block)
# What the window and the commands use from this area. Each name is imported from its module when
# first asked for, so importing the package costs nothing; the type checker sees the imports.
import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cspdesk.core.services.working_copies.working_copies import CopyInfo, TakenCopy, copy_out_too_long

_PUBLIC: dict[str, str] = {
    "CopyInfo": "cspdesk.core.services.working_copies.working_copies",
    "TakenCopy": "cspdesk.core.services.working_copies.working_copies",
    "copy_out_too_long": "cspdesk.core.services.working_copies.working_copies",
}
__all__ = [
    "CopyInfo",
    "TakenCopy",
    "copy_out_too_long",
]

if not TYPE_CHECKING:

    def __getattr__(name: str) -> object:
        module = _PUBLIC.get(name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        return getattr(importlib.import_module(module), name)


# END public face
