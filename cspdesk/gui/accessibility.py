"""Screen readers (issue 19): every control a user can reach has an accessible name.

Qt names a control from its own text (a button's, a check box's) or from a label that is its buddy. Forms
here are mostly built as "label, control" pairs in layouts, often without ``setBuddy``, so a screen reader
heard "edit text" for every box. ``name_controls`` is run over each page and dialog as it is built (with the
laptop fitting, ``gui/laptop.py``): a control without a name takes it from its form label, the label just
before it in its row, its placeholder, its tooltip, or — for a table or list — the group box or tab it is in.
``unnamed_controls`` lists what is still unnamed; the tests fail on any.
"""

from __future__ import annotations

from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QBoxLayout,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLayout,
    QLayoutItem,
    QLineEdit,
    QPlainTextEdit,
    QScrollBar,
    QStackedWidget,
    QTabWidget,
    QTextEdit,
    QToolButton,
    QWidget,
)

INTERACTIVE = (
    QAbstractButton,
    QLineEdit,
    QComboBox,
    QAbstractSpinBox,
    QTextEdit,
    QPlainTextEdit,
    QAbstractItemView,
    QAbstractSlider,
)


def _is_control(w: QWidget) -> bool:
    if not isinstance(w, INTERACTIVE) or isinstance(w, (QScrollBar, QHeaderView)):  # parts of their view
        return False
    if w.objectName().startswith("qt_"):  # Qt's own parts (a table's corner button, a tab widget's stack)
        return False
    parent = w.parentWidget()
    # A combo box's or spin box's own line edit and list are named with it.
    return not isinstance(parent, (QComboBox, QAbstractSpinBox)) and not (
        isinstance(w, QAbstractItemView)
        and parent is not None
        and parent.inherits("QComboBoxPrivateContainer")
    )


def accessible_name(w: QWidget) -> str:
    iface = QAccessible.queryAccessibleInterface(w)
    return (iface.text(QAccessible.Text.Name) if iface is not None else "").strip()


def _clean(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").strip().rstrip(":").strip()


def _label_text(label: QLabel) -> str:
    from PySide6.QtGui import QTextDocumentFragment

    return _clean(QTextDocumentFragment.fromHtml(label.text()).toPlainText())


def _controls_in(w: QWidget) -> list[QWidget]:
    inner = [c for c in w.findChildren(QWidget) if _is_control(c)]
    return ([w] if _is_control(w) else []) + inner


def _name(w: QWidget | None, text: str) -> None:
    if w is None or not text:
        return
    for control in _controls_in(w):
        if not accessible_name(control):
            control.setAccessibleName(text)


def _items(layout: QLayout) -> list[QLayoutItem]:
    """The items of ``layout`` in order (``itemAt`` is None only past the end)."""
    return [item for i in range(layout.count()) if (item := layout.itemAt(i)) is not None]


def _pairs(layout: QLayout) -> None:
    """Label-then-control pairs in a layout and the layouts inside it."""
    if isinstance(layout, QFormLayout):
        for row in range(layout.rowCount()):
            label = layout.itemAt(row, QFormLayout.ItemRole.LabelRole)
            field = layout.itemAt(row, QFormLayout.ItemRole.FieldRole)
            label_widget = label.widget() if label is not None else None
            if field is not None and isinstance(label_widget, QLabel):
                text = _label_text(label_widget)
                field_layout = field.layout()
                if field.widget() is not None:
                    _name(field.widget(), text)
                elif field_layout is not None:
                    for inner in _items(field_layout):
                        _name(inner.widget(), text)
    if isinstance(layout, (QBoxLayout, QGridLayout, QFormLayout)):
        previous: QWidget | None = None
        for item in _items(layout):
            widget = item.widget()
            if widget is not None:
                if (
                    isinstance(previous, QLabel)
                    and not isinstance(widget, QLabel)
                    and len(previous.text()) <= 60
                ):
                    _name(widget, _label_text(previous))
                elif isinstance(previous, QCheckBox) and not isinstance(widget, QAbstractButton):
                    _name(widget, _clean(previous.text()))  # "Issued from [x]" then its date box
                previous = widget
            elif (inner_layout := item.layout()) is not None:
                _pairs(inner_layout)
                previous = None


def name_controls(root: QWidget) -> None:
    """Give every unnamed control under ``root`` the name a sighted user reads beside it."""
    for w in [root, *root.findChildren(QWidget)]:
        if (layout := w.layout()) is not None:
            _pairs(layout)
    for control in [c for c in root.findChildren(QWidget) if _is_control(c)]:
        if accessible_name(control):
            continue
        text = ""
        if isinstance(control, QToolButton) and isinstance(control.parentWidget(), QLineEdit):
            text = "Clear"  # a line edit's clear button
        elif isinstance(control, QLineEdit):
            text = control.placeholderText()
        text = text or control.toolTip()
        if not text and isinstance(control, (QAbstractItemView, QTextEdit, QPlainTextEdit)):
            text = _heading_before(control) or _container_title(control)
        if text:
            control.setAccessibleName(_clean(text))


def _heading_before(w: QWidget) -> str:
    """The nearest label above a list, table or text box in its own layout (its heading)."""
    parent = w.parentWidget()
    layout = parent.layout() if parent is not None else None
    if layout is None:
        return ""
    heading = ""
    for layout_item in _items(layout):
        item = layout_item.widget()
        if item is w:
            return heading
        if isinstance(item, QLabel) and item.text() and len(item.text()) <= 80:
            heading = _label_text(item)
    return ""


def _container_title(w: QWidget) -> str:
    """The title of the group box, or the tab, a list or table is in."""
    child, parent = w, w.parentWidget()
    while parent is not None:
        if isinstance(parent, QGroupBox) and parent.title():
            return parent.title()
        tabs = parent.parentWidget()
        if isinstance(parent, QStackedWidget) and isinstance(tabs, QTabWidget):
            index = tabs.indexOf(child)  # ``child`` is the tab's page
            if index >= 0:
                return _clean(tabs.tabText(index))
        child, parent = parent, parent.parentWidget()
    return ""


def unnamed_controls(root: QWidget) -> list[str]:
    """Controls under ``root`` a screen reader cannot name, as "Class objectName" (for the tests)."""
    return [
        f"{type(c).__name__} {c.objectName()!r}"
        for c in root.findChildren(QWidget)
        if _is_control(c) and not accessible_name(c)
    ]
