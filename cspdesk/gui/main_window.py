"""The main window: navigation on the left, one page at a time on the right."""

from __future__ import annotations

import importlib
import uuid
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from PySide6.QtCore import QObject, QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QProgressDialog,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from cspdesk.core.domain.vocab import Role
from cspdesk.core.errors import UserError
from cspdesk.gui import theme, working_copies
from cspdesk.gui.accessibility import name_controls
from cspdesk.gui.bus import Bus, services_are_ready, when_ready
from cspdesk.gui.laptop import (
    PageStack,
    fit_dialogs_for_laptops,
    fit_for_laptops,
    restore_geometry,
    save_geometry,
    scrolling,
)
from cspdesk.gui.pages.cases import CasesPage
from cspdesk.gui.pages.dashboard import DashboardPage
from cspdesk.gui.prompts import Prompts
from cspdesk.gui.qt_helpers import named
from cspdesk.gui.read_only import OFFICER_ONLY_TIP, lock_officer_only
from cspdesk.gui.tasks import Task, TaskRunner
from cspdesk.gui.theme import font_css
from cspdesk.gui.widgets.write_banner import WriteBanner

if TYPE_CHECKING:
    from cspdesk.core.services.context import Actor, Changes
    from cspdesk.core.services.registry import Services
    from cspdesk.core.services.working_copies import CopyInfo
    from cspdesk.gui.dialogs.moving_in import MovingInWizard, PastImportsDialog
    from cspdesk.gui.dialogs.new_case import NewCaseDialog
    from cspdesk.gui.pages.case_view import CaseView
    from cspdesk.gui.shortcuts import ShortcutsDialog

P = TypeVar("P", bound=QWidget)


