"""The case window: a header saying where the case stands, and the tabs."""

from __future__ import annotations

import html
import uuid
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

from cspdesk.core.domain.vocab import Role
from cspdesk.core.errors import UserError
from cspdesk.gui import theme
from cspdesk.gui.accessibility import name_controls
from cspdesk.gui.bus import Bus
from cspdesk.gui.laptop import fit_for_laptops, restore_geometry, save_geometry, scrolling
from cspdesk.gui.pages.case_view.actions import ActionsPanel
from cspdesk.gui.pages.case_view.base import CasePanel
from cspdesk.gui.pages.case_view.chronology import ChronologyPanel
from cspdesk.gui.pages.case_view.documents import DocumentsPanel
from cspdesk.gui.pages.case_view.incidents import IncidentsPanel
from cspdesk.gui.pages.case_view.overview import OverviewPanel
from cspdesk.gui.pages.case_view.people import PeoplePanel
from cspdesk.gui.pages.case_view.risk import RiskPanel
from cspdesk.gui.prompts import Prompts
from cspdesk.gui.qt_helpers import named
from cspdesk.gui.theme import font_px

if TYPE_CHECKING:
    from cspdesk.core.services.context import Changes
    from cspdesk.core.services.registry import Services

TABS: tuple[tuple[str, type[CasePanel]], ...] = (
    ("Overview", OverviewPanel),
    ("People", PeoplePanel),
    ("Incidents", IncidentsPanel),
    ("Risk", RiskPanel),
    ("Actions", ActionsPanel),
    ("Chronology", ChronologyPanel),
    ("Documents", DocumentsPanel),
)


# Controls that only show or save a copy of what is already there: left working for partners.
PARTNER_MAY_USE = ("saveCopy", "openDocument", "showCorrected", "showRemovedParties")


