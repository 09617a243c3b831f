"""Vietnamese number plates: every way people type them, one stored form."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from tuquan.gates.vehicles import normalise_plate


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("51A-123.45", "51A-123.45"),
        ("51a 12345", "51A-123.45"),
        ("51A12345", "51A-123.45"),
        ("51A 123 45", "51A-123.45"),
        ("51-A 123.45", "51A-123.45"),
        (" 51a-123-45 ", "51A-123.45"),
        ("51A.123.45", "51A-123.45"),
        ("51A_12345", "51A-123.45"),
        ("５１Ａ－１２３．４５", "51A-123.45"),  # full-width keyboard
        ("29B1 12345", "29B1-123.45"),
        ("29-B1 123.45", "29B1-123.45"),
        ("29b1-123.45", "29B1-123.45"),
        ("29B112345", "29B1-123.45"),
        ("29 B1 12345", "29B1-123.45"),
        ("59X3 1234", "59X3-1234"),
        ("51A-1234", "51A-1234"),
        ("51A 1234", "51A-1234"),
        ("51a1234", "51A-1234"),
        ("51LD-123.45", "51LD-123.45"),
        ("51ld12345", "51LD-123.45"),
        ("80NG 123 45", "80NG-123.45"),
        ("29AA-123.45", "29AA-123.45"),
        ("29MĐ1-123.45", "29MĐ1-123.45"),
        ("11A-123.45", "11A-123.45"),
        ("99C-999.99", "99C-999.99"),
    ],
)
def test_it_stores_one_canonical_form(typed: str, stored: str) -> None:
    assert normalise_plate(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "ABC",
        "51-123.45",  # no series
        "51A-123",  # three digits
        "51A-1234567",  # seven digits
        "5A-123.45",  # one-digit province
        "51ABC-123.45",  # three letters
        "A51-123.45",
        "51A0 12345",  # series digit 0
        "51A-12a45",
        "51A-123.45!",
    ],
)
def test_it_refuses_what_is_not_a_plate(typed: str) -> None:
    with pytest.raises(ValidationError) as exc:
        normalise_plate(typed)
    assert exc.value.code == "plate_format"


@pytest.mark.parametrize("typed", ["10A-123.45", "00A-123.45", "05B1-12345"])
def test_it_refuses_province_codes_outside_11_to_99(typed: str) -> None:
    with pytest.raises(ValidationError) as exc:
        normalise_plate(typed)
    assert exc.value.code == "plate_province"


def test_it_names_the_expected_form_in_vietnamese() -> None:
    with translation.override("vi"), pytest.raises(ValidationError) as exc:
        normalise_plate("xyz")
    message = exc.value.messages[0]
    assert "51A-123.45" in message and "29B1-123.45" in message


def test_it_is_idempotent() -> None:
    for typed in ("51A-123.45", "29B1-123.45", "51A-1234", "51LD-123.45"):
        assert normalise_plate(normalise_plate(typed)) == normalise_plate(typed)
