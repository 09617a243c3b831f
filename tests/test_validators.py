"""Tests for tuquan.core.validators: tax code, citizen ID, phone number and mask."""

from __future__ import annotations

import unicodedata
from datetime import date

import django
import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from tuquan.core.validators import (
    MOBILE_PREFIXES,
    NATIONAL_ID_PROVINCE_CODES,
    mask,
    national_id_century_sex_digit,
    normalise_national_id,
    normalise_phone,
    normalise_tax_code,
    tax_code_check_digit,
)

# Lets the module run with ``-p no:django`` before the project settings exist.
# pytest-django loads the settings before collecting tests, so there this does
# nothing. DJANGO_SETTINGS_MODULE cannot tell the two apart: importing tuquan sets
# it (tuquan/celery.py), so we ask whether settings were actually loaded.
if not settings.configured:
    settings.configure(USE_I18N=False)
    django.setup()


def make_tax_code(first9: str) -> str:
    """Return the 10-digit tax code for ``first9``, computed, never guessed."""
    check = tax_code_check_digit(first9)
    assert check is not None
    return first9 + str(check)


def make_national_id(
    *, province: str = "001", birth_year: int = 1990, sex: str = "male"
) -> str:
    """Return a well-formed 12-digit citizen ID number with a fixed random part."""
    digit = national_id_century_sex_digit(birth_year, sex)
    return f"{province}{digit}{birth_year % 100:02d}123456"


# Tax code ----------------------------------------------------------------------------


def test_it_accepts_computed_tax_code() -> None:
    code = make_tax_code("031440905")
    assert normalise_tax_code(code) == code


@pytest.mark.parametrize(
    "code",
    [
        "0100233488",  # python-stdnum doctests
        "0314409058",  # python-stdnum doctests
        "0300588569",  # Vinamilk, @llein/vn-tax-id-validator README
        "2000102580",  # python-stdnum list; remainder 10 gives check digit 0
    ],
)
def test_it_accepts_published_tax_codes(code: str) -> None:
    assert normalise_tax_code(code) == code


def test_it_accepts_branch_tax_code() -> None:
    assert normalise_tax_code("0314409058-002") == "0314409058-002"


def test_it_normalises_thirteen_contiguous_digits_to_branch_form() -> None:
    assert normalise_tax_code("0314409058002") == "0314409058-002"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("01.00.112.437", "0100112437"),
        ("0312 68 78 78 - 001", "0312687878-001"),
        ("  0100233488\t", "0100233488"),
        ("０１００２３３４８８", "0100233488"),  # full-width digits
    ],
)
def test_it_strips_spaces_and_dots_from_tax_code(raw: str, expected: str) -> None:
    assert normalise_tax_code(raw) == expected


def test_it_rejects_wrong_check_digit() -> None:
    with pytest.raises(ValidationError) as exc:
        normalise_tax_code("0100233480")
    assert exc.value.code == "tax_code_check_digit"


def test_it_rejects_wrong_check_digit_in_branch_tax_code() -> None:
    with pytest.raises(ValidationError) as exc:
        normalise_tax_code("0314409059-002")
    assert exc.value.code == "tax_code_check_digit"


def test_it_rejects_tax_code_whose_first_nine_digits_have_no_check_digit() -> None:
    assert tax_code_check_digit("100000008") is None
    for last in "0123456789":
        with pytest.raises(ValidationError) as exc:
            normalise_tax_code("100000008" + last)
        assert exc.value.code == "tax_code_check_digit"


def test_it_names_the_tax_code_in_the_check_digit_message() -> None:
    with pytest.raises(ValidationError) as exc:
        normalise_tax_code("01.00.233.480")
    assert "0100233480" in exc.value.messages[0]


@pytest.mark.parametrize(
    "raw", ["", "12345", "010023348", "01002334881", "010023348800", "01002-33488"]
)
def test_it_rejects_tax_code_of_wrong_length(raw: str) -> None:
    with pytest.raises(ValidationError) as exc:
        normalise_tax_code(raw)
    assert exc.value.code == "tax_code_length"


