"""Postcode and phone shape: used by Safer Homes intake and, later, every address form."""

from __future__ import annotations

import pytest

from cspdesk.core.domain.validation import is_uk_phone, is_uk_postcode, normalise_postcode


@pytest.mark.parametrize(
    "text",
    [
        "DE11 0AH",  # the council's own
        "de11 0ah",
        " DE11  0AH ",
        "DE110AH",
        "DE73 8FS",  # Melbourne
        "DE65 5AP",  # Hilton
        "M1 1AE",  # A9 9AA
        "B33 8TH",  # A99 9AA
        "CR2 6XH",  # AA9 9AA
        "W1A 0AX",  # A9A 9AA
        "EC1A 1BB",  # AA9A 9AA
        "SW1A 2AA",
        "GIR 0AA",
    ],
)
def test_postcode_shapes_accepted(text):
    assert is_uk_postcode(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        None,
        "DE11",  # outward only
        "0AH",
        "DE11 0A",
        "DE11 0AHX",
        "DE111 0AH",
        "QE11 0AH",  # Q never first
        "DJ11 0AH",  # J never second
        "DE11 0CH",  # C never in the inward code
        "DE11 AAH",
        "12345",
        "DE11-0AH",
        "not a postcode",
    ],
)
def test_non_postcodes_refused(text):
    assert not is_uk_postcode(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("de110ah", "DE11 0AH"), ("  m1   1ae", "M1 1AE"), ("ec1a1bb", "EC1A 1BB"), ("gir0aa", "GIR 0AA")],
)
def test_normalise_postcode(text, expected):
    assert normalise_postcode(text) == expected


def test_normalise_refuses_a_non_postcode():
    with pytest.raises(ValueError):
        normalise_postcode("DE11")


@pytest.mark.parametrize(
    "text",
    [
        "01283 595924",
        "01283595924",
        "07700 900123",
        "+44 7700 900123",
        "+44 (0)1283 595924",
        "(01283) 595-924",
    ],
)
def test_uk_phone_shapes_accepted(text):
    assert is_uk_phone(text)


@pytest.mark.parametrize(
    "text", ["", None, "595924", "1283 595924", "07700 900123 4", "phone me", "+1 202 555 0100"]
)
def test_non_phones_refused(text):
    assert not is_uk_phone(text)
