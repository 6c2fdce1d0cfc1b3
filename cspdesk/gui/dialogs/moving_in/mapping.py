"""Steps 3 and 4: map the file's columns to CSPDesk's fields, then the file's words to CSPDesk's words.

Each column (and each value) is one row of a grid of label + drop-down, so Tab walks the drop-downs in order
and each drop-down is named after its column for a screen reader. Nothing is guessed silently: a proposed
column is preselected (the officer sees and can change it), a value's close match is only offered — first in
its drop-down, or all at once with "Use every suggestion" — and Next stays off until every value has an
answer.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from cspdesk.core.services.moving_in import FieldType
from cspdesk.gui import theme
from cspdesk.gui.dialogs.moving_in.wizard import MovingInWizard, StepPage
from cspdesk.gui.qt_helpers import named
from cspdesk.gui.tab_order import tab_through

NOT_IMPORTED = "— not imported —"
CHOOSE = "— choose —"


def _grid_area(object_name: str) -> tuple[QScrollArea, QGridLayout]:
    area = named(QScrollArea(), object_name)
    area.setWidgetResizable(True)
    return area, _fresh_grid(area)


def _fresh_grid(area: QScrollArea) -> QGridLayout:
    """An empty grid in ``area`` (the old one goes): label, drop-down, then a column that stretches."""
    old = area.takeWidget()
    if old is not None:
        old.deleteLater()
    inner = QWidget()
    grid = QGridLayout(inner)
    grid.setColumnStretch(2, 1)
    grid.setHorizontalSpacing(16)
    grid.setAlignment(Qt.AlignmentFlag.AlignTop)
    area.setWidget(inner)
    return grid


def _plain(text: str) -> QLabel:
    """A label for words from the file, shown as written (a heading "<b>" is not markup)."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def _bold(text: str) -> QLabel:
    label = _plain(text)
    label.setStyleSheet("font-weight: 600;")
    return label


