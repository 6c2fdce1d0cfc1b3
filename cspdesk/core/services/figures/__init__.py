"""Services for crime figures: analyst and police.uk imports, the district and local tables."""

# BEGIN public face (written by tools/public_face_imports.py: run it, do not edit this block)
# What the window and the commands use from this area. Each name is imported from its module when
# first asked for, so importing the package costs nothing; the type checker sees the imports.
import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cspdesk.core.services.figures.figures import FiguresService, ImportOutcome, ImportPreview
    from cspdesk.core.services.figures.figures_local import LocalBreakdown

_PUBLIC: dict[str, str] = {
    "FiguresService": "cspdesk.core.services.figures.figures",
    "ImportOutcome": "cspdesk.core.services.figures.figures",
    "ImportPreview": "cspdesk.core.services.figures.figures",
    "LocalBreakdown": "cspdesk.core.services.figures.figures_local",
}
__all__ = [
    "FiguresService",
    "ImportOutcome",
    "ImportPreview",
    "LocalBreakdown",
]

if not TYPE_CHECKING:

    def __getattr__(name: str) -> object:
        module = _PUBLIC.get(name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        return getattr(importlib.import_module(module), name)


# END public face
