"""Laptop screens (issue 19): council laptops are often 1366×768 at 125 % scaling — 1092×614 logical pixels,
less a taskbar and a title bar. Every page and dialog must fit that without anything off-screen.

* ``PageStack`` is the main window's stack of pages: it asks for the room the page on show needs, not the
  largest page ever opened (a QStackedWidget's minimum is its largest page's, so after Safer Homes had been
  opened once the window stayed 1,742 px wide).
* ``fit_for_laptops(widget)`` is run over each page and dialog as it is built: a long label wraps instead of
  widening its page, and a combo box may shrink to a reasonable entry's width rather than its longest one's
  when room is short (given room, and in its list, every entry shows in full).
* ``fit_for_laptops`` also lets the columns of each table on a page shrink to the table's width when they
  would need more (``ColumnsFit``): at 1.5× font on a 1366-wide screen the notice register's ten columns
  needed a sideways scroll bar. A column the user drags wider is left as they made it.
* ``LAPTOP`` is the room a window has on such a screen; the tests open every page and dialog in it.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QSize, Qt, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QHeaderView,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTreeView,
    QWidget,
)
from shiboken6 import isValid

# 1366×768 at 125 %: 1092×614 logical pixels; a taskbar (40) and a title bar (30) leave this for a window.
LAPTOP = QSize(1092, 544)
LONG_LABEL = 60  # characters: a label longer than this wraps
COMBO_CHARACTERS = 15  # a combo box may shrink to this many characters, however long its entries


class PageStack(QStackedWidget):
    """A stack of pages that needs only the room of the page on show."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.currentChanged.connect(lambda _i: self.updateGeometry())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        page = self.currentWidget()
        return page.minimumSizeHint().expandedTo(page.minimumSize()) if page is not None else QSize(0, 0)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        page = self.currentWidget()
        return page.sizeHint() if page is not None else QSize(0, 0)


