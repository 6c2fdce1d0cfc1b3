"""Help → Keyboard shortcuts (issue 19): every shortcut, where it works and what it does.

The main window's menu shortcuts are read from its menus, so they cannot go out of date; the shortcuts that
live in one screen (``QShortcut``) are listed in ``SCREEN_SHORTCUTS``, and a test walks the window, the case
window and the dialogs and fails on a shortcut this list does not name.
"""

from __future__ import annotations

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMainWindow,
    QMenu,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

# (where, keys, what it does) — keys as QKeySequence writes them in its portable text form.
SCREEN_SHORTCUTS: list[tuple[str, str, str]] = [
    ("ASB Cases", "Ctrl+F", "Go to the search box"),
    ("ASB Cases", "Return", "Open the selected case"),
    ("Case window", "Alt+1 … Alt+9", "Show the first … ninth tab"),
    ("Case window", "Ctrl+W", "Close the case window"),
    ("Case window: Overview", "Ctrl+S", "Save the case's details"),
    ("Case window: a list (people, incidents, actions)", "Return, Enter or F2", "Edit the selected row"),
    ("Case window: a list (people, incidents, actions)", "Delete", "Take off / remove the selected row"),
    ("Case window: Incidents", "Ctrl+D", "Mark the selected incident as a duplicate"),
    ("Case window: Incidents", "Ctrl+Shift+D", "It is not a duplicate after all"),
    ("Documents", "Return", "Open the selected document"),
    ("New case", "Ctrl+Return or Ctrl+Enter", "Save the new case"),
    ("New case", "Ctrl+P", "Add a person"),
    ("Editing a person or an incident", "Ctrl+S, Ctrl+Return or Ctrl+Enter", "Save"),
    ("Case Reviews", "Ctrl+L", "Letters for the selected application"),
    ("Letters & templates", "Ctrl+S", "Save the template as a new revision"),
    ("Every window", "Tab / Shift+Tab", "Move to the next / previous control"),
    ("Every dialog", "Escape", "Cancel"),
]


def documented_keys() -> set[str]:
    """Every single key sequence SCREEN_SHORTCUTS names (its "a, b or c" and "… Alt+9" spelled out)."""
    out: set[str] = set()
    for _where, keys, _what in SCREEN_SHORTCUTS:
        if keys.startswith("Alt+1 "):
            out.update(f"Alt+{i}" for i in range(1, 10))
            continue
        for part in keys.replace(" or ", ", ").replace(" / ", ", ").split(", "):
            out.add(
                QKeySequence(part.strip()).toString(QKeySequence.SequenceFormat.PortableText) or part.strip()
            )
    return out


def menu_shortcuts(window: QMainWindow) -> list[tuple[str, str, str]]:
    """(menu, keys, action) for every action with a shortcut in ``window``'s menus."""
    rows: list[tuple[str, str, str]] = []
    for menu_action in window.menuBar().actions():
        menu = menu_action.menu()
        if not isinstance(menu, QMenu):
            continue
        for action in menu.actions():
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            if keys:
                rows.append((menu_action.text().replace("&", ""), keys, action.text().replace("&", "")))
    return rows


class ShortcutsDialog(QDialog):
    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.setWindowTitle("Keyboard shortcuts")
        self.setObjectName("shortcutsDialog")
        rows = [(f"Menu: {m}", k, a) for m, k, a in menu_shortcuts(window)] + SCREEN_SHORTCUTS
        self.table = QTableWidget(len(rows), 3)
        self.table.setObjectName("shortcutsTable")
        self.table.setAccessibleName("Keyboard shortcuts")
        self.table.setHorizontalHeaderLabels(["Where", "Keys", "What it does"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        v = QVBoxLayout(self)
        v.addWidget(self.table)
        v.addWidget(buttons)
        self.resize(760, 520)