class CaseView(QWidget):
    """One case, in its own top-level window. Tabs load when first shown, then whenever the case changes."""

    services: Services

    closed = Signal(object)  # the case id

    def __init__(
        self,
        services: Services,
        bus: Bus,
        prompts: Prompts,
        case_id: uuid.UUID,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.services = services
        self.bus = bus
        self.prompts = prompts
        self.case_id = case_id
        self.setObjectName("caseView")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.heading = named(QLabel(), "caseHeading")
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.banner = named(QLabel(), "caseBanner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(
            f"background:{theme.colour('warning_bg')}; border:1px solid {theme.colour('warning_border')}; "
            "padding:6px;"
        )
        self.banner.hide()
        self.offer_close = named(QPushButton("Close it…"), "offerClose")
        self.offer_close.hide()
        self.tabs = named(QTabWidget(), "caseTabs")
        self.panels: dict[str, QWidget] = {}  # the tabs built so far
        # Each tab but the Overview is built when first shown (or asked for): building all of them was most
        # of a case window's opening time (issue 19). Until then its place holds an empty widget.
        self._unbuilt: dict[str, tuple[QWidget, type[CasePanel]]] = {}
        self.overview = OverviewPanel(services, bus, prompts, case_id)
        for title, cls in TABS:
            if cls is OverviewPanel:
                self.add_tab(title, self.overview)
            else:
                placeholder = QWidget()
                self._unbuilt[title] = (placeholder, cls)
                self.tabs.addTab(placeholder, title)
        self.offer_close.clicked.connect(self.overview.close_case)
        import importlib

        from cspdesk.gui.pages import case_view as hooks

        for module in hooks.CASE_TAB_MODULES:
            importlib.import_module(module)
        for factory in hooks.EXTRA_CASE_TABS:
            title, widget = factory(services, bus, prompts, case_id)
            self.add_tab(title, widget)
        self._stale: set[str] = set(self.panels)
        self._lock_for_partner()
        self.tabs.currentChanged.connect(lambda _i: self._load_current())
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        banner_row = QHBoxLayout()
        banner_row.addWidget(self.banner, 1)
        banner_row.addWidget(self.offer_close)
        v = QVBoxLayout(self)
        v.addLayout(top)
        v.addLayout(banner_row)
        v.addWidget(scrolling(self.tabs), 1)  # a tab taller than a laptop's screen scrolls (issue 19)
        for i in range(min(9, self.tabs.count())):
            QShortcut(QKeySequence(f"Alt+{i + 1}"), self, lambda i=i: self.tabs.setCurrentIndex(i))
        QShortcut(QKeySequence("Ctrl+W"), self, self.close)
        bus.changes_applied.connect(self._on_changes)
        self._listening = True
        fit_for_laptops(self)
        name_controls(self)
        restore_geometry(self, "case", QSize(1200, 780))  # per screen
        self.refresh()

    def add_tab(self, title: str, widget: QWidget) -> None:
        """Add a tab (other areas: enforcement notices, letters).
        ``widget.load()`` is called when it shows."""
        self.panels[title] = widget
        self.tabs.addTab(widget, title)
        if hasattr(self, "_stale"):
            self._stale.add(title)

    def panel(self, title: str) -> QWidget:
        """The tab called ``title``, built now if it has not been shown yet."""
        return self.panels[title] if title in self.panels else self._build(title)

    def show_tab(self, title: str) -> QWidget:
        self.tabs.setCurrentWidget(self.panel(title))
        self._load_current()
        return self.panels[title]

    def _build(self, title: str) -> QWidget:
        placeholder, cls = self._unbuilt.pop(title)
        widget = cls(self.services, self.bus, self.prompts, self.case_id)
        fit_for_laptops(widget)
        index, current = self.tabs.indexOf(placeholder), self.tabs.currentIndex()
        blocked = self.tabs.blockSignals(True)  # the same tab stays current: no "tab changed" for this
        self.tabs.insertTab(index, widget, title)
        self.tabs.removeTab(index + 1)
        self.tabs.setCurrentIndex(current)
        self.tabs.blockSignals(blocked)
        name_controls(widget)  # in its tab: a table is named after the tab it is on
        placeholder.deleteLater()
        self.panels[title] = widget
        self._stale.add(title)
        return widget

    def refresh(self) -> None:
        if not self.services.actor.can(Role.OFFICER) and not self.services.sharing.may_see_case(
            self.services.actor, self.case_id
        ):
            # However it was reached (a forum's link, a notice), a case outside the
            # partner's agency is not shown.
            self.heading.setText("This case is not shared with your agency.")
            self.tabs.hide()
            self._stale.clear()  # nothing is loaded into the (hidden) tabs
            return
        try:
            d = self.services.case_edit.detail(self.case_id)
        except UserError as exc:
            self.prompts.error("Case not shown", str(exc))
            return
        self.setWindowTitle(f"{d.reference} — {d.title}")
        state = d.status_label + (f": {d.closure_reason}" if d.closure_reason else "")
        flags = []
        if d.repeat_victim:
            flags.append(f"<span style='color:{theme.colour('alert')}'>Repeat victim</span>")
        if d.overdue_actions:
            flags.append(
                f"<span style='color:{theme.colour('alert')}'>{d.overdue_actions} overdue action"
                f"{'s' if d.overdue_actions != 1 else ''}</span>"
            )
        review = f" · review due {d.next_review_on:%d/%m/%Y}" if d.next_review_on else ""
        self.heading.setText(
            f"<span style='font-size: {font_px(18)}px; font-weight:600'>{html.escape(d.reference)}</span>"
            " &nbsp; "
            f"<span style='font-size: {font_px(16)}px;'>{html.escape(d.title)}</span><br>"
            f"{state} · {html.escape(d.officer or 'no officer')} · risk {d.risk_label.lower()}{review}"
            + (" · " + " · ".join(flags) if flags else "")
        )
        inactive = self.services.closure.is_inactive(self.case_id)
        if inactive is not None:
            self.banner.setText(
                f"No activity on this case for {inactive.days_quiet} days. If nothing more is "
                "needed, close it; otherwise add a note to say why it stays open."
            )
        self.banner.setVisible(inactive is not None)
        self.offer_close.setVisible(inactive is not None)
        self._stale = set(self.panels)
        self._detail = d
        self._load_current()

    def _load_current(self) -> None:
        w = self.tabs.currentWidget()
        unbuilt = next((t for t, (placeholder, _c) in self._unbuilt.items() if placeholder is w), None)
        if unbuilt is not None:
            w = self._build(unbuilt)
        title = next((t for t, p in self.panels.items() if p is w), None)
        if title in self._stale and hasattr(w, "load"):
            self._stale.discard(title)
            try:
                if w is self.overview:  # the header has just read the same record
                    w.load(self._detail)
                else:
                    w.load()
            except UserError as exc:
                self.prompts.error("Case not shown", str(exc))
        self._lock_for_partner()

    def load_all(self) -> None:
        """Build and load every tab now (the benchmark and tests; normally tabs load when shown)."""
        for title in list(self._unbuilt):
            self._build(title)
        for title, w in self.panels.items():
            if title in self._stale and hasattr(w, "load"):
                w.load(self._detail) if w is self.overview else w.load()
        self._stale.clear()
        self._lock_for_partner()

    def _lock_for_partner(self) -> None:
        """A partner may look, not change: every editing control is disabled, including those a tab builds
        when it loads (issue 14; issue 19's defect 7: not refused on Save)."""
        if self.services.actor.can(Role.OFFICER):
            return
        from cspdesk.gui.read_only import lock_editing

        lock_editing(self, keep=PARTNER_MAY_USE)

    def _on_changes(self, changes: Changes) -> None:
        if self.case_id in changes.ids or changes.touches("setting", "user"):
            self.refresh()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        if self.overview.dirty:
            answer = self.prompts.save_discard_cancel(
                "Unsaved changes", f"{self.windowTitle()} has changes that are not saved. Save them?"
            )
            if answer == "cancel" or (answer == "save" and not self.overview.save()):
                event.ignore()
                return
            if answer == "discard":
                self.overview.discard()
        save_geometry(self, "case")
        if self._listening:  # a closed window no longer reloads
            self._listening = False
            self.bus.changes_applied.disconnect(self._on_changes)
        self.closed.emit(self.case_id)
        super().closeEvent(event)
