"""'Page N of M' on every page of a document (issue 19: the report pack and the Crime Figures section said
"Page N" alone). ReportLab knows the number of pages only at the end, so the canvas keeps each page's
drawing until it is saved, then writes the numbers (ReportLab's own recipe for this)."""

from __future__ import annotations

from reportlab.pdfgen.canvas import Canvas


def page_of_canvas(right_x: float, y: float, font: str, size: float, colour=None):
    """A ``canvasmaker`` for ``doc.build`` that writes "Page N of M" right-aligned at (right_x, y)."""

    class PageOfCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self) -> None:  # noqa: N802 - ReportLab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.saveState()
                if colour is not None:
                    self.setFillColor(colour)
                self.setFont(font, size)
                self.drawRightString(right_x, y, f"Page {self._pageNumber} of {total}")
                self.restoreState()
                super().showPage()
            super().save()

    return PageOfCanvas
