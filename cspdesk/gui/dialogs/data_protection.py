"""The data-protection report, in the window: every look at a restricted record in a period, by user, with
the reason given; saved as CSV for the Data Protection Officer; and a check of the audit log's hash chain.
The same report as ``cspdesk audit views``; administrators only (the service refuses anyone else)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from cspdesk.core.errors import UserError

if TYPE_CHECKING:
    from cspdesk.core.services.registry import Services


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


class DataProtectionDialog(QDialog):
    services: Services

    def __init__(self, services, prompts, parent=None):
        super().__init__(
            parent,
            objectName="dataProtectionDialog",
            windowTitle="Data protection — looks at restricted records",
        )
        self.services, self.prompts = services, prompts
        self.rows = []
        today = services.clock.today()
        last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)  # from the start of last month
        self.start = QDateEdit(
            _qdate(last_month), calendarPopup=True, displayFormat="dd/MM/yyyy", objectName="dpFrom"
        )
        self.end = QDateEdit(_qdate(today), calendarPopup=True, displayFormat="dd/MM/yyyy", objectName="dpTo")
        show = QPushButton("Show", objectName="dpShow")
        show.clicked.connect(self.show_report)
        self.save_btn = QPushButton("Save CSV…", objectName="dpSave")
        self.save_btn.clicked.connect(self.save_csv)
        self.save_btn.setEnabled(False)
        verify = QPushButton("Check the audit log…", objectName="dpVerify")
        verify.setToolTip(
            "Walk the audit log's hash chain: says whether any row was changed, removed or "
            "inserted out of order (as cspdesk audit verify)"
        )
        verify.clicked.connect(self.verify)
        self.summary = QLabel(objectName="dpSummary")
        self.table = QTableWidget(0, 7, objectName="dpTable")
        self.table.setHorizontalHeaderLabels(
            ["When (UTC)", "User", "Login", "Record", "Reference", "What", "Reason"]
        )
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(6, QHeaderView.ResizeMode.Stretch)
        top = QHBoxLayout()
        for w in (QLabel("From"), self.start, QLabel("to"), self.end, show):
            top.addWidget(w)
        top.addStretch(1)
        top.addWidget(verify)
        top.addWidget(self.save_btn)
        v = QVBoxLayout(self)
        v.addLayout(top)
        v.addWidget(self.summary)
        v.addWidget(self.table, 1)
        self.resize(1100, 560)

    def _period(self) -> tuple[date, date]:
        return self.start.date().toPython(), self.end.date().toPython()

    def show_report(self) -> None:
        start, end = self._period()
        try:
            self.rows = self.services.audit_log.views_report(self.services.actor, start, end)
        except UserError as exc:
            self.prompts.error("Report not shown", str(exc))
            return
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            cells = row.cells()[:6] + [row.reason + (" (given earlier)" if row.reused else "")]
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))
        users = len({r.username for r in self.rows})
        self.summary.setText(
            f"{len(self.rows)} look{'s' if len(self.rows) != 1 else ''} at restricted records by "
            f"{users} user{'s' if users != 1 else ''}, {start:%d/%m/%Y} to {end:%d/%m/%Y}."
        )
        self.save_btn.setEnabled(True)

    def save_csv(self) -> None:
        from cspdesk.core.services.data_protection import report_csv

        start, end = self._period()
        path = self.prompts.ask_save_file(
            "Save the data-protection report",
            f"restricted-looks-{start:%Y-%m-%d}-to-{end:%Y-%m-%d}.csv",
            "CSV (*.csv)",
        )
        if path is None:
            return
        path.write_text(report_csv(self.rows), encoding="utf-8", newline="")
        self.prompts.info(
            "Report saved", f"Saved to {path}. It names staff and their reasons: keep it securely."
        )

    def verify(self) -> None:
        report = self.services.audit_log.verify()
        if report.ok:
            self.prompts.info(
                "Audit log checked",
                f"The audit log is whole: {report.rows:,} rows, none changed, "
                "removed or inserted out of order.",
            )
        else:
            self.prompts.error(
                "Audit log damaged",
                f"{report.problem}\n\n{report.rows:,} rows were checked "
                "before it. Tell your IT team and the Data Protection Officer.",
            )
