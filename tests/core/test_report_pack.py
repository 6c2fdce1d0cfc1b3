"""The partnership report pack: known numbers from the demo database (built to the plan's 2022/23 figures),
every count traceable to its records, restricted Safer Homes referrals counted but never named, the PDF's
text agreeing with the CSV, the officer's wording kept per period, the quarterly return and the CLI."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import astuple
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from cspdesk.cli import main
from cspdesk.core.domain import report_pack as rp
from cspdesk.core.domain.case_review_figures import parse_period
from cspdesk.core.domain.vocab import Role
from cspdesk.core.errors import PermissionDenied, ValidationError
from cspdesk.core.services.context import Actor
from cspdesk.core.storage.models import SaferHomesReferral


def _pdf_text(path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


def _csv_rows(text: str) -> dict[str, int]:
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["measure", "count"]
    return {k: int(v) for k, v in rows[1:]}


def test_the_demo_year_shows_the_plans_numbers(demo_services):
    pack = demo_services.report_pack.pack("2022/23")
    counts = dict(pack.rows())
    assert (counts[rp.CPW], counts[rp.CPN], counts[rp.FPN]) == (56, 11, 5)
    assert counts[rp.SAFER_HOMES] == 286
    assert (
        sum(
            counts[rp.safer_homes_category_measure(c)]
            for c in ("domestic_abuse", "burglary", "asb", "hate_crime", "older_vulnerable")
        )
        == 286
    )
    assert [counts[k] for k in rp.CASE_REVIEW_MEASURES.values()] == [1, 0, 1, 1]
    assert counts[rp.AREA_FORUMS] == 6
    assert pack.sentence(rp.CPW) == (
        "Issued 56x Community Protection Notice Warnings (CPNWs) to individuals committing ASB."
    )
    assert pack.sentence(rp.AREA_FORUMS).startswith("Held six local Area Forums")
    assert pack.sentence(rp.SAFER_HOMES).startswith("Secured 286 properties through")
    assert pack.measure("case_review_applications").sentence == (
        "One Community Trigger application was received in South Derbyshire in 2022/23."
    )
    assert not pack.empty


def test_every_count_lists_exactly_the_records_behind_it(demo_services):
    service = demo_services.report_pack
    pack = service.pack("2022/23")
    for m in pack.measures:
        trace = service.trace(pack.period, m.key)
        if m.section == "charts" and m.key.startswith("crime_"):
            assert trace == ()  # crime figures are imported totals, not records
            continue
        assert len(trace) == m.count, m.key
        assert len({t.record_id for t in trace}) == m.count, m.key
    cpws = service.trace(pack.period, rp.CPW)
    assert all(t.kind == "Community Protection Notice Warning" or "Warning" in t.kind for t in cpws)
    assert all(date(2022, 4, 1) <= t.on <= date(2023, 3, 31) for t in cpws)
    assert all(t.case_id is not None for t in cpws), "a notice is always on a case, which the trace can open"


def test_priorities_compare_with_the_year_before(demo_services):
    pack = demo_services.report_pack.pack("2023/24")
    assert pack.previous.label == "2022/23"
    before = demo_services.report_pack.pack("2022/23")
    for row in pack.priorities:
        for cell in row.cells:
            same = before.measure(rp.priority_measure(row.theme, cell.column)).count
            assert cell.previous.count == same
            assert cell.change == cell.current.count - same
    opened = sum(
        before.measure(rp.priority_measure(t.theme, "cases_opened")).count for t in before.priorities
    )
    by_month = sum(m.count for m in before.section("charts") if m.key.startswith("cases_opened_"))
    assert opened == by_month > 0


def _restricted_clients(demo_services) -> list[SaferHomesReferral]:
    with Session(demo_services.database.engine) as s:
        rows = s.scalars(
            select(SaferHomesReferral).where(
                or_(
                    SaferHomesReferral.restricted.is_(True),
                    SaferHomesReferral.victim_category == "domestic_abuse",
                ),
                SaferHomesReferral.secured_on >= date(2022, 4, 1),
                SaferHomesReferral.secured_on <= date(2023, 3, 31),
            )
        ).all()
        s.expunge_all()
    assert rows, "the demo year has domestic-abuse referrals secured"
    return rows


def test_restricted_referrals_are_counted_but_never_named(demo_services, tmp_path):
    restricted = _restricted_clients(demo_services)
    service = demo_services.report_pack
    pack = service.pack("2022/23")
    secured = service.trace(pack.period, rp.SAFER_HOMES)
    assert len(secured) == pack.measure(rp.SAFER_HOMES).count
    ids = {t.record_id for t in secured}
    assert {r.id for r in restricted} <= ids, "counted"
    secrets = set()
    for r in restricted:
        secrets |= {x for x in (r.client_name, r.address_line1, r.postcode, r.perpetrator_name) if x}
    assert secrets
    for m in pack.measures:
        for t in service.trace(pack.period, m.key):
            text = " ".join(str(x) for x in astuple(t))
            assert not any(s in text for s in secrets), (m.key, t)
    by_id = {t.record_id: t for t in secured}
    for r in restricted:
        t = by_id[r.id]
        assert (t.reference, t.kind) == (r.reference, "Domestic abuse")
        assert t.detail == "" and t.case_id is None, "no ward, no case link that would name the victim"
    out = demo_services.report_pack.write_pdf("2022/23", tmp_path / "pack.pdf")
    text = _pdf_text(out)
    assert not any(s in text for s in secrets)


def test_pdf_text_matches_the_csv(demo_services, tmp_path):
    service = demo_services.report_pack
    rows = _csv_rows(service.csv("2022/23"))
    assert rows[rp.CPW] == 56
    out = service.write_pdf("2022/23", tmp_path / "pack.pdf")
    text = _pdf_text(out)
    flat = re.sub(r"\s+", " ", text)
    pack = service.pack("2022/23")
    for m in pack.section("action_taken") + pack.section("community_trigger"):
        assert re.search(rf"{re.escape(m.label)} {m.count:,}\b", flat), (
            f"{m.label} {m.count} not in the PDF's figures table"
        )
    assert f"ASB cases opened in April 2022 {rows['cases_opened_2022_04']}" in flat
    assert "Issued 56x Community Protection Notice Warnings" in flat
    assert "The number of ASB Case Reviews conducted: 1" in flat
    assert "Crime Figures" in flat and "Priorities" in flat


def test_the_officers_wording_is_kept_per_period_and_printed(demo_services, tmp_path):
    service, actor = demo_services.report_pack, demo_services.actor
    edited = "Issued 56x CPNWs, mostly to young people in Swadlincote town centre."
    service.save_wording(
        actor, "2022/23", {rp.CPW: edited}, ["Supported the 16 days of Action campaign.", "  "]
    )
    pack = service.pack("2022/23")
    assert pack.sentence(rp.CPW) == edited
    assert pack.wording.paragraphs == ("Supported the 16 days of Action campaign.",)
    assert service.pack("2023/24").wording.paragraphs == (), "kept per period"
    text = re.sub(r"\s+", " ", _pdf_text(service.write_pdf("2022/23", tmp_path / "p.pdf")))
    assert edited in text and "Supported the 16 days of Action campaign." in text
    # A sentence saved back as generated is not an edit.
    service.save_wording(actor, "2022/23", {rp.CPW: pack.measure(rp.CPW).sentence}, [])
    assert service.pack("2022/23").wording.sentences == {}


def test_an_edit_written_for_another_count_is_not_printed(demo_services):
    service = demo_services.report_pack
    service.save_wording(demo_services.actor, "2022/23", {rp.AREA_FORUMS: "Held seven Area Forums."}, [])
    from cspdesk.core.storage.models import AppSetting

    with Session(demo_services.database.engine) as s:
        row = s.scalar(select(AppSetting).where(AppSetting.key == "report_pack.2022/23"))
        row.value = {
            "sentences": {rp.AREA_FORUMS: {"text": "Held seven Area Forums.", "count": 7}},
            "paragraphs": [],
        }
        s.commit()
    pack = service.pack("2022/23")
    assert pack.edit_is_stale(rp.AREA_FORUMS)
    assert pack.sentence(rp.AREA_FORUMS).startswith("Held six local Area Forums")


def test_wording_errors_are_field_messages_and_partners_cannot_edit(demo_services):
    service = demo_services.report_pack
    with pytest.raises(ValidationError) as err:
        service.save_wording(demo_services.actor, "2022/23", {rp.CPW: "  ", "nonsense": "x"}, ["x" * 2001])
    assert set(err.value.fields) == {f"sentence.{rp.CPW}", "sentence.nonsense", "paragraph.0"}
    partner = Actor(demo_services.actor.user_id, "p", "Partner", Role.PARTNER)
    with pytest.raises(PermissionDenied):
        service.save_wording(partner, "2022/23", {}, ["x"])


def test_an_empty_period_says_so(demo_services, tmp_path):
    pack = demo_services.report_pack.pack("2035/36")
    assert pack.empty
    assert "There are no records for 2035/36" in pack.empty_message
    assert pack.sentence(rp.CPW) == "No Community Protection Notice Warnings (CPNWs) were issued in 2035/36."
    text = re.sub(r"\s+", " ", _pdf_text(demo_services.report_pack.write_pdf("2035/36", tmp_path / "e.pdf")))
    assert "There are no records for 2035/36" in text


def test_a_date_range_compares_with_the_same_number_of_days_before(demo_services):
    pack = demo_services.report_pack.pack("2022-07-01..2022-09-30")
    assert (pack.previous.start, pack.previous.end) == (date(2022, 3, 31), date(2022, 6, 30))
    with pytest.raises(ValidationError):
        demo_services.report_pack.pack("last year")


def test_quarterly_return_adds_up_to_the_year(demo_services, tmp_path):
    service = demo_services.report_pack
    ret = service.quarterly("2022/23")
    assert ret.columns[:4] == ("Q1 Apr–Jun 2022", "Q2 Jul–Sep 2022", "Q3 Oct–Dec 2022", "Q4 Jan–Mar 2023")
    year = dict(service.pack("2022/23").rows())
    for key, _label, counts in ret.rows:
        assert counts[-1] == year[key], key
        if not key.endswith(("_open_at_end", "_outstanding")):
            assert sum(counts[:4]) == counts[-1], key
    from openpyxl import load_workbook

    path = service.write_quarterly("2022/23", tmp_path / "q.xlsx")
    sheet = load_workbook(path).active
    values = {row[0]: row[-1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert values[rp.CPW] == 56
    with pytest.raises(ValidationError):
        service.write_quarterly("2022/23", tmp_path / "q.txt")


def test_quarters_of_a_year_and_of_a_short_range():
    qs = rp.quarters(parse_period("2022/23"))
    assert [(q.start, q.end) for q in qs][0] == (date(2022, 4, 1), date(2022, 6, 30))
    assert qs[-1].end == date(2023, 3, 31) and len(qs) == 4
    short = rp.quarters(parse_period("2022-05-10..2022-08-31"))
    assert [(q.start, q.end) for q in short] == [
        (date(2022, 5, 10), date(2022, 7, 31)),
        (date(2022, 8, 1), date(2022, 8, 31)),
    ]


def test_cli_action_taken_csv_pdf_and_bad_year(demo_db_path, tmp_path, capsys):
    assert (
        main(["report", "action-taken", "--db", str(demo_db_path), "--year", "2022/23", "--format", "csv"])
        == 0
    )
    rows = _csv_rows(capsys.readouterr().out)
    assert (rows[rp.CPW], rows[rp.CPN], rows[rp.FPN], rows[rp.SAFER_HOMES]) == (56, 11, 5, 286)
    out = tmp_path / "pack.pdf"
    assert (
        main(
            [
                "report",
                "action-taken",
                "--db",
                str(demo_db_path),
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
    assert out.read_bytes().startswith(b"%PDF")
    assert (
        main(["report", "action-taken", "--db", str(demo_db_path), "--year", "2022/24", "--format", "csv"])
        != 0
    )
    assert "not a financial year" in capsys.readouterr().err
    q = tmp_path / "q.csv"
    assert (
        main(
            [
                "report",
                "quarterly",
                "--db",
                str(demo_db_path),
                "--year",
                "2022/23",
                "--format",
                "csv",
                "--out",
                str(q),
            ]
        )
        == 0
    )
    assert q.read_text(encoding="utf-8").startswith("measure,label,Q1")