class MainWindow(QMainWindow):
    # The real services, or a quick start's (core/services/quick_start.StartingServices), which stand in for
    # them until they have loaded behind the window.
    services: Services

    def __init__(self, services: Services, prompts: Prompts) -> None:
        super().__init__()
        self.services = services
        self.prompts = prompts
        prompts.parent = self
        self.bus = Bus(self)
        from cspdesk.core.services.quick_start import StartingServices

        if isinstance(services, StartingServices):  # a quick start: they finish loading behind the window
            self._ready_relay = _ReadyRelay(self)
            self._ready_relay.ready.connect(self.bus.services_ready)  # queued: it is emitted on their thread
            services.when_ready(self._ready_relay.ready.emit)
        self.tasks = TaskRunner()
        app = QApplication.instance()
        if app is not None:  # there is always one: a window cannot be made without it
            fit_dialogs_for_laptops(app)  # every dialog fits a laptop's screen (issue 19)
        self.setObjectName("mainWindow")
        self.nav = named(QListWidget(), "navigation")
        self.nav.setFixedWidth(190)  # wider if a large font needs it (``_add_page``, issue 19)
        self.nav.setStyleSheet(f"QListWidget {{ {font_css(14)} }} QListWidget::item {{ padding: 8px; }}")
        self.stack = PageStack()  # needs the room of the page on show only (issue 19: laptop screens)
        self.pages = LazyPages(self.stack, lambda: services.actor)
        self._add_page("dashboard", DashboardPage, services, self.bus, prompts, self.show_page)
        self._add_page("cases", CasesPage, services, self.bus, prompts, self.tasks)  # first list on a worker
        self._add_page(
            "enforcement",
            ("cspdesk.gui.pages.enforcement:EnforcementPage", "Enforcement"),
            services,
            self.bus,
            prompts,
            self.tasks,
        )  # reads its due list and counts in the background
        self._add_page(
            "safer_homes",
            ("cspdesk.gui.pages.safer_homes:SaferHomesPage", "Safer Homes"),
            services,
            self.bus,
            prompts,
            self.tasks,
        )  # loads its list in the background
        self._add_page(
            "case_reviews",
            ("cspdesk.gui.pages.case_reviews:CaseReviewsPage", "Case Reviews"),
            services,
            self.bus,
            prompts,
            self.tasks,
        )  # reads its list in the background
        self._add_page(
            "forums",
            ("cspdesk.gui.pages.forums:ForumsPage", "Area Forums"),
            services,
            self.bus,
            prompts,
            self.tasks,
        )  # reads its forums in the background
        self._add_page(
            "figures",
            ("cspdesk.gui.pages.figures:FiguresPage", "Crime Figures"),
            services,
            self.bus,
            prompts,
            self.tasks,
        )
        self._add_page(
            "reports",
            ("cspdesk.gui.pages.reports:ReportsPage", "Reports"),
            services,
            self.bus,
            prompts,
            self.tasks,
        )
        self._add_page(
            "letters",
            ("cspdesk.gui.pages.letters:LettersPage", "Letters & templates"),
            services,
            self.bus,
            prompts,
            self.tasks,
        )  # counts the matching records in the background
        # Last but Settings, so that the pages the house rules order keep their Ctrl+digit.
        self._add_page(
            "my_work",
            ("cspdesk.gui.pages.my_work:MyWorkPage", "My work"),
            services,
            self.bus,
            prompts,
            self.show_page,
            self.tasks,
        )  # loads its lists in the background
        self._add_page(
            "settings", ("cspdesk.gui.pages.settings:SettingsPage", "Settings"), services, self.bus, prompts
        )
        self.nav.currentRowChanged.connect(self._show_row)
        self.bus.open_case.connect(self.open_case)
        self.bus.new_case.connect(self.new_case)
        self.case_windows: dict[uuid.UUID, CaseView] = {}  # case id -> its CaseView
        self.bus.show_notice.connect(self.show_notice)

        body = QWidget()
        h = QHBoxLayout(body)
        h.setContentsMargins(0, 0, 0, 0)
        h.addWidget(self.nav)
        h.addWidget(scrolling(self.stack), 1)  # a page wider or taller than a small screen scrolls
        # Why changes are off (a read-only or damaged file), above everything else; hidden otherwise.
        self.write_banner = WriteBanner(services, self.bus, self.tasks)
        central = QWidget()
        v = QVBoxLayout(central)
        v.setContentsMargins(0, 0, 0, 0)
        v.setSpacing(0)
        v.addWidget(self.write_banner)
        v.addWidget(body, 1)
        self.setCentralWidget(central)
        # Set (with a banner) by working_copies.install if this database is a working copy.
        self.copy_info: CopyInfo | None = None
        self.copy_banner: QLabel | None = None
        self._warming_up = False
        self._warm_up: Task | None = None  # loading, once on screen, what later first openings need
        self._menus()
        self._status_bar()
        self.update_title()
        restore_geometry(self, "main", QSize(1400, 860))  # per screen: a laptop and its docked monitor
        self.nav.setCurrentRow(0)

    def _add_page(self, key: str, page: PageClass | tuple[str, str], *args: object) -> None:
        """``page`` is a page class, or ("module:Class", title) for a page imported on first show."""
        self.pages.declare(key, page, args)
        item = QListWidgetItem(self.pages.title(key))
        item.setData(Qt.ItemDataRole.UserRole, key)
        self.nav.addItem(item)
        self.nav.ensurePolished()  # its style sheet's font and padding
        need = self.nav.sizeHintForColumn(0) + 2 * self.nav.frameWidth() + 4
        if need > self.nav.width():
            self.nav.setFixedWidth(need)

    def _show_row(self, row: int) -> None:
        key = self.pages.keys()[row]
        self.stack.setCurrentWidget(self.pages[key])

    def _action(
        self,
        text: str,
        slot: Callable[[], object],
        shortcut: QKeySequence | QKeySequence.StandardKey | None = None,
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        return action

    def _menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        new = self._action("&New case…", self.new_case, QKeySequence("Ctrl+N"))
        new.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)  # from any window, case windows too
        file_menu.addAction(new)
        requests = self._action(
            "&Data protection requests…", self.data_requests, QKeySequence("Ctrl+Shift+D")
        )
        file_menu.addAction(requests)
        if not self.services.actor.can(Role.OFFICER):  # a partner: officers' work, shown but disabled
            for action in (new, requests):
                action.setEnabled(False)
                action.setToolTip(OFFICER_ONLY_TIP)
            file_menu.setToolTipsVisible(True)
        quit_ = self._action("E&xit", self.close, QKeySequence.StandardKey.Quit)
        file_menu.addAction(quit_)
        working_copies.install(self, file_menu)  # Take / Bring back / Working copies; the working-copy banner
        self._import_menu()
        go = self.menuBar().addMenu("&Go")
        for i, key in enumerate(self.pages):
            go.addAction(
                self._action(self.pages.title(key), self._shower(key), QKeySequence(f"Ctrl+{i + 1}"))
            )
        refresh = self._action(
            "&Refresh",
            lambda: self.bus.changes_applied.emit(_all_changes()),
            QKeySequence.StandardKey.Refresh,
        )
        go.addSeparator()
        go.addAction(refresh)
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction(self._action("&Keyboard shortcuts", self.show_shortcuts, QKeySequence("F1")))
        help_menu.addAction(self._action("&About CSPDesk", self._about))

    def _shower(self, key: str) -> Callable[[], None]:
        return lambda: self.show_page(key)

    def _import_menu(self) -> None:
        """Import → Existing records… and Past imports (issue 21: moving in from spreadsheets)."""
        menu = self.menuBar().addMenu("&Import")
        self.import_records_action = self._action("&Existing records…", self.import_records)
        admin = self.services.actor.can(Role.ADMINISTRATOR)
        self.import_records_action.setEnabled(admin)
        if not admin:
            self.import_records_action.setToolTip("Only an administrator can import existing records.")
        menu.setToolTipsVisible(True)
        menu.addAction(self.import_records_action)
        menu.addAction(self._action("&Past imports…", self.past_imports))

    def import_records(self) -> MovingInWizard:
        from cspdesk.gui.dialogs.moving_in import MovingInWizard

        self._moving_in = MovingInWizard(
            self.services, self.bus, self.prompts, self.tasks, self.show_cases, self
        )
        self._moving_in.open()
        return self._moving_in

    def past_imports(self) -> PastImportsDialog:
        from cspdesk.gui.dialogs.moving_in import PastImportsDialog

        self._past_imports = PastImportsDialog(self.services, self.bus, self.prompts, self.tasks, self)
        self._past_imports.open()
        return self._past_imports

    def show_cases(self, search: str = "") -> None:
        """The ASB Cases page, its search set to ``search`` (after an import: a legacy reference)."""
        from cspdesk.core.services.cases import CaseQuery

        self.show_page("cases")
        # Every status: imported cases may be closed.
        self.pages.page("cases", CasesPage).show_query(CaseQuery(text=search))

    def show_notice(self, notice_id: uuid.UUID) -> None:
        """The Enforcement page, showing the notice ``notice_id``."""
        from cspdesk.gui.pages.enforcement import EnforcementPage  # built (so imported) by show_page

        self.show_page("enforcement")
        self.pages.page("enforcement", EnforcementPage).show_notice(notice_id)

    def data_requests(self) -> None:
        """Subject access, rectification and erasure requests (issue 15 part 4)."""
        from cspdesk.gui.dialogs.data_requests import DataRequestsDialog

        DataRequestsDialog(self.services, self.bus, self.prompts, self).exec()

    def _status_bar(self) -> None:
        a = self.services.actor
        self.db_label = QLabel(f"Database: {self.services.database.label}")
        self.db_label.setObjectName("databaseLabel")
        self.user_label = QLabel(f"{a.display_name} ({a.role.label})")
        self.statusBar().addWidget(self.db_label, 1)
        # Demo data says so where the eye is while working, not only in a title
        # bar a maximised window may hide.
        self.demo_label = named(QLabel("DEMO DATA — fictional people"), "demoDataLabel")
        self.demo_label.setStyleSheet(f"font-weight: 600; color: {theme.colour('warning')};")
        self.demo_label.hide()
        self.statusBar().addPermanentWidget(self.demo_label)
        self.statusBar().addPermanentWidget(self.user_label)

    def update_title(self) -> None:
        demo = self.services.settings.get_optional("demo.data")
        self.setWindowTitle(
            f"CSPDesk — {self.services.database.label}{' — DEMO DATA' if demo else ''}"
            f"{working_copies.title_suffix(self.copy_info)}"
        )
        if hasattr(
            self, "demo_label"
        ):  # the title can change before the status bar is built (a working copy)
            self.demo_label.setVisible(bool(demo))

    def show_page(self, key: str) -> None:
        self.nav.setCurrentRow(list(self.pages).index(key))

    def open_case(self, case_id: uuid.UUID) -> CaseView | None:
        """Each case opens in its own window; opening it again brings that window forward."""
        view = self.case_windows.get(case_id)
        if view is None:
            try:
                self.services.case_edit.detail(case_id)
            except UserError as exc:
                self.prompts.error("Case not opened", str(exc))
                return None
            from cspdesk.gui.pages.case_view import CaseView

            view = CaseView(self.services, self.bus, self.prompts, case_id)
            view.closed.connect(lambda cid: self.case_windows.pop(cid, None))
            self.case_windows[case_id] = view
        view.show()
        view.raise_()
        view.activateWindow()
        return view

    def new_case(self) -> NewCaseDialog:
        from cspdesk.gui.dialogs.new_case import NewCaseDialog

        dlg = NewCaseDialog(self.services, self.bus, self.prompts, self)
        dlg.opened.connect(self.open_case)
        dlg.open_existing.connect(self.open_case)
        self._new_case_dialog = dlg
        dlg.open()
        return dlg

    def offer_demo_data_if_empty(self) -> None:
        if not services_are_ready(self.services):  # asked once the services have loaded behind the window
            when_ready(self.services, self.bus, self.offer_demo_data_if_empty)
            return
        if self.services.database.read_only:  # nothing could be loaded into it
            return
        if not self.services.demo.is_empty() or not self.services.actor.can(Role.ADMINISTRATOR):
            return
        if not self.prompts.confirm(
            "An empty database",
            "This database has no cases yet.\n\nWould you like to load demo data — about 1,500 fictional "
            "South Derbyshire cases — to try CSPDesk out? Do not load demo data into your live database.",
        ):
            return
        self.load_demo_data()

    def load_demo_data(self, cases: int = 1500) -> Task:
        progress = QProgressDialog("Loading demo data…", "", 0, 0, self)
        progress.setCancelButton(None)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(0)
        progress.show()

        def done(report) -> None:  # a DemoReport (not on the admin area's public face)
            progress.close()
            self.update_title()
            self.bus.changes_applied.emit(_all_changes())
            self.statusBar().showMessage(f"Demo data loaded: {report.cases:,} cases.", 8000)

        def failed(exc: Exception) -> None:
            progress.close()
            self.prompts.error("Demo data not loaded", str(exc))

        return self.tasks.start(
            lambda report, _c: self.services.demo.load(self.services.actor, cases=cases, progress=report),
            done,
            failed,
        )

    def show_shortcuts(self) -> ShortcutsDialog:
        """Help → Keyboard shortcuts: every shortcut, where it works (gui/shortcuts.py)."""
        from cspdesk.gui.shortcuts import ShortcutsDialog

        self._shortcuts = ShortcutsDialog(self)
        self._shortcuts.open()
        return self._shortcuts

    def _about(self) -> None:
        from cspdesk.core.about import about_text

        db = self.services.database
        self.prompts.info(
            "About CSPDesk",
            "Case tracking for Community Safety Partnerships.\n\n" + about_text(db.label, db.revision),
        )

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if not self._warming_up:  # once on screen, load what later first openings need (gui/warm_up.py)
            from cspdesk.gui.warm_up import warm_up

            self._warming_up = True

            def start() -> None:
                self._warm_up = warm_up(self)

            when_ready(self.services, self.bus, start)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        for view in list(self.case_windows.values()):  # each asks about its unsaved changes
            if not view.close():
                event.ignore()
                return
        save_geometry(self, "main")
        if self._warm_up is not None:
            self._warm_up.cancel()
        self.tasks.wait(10000)
        from cspdesk.core.services.quick_start import StartingServices

        if isinstance(self.services, StartingServices):  # a quick start still loading behind the window
            self.services.settle()
        super().closeEvent(event)


