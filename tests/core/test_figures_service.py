"""The figures service: preview then commit, roles and audit, the demo figures,
export and the printed section."""

from __future__ import annotations

from decimal import Decimal

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from cspdesk.core.domain.vocab import Role
from cspdesk.core.errors import PermissionDenied, ValidationError
from cspdesk.core.figures.months import Period
from cspdesk.core.figures.plan import PLAN, PLAN_CATEGORIES, published_rows
from cspdesk.core.services.context import Actor
from cspdesk.core.storage.models import AuditEntry, CrimeFigure

PLAN_YEAR = Period("2022-01", "2022-12")


def _partner(services) -> Actor:
    a = services.actor
    return Actor(a.user_id, "partner.one", "Partner One", Role.PARTNER)


def test_rejected_rows_import_only_when_the_user_chooses_and_each_file_is_audited(services, tmp_path):
    path = tmp_path / "jan.csv"
    path.write_text(
        "month,area,category,count\n2023-01,Erewash,ASB incidents,10\n2023-01,Erewash,Hate crime,x\n"
    )
    figures = services.figures
    preview = figures.preview_import([path])
    assert [str(r) for r in preview.rejections] == [f"{path}, row 3, column 'count': 'x' is not a number"]
    assert preview.rows_accepted == 1
    with pytest.raises(ValidationError, match="1 rows were rejected"):
        figures.commit_import(services.actor, preview)
    with pytest.raises(PermissionDenied):
        figures.commit_import(_partner(services), preview, import_good_rows=True)
    outcome = figures.commit_import(services.actor, preview, import_good_rows=True)
    assert outcome.changes.touches("crime_figure") and outcome.rows_imported == 1
    with services.database.engine.connect() as conn:
        assert conn.execute(select(CrimeFigure.count)).scalars().all() == [10]
        audits = conn.execute(
            select(AuditEntry.summary).where(AuditEntry.entity_type == "figure_import")
        ).all()
    assert len(audits) == 1 and "1 figures added" in audits[0].summary


def test_an_unreadable_file_does_not_stop_the_others(services, tmp_path):
    good = tmp_path / "good.csv"
    good.write_text("month,area,category,count\n2023-01,Erewash,ASB incidents,10\n")
    odd = tmp_path / "odd.csv"
    odd.write_text("name,age\nx,1\n")
    preview = services.figures.preview_import([odd, good])
    assert [f.kind for f in preview.files] == ["unrecognised", "analyst_long"]
    assert "odd.csv is not a figures file" in preview.rejections[0].message
    assert preview.anything_to_import


def test_population_edits_are_one_action_with_one_label(services):
    figures = services.figures
    with pytest.raises(ValidationError):
        figures.save_populations(services.actor, {"Erewash": 113100}, " ")
    figures.save_populations(
        services.actor, {"Erewash": 113100, "Bolsover": 80400}, "total population, mid-2020"
    )
    figures.save_populations(services.actor, {"Erewash": 115332}, "total population, mid-2021")
    assert [(p.area, p.population, p.label) for p in figures.populations()] == [
        ("Bolsover", 80400, "total population, mid-2021"),
        ("Erewash", 115332, "total population, mid-2021"),
    ]
    figures.remove_population(services.actor, "Bolsover")
    assert [p.area for p in figures.populations()] == ["Erewash"]
    with pytest.raises(PermissionDenied):
        figures.save_populations(_partner(services), {"Erewash": 1}, "x")


def test_demo_figures_reproduce_the_plans_six_tables(demo_services):
    figures = demo_services.figures
    assert figures.categories()[:6] == list(PLAN_CATEGORIES)
    for category in PLAN:
        table = figures.comparison_table(category, PLAN_YEAR)
        got = [(r.area, r.volume, r.rate, r.trend) for r in table.rows]
        assert got == [(a, v, Decimal(r), Decimal(t)) for a, v, r, t in published_rows(category)]
        assert (
            table.home.area == "South Derbyshire"
            and table.population_label == "total population (2020 estimate)"
        )
    # The demo runs on to the last full month before "today" (2026-11-26 in the tests).
    assert figures.month_range() == ("2021-01", "2026-10")
    assert figures.latest_year() == Period("2025-11", "2026-10")


def test_monthly_series_has_the_year_before_for_each_month(demo_services):
    series = demo_services.figures.monthly_series("South Derbyshire", "ASB incidents", PLAN_YEAR)
    assert sum(series.counts) == 1491 and sum(series.previous) == 1608
    total = demo_services.figures.monthly_series("Derbyshire County Council area", "ASB incidents", PLAN_YEAR)
    assert sum(total.counts) == 15556


def test_export_csv_and_xlsx(demo_services, tmp_path):
    figures = demo_services.figures
    table = figures.comparison_table("Vehicle crime", PLAN_YEAR)
    csv_path = figures.export_table(table, tmp_path / "vehicle.csv")
    assert csv_path.read_text().splitlines()[2] == "South Derbyshire,522,4.9,67.8"
    figures.export_table(table, tmp_path / "vehicle.xlsx")
    sheet = load_workbook(tmp_path / "vehicle.xlsx").active
    assert sheet["A1"].value == "Vehicle crime Jan 2022 to Dec 2022"
    assert [sheet["A3"].value, sheet["B3"].value, sheet["C3"].value, sheet["D3"].value] == [
        "South Derbyshire",
        522,
        4.9,
        pytest.approx(0.678),
    ]
    assert sheet["A3"].font.bold
    with pytest.raises(ValidationError):
        figures.export_table(table, tmp_path / "vehicle.pdf")


def test_printed_section_has_all_six_tables(demo_services, tmp_path):
    path = demo_services.figures.print_crime_figures(tmp_path / "crime-figures.pdf", PLAN_YEAR)
    text = "\n".join(page.extract_text() for page in PdfReader(path).pages)
    assert "Crime Figures" in text and "% change compared to previous 12 months" in text
    assert "Rate per 1,000 total population (2020 estimate)" in text
    for category in PLAN:
        for area, volume, rate, trend in published_rows(category):
            sign = "+" if not trend.startswith("-") and trend != "0.0" else ""
            cells = f"{area}\n{volume:,}\n{rate}\n{sign}{trend}%\n"  # pypdf gives a table cell per line
            assert cells in text, (category, cells)
    words = " ".join(text.split())
    assert "South Derbyshire has the second highest rate per 1,000 in the county." in words  # vehicle crime


def test_printed_section_with_a_chosen_category_list(demo_services, tmp_path):
    path = demo_services.figures.print_crime_figures(
        tmp_path / "two.pdf", PLAN_YEAR, ["Hate crime", "Vehicle crime"]
    )
    text = "\n".join(page.extract_text() for page in PdfReader(path).pages)
    assert "Hate crime Jan 2022 to Dec 2022" in text and "ASB Incidents" not in text
