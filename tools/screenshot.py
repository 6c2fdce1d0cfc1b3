"""Screenshot a page of the real window (run under Xvfb or offscreen) for docs/ and for review.

Usage: .venv/bin/python tools/screenshot.py --db FILE --page cases --out docs/screenshots/cases.png
       [--user NAME] [--select-row N] [--open-row N] [--size 1400x860]
       [--page-tab TITLE] [--select-lsoa N]
       [--palette high-contrast] [--font-scale 1.5]   (a dark high-contrast palette, a larger font)
       [--open-case REFERENCE|busiest] [--case-tab Overview|People|...]   (shoots the case window instead)
"""

from __future__ import annotations

import argparse
import os
import sys


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--db", required=True)
    p.add_argument("--page", default="dashboard")
    p.add_argument("--out", required=True)
    p.add_argument("--user", default="sarah.bancroft")
    p.add_argument("--select-row", type=int, default=None)
    p.add_argument("--size", default="1400x860")
    p.add_argument("--search", default=None)
    p.add_argument(
        "--open-case", default=None, help="a case reference, or 'busiest' (open case, most incidents)"
    )
    p.add_argument("--case-tab", default="Overview")
    p.add_argument("--open-row", type=int, default=None, help="open the list's row N (pages with open_row)")
    p.add_argument("--page-tab", default=None, help="the page's tab with this title (pages with tabs)")
    p.add_argument(
        "--select-lsoa", type=int, default=None, help="Crime Figures → Local breakdown: select row N"
    )
    p.add_argument("--palette", choices=["system", "high-contrast"], default="system")
    p.add_argument("--font-scale", type=float, default=1.0, help="the application font times this")
    args = p.parse_args()
    os.environ["CSPDESK_USER"] = args.user
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from cspdesk.bootstrap import build_window
    from cspdesk.gui.app import create_application
    from cspdesk.gui.prompts import Prompts

    app = QApplication.instance() or create_application(sys.argv)
    if args.palette == "high-contrast":
        app.setPalette(_high_contrast())
    if args.font_scale != 1.0:
        font = app.font()
        font.setPointSizeF(font.pointSizeF() * args.font_scale)
        app.setFont(font)
    window = build_window(args.db, Prompts(), args.user)
    w, h = (int(x) for x in args.size.split("x"))
    window.resize(w, h)
    window.show()
    window.show_page(args.page)
    page = window.pages[args.page]
    settle(app, window)  # the page's lists are read on workers: rows to select or open are there now
    if args.search is not None and hasattr(page, "search"):
        page.search.setText(args.search)
        page.apply_filters()
        settle(app, window)
    if args.select_row is not None and hasattr(page, "table"):
        page.table.selectRow(args.select_row)
    if args.page_tab is not None and hasattr(page, "tabs"):
        titles = [page.tabs.tabText(i) for i in range(page.tabs.count())]
        page.tabs.setCurrentIndex(titles.index(args.page_tab))
    if args.select_lsoa is not None and hasattr(page, "local"):
        page.local.lsoas.selectRow(args.select_lsoa)
    if args.open_row is not None and hasattr(page, "open_row"):
        before = page.stack.currentWidget() if hasattr(page, "stack") else None
        page.open_row(args.open_row)
        settle(app, window)
        if before is not None and page.stack.currentWidget() is before:
            print(f"Row {args.open_row} of {args.page} could not be opened.", file=sys.stderr)
            window.tasks.wait()
            return 1

    target = window
    if args.open_case:
        from sqlalchemy import text

        with window.services.database.engine.connect() as conn:
            if args.open_case == "busiest":
                row = conn.execute(
                    text(
                        "select c.id from asb_case c join incident i on i.case_id = "
                        "c.id where c.status = 'open' and c.risk_level is not null "
                        "group by c.id order by count(*) desc, c.reference limit 1"
                    )
                ).first()
            else:
                row = conn.execute(
                    text("select id from asb_case where reference = :r"), {"r": args.open_case}
                ).first()
        import uuid

        view = window.open_case(uuid.UUID(row[0]) if isinstance(row[0], str) else row[0])
        view.resize(w, h)
        view.show_tab(args.case_tab)
        target = view

    def shoot():
        settle(app, window)  # pages that count in the background (Reports) have filled in
        target.grab().save(args.out)
        app.quit()

    QTimer.singleShot(800, shoot)
    app.exec()
    # Nothing still running when the window goes: a worker finishing after it had been deleted printed
    # "Signal source has been deleted" (Safer Homes with --open-row, whose referral loads on a worker).
    settle(app, window)
    window.close()
    window.tasks.wait()
    print(args.out)
    return 0


def settle(app, window, rounds: int = 200) -> None:
    """Wait until no worker is running and no page is loading or filling a list in steps, running the event
    loop in between (a finished read starts the next step, or another read)."""
    from cspdesk.gui.loading import PageLoader

    for _ in range(rounds):
        window.tasks.wait()
        app.processEvents()
        loading = [loader for loader in window.findChildren(PageLoader) if loader.loading]
        if not loading and window.tasks.pool.activeThreadCount() == 0:
            return


def _high_contrast():
    """Black and white with a cyan highlight, like Windows' "High contrast black" theme."""
    from PySide6.QtGui import QColor, QPalette

    p = QPalette()
    roles = QPalette.ColorRole
    for role, c in (
        (roles.Window, "#000000"),
        (roles.Base, "#000000"),
        (roles.AlternateBase, "#1a1a1a"),
        (roles.Button, "#000000"),
        (roles.WindowText, "#ffffff"),
        (roles.Text, "#ffffff"),
        (roles.ButtonText, "#ffffff"),
        (roles.ToolTipBase, "#000000"),
        (roles.ToolTipText, "#ffffff"),
        (roles.PlaceholderText, "#c0c0c0"),
        (roles.Highlight, "#1aebff"),
        (roles.HighlightedText, "#000000"),
        (roles.Link, "#ffff00"),
    ):
        p.setColor(role, QColor(c))
    p.setColor(QPalette.ColorGroup.Disabled, roles.Text, QColor("#3ff23f"))
    p.setColor(QPalette.ColorGroup.Disabled, roles.ButtonText, QColor("#3ff23f"))
    p.setColor(QPalette.ColorGroup.Disabled, roles.WindowText, QColor("#3ff23f"))
    return p


if __name__ == "__main__":
    sys.exit(main())
