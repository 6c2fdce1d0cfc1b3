"""Quick start: the window opens on its first screen while SQLAlchemy and the services load behind it.

``first_screen`` checks the SQLite file exactly as ``open_database`` does (refusing a damaged, locked, foreign
or newer file with the same words) and reads the first screen with plain ``sqlite3`` (``storage.quick_read``).
``StartingServices`` then stands in for ``Services``: it answers the few questions that screen asks from what
was read, and everything else from the real services, which ``start()`` builds on a background thread. A
question it cannot answer waits for them. Once they are ready every answer comes from them, so nothing shown
after the first screen can be stale.

Only a file already at this version's schema, for a user who has signed in before, starts this way; anything
else (a new or empty file, an upgrade, a server URL, a first sign-in) takes the ordinary start.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cspdesk.core.domain.vocab import CaseStatus, Role
from cspdesk.core.services.cases.case_query import (
    CaseIds,
    CaseListRow,
    CaseQuery,
    FilterOptions,
    case_list_row,
)
from cspdesk.core.services.context import Actor, Changes, os_username
from cspdesk.core.services.registry_types import Services
from cspdesk.core.site_config import configured_database
from cspdesk.core.storage.quick_read import read_first_screen
from cspdesk.core.storage.sqlite_file import (
    check_sqlite_file,
    head_revision,
    read_only_reason,
    sqlite_revision_readonly,
)

if TYPE_CHECKING:
    from cspdesk.core.storage.write_gate import WriteGate

# The case list as it opens (gui.pages.cases): open cases, newest first.
DEFAULT_CASE_QUERY = CaseQuery(status=CaseStatus.OPEN.value)
FIRST_PAGE = 200  # gui.models.paged_ids.PAGE: the rows the table asks for first


@dataclass(frozen=True)
class FirstScreen:
    label: str
    revision: str
    actor: Actor
    demo: object
    case_count: int
    query: CaseQuery
    ids: CaseIds
    rows: dict[uuid.UUID, CaseListRow]
    options: FilterOptions


def first_screen(
    db: str | Path | None, username: str | None = None, *, page: int = FIRST_PAGE
) -> FirstScreen | None:
    """The first screen of a database that can start quickly, else None (raises ``DatabaseProblem`` for a file
    that must not be opened at all)."""
    if db is None:
        db = configured_database().target  # CSPDESK_DB or IT's settings file may name a server
    if db is not None and "://" in str(db):
        return None
    path = Path(db).expanduser().resolve()
    if not path.is_file() or path.stat().st_size == 0:
        return None
    check_sqlite_file(path, read_only=read_only_reason(path) is not None)
    revision, _tables = sqlite_revision_readonly(path)
    if revision != head_revision():
        return None  # an upgrade, a newer file or a foreign one: the ordinary start does it or says why
    raw = read_first_screen(
        path, (username or os_username()).strip().lower(), status=DEFAULT_CASE_QUERY.status or "", page=page
    )
    if raw is None:
        return None
    id_, name, display, role, permissions = raw.user
    if role == Role.PARTNER.value:
        return None  # a partner sees only their agency's cases: the ordinary start asks the case list service
    actor = Actor(uuid.UUID(id_), name, display, Role(role), frozenset(permissions))
    rows = {}
    for r in raw.rows:
        row = _case_row(r, raw.names)
        rows[row.id] = row
    return FirstScreen(
        label=str(path),
        revision=revision,
        actor=actor,
        demo=raw.demo,
        case_count=raw.case_count,
        query=DEFAULT_CASE_QUERY,
        ids=CaseIds(raw.ids),
        rows=rows,
        options=FilterOptions(
            [(uuid.UUID(i), n) for i, n in raw.wards], [(uuid.UUID(i), n) for i, n in raw.officers]
        ),
    )


def _case_row(r: tuple, names: dict[str, str]) -> CaseListRow:
    # The stored text typed as the ORM types it (ward and officer ids stay text: ``names`` is keyed so).
    id_, reported_on, review_on = r[0], r[6], r[10]
    typed = (
        uuid.UUID(id_),
        *r[1:6],
        date.fromisoformat(reported_on),
        *r[7:10],
        date.fromisoformat(review_on) if review_on else None,
        *r[11:],
    )
    return case_list_row(typed, names)


class StartingServices(Services):
    """Stands in for the registry (``registry.ServiceRegistry``) from the first screen until it is ready.

    It is ``Services`` (``registry_types``), so every service has its real type here too: the first screen's
    database, settings and case list are stand-ins that answer from what was read (``DatabaseInfo``,
    ``Settings``, ``CaseList``), replaced by the real ones once built; every other service is the real one,
    waited for on first use (``__getattr__``)."""

    def __init__(self, screen: FirstScreen, build: Callable[[], Services]):
        self._screen = screen
        self._build = build
        self._real: Services | None = None
        self._error: BaseException | None = None
        self._started = False
        self._built = threading.Event()  # the real services are there (or failed): ``ready``
        self._done = threading.Event()  # and every ``when_ready`` callback has run: ``settle``
        self._lock = threading.Lock()
        self._on_ready: list[Callable[[], None]] = []
        self.actor = screen.actor
        self.first_sign_in = False
        self.database = _StartingDatabase(self)
        self.settings = _StartingSettings(self)
        self.case_list = _StartingCaseList(self)

    # ----- the background start
    def start(self) -> None:
        """Build the real services on a background thread (once)."""
        with self._lock:
            if self._started:
                return
            self._started = True
        threading.Thread(target=self._run, name="cspdesk-start", daemon=True).start()

    def _run(self) -> None:
        try:
            real = self._build()
        except BaseException as exc:  # handed to whoever asks next, on their thread
            self._error = exc
        else:
            self._real = real
            # From now on every answer comes from the real services (a stand-in held by a page forwards too).
            self.database, self.settings, self.case_list = real.database, real.settings, real.case_list
        # Ready before any callback runs: a callback may hand "ready" to another thread (the window's), which
        # must then find the services ready, however soon it looks (issue 19: the Dashboard's "…" for good).
        self._built.set()
        # Callbacks run before anyone waiting is let go, so none is still running when the window closes.
        while True:
            with self._lock:
                callbacks, self._on_ready = self._on_ready, []
                if not callbacks:
                    self._done.set()
                    return
            for callback in callbacks:
                callback()

    def settle(self) -> None:
        """Wait for a background start in progress to finish (before the
        window goes), ignoring its outcome."""
        if self._started:
            self._done.wait()

    @property
    def ready(self) -> bool:
        return self._built.is_set()

    def when_ready(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` once the real services are ready (on the thread that built them), or now."""
        with self._lock:
            if not self._done.is_set():
                self._on_ready.append(callback)
                return
        callback()

    def real(self) -> Services:
        """The real services, waiting for them (and starting them, if nobody has yet)."""
        if not self._built.is_set():
            self.start()
            self._built.wait()
        if self._error is not None:
            raise self._error
        if self._real is None:  # set before ``_built`` whenever there is no error
            raise RuntimeError("The services were marked ready without being built.")
        return self._real

    def __getattr__(self, name: str) -> object:
        # Only for names not set here: the services declared on ``Services`` (typed there), the real ones.
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.real(), name)


