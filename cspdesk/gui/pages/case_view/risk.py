"""Risk tab: the scored questionnaire from settings, its live score, and every earlier assessment."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from cspdesk.core.domain.asb_case import RiskQuestionnaire
from cspdesk.gui.bus import Bus
from cspdesk.gui.pages.case_view.base import CasePanel, fill, table
from cspdesk.gui.prompts import Prompts
from cspdesk.gui.qt_helpers import named
from cspdesk.gui.widgets.forms import FieldErrors

if TYPE_CHECKING:
    from cspdesk.core.services.registry import Services


class RiskPanel(CasePanel):
    def __init__(
        self,
        services: Services,
        bus: Bus,
        prompts: Prompts,
        case_id: uuid.UUID,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(services, bus, prompts, case_id, parent)
        self.errors = FieldErrors()
        self.questions_box = QWidget()
        self.questions_layout = QVBoxLayout(self.questions_box)
        self.checks: dict[str, QCheckBox] = {}
        self.score = named(QLabel(), "riskScore")
        self.score.setStyleSheet("font-weight: 600;")
        self.spoc = named(
            QLineEdit(placeholderText="named officer (needed for medium and high)"), "risk_spoc"
        )
        self.notes = named(QLineEdit(), "risk_notes")
        self.save_btn = named(QPushButton("Save assessment"), "saveRisk")
        self.save_btn.clicked.connect(self.save)
        self.history = table(
            ["Assessed", "By", "Score", "Level", "Next review", "Single point of contact", "Notes"],
            "riskHistory",
            6,
        )
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.questions_box)
        form = QFormLayout()
        self.errors.add_row(form, "Single point of contact", "single_point_of_contact", self.spoc)
        form.addRow("Notes", self.notes)
        form.addRow(self.errors.general)
        box = QGroupBox("New assessment")
        v = QVBoxLayout(box)
        v.addWidget(scroll, 1)
        v.addWidget(self.score)
        v.addLayout(form)
        v.addWidget(self.save_btn)
        right = QGroupBox("History (newest first)")
        QVBoxLayout(right).addWidget(self.history)
        h = QHBoxLayout(self)
        h.addWidget(box, 1)
        h.addWidget(right, 1)
        self.questionnaire: RiskQuestionnaire | None = None  # read on the first load

    def _build_questions(self) -> None:
        q = self.services.risk.questionnaire()
        if self.questionnaire == q:
            return
        self.questionnaire = q
        for c in self.checks.values():
            c.deleteLater()
        self.checks = {}
        for question in q.questions:
            c = QCheckBox(f"{question.text}  ({question.weight})")
            c.setObjectName(f"risk:{question.key}")
            c.toggled.connect(self._rescore)
            self.questions_layout.addWidget(c)
            self.checks[question.key] = c
        self.questions_layout.addStretch(1)
        self._rescore()

    def answers(self) -> dict[str, bool]:
        return {k: c.isChecked() for k, c in self.checks.items()}

    def _rescore(self, *_a: object) -> None:
        q = self.questionnaire
        if q is None:  # no questions yet, so nothing to score
            return
        score, level = q.score(self.answers())
        self.score.setText(
            f"Score {score}: {level.label} risk  (medium from {q.medium_from}, high from {q.high_from})"
        )

    def load(self) -> None:
        self._build_questions()
        rows = self.services.risk.history(self.case_id)
        fill(
            self.history,
            [
                [
                    f"{r.assessed_on:%d/%m/%Y}",
                    r.assessor,
                    str(r.score),
                    r.level_label,
                    f"{r.next_review_on:%d/%m/%Y}" if r.next_review_on else "",
                    r.single_point_of_contact,
                    r.notes,
                ]
                for r in rows
            ],
            [r.id for r in rows],
        )

    def save(self) -> None:
        changes = self.attempt(
            "Assessment not saved",
            lambda: self.services.risk.assess(
                self.services.actor,
                self.case_id,
                self.answers(),
                single_point_of_contact=self.spoc.text(),
                notes=self.notes.text(),
            ),
            self.errors,
        )
        if changes is not None:
            for c in self.checks.values():
                c.setChecked(False)
            self.notes.clear()
            self.applied(changes)
