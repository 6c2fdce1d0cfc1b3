"""Import → Existing records…: the moving-in wizard (issue 21).

Six steps over ``services.moving_in``: choose the file and sheet, say what it holds, map its columns, map its
values, look at the dry run, import. Every read of the file, the dry run and the import run on the window's
task runner, so a 50,000-row sheet never freezes the window; the import is one transaction in the core, so
cancelling it (the wizard's Cancel while it runs) leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QLabel, QProgressBar, QWidget, QWizard, QWizardPage

from cspdesk.core.errors import UserError
from cspdesk.core.services.moving_in import (
    DryRun,
    ImportPlan,
    ImportResult,
    RecordKind,
    SheetInfo,
    TargetField,
    ValueToMap,
    WorkbookInfo,
)
from cspdesk.gui import theme
from cspdesk.gui.qt_helpers import named


class ImportCancelled(Exception):
    """Raised from the progress callback when the officer cancels: the core's one transaction rolls back."""


class MovingInWizard(QWizard):
    """The wizard's state lives here; each page reads and sets it (plain DTOs from the core)."""

    def __init__(
        self, services, bus, prompts, tasks, show_cases: Callable[[str], None] | None = None, parent=None
    ):
        super().__init__(parent)
        from cspdesk.gui.dialogs.moving_in.steps import (
            ChoosePage,
            ColumnsPage,
            ImportPage,
            KindPage,
            PreviewPage,
            ValuesPage,
        )

        self.setObjectName("movingInWizard")
        self.setWindowTitle("Import existing records")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)  # the same on every platform; no banner art
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.services = services
        self.bus = bus
        self.prompts = prompts
        self.tasks = tasks
        self.show_cases = show_cases
        self.info: WorkbookInfo | None = None
        self.sheet: SheetInfo | None = None
        self.kind: RecordKind | None = None
        self.fields: tuple[TargetField, ...] = ()
        self.plan: ImportPlan | None = None
        self.values: tuple[ValueToMap, ...] = ()
        self.dry: DryRun | None = None
        self.imported: ImportResult | None = None
        self.task = None  # the background task running now, if any
        self.cancel_asked = False
        self.choose_page = ChoosePage(self)
        self.kind_page = KindPage(self)
        self.columns_page = ColumnsPage(self)
        self.values_page = ValuesPage(self)
        self.preview_page = PreviewPage(self)
        self.import_page = ImportPage(self)
        for page in (
            self.choose_page,
            self.kind_page,
            self.columns_page,
            self.values_page,
            self.preview_page,
            self.import_page,
        ):
            self.addPage(page)
        self.setButtonText(QWizard.WizardButton.CommitButton, "&Import")
        self.resize(QSize(1040, 680))  # shrunk to the screen by the dialog fitter on a laptop

    # ----- the plan as the pages have made it (each step runs only once the steps before it have made theirs)

    @property
    def the_info(self) -> WorkbookInfo:
        assert self.info is not None, "step 1 reads the file first"
        return self.info

    @property
    def the_sheet(self) -> SheetInfo:
        assert self.sheet is not None, "step 1 chooses the sheet first"
        return self.sheet

    @property
    def the_plan(self) -> ImportPlan:
        assert self.plan is not None, "step 3 proposes the plan first"
        return self.plan

    def plan_with(self, **changes: Any) -> ImportPlan:
        assert self.plan is not None
        self.plan = replace(self.plan, **changes)
        return self.plan

    # ----- background work

    def run(
        self,
        page: StepPage,
        what: str,
        work: Callable[[Callable[[str, int, int], None]], Any],
        done: Callable[[Any], None],
    ) -> None:
        """Run ``work(report)`` on the task runner, showing ``what`` on ``page``'s progress bar; ``done``
        gets the result on the GUI thread. A ``UserError`` is shown on the page in plain words."""
        page.busy(what)
        self.cancel_asked = False

        def guarded(report, cancelled):
            def report_or_stop(stage: str, n: int, total: int) -> None:
                if cancelled():
                    raise ImportCancelled()
                report(stage, n, total)

            return work(report_or_stop)

        def finished(result):
            self.task = None
            done(result)
            page.idle()  # after ``done``: the page's Next/Finish follows what it now holds
            if self.cancel_asked:  # the work ended before it saw the cancel
                self.cancel_asked = False
                if page is self.import_page:  # imported all the same: say so, never close on it silently
                    page.problem(
                        "The import had finished before it could be cancelled. To take it out again, use "
                        "Import → Past imports → Undo."
                    )
                else:
                    super(MovingInWizard, self).reject()

        def failed(exc):
            self.task = None
            page.idle()
            if isinstance(exc, ImportCancelled):
                self.cancel_asked = False
                if page is self.import_page:
                    self.prompts.info("Import cancelled", "The import was cancelled: nothing was imported.")
                super(MovingInWizard, self).reject()
            elif isinstance(exc, UserError):
                page.problem(str(exc))
                if self.cancel_asked:  # Cancel was pressed meanwhile: close as asked (nothing was kept)
                    self.cancel_asked = False
                    super(MovingInWizard, self).reject()
            else:
                raise exc

        self.task = self.tasks.start(guarded, finished, failed, page.progress_to)

    def reject(self) -> None:
        """Cancel, Escape or the close box: while work runs, stop it first (the import rolls back)."""
        if self.task is not None:
            self.cancel_asked = True
            self.task.cancel()
            page = self.currentPage()
            if isinstance(page, StepPage):
                page.busy("Cancelling… nothing will be kept")
            return
        super().reject()


class StepPage(QWizardPage):
    """A step with a progress bar and a line for problems, both at the foot of the page."""

    def __init__(self, wizard: MovingInWizard, title: str, subtitle: str):
        super().__init__()
        self.w = wizard
        self.setTitle(title)
        self.setSubTitle(subtitle)
        self.progress = named(QProgressBar(), "movingInProgress", "Progress")
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.problem_label = named(QLabel(), "movingInProblem")
        self.problem_label.setWordWrap(True)
        self.problem_label.setStyleSheet(theme.css("alert"))
        self.problem_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problem_label.hide()
        self.working = False

    def footer(self) -> list[QWidget]:
        return [self.progress, self.problem_label]

    def busy(self, what: str) -> None:
        self.working = True
        self.problem_label.hide()
        self.progress.setRange(0, 0)
        self.progress.setFormat(what)
        self.progress.show()
        self.completeChanged.emit()

    def progress_to(self, stage: str, done: int, total: int) -> None:
        if self.w.cancel_asked:
            return
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress.setFormat(f"{stage}: {done:,} of {total:,}")

    def idle(self) -> None:
        self.working = False
        self.progress.hide()
        self.completeChanged.emit()

    def problem(self, text: str) -> None:
        self.problem_label.setText(text)
        self.problem_label.setVisible(bool(text))

    def isComplete(self) -> bool:  # noqa: N802 - Qt's name
        return not self.working and self.ready()

    def ready(self) -> bool:
        return True
