"""One Case Review application: where it stands, its due dates, the next steps (only those the process
allows now are enabled), and the evidence, action plan, victim updates and appeals."""

from __future__ import annotations

import html
import uuid
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QGridLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cspdesk.core.domain.case_review import ProceedGround, ThresholdDecision
from cspdesk.core.domain.vocab import ActionStatus
from cspdesk.core.errors import UserError
from cspdesk.core.services.case_review import BODIES, VICTIM_UPDATE_METHODS, Step
from cspdesk.gui import theme
from cspdesk.gui.pages.case_review_forms import FieldSpec, Form
from cspdesk.gui.qt_helpers import named

if TYPE_CHECKING:
    from cspdesk.core.services.case_review import CaseReviewDetail
    from cspdesk.core.services.context import Changes
    from cspdesk.core.services.registry import Services

FormValues = dict[str, Any]  # a Form's values by field name

YES_NO = [(True, "Yes"), (False, "No")]


def _d(d: date | None) -> str:
    return f"{d:%d/%m/%Y}" if d else ""


def table(headers: list[str], name: str, title: str = "") -> QTableWidget:
    t = named(QTableWidget(0, len(headers)), name, title)  # the name a screen reader says
    t.setHorizontalHeaderLabels(headers)
    t.verticalHeader().setVisible(False)
    t.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    t.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    t.horizontalHeader().setStretchLastSection(True)
    t.setWordWrap(False)
    t.setMinimumWidth(200)
    return t


def fill(t: QTableWidget, rows: list[list[str]], red: list[bool] | None = None) -> None:
    t.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            if red and red[r]:
                item.setForeground(QBrush(theme.qcolour("alert")))
            t.setItem(r, c, item)


class OneAtATime(QWidget):
    """Like a QStackedWidget, but only as tall as the page shown (hidden pages take no room)."""

    def __init__(self, object_name: str) -> None:
        super().__init__()
        self.setObjectName(object_name)
        self._pages: list[QWidget] = []
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    def addWidget(self, w: QWidget) -> None:  # noqa: N802 - QStackedWidget's name
        self._pages.append(w)
        self._layout.addWidget(w)
        w.setVisible(len(self._pages) == 1)

    def currentWidget(self) -> QWidget:  # noqa: N802
        return next(p for p in self._pages if not p.isHidden())

    def setCurrentWidget(self, w: QWidget) -> None:  # noqa: N802
        for p in self._pages:
            p.setVisible(p is w)

    def setCurrentIndex(self, i: int) -> None:  # noqa: N802
        self.setCurrentWidget(self._pages[i])