class ColumnsPage(StepPage):
    """Step 3: one row per column of the sheet — its heading, its first values, the CSPDesk field."""

    def __init__(self, wizard: MovingInWizard):
        super().__init__(
            wizard,
            "Map the columns",
            "Say which CSPDesk field each column holds. Columns left as “not imported” are not brought in. "
            "Fields marked * are required.",
        )
        self.memory = _plain("")
        self.memory.setObjectName("movingInRemembered")
        self.memory.setWordWrap(True)
        self.required = named(QLabel(), "movingInRequired")
        self.required.setWordWrap(True)
        self.area, self.grid = _grid_area("movingInColumns")
        self.boxes: dict[str, QComboBox] = {}  # column heading -> its drop-down
        self.examples: dict[str, QLabel] = {}  # column heading -> its first values, as the field reads them
        self._chosen: dict[str, str] = {}  # column heading -> field key ("" = not imported)
        self._built_for: tuple | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(self.memory)
        layout.addWidget(self.area, 1)
        layout.addWidget(self.required)
        for w in self.footer():
            layout.addWidget(w)

    def initializePage(self) -> None:  # noqa: N802 - Qt's name
        w = self.w
        if w.plan is not None and self._built_for == (w.plan.path, w.plan.sheet, w.plan.kind):
            return  # back from a later step: keep what the officer chose
        moving_in, path, sheet, kind = w.services.moving_in, w.the_info.path, w.the_sheet.name, w.kind
        self._clear()
        w.run(
            self,
            "Reading the headings…",
            lambda _report: (moving_in.fields(kind), moving_in.propose(path, sheet, kind)),
            self._proposed,
        )

    def _clear(self) -> None:
        self.boxes.clear()
        self.examples.clear()
        self._chosen.clear()
        self._built_for = None
        self.grid = _fresh_grid(self.area)

    def _proposed(self, fields_and_plan) -> None:
        fields, plan = fields_and_plan
        w = self.w
        w.fields, w.plan, w.dry = tuple(fields), plan, None
        self._built_for = (plan.path, plan.sheet, plan.kind)
        self.memory.setText(
            "Remembered from last time (a file with the same headings), values too. Check each column."
            if plan.remembered
            else "Proposed from the headings. Check each column before going on."
        )
        self.grid.addWidget(_bold("Column in the file"), 0, 0)
        self.grid.addWidget(_bold("CSPDesk field"), 0, 1)
        self.grid.addWidget(_bold("First values in the file"), 0, 2)
        for r, column in enumerate(w.the_sheet.columns, start=1):
            heading = _plain(column.heading + (" (hidden in Excel)" if column.hidden else ""))
            heading.setWordWrap(True)
            heading.setMinimumWidth(160)
            examples = _plain("")
            examples.setStyleSheet(theme.css("muted"))
            examples.setMinimumWidth(120)
            self.examples[column.heading] = examples
            box = named(QComboBox(), f"movingInColumn_{column.index}")
            box.setAccessibleName(f"CSPDesk field for the column {column.heading}")
            box.addItem(NOT_IMPORTED, "")
            for field in fields:
                box.addItem(field.label + (" *" if field.required else ""), field.key)
                if field.help:
                    box.setItemData(box.count() - 1, field.help, Qt.ItemDataRole.ToolTipRole)
            key = plan.columns.get(column.heading, "")
            box.setCurrentIndex(max(box.findData(key), 0))
            self._chosen[column.heading] = key
            box.currentIndexChanged.connect(lambda _i, h=column.heading: self._changed(h))
            heading.setBuddy(box)
            self.boxes[column.heading] = box
            box.setMinimumWidth(220)
            self.grid.addWidget(heading, r, 0)
            self.grid.addWidget(box, r, 1)
            self.grid.addWidget(examples, r, 2)
            self._show_examples(column.heading)
        self._show_required()

    def _show_examples(self, heading: str) -> None:
        """A column's first values — mapped to a date, as the import will read them (an Excel serial number,
        45123, shown as the date it is, 17/07/2023), with the file's own values in the tooltip."""
        column = next(c for c in self.w.the_sheet.columns if c.heading == heading)
        field = next((f for f in self.w.fields if f.key == self._chosen.get(heading)), None)
        as_date = field is not None and field.type is FieldType.DATE and bool(column.as_dates)
        shown = column.as_dates if as_date else column.examples
        label = self.examples[heading]
        label.setText("   ·   ".join(shown[:3]) or "(blank)")
        tip = "\n".join(column.examples)
        if as_date and column.as_dates != column.examples:
            tip = (
                "Read as dates: "
                + ", ".join(column.as_dates)
                + "\nIn the file: "
                + ", ".join(column.examples)
            )
        label.setToolTip(tip)

    def _changed(self, heading: str) -> None:
        box = self.boxes[heading]
        key = box.currentData() or ""
        taken_by = next((h for h, k in self._chosen.items() if key and k == key and h != heading), None)
        if taken_by is not None:  # a field holds one column: refuse, and say which column has it
            box.blockSignals(True)
            box.setCurrentIndex(max(box.findData(self._chosen[heading]), 0))
            box.blockSignals(False)
            label = next(f.label for f in self.w.fields if f.key == key)
            self.problem(
                f"“{label}” is already the field for the column “{taken_by}”. A field takes one column: "
                f"set “{taken_by}” to another field or to “not imported” first."
            )
            return
        self.problem("")
        self._chosen[heading] = key
        self._show_examples(heading)
        self._show_required()

    def _show_required(self) -> None:
        mapped = set(self._chosen.values())
        parts = [
            escape(f"{f.label} ✓") if f.key in mapped else f"<b>{escape(f.label)} — not mapped yet</b>"
            for f in self.w.fields
            if f.required
        ]
        self.required.setText("Required: " + " · ".join(parts) if parts else "")
        self.completeChanged.emit()

    def missing(self) -> list[str]:
        mapped = set(self._chosen.values())
        return [f.label for f in self.w.fields if f.required and f.key not in mapped]

    def ready(self) -> bool:
        return self.w.plan is not None and not self.missing()

    def validatePage(self) -> bool:  # noqa: N802 - Qt's name
        columns = {h: k for h, k in self._chosen.items() if k}
        if dict(self.w.the_plan.columns) != columns:
            self.w.plan_with(columns=columns)
        return True


