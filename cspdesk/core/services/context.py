"""Who is acting, and what a service returns to say what it changed."""

from __future__ import annotations

import getpass
import os
import uuid
from dataclasses import dataclass, field

from cspdesk.core.domain.protection import Viewer
from cspdesk.core.domain.vocab import Role
from cspdesk.core.errors import PermissionDenied

_RANK = {Role.PARTNER: 0, Role.OFFICER: 1, Role.ADMINISTRATOR: 2}


@dataclass(frozen=True)
class Actor:
    """The signed-in user, known by their operating-system account."""

    user_id: uuid.UUID
    username: str
    display_name: str
    role: Role
    # Extra permission flags from ``AppUser.permissions`` (e.g. "safer_homes_restricted").
    permissions: frozenset[str] = frozenset()
    agency: str | None = None  # a partner's agency, by name (``AppUser.agency_id``)

    @property
    def viewer(self) -> Viewer:
        """The actor as the protection rules see them (core.domain.protection)."""
        return Viewer(self.role, frozenset(self.permissions), self.agency)

    def can(self, minimum: Role) -> bool:
        return _RANK[self.role] >= _RANK[minimum]

    def require(self, minimum: Role, doing: str) -> None:
        if not self.can(minimum):
            raise PermissionDenied(
                f"Your role ({self.role.label}) does not allow you to {doing}. "
                f"Ask an administrator (Settings → Users) if you need to."
            )


@dataclass(frozen=True)
class Changes:
    """What a mutating service changed: entity type names, and the ids touched."""

    kinds: frozenset[str] = frozenset()
    ids: frozenset[uuid.UUID] = field(default_factory=frozenset)

    @staticmethod
    def of(*kinds: str, ids: tuple[uuid.UUID, ...] = ()) -> Changes:
        return Changes(frozenset(kinds), frozenset(ids))

    def touches(self, *kinds: str) -> bool:
        return bool(self.kinds & set(kinds))


def os_username() -> str:
    """The account name, as a Windows domain login would give it (CSPDESK_USER overrides, for tests)."""
    name = os.environ.get("CSPDESK_USER") or getpass.getuser()
    return name.strip().lower()
