"""``cspdesk figures``: import (real police.uk files, analyst figures, bad input), population, table CSV."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from cspdesk.cli import main
from cspdesk.core.figures.plan import COUNTY, PLAN, PLAN_CATEGORIES, PLAN_POPULATION, PREVIOUS, published_rows
from cspdesk.core.importers.police_uk_files import district_of

POLICE_UK = Path("/work/shared/data/police-uk")
REAL_FILES = sorted(POLICE_UK.glob("*-street.csv"))
DERBYSHIRE = list(PLAN_POPULATION)


def new_database(path: Path) -> str:
    """A new, empty database, as the window makes one: ``figures`` refuses a file that does not exist."""
    from cspdesk.core.storage.database import open_database

    open_database(path).engine.dispose()
    return str(path)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def _plan_inputs(tmp_path: Path, categories=PLAN_CATEGORIES) -> tuple[Path, Path]:
    """The analyst's long-form file and population table that the plan's 2021-22 figures imply."""
    from cspdesk.core.figures.plan import spread_over_months

    figures = tmp_path / "analyst-2021-2022.csv"
    with figures.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Month", "Area", "Category", "Count"])
        for category in categories:
            for area, volume, _rate, _trend in published_rows(category):
                if area == COUNTY:
                    continue
                for year, total in ((2021, PREVIOUS[category][area]), (2022, volume)):
                    for number, count in enumerate(spread_over_months(total), start=1):
                        writer.writerow([f"{year}-{number:02d}", area, category, count])
    population = tmp_path / "population.csv"
    population.write_text("area,population\n" + "".join(f"{a},{p}\n" for a, p in PLAN_POPULATION.items()))
    return figures, population


def _independent_counts(paths) -> Counter:
    """Rows per (district, crime type) counted with the csv module, not pandas."""
    counts: Counter = Counter()
    for path in paths:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            for row in csv.DictReader(handle):
                name = row["LSOA name"].strip()
                district = district_of(name) if name else None
                if district in DERBYSHIRE:
                    counts[(district, row["Crime type"])] += 1
    return counts


def test_table_csv_reproduces_the_plans_asb_table_exactly(tmp_path, capsys):
    db = new_database(tmp_path / "figures.sqlite")
    figures, population = _plan_inputs(tmp_path)
    assert run(capsys, "figures", "import", "--db", db, str(figures))[0] == 0
    code, out, _ = run(
        capsys,
        "figures",
        "population",
        "--db",
        db,
        str(population),
        "--label",
        "total population (2020 estimate)",
    )
    assert code == 0 and "population set for 8 areas" in out
    code, out, err = run(
        capsys,
        "figures",
        "table",
        "--db",
        db,
        "--category",
        "ASB incidents",
        "--from",
        "2022-01",
        "--to",
        "2022-12",
        "--format",
        "csv",
    )
    assert (code, err) == (0, "")
    expected = ["area,volume,rate,trend"] + [
        f"{a},{v},{r},{t}" for a, v, r, t in published_rows("ASB incidents")
    ]
    assert out.splitlines() == expected
    assert out.splitlines()[6] == "Derbyshire County Council area,15556,19.6,-10.8"


def test_total_label_can_be_given_on_the_command_line(tmp_path, capsys):
    db = new_database(tmp_path / "figures.sqlite")
    figures, population = _plan_inputs(tmp_path, ["Hate crime"])
    run(capsys, "figures", "import", "--db", db, str(figures), str(population), "--label", "total population")
    code, out, _ = run(
        capsys,
        "figures",
        "table",
        "--db",
        db,
        "--category",
        "Hate crime",
        "--from",
        "2022-01",
        "--to",
        "2022-12",
        "--total-label",
        "Derbyshire",
        "--format",
        "csv",
    )
    assert code == 0 and "Derbyshire,1297,1.6,9.1" in out.splitlines()


def test_real_police_uk_files_are_counted_by_district_and_not_double_counted(tmp_path, capsys):
    db = new_database(tmp_path / "figures.sqlite")
    code, out, _ = run(capsys, "figures", "import", "--db", db, *map(str, REAL_FILES))
    assert code == 0
    assert "rows not counted (outside the configured districts)" in out
    assert "rows not counted (no LSOA, so no district)" in out
    expected = _independent_counts(REAL_FILES)

    from cspdesk.commands.common import open_services

    def stored() -> Counter:
        figures = open_services(db).figures
        counts: Counter = Counter()
        for crime_type in figures.categories("police_uk"):
            series = {
                a: figures.monthly_series(a, crime_type, _dec_2018(), source="police_uk") for a in DERBYSHIRE
            }
            for area, s in series.items():
                if sum(s.counts):
                    counts[(area, crime_type)] = sum(s.counts)
        return counts

    assert stored() == expected
    assert expected[("South Derbyshire", "Anti-social behaviour")] > 0
    code, out, _ = run(capsys, "figures", "import", "--db", db, *map(str, REAL_FILES))
    assert code == 0 and "already imported" in out and "Every file was already imported" in out
    assert stored() == expected  # the second import counted nothing


def _dec_2018():
    from cspdesk.core.figures.months import Period

    return Period("2018-01", "2018-12")


def test_bad_rows_are_listed_with_file_row_and_column_and_the_good_rows_imported(tmp_path, capsys):
    db = new_database(tmp_path / "figures.sqlite")
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "month,area,category,count\n2023-01,Erewash,ASB incidents,10\n2023-13,Erewash,ASB incidents,4\n"
        "2023-02,Erewash,ASB incidents,-3\n2023-03,Erewash,ASB incidents,many\n"
    )
    code, out, err = run(capsys, "figures", "import", "--db", db, "--dry-run", str(bad))
    assert code == 1 and "Dry run: nothing was imported." in out
    assert "bad.csv, row 3, column 'month': '2023-13' is not a month in the form YYYY-MM" in err
    assert "row 4, column 'count': '-3' is negative" in err
    assert "row 5, column 'count': 'many' is not a number" in err
    code, out, err = run(capsys, "figures", "import", "--db", db, "--strict", str(bad))
    assert code == 1 and "nothing was imported" in err
    code, out, _ = run(
        capsys,
        "figures",
        "table",
        "--db",
        db,
        "--category",
        "ASB incidents",
        "--from",
        "2022-02",
        "--to",
        "2023-01",
    )
    assert code == 2  # nothing stored yet: the category is unknown
    code, out, err = run(capsys, "figures", "import", "--db", db, str(bad))
    assert code == 1 and "1 figures added" in out and "3 rejected rows were left out" in err
    code, out, _ = run(capsys, "figures", "import", "--db", db, str(bad))
    assert "0 figures added, 0 replaced, 1 unchanged" in out  # importing again replaces, never adds


def test_a_file_in_no_known_format_and_a_missing_file_are_named(tmp_path, capsys):
    db = new_database(tmp_path / "figures.sqlite")
    odd = tmp_path / "minutes.csv"
    odd.write_text("date,attendees\n2023-01-05,12\n")
    code, out, err = run(capsys, "figures", "import", "--db", db, str(odd), str(tmp_path / "missing.csv"))
    assert code == 2
    assert "minutes.csv is not a figures file CSPDesk recognises" in err
    assert "missing.csv does not exist" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--from", "2022-01", "--to", "2022-11"], "is 11 months"),
        (["--from", "2022-1", "--to", "2022-12"], "'2022-1' is not a month in the form YYYY-MM"),
        (
            ["--category", "Burglary", "--from", "2022-01", "--to", "2022-12"],
            "no analyst figures for 'Burglary'",
        ),
    ],
)
def test_table_bad_arguments_exit_non_zero_with_a_message(tmp_path, capsys, argv, message):
    db = new_database(tmp_path / "figures.sqlite")
    figures, population = _plan_inputs(tmp_path, ["ASB incidents"])
    run(capsys, "figures", "import", "--db", db, str(figures), str(population), "--label", "total population")
    if "--category" not in argv:
        argv = ["--category", "ASB incidents", *argv]
    code, out, err = run(capsys, "figures", "table", "--db", db, *argv)
    assert code == 2 and out == "" and message in err


def test_area_without_population_and_population_without_label(tmp_path, capsys):
    db = new_database(tmp_path / "figures.sqlite")
    figures, population = _plan_inputs(tmp_path, ["ASB incidents"])
    run(capsys, "figures", "import", "--db", db, str(figures))
    code, _, err = run(capsys, "figures", "population", "--db", db, str(population))
    assert code == 2 and "label: Say what the population figures are" in err
    code, _, err = run(
        capsys,
        "figures",
        "table",
        "--db",
        db,
        "--category",
        "ASB incidents",
        "--from",
        "2022-01",
        "--to",
        "2022-12",
    )
    assert code == 2 and "No population is recorded for Amber Valley" in err
    code, _, err = run(capsys, "figures", "population", "--db", db, str(figures))
    assert code == 2 and "not a population table" in err


def test_plan_tables_come_out_of_the_cli_for_every_category(tmp_path, capsys):
    db = new_database(tmp_path / "figures.sqlite")
    figures, population = _plan_inputs(tmp_path)
    run(capsys, "figures", "import", "--db", db, str(figures), str(population), "--label", "total population")
    for category in PLAN:
        code, out, _ = run(
            capsys,
            "figures",
            "table",
            "--db",
            db,
            "--category",
            category,
            "--from",
            "2022-01",
            "--to",
            "2022-12",
        )
        assert out.splitlines()[1:] == [f"{a},{v},{r},{t}" for a, v, r, t in published_rows(category)]
