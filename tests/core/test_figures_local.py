"""The local breakdown: police.uk rows by LSOA and location, and the points, for one district."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from cspdesk.core.errors import ValidationError
from cspdesk.core.figures.months import Period

DERBYSHIRE_FILE = Path("/work/shared/data/police-uk/2018-12-derbyshire-street.csv")
YEAR_2018 = Period.of_year("2018-01", "2018-12")
ASB = "Anti-social behaviour"


def _independent(district: str, crime_type: str):
    """Counts straight from the file with the csv module: by LSOA, by (location, LSOA), and the points."""
    by_lsoa, by_location, points = Counter(), Counter(), []
    with DERBYSHIRE_FILE.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            name = row["LSOA name"]
            if not name or name.rsplit(" ", 1)[0] != district or row["Crime type"] != crime_type:
                continue
            by_lsoa[name] += 1
            by_location[(row["Location"], name)] += 1
            if row["Longitude"] and row["Latitude"]:
                points.append((float(row["Longitude"]), float(row["Latitude"]), name))
    return by_lsoa, by_location, points


def _import(services, *paths):
    preview = services.figures.preview_import(list(paths))
    services.figures.commit_import(services.actor, preview, import_good_rows=True)


def test_lsoa_and_location_counts_equal_an_independent_count_of_south_derbyshire_asb(services):
    _import(services, DERBYSHIRE_FILE)
    by_lsoa, by_location, points = _independent("South Derbyshire", ASB)
    assert sum(by_lsoa.values()) > 50  # the file really has South Derbyshire ASB to count

    local = services.figures.local_breakdown("South Derbyshire", ASB, YEAR_2018)

    assert {r.lsoa_name: r.count for r in local.lsoas} == dict(by_lsoa)
    assert all(r.lsoa_code.startswith("E01") for r in local.lsoas)
    assert [r.count for r in local.lsoas] == sorted(by_lsoa.values(), reverse=True)
    assert local.total == sum(by_lsoa.values())
    assert {(r.location, r.lsoa_name): r.count for r in local.locations} == dict(by_location)
    assert sorted((p.longitude, p.latitude, p.lsoa_name) for p in local.points) == sorted(points)
    assert local.months_held == ("2018-12",)
    # No 2017 rows are held: the change is n/a, never a division by zero, and the note says why.
    assert not local.comparable and {r.change_text for r in local.lsoas} == {"n/a"}
    assert "held for 1 of the 12 months (2018-12)" in local.note and "Change is n/a" in local.note


def test_crime_types_put_asb_first_and_months_span_the_rows(services):
    assert services.figures.police_row_months() is None
    _import(services, DERBYSHIRE_FILE)
    types = services.figures.police_crime_types("South Derbyshire")
    assert types[0] == ASB and "Burglary" in types
    assert services.figures.police_row_months() == ("2018-12", "2018-12")
    assert services.figures.local_breakdown("Nowhere", ASB, YEAR_2018).lsoas == ()


def test_change_on_the_previous_year_when_the_same_months_are_held(services, tmp_path):
    header = (
        "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,"
        "Crime type,Last outcome category,Context\n"
    )

    def row(month, lsoa, location="On or near Parking Area"):
        return (
            f",{month},Derbyshire Constabulary,Derbyshire Constabulary,-1.55,52.77,{location},"
            f"E01000001,South Derbyshire {lsoa},{ASB},,\n"
        )

    old = tmp_path / "2021-12-derbyshire-street.csv"
    old.write_text(header + row("2021-12", "001A") * 4 + row("2021-12", "002B") * 2 + row("2021-12", "003C"))
    new = tmp_path / "2022-12-derbyshire-street.csv"
    new.write_text(header + row("2022-12", "001A") * 5 + row("2022-12", "002B") * 2 + row("2022-12", "004D"))
    _import(services, old, new)

    local = services.figures.local_breakdown("South Derbyshire", ASB, Period.of_year("2022-01", "2022-12"))

    assert local.comparable
    shown = {r.lsoa_name[-4:]: (r.count, r.previous, r.change_text) for r in local.lsoas}
    assert shown == {
        "001A": (5, 4, "+25.0%"),
        "002B": (2, 2, "0.0%"),
        "003C": (0, 1, "-100.0%"),
        "004D": (1, 0, "n/a"),
    }
    assert "Change is n/a" not in local.note

    out = services.figures.export_lsoa_csv(local, tmp_path / "lsoas.csv")
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "lsoa_name,lsoa_code,count,previous,change"
    assert lines[1] == "South Derbyshire 001A,E01000001,5,4,25.0"
    assert "South Derbyshire 004D,E01000001,1,0," in lines
    with pytest.raises(ValidationError):
        services.figures.export_lsoa_csv(local, tmp_path / "lsoas.txt")
