"""How the window looks to people who need it larger, plainer or more visible (issue 19, accessibility).

* ``FocusStyle``: the app's style (Fusion) with a focus ring you can see: a solid 2 px ring in the palette's
  highlight colour around the control that has the keyboard focus (Fusion's own is a faint dotted one).
* ``font_css(px)``: a font size for a style sheet that grows with the system font. The screens were drawn with
  a 13 px body font; a heading of 20 px stays 20/13 of whatever font the user chose.
* ``colour(name)``: the colour of a meaning (alert, accent, warning, muted, success, and the backgrounds of
  alert and warning bands, panels, home and total rows) that stays legible on the palette
  in use: the dark variants on a light window, light ones on a dark (high-contrast) one. Colour is never the
  only signal (the words say "overdue", "restricted"); it must still be readable.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFontInfo, QPainter, QPalette, QPen
from PySide6.QtWidgets import QApplication, QProxyStyle, QStyle, QStyleOption, QStyleOptionComplex, QWidget

DESIGN_BODY_PX = 13
FOCUS_WIDTH = 2

# name: (on a light window, on a dark window)
_COLOURS = {
    "alert": ("#b00020", "#ff8a80"),
    "accent": ("#1f3a5f", "#9ecbff"),
    "warning": ("#8a4b00", "#ffcc80"),
    "muted": ("#666666", "#c8c8c8"),
    "success": ("#166534", "#86efac"),
    # Backgrounds of a band of text that must stand out (the text on them is drawn in the matching colour
    # above: alert on alert_bg, warning on warning_bg, the palette's own on panel_bg).
    "alert_bg": ("#fdecea", "#4a1414"),
    "alert_border": ("#e0a39c", "#b85c5c"),
    "warning_bg": ("#fff4c2", "#3d3000"),
    "warning_border": ("#d9c27a", "#a08a3c"),
    "panel_bg": ("#f4f6f8", "#1e2328"),
    "panel_border": ("#d0d7de", "#6a7480"),
    # A row of a table marked as the user's own area, and one marked as a total.
    "home_bg": ("#fff2cc", "#4a3c00"),
    "total_bg": ("#e8edf3", "#26303c"),
    # The crime-figures charts (QtCharts keeps its own light theme unless told): the page behind them,
    # their titles, labels and legend, the axis lines and grid, and the bars and points.
    "chart_bg": ("#ffffff", "#000000"),
    "chart_text": ("#1a1a1a", "#ffffff"),
    "chart_axis": ("#666666", "#c8c8c8"),
    "chart_grid": ("#d0d7de", "#4a525c"),
    "chart_bars": ("#1f3a5f", "#9ecbff"),
    "chart_home": ("#d9822b", "#ffb870"),
    "chart_total": ("#7a8a9e", "#d0d8e2"),
    "chart_previous": ("#b8c4d3", "#5a6b80"),
}


def body_px() -> int:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return DESIGN_BODY_PX
    return QFontInfo(QApplication.font()).pixelSize() or DESIGN_BODY_PX


def font_px(px: int) -> int:
    """``px`` as drawn for the 13 px body font, scaled to the font in use (never below it for body text)."""
    return max(1, round(px * body_px() / DESIGN_BODY_PX))


def font_css(px: int) -> str:
    return f"font-size: {font_px(px)}px;"


def dark_palette(palette: QPalette | None = None) -> bool:
    palette = palette or QApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def colour(name: str, palette: QPalette | None = None) -> str:
    light, dark = _COLOURS[name]
    return dark if dark_palette(palette) else light


def qcolour(name: str, palette: QPalette | None = None) -> QColor:
    return QColor(colour(name, palette))


def css(name: str) -> str:
    """A style sheet giving a text the colour of a meaning: ``label.setStyleSheet(css("alert"))``."""
    return f"color: {colour(name)};"


def banner_css(kind: str) -> str:
    """Background, text and border of a band that must stand out: ``kind`` is "alert" or "warning"."""
    return (
        f"background: {colour(kind + '_bg')}; color: {colour(kind)}; "
        f"border: 1px solid {colour(kind + '_border')};"
    )


def _ring(option: QStyleOption, painter: QPainter) -> None:
    painter.save()
    painter.setPen(QPen(option.palette.color(QPalette.ColorRole.Highlight), FOCUS_WIDTH))  # type: ignore[attr-defined]
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRect(option.rect.adjusted(1, 1, -1, -1))  # type: ignore[attr-defined]
    painter.restore()


# Boxes you type into. Fusion draws their edge a shade darker than the window: on a black high-contrast
# window that is black on black, and a text box cannot be told from the background.
_BOXES = (QStyle.PrimitiveElement.PE_FrameLineEdit, QStyle.PrimitiveElement.PE_Frame)


def _edge(option: QStyleOption, painter: QPainter) -> None:
    painter.save()
    painter.setPen(QPen(QColor(colour("muted", option.palette)), 1))  # type: ignore[attr-defined]
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRect(option.rect.adjusted(0, 0, -1, -1))  # type: ignore[attr-defined]
    painter.restore()


def _has_focus(option: QStyleOption) -> bool:
    return bool(option.state & QStyle.StateFlag.State_HasFocus)  # type: ignore[attr-defined]


class FocusStyle(QProxyStyle):
    """Fusion, with a focus ring that shows (WCAG 2.4.7, focus visible): on the focus rectangle Fusion draws
    for check boxes, tabs and lists, and around buttons, text boxes, combo and spin boxes, which Fusion marks
    only with a faint tint."""

    def drawPrimitive(  # noqa: N802 - Qt's name
        self,
        element: QStyle.PrimitiveElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        if element == QStyle.PrimitiveElement.PE_FrameFocusRect:
            _ring(option, painter)
            return
        super().drawPrimitive(element, option, painter, widget)
        if element == QStyle.PrimitiveElement.PE_FrameLineEdit and _has_focus(option):
            _ring(option, painter)
        elif element in _BOXES and dark_palette(option.palette):  # type: ignore[attr-defined]
            _edge(option, painter)

    def drawControl(  # noqa: N802 - Qt's name
        self,
        element: QStyle.ControlElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        super().drawControl(element, option, painter, widget)
        if element == QStyle.ControlElement.CE_PushButton and _has_focus(option):
            _ring(option, painter)

    def drawComplexControl(  # noqa: N802 - Qt's name
        self,
        control: QStyle.ComplexControl,
        option: QStyleOptionComplex,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        super().drawComplexControl(control, option, painter, widget)
        focusable = (QStyle.ComplexControl.CC_ComboBox, QStyle.ComplexControl.CC_SpinBox)
        if control in focusable and _has_focus(option):
            _ring(option, painter)
        elif control == QStyle.ComplexControl.CC_SpinBox and dark_palette(option.palette):  # type: ignore[attr-defined]
            _edge(option, painter)


def focus_style() -> FocusStyle:
    return FocusStyle("Fusion")


def highlight(palette: QPalette | None = None) -> QColor:
    return (palette or QApplication.palette()).color(QPalette.ColorRole.Highlight)
