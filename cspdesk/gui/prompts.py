"""Every modal question goes through this one object, so tests can answer them without a human."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QMessageBox, QWidget


class Prompts:
    def __init__(self, parent: QWidget | None = None):
        self.parent = parent

    def confirm(self, title: str, text: str) -> bool:
        return QMessageBox.question(self.parent, title, text) == QMessageBox.StandardButton.Yes

    def info(self, title: str, text: str) -> None:
        QMessageBox.information(self.parent, title, text)

    def error(self, title: str, text: str) -> None:
        QMessageBox.warning(self.parent, title, text)

    def crash(self, summary: str, logfile: Path) -> None:
        QMessageBox.critical(
            self.parent,
            "CSPDesk hit a problem",
            f"Something went wrong that CSPDesk did not expect:\n\n{summary}\n\n"
            f"Your saved work is safe. Details are in {logfile} — please send that file to support.",
        )

    def ask_text(self, title: str, label: str, text: str = "") -> str | None:
        value, ok = QInputDialog.getText(self.parent, title, label, text=text)
        return value if ok else None

    def ask_secret(self, title: str, label: str) -> str | None:
        """A passphrase, typed hidden; None if cancelled."""
        value, ok = QInputDialog.getText(self.parent, title, label, QLineEdit.EchoMode.Password)
        return value if ok else None

    def ask_choice(self, title: str, label: str, choices: list[tuple[object, str]]):
        """One of ``choices`` (value, label) by its label; None if cancelled."""
        labels = [lab for _, lab in choices]
        value, ok = QInputDialog.getItem(self.parent, title, label, labels, 0, False)
        return dict(zip(labels, (v for v, _ in choices), strict=True)).get(value) if ok else None

    def save_discard_cancel(self, title: str, text: str) -> str:
        """'save', 'discard' or 'cancel': for closing a window with unsaved changes."""
        b = QMessageBox.StandardButton
        answer = QMessageBox.question(self.parent, title, text, b.Save | b.Discard | b.Cancel, b.Save)
        return {b.Save: "save", b.Discard: "discard"}.get(answer, "cancel")

    def ask_open_file(self, title: str, filter_: str = "") -> Path | None:
        name, _ = QFileDialog.getOpenFileName(self.parent, title, "", filter_)
        return Path(name) if name else None

    def ask_open_files(self, title: str, filter_: str = "") -> list[Path]:
        names, _ = QFileDialog.getOpenFileNames(self.parent, title, "", filter_)
        return [Path(n) for n in names]

    def ask_save_file(self, title: str, suggested: str, filter_: str = "") -> Path | None:
        name, _ = QFileDialog.getSaveFileName(self.parent, title, suggested, filter_)
        return Path(name) if name else None

    def ask_folder(self, title: str) -> Path | None:
        name = QFileDialog.getExistingDirectory(self.parent, title)
        return Path(name) if name else None

    def ask_print(self, printer) -> bool:
        """The system print dialog for ``printer`` (a QPrinter); True if the user chose Print."""
        from PySide6.QtPrintSupport import QPrintDialog

        return QPrintDialog(printer, self.parent).exec() == QPrintDialog.DialogCode.Accepted
