"""Validators and normalisers for Vietnamese identifiers: tax code, citizen ID, phone.

Each ``normalise_*`` function accepts the ways people actually type a value (spaces,
dots, country codes, full-width digits from some phone keyboards), returns one
canonical string for storage and comparison, and raises ``ValidationError`` with a
stable ``code`` that forms, the API and importers can rely on. Nothing here touches
the database, so roster imports can validate thousands of rows cheaply.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# --------------------------------------------------------------------------------------
# Tax code (mã số thuế, MST)
# --------------------------------------------------------------------------------------

# Digit 10 of a tax code is a mod-11 check digit over digits 1-9 with these weights:
# check = 10 - (sum(d_i * w_i) mod 11); a sum divisible by 11 would need "10", so no
# code is issued for those nine digits. Sources: python-stdnum ``stdnum/vn/mst.py``
# and its doctests (over 150 published codes, all valid under this rule), the same
# rule in koblas/stdnum-js ``src/vn/mst.ts``, and the vn-ident package on PyPI (the
# circular's worked example 010004751 -> 6; 000000000 -> no check digit).
_TAX_CODE_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)
_TAX_CODE = re.compile(r"([0-9]{10})(?:-?([0-9]{3}))?")
_TAX_CODE_CHARACTERS = re.compile(r"[0-9-]+")


def _compact(value: str, separators: str) -> str:
    """Return ``value`` in NFKC with the given separator characters removed.

    NFKC turns full-width digits and no-break spaces, which some phone keyboards and
    spreadsheets produce, into their ASCII equivalents before we look at them.
    """
    text = unicodedata.normalize("NFKC", str(value)).strip()
    return re.sub(f"[{re.escape(separators)}\\s]", "", text)


def tax_code_check_digit(first9: str) -> int | None:
    """Return the check digit (0-9) for the first nine digits of a tax code.

    Returns ``None`` when the weighted sum is divisible by 11: no valid tenth digit
    exists, so no tax code starts with those nine digits. Raises ``ValueError`` when
    ``first9`` is not nine ASCII digits.
    """
    if not re.fullmatch(r"[0-9]{9}", first9):
        raise ValueError(f"expected nine digits, got {first9!r}")
    remainder = (
        sum(int(d) * w for d, w in zip(first9, _TAX_CODE_WEIGHTS, strict=True)) % 11
    )
    if remainder == 0:
        return None
    return 10 - remainder


def normalise_tax_code(value: str) -> str:
    """Return an enterprise tax code as ``XXXXXXXXXX`` or ``XXXXXXXXXX-XXX``.

    Accepts spaces and dots anywhere, and the branch suffix with or without its
    hyphen (``0100233488001`` becomes ``0100233488-001``). Checks the check digit,
    that digits 3-9 (the sequence number) are not all zero and that a branch number
    is 001-999.
    """
    compact = _compact(value, ".")
    if compact and not _TAX_CODE_CHARACTERS.fullmatch(compact):
        raise ValidationError(
            _(
                "A tax code may contain only digits, spaces, dots and a hyphen "
                "before the branch number."
            ),
            code="tax_code_invalid_characters",
        )
    match = _TAX_CODE.fullmatch(compact)
    if match is None:
        raise ValidationError(
            _(
                "A tax code has 10 digits, or 10 digits, a hyphen and 3 digits for "
                "a branch (for example 0100233488-001)."
            ),
            code="tax_code_length",
        )
    main, branch = match.group(1), match.group(2)
    # The sequence number runs from 0000001 (python-stdnum rejects all zeros too).
    if main[2:9] == "0000000":
        raise ValidationError(
            _("%(value)s is not a valid tax code: digits 3 to 9 cannot all be zero."),
            code="tax_code_sequence",
            params={"value": main},
        )
    if tax_code_check_digit(main[:9]) != int(main[9]):
        raise ValidationError(
            _(
                "%(value)s is not a valid tax code: the last digit does not match "
                "the first nine. Please check for a typing mistake."
            ),
            code="tax_code_check_digit",
            params={"value": main},
        )
    if branch is None:
        return main
    if branch == "000":
        raise ValidationError(
            _("The branch number of a tax code must be between 001 and 999."),
            code="tax_code_branch",
        )
    return f"{main}-{branch}"


# --------------------------------------------------------------------------------------
# Citizen ID number (căn cước công dân, số định danh cá nhân)
# --------------------------------------------------------------------------------------

# Digits 1-3 of a personal identification number: the province or centrally-run city
# where the birth was registered. The list is Appendix I of Circular 07/2016/TT-BCA,
# carried over unchanged into Circular 59/2021/TT-BCA (63 codes, not contiguous).
# Numbers issued before the 1 July 2025 province mergers keep these codes. Checked
# code for code against four independent public tables, two of which cite the
# circulars (a CCCD validator module citing 07/2016, an ID-card checking spec citing
# 59/2021, a Java test suite citing "Appendix 1 of Circular 07/2016/TT-BCA", a
# Python CCCD province table).
NATIONAL_ID_PROVINCE_CODES: dict[str, str] = {
    "001": "Hà Nội",
    "002": "Hà Giang",
    "004": "Cao Bằng",
    "006": "Bắc Kạn",
    "008": "Tuyên Quang",
    "010": "Lào Cai",
    "011": "Điện Biên",
    "012": "Lai Châu",
    "014": "Sơn La",
    "015": "Yên Bái",
    "017": "Hòa Bình",
    "019": "Thái Nguyên",
    "020": "Lạng Sơn",
    "022": "Quảng Ninh",
    "024": "Bắc Giang",
    "025": "Phú Thọ",
    "026": "Vĩnh Phúc",
    "027": "Bắc Ninh",
    "030": "Hải Dương",
    "031": "Hải Phòng",
    "033": "Hưng Yên",
    "034": "Thái Bình",
    "035": "Hà Nam",
    "036": "Nam Định",
    "037": "Ninh Bình",
    "038": "Thanh Hóa",
    "040": "Nghệ An",
    "042": "Hà Tĩnh",
    "044": "Quảng Bình",
    "045": "Quảng Trị",
    "046": "Thừa Thiên Huế",
    "048": "Đà Nẵng",
    "049": "Quảng Nam",
    "051": "Quảng Ngãi",
    "052": "Bình Định",
    "054": "Phú Yên",
    "056": "Khánh Hòa",
    "058": "Ninh Thuận",
    "060": "Bình Thuận",
    "062": "Kon Tum",
    "064": "Gia Lai",
    "066": "Đắk Lắk",
    "067": "Đắk Nông",
    "068": "Lâm Đồng",
    "070": "Bình Phước",
    "072": "Tây Ninh",
    "074": "Bình Dương",
    "075": "Đồng Nai",
    "077": "Bà Rịa - Vũng Tàu",
    "079": "Thành phố Hồ Chí Minh",
    "080": "Long An",
    "082": "Tiền Giang",
    "083": "Bến Tre",
    "084": "Trà Vinh",
    "086": "Vĩnh Long",
    "087": "Đồng Tháp",
    "089": "An Giang",
    "091": "Kiên Giang",
    "092": "Cần Thơ",
    "093": "Hậu Giang",
    "094": "Sóc Trăng",
    "095": "Bạc Liêu",
    "096": "Cà Mau",
}

# Digit 4 encodes century and sex (Decree 137/2015/ND-CP, art. 7; Circular
# 07/2016/TT-BCA): 0/1 = male/female born 1900-1999, 2/3 = 2000-2099, and so on up
# to 8/9 = 2300-2399. Even digits are male, odd digits female.
_FIRST_CENTURY_YEAR = 1900
_LAST_CENTURY_YEAR = 2399
_SEXES = ("male", "female")


def national_id_century_sex_digit(birth_year: int, sex: str) -> str:
    """Return digit 4 of a citizen ID number for ``birth_year`` and ``sex``.

    ``sex`` is ``"male"`` or ``"female"``. Raises ``ValueError`` for another sex code
    or a year outside 1900-2399, which the digit cannot encode.
    """
    if sex not in _SEXES:
        raise ValueError(f"sex must be 'male' or 'female', got {sex!r}")
    if not _FIRST_CENTURY_YEAR <= birth_year <= _LAST_CENTURY_YEAR:
        raise ValueError(f"birth year {birth_year} cannot be encoded in a citizen ID")
    century = (birth_year - _FIRST_CENTURY_YEAR) // 100
    return str(2 * century + _SEXES.index(sex))


def _national_id_birth_year(number: str) -> int:
    """Return the birth year that digits 4-6 of a 12-digit ID number stand for."""
    return _FIRST_CENTURY_YEAR + 100 * (int(number[3]) // 2) + int(number[4:6])


def normalise_national_id(
    value: str, *, date_of_birth: date | None = None, sex: str | None = None
) -> str:
    """Return a 12-digit citizen ID number with spaces and dots removed.

    Checks the length, the province code of digits 1-3 and that the birth year the
    number encodes is not in the future. When ``date_of_birth`` and/or ``sex``
    (``"male"``/``"female"``) are given, also checks that digits 4-6 agree with them.
    The old 9-digit identity card (CMND) number is refused: it is no longer an
    identity document on its own, and workers' records key on the 12-digit number.
    """
    if sex is not None and sex not in _SEXES:
        raise ValueError(f"sex must be 'male', 'female' or None, got {sex!r}")
    number = _compact(value, ".")
    if not re.fullmatch(r"[0-9]*", number):
        raise ValidationError(
            _("A citizen ID number may contain only digits."),
            code="national_id_invalid_characters",
        )
    if len(number) == 9:
        raise ValidationError(
            _(
                "This looks like an old 9-digit identity card (CMND) number. Please "
                "enter the 12-digit citizen ID (CCCD) number."
            ),
            code="national_id_old_cmnd",
        )
    if len(number) != 12:
        raise ValidationError(
            _("A citizen ID number has 12 digits (you entered %(count)s)."),
            code="national_id_length",
            params={"count": len(number)},
        )
    province = number[:3]
    if province not in NATIONAL_ID_PROVINCE_CODES:
        raise ValidationError(
            _(
                "%(code)s is not a province code: the first three digits of a "
                "citizen ID number are the code of the province where the birth "
                "was registered."
            ),
            code="national_id_province",
            params={"code": province},
        )
    encoded_year = _national_id_birth_year(number)
    # A wrong fourth digit (2 for 0) turns an adult into someone born in the 2090s.
    if encoded_year > date.today().year:
        raise ValidationError(
            _(
                "The citizen ID number stands for a birth in %(year)s, which is in "
                "the future. Please check the fourth digit."
            ),
            code="national_id_future_birth_year",
            params={"year": encoded_year},
        )
    if date_of_birth is not None:
        _check_birth_year(number, date_of_birth)
    if sex is not None and int(number[3]) % 2 != _SEXES.index(sex):
        raise ValidationError(
            _(
                "The fourth digit of the citizen ID number (%(digit)s) does not "
                "match the sex entered."
            ),
            code="national_id_sex",
            params={"digit": number[3]},
        )
    return number


def _check_birth_year(number: str, date_of_birth: date) -> None:
    """Raise when digits 4-6 of ``number`` contradict ``date_of_birth``."""
    year = date_of_birth.year
    century_digit = int(number[3])
    # Compare the century and the two year digits separately so the message can say
    # which part is wrong: a wrong century is usually a mistyped fourth digit.
    if (year - _FIRST_CENTURY_YEAR) // 100 != century_digit // 2:
        raise ValidationError(
            _(
                "The fourth digit of the citizen ID number (%(digit)s) does not "
                "match a birth in %(year)s."
            ),
            code="national_id_century",
            params={"digit": number[3], "year": year},
        )
    if int(number[4:6]) != year % 100:
        raise ValidationError(
            _(
                "Digits 5 and 6 of the citizen ID number (%(digits)s) do not match "
                "the year of birth %(year)s."
            ),
            code="national_id_birth_year",
            params={"digits": number[4:6], "year": year},
        )


# --------------------------------------------------------------------------------------
# Mobile phone numbers
# --------------------------------------------------------------------------------------

# Mobile network codes in use since the 2018 renumbering, written with the trunk 0.
# Sources: the carrier tables in gist trangsihung/cf9f4ba8 and npm @vn-utils/
# phone-validate (which adds the MVNOs, Wintel on 055), checked against Google
# libphonenumber's VN mobile pattern. 095 (ex S-Fone) is deliberately absent: it
# was reclaimed and belongs to nobody.
MOBILE_PREFIXES: dict[str, str] = {
    "032": "Viettel",
    "033": "Viettel",
    "034": "Viettel",
    "035": "Viettel",
    "036": "Viettel",
    "037": "Viettel",
    "038": "Viettel",
    "039": "Viettel",
    "086": "Viettel",
    "096": "Viettel",
    "097": "Viettel",
    "098": "Viettel",
    "081": "Vinaphone",
    "082": "Vinaphone",
    "083": "Vinaphone",
    "084": "Vinaphone",
    "085": "Vinaphone",
    "088": "Vinaphone",
    "091": "Vinaphone",
    "094": "Vinaphone",
    "070": "MobiFone",
    "076": "MobiFone",
    "077": "MobiFone",
    "078": "MobiFone",
    "079": "MobiFone",
    "089": "MobiFone",
    "090": "MobiFone",
    "093": "MobiFone",
    "052": "Vietnamobile",
    "056": "Vietnamobile",
    "058": "Vietnamobile",
    "092": "Vietnamobile",
    "059": "Gmobile",
    "099": "Gmobile",
    "087": "Itelecom",
    "055": "Wintel",
}

# The 2018-2019 conversion of 11-digit numbers kept the last seven digits and swapped
# the four-digit prefix for a three-digit one (Ministry of Information and
# Communications plan, 15 Sep 2018 - 30 Jun 2019; tables published by plo.vn,
# fptcorp.com.vn). Old rosters still carry these numbers, so we convert them.
# Keys and values are written without the trunk 0.
_OLD_MOBILE_PREFIXES: dict[str, str] = {
    "162": "32",
    "163": "33",
    "164": "34",
    "165": "35",
    "166": "36",
    "167": "37",
    "168": "38",
    "169": "39",
    "120": "70",
    "121": "79",
    "122": "77",
    "126": "76",
    "128": "78",
    "123": "83",
    "124": "84",
    "125": "85",
    "127": "81",
    "129": "82",
    "186": "56",
    "188": "58",
    "199": "59",
}

_PHONE_CHARACTERS = re.compile(r"\+?[0-9]+")


def _national_phone_number(compact: str) -> str:
    """Strip the country code or trunk 0 from ``compact`` and return the rest.

    Raises when the number carries another country's code.
    """
    if compact.startswith("+") or compact.startswith("00"):
        international = compact.removeprefix("+") if compact[0] == "+" else compact[2:]
        if not international.startswith("84"):
            raise ValidationError(
                _("Only Vietnamese mobile numbers (+84) are accepted."),
                code="phone_foreign",
            )
        rest = international[2:]
    elif compact.startswith("84") and len(compact) in (11, 12):
        # 84 followed by a 9-digit mobile or a 10-digit old/landline number. A
        # national number written with its 0 never has 11 or 12 digits from 84.
        rest = compact[2:]
    else:
        rest = compact
    # "+84 0912 ..." is a common way of writing a number: drop the trunk 0.
    return rest.removeprefix("0")


def normalise_phone(value: str) -> str:
    """Return a Vietnamese mobile number in E.164 form, ``+84`` and nine digits.

    Accepts spaces, dots, hyphens and brackets, a leading ``+84``, ``84`` or ``0084``,
    the trunk 0 or none at all. Old 11-digit numbers (0162..., 0120...) are converted
    to their current 10-digit form. Landlines and unknown network codes are refused.
    """
    compact = _compact(value, ".-()")
    if compact and not _PHONE_CHARACTERS.fullmatch(compact):
        raise ValidationError(
            _(
                "A phone number may contain only digits, spaces, dots, hyphens, "
                "brackets and a leading +."
            ),
            code="phone_invalid_characters",
        )
    national = _national_phone_number(compact)
    if len(national) == 10 and national.startswith("2"):
        # Fixed lines have 10 national digits starting with 2 (area code 02x).
        raise ValidationError(
            _("%(value)s is a landline number. Please enter a mobile number."),
            code="phone_landline",
            params={"value": value},
        )
    if len(national) == 10 and national.startswith("1"):
        new_prefix = _OLD_MOBILE_PREFIXES.get(national[:3])
        if new_prefix is None:
            raise ValidationError(
                _(
                    "%(value)s is an old 11-digit mobile number that is no longer in "
                    "use. Please enter the current 10-digit number."
                ),
                code="phone_obsolete",
                params={"value": value},
            )
        national = new_prefix + national[3:]
    if len(national) != 9:
        raise ValidationError(
            _(
                "A Vietnamese mobile number has 10 digits starting with 0, for "
                "example 0912 345 678."
            ),
            code="phone_length",
        )
    prefix = "0" + national[:2]
    if prefix not in MOBILE_PREFIXES:
        raise ValidationError(
            _("%(prefix)s is not a Vietnamese mobile network prefix."),
            code="phone_prefix",
            params={"prefix": prefix},
        )
    return "+84" + national


# --------------------------------------------------------------------------------------
# Display
# --------------------------------------------------------------------------------------


def mask(value: str, visible: int = 3) -> str:
    """Hide all but the last ``visible`` characters of ``value`` behind bullets.

    ``mask("001090123456")`` gives ``"•••••••••456"``. A value no longer than
    ``visible`` is returned as is; an empty value gives ``""``.
    """
    if visible < 0:
        raise ValueError("visible must not be negative")
    if not value:
        return ""
    hidden = max(len(value) - visible, 0)
    # value[-0:] would be the whole string, hence the explicit slice start.
    return "•" * hidden + value[hidden:]