@pytest.mark.parametrize("raw", ["VV34567890", "0100233488/001", "MST 0100233488"])
def test_it_rejects_tax_code_with_other_characters(raw: str) -> None:
    with pytest.raises(ValidationError) as exc:
        normalise_tax_code(raw)
    assert exc.value.code == "tax_code_invalid_characters"


@pytest.mark.parametrize("raw", ["0100233488-000", "0100233488000"])
def test_it_rejects_branch_number_000(raw: str) -> None:
    with pytest.raises(ValidationError) as exc:
        normalise_tax_code(raw)
    assert exc.value.code == "tax_code_branch"


def test_it_rejects_tax_code_with_zero_sequence_number() -> None:
    code = make_tax_code("010000000")  # a correct check digit does not save it
    with pytest.raises(ValidationError) as exc:
        normalise_tax_code(code)
    assert exc.value.code == "tax_code_sequence"


def test_it_computes_the_check_digit_of_the_circular_example() -> None:
    assert tax_code_check_digit("010004751") == 6


def test_it_gives_check_digit_zero_when_the_remainder_is_ten() -> None:
    assert tax_code_check_digit("200010258") == 0


def test_it_gives_no_check_digit_when_the_sum_is_a_multiple_of_eleven() -> None:
    assert tax_code_check_digit("000000000") is None


def test_it_generates_codes_that_validate() -> None:
    for n in range(31_440_000, 31_442_000):
        first9 = f"{n:09d}"
        if (check := tax_code_check_digit(first9)) is not None:
            assert normalise_tax_code(first9 + str(check)) == first9 + str(check)


@pytest.mark.parametrize(
    "first9", ["01000475", "0100047516", "01000475a", "０１０００４７５１"]
)
def test_it_refuses_malformed_input_to_the_check_digit_function(first9: str) -> None:
    with pytest.raises(ValueError):
        tax_code_check_digit(first9)


# Citizen ID --------------------------------------------------------------------------


def test_it_accepts_citizen_id() -> None:
    assert normalise_national_id("001090123456") == "001090123456"


@pytest.mark.parametrize(
    "raw", ["001 090 123 456", "001.090.123.456", " 001090123456 "]
)
def test_it_strips_spaces_and_dots_from_citizen_id(raw: str) -> None:
    assert normalise_national_id(raw) == "001090123456"


def test_it_rejects_old_nine_digit_cmnd() -> None:
    with pytest.raises(ValidationError) as exc:
        normalise_national_id("012 345 678")
    assert exc.value.code == "national_id_old_cmnd"


@pytest.mark.parametrize("raw", ["", "00109012345", "0010901234567", "0010"])
def test_it_rejects_citizen_id_of_wrong_length(raw: str) -> None:
    with pytest.raises(ValidationError) as exc:
        normalise_national_id(raw)
    assert exc.value.code == "national_id_length"
    assert exc.value.params == {"count": len(raw)}


@pytest.mark.parametrize("raw", ["00109012345A", "001-090-123-456", "CCCD001090123456"])
def test_it_rejects_citizen_id_with_other_characters(raw: str) -> None:
    with pytest.raises(ValidationError) as exc:
        normalise_national_id(raw)
    assert exc.value.code == "national_id_invalid_characters"


@pytest.mark.parametrize("province", ["000", "003", "085", "097", "100"])
def test_it_rejects_unknown_province_code(province: str) -> None:
    with pytest.raises(ValidationError) as exc:
        normalise_national_id(province + "090123456")
    assert exc.value.code == "national_id_province"


def test_it_lists_the_63_province_codes() -> None:
    assert len(NATIONAL_ID_PROVINCE_CODES) == 63
    assert NATIONAL_ID_PROVINCE_CODES["001"] == "Hà Nội"
    assert NATIONAL_ID_PROVINCE_CODES["079"] == "Thành phố Hồ Chí Minh"
    assert NATIONAL_ID_PROVINCE_CODES["096"] == "Cà Mau"
    for code, name in NATIONAL_ID_PROVINCE_CODES.items():
        assert len(code) == 3 and code.isdigit()
        assert unicodedata.normalize("NFC", name) == name


def test_it_accepts_every_listed_province_code() -> None:
    for province in NATIONAL_ID_PROVINCE_CODES:
        number = make_national_id(province=province)
        assert normalise_national_id(number) == number