class _StartingDatabase:
    """The database's name and revision from the first screen; whether it may be written, from the real
    one."""

    def __init__(self, owner: StartingServices):
        self._owner = owner
        self.label = owner._screen.label
        self.revision = owner._screen.revision

    @property
    def read_only(self) -> str | None:
        return self._owner.real().database.read_only

    @property
    def gate(self) -> WriteGate:
        return self._owner.real().database.gate


class _StartingSettings:
    """Whether the file holds demo data from the first screen; every other setting from the real settings."""

    def __init__(self, owner: StartingServices):
        self._owner = owner

    def get_optional(self, key: str, default: Any = None) -> Any:
        if key == "demo.data" and not self._owner.ready:
            demo = self._owner._screen.demo
            return default if demo is None else demo
        return self._owner.real().settings.get_optional(key, default)

    def all(self) -> dict[str, Any]:
        return self._owner.real().settings.all()

    def get(self, key: str) -> Any:
        return self._owner.real().settings.get(key)

    def section(self, prefix: str) -> dict[str, Any]:
        return self._owner.real().settings.section(prefix)

    def update(self, actor: Actor, changes: dict[str, Any]) -> Changes:
        return self._owner.real().settings.update(actor, changes)


class _StartingCaseList:
    """The case list service: the default list and its first page from the first screen, until ready."""

    def __init__(self, owner: StartingServices):
        self._owner = owner

    def case_ids(self, q: CaseQuery, actor: Actor | None = None) -> CaseIds:
        screen = self._owner._screen
        if not self._owner.ready and q == screen.query:
            return screen.ids  # never a partner's: they take the ordinary start (``first_screen``)
        return self._owner.real().case_list.case_ids(q, actor)

    def rows_for(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, CaseListRow]:
        rows = self._owner._screen.rows
        if not self._owner.ready and all(i in rows for i in ids):
            return {i: rows[i] for i in ids}
        return self._owner.real().case_list.rows_for(ids)

    def filter_options(self) -> FilterOptions:
        if not self._owner.ready:
            return self._owner._screen.options
        return self._owner.real().case_list.filter_options()

    def forget_names(self) -> None:
        self._owner.real().case_list.forget_names()
