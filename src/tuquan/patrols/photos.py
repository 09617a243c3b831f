"""Photos on the patrol log: JPEG, PNG or WebP recognised by their first bytes
(never by the name or the declared type), at most 5 MB, and stored without
their metadata, which from a phone camera holds the place it was taken.

Pillow is not a dependency of the project, so the metadata is removed by
walking the file's own structure: JPEG APP1 (Exif, XMP) and APP13 (IPTC)
segments, PNG eXIf and text chunks, WebP EXIF and XMP chunks. The picture
data itself is not touched.
"""

from __future__ import annotations

import struct

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_PHOTO_BYTES = 5 * 1024 * 1024

JPEG = "jpeg"
PNG = "png"
WEBP = "webp"
EXTENSIONS = {JPEG: "jpg", PNG: "png", WEBP: "webp"}

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# PNG chunks that carry metadata (eXIf: Exif; the text chunks may hold XMP).
_PNG_DROPPED = {b"eXIf", b"tEXt", b"iTXt", b"zTXt", b"tIME"}
# JPEG markers without a length field.
_JPEG_STANDALONE = {0x01, *range(0xD0, 0xD8)}
# APP1 (Exif, XMP), APP13 (IPTC / Photoshop).
_JPEG_DROPPED = {0xE1, 0xED}


def image_kind(data: bytes) -> str | None:
    """``jpeg``, ``png`` or ``webp`` from the magic bytes, else None."""
    if data[:3] == b"\xff\xd8\xff":
        return JPEG
    if data[:8] == _PNG_SIGNATURE:
        return PNG
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    return None


def _bad_file() -> ValidationError:
    return ValidationError(
        {"photo": _("The photo file is damaged; take the photo again.")}
    )


def _strip_jpeg(data: bytes) -> bytes:
    out = bytearray(data[:2])
    pos = 2
    while pos < len(data):
        if data[pos] != 0xFF:
            raise _bad_file()
        marker = data[pos + 1] if pos + 1 < len(data) else None
        if marker is None:
            raise _bad_file()
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in _JPEG_STANDALONE:
            out += data[pos : pos + 2]
            pos += 2
            continue
        if marker == 0xDA or marker == 0xD9:
            # Start of scan: the compressed picture runs to the end.
            out += data[pos:]
            return bytes(out)
        if pos + 4 > len(data):
            raise _bad_file()
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        end = pos + 2 + length
        if length < 2 or end > len(data):
            raise _bad_file()
        if marker not in _JPEG_DROPPED:
            out += data[pos:end]
        pos = end
    return bytes(out)


def _strip_png(data: bytes) -> bytes:
    out = bytearray(_PNG_SIGNATURE)
    pos = len(_PNG_SIGNATURE)
    while pos < len(data):
        if pos + 8 > len(data):
            raise _bad_file()
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        end = pos + 12 + length
        if end > len(data):
            raise _bad_file()
        if kind not in _PNG_DROPPED:
            out += data[pos:end]
        pos = end
        if kind == b"IEND":
            break
    return bytes(out)


def _strip_webp(data: bytes) -> bytes:
    chunks = bytearray()
    pos = 12
    while pos < len(data):
        if pos + 8 > len(data):
            raise _bad_file()
        kind, length = struct.unpack("<4sI", data[pos : pos + 8])
        end = pos + 8 + length + (length & 1)  # chunks are padded to even size
        if pos + 8 + length > len(data):
            raise _bad_file()
        chunk = bytearray(data[pos : min(end, len(data))])
        if kind in (b"EXIF", b"XMP "):
            pos = end
            continue
        if kind == b"VP8X" and len(chunk) > 8:
            chunk[8] &= ~(0x08 | 0x04) & 0xFF  # clear the EXIF and XMP flags
        chunks += chunk
        pos = end
    return b"RIFF" + struct.pack("<I", 4 + len(chunks)) + b"WEBP" + bytes(chunks)


def clean_photo(data: bytes) -> tuple[bytes, str]:
    """The photo without metadata, and its extension; a ValidationError with a
    Vietnamese reason for anything else."""
    if not data:
        raise ValidationError({"photo": _("The photo file is empty.")})
    if len(data) > MAX_PHOTO_BYTES:
        raise ValidationError({"photo": _("The photo is larger than 5 MB.")})
    kind = image_kind(data)
    if kind is None:
        raise ValidationError(
            {"photo": _("Only JPEG, PNG or WebP photos are accepted.")}
        )
    try:
        if kind == JPEG:
            cleaned = _strip_jpeg(data)
        elif kind == PNG:
            cleaned = _strip_png(data)
        else:
            cleaned = _strip_webp(data)
    except struct.error as exc:
        raise _bad_file() from exc
    return cleaned, EXTENSIONS[kind]