def test_it_accepts_id_matching_date_of_birth_and_sex() -> None:
    number = make_national_id(province="079", birth_year=2003, sex="female")
    assert number.startswith("0793")
    result = normalise_national_id(
        number, date_of_birth=date(2003, 5, 17), sex="female"
    )
    assert result == number


def test_it_rejects_id_whose_century_digit_contradicts_birth_year() -> None:
    # A worker born in 2005 whose fourth digit was typed 0 (1900s) instead of 2.
    with pytest.raises(ValidationError) as exc:
        normalise_national_id("036005123456", date_of_birth=date(2005, 1, 9))
    assert exc.value.code == "national_id_century"


def test_it_rejects_id_for_a_birth_before_1900() -> None:
    with pytest.raises(ValidationError) as exc:
        normalise_national_id("036099123456", date_of_birth=date(1899, 12, 31))
    assert exc.value.code == "national_id_century"


def test_it_rejects_id_whose_year_digits_contradict_birth_year() -> None:
    with pytest.raises(ValidationError) as exc:
        normalise_national_id("001090123456", date_of_birth=date(1991, 2, 3))
    assert exc.value.code == "national_id_birth_year"


def test_it_rejects_id_whose_sex_digit_contradicts_sex() -> None:
    with pytest.raises(ValidationError) as exc:
        normalise_national_id("001090123456", sex="female")
    assert exc.value.code == "national_id_sex"


def test_it_checks_sex_together_with_date_of_birth() -> None:
    number = make_national_id(birth_year=2001, sex="male")
    with pytest.raises(ValidationError) as exc:
        normalise_national_id(number, date_of_birth=date(2001, 1, 1), sex="female")
    assert exc.value.code == "national_id_sex"


def test_it_checks_date_of_birth_without_sex() -> None:
    number = make_national_id(birth_year=1987, sex="female")
    assert normalise_national_id(number, date_of_birth=date(1987, 8, 1)) == number


def test_it_skips_the_sex_check_when_sex_is_none() -> None:
    assert normalise_national_id("001190123456", sex=None) == "001190123456"


def test_it_rejects_id_encoding_a_future_birth_year() -> None:
    # Fourth digit 4 means the 2100s.
    with pytest.raises(ValidationError) as exc:
        normalise_national_id("001490123456")
    assert exc.value.code == "national_id_future_birth_year"


def test_it_refuses_an_unknown_sex_code() -> None:
    with pytest.raises(ValueError):
        normalise_national_id("001090123456", sex="nam")


@pytest.mark.parametrize(
    ("year", "sex", "digit"),
    [
        (1900, "male", "0"),
        (1999, "female", "1"),
        (2000, "male", "2"),
        (2099, "female", "3"),
        (2100, "male", "4"),
        (2250, "female", "7"),
        (2399, "male", "8"),
        (2399, "female", "9"),
    ],
)
def test_it_maps_birth_year_and_sex_to_the_century_digit(
    year: int, sex: str, digit: str
) -> None:
    assert national_id_century_sex_digit(year, sex) == digit


@pytest.mark.parametrize(
    ("year", "sex"), [(1899, "male"), (2400, "female"), (1990, "F")]
)
def test_it_refuses_a_century_digit_it_cannot_encode(year: int, sex: str) -> None:
    with pytest.raises(ValueError):
        national_id_century_sex_digit(year, sex)


# Phone -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "0912345678",
        "0912 345 678",
        "0912.345.678",
        "0912-345-678",
        "+84 912345678",
        "+84912345678",
        "84912345678",
        "(+84) 91-234-5678",
        "912345678",
        "+84 0912 345 678",
        "0084 912 345 678",
        "０９１２３４５６７８",  # full-width digits from some phone keyboards
    ],
)
def test_it_normalises_every_common_writing_of_a_mobile_number(raw: str) -> None:
    assert normalise_phone(raw) == "+84912345678"


def test_it_accepts_every_current_network_prefix() -> None:
    for prefix in MOBILE_PREFIXES:
        assert normalise_phone(prefix + "1234567") == "+84" + prefix[1:] + "1234567"


