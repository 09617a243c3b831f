"""Text helpers: Unicode normalisation and accent folding for search.

Vietnamese text arrives in NFC and NFD (macOS, some Excel exports); it is stored in
NFC. Search uses an accent-folded lower-case copy, so "Nguyen" finds "Nguyễn" on
SQLite and PostgreSQL alike without database extensions.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def nfc(value: str | None) -> str:
    """Return ``value`` in NFC with surrounding and repeated white space removed."""
    if not value:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", str(value))).strip()


# The combining diacritical blocks (what NFD splits off Latin letters), deleted
# in one C-level translate instead of a Python test per character.
_MARKS = dict.fromkeys(
    cp
    for first, last in (
        (0x0300, 0x036F),
        (0x1AB0, 0x1AFF),
        (0x1DC0, 0x1DFF),
        (0x20D0, 0x20FF),
        (0xFE20, 0xFE2F),
    )
    for cp in range(first, last + 1)
)


def fold(value: str | None) -> str:
    """Lower-case ``value`` and strip diacritics; đ/Đ become d."""
    if not value:
        return ""
    text = nfc(value).lower().replace("đ", "d")
    return unicodedata.normalize("NFD", text).translate(_MARKS)
