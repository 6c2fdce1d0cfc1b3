"""Users are known by their operating-system account. The first user of a new database is its
administrator; anyone else is added as a read-only partner until an administrator gives them a role."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select

from cspdesk.core.domain.protection import PERMISSION_FLAGS
from cspdesk.core.domain.vocab import Role
from cspdesk.core.errors import NotFound, PermissionDenied, ValidationError
from cspdesk.core.services.context import Actor, Changes, os_username
from cspdesk.core.storage.models import Agency, AppUser
from cspdesk.core.storage.uow import UnitOfWork


def _display_name(username: str) -> str:
    base = username.split("\\")[-1].split("@")[0]
    return " ".join(p.capitalize() for p in base.replace("_", ".").split(".") if p) or username


@dataclass(frozen=True)
class UserRow:
    id: uuid.UUID
    username: str
    display_name: str
    role: Role
    job_title: str | None
    active: bool
    version: int
    permissions: frozenset[str] = frozenset()
    agency: str | None = None


class UserService:
    def __init__(self, uow: Callable[[str], UnitOfWork]):
        self._uow = uow

    def sign_in(self, username: str | None = None) -> tuple[Actor, bool]:
        """The actor for this account, creating the user on first sight. Returns (actor, is_new)."""
        username = (username or os_username()).strip().lower()
        with self._uow(username) as uow:
            user = uow.session.scalar(select(AppUser).where(AppUser.username == username))
            created = False
            if user is None:
                first = uow.session.scalar(select(func.count()).select_from(AppUser)) == 0
                role = Role.ADMINISTRATOR if first else Role.PARTNER
                user = AppUser(username=username, display_name=_display_name(username), role=role.value)
                uow.session.add(user)
                uow.session.flush()
                uow.audit(
                    "create",
                    "user",
                    user.id,
                    f"{username} signed in for the first time and was given the role {role.label}",
                )
                uow.commit()
                created = True
            agency = uow.session.get(Agency, user.agency_id) if user.agency_id else None
            return Actor(
                user.id,
                user.username,
                user.display_name,
                Role(user.role),
                frozenset(user.permissions or ()),
                agency.name if agency else None,
            ), created

    def existing(self, username: str) -> Actor:
        """The actor for a known account, adding nobody (commands that only read)."""
        username = username.strip().lower()
        with self._uow("system") as uow:
            user = uow.session.scalar(select(AppUser).where(AppUser.username == username))
            if user is None or not user.active:
                raise PermissionDenied(f"{username} is not a user of this database.")
            agency = uow.session.get(Agency, user.agency_id) if user.agency_id else None
            return Actor(
                user.id,
                user.username,
                user.display_name,
                Role(user.role),
                frozenset(user.permissions or ()),
                agency.name if agency else None,
            )

    def look_in(self, username: str | None = None) -> Actor:
        """The actor for this account on a database that cannot be changed (read-only or damaged):
        the user as recorded, or, for someone never seen here, a read-only partner for this
        session (nothing is written)."""
        username = (username or os_username()).strip().lower()
        with self._uow(username) as uow:
            user = uow.session.scalar(select(AppUser).where(AppUser.username == username))
            if user is None:
                return Actor(uuid.uuid4(), username, _display_name(username), Role.PARTNER, frozenset())
            return Actor(
                user.id, user.username, user.display_name, Role(user.role), frozenset(user.permissions or ())
            )

    def list_users(self) -> list[UserRow]:
        with self._uow("system") as uow:
            users = uow.session.scalars(select(AppUser).order_by(AppUser.display_name)).all()
            agencies = {i: n for i, n in uow.session.execute(select(Agency.id, Agency.name))}
            return [
                UserRow(
                    u.id,
                    u.username,
                    u.display_name,
                    Role(u.role),
                    u.job_title,
                    u.active,
                    u.version,
                    frozenset(u.permissions or ()),
                    agencies.get(u.agency_id),
                )
                for u in users
            ]

    def agencies(self) -> list[str]:
        """The partner agencies a user can belong to, by name."""
        with self._uow("system") as uow:
            return list(
                uow.session.scalars(select(Agency.name).where(Agency.active.is_(True)).order_by(Agency.name))
            )

    def set_agency(self, actor: Actor, user_id: uuid.UUID, agency: str | None) -> Changes:
        """Which agency a user works for: a partner sees what their agency needs
        (``core.domain.restriction``)."""
        actor.require(Role.ADMINISTRATOR, "change users' agencies")
        with self._uow(actor.username) as uow:
            user = uow.session.get(AppUser, user_id)
            if user is None:
                raise NotFound("That user no longer exists.")
            agency_id = None
            if agency:
                agency_id = uow.session.scalar(select(Agency.id).where(Agency.name == agency))
                if agency_id is None:
                    raise ValidationError({"agency": "Choose the agency from the list."})
            if agency_id != user.agency_id:
                user.agency_id = agency_id
                uow.audit(
                    "update",
                    "user",
                    user.id,
                    f"User {user.username}'s agency set to {agency or 'none'}",
                    {"agency": agency},
                )
            uow.commit()
        return Changes.of("user", ids=(user_id,))

    def officers(self) -> list[UserRow]:
        return [u for u in self.list_users() if u.active and u.role != Role.PARTNER]

    def update_user(
        self,
        actor: Actor,
        user_id: uuid.UUID,
        *,
        role: Role | None = None,
        display_name: str | None = None,
        job_title: str | None = None,
        active: bool | None = None,
        permissions: frozenset[str] | None = None,
    ) -> Changes:
        actor.require(Role.ADMINISTRATOR, "change users' roles")
        if permissions is not None and set(permissions) - PERMISSION_FLAGS:
            raise ValidationError(
                {
                    "permissions": "Unknown permission: "
                    + ", ".join(sorted(set(permissions) - PERMISSION_FLAGS))
                }
            )
        with self._uow(actor.username) as uow:
            user = uow.session.get(AppUser, user_id)
            if user is None:
                raise NotFound("That user no longer exists.")
            before = {
                "role": user.role,
                "display_name": user.display_name,
                "job_title": user.job_title,
                "active": user.active,
                "permissions": sorted(user.permissions or ()),
            }
            if role is not None and role != Role.ADMINISTRATOR and user.role == Role.ADMINISTRATOR.value:
                admins = uow.session.scalar(
                    select(func.count())
                    .select_from(AppUser)
                    .where(AppUser.role == Role.ADMINISTRATOR.value, AppUser.active.is_(True))
                )
                if admins <= 1:
                    raise ValidationError({"role": "There must always be at least one administrator."})
            if display_name is not None:
                if not display_name.strip():
                    raise ValidationError({"display_name": "Enter the user's name."})
                user.display_name = display_name.strip()
            if role is not None:
                user.role = Role(role).value
            if job_title is not None:
                user.job_title = job_title.strip() or None
            if active is not None:
                user.active = active
            if permissions is not None:
                user.permissions = sorted(permissions)
            after = {
                "role": user.role,
                "display_name": user.display_name,
                "job_title": user.job_title,
                "active": user.active,
                "permissions": sorted(user.permissions or ()),
            }
            diff = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
            if diff:
                uow.audit("update", "user", user.id, f"User {user.username} changed", diff)
            uow.commit()
        return Changes.of("user", ids=(user_id,))

    def add_user(self, actor: Actor, username: str, display_name: str, role: Role) -> Changes:
        actor.require(Role.ADMINISTRATOR, "add users")
        username = username.strip().lower()
        if not username:
            raise ValidationError({"username": "Enter the person's computer login name."})
        with self._uow(actor.username) as uow:
            if uow.session.scalar(select(AppUser).where(AppUser.username == username)):
                raise ValidationError({"username": f"{username} is already a user."})
            user = AppUser(
                username=username,
                display_name=display_name.strip() or _display_name(username),
                role=Role(role).value,
            )
            uow.session.add(user)
            uow.session.flush()
            uow.audit("create", "user", user.id, f"User {username} added as {Role(role).label}")
            uow.commit()
            return Changes.of("user", ids=(user.id,))