def test_it_knows_the_prefixes_of_every_carrier() -> None:
    required = {
        "Viettel": "032 033 034 035 036 037 038 039 086 096 097 098",
        "Vinaphone": "081 082 083 084 085 088 091 094",
        "MobiFone": "070 076 077 078 079 089 090 093",
        "Vietnamobile": "052 056 058 092",
        "Gmobile": "059 099",
        "Itelecom": "087",
    }
    for carrier, prefixes in required.items():
        for prefix in prefixes.split():
            assert MOBILE_PREFIXES[prefix] == carrier


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0166 234 5678", "+84362345678"),  # Viettel 0162-0169 -> 032-039
        ("0169.9333.999", "+84399333999"),
        ("0120 123 4567", "+84701234567"),  # MobiFone
        ("0128 787 8888", "+84787878888"),
        ("0129 822 2888", "+84828222888"),  # VinaPhone
        ("0127 123 4567", "+84811234567"),
        ("0188 855 5888", "+84588555888"),  # Vietnamobile
        ("0186 123 4567", "+84561234567"),
        ("0199 595 9999", "+84595959999"),  # Gmobile
        ("+84 166 234 5678", "+84362345678"),
        ("841662345678", "+84362345678"),
    ],
)
def test_it_converts_old_eleven_digit_numbers(raw: str, expected: str) -> None:
    assert normalise_phone(raw) == expected


def test_it_rejects_old_number_that_was_never_converted() -> None:
    with pytest.raises(ValidationError) as exc:
        normalise_phone("0161 123 4567")
    assert exc.value.code == "phone_obsolete"


@pytest.mark.parametrize(
    "raw", ["024 3825 1234", "028.3829.1234", "+84 24 3825 1234", "84 236 3821 234"]
)
def test_it_rejects_landline(raw: str) -> None:
    with pytest.raises(ValidationError) as exc:
        normalise_phone(raw)
    assert exc.value.code == "phone_landline"


@pytest.mark.parametrize(
    ("raw", "prefix"),
    [("0953 456 780", "095"), ("0801 234 567", "080"), ("0212 345 678", "021")],
)
def test_it_rejects_unknown_network_prefix(raw: str, prefix: str) -> None:
    with pytest.raises(ValidationError) as exc:
        normalise_phone(raw)
    assert exc.value.code == "phone_prefix"
    assert exc.value.params == {"prefix": prefix}


@pytest.mark.parametrize("raw", ["+1 415 555 0100", "+65 9123 4567", "0065 9123 4567"])
def test_it_rejects_foreign_number(raw: str) -> None:
    with pytest.raises(ValidationError) as exc:
        normalise_phone(raw)
    assert exc.value.code == "phone_foreign"


@pytest.mark.parametrize(
    "raw", ["", "091234567", "09123456789", "+84 91234567", "12345"]
)
def test_it_rejects_phone_of_wrong_length(raw: str) -> None:
    with pytest.raises(ValidationError) as exc:
        normalise_phone(raw)
    assert exc.value.code == "phone_length"


@pytest.mark.parametrize(
    "raw", ["0912 ABC 678", "0912345678 ext 1", "0912+345678", "+"]
)
def test_it_rejects_phone_with_other_characters(raw: str) -> None:
    with pytest.raises(ValidationError) as exc:
        normalise_phone(raw)
    assert exc.value.code == "phone_invalid_characters"


# Mask --------------------------------------------------------------------------------


def test_it_masks_all_but_the_last_three_characters() -> None:
    assert mask("001090123456") == "•••••••••456"


def test_it_masks_with_a_chosen_number_of_visible_characters() -> None:
    assert mask("+84912345678", visible=4) == "••••••••5678"
    assert mask("0100233488", visible=0) == "••••••••••"


def test_it_masks_empty_value_as_empty() -> None:
    assert mask("") == ""


def test_it_leaves_a_value_no_longer_than_visible_as_is() -> None:
    assert mask("123") == "123"
    assert mask("12") == "12"


def test_it_refuses_a_negative_number_of_visible_characters() -> None:
    with pytest.raises(ValueError):
        mask("123456", visible=-1)