class ValuesPage(StepPage):
    """Step 4: for each mapped status, category, officer or ward column, each of its values gets a CSPDesk
    word (or is explicitly left out). Next stays off while any value has no answer."""

    def __init__(self, wizard: MovingInWizard):
        super().__init__(
            wizard,
            "Map the values",
            "The file's own words for statuses, categories, officers and wards: say what each is in CSPDesk.",
        )
        self.area, self.grid = _grid_area("movingInValues")
        self.boxes: dict[tuple[str, str], QComboBox] = {}  # (field key, value) -> its drop-down
        self.suggestions: dict[tuple[str, str], str] = {}
        self.use_suggestions = named(QPushButton("Use every &suggestion"), "movingInUseSuggestions")
        self.use_suggestions.clicked.connect(self.apply_suggestions)
        self.unmapped = named(QLabel(), "movingInUnmapped")
        self.unmapped.setWordWrap(True)
        self.unmapped.setTextFormat(Qt.TextFormat.PlainText)
        self._built_for: tuple | None = None
        row = QHBoxLayout()
        row.addWidget(self.unmapped, 1)
        row.addWidget(self.use_suggestions)
        layout = QVBoxLayout(self)
        layout.addWidget(self.area, 1)
        layout.addLayout(row)
        for w in self.footer():
            layout.addWidget(w)

    def initializePage(self) -> None:  # noqa: N802 - Qt's name
        plan = self.w.the_plan
        key = (plan.path, plan.sheet, plan.kind, tuple(sorted(plan.columns.items())))
        if key == self._built_for:
            return  # back from the preview with the same columns: keep the answers
        moving_in = self.w.services.moving_in
        self._clear()
        self.w.run(
            self,
            "Reading the values…",
            lambda _report: moving_in.values_to_map(plan),
            lambda v: self._show(v, key),
        )

    def _clear(self) -> None:
        self.boxes.clear()
        self.suggestions.clear()
        self._built_for = None
        self.grid = _fresh_grid(self.area)

    def _show(self, values, built_for) -> None:
        self.w.values = tuple(values)
        self._built_for = built_for
        fields = {f.key: f for f in self.w.fields}
        column_of = {k: h for h, k in self.w.the_plan.columns.items()}
        r = 0
        if not values:
            self.grid.addWidget(QLabel("No column needs its values mapped: go on to the preview."), r, 0)
        for field_key in dict.fromkeys(v.field for v in values):
            field = fields[field_key]
            title = _bold(f"{field.label} (the column “{column_of.get(field_key, '?')}”)")
            self.grid.addWidget(title, r, 0, 1, 3)
            r += 1
            for v in (v for v in values if v.field == field_key):
                self._value_row(r, field, v)
                r += 1
        self.use_suggestions.setEnabled(bool(self.suggestions))
        # The boxes are made after the button beneath them: Tab goes down the boxes, then to it (issue 19).
        tab_through([*self.boxes.values(), self.use_suggestions])
        self._show_unmapped()

    def _value_row(self, r: int, field, v) -> None:
        name = _plain(f"“{v.value}”")
        name.setWordWrap(True)
        name.setMinimumWidth(200)
        count = QLabel(f"{v.count:,} row{'s' if v.count != 1 else ''}")
        count.setStyleSheet(theme.css("muted"))
        box = named(QComboBox(), f"movingInValue_{field.key}_{r}")
        box.setAccessibleName(f"CSPDesk {field.label.lower()} for “{v.value}”")
        box.addItem(CHOOSE, None)
        labels = dict(field.choices)
        # A suggestion already chosen (CSPDesk's own word, or remembered) is the answer, not a suggestion.
        suggested = v.suggestion if v.suggestion in labels and v.mapped_to != v.suggestion else None
        if suggested is not None:
            box.addItem(f"{labels[suggested]} (suggested)", suggested)
            self.suggestions[(field.key, v.value)] = suggested
        for value, label in field.choices:
            if value != suggested:
                box.addItem(label, value)
        box.insertSeparator(box.count())
        box.addItem(
            "Leave rows with this value out" if field.required else "Leave the field blank on these rows", ""
        )
        if v.mapped_to is not None:
            box.setCurrentIndex(max(box.findData(v.mapped_to), 0))
        box.currentIndexChanged.connect(self._show_unmapped)
        name.setBuddy(box)
        self.boxes[(field.key, v.value)] = box
        box.setMinimumWidth(220)
        self.grid.addWidget(name, r, 0)
        self.grid.addWidget(box, r, 1)
        self.grid.addWidget(count, r, 2)

    def apply_suggestions(self) -> None:
        for key, suggestion in self.suggestions.items():
            box = self.boxes[key]
            if box.currentData() is None:
                box.setCurrentIndex(box.findData(suggestion))

    def still_unmapped(self) -> list[tuple[str, str]]:
        return [key for key, box in self.boxes.items() if box.currentData() is None]

    def _show_unmapped(self) -> None:
        left = self.still_unmapped()
        if left:
            labels = {f.key: f.label for f in self.w.fields}
            shown = ", ".join(f"{labels[k]} “{v}”" for k, v in left[:6]) + (
                f" and {len(left) - 6:,} more" if len(left) > 6 else ""
            )
            self.unmapped.setText(
                f"Still to map: {len(left):,} value{'s' if len(left) != 1 else ''} — {shown}. "
                "Choose a CSPDesk word for each, or say to leave those rows out."
            )
            self.unmapped.setStyleSheet(theme.css("alert"))
        else:
            self.unmapped.setText("Every value has an answer." if self.boxes else "")
            self.unmapped.setStyleSheet("")
        self.completeChanged.emit()

    def ready(self) -> bool:
        return self._built_for is not None and not self.still_unmapped()

    def validatePage(self) -> bool:  # noqa: N802 - Qt's name
        mapping: dict[str, dict[str, str]] = {}
        for (field_key, value), box in self.boxes.items():
            mapping.setdefault(field_key, {})[value] = box.currentData()
        if {k: dict(v) for k, v in self.w.the_plan.values.items()} != mapping:
            self.w.plan_with(values=mapping)
        return True