def _all_changes() -> Changes:
    from cspdesk.core.services.context import Changes

    return Changes.of(
        "case",
        "party",
        "incident",
        "action",
        "risk",
        "user",
        "setting",
        "case_review",
        "crime_figure",
        "population",
        "meeting",
        "safer_homes",
        "notice",
        "report_pack",
        "document",
        "letter_template",
    )


class PageClass(Protocol):
    """A page: a widget class with the title the navigation shows, built from the arguments declared."""

    title: str

    def __call__(self, *args: Any, **kwargs: Any) -> QWidget: ...


class LazyPages:
    """The pages, each built the first time it is shown (or asked for), so start-up pays only for the
    Dashboard. Until then a page's place in the stack holds an empty widget."""

    def __init__(self, stack: QStackedWidget, actor: Callable[[], Actor] | None = None) -> None:
        self._stack = stack
        self._actor = actor  # () -> the signed-in Actor: a partner's pages lock what only officers may use
        # key -> (the page class, or ("module:Class", title); its arguments; its place in the stack)
        self._declared: dict[str, tuple[PageClass | tuple[str, str], tuple[object, ...], int]] = {}
        self._built: dict[str, QWidget] = {}

    def declare(self, key: str, page: PageClass | tuple[str, str], args: tuple[object, ...]) -> None:
        self._declared[key] = (page, args, self._stack.addWidget(QWidget()))

    def keys(self) -> list[str]:
        return list(self._declared)

    def title(self, key: str) -> str:
        page = self._declared[key][0]
        return page[1] if isinstance(page, tuple) else page.title

    def is_built(self, key: str) -> bool:
        return key in self._built

    def __iter__(self) -> Iterator[str]:
        return iter(self._declared)

    def __contains__(self, key: str) -> bool:
        return key in self._declared

    def __getitem__(self, key: str) -> QWidget:
        page = self._built.get(key)
        if page is None:
            spec, args, index = self._declared[key]
            if isinstance(spec, tuple):  # imported now, so start-up does not pay for pages not yet opened
                module, _, name = spec[0].partition(":")
                spec = getattr(importlib.import_module(module), name)
            page = spec(*args)
            fit_for_laptops(page)
            name_controls(page)  # for screen readers (issue 19)
            if self._actor is not None and not self._actor().can(Role.OFFICER):
                lock_officer_only(page)  # disabled with a tooltip, not refused on Save (issue 14)
            placeholder = self._stack.widget(index)
            current = self._stack.currentIndex()
            self._stack.insertWidget(index, page)
            if placeholder is not None:  # always there: declare put it at ``index``
                self._stack.removeWidget(placeholder)
                placeholder.deleteLater()
            self._stack.setCurrentIndex(current)
            self._built[key] = page
        return page

    def page(self, key: str, kind: type[P]) -> P:
        """The page ``key`` (built now if need be), which must be a ``kind``."""
        page = self[key]
        if not isinstance(page, kind):
            raise TypeError(f"the {key!r} page is a {type(page).__name__}, not a {kind.__name__}")
        return page

    def values(self) -> list[QWidget]:
        return list(self._built.values())

    def modules(self) -> list[str]:
        """The modules of the pages imported on first show (gui/warm_up.py imports them beforehand)."""
        return [
            spec[0].partition(":")[0] for spec, _a, _i in self._declared.values() if isinstance(spec, tuple)
        ]


class _ReadyRelay(QObject):
    """Carries "the services are ready" from the thread that built them to the window's thread."""

    ready = Signal()
