"""Errors a user can cause. Each carries a message in the user's words; none is a crash.

The GUI shows ``ValidationError.fields`` beside the fields; the CLI prints them and exits non-zero.
"""

from __future__ import annotations

from collections.abc import Mapping


class UserError(Exception):
    """Something the user can put right. ``str(error)`` is the message to show."""


class ValidationError(UserError):
    """One or more fields are wrong. ``fields`` maps a field name to its message."""

    def __init__(self, fields: Mapping[str, str] | str, message: str | None = None):
        if isinstance(fields, str):
            fields = {"": fields}
        self.fields = dict(fields)
        super().__init__(message or "; ".join(self.fields.values()))


class TransitionRefused(UserError):
    """A status change that the rules do not allow; the message says why and what is needed first."""


class PermissionDenied(UserError):
    """The user's role does not allow this."""


class NotFound(UserError):
    pass


class ConflictError(UserError):
    """Someone else saved this record since it was opened. ``changes`` says what they changed."""

    def __init__(self, message: str, changes: Mapping[str, tuple[object, object]] | None = None):
        self.changes = dict(changes or {})
        super().__init__(message)


class DatabaseProblem(UserError):
    """The database cannot be opened safely (newer than the app, locked, corrupt, not ours).

    The database is never modified when this is raised.
    """


class NoSuchDatabase(DatabaseProblem):
    """A database file that does not exist, where only an existing one will do (a mistyped path)."""


class WritesRefused(DatabaseProblem):
    """This database cannot be changed in this session: the file is read-only, or the check found it damaged.
    Reading goes on; the message says why changes are off."""


class DatabaseNotSetUp(DatabaseProblem):
    """An empty database (a new server database, an empty file) where one with CSPDesk's tables is needed."""
