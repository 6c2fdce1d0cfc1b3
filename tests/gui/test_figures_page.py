"""The Crime Figures page: import through the page (fake file dialog), see the
preview, the table and charts."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette

from cspdesk.core.figures.plan import PLAN_POPULATION, published_rows
from cspdesk.gui import theme
from cspdesk.gui.bus import Bus
from cspdesk.gui.pages.figures import FiguresPage
from cspdesk.gui.tasks import TaskRunner
from tests.core.test_figures_cli import _plan_inputs
from tests.gui.fakes import FakePrompts
from tests.gui.loaded import wait_loaded


def _page(qtbot, services):
    prompts = FakePrompts()
    page = FiguresPage(services, Bus(), prompts, TaskRunner())
    qtbot.addWidget(page)
    page.resize(1300, 850)
    wait_loaded(qtbot, page)  # the figures come from a worker
    return page, prompts


def _cells(table, row):
    return [table.item(row, c).text() for c in range(table.columnCount())]


def test_importing_through_the_page_shows_the_plans_table(qtbot, services, tmp_path):
    page, prompts = _page(qtbot, services)
    assert "No crime figures yet" in page.problem.text()
    figures, population = _plan_inputs(tmp_path, ["ASB incidents"])
    bad = tmp_path / "typo.csv"
    bad.write_text("month,area,category,count\n2022-13,Erewash,ASB incidents,7\n")
    prompts.files = [figures, population, bad]
    panel = page.import_panel
    qtbot.mouseClick(panel.choose, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.preview is not None, timeout=20000)
    assert panel.rejections.rowCount() == 1
    assert _cells(panel.rejections, 0) == [
        str(bad),
        "2",
        "month",
        "'2022-13' is not a month in the form YYYY-MM (e.g. 2022-01)",
    ]
    good_rows = 8 * 24 + len(PLAN_POPULATION)
    assert panel.import_button.text() == f"Import the {good_rows:,} good rows"
    assert not panel.population_label.isHidden()  # a population file is in the import: its base is asked for
    panel.population_label.setText("total population (2020 estimate)")
    qtbot.mouseClick(panel.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.table.rowCount() == 9, timeout=20000)

    assert page.period_label.text() == "Jan 2022 to Dec 2022"
    shown = [_cells(page.table, r) for r in range(page.table.rowCount())]
    expected = published_rows("ASB incidents")
    assert [row[0] for row in shown] == [area for area, *_ in expected]
    assert shown[0] == ["Chesterfield", "2,825", "27.3", "-12.4%"]
    home = next(r for r, row in enumerate(shown) if row[0] == "South Derbyshire")
    assert page.table.item(home, 0).background().color() == theme.qcolour("home_bg")
    assert page.table.item(home, 0).font().bold()
    assert page.sentence.text() == "South Derbyshire has the second lowest rate per 1,000 in the county."
    assert "Rate per 1,000 total population (2020 estimate)" in page.footnotes.text()
    assert "% change compared to previous 12 months" in page.footnotes.text()
    assert page.rates_chart.categories[-1] == "Chesterfield"  # highest rate drawn at the top
    assert page.monthly_chart.values and sum(page.monthly_chart.values) == 1491
    assert "Imported." in panel.summary.toPlainText()


def test_population_table_is_edited_and_saved(qtbot, services, tmp_path):
    page, prompts = _page(qtbot, services)
    services.figures.save_populations(services.actor, {"Erewash": 113100}, "total population")
    page.refresh()
    wait_loaded(qtbot, page)
    assert _cells(page.population, 0) == ["Erewash", "113,100"]
    page.population.item(0, 1).setText("115,332")
    page.population_base.setText("total population, mid-2020 estimate")
    qtbot.mouseClick(page.findChild(type(page.print_button), "savePopulation"), Qt.MouseButton.LeftButton)
    rows = services.figures.populations()
    assert [(r.area, r.population, r.label) for r in rows] == [
        ("Erewash", 115332, "total population, mid-2020 estimate")
    ]
    page.population.item(0, 1).setText("lots")
    page.save_population()
    assert prompts.asked[-1][0] == "error" and "whole number" in prompts.asked[-1][2]


def test_export_and_print_from_the_page(qtbot, demo_services, tmp_path):
    page, prompts = _page(qtbot, demo_services)
    page.year_ending.setCurrentIndex(page.year_ending.findData("2022-12"))
    prompts.save_to = tmp_path / "asb.csv"
    page.export("csv")
    assert (tmp_path / "asb.csv").read_text().splitlines()[1] == "Chesterfield,2825,27.3,-12.4"
    assert page.checked_print_categories()[:6] == [
        "ASB incidents",
        "Domestic abuse",
        "Residential burglary",
        "Vehicle crime",
        "Serious violence",
        "Hate crime",
    ]
    prompts.save_to = tmp_path / "section.pdf"
    page.print_section()
    qtbot.waitUntil(lambda: prompts.asked[-1][:2] == ("info", "Crime Figures section saved"), timeout=30000)
    assert (tmp_path / "section.pdf").stat().st_size > 10000


def test_local_breakdown_shows_lsoas_locations_and_points_of_the_imported_derbyshire_file(
    qtbot, services, tmp_path
):
    from tests.core.test_figures_local import DERBYSHIRE_FILE, _independent

    preview = services.figures.preview_import([DERBYSHIRE_FILE])
    services.figures.commit_import(services.actor, preview, import_good_rows=True)
    page, prompts = _page(qtbot, services)
    page.tabs.setCurrentWidget(page.local)
    local = page.local
    assert page.controls.isHidden()  # the figures' own controls are not the breakdown's
    assert local.district.currentText() == "South Derbyshire"
    assert local.crime_type.currentText() == "Anti-social behaviour"
    assert local.year_ending.currentText() == "Dec 2018"
    by_lsoa, by_location, points = _independent("South Derbyshire", "Anti-social behaviour")

    shown = {
        local.lsoas.item(r, 0).text(): int(local.lsoas.item(r, 2).text().replace(",", ""))
        for r in range(local.lsoas.rowCount())
    }
    assert shown == dict(by_lsoa)
    counts = [int(local.lsoas.item(r, 2).text()) for r in range(local.lsoas.rowCount())]
    assert counts == sorted(counts, reverse=True)
    local.lsoas.sortItems(2, Qt.SortOrder.AscendingOrder)  # sorted as numbers, not as text
    assert [int(local.lsoas.item(r, 2).text()) for r in range(local.lsoas.rowCount())] == sorted(counts)
    assert local.lsoas.item(0, 4).text() == "n/a" and local.lsoas.isColumnHidden(3)
    assert local.locations.rowCount() == len(by_location)
    assert local.scatter.rows_plotted == len(points)
    assert "held for 1 of the 12 months" in local.note.text()

    busiest = max(by_lsoa, key=lambda name: (by_lsoa[name], name))
    row = local.lsoas.findItems(busiest, Qt.MatchFlag.MatchExactly)[0].row()
    local.lsoas.selectRow(row)
    assert local.scatter.highlighted_rows == sum(1 for *_xy, name in points if name == busiest)

    prompts.save_to = tmp_path / "lsoas"
    qtbot.mouseClick(local.findChild(type(page.print_button), "exportLsoaCsv"), Qt.MouseButton.LeftButton)
    lines = (tmp_path / "lsoas.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "lsoa_name,lsoa_code,count,previous,change" and len(lines) == len(by_lsoa) + 1


def test_local_breakdown_in_the_demo_has_rows_and_a_change_on_last_year(qtbot, demo_services):
    page, _prompts = _page(qtbot, demo_services)
    page.tabs.setCurrentWidget(page.local)  # read when its tab is shown
    local = page.local
    assert local.lsoas.rowCount() > 10 and local.scatter.rows_plotted > 100
    assert not local.lsoas.isColumnHidden(3)
    assert any(local.lsoas.item(r, 4).text().endswith("%") for r in range(local.lsoas.rowCount()))


def test_the_charts_take_their_colours_from_the_theme_on_a_dark_palette(qtbot, demo_services):
    """On a dark (high-contrast) palette the charts are light on dark: background, titles, axis labels, lines
    and grid, and the bars, all in the theme's dark-palette colours. (Caught: QtCharts' own light theme,
    a white chart with grey labels and navy bars, 1.6:1 on black, whatever the palette.)"""
    from PySide6.QtWidgets import QApplication

    from tests.gui.test_focus_fonts_contrast import _high_contrast

    before = QApplication.palette()
    dark = _high_contrast()
    QApplication.setPalette(dark)
    try:
        page, _prompts = _page(qtbot, demo_services)
        qtbot.waitUntil(lambda: bool(page.rates_chart.categories) and bool(page.monthly_chart.values))
        for view in (page.rates_chart, page.monthly_chart):
            chart = view.chart()
            assert chart.backgroundBrush().color() == theme.qcolour("chart_bg", dark) == QColor("#000000")
            assert chart.titleBrush().color() == theme.qcolour("chart_text", dark)
            assert chart.legend().labelColor() == theme.qcolour("chart_text", dark)
            assert chart.axes()
            for axis in chart.axes():
                assert axis.labelsColor() == theme.qcolour("chart_text", dark), view.objectName()
                assert axis.linePenColor() == theme.qcolour("chart_axis", dark)
                assert axis.gridLineColor() == theme.qcolour("chart_grid", dark)
            bar_colours = {s.color().name() for series in chart.series() for s in series.barSets()}
            assert theme.colour("chart_bars", dark) in bar_colours
        light = QPalette(QColor("#efefef"))
        assert theme.colour("chart_bars", dark) != theme.colour("chart_bars", light)  # not one for both
    finally:
        QApplication.setPalette(before)
