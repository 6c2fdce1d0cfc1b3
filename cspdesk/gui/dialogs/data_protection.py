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
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cspdesk.core.errors import UserError
from cspdesk.gui.prompts import Prompts
from cspdesk.gui.qt_helpers import named

if TYPE_CHECKING:
    from cspdesk.core.services.registry import Services


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _pydate(d: QDate) -> date:
    return date(d.year(), d.month(), d.day())


def _date_edit(d: date, object_name: str) -> QDateEdit:
    edit = named(QDateEdit(_qdate(d)), object_name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd/MM/yyyy")
    return edit


class DataProtectionDialog(QDialog):
    services: Services

    def __init__(self, services: Services, prompts: Prompts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dataProtectionDialog")
        self.setWindowTitle("Data protection — looks at restricted records")
        self.services, self.prompts = services, prompts
        self.csv = ""  # the report on screen, as the CSV "Save CSV…" writes
        today = services.clock.today()
        last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)  # from the start of last month
        self.start = _date_edit(last_month, "dpFrom")
        self.end = _date_edit(today, "dpTo")
        show = named(QPushButton("Show"), "dpShow")
        show.clicked.connect(self.show_report)
        self.save_btn = named(QPushButton("Save CSV…"), "dpSave")
        self.save_btn.clicked.connect(self.save_csv)
        self.save_btn.setEnabled(False)
        verify = named(QPushButton("Check the audit log…"), "dpVerify")
        verify.setToolTip(
            "Walk the audit log's hash chain: says whether any row was changed, removed or "
            "inserted out of order (as cspdesk audit verify)"
        )
        verify.clicked.connect(self.verify)
        # The chain's head, for the DPO to note elsewhere: the chain alone cannot show its newest rows
        # removed.
        self.head = named(QLineEdit(readOnly=True), "dpHead")
        self.head.setPlaceholderText("Check the audit log to show its head (row number and hash)")
        self.head.setToolTip(
            "The audit log's last row and its hash. Note it somewhere else (with the date): "
            "cspdesk audit verify --expect-head with it later shows whether rows were cut from the end."
        )
        self.head.setAccessibleName("Audit chain head")
        self.summary = named(QLabel(), "dpSummary")
        self.table = named(QTableWidget(0, 7), "dpTable")
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
        head = QHBoxLayout()
        head.addWidget(QLabel("Chain head (note it down):"))
        head.addWidget(self.head, 1)
        v.addLayout(head)
        v.addWidget(self.summary)
        v.addWidget(self.table, 1)
        self.resize(1100, 560)

    def _period(self) -> tuple[date, date]:
        return _pydate(self.start.date()), _pydate(self.end.date())

    def show_report(self) -> None:
        from cspdesk.core.services.data_protection import report_csv

        start, end = self._period()
        try:
            rows = self.services.audit_log.views_report(self.services.actor, start, end)
        except UserError as exc:
            self.prompts.error("Report not shown", str(exc))
            return
        self.csv = report_csv(rows)
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            cells = row.cells()[:6] + [row.reason + (" (given earlier)" if row.reused else "")]
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))
        users = len({r.username for r in rows})
        self.summary.setText(
            f"{len(rows)} look{'s' if len(rows) != 1 else ''} at restricted records by "
            f"{users} user{'s' if users != 1 else ''}, {start:%d/%m/%Y} to {end:%d/%m/%Y}."
        )
        self.save_btn.setEnabled(True)

    def save_csv(self) -> None:
        start, end = self._period()
        path = self.prompts.ask_save_file(
            "Save the data-protection report",
            f"restricted-looks-{start:%Y-%m-%d}-to-{end:%Y-%m-%d}.csv",
            "CSV (*.csv)",
        )
        if path is None:
            return
        try:
            path.write_text(self.csv, encoding="utf-8", newline="")
        except OSError as exc:  # a folder that has gone, a file open in another program
            self.prompts.error(
                "Report not saved", f"The report could not be written to {path}: {exc.strerror}."
            )
            return
        self.prompts.info(
            "Report saved", f"Saved to {path}. It names staff and their reasons: keep it securely."
        )

    def verify(self) -> None:
        report = self.services.audit_log.verify()
        self.head.setText(report.head)
        if report.ok:
            self.prompts.info(
                "Audit log checked",
                f"The audit log is whole: {report.rows:,} rows, none changed, "
                f"removed or inserted out of order.\n\nIts head is {report.head}. Note it somewhere else "
                "with today's date: checking against it later shows whether rows were cut from the end.",
            )
        else:
            self.prompts.error(
                "Audit log damaged",
                f"{report.problem}\n\n{report.rows:,} rows were checked "
                "before it. Tell your IT team and the Data Protection Officer.",
            )
