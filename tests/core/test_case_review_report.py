"""The statutory Community Trigger figures from a crafted year of applications: the CLI's CSV (exact text),
the printable PDF (its sentences), and a bad year refused with a non-zero exit."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy.orm import Session

from cspdesk.cli import main
from cspdesk.core.storage.models import CaseReviewApplication


def _app(ref, received, met=None, proceed=False, meeting=None, recs=None, status="received"):
    return CaseReviewApplication(
        reference=ref,
        status=status,
        received_on=received,
        channel="email",
        applicant_name="A Resident",
        applicant_kind="person",
        problem="Nuisance",
        threshold_met=met,
        proceed_despite_not_met=proceed,
        review_meeting_on=meeting,
        recommendations_made=recs,
    )


@pytest.fixture
def crafted_db(database) -> str:
    """2022/23 (1 April 2022 - 31 March 2023): five applications received, two not met (one of them
    reviewed anyway on harm), three reviews held in the year, two with recommendations; plus records
    either side of the year that must not count."""
    with Session(database.engine) as s:
        s.add_all(
            [
                _app(
                    "CR-2022-001",
                    date(2022, 4, 1),
                    True,
                    meeting=date(2022, 4, 28),
                    recs=True,
                    status="closed",
                ),
                _app("CR-2022-002", date(2022, 7, 14), False, status="closed"),
                _app(
                    "CR-2022-003",
                    date(2022, 11, 2),
                    False,
                    proceed=True,
                    meeting=date(2022, 12, 1),
                    recs=False,
                    status="closed",
                ),
                _app(
                    "CR-2023-001",
                    date(2023, 3, 31),
                    True,
                    meeting=date(2023, 4, 20),
                    recs=True,
                    status="action_plan_monitoring",
                ),  # received in the year, reviewed in the next
                _app("CR-2023-002", date(2023, 3, 20)),  # undecided at the year end
                _app(
                    "CR-2022-000",
                    date(2022, 3, 10),
                    True,
                    meeting=date(2022, 4, 5),
                    recs=True,
                    status="closed",
                ),  # received the year before, reviewed in this one
                _app("CR-2023-003", date(2023, 4, 1), False, status="closed"),  # the next year
            ]
        )
        s.commit()
    database.engine.dispose()
    return database.url  # what --db takes: a file's URL, or the server's


def test_csv_to_stdout_is_exactly_measure_count(crafted_db, capsys):
    assert (
        main(
            ["report", "case-review-figures", "--db", str(crafted_db), "--year", "2022/23", "--format", "csv"]
        )
        == 0
    )
    assert capsys.readouterr().out == (
        "measure,count\n"
        "applications,5\n"
        "threshold_not_met,1\n"
        "reviews_conducted,3\n"
        "reviews_with_recommendations,2\n"
    )


def test_csv_to_a_file_and_another_year(crafted_db, tmp_path):
    out = tmp_path / "figures.csv"
    assert (
        main(
            [
                "report",
                "case-review-figures",
                "--db",
                str(crafted_db),
                "--year",
                "2023/24",
                "--format",
                "csv",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert out.read_text() == (
        "measure,count\napplications,1\nthreshold_not_met,1\nreviews_conducted,1\n"
        "reviews_with_recommendations,1\n"
    )


def test_pdf_has_the_plans_sentences(crafted_db, tmp_path):
    from pypdf import PdfReader

    out = tmp_path / "figures.pdf"
    assert (
        main(
            [
                "report",
                "case-review-figures",
                "--db",
                str(crafted_db),
                "--year",
                "2022/23",
                "--format",
                "pdf",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    reader = PdfReader(out)
    assert len(reader.pages) == 1
    text = re.sub(r"\s+", " ", reader.pages[0].extract_text())
    for sentence in (
        "South Derbyshire District Council",
        "Community Trigger",
        "Legislation requires that each Community Safety Partnership publishes "
        "information with regard to the use of the Community Trigger",
        "The number of applications for ASB Case Reviews: 5",
        "Five Community Trigger applications were received in South Derbyshire in 2022/23.",
        "One application for an ASB Case Review received in "
        "South Derbyshire in 2022/23 did not meet the threshold.",
        "Three ASB Case Reviews were conducted in 2022/23.",
        "Two ASB Case Reviews took place in 2022/23 which resulted in recommendations being made.",
    ):
        assert sentence in text


def test_bad_year_is_refused_with_a_message(crafted_db, capsys):
    assert main(["report", "case-review-figures", "--db", str(crafted_db), "--year", "2022/24"]) != 0
    err = capsys.readouterr().err
    assert "year" in err and "2022/23" in err
