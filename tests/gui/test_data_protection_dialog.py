"""The data-protection report's Save CSV… when the file cannot be written."""

from __future__ import annotations

from cspdesk.gui.dialogs.data_protection import DataProtectionDialog
from tests.gui.fake_prompts import FakePrompts


def test_a_report_that_cannot_be_written_is_refused_with_a_message(services, qtbot, tmp_path):
    """Catches Save CSV… letting the error of a file it cannot write (its folder gone, the file open in
    another program) reach the officer as a crash; seen to fail before ``save_csv`` caught ``OSError``."""
    prompts = FakePrompts()
    dlg = DataProtectionDialog(services, prompts)
    qtbot.addWidget(dlg)
    dlg.show_report()
    assert dlg.save_btn.isEnabled()
    target = tmp_path / "no such folder" / "report.csv"
    prompts.answer("ask_save_file", target)
    dlg.save_csv()
    assert prompts.asked[-1][:2] == ("error", "Report not saved")
    assert str(target) in prompts.asked[-1][2] and not target.exists()
    prompts.answer("ask_save_file", tmp_path / "report.csv")
    dlg.save_csv()  # a folder that exists: saved, and the officer told so
    assert prompts.asked[-1][:2] == ("info", "Report saved")
    assert (tmp_path / "report.csv").read_bytes().decode("utf-8") == dlg.csv
