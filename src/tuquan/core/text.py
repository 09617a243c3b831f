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


def fold(value: str | None) -> str:
    """Lower-case ``value`` and strip diacritics; đ/Đ become d."""
    if not value:
        return ""
    text = nfc(value).lower().replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
