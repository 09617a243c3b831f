"""Photo checks for reports: the type comes from the file's first bytes (never
its name or the browser's word), the size is capped, and metadata that can
locate or identify the reporter (EXIF with GPS, XMP, comments) is cut out.

Pillow is not a dependency, so metadata is removed by rewriting the container:
JPEG segments, PNG chunks and WebP RIFF chunks. The image data is copied
untouched, so nothing is re-encoded and no quality is lost.
"""

from __future__ import annotations

import struct

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_BYTES = 5 * 1024 * 1024

JPEG = "image/jpeg"
PNG = "image/png"
WEBP = "image/webp"

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# PNG ancillary chunks that carry text or EXIF; everything else is image data
# or rendering information and stays.
_PNG_DROP = {b"eXIf", b"tEXt", b"zTXt", b"iTXt", b"tIME"}
_WEBP_DROP = {b"EXIF", b"XMP "}


def sniff(data: bytes) -> str | None:
    """The image type by magic bytes, or None."""
    if data[:3] == b"\xff\xd8\xff":
        return JPEG
    if data[:8] == _PNG_SIGNATURE:
        return PNG
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    return None


def clean_photo(data: bytes) -> tuple[str, bytes]:
    """Check a photo and return (content type, bytes without metadata)."""
    if not data:
        raise ValidationError(_("the file is empty."))
    if len(data) > MAX_BYTES:
        raise ValidationError(
            _("the file is larger than %(mb)d MB.") % {"mb": MAX_BYTES // 1024 // 1024}
        )
    kind = sniff(data)
    if kind is None:
        raise ValidationError(_("only JPEG, PNG or WebP photos are accepted."))
    try:
        if kind == JPEG:
            return kind, strip_jpeg(data)
        if kind == PNG:
            return kind, strip_png(data)
        return kind, strip_webp(data)
    except (ValueError, struct.error) as exc:
        raise ValidationError(_("the photo is damaged and cannot be read.")) from exc


def strip_jpeg(data: bytes) -> bytes:
    """Drop APP1–APP15 (EXIF, XMP, maker notes...) and COM segments; keep APP0
    (JFIF), tables, frame headers and the entropy-coded scan as they are."""
    out = bytearray(b"\xff\xd8")
    pos = 2
    while pos < len(data):
        if data[pos] != 0xFF:
            raise ValueError("expected a marker")
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == 0xD9:  # end of image
            out += data[pos : pos + 2]
            return bytes(out)
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            out += data[pos : pos + 2]
            pos += 2
            continue
        if pos + 4 > len(data):
            raise ValueError("truncated segment")
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        end = pos + 2 + length
        if length < 2 or end > len(data):
            raise ValueError("bad segment length")
        if marker == 0xDA:  # start of scan: the rest is image data
            out += data[pos:]
            return bytes(out)
        if not (0xE1 <= marker <= 0xEF or marker == 0xFE):
            out += data[pos:end]
        pos = end
    raise ValueError("no image data")


def strip_png(data: bytes) -> bytes:
    out = bytearray(_PNG_SIGNATURE)
    pos = 8
    while pos < len(data):
        if pos + 8 > len(data):
            raise ValueError("truncated chunk")
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        ctype = data[pos + 4 : pos + 8]
        end = pos + 12 + length
        if end > len(data):
            raise ValueError("bad chunk length")
        if ctype not in _PNG_DROP:
            out += data[pos:end]
        pos = end
        if ctype == b"IEND":
            return bytes(out)
    raise ValueError("no IEND chunk")


def strip_webp(data: bytes) -> bytes:
    (riff_size,) = struct.unpack("<I", data[4:8])
    if riff_size + 8 > len(data) or riff_size < 4:
        raise ValueError("bad RIFF size")
    chunks = bytearray()
    pos = 12
    end_of_riff = 8 + riff_size
    while pos < end_of_riff:
        if pos + 8 > end_of_riff:
            raise ValueError("truncated chunk")
        ctype = data[pos : pos + 4]
        (size,) = struct.unpack("<I", data[pos + 4 : pos + 8])
        end = pos + 8 + size + (size & 1)  # chunks are padded to even sizes
        if end > end_of_riff:
            raise ValueError("bad chunk size")
        chunk = bytearray(data[pos:end])
        if ctype == b"VP8X":
            # Clear the EXIF (0x08) and XMP (0x04) flags of the extended header.
            chunk[8] &= ~0x0C & 0xFF
        if ctype not in _WEBP_DROP:
            chunks += chunk
        pos = end
    return b"RIFF" + struct.pack("<I", 4 + len(chunks)) + b"WEBP" + bytes(chunks)