class ApplicationView(QWidget):
    services: Services

    def __init__(self, services: Services, on_changed: Callable[[Changes], None]) -> None:
        super().__init__()
        self.services = services
        self.cr = services.case_reviews
        self.on_changed = on_changed
        self.detail: CaseReviewDetail | None = None
        self.header = named(QLabel(), "crHeader")
        self.header.setWordWrap(True)
        self.header.setTextFormat(self.header.textFormat().RichText)
        steps = QGridLayout()
        self.step_buttons: dict[Step, QPushButton] = {}
        for i, step in enumerate(Step):
            b = named(QPushButton(step.label), f"step_{step.value}")
            b.clicked.connect(lambda _=False, s=step: self.open_step(s))
            self.step_buttons[step] = b
            steps.addWidget(b, i // 5, i % 5)
        self.forms = OneAtATime("stepForms")
        self.forms.addWidget(
            QLabel(
                "Choose a step above. Steps the process does not allow yet are greyed out; "
                "hover over one to see why."
            )
        )
        self.step_forms: dict[Step, Form] = {}
        for step in Step:
            form = self._form(step)
            self.step_forms[step] = form
            self.forms.addWidget(form)

        self.tabs = named(QTabWidget(), "crTabs")
        self.evidence_note = named(QLabel(), "evidenceNote")
        self.evidence_note.setWordWrap(True)
        self.evidence = table(
            ["Counts?", "Case", "Behaviour", "Reported", "Reporter", "Agency", "Why not"],
            "evidenceTable",
            "Complaints counted",
        )
        ev = QWidget()
        v = QVBoxLayout(ev)
        v.addWidget(self.evidence_note)
        v.addWidget(self.evidence)
        self.tabs.addTab(ev, "Threshold evidence")
        self.action_plan = table(
            ["Action", "Owner", "Due", "Status", "Progress", "Completed"], "actionTable", "Action plan"
        )
        agencies = [("", "— choose —")] + self.cr.agencies()
        self.add_action = Form(
            "Add an action",
            [
                FieldSpec("description", "Action", "text"),
                FieldSpec("owner_agency", "Owner agency", "choice", agencies),
                FieldSpec("due_on", "Due by", "optdate"),
            ],
            self._add_action,
            "Add action",
            "addActionForm",
        )
        self.update_action = Form(
            "Update the selected action",
            [
                FieldSpec("progress", "Progress", "text"),
                FieldSpec("status", "Status", "choice", ActionStatus.choices()),
                FieldSpec("completed_on", "Completed on", "optdate"),
            ],
            self._update_action,
            "Update action",
            "updateActionForm",
        )
        plan = QWidget()
        v = QVBoxLayout(plan)
        v.addWidget(self.action_plan)
        v.addWidget(self.add_action)
        v.addWidget(self.update_action)
        self.tabs.addTab(plan, "Action plan")
        self.updates = table(["Date", "How", "Summary", "By"], "updatesTable", "Updates to the victim")
        self.add_update = Form(
            "Log an update to the victim",
            [
                FieldSpec("updated_on", "Date", "date"),
                FieldSpec("method", "How", "choice", list(VICTIM_UPDATE_METHODS.items())),
                FieldSpec("summary", "What they were told", "multiline"),
            ],
            self._add_update,
            "Log update",
            "addUpdateForm",
        )
        up = QWidget()
        v = QVBoxLayout(up)
        v.addWidget(self.updates)
        v.addWidget(self.add_update)
        self.tabs.addTab(up, "Victim updates")
        self.appeals = table(
            ["Against", "Lodged", "Grounds", "PCC decision", "On", "Notes"], "appealsTable", "Appeals"
        )
        self.tabs.addTab(self.appeals, "Appeals to the PCC")
        self.record = named(QLabel(), "crRecord")
        self.record.setWordWrap(True)
        self.tabs.addTab(self.record, "Decision and review")

        v = QVBoxLayout(self)
        v.addWidget(self.header)
        v.addLayout(steps)
        v.addWidget(self.forms)
        v.addWidget(self.tabs, 1)

    # ----- forms for each step
    def _form(self, step: Step) -> Form:
        cr, actor = self.cr, self.services.actor

        def call(fn: Callable[[FormValues], Changes]) -> Callable[[FormValues], None]:
            def submit(v: FormValues) -> None:
                changes = fn(v)
                self.on_changed(changes)

            return submit

        S = FieldSpec
        specs: dict[Step, tuple[list[FieldSpec], Callable[[FormValues], Changes]]] = {
            Step.CONSENT: (
                [S("consent_recorded_on", "Victim's written consent dated", "date")],
                lambda v: cr.record_consent(actor, self.id, v["consent_recorded_on"], self.version),
            ),
            Step.ACKNOWLEDGE: (
                [S("acknowledged_on", "Acknowledged on", "date")],
                lambda v: cr.acknowledge(actor, self.id, v["acknowledged_on"], self.version),
            ),
            Step.DECIDE: (
                [
                    S("threshold_met", "Threshold met?", "choice", [(None, "— choose —")] + YES_NO),
                    S("threshold_decided_on", "Decided on", "date"),
                    S("threshold_reasons", "Reasons", "multiline"),
                    S("proceed_despite_not_met", "Not met, but review anyway", "bool"),
                    S("proceed_grounds", "Grounds", "multi", [(g, g.label) for g in ProceedGround]),
                    S("proceed_reasons", "Reasons for reviewing anyway", "multiline"),
                ],
                lambda v: cr.decide_threshold(
                    actor,
                    self.id,
                    ThresholdDecision(
                        v["threshold_met"],
                        v["threshold_decided_on"],
                        v["threshold_reasons"],
                        v["proceed_despite_not_met"],
                        frozenset(v["proceed_grounds"]),
                        v["proceed_reasons"],
                    ),
                    self.version,
                ),
            ),
            Step.DECISION_LETTER: (
                [S("decision_letter_sent_on", "Decision letter sent on", "date")],
                lambda v: cr.record_decision_letter(
                    actor, self.id, v["decision_letter_sent_on"], self.version
                ),
            ),
            Step.REVIEW_MEETING: (
                [
                    S("review_meeting_on", "Held on", "date"),
                    S("chair", "Chair", "text"),
                    S("chair_independent", "The chair is independent", "bool"),
                    S("bodies_represented", "Bodies represented", "multi", [(b, b) for b in BODIES]),
                    S("victim_invited", "The victim was invited", "bool"),
                    S("victim_attended", "The victim attended", "bool"),
                    S("minutes", "Minutes", "multiline"),
                    S("decision", "Decision", "multiline"),
                ],
                lambda v: cr.record_review_meeting(
                    actor,
                    self.id,
                    held_on=v["review_meeting_on"],
                    chair=v["chair"],
                    chair_independent=v["chair_independent"],
                    bodies=v["bodies_represented"],
                    victim_invited=v["victim_invited"],
                    victim_attended=v["victim_attended"],
                    minutes=v["minutes"],
                    decision=v["decision"],
                    version=self.version,
                ),
            ),
            Step.OUTCOME: (
                [
                    S("outcome_sent_on", "Outcome sent on", "date"),
                    S(
                        "recommendations_made",
                        "Recommendations made?",
                        "choice",
                        [(None, "— choose —")] + YES_NO,
                    ),
                ],
                lambda v: cr.send_outcome(
                    actor, self.id, v["outcome_sent_on"], v["recommendations_made"], self.version
                ),
            ),
            Step.MONITORING: (
                [
                    S(
                        "victim_consulted_on_plan",
                        "Victim consulted on the plan?",
                        "choice",
                        [(None, "— choose —")] + YES_NO,
                    )
                ],
                lambda v: cr.start_monitoring(actor, self.id, v["victim_consulted_on_plan"], self.version),
            ),
            Step.CLOSE: (
                [
                    S("closed_on", "Closed on", "date"),
                    S("closure_reason", "Why it is closing", "multiline"),
                    S("victim_told_of_closure_on", "Victim told on", "date"),
                ],
                lambda v: cr.close(
                    actor,
                    self.id,
                    closed_on=v["closed_on"],
                    reason=v["closure_reason"],
                    victim_told_on=v["victim_told_of_closure_on"],
                    version=self.version,
                ),
            ),
            Step.APPEAL: (
                [
                    S(
                        "appeal.against",
                        "Against",
                        "choice",
                        [
                            ("threshold_decision", "The threshold decision"),
                            ("review", "The review and action plan"),
                            ("action_plan_delivery", "Delivery of the action plan"),
                        ],
                    ),
                    S("appeal.lodged_on", "Lodged on", "date"),
                    S("grounds", "Grounds", "multiline"),
                ],
                lambda v: cr.lodge_appeal(
                    actor,
                    self.id,
                    against=v["appeal.against"],
                    lodged_on=v["appeal.lodged_on"],
                    grounds=v["grounds"],
                    version=self.version,
                ),
            ),
            Step.APPEAL_DECISION: (
                [
                    S(
                        "appeal.outcome",
                        "PCC's decision",
                        "choice",
                        [(None, "— choose —"), ("upheld", "Upheld"), ("not_upheld", "Not upheld")],
                    ),
                    S("appeal.outcome_on", "Decided on", "date"),
                    S("outcome_notes", "Notes", "multiline"),
                ],
                lambda v: cr.decide_appeal(
                    actor,
                    self.id,
                    outcome=v["appeal.outcome"],
                    outcome_on=v["appeal.outcome_on"],
                    notes=v["outcome_notes"],
                    version=self.version,
                ),
            ),
        }
        fields, fn = specs[step]
        return Form(step.label, fields, call(fn), object_name=f"form_{step.value}")

    def _shown(self) -> CaseReviewDetail:
        """The application on screen (a step's form is only shown with one)."""
        if self.detail is None:
            raise UserError("Select an application first.")
        return self.detail

    @property
    def id(self) -> uuid.UUID:
        return self._shown().id

    @property
    def version(self) -> int:
        return self._shown().version

    def open_step(self, step: Step) -> None:
        form = self.step_forms[step]
        form.clear_errors()
        self.forms.setCurrentWidget(form)

    def _add_action(self, v: FormValues) -> None:
        self.on_changed(
            self.cr.add_action(
                self.services.actor,
                self.id,
                description=v["description"],
                owner_agency=v["owner_agency"] or None,
                due_on=v["due_on"],
            )
        )

    def _update_action(self, v: FormValues) -> None:
        row = self.action_plan.currentRow()
        if row < 0:
            from cspdesk.core.errors import ValidationError

            raise ValidationError({"progress": "Select an action in the table first."})
        a = self._shown().actions[row]
        self.on_changed(
            self.cr.update_action(
                self.services.actor,
                a.id,
                progress=v["progress"],
                status=v["status"],
                completed_on=v["completed_on"],
                version=a.version,
            )
        )

    def _add_update(self, v: FormValues) -> None:
        self.on_changed(
            self.cr.add_victim_update(
                self.services.actor,
                self.id,
                updated_on=v["updated_on"],
                method=v["method"],
                summary=v["summary"],
            )
        )

    # ----- showing an application
    def show_detail(self, d: CaseReviewDetail, keep_form: bool = False) -> None:
        self.detail = d
        e = html.escape
        dl = "".join(
            f"<tr><td>{e(x.label)}</td><td>{_d(x.due_on)}</td><td>"
            + (
                f"done {_d(x.done_on)}" + (" (late)" if x.done_on > x.due_on else "")
                if x.done_on
                else f"<b style='color:{theme.colour('alert')}'>OVERDUE</b>"
                if x.overdue
                else "not needed"
                if not x.applies
                else "due"
            )
            + "</td></tr>"
            for x in d.deadlines
        )
        third = (
            (
                f"<br>On behalf of <b>{e(d.on_behalf_of)}</b> ({e(d.third_party_relationship)}); consent "
                f"{_d(d.consent_recorded_on) or '<b>not yet recorded</b>'}"
            )
            if d.on_behalf_of
            else ""
        )
        cases = ", ".join(e(c.reference) for c in d.cases)
        self.header.setText(
            f"<h2 style='margin:0'>{e(d.reference)} — {e(d.status_label)}</h2>"
            f"<p>From <b>{e(d.applicant_name)}</b> ({e(d.applicant_kind.replace('_', ' '))}), received "
            f"{_d(d.received_on)} by {e(d.channel.replace('_', ' '))}; officer {e(d.officer)}{third}<br>"
            f"Linked cases: {cases}<br><i>{e(d.problem)}</i></p><table cellspacing=4>{dl}</table>"
        )
        plan_open = d.status in ("review_meeting", "outcome_sent", "action_plan_monitoring")
        self.add_action.setEnabled(plan_open)
        self.update_action.setEnabled(plan_open)
        for s in d.steps:
            b = self.step_buttons[s.step]
            b.setEnabled(s.enabled)
            b.setToolTip(s.why_not)
        if not keep_form:
            self.forms.setCurrentIndex(0)
        current = self.forms.currentWidget()
        for step, form in self.step_forms.items():
            if form is current and not d.step(step).enabled:
                self.forms.setCurrentIndex(0)
        self._fill_tables(d)

    def _fill_tables(self, d: CaseReviewDetail) -> None:
        a = self.cr.assessment(d.id)
        self.evidence_note.setText(a.explanation)
        names = dict(self.cr.agencies())  # "Derbyshire Constabulary", not its code "POLICE" (issue 19)

        def agency(code: str | None) -> str:
            return names.get(code, code) if code else ""

        rows = [
            [
                "Yes",
                r.case_reference,
                f"{r.occurred_at:%d/%m/%Y %H:%M}",
                _d(r.reported_on),
                r.reporter_name or "(anonymous)",
                agency(r.reporting_agency),
                "",
            ]
            for r in a.qualifying
        ]
        rows += [
            [
                "No",
                x.report.case_reference,
                f"{x.report.occurred_at:%d/%m/%Y %H:%M}",
                _d(x.report.reported_on),
                x.report.reporter_name or "(anonymous)",
                agency(x.report.reporting_agency),
                x.detail,
            ]
            for x in a.excluded
        ]
        fill(self.evidence, rows, [False] * len(a.qualifying) + [True] * len(a.excluded))
        fill(
            self.action_plan,
            [
                [
                    x.description,
                    x.owner_agency_name,
                    _d(x.due_on),
                    ActionStatus(x.status).label,
                    x.progress,
                    _d(x.completed_on),
                ]
                for x in d.actions
            ],
            [x.overdue for x in d.actions],
        )
        fill(
            self.updates,
            [
                [_d(u.updated_on), VICTIM_UPDATE_METHODS.get(u.method, u.method), u.summary, u.author]
                for u in d.updates
            ],
        )
        fill(
            self.appeals,
            [
                [
                    x.against.replace("_", " "),
                    _d(x.lodged_on),
                    x.grounds,
                    (x.outcome or "awaited").replace("_", " "),
                    _d(x.outcome_on),
                    x.outcome_notes,
                ]
                for x in d.appeals
            ],
        )
        e = html.escape
        met = {True: "met", False: "not met", None: "not yet decided"}[d.threshold_met]
        parts = [f"<b>Threshold:</b> {met} {_d(d.threshold_decided_on)}<br>{e(d.threshold_reasons)}"]
        if d.proceed_despite_not_met:
            parts.append(
                f"<b>Reviewed anyway</b> ({e(', '.join(ProceedGround(g).label for g in d.proceed_grounds))}):"
                f" {e(d.proceed_reasons)}"
            )
        if d.review_meeting_on:
            parts.append(
                f"<b>Review meeting</b> {_d(d.review_meeting_on)}, chair {e(d.chair)}"
                f"{' (independent)' if d.chair_independent else ''}; "
                f"{e(', '.join(d.bodies_represented))}; victim "
                f"{'attended' if d.victim_attended else 'invited' if d.victim_invited else 'not invited'}"
                f"<br><b>Minutes:</b> {e(d.minutes)}<br><b>Decision:</b> {e(d.decision)}"
            )
        if d.closed_on:
            parts.append(
                f"<b>Closed</b> {_d(d.closed_on)}: {e(d.closure_reason)} (victim told "
                f"{_d(d.victim_told_of_closure_on)})"
            )
        self.record.setText("<p>" + "</p><p>".join(parts) + "</p>")
