"""Services for users and roles, settings (the one reader), health checks, demo data, backups."""

# BEGIN public face (written by tools/public_face_imports.py: run it, do not edit this block)
# What the window and the commands use from this area. Each name is imported from its module when
# first asked for, so importing the package costs nothing; the type checker sees the imports.
import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cspdesk.core.services.admin.health import HealthService
    from cspdesk.core.services.admin.settings import BY_KEY, SETTINGS, SettingsService
    from cspdesk.core.services.admin.users import UserService

_PUBLIC: dict[str, str] = {
    "BY_KEY": "cspdesk.core.services.admin.settings",
    "HealthService": "cspdesk.core.services.admin.health",
    "SETTINGS": "cspdesk.core.services.admin.settings",
    "SettingsService": "cspdesk.core.services.admin.settings",
    "UserService": "cspdesk.core.services.admin.users",
}
__all__ = [
    "BY_KEY",
    "HealthService",
    "SETTINGS",
    "SettingsService",
    "UserService",
]

if not TYPE_CHECKING:

    def __getattr__(name: str) -> object:
        module = _PUBLIC.get(name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        return getattr(importlib.import_module(module), name)


# END public face
