"""Rendering letters: statutory content, bad input, accents, pagination, marking, large print, batch."""

from __future__ import annotations

import re
from functools import cache

import pytest

from cspdesk.core.errors import UserError, ValidationError
from cspdesk.core.reports import (
    BatchCancelled,
    LetterJob,
    default_templates,
    demo_values,
    render_batch,
    render_letter,
)
from cspdesk.core.reports.case_summary import demo_case_summary, render_case_summary

from .letters_helpers import LETTERHEAD, all_text, content_streams, page_count, pages_text


@cache
def demo_pdf(code: str) -> bytes:
    t = default_templates()[code]
    return render_letter(
        t.body, demo_values(), LETTERHEAD, protective_marking=t.protective_marking, title=t.name
    )


def text_of(code: str) -> str:
    return all_text(demo_pdf(code))


# Phrases each letter must contain, mostly what the statute or DOMAIN.md requires it to say.
REQUIRED = {
    "complaint_ack": [
        "Thank you for contacting us on 3 March 2025",
        "by 26 March 2025",
        "999",
        "ASB Case Review",
    ],
    "asb_warning": [
        "must stop",
        "Community Protection Notice",
        "civil injunction",
        "Playing amplified music",
    ],
    "abc": [
        "Acceptable Behaviour Contract",
        "I will not play loud music",
        "starts on 12 March 2025",
        "ends on 11 September 2025",
        "every 6 weeks",
        "parent or guardian",
        "Mrs Ana Ćosić",
        "Name (capitals)",
    ],
    "cpw": [
        "section 43(5)",
        "Playing amplified music",
        "Neighbours, including young children",
        "Stop playing amplified music",
        "by 26 March 2025",
        "a Community Protection Notice will be issued",
        "criminal offence",
        "£2,500",
        "£20,000",
        "Fixed Penalty Notice",
        "cannot be appealed",
    ],
    "cpn": [
        "Date of issue: 12 March 2025",
        "written warning on 20 January 2025",
        "Remove the external speakers",
        "appeal against this notice to a magistrates' court",
        "within 21 days beginning with the day of issue, that is by 1 April 2025",
        "Remedial action (section 47)",
        "Offence (section 48)",
        "level 4 on the standard scale",
        "£2,500",
        "£20,000",
        "Remedial orders (section 49)",
        "Forfeiture (section 50)",
        "Seizure (section 51)",
        "stays in force",
        "suspended",
    ],
    "fpn": [
        "section 52",
        "Community Protection Notice issued to you on 27 January 2025",
        "On 28 February 2025 at about 1am",
        "fixed penalty of £100",
        "you need pay only £75",
        "If you pay by 22 March 2025",
        "14 days",
        "the last day to pay is 26 March 2025",
        "No proceedings will be taken",
        "you cannot be convicted of the offence",
        "Pay South Derbyshire District Council",
        "www.southderbyshire.gov.uk/pay",
    ],
    "complainant_update": [
        "formal written warning about noise",
        "eight weeks",
        "cannot share personal details",
    ],
    "case_review_ack": [
        "received on 5 March 2025",
        "by 26 March 2025",
        "three or more related incidents",
        "five or more different people",
        "single point of contact",
    ],
    "case_review_threshold": [
        "meets the threshold",
        "Reasons:",
        "4 December 2024",
        "by 9 April 2025",
        "Police and Crime Commissioner for Derbyshire",
        "by 1 April 2025",
    ],
    "case_review_outcome": [
        "held on 8 April 2025",
        "pattern of behaviour was missed",
        "high-visibility patrols",
        "Police and Crime Commissioner for Derbyshire",
    ],
    "safer_homes_referral_ack": ["received on 4 March 2025", "Zoë Ní Bhriain", "Domestic abuse"],
    "safer_homes_works_order": [
        "27 Hartshorne Road",
        "Zoë Ní Bhriain",
        "five-lever mortice lock",
        "Complete by: 21 March 2025",
        "£450",
        "07700 900123",
        "confidential",
    ],
    "safer_homes_follow_up": ["completed on 19 March 2025", "fire-retardant letterbox", "home safety visits"],
}


