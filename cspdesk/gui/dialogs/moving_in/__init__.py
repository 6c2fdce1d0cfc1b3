"""Import → Existing records… (the moving-in wizard) and Import → Past imports (undo a batch): issue 21."""

from cspdesk.gui.dialogs.moving_in.past_imports import PastImportsDialog
from cspdesk.gui.dialogs.moving_in.wizard import MovingInWizard

__all__ = ["MovingInWizard", "PastImportsDialog"]