def scrolling(widget: QWidget) -> QScrollArea:
    """``widget`` in a frameless scroll area that scrolls only when the window is smaller than it needs."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setWidget(widget)
    return area


def fit_for_laptops(widget: QWidget) -> None:
    """Long labels wrap and combo boxes stop growing with their longest entry, in ``widget`` and below."""
    for label in widget.findChildren(QLabel):
        if not label.wordWrap() and len(label.text()) > LONG_LABEL and "\n" not in label.text():
            label.setWordWrap(True)
    for box in widget.findChildren(QLineEdit):
        # A search box beside combo boxes was squeezed to "S…": keep room for a word or two.
        if (
            box.placeholderText()
            and box.minimumWidth() == 0
            and not isinstance(box.parentWidget(), QComboBox)
        ):
            box.setMinimumWidth(box.fontMetrics().horizontalAdvance("x" * 10) + 12)
    for combo in widget.findChildren(QComboBox):
        # Its minimum, not its preferred width: with room to spare it still shows its longest entry whole.
        if combo.minimumWidth() == 0:
            narrow = combo.fontMetrics().horizontalAdvance("x" * COMBO_CHARACTERS) + 40
            combo.setMinimumWidth(
                min(narrow, combo.minimumSizeHint().width()) if combo.count() > 1 else narrow
            )
    fit_columns(widget)


FITTING = "cspdeskFittingColumns"  # a header property, true while ``ColumnsFit`` resizes its sections
WHOLE = "cspdeskWholeColumns"  # a header property: the columns ``ColumnsFit`` leaves whole (``keep_whole``)


def keep_whole(view: QTableView, columns: list[int]) -> None:
    """Columns that ``ColumnsFit`` never narrows: what a row is known by (a reference, a date), which a cut
    "CPW-202…" would lose. The others give way more."""
    view.horizontalHeader().setProperty(WHOLE, list(columns))


class ColumnsFit(QObject):
    """Narrows a table's resizable columns, the widest first, when together they are wider than the table,
    so that no sideways scroll bar is needed (none below a few characters), and widens them back to the
    widths they were given (by the page, by fitting to contents, or by the user's drag) when room comes
    back. Run again when the table is resized or its columns are, but not while the user drags one."""

    FLOOR_CHARACTERS = 5  # no column is narrowed below this many characters (and "…")

    def __init__(self, view: QTableView | QTreeView) -> None:
        super().__init__(view)
        self.view = view
        self.header: QHeaderView = view.header() if isinstance(view, QTreeView) else view.horizontalHeader()
        self._fitting = False
        self._wanted: dict[int, int] = {}  # the widths given to columns this has narrowed
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.fit)
        view.viewport().installEventFilter(self)
        self.header.sectionResized.connect(self._section_resized)
        self.header.sectionCountChanged.connect(self._count_changed)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Resize:
            self._timer.start()
        return False

    def _count_changed(self, _old: int, _new: int) -> None:
        self._wanted.clear()
        self._timer.start()

    def _section_resized(self, index: int, _old: int, new: int) -> None:
        if self._fitting:
            return
        self._wanted.pop(index, None)  # given a width by someone else: that is the one wanted now
        if QApplication.mouseButtons() == Qt.MouseButton.NoButton:
            self._timer.start()

    def wanted_width(self, column: int) -> int:
        """The width ``column`` was given, before any narrowing to the table's width."""
        return self._wanted.get(column, self.header.sectionSize(column))

    def fit(self) -> None:
        # Run from a timer: the view (or a header it replaced) may have gone since it was started.
        if not (isValid(self.view) and isValid(self.header)):
            return
        header, room = self.header, self.view.viewport().width()
        if room <= 0:
            return
        shown = [i for i in range(header.count()) if not header.isSectionHidden(i)]
        last = max(shown, key=header.visualIndex, default=-1)
        floor = max(
            header.minimumSectionSize(), header.fontMetrics().horizontalAdvance("x" * self.FLOOR_CHARACTERS)
        )
        wanted = {
            i: self._wanted.get(i, header.sectionSize(i))
            for i in shown
            if header.sectionResizeMode(i) == QHeaderView.ResizeMode.Interactive
            and not (header.stretchLastSection() and i == last)
            and i not in (header.property(WHOLE) or ())
        }
        excess = header.length() + sum(w - header.sectionSize(i) for i, w in wanted.items()) - room
        # The widest columns give way first, down to a common width: short ones (dates, a priority) stay
        # whole as long as they can.
        cap = max(wanted.values(), default=0)
        while excess > 0 and cap > floor and sum(w - min(w, cap) for w in wanted.values()) < excess:
            cap -= 1
        self._fitting = True
        header.setProperty(FITTING, True)  # not the user's widths: ``ColumnWidths`` does not remember these
        try:
            for i, w in wanted.items():
                width = max(min(w, cap), min(w, floor)) if excess > 0 else w
                if width != w:
                    self._wanted[i] = w
                else:
                    self._wanted.pop(i, None)
                if width != header.sectionSize(i):
                    header.resizeSection(i, width)
        finally:
            self._fitting = False
            header.setProperty(FITTING, False)


def fit_columns(widget: QWidget) -> None:
    """``ColumnsFit`` on every table and tree in ``widget`` (once each)."""
    for view in widget.findChildren(QAbstractItemView):
        if view.objectName().startswith("qt_"):
            continue  # Qt's own views (a date edit's calendar) keep their own layout
        if isinstance(view, (QTableView, QTreeView)) and view.findChild(ColumnsFit) is None:
            ColumnsFit(view)


def screen_key(widget: QWidget) -> str:
    """The screen a window is on, as a settings key: its name and logical size (a laptop on its own screen
    and docked to a monitor remembers a size for each)."""
    screen = widget.screen()
    if screen is None:
        return "unknown"
    size = screen.availableGeometry().size()
    return f"{screen.name() or 'screen'}-{size.width()}x{size.height()}"


def restore_geometry(widget: QWidget, name: str, default: QSize) -> None:
    """The size and place ``widget`` last had on this screen; otherwise ``default``, but never larger than
    the screen's room."""
    from PySide6.QtCore import QSettings

    saved = QSettings().value(f"{name}/geometry/{screen_key(widget)}")
    if saved is not None and widget.restoreGeometry(saved):
        return
    screen = widget.screen()
    room = screen.availableGeometry().size() if screen is not None else default
    widget.resize(default.boundedTo(QSize(room.width() * 19 // 20, room.height() * 9 // 10)))


def save_geometry(widget: QWidget, name: str) -> None:
    from PySide6.QtCore import QSettings

    QSettings().setValue(f"{name}/geometry/{screen_key(widget)}", widget.saveGeometry())


def bound_to_screen(window: QWidget) -> None:
    """Shrink a window larger than the room its screen has (a dialog's fixed
    760×820 on a 768-pixel laptop)."""
    screen = window.screen()
    if screen is None:
        return
    room = screen.availableGeometry()
    size = window.size().boundedTo(room.size())
    if size != window.size():
        window.resize(size.expandedTo(window.minimumSizeHint().boundedTo(room.size())))


class _DialogFitter(QObject):
    """Every dialog, the first time it is shown: long labels wrap, combo boxes may shrink, it is no larger
    than its screen, and its controls are named for screen readers (``accessibility.name_controls``)."""

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if (
            event.type() == QEvent.Type.Show
            and isinstance(obj, QDialog)
            and not obj.property("cspdeskFitted")
        ):
            obj.setProperty("cspdeskFitted", True)
            fit_for_laptops(obj)
            bound_to_screen(obj)
            from cspdesk.gui.accessibility import name_controls

            name_controls(obj)
        return False


def fit_dialogs_for_laptops(app: QCoreApplication) -> None:
    """Install (once) the filter that fits every dialog as it is first shown."""
    if app.findChild(_DialogFitter) is None:  # the filter is the application's child: one per application
        app.installEventFilter(_DialogFitter(app))


class SideBySide(QSplitter):
    """Two panes side by side when there is room for both, one above the other when there is
    not (a list and its details on a laptop's screen). Its minimum width is the wider pane's,
    so it never widens the window."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)

    def _pane_minimums(self) -> list[QSize]:
        panes = [w for i in range(self.count()) if (w := self.widget(i)) is not None]
        return [p.minimumSizeHint().expandedTo(p.minimumSize()) for p in panes]

    def _side_by_side_width(self) -> int:
        panes = self._pane_minimums()
        return sum(p.width() for p in panes) + self.handleWidth() * max(len(panes) - 1, 0)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        panes = self._pane_minimums()
        if not panes:
            return QSize(0, 0)
        return QSize(max(p.width() for p in panes), max(p.height() for p in panes))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        wanted = (
            Qt.Orientation.Horizontal
            if event.size().width() >= self._side_by_side_width()
            else Qt.Orientation.Vertical
        )
        if wanted != self.orientation():
            self.setOrientation(wanted)
        super().resizeEvent(event)