def test_every_default_template_has_its_required_content_listed():
    assert set(REQUIRED) == set(default_templates())


@pytest.mark.parametrize("code", sorted(REQUIRED))
def test_required_content_present(code):
    text = text_of(code)
    for phrase in REQUIRED[code]:
        assert phrase in text, f"{code}: {phrase!r} missing"
    # Every letter: the address window, the reference block, the officer, no field left unfilled.
    for phrase in ("Siân O'Brien-Ćosić", "Flat 2, Zoë Court", "DE11 0AA", "CSP/2025/0142", "12 March 2025"):
        assert phrase in text, f"{code}: {phrase!r} missing"
    assert not re.search(r"\{[a-z_]+\}", text), "an unfilled {field} was printed"
    assert "**" not in text


def test_threshold_not_met_prints_the_other_section():
    t = default_templates()["case_review_threshold"]
    text = all_text(render_letter(t.body, {**demo_values(), "threshold_met": "no"}, LETTERHEAD))
    assert "does not meet the threshold" in text and "meets the threshold, and" not in text
    assert "Police and Crime Commissioner for Derbyshire" in text  # the appeal route either way


def test_fpn_without_reduced_amount_says_nothing_about_one():
    t = default_templates()["fpn"]
    values = {**demo_values(), "fpn_reduced_amount": None, "fpn_reduced_by": None}
    text = all_text(render_letter(t.body, values, LETTERHEAD))
    assert "£100" in text and "need pay only" not in text


def test_abc_for_an_adult_has_no_parent_line():
    t = default_templates()["abc"]
    text = all_text(render_letter(t.body, {**demo_values(), "recipient_under_18": False}, LETTERHEAD))
    assert "parent or guardian" not in text


@pytest.mark.parametrize("code", ["safer_homes_works_order", "safer_homes_follow_up"])
def test_contractor_and_client_letters_never_say_why(code):
    text = text_of(code).lower()
    demo = demo_values()
    for word in (
        "domestic",
        "abuse",
        "victim",
        "burglary",
        "hate",
        "perpetrator",
        "referral",
        "force entry",
        str(demo["perpetrator_name"]).lower(),
        str(demo["referral_reason"]).lower(),
    ):
        assert word not in text, f"{code} mentions {word!r}"


def test_complainant_letter_never_names_the_perpetrator_or_the_conduct_details():
    text = text_of("complainant_update")
    assert str(demo_values()["perpetrator_name"]) not in text
    assert "14 Midland Road, Church Gresley, loud enough" not in text


def test_missing_field_refuses_the_letter_and_names_it():
    t = default_templates()["cpn"]
    values = {**demo_values(), "appeal_by": None, "recipient_address": []}
    with pytest.raises(ValidationError) as e:
        render_letter(t.body, values, LETTERHEAD)
    assert set(e.value.fields) == {"appeal_by", "recipient_address"}
    assert "Appeal by" in str(e.value) and "Recipient's address" in str(e.value)


def test_accents_apostrophes_and_pound_sign_survive():
    body = "Dear {recipient_name}\n\nZoë paid £100 to Łukasz Nowak-Żółć & Ørjan <O'Brien>.\n"
    values = {**demo_values(), "recipient_name": "Siân O'Brien-Ćosić"}
    text = all_text(render_letter(body, values, LETTERHEAD))
    assert "Dear Siân O'Brien-Ćosić" in text
    assert "Zoë paid £100 to Łukasz Nowak-Żółć & Ørjan <O'Brien>." in text


def test_markup_in_a_value_is_printed_not_obeyed():
    values = {**demo_values(), "recipient_name": "**Bold** <b>Tag</b> {reference}"}
    text = all_text(render_letter("Dear {recipient_name}\n", values, LETTERHEAD))
    assert "Dear **Bold** <b>Tag</b> {reference}" in text


def test_fonts_are_embedded():
    import io

    from pypdf import PdfReader

    fonts = PdfReader(io.BytesIO(demo_pdf("cpn"))).pages[0]["/Resources"]["/Font"]
    for ref in fonts.values():
        font = ref.get_object()
        descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        descriptor = descendant["/FontDescriptor"].get_object()
        assert any(k in descriptor for k in ("/FontFile2", "/FontFile3", "/FontFile")), font["/BaseFont"]


