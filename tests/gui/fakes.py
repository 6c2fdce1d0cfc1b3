"""A Prompts stand-in that answers modal questions from a script and records what was asked."""

from __future__ import annotations

from pathlib import Path


class FakePrompts:
    def __init__(
        self,
        confirm: bool = True,
        text: str | None = None,
        files: list[Path] | None = None,
        save_to: Path | None = None,
        folder: Path | None = None,
        print_to: Path | None = None,
    ):
        self.parent = None
        self.answer_confirm = confirm
        self.answer_text = text
        self.files = files or []
        self.save_to = save_to
        self.folder = folder
        self.print_to = print_to  # "print" to this PDF file instead of a printer; None = cancel the dialog
        self.asked: list[tuple[str, str, str]] = []

    def confirm(self, title, text):
        self.asked.append(("confirm", title, text))
        return self.answer_confirm

    def info(self, title, text):
        self.asked.append(("info", title, text))

    def error(self, title, text):
        self.asked.append(("error", title, text))

    def crash(self, summary, logfile):
        self.asked.append(("crash", summary, str(logfile)))

    def ask_text(self, title, label, text=""):
        self.asked.append(("ask_text", title, label))
        return self.answer_text

    def ask_secret(self, title, label):
        """Passphrases from ``self.secrets`` in turn (None, as Cancel, when they run out)."""
        self.asked.append(("ask_secret", title, label))
        secrets = getattr(self, "secrets", [])
        return secrets.pop(0) if secrets else None

    def ask_open_file(self, title, filter_=""):
        self.asked.append(("ask_open_file", title, filter_))
        return self.files[0] if self.files else None

    def ask_open_files(self, title, filter_=""):
        self.asked.append(("ask_open_files", title, filter_))
        return list(self.files)

    def ask_save_file(self, title, suggested, filter_=""):
        self.asked.append(("ask_save_file", title, suggested))
        return self.save_to

    def ask_folder(self, title):
        self.asked.append(("ask_folder", title, ""))
        return self.folder

    def ask_print(self, printer):
        self.asked.append(("ask_print", "", ""))
        if self.print_to is None:
            return False
        from PySide6.QtPrintSupport import QPrinter

        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(self.print_to))
        return True

    def kinds(self) -> list[str]:
        return [a[0] for a in self.asked]
