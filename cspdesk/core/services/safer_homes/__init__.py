"""Services for Safer Homes referrals: intake, reading (masked), exports and letters."""

# BEGIN public face (written by tools/public_face_imports.py: run it, do not edit this block)
# What the window and the commands use from this area. Each name is imported from its module when
# first asked for, so importing the package costs nothing; the type checker sees the imports.
import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cspdesk.core.services.safer_homes.safer_homes_read import (
        CountsView,
        ReferralDetail,
        ReferralListRow,
        ReferralQuery,
        category_label,
    )

_PUBLIC: dict[str, str] = {
    "CountsView": "cspdesk.core.services.safer_homes.safer_homes_read",
    "ReferralDetail": "cspdesk.core.services.safer_homes.safer_homes_read",
    "ReferralListRow": "cspdesk.core.services.safer_homes.safer_homes_read",
    "ReferralQuery": "cspdesk.core.services.safer_homes.safer_homes_read",
    "category_label": "cspdesk.core.services.safer_homes.safer_homes_read",
}
__all__ = [
    "CountsView",
    "ReferralDetail",
    "ReferralListRow",
    "ReferralQuery",
    "category_label",
]

if not TYPE_CHECKING:

    def __getattr__(name: str) -> object:
        module = _PUBLIC.get(name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        return getattr(importlib.import_module(module), name)


# END public face