def test_long_address_line_wraps_inside_the_window_and_too_long_is_refused():
    long_line = "Apartment 14, The Old Co-operative Society Buildings, Alexandra Road, Church Gresley"
    values = {**demo_values(), "recipient_address": [long_line, "Swadlincote", "DE11 9AB"]}
    text = all_text(render_letter("Hello.\n", values, LETTERHEAD))
    assert "Old Co-operative Society" in text and "DE11 9AB" in text
    values["recipient_address"] = [long_line] * 8
    with pytest.raises(ValidationError) as e:
        render_letter("Hello.\n", values, LETTERHEAD)
    assert "recipient_address" in e.value.fields


def test_a_word_longer_than_the_line_wraps_rather_than_overflowing():
    word = "Pneumonoultramicroscopicsilicovolcanoconiosis" * 4
    pdf = render_letter(f"Code: {word}\n", demo_values(), LETTERHEAD)
    text = "".join(all_text(pdf).split())
    assert word in text  # all of it is there, split across lines


def test_long_text_paginates_with_page_n_of_m_and_reference_on_every_page():
    para = "This paragraph is long enough to fill several lines of the letter body on its own. " * 12
    body = "\n\n".join([para] * 14)
    pdf = render_letter(body, demo_values(), LETTERHEAD)
    pages = pages_text(pdf)
    n = len(pages)
    assert n >= 3
    for i, text in enumerate(pages, start=1):
        assert f"Page {i} of {n}" in text
        assert "CSP/2025/0142" in text
    assert "Siân O'Brien-Ćosić" in pages[1]  # continuation header names the recipient


@pytest.mark.parametrize("marked", [True, False])
def test_protective_marking_on_every_page_only_when_set(marked):
    body = "\n\n".join(["Text " * 200] * 6)
    pdf = render_letter(body, demo_values(), LETTERHEAD, protective_marking=marked)
    pages = pages_text(pdf)
    assert len(pages) >= 2
    for text in pages:
        assert (text.count("OFFICIAL-SENSITIVE") == 2) is marked  # header and footer
        assert ("OFFICIAL-SENSITIVE" in text) is marked


def test_large_print_uses_16pt_and_takes_more_pages():
    t = default_templates()["cpn"]
    normal = render_letter(t.body, demo_values(), LETTERHEAD)
    large = render_letter(t.body, demo_values(), LETTERHEAD, large_print=True)
    assert page_count(large) > page_count(normal)
    assert all(b" 16 Tf" in s for s in content_streams(large))
    assert not any(b" 16 Tf" in s for s in content_streams(normal))
    assert b" 11 Tf" in content_streams(normal)[0]


def test_same_input_gives_identical_bytes():
    t = default_templates()["fpn"]
    assert render_letter(t.body, demo_values(), LETTERHEAD) == render_letter(
        t.body, demo_values(), LETTERHEAD
    )


def test_signature_image_and_no_logo(tmp_path):
    from dataclasses import replace

    from cspdesk.core.reports.letterhead import default_logo_path

    sig = tmp_path / "sig.png"
    sig.write_bytes(default_logo_path().read_bytes())  # any PNG will do
    lh = replace(LETTERHEAD, signature_path=sig, logo_path="")
    pdf = render_letter("Yours sincerely\n\n[signature]\n", demo_values(), lh)
    assert "Priya Sharma" in all_text(pdf)
    assert "South Derbyshire District Council" in all_text(pdf)  # the name stands in for the logo


def jobs(n: int) -> list[LetterJob]:
    t = default_templates()["cpw"]
    return [
        LetterJob(
            t.body,
            {**demo_values(), "recipient_name": f"Resident {i}", "reference": f"CSP/2025/{i:04d}"},
            LETTERHEAD,
            protective_marking=True,
        )
        for i in range(n)
    ]


def test_batch_combined_numbers_each_letter_separately():
    seen: list[tuple[int, int]] = []
    pdf = render_batch(jobs(3), combined=True, progress=lambda d, t: seen.append((d, t)))
    pages = pages_text(pdf)
    single = page_count(render_batch(jobs(1), combined=False)[0])
    assert len(pages) == 3 * single
    for i in range(3):
        first = pages[i * single]
        assert f"Resident {i}" in first and f"CSP/2025/{i:04d}" in first and f"Page 1 of {single}" in first
    assert seen[0] == (0, 3) and seen[-1] == (3, 3)


