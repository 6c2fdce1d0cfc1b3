"""The template language and the declared fields: what an administrator can and cannot save."""

from __future__ import annotations

import pytest

from cspdesk.core.errors import ValidationError
from cspdesk.core.reports import (
    FIELDS,
    FRAME_FIELDS,
    default_templates,
    demo_values,
    field_label,
    missing_fields,
    parse_template_file,
    template_fields,
    unknown_fields,
    validate_template,
)
from cspdesk.core.reports.markup import TemplateSyntaxError, parse

from .letters_helpers import LETTERHEAD

BODY = """# Notice for {recipient_name}
[if fpn_reduced_amount]
Pay {fpn_reduced_amount} by {fpn_reduced_by}.
[else]
Pay {fpn_amount}.
[end]
- {requirements}
"""


def test_every_field_has_label_description_and_example():
    for name, f in FIELDS.items():
        assert f.name == name
        assert f.label and f.description
        assert f.example not in (None, "", ()), name


def test_template_fields_include_conditions_and_both_branches():
    assert template_fields(BODY) == {
        "recipient_name",
        "fpn_reduced_amount",
        "fpn_reduced_by",
        "fpn_amount",
        "requirements",
    }


def test_unknown_field_is_refused_at_save_with_its_name():
    body = "Dear {recipient_name}\n\nYou must {stop_doign} this.\n[if no_such_flag]\nx\n[end]\n"
    assert unknown_fields(body) == ["stop_doign", "no_such_flag"]
    with pytest.raises(ValidationError) as e:
        validate_template(body)
    assert "{stop_doign}" in str(e.value) and "{no_such_flag}" in str(e.value)
    assert "body" in e.value.fields


def test_unbalanced_sections_are_refused_with_the_line():
    with pytest.raises(TemplateSyntaxError, match="Line 2"):
        parse("Hello\n[if threshold_met]\nyes\n")
    with pytest.raises(TemplateSyntaxError, match="Line 1"):
        parse("[end]\n")
    with pytest.raises(TemplateSyntaxError, match="Line 4: \\[else\\] without"):
        parse("[if threshold_met]\na\n[else]\n[else]\n[end]\n")


def test_excluded_field_is_refused_at_save():
    works_order = default_templates()["safer_homes_works_order"]
    with pytest.raises(ValidationError, match="Victim category"):
        validate_template(works_order.body + "\nReason: {victim_category}\n", works_order.excluded_fields)


def test_missing_fields_follow_the_sections_actually_printed():
    values = {
        "recipient_name": "A",
        "recipient_address": ["1 Civic Way"],
        "letter_date": "1 May 2025",
        "reference": "R1",
        "fpn_amount": 100,
        "requirements": ["Stop"],
    }
    assert missing_fields(BODY, values) == []  # no reduced amount: its date is not needed
    values["fpn_reduced_amount"] = 75
    assert missing_fields(BODY, values) == ["fpn_reduced_by"]
    del values["recipient_address"]
    values["requirements"] = []
    assert missing_fields(BODY, values) == ["recipient_address", "fpn_reduced_by", "requirements"]
    assert field_label("recipient_address") == "Recipient's address"


def test_frame_fields_are_always_required():
    assert missing_fields("Hello.\n", {}) == list(FRAME_FIELDS)


def test_signature_needs_an_officer_name_unless_the_letterhead_has_one():
    body = "Yours sincerely\n\n[signature]\n"
    values = {k: v for k, v in demo_values().items() if k not in ("officer_name", "officer_title")}
    assert "officer_name" in missing_fields(body, values)
    assert missing_fields(body, values, LETTERHEAD) == []


@pytest.mark.parametrize("code", sorted(default_templates()))
def test_default_templates_are_valid_and_complete_with_demo_data(code):
    t = default_templates()[code]
    t.validate()
    assert missing_fields(t.body, demo_values(), LETTERHEAD) == []


def test_template_file_round_trips():
    from cspdesk.core.reports import format_template_file

    for t in default_templates().values():
        assert parse_template_file(format_template_file(t)) == t


def test_default_template_codes():
    assert list(default_templates()) == [
        "complaint_ack",
        "asb_warning",
        "abc",
        "cpw",
        "cpn",
        "fpn",
        "complainant_update",
        "case_review_ack",
        "case_review_threshold",
        "case_review_outcome",
        "safer_homes_referral_ack",
        "safer_homes_works_order",
        "safer_homes_follow_up",
    ]