def test_each_letter_of_a_print_file_starts_on_its_own_letterhead_after_a_one_page_letter():
    # A one-page letter used to leave the next one on a continuation page: no address in the window,
    # and the previous resident's name and reference at the top of the page.
    body = "Dear {recipient_name}\n\nWe have your report.\n\nYours sincerely\n\n[signature]\n"
    items = [
        LetterJob(
            body,
            {**demo_values(), "recipient_name": f"Resident {i}", "reference": f"CSP/2025/{i:04d}"},
            LETTERHEAD,
        )
        for i in range(3)
    ]
    pages = pages_text(render_batch(items, combined=True))
    assert len(pages) == 3
    for i, page in enumerate(pages):
        assert f"Resident {i}" in page and f"CSP/2025/{i:04d}" in page and "Page 1 of 1" in page
        assert "Civic Way" in page  # the letterhead
        assert not any(f"Resident {k}" in page for k in range(3) if k != i)


def test_batch_separate_files_and_progress():
    seen: list[tuple[int, int]] = []
    out = render_batch(jobs(4), combined=False, progress=lambda d, t: seen.append((d, t)))
    assert len(out) == 4 and all(o.startswith(b"%PDF") for o in out)
    assert "Resident 2" in all_text(out[2])
    assert seen == [(0, 4), (1, 4), (2, 4), (3, 4), (4, 4)]


@pytest.mark.parametrize("combined", [True, False])
def test_batch_cancel_between_items(combined):
    calls = {"n": 0}

    def cancelled() -> bool:
        calls["n"] += 1
        return calls["n"] > 2

    with pytest.raises(BatchCancelled):
        render_batch(jobs(5), combined=combined, cancelled=cancelled)
    assert calls["n"] == 3


def test_batch_with_a_missing_field_refuses_everything_up_front():
    items = jobs(3)
    items[1] = LetterJob(items[1].template_body, {**items[1].values, "comply_by": None}, LETTERHEAD)
    with pytest.raises(ValidationError) as e:
        render_batch(items, combined=True)
    assert "Letter 2 (Resident 1): Comply by" in str(e.value)


def test_case_summary_has_every_section_and_marking():
    pdf = render_case_summary(demo_case_summary(), LETTERHEAD)
    pages = pages_text(pdf)
    text = " ".join(pages)
    for heading in (
        "Case summary: Noise nuisance",
        "Parties",
        "Incidents",
        "Actions",
        "Notices",
        "Chronology",
        "Dean Marsh",
        "Siân O'Brien-Ćosić",
        "FPN/2025/001",
        "Police informed of intended CPW.",
    ):
        assert heading in text
    for i, p in enumerate(pages, start=1):
        assert "OFFICIAL-SENSITIVE" in p and f"Page {i} of {len(pages)}" in p


def test_case_summary_with_a_long_chronology_repeats_table_headers():
    from dataclasses import replace
    from datetime import datetime

    from cspdesk.core.reports.case_summary import ChronologyEntry

    data = replace(
        demo_case_summary(),
        chronology=tuple(
            ChronologyEntry(datetime(2025, 1, 1, 9, 0), "Priya Sharma", f"Entry {i}: " + "note " * 30)
            for i in range(80)
        ),
    )
    pages = pages_text(render_case_summary(data, LETTERHEAD))
    assert len(pages) > 4
    assert all("When Who Entry" in p for p in pages[-3:])


def test_layout_error_is_reported_not_swallowed():
    # A table row taller than a page cannot be split by ReportLab: the officer is told, nothing is cut.
    from dataclasses import replace

    from cspdesk.core.reports.case_summary import ChronologyEntry

    data = replace(
        demo_case_summary(), chronology=(ChronologyEntry(demo_case_summary().opened, "x", "word " * 6000),)
    )
    with pytest.raises(UserError, match="could not be laid out"):
        render_case_summary(data, LETTERHEAD)
